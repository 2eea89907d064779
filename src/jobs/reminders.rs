//! The reminder job: finds cases with a deadline, a session or a performance date coming up,
//! asks the engine's rule which reminders are due, and writes each one to the outbox once
//! (a row in `reminders_sent` per case, kind and moment), so running it often, or on several
//! nodes, sends nothing twice.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::counters::Job;
use crate::db;
use crate::workflow::{Notice, reminders};

/// Cases looked at per transaction.
const BATCH: usize = 500;

/// Sends what is due at `now`; returns how many reminders were written. The candidates are read
/// in sets of `BATCH` and each set is marked and enqueued in one transaction, so a crash half
/// way sends nothing twice and loses nothing (the next run takes what was left).
pub async fn run(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut sent = 0;
    for keys in db::reminders::candidates(conn, now).await?.chunks(BATCH) {
        sent += conn
            .transaction::<usize, anyhow::Error, _>(async |conn| batch(conn, keys, now).await)
            .await?;
    }
    Ok(sent)
}

async fn batch(
    conn: &mut AsyncPgConnection,
    keys: &[(Uuid, Uuid)],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut states = Vec::new();
    let mut due = Vec::new();
    for record in db::cases::batch::read_many(conn, keys).await? {
        let state = record.state()?;
        for reminder in reminders::due(&state, now) {
            due.push((states.len(), reminder));
        }
        states.push(state);
    }
    if due.is_empty() {
        return Ok(0);
    }
    let marks: Vec<db::reminders::Mark> = due
        .iter()
        .map(|(i, r)| db::reminders::Mark {
            county_id: states[*i].county_id,
            case_id: states[*i].id,
            kind: r.kind,
            due_at: r.about,
        })
        .collect();
    let fresh = db::reminders::mark_sent(conn, &marks, now).await?;
    // Reminders of one case are told together; those already sent are left out.
    let mut notices: Vec<Vec<Notice>> = vec![Vec::new(); states.len()];
    let mut written = 0;
    for (i, r) in &due {
        if fresh.contains(&(states[*i].id, r.kind.to_owned(), r.about)) {
            notices[*i].extend(r.notices.iter().cloned());
            written += 1;
        }
    }
    let nothing = serde_json::json!({});
    let changes: Vec<_> = states
        .iter()
        .zip(&notices)
        .filter(|(_, n)| !n.is_empty())
        .map(|(s, n)| (s, n.as_slice(), &nothing))
        .collect();
    crate::notify::outbox::enqueue_many(conn, &changes, now).await?;
    Ok(written)
}

/// Inside `serve`: look for due reminders every `every`. Errors are logged and retried.
pub async fn run_forever(
    pool: db::Pool,
    every: std::time::Duration,
    stop: crate::background::Stop,
) {
    crate::background::every(Job::Reminders, every, stop, || async {
        let mut conn = pool.get().await.map_err(|e| {
            tracing::warn!(error = %e, "reminders: no database connection");
        })?;
        match run(&mut conn, Utc::now()).await {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(reminders = n, "reminders written");
                }
                Ok(n as u64)
            }
            Err(e) => {
                tracing::warn!(error = %e, "reminders failed");
                Err(())
            }
        }
    })
    .await;
}
