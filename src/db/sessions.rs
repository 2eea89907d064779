//! The sessions a person can list and end, and the one-time account links already used.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use super::schema::{account_link_uses, revoked_tokens, user_sessions};

/// A session as its owner sees it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = user_sessions)]
pub struct SessionRow {
    #[serde(rename = "id")]
    pub jti: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub method: String,
    pub user_agent: String,
}

pub async fn record(
    conn: &mut AsyncPgConnection,
    jti: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    method: &str,
    user_agent: &str,
) -> QueryResult<()> {
    let agent: String = user_agent
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    diesel::insert_into(user_sessions::table)
        .values((
            user_sessions::jti.eq(jti),
            user_sessions::user_id.eq(user_id),
            user_sessions::created_at.eq(now),
            user_sessions::expires_at.eq(expires_at),
            user_sessions::method.eq(method),
            user_sessions::user_agent.eq(agent),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// The account's sessions that still work: not expired, not logged out, and issued since the
/// last "log out everywhere" (which bumps the token version and clears this list).
pub async fn live(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Vec<SessionRow>> {
    user_sessions::table
        .filter(user_sessions::user_id.eq(user_id))
        .filter(user_sessions::expires_at.gt(now))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            revoked_tokens::table.filter(revoked_tokens::jti.eq(user_sessions::jti)),
        )))
        .order(user_sessions::created_at.desc())
        .limit(100)
        .select(SessionRow::as_select())
        .load(conn)
        .await
}

/// Forgets the listed sessions of an account (after its token version was bumped, none of them
/// works any more).
pub async fn forget_all(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    diesel::delete(user_sessions::table.filter(user_sessions::user_id.eq(user_id)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops sessions past their expiry.
pub async fn prune(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(user_sessions::table.filter(user_sessions::expires_at.lt(now)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the use of a one-time account link; `false` when it was used before.
pub async fn spend_link(
    conn: &mut AsyncPgConnection,
    jti: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::insert_into(account_link_uses::table)
        .values((
            account_link_uses::jti.eq(jti),
            account_link_uses::user_id.eq(user_id),
            account_link_uses::used_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}
