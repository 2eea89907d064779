//! Invitation links are good once: the token's id is recorded when it is answered.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::invitation_uses;

/// Whether the link with this token id has been answered.
pub async fn used(conn: &mut AsyncPgConnection, jti: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(invitation_uses::table.find(jti)))
        .get_result(conn)
        .await
}

/// Records the answer; `false` when the link was answered already (by a concurrent request too).
pub async fn spend(
    conn: &mut AsyncPgConnection,
    jti: Uuid,
    county_id: Uuid,
    party_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let spent = diesel::insert_into(invitation_uses::table)
        .values((
            invitation_uses::jti.eq(jti),
            invitation_uses::county_id.eq(county_id),
            invitation_uses::party_id.eq(party_id),
            invitation_uses::used_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(spent == 1)
}
