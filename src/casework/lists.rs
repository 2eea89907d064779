//! The lists the API and the pages read: the caller's cases, a committee's queue, its
//! calendar and its mediators' load, and the division tree. Each goes through the gate's
//! scope or the caller's own committee; nothing here changes a case.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::scope_of;
use crate::auth::{Principal, StaffScope};
use crate::db;
use crate::error::AppError;

pub use crate::db::cases::{CaseRow, Cursor, ListFilter};
pub use crate::db::divisions::DivisionRow;
pub use crate::db::staff::CalendarEntry;

/// The cases the caller may see, newest first.
pub async fn mine(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    filter: &ListFilter,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<CaseRow>, AppError> {
    Ok(db::cases::list(conn, scope_of(principal), filter, after, limit).await?)
}

/// The committee's open cases, soonest deadline first.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    committee: &StaffScope,
    filter: &ListFilter,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<CaseRow>, AppError> {
    Ok(db::cases::queue(
        conn,
        committee.county_id,
        committee.committee_id,
        filter,
        after,
        limit,
    )
    .await?)
}

/// Sessions between `from` and `to`: a mediator's own cases, a head's whole committee.
pub async fn calendar(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    committee: &StaffScope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalendarEntry>, AppError> {
    let mine = (!principal.is_head()).then_some(principal.id);
    Ok(db::staff::calendar(
        conn,
        committee.county_id,
        committee.committee_id,
        mine,
        from,
        to,
    )
    .await?)
}

/// One mediator of a committee and how many open cases they hold.
pub struct MediatorLoad {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub open_cases: i64,
}

/// The committee's mediators and their open load, by name.
pub async fn mediators(
    conn: &mut AsyncPgConnection,
    committee: &StaffScope,
) -> Result<Vec<MediatorLoad>, AppError> {
    let rows =
        db::staff::mediators_with_load(conn, committee.county_id, committee.committee_id).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, role, open_cases)| MediatorLoad {
            id,
            name,
            role,
            open_cases,
        })
        .collect())
}

/// Every division the service knows, by code (public).
pub async fn divisions(conn: &mut AsyncPgConnection) -> Result<Vec<DivisionRow>, AppError> {
    Ok(db::divisions::all(conn).await?)
}
