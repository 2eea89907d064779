//! Lists of cases: the committee queue (soonest deadline first) and "my cases" (newest first),
//! both keyset-paginated so that page 1000 costs what page 1 costs.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::CaseRow;
use crate::db::access::{Scope, visible};
use crate::db::schema::cases;

/// Where the previous page ended: the sort key of its last row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: Option<DateTime<Utc>>,
    pub id: Uuid,
}

impl Cursor {
    /// Opaque to clients: `<microseconds or "none">.<uuid>`.
    pub fn encode(&self) -> String {
        match self.at {
            Some(at) => format!("{}.{}", at.timestamp_micros(), self.id.simple()),
            None => format!("none.{}", self.id.simple()),
        }
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (at, id) = s.split_once('.')?;
        let id = Uuid::parse_str(id).ok()?;
        let at = match at {
            "none" => None,
            micros => Some(DateTime::from_timestamp_micros(micros.parse().ok()?)?),
        };
        Some(Cursor { at, id })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<&'static str>,
    /// Only cases assigned to this mediator.
    pub mediator: Option<Uuid>,
    pub unassigned: bool,
    /// Only cases whose clock runs out before this time.
    pub due_before: Option<DateTime<Utc>>,
}

fn infinity() -> crate::db::fixed_sql::Fixed<Nullable<Timestamptz>> {
    crate::db::fixed_sql::fixed("'infinity'::timestamptz")
}

/// A committee's open cases, soonest deadline first (cases without a clock last).
pub async fn queue(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    committee_id: Uuid,
    filter: &ListFilter,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let mut q = cases::table
        .filter(cases::county_id.eq(county_id))
        .filter(cases::committee_id.eq(committee_id))
        .filter(super::open())
        .select(CaseRow::as_select())
        .into_boxed();
    if let Some(status) = filter.status {
        q = q.filter(cases::status.eq(status));
    }
    if let Some(m) = filter.mediator {
        q = q.filter(cases::mediator_id.eq(m));
    }
    if filter.unassigned {
        q = q.filter(cases::mediator_id.is_null());
    }
    if let Some(before) = filter.due_before {
        q = q.filter(cases::deadline_at.le(before));
    }
    if let Some(c) = after {
        q = match c.at {
            Some(at) => q.filter(
                cases::queue_at
                    .gt(at)
                    .or(cases::queue_at.eq(at).and(cases::id.gt(c.id))),
            ),
            None => q.filter(cases::queue_at.eq(infinity()).and(cases::id.gt(c.id))),
        };
    }
    q.order((cases::queue_at.asc(), cases::id.asc()))
        .limit(limit)
        .load(conn)
        .await
}

/// The cases a caller may see, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    scope: Scope,
    filter: &ListFilter,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let mut q = cases::table
        .filter(visible(scope))
        .select(CaseRow::as_select())
        .into_boxed();
    if let Some(status) = filter.status {
        q = q.filter(cases::status.eq(status));
    }
    if let Some(Cursor { at: Some(at), id }) = after {
        q = q.filter(
            cases::filed_at
                .lt(at)
                .or(cases::filed_at.eq(at).and(cases::id.lt(id))),
        );
    }
    q.order((cases::filed_at.desc(), cases::id.desc()))
        .limit(limit)
        .load(conn)
        .await
}
