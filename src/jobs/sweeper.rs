//! The deadline sweeper: applies the engine's `deadline_passed` to every case whose clock has
//! run out. Batches are claimed with `FOR UPDATE SKIP LOCKED`, so several nodes can sweep at
//! once without taking the same case, and a case swept once has a new clock (or none), so
//! running the sweep again changes nothing: it is idempotent.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::db;
use crate::workflow::{self, Action, Actor, Policy};

/// Cases claimed per transaction.
pub const BATCH: i64 = 500;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub changed: usize,
    pub refused: usize,
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
    policies: &mut HashMap<Uuid, Policy>,
) -> QueryResult<SweepReport> {
    conn.transaction::<SweepReport, diesel::result::Error, _>(async |conn| {
        let due = db::cases::batch::claim_due(conn, now, BATCH).await?;
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
        report.changed = db::cases::batch::apply_many(conn, &decided, &Actor::System, now).await?;
        Ok(report)
    })
    .await
}

/// Sweeps until no due case is left (or only cases the engine refuses).
pub async fn sweep(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<SweepReport> {
    let mut total = SweepReport::default();
    let mut policies = HashMap::new();
    loop {
        let r = batch(conn, now, &mut policies).await?;
        total.changed += r.changed;
        total.refused += r.refused;
        if r.changed == 0 {
            return Ok(total);
        }
    }
}

/// Sweeps with `workers` connections at once. Each claims its own batches (`SKIP LOCKED`), so
/// they never take the same case: a backend of PostgreSQL works one batch at a time, and with
/// two or more the updates of different batches proceed on different cores.
pub async fn sweep_parallel(
    pool: &db::Pool,
    now: DateTime<Utc>,
    workers: usize,
) -> anyhow::Result<SweepReport> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers.max(1) {
        let pool = pool.clone();
        tasks.spawn(async move {
            let mut conn = pool.get().await?;
            anyhow::Ok(sweep(&mut conn, now).await?)
        });
    }
    let mut total = SweepReport::default();
    while let Some(done) = tasks.join_next().await {
        let r = done??;
        total.changed += r.changed;
        total.refused += r.refused;
    }
    Ok(total)
}

/// Inside `serve`: sweep every `every`, forever. Errors are logged and retried next time.
pub async fn run_forever(pool: db::Pool, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match pool.get().await {
            Ok(mut conn) => match sweep(&mut conn, Utc::now()).await {
                Ok(r) if r.changed > 0 || r.refused > 0 => tracing::info!(%r, "deadline sweep"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deadline sweep failed"),
            },
            Err(e) => tracing::warn!(error = %e, "deadline sweep: no database connection"),
        }
    }
}
