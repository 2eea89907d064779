//! Bookkeeping that only matters for a while: expired revocations, old login failures, spent
//! and expired sign-in codes, rate-limit events, ended sessions, expired short links,
//! idempotency keys older than a day, mail and texts sent more than `SENT_KEPT_DAYS` ago, and
//! the recordings of filings never finished (a day old, with their files). Each delete is by
//! time alone, so running it on several nodes at once is harmless. The daily
//! history anchors (`anchors.rs`) and retention (`retention.rs`) run from the same hourly tick.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::counters::Job;
use crate::db;

pub async fn run(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    db::users::prune_auth_tables(conn, now).await?;
    db::sign_in::prune(conn, now).await?;
    db::sessions::prune(conn, now).await?;
    db::short_links::prune(conn, now).await?;
    db::idempotency::prune(conn, now).await?;
    prune_sent_mail(conn, now).await?;
    Ok(())
}

/// Sent messages deleted per statement, and per county and run at most: a province's first
/// run after years of mail works off its backlog over several hours, never in one long tick.
const PRUNE_BATCH: usize = 5_000;
const PRUNE_BATCHES_PER_RUN: usize = 20;

/// Mail and texts sent more than `db::outbox::SENT_KEPT_DAYS` ago, county by county (each
/// statement reads one county); returns how many were deleted.
pub async fn prune_sent_mail(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let before = now - chrono::Duration::days(db::outbox::SENT_KEPT_DAYS);
    let mut deleted = 0;
    for (county_id, _) in db::divisions::counties(conn).await? {
        for _ in 0..PRUNE_BATCHES_PER_RUN {
            let n = db::outbox::prune_sent(conn, county_id, before, PRUNE_BATCH).await?;
            deleted += n;
            if n < PRUNE_BATCH {
                break;
            }
        }
    }
    Ok(deleted)
}

/// Recordings of filings never finished are dropped after a day, with their files unless a case's
/// evidence or another recording holds the same file.
pub async fn prune_recordings(
    conn: &mut AsyncPgConnection,
    store: &crate::evidence::Store,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let dropped = db::recordings::prune(conn, now - chrono::Duration::days(1)).await?;
    for sha in &dropped {
        let used =
            db::evidence::uses_of(conn, sha).await? + db::recordings::uses_of(conn, sha).await?;
        if used == 0 {
            let _ = tokio::fs::remove_file(store.path_of(sha)).await;
        }
    }
    Ok(dropped.len())
}

/// Inside `serve`: once every `every`, with the anchors and retention. Errors are logged and
/// the next run tries again.
pub async fn run_forever(
    pool: db::Pool,
    every: std::time::Duration,
    store: crate::evidence::Store,
    stop: crate::background::Stop,
) {
    crate::background::every(Job::Housekeeping, every, stop, || async {
        let mut conn = pool.get().await.map_err(|e| {
            tracing::warn!(error = %e, "housekeeping: no database connection");
        })?;
        // Each part runs whatever the others did; the run counts as failed if one failed.
        let mut ok = true;
        if let Err(e) = run(&mut conn, Utc::now()).await {
            tracing::warn!(error = %e, "housekeeping failed");
            ok = false;
        }
        if let Err(e) = prune_recordings(&mut conn, &store, Utc::now()).await {
            tracing::warn!(error = %e, "pruning filing recordings failed");
            ok = false;
        }
        if let Err(e) = super::anchors::run(&mut conn, Utc::now()).await {
            tracing::warn!(error = %e, "history anchoring failed");
            ok = false;
        }
        match super::retention::run(&mut conn, &store, Utc::now(), false).await {
            Ok(r) if !r.cases.is_empty() => tracing::info!(%r, "retention"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "retention failed");
                ok = false;
            }
        }
        if ok { Ok(0) } else { Err(()) }
    })
    .await;
}
