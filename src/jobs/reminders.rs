//! The reminder job: finds cases with a deadline, a session or a performance date coming up,
//! asks the engine's rule which reminders are due, and writes each one to the outbox once
//! (a row in `reminders_sent` per case, kind and moment), so running it often, or on several
//! nodes, sends nothing twice.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db;
use crate::db::schema::{case_sessions, cases};
use crate::workflow::{Notice, reminders};

/// Cases that may have a reminder due at `now`.
async fn candidates(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let mut ids: Vec<(Uuid, Uuid)> = cases::table
        .filter(cases::deadline_at.gt(now))
        .filter(cases::deadline_at.le(now + Duration::days(2)))
        .filter(db::cases::open())
        .select((cases::county_id, cases::id))
        .load(conn)
        .await?;
    ids.extend(
        case_sessions::table
            .filter(case_sessions::at.gt(now))
            .filter(case_sessions::at.le(now + Duration::days(1)))
            .filter(case_sessions::record.is_null())
            .select((case_sessions::county_id, case_sessions::case_id))
            .load::<(Uuid, Uuid)>(conn)
            .await?,
    );
    // Performance dates sit inside the agreement; resolved cases not yet performed are few.
    ids.extend(
        cases::table
            .filter(cases::status.eq("resolved"))
            .filter(cases::performance.is_null())
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "(agreement->>'performance_due')::timestamptz > ",
                )
                .bind::<diesel::sql_types::Timestamptz, _>(now)
                .sql(" AND (agreement->>'performance_due')::timestamptz <= ")
                .bind::<diesel::sql_types::Timestamptz, _>(now + Duration::days(2)),
            )
            .select((cases::county_id, cases::id))
            .load::<(Uuid, Uuid)>(conn)
            .await?,
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Cases looked at per transaction.
const BATCH: usize = 500;

#[derive(QueryableByName)]
struct Fresh {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    case_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    due_at: DateTime<Utc>,
}

/// Marks many reminders as sent in one statement and returns those that were not sent before.
const MARK: &str = "
INSERT INTO reminders_sent (county_id, case_id, kind, due_at, sent_at)
SELECT county_id, case_id, kind, due_at, $5
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
     AS r(county_id, case_id, kind, due_at)
ON CONFLICT DO NOTHING
RETURNING case_id, kind, due_at";

/// Sends what is due at `now`; returns how many reminders were written. The candidates are read
/// in sets of `BATCH` and each set is marked and enqueued in one transaction, so a crash half
/// way sends nothing twice and loses nothing (the next run takes what was left).
pub async fn run(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut sent = 0;
    for keys in candidates(conn, now).await?.chunks(BATCH) {
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
    let col = |f: &dyn Fn(usize, &reminders::Reminder) -> Uuid| -> Vec<Uuid> {
        due.iter().map(|(i, r)| f(*i, r)).collect()
    };
    let fresh: std::collections::HashSet<(Uuid, String, DateTime<Utc>)> = diesel::sql_query(MARK)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(col(&|i, _| {
            states[i].county_id
        }))
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(col(&|i, _| states[i].id))
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(
            due.iter().map(|(_, r)| r.kind).collect::<Vec<_>>(),
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::Timestamptz>, _>(
            due.iter().map(|(_, r)| r.about).collect::<Vec<_>>(),
        )
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .load::<Fresh>(conn)
        .await?
        .into_iter()
        .map(|f| (f.case_id, f.kind, f.due_at))
        .collect();
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
pub async fn run_forever(pool: db::Pool, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match pool.get().await {
            Ok(mut conn) => match run(&mut conn, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "reminders written"),
                Err(e) => tracing::warn!(error = %e, "reminders failed"),
            },
            Err(e) => tracing::warn!(error = %e, "reminders: no database connection"),
        }
    }
}
