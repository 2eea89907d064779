//! 解纷码: the live card code of a case, and the case a live code opens.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::case_cards;

/// The case's live code, if it has one.
pub async fn live(
    conn: &mut AsyncPgConnection,
    (county_id, case_id): (Uuid, Uuid),
) -> QueryResult<Option<String>> {
    case_cards::table
        .filter(case_cards::county_id.eq(county_id))
        .filter(case_cards::case_id.eq(case_id))
        .filter(case_cards::revoked_at.is_null())
        .select(case_cards::code)
        .first(conn)
        .await
        .optional()
}

/// Makes `code` the case's live code, revoking the one before (in the caller's transaction).
pub async fn replace(
    conn: &mut AsyncPgConnection,
    (county_id, case_id): (Uuid, Uuid),
    code: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        case_cards::table
            .filter(case_cards::county_id.eq(county_id))
            .filter(case_cards::case_id.eq(case_id))
            .filter(case_cards::revoked_at.is_null()),
    )
    .set(case_cards::revoked_at.eq(now))
    .execute(conn)
    .await?;
    diesel::insert_into(case_cards::table)
        .values((
            case_cards::code.eq(code),
            case_cards::county_id.eq(county_id),
            case_cards::case_id.eq(case_id),
            case_cards::created_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The case a live code opens.
pub async fn case_of(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> QueryResult<Option<(Uuid, Uuid)>> {
    case_cards::table
        .filter(case_cards::code.eq(code))
        .filter(case_cards::revoked_at.is_null())
        .select((case_cards::county_id, case_cards::case_id))
        .first(conn)
        .await
        .optional()
}
