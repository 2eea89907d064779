//! The reminder job: finds cases with a deadline, a session or a performance date coming up,
//! asks the engine's rule which reminders are due, and writes each one to the outbox once
//! (a row in `reminders_sent` per case, kind and moment), so running it often, or on several
//! nodes, sends nothing twice.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db;
use crate::db::schema::{case_sessions, cases, reminders_sent};
use crate::workflow::reminders;

const FINAL: [&str; 4] = ["closed", "declined", "referred", "withdrawn"];

/// Cases that may have a reminder due at `now`.
async fn candidates(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let mut ids: Vec<(Uuid, Uuid)> = cases::table
        .filter(cases::deadline_at.gt(now))
        .filter(cases::deadline_at.le(now + Duration::days(2)))
        .filter(cases::status.ne_all(FINAL))
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

/// Sends what is due at `now`; returns how many reminders were written.
pub async fn run(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut sent = 0;
    for (county_id, case_id) in candidates(conn, now).await? {
        let Some(record) = db::cases::find_for_system(conn, county_id, case_id).await? else {
            continue;
        };
        let state = record.state()?;
        for reminder in reminders::due(&state, now) {
            let wrote = conn
                .transaction::<bool, diesel::result::Error, _>(async |conn| {
                    let fresh = diesel::insert_into(reminders_sent::table)
                        .values((
                            reminders_sent::county_id.eq(county_id),
                            reminders_sent::case_id.eq(case_id),
                            reminders_sent::kind.eq(reminder.kind),
                            reminders_sent::due_at.eq(reminder.about),
                            reminders_sent::sent_at.eq(now),
                        ))
                        .on_conflict_do_nothing()
                        .execute(conn)
                        .await?;
                    if fresh == 1 {
                        crate::notify::enqueue(
                            conn,
                            &state,
                            &reminder.notices,
                            &serde_json::json!({}),
                            now,
                        )
                        .await?;
                    }
                    Ok(fresh == 1)
                })
                .await?;
            sent += usize::from(wrote);
        }
    }
    Ok(sent)
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
