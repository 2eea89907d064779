//! What this node has done since it started, for `/metrics`: runs of each background job (how
//! long, how many items, how many failed) and the requests refused by a limit. Process-wide
//! atomics, bumped from whichever layer does the work; `telemetry` renders them. The cluster's
//! backlog (outbox, overdue clocks, the indicators' lag) is read from the database instead,
//! since every node sees the same one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The background jobs of `serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// The deadline sweeper; items are cases changed.
    Sweep,
    /// Reminders of coming deadlines; items are reminders written.
    Reminders,
    /// The indicators' rollup; items are cases whose facts were computed again.
    Rollup,
    /// The outbox worker (mail and texts); items are messages sent.
    Mail,
    /// Webhook deliveries; items are deliveries answered 2xx.
    Webhooks,
    /// Hourly housekeeping (retention, anchors, expired rows); items are not counted.
    Housekeeping,
}

pub const JOBS: [Job; 6] = [
    Job::Sweep,
    Job::Reminders,
    Job::Rollup,
    Job::Mail,
    Job::Webhooks,
    Job::Housekeeping,
];

impl Job {
    pub fn name(self) -> &'static str {
        match self {
            Job::Sweep => "sweep",
            Job::Reminders => "reminders",
            Job::Rollup => "rollup",
            Job::Mail => "mail",
            Job::Webhooks => "webhooks",
            Job::Housekeeping => "housekeeping",
        }
    }

    /// Whether a run may be dropped when the node stops: it only writes the database, in
    /// transactions that are rolled back if cut off, and the next run anywhere does it again.
    /// The mail and webhook workers, and housekeeping (which removes files), are not.
    pub fn may_be_cut_off(self) -> bool {
        matches!(self, Job::Sweep | Job::Reminders | Job::Rollup)
    }

    fn index(self) -> usize {
        JOBS.iter().position(|j| *j == self).unwrap_or(0)
    }
}

#[derive(Default)]
pub struct JobCounters {
    pub runs: AtomicU64,
    pub failures: AtomicU64,
    pub items: AtomicU64,
    pub micros: AtomicU64,
    /// Unix seconds of the end of the last run that did not fail (0: none yet).
    pub last_success: AtomicU64,
}

/// Why a request was refused before it was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Over the per-address or per-account requests a minute (`RATE_LIMIT_*`).
    RateLimit,
    /// A login, sign-in code or access-code guess over its limit of failures.
    Throttle,
}

#[derive(Default)]
pub struct NodeCounters {
    jobs: [JobCounters; JOBS.len()],
    rate_limited: AtomicU64,
    throttled: AtomicU64,
}

/// This process's counters.
pub static NODE: NodeCounters = NodeCounters {
    jobs: [const {
        JobCounters {
            runs: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            items: AtomicU64::new(0),
            micros: AtomicU64::new(0),
            last_success: AtomicU64::new(0),
        }
    }; JOBS.len()],
    rate_limited: AtomicU64::new(0),
    throttled: AtomicU64::new(0),
};

impl NodeCounters {
    /// One run of `job` ended: `items` done, or failed.
    pub fn ran(&self, job: Job, took: Duration, outcome: Result<u64, ()>) {
        let c = &self.jobs[job.index()];
        c.runs.fetch_add(1, Ordering::Relaxed);
        c.micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        match outcome {
            Ok(items) => {
                c.items.fetch_add(items, Ordering::Relaxed);
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                c.last_success.store(now, Ordering::Relaxed);
            }
            Err(()) => {
                c.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub fn job(&self, job: Job) -> &JobCounters {
        &self.jobs[job.index()]
    }

    pub fn refused(&self, why: Refusal) {
        match why {
            Refusal::RateLimit => &self.rate_limited,
            Refusal::Throttle => &self.throttled,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    pub fn refusals(&self, why: Refusal) -> u64 {
        match why {
            Refusal::RateLimit => &self.rate_limited,
            Refusal::Throttle => &self.throttled,
        }
        .load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_counts_its_items_or_its_failure() {
        let node = NodeCounters::default();
        node.ran(Job::Sweep, Duration::from_millis(1500), Ok(7));
        node.ran(Job::Sweep, Duration::from_millis(500), Err(()));
        let c = node.job(Job::Sweep);
        assert_eq!(c.runs.load(Ordering::Relaxed), 2);
        assert_eq!(c.failures.load(Ordering::Relaxed), 1);
        assert_eq!(c.items.load(Ordering::Relaxed), 7);
        assert_eq!(c.micros.load(Ordering::Relaxed), 2_000_000);
        assert!(c.last_success.load(Ordering::Relaxed) > 0);
        assert_eq!(node.job(Job::Mail).runs.load(Ordering::Relaxed), 0);
        node.refused(Refusal::Throttle);
        assert_eq!(node.refusals(Refusal::Throttle), 1);
        assert_eq!(node.refusals(Refusal::RateLimit), 0);
    }
}
