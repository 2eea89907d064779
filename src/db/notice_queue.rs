//! `notice_queue`: the notices of a sweep, one row per county and batch, kept until the mail
//! worker expands them (`notify::deferred`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::schema::notice_queue;

/// Writes one row per county: its cases' notices as JSON.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    rows: &[(Uuid, Value)],
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let values: Vec<_> = rows
        .iter()
        .map(|(county_id, changes)| {
            (
                notice_queue::county_id.eq(*county_id),
                notice_queue::changes.eq(changes),
                notice_queue::created_at.eq(now),
            )
        })
        .collect();
    diesel::insert_into(notice_queue::table)
        .values(&values)
        .execute(conn)
        .await
}

/// The oldest `limit` rows no other worker holds, locked until the caller's transaction ends:
/// county, id, notices.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> QueryResult<Vec<(Uuid, i64, Value)>> {
    notice_queue::table
        .order(notice_queue::id)
        .limit(limit)
        .select((
            notice_queue::county_id,
            notice_queue::id,
            notice_queue::changes,
        ))
        .for_update()
        .skip_locked()
        .load(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(notice_queue::table.filter(notice_queue::id.eq_any(ids)))
        .execute(conn)
        .await
}
