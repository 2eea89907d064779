//! The deadline sweeper: applies the engine's `deadline_passed` to every case whose clock has
//! run out. It lists the due cases in key order and works through them in batches; each batch
//! is claimed with `FOR UPDATE SKIP LOCKED`, so several nodes (or several connections of one
//! sweep) can sweep at once without taking the same case, and a case swept once has a new
//! clock (or none), so running the sweep again changes nothing: it is idempotent. Every batch
//! holds the cases of one county, so each transaction's statements stay within one county (one
//! shard under Citus, docs/scaling.md); only the listing of due keys reads across counties.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::counters::Job;
use crate::db;
use crate::notify;
use crate::workflow::{self, Action, Actor, Policy};

/// Cases claimed per transaction.
pub const BATCH: usize = 1000;
/// Due cases listed at a time (their keys only).
const LISTED: i64 = 50_000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub changed: usize,
    pub refused: usize,
}

impl std::ops::AddAssign for SweepReport {
    fn add_assign(&mut self, other: Self) {
        self.changed += other.changed;
        self.refused += other.refused;
    }
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} case(s) changed, {} refused by the engine",
            self.changed, self.refused
        )
    }
}

/// One transaction: claim a batch of due cases, let the engine decide `deadline_passed` for
/// each, and write all the decisions. Reads and writes go in sets (`db::cases::batch`): one
/// statement per batch instead of about ten per case, which is what made 100 000 cases slow.
async fn batch(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    keys: &[(Uuid, Uuid)],
    policies: &mut HashMap<Uuid, Policy>,
) -> QueryResult<SweepReport> {
    conn.transaction::<SweepReport, diesel::result::Error, _>(async |conn| {
        let due = db::cases::batch::claim_due(conn, now, keys).await?;
        let mut report = SweepReport::default();
        let mut decided = Vec::with_capacity(due.len());
        for record in due {
            let id = record.row.id;
            let county_id = record.row.county_id;
            let state = match record.state() {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(case_id = %id, error = %e, "case cannot be read by the engine");
                    report.refused += 1;
                    continue;
                }
            };
            let policy = match policies.get(&county_id) {
                Some(p) => *p,
                None => {
                    let p = db::policy::of_county(conn, county_id).await?;
                    policies.insert(county_id, p);
                    p
                }
            };
            match workflow::decide(
                &state,
                &Action::DeadlinePassed,
                &Actor::System,
                now,
                &policy,
            ) {
                Ok(t) => decided.push((state, t)),
                Err(refusal) => {
                    tracing::error!(case_id = %id, %refusal, "deadline_passed refused");
                    report.refused += 1;
                }
            }
        }
        let written = db::cases::batch::apply_many(conn, &decided, &Actor::System, now).await?;
        // Everyone the engine names will hear of the change, if and only if it commits: a
        // change written on its own enqueues its mail now; those written in sets are recorded
        // as one deferred row per county and expanded after (`notify::deferred`).
        for &i in &written.one_by_one {
            let t = &decided[i].1;
            notify::enqueue(conn, &t.case, &t.notices, &serde_json::Value::Null, now).await?;
        }
        let changes: Vec<_> = written
            .in_sets
            .iter()
            .map(|&i| (&decided[i].1.case, decided[i].1.notices.as_slice()))
            .collect();
        notify::deferred::defer_many(conn, &changes, now).await?;
        report.changed = written.count();
        Ok(report)
    })
    .await
}

/// Sweeps until no due case is left (or only cases the engine refuses), with `workers`
/// connections at once: the due cases are listed in key order and cut into batches, which the
/// workers take in turn, so that at any moment the batches being written are neighbours.
pub async fn sweep(
    pool: &db::Pool,
    now: DateTime<Utc>,
    workers: usize,
) -> anyhow::Result<SweepReport> {
    let mut total = SweepReport::default();
    loop {
        let mut pass = SweepReport::default();
        let mut after = None;
        loop {
            let due = {
                let mut conn = pool.get().await?;
                db::cases::batch::due_keys(&mut conn, now, after, LISTED).await?
            };
            let Some(last) = due.last() else { break };
            after = Some(*last);
            pass += work_through(pool, now, &due, workers).await?;
        }
        total += pass;
        // A second pass finds only what the first could not take (held by another sweeper)
        // or the engine refused; once a pass changes nothing, the sweep is done.
        if pass.changed == 0 {
            return Ok(total);
        }
    }
}

/// Cuts keys listed in key order into batches of at most `size` that never cross a county: a
/// county's due cases are cut into full batches and the rest, and the next county begins a
/// batch of its own.
fn batches_by_county(due: &[(Uuid, Uuid)], size: usize) -> Vec<Vec<(Uuid, Uuid)>> {
    due.chunk_by(|a, b| a.0 == b.0)
        .flat_map(|county| county.chunks(size.max(1)))
        .map(<[_]>::to_vec)
        .collect()
}

/// Cuts `due` into batches and lets `workers` connections take them in order.
async fn work_through(
    pool: &db::Pool,
    now: DateTime<Utc>,
    due: &[(Uuid, Uuid)],
    workers: usize,
) -> anyhow::Result<SweepReport> {
    let batches = batches_by_county(due, BATCH);
    let queue = Arc::new(Mutex::new(batches.into_iter()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers.max(1) {
        let (pool, queue) = (pool.clone(), Arc::clone(&queue));
        tasks.spawn(async move {
            let mut conn = pool.get().await?;
            let mut policies = HashMap::new();
            let mut report = SweepReport::default();
            loop {
                let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                let Some(keys) = next else { break };
                report += batch(&mut conn, now, &keys, &mut policies).await?;
            }
            anyhow::Ok(report)
        });
    }
    let mut total = SweepReport::default();
    while let Some(done) = tasks.join_next().await {
        total += done??;
    }
    Ok(total)
}

/// Inside `serve`: sweep every `every`, forever. Errors are logged and retried next time.
pub async fn run_forever(pool: db::Pool, every: Duration, stop: crate::background::Stop) {
    crate::background::every(Job::Sweep, every, stop, || async {
        let started = Utc::now();
        match sweep(&pool, started, 1).await {
            Ok(r) => {
                if r.changed > 0 || r.refused > 0 {
                    tracing::info!(%r, "deadline sweep");
                }
                if let Ok(mut conn) = pool.get().await {
                    db::backlog::job_finished(&mut conn, Job::Sweep.name(), started).await;
                }
                Ok(r.changed as u64)
            }
            Err(e) => {
                tracing::warn!(error = %e, "deadline sweep failed");
                Err(())
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(counties: &[(u128, usize)]) -> Vec<(Uuid, Uuid)> {
        let mut id = 0u128;
        let mut out = Vec::new();
        for &(county, n) in counties {
            for _ in 0..n {
                id += 1;
                out.push((Uuid::from_u128(county), Uuid::from_u128(id)));
            }
        }
        out
    }

    #[test]
    fn a_batch_never_holds_two_counties() {
        let due = keys(&[(1, 5), (2, 2), (3, 7)]);
        let batches = batches_by_county(&due, 3);
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![3, 2, 2, 3, 3, 1]);
        for b in &batches {
            assert!(
                b.iter().all(|k| k.0 == b[0].0),
                "a batch mixes counties: {b:?}"
            );
        }
        // Nothing lost, nothing repeated, order kept.
        assert_eq!(batches.concat(), due);
    }

    #[test]
    fn an_empty_listing_makes_no_batch() {
        assert!(batches_by_county(&[], BATCH).is_empty());
    }
}
