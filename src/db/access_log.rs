//! Who opened a case, its documents or its evidence (staff and judges).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use super::schema::{case_access_log, users};

pub struct Opening<'a> {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub user_id: Uuid,
    pub role: &'a str,
    pub what: &'a str,
    pub target_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

pub async fn record(conn: &mut AsyncPgConnection, o: &Opening<'_>) -> QueryResult<()> {
    diesel::insert_into(case_access_log::table)
        .values((
            case_access_log::county_id.eq(o.county_id),
            case_access_log::case_id.eq(o.case_id),
            case_access_log::user_id.eq(o.user_id),
            case_access_log::role.eq(o.role),
            case_access_log::what.eq(o.what),
            case_access_log::target_id.eq(o.target_id),
            case_access_log::at.eq(o.at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One opening as the case's people see it.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
#[schema(as = AccessLogEntry)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub name: String,
    pub role: String,
    pub what: String,
}

/// The newest openings of a case.
pub async fn of_case(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    case_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<Entry>> {
    case_access_log::table
        .inner_join(users::table.on(users::id.eq(case_access_log::user_id)))
        .filter(case_access_log::county_id.eq(county_id))
        .filter(case_access_log::case_id.eq(case_id))
        .order(case_access_log::at.desc())
        .limit(limit)
        .select((
            case_access_log::at,
            users::name,
            case_access_log::role,
            case_access_log::what,
        ))
        .load(conn)
        .await
}
