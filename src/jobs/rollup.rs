//! The indicators' job: the facts of every case whose history moved on are computed again
//! from its record and history (`stats::facts`), in batches, and the months they touched are
//! summed again. Idempotent: a run with nothing new changes nothing, and `rebuild` (forget
//! everything, run) gives the same sums as the runs that kept them up to date.

use std::collections::HashMap;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::counters::Job;
use crate::db::{self, Pool};
use crate::stats::facts::{CaseInput, Entry, facts};
use crate::stats::month_of;
use crate::workflow::Status;

const BATCH: i64 = 1000;
/// One node at a time runs the job (a session-level advisory lock on this key).
const LOCK_KEY: i64 = 0x6671_726f_6c6c;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub cases: usize,
    pub months: usize,
}

/// Brings every fact and sum up to date; what it did.
pub async fn run_once(conn: &mut AsyncPgConnection) -> anyhow::Result<Report> {
    run_once_within(conn, None).await
}

/// `run_once` for one county's cases only (`None`: all): a province's first run takes hours,
/// and an operator may bring one county up to date first.
pub async fn run_once_within(
    conn: &mut AsyncPgConnection,
    county: Option<Uuid>,
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    // One pass in key order (county, case); what moves on meanwhile is for the next run.
    let mut after = county.map(|c| (c, Uuid::nil()));
    loop {
        let mut due = db::stats::due(conn, after, BATCH).await?;
        let Some(last) = due.last() else {
            break;
        };
        after = Some((last.county_id, last.case_id));
        let past_the_county = county.is_some_and(|c| last.county_id != c);
        due.retain(|d| county.is_none_or(|c| d.county_id == c));
        report.cases += due.len();
        if !due.is_empty() {
            roll(conn, &due).await?;
        }
        if past_the_county {
            break;
        }
    }
    loop {
        let stale = db::stats::stale(conn, 200).await?;
        if stale.is_empty() {
            break;
        }
        for (county_id, month) in stale {
            conn.transaction::<(), diesel::result::Error, _>(async |conn| {
                db::stats::resum(conn, county_id, month).await
            })
            .await?;
            report.months += 1;
        }
    }
    Ok(report)
}

/// Forgets every fact and sum and computes them all again from the histories.
pub async fn rebuild(conn: &mut AsyncPgConnection) -> anyhow::Result<Report> {
    conn.transaction::<(), diesel::result::Error, _>(async |conn| {
        db::stats::forget_all(conn).await
    })
    .await?;
    run_once(conn).await
}

async fn roll(conn: &mut AsyncPgConnection, due: &[db::stats::Due]) -> anyhow::Result<()> {
    let keys: Vec<(Uuid, Uuid)> = due.iter().map(|d| (d.county_id, d.case_id)).collect();
    let seqs: HashMap<Uuid, i32> = due.iter().map(|d| (d.case_id, d.seq)).collect();
    conn.transaction::<(), anyhow::Error, _>(async |conn| {
        let cases = db::stats::cases(conn, &keys).await?;
        // Cases that have ended join the similar-cases search (`jobs::likeness`).
        let ended: Vec<(Uuid, Uuid)> = cases
            .iter()
            .filter(|c| Status::parse(&c.status).is_some_and(super::likeness::teaches))
            .map(|c| (c.county_id, c.id))
            .collect();
        let mut histories = db::stats::histories(conn, &keys).await?;
        let rows: Vec<db::stats::FactRow> = cases
            .into_iter()
            .map(|c| {
                let history = histories.remove(&c.id).unwrap_or_default();
                let input = CaseInput {
                    status: Status::parse(&c.status).unwrap_or(Status::Submitted),
                    performance: c.performance.clone(),
                    parties: usize::try_from(c.parties).unwrap_or(0),
                    ratings: c.ratings.clone(),
                    history: history
                        .into_iter()
                        .map(|e| Entry {
                            kind: e.kind,
                            actor_role: e.actor_role,
                            data: e.data,
                            at: e.at,
                        })
                        .collect(),
                };
                let f = facts(&input);
                db::stats::FactRow {
                    county_id: c.county_id,
                    case_id: c.id,
                    seq: seqs.get(&c.id).copied().unwrap_or(0),
                    month: month_of(c.filed_at),
                    township_id: c.township_id,
                    village_id: c.village_id,
                    committee_id: c.committee_id,
                    mediator_id: c.mediator_id,
                    days: f.days,
                    figures: f.figures.to_stored(),
                }
            })
            .collect();
        db::stats::write_facts(conn, &rows).await?;
        super::likeness::index(conn, &ended).await?;
        Ok(())
    })
    .await
}

/// Runs the job every `interval` on one node at a time, for as long as the server runs.
pub async fn run_forever(pool: Pool, interval: Duration, stop: crate::background::Stop) {
    crate::background::every(Job::Rollup, interval, stop, || async {
        let mut conn = pool.get().await.map_err(|e| {
            tracing::warn!(error = %e, "the indicators' job: no database connection");
        })?;
        let started = std::time::Instant::now();
        let started_at = chrono::Utc::now();
        match locked(&mut conn).await {
            Ok(Some(r)) => {
                if r != Report::default() {
                    tracing::info!(
                        cases = r.cases,
                        months = r.months,
                        ms = started.elapsed().as_millis() as u64,
                        "indicators brought up to date"
                    );
                }
                // Everything that happened before `started_at` is in the indicators now.
                db::backlog::job_finished(&mut conn, Job::Rollup.name(), started_at).await;
                Ok(r.cases as u64)
            }
            Ok(None) => Ok(0),
            Err(e) => {
                tracing::error!(error = %e, "the indicators' job failed");
                Err(())
            }
        }
    })
    .await;
}

/// One run under the job's lock; `None` when another node holds it.
async fn locked(conn: &mut AsyncPgConnection) -> anyhow::Result<Option<Report>> {
    if !db::locks::try_lock(conn, LOCK_KEY).await? {
        return Ok(None);
    }
    let result = run_once(conn).await;
    db::locks::unlock(conn, LOCK_KEY).await?;
    result.map(Some)
}
