//! Notices of a change to many cases at once (the deadline sweeper), kept as the engine decided
//! them and turned into people afterwards. The sweeper writes one `notice_queue` row per county
//! and batch in the transaction of its change; `expand` reads the rows with `FOR UPDATE SKIP
//! LOCKED`, resolves them through `outbox::enqueue_many` exactly as a single change is, and
//! deletes them, in one transaction. A committed escalation is therefore always told, once, and
//! the sweeper's transactions (holding the cases' row locks) stay short.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::outbox::{Enqueued, enqueue_many};
use crate::db;
use crate::workflow::{CaseState, NOTICE_KINDS, Notice, Recipient, reminders};

/// Queue rows expanded per transaction (each holds one county's part of a sweep batch).
const ROWS_PER_EXPANSION: i64 = 64;

#[derive(Serialize)]
struct Told<'a> {
    case_id: Uuid,
    notices: &'a [Notice],
}

/// A notice as stored: its kind is matched back to the engine's own names when read.
#[derive(Deserialize)]
struct StoredNotice {
    kind: String,
    to: Recipient,
}

#[derive(Deserialize)]
struct Stored {
    case_id: Uuid,
    notices: Vec<StoredNotice>,
}

/// Records the notices of many changes, grouped by county, in the caller's transaction.
pub async fn defer_many(
    conn: &mut AsyncPgConnection,
    changes: &[(&CaseState, &[Notice])],
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let mut by_county: BTreeMap<Uuid, Vec<Told<'_>>> = BTreeMap::new();
    for (case, notices) in changes.iter().filter(|(_, n)| !n.is_empty()) {
        by_county.entry(case.county_id).or_default().push(Told {
            case_id: case.id,
            notices,
        });
    }
    let rows = by_county
        .into_iter()
        .map(|(county_id, told)| Ok((county_id, serde_json::to_value(told)?)))
        .collect::<Result<Vec<_>, serde_json::Error>>()
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    db::notice_queue::insert(conn, &rows, now).await
}

fn kind_of(name: &str) -> Option<&'static str> {
    NOTICE_KINDS
        .iter()
        .chain(reminders::KINDS.iter())
        .find(|k| **k == name)
        .copied()
}

/// What `expand` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Expanded {
    pub rows: usize,
    pub cases: usize,
    pub told: Enqueued,
}

/// Expands up to `ROWS_PER_EXPANSION` queued rows in one transaction; the mail and bells are
/// dated `now`. The cases are read as they are now (their parties, the committee's staff), so a
/// person added in between hears too.
pub async fn expand(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<Expanded> {
    conn.transaction::<Expanded, diesel::result::Error, _>(async |conn| {
        let queued = db::notice_queue::claim(conn, ROWS_PER_EXPANSION).await?;
        let mut done = Expanded {
            rows: queued.len(),
            ..Expanded::default()
        };
        if queued.is_empty() {
            return Ok(done);
        }
        let mut told: Vec<(Uuid, Uuid, Vec<Notice>)> = Vec::new();
        for (county_id, id, changes) in &queued {
            let stored: Vec<Stored> = match serde_json::from_value(changes.clone()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(queue_id = id, error = %e, "queued notices cannot be read");
                    continue;
                }
            };
            for s in stored {
                let notices = s
                    .notices
                    .into_iter()
                    .filter_map(|n| match kind_of(&n.kind) {
                        Some(kind) => Some(Notice { kind, to: n.to }),
                        None => {
                            tracing::error!(kind = n.kind, "unknown notice kind in the queue");
                            None
                        }
                    })
                    .collect();
                told.push((*county_id, s.case_id, notices));
            }
        }
        let keys: Vec<(Uuid, Uuid)> = told.iter().map(|(c, id, _)| (*c, *id)).collect();
        let mut states: HashMap<Uuid, CaseState> = HashMap::new();
        for record in db::cases::batch::read_many(conn, &keys).await? {
            match record.state() {
                Ok(state) => {
                    states.insert(state.id, state);
                }
                Err(e) => tracing::error!(case_id = %record.row.id, error = %e,
                    "case cannot be read for its notices"),
            }
        }
        let nothing = serde_json::json!({});
        let changes: Vec<_> = told
            .iter()
            .filter_map(|(_, id, notices)| {
                states.get(id).map(|s| (s, notices.as_slice(), &nothing))
            })
            .collect();
        done.cases = changes.len();
        done.told = enqueue_many(conn, &changes, now).await?;
        let ids: Vec<i64> = queued.iter().map(|(_, id, _)| *id).collect();
        db::notice_queue::delete(conn, &ids).await?;
        Ok(done)
    })
    .await
}

/// Expands until the queue is empty (or only rows other workers hold are left).
pub async fn expand_all(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<Expanded> {
    let mut total = Expanded::default();
    loop {
        let e = expand(conn, now).await?;
        if e.rows == 0 {
            return Ok(total);
        }
        total.rows += e.rows;
        total.cases += e.cases;
        total.told.mails += e.told.mails;
        total.told.notifications += e.told.notifications;
        total.told.phone_calls += e.told.phone_calls;
    }
}

impl std::fmt::Display for Expanded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "notices of {} case(s): {} mail(s), {} in-app notification(s)",
            self.cases, self.told.mails, self.told.notifications
        )
    }
}
