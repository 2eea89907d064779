//! The in-app side: a user's notifications (the bell), newest first, and marking them read.
//! Notifications belong to one user, who may have cases in several counties, so these queries
//! are keyed by user (index `notifications_user`); every row still carries its county.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::schema::{cases, notifications};

#[derive(Debug, Clone, Queryable)]
pub struct Row {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub kind: String,
    pub data: Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The newest `limit` notifications of a user, optionally only the unread ones.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    unread_only: bool,
    limit: i64,
) -> QueryResult<Vec<Row>> {
    let mut q = notifications::table
        .inner_join(
            cases::table.on(cases::county_id
                .eq(notifications::county_id)
                .and(cases::id.eq(notifications::case_id))),
        )
        .filter(notifications::user_id.eq(user_id))
        .into_boxed();
    if unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    q.order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select((
            notifications::id,
            notifications::case_id,
            cases::number,
            notifications::kind,
            notifications::data,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)
        .await
}

pub async fn unread(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// Which notifications to mark read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    All,
    Ids(Vec<Uuid>),
}

/// Marks the user's unread notifications read; ids of other users' rows change nothing.
/// Returns how many changed.
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    which: &Mark,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let mine = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null());
    match which {
        Mark::All => {
            diesel::update(mine)
                .set(notifications::read_at.eq(Some(now)))
                .execute(conn)
                .await
        }
        Mark::Ids(ids) => {
            diesel::update(mine.filter(notifications::id.eq_any(ids)))
                .set(notifications::read_at.eq(Some(now)))
                .execute(conn)
                .await
        }
    }
}
