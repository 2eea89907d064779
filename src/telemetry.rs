//! Structured logs (tracing) and the counters behind `/metrics` (Prometheus text format).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing_subscriber::EnvFilter;

use crate::counters::{JOBS, JobCounters, NODE, Refusal};

/// Logs go to stderr; `LOG_FORMAT=json` gives one JSON object per line for log shippers.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn,tokio_postgres=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Upper bounds of the request-duration histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// The whole page: this node's requests, connections and background jobs, then the
    /// installation's backlog as the database holds it.
    pub async fn render(&self, pool: &crate::db::Pool, callers: CallerFigures) -> String {
        let mut out = String::new();
        self.render_requests(&mut out, pool);
        render_callers(&mut out, callers);
        render_jobs(&mut out);
        let backlog = match pool.get().await {
            Ok(mut conn) => crate::db::backlog::read(&mut conn).await.ok(),
            Err(_) => None,
        };
        render_backlog(&mut out, backlog.as_ref());
        out
    }

    fn render_requests(&self, out: &mut String, pool: &crate::db::Pool) {
        family(
            out,
            "fengqiao_http_requests_total",
            "counter",
            "HTTP responses by status class.",
        );
        for (name, value) in CLASSES.iter().zip(&self.by_class) {
            let _ = writeln!(
                out,
                "fengqiao_http_requests_total{{class=\"{name}\"}} {}",
                value.load(Ordering::Relaxed)
            );
        }
        family(
            out,
            "fengqiao_http_request_duration_seconds",
            "histogram",
            "Time to answer a request.",
        );
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "fengqiao_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "fengqiao_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "fengqiao_http_request_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "fengqiao_http_request_duration_seconds_count {count}");
        family(
            out,
            "fengqiao_requests_refused_total",
            "counter",
            "Requests refused by a limit: requests a minute (rate_limit) or failed logins, codes and guesses (throttle).",
        );
        for (why, name) in [
            (Refusal::RateLimit, "rate_limit"),
            (Refusal::Throttle, "throttle"),
        ] {
            let _ = writeln!(
                out,
                "fengqiao_requests_refused_total{{why=\"{name}\"}} {}",
                NODE.refusals(why)
            );
        }
        let status = pool.status();
        family(
            out,
            "fengqiao_db_pool_connections",
            "gauge",
            "Database connections of this node.",
        );
        for (state, n) in [
            ("open", status.size),
            ("idle", status.available),
            ("max", status.max_size),
        ] {
            let _ = writeln!(out, "fengqiao_db_pool_connections{{state=\"{state}\"}} {n}");
        }
        family(
            out,
            "fengqiao_db_pool_waiting",
            "gauge",
            "Requests waiting for a connection.",
        );
        let _ = writeln!(out, "fengqiao_db_pool_waiting {}", status.waiting);
    }
}

/// A metric family whose value is read off a `T` (a job's counters, a queue), one line per `T`.
struct Series<T> {
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    value: fn(&T) -> f64,
}

/// `# HELP` and `# TYPE` of one metric family.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// How this node found its callers: kept in memory or read from the database.
#[derive(Debug, Clone, Copy)]
pub struct CallerFigures {
    pub kept: u64,
    pub read: u64,
    /// The node hears account changes, so it may keep callers.
    pub listening: bool,
}

fn render_callers(out: &mut String, c: CallerFigures) {
    family(
        out,
        "fengqiao_callers_total",
        "counter",
        "Requests whose caller was kept in memory (kept) or read from the database (read).",
    );
    let _ = writeln!(out, "fengqiao_callers_total{{from=\"kept\"}} {}", c.kept);
    let _ = writeln!(out, "fengqiao_callers_total{{from=\"read\"}} {}", c.read);
    family(
        out,
        "fengqiao_callers_listening",
        "gauge",
        "1 when this node hears account changes from the database and may keep callers; 0 while it reads every caller.",
    );
    let _ = writeln!(out, "fengqiao_callers_listening {}", u8::from(c.listening));
}

/// This node's background jobs since it started.
fn render_jobs(out: &mut String) {
    let series: [Series<JobCounters>; 5] = [
        Series {
            name: "fengqiao_job_runs_total",
            kind: "counter",
            help: "Runs of each background job on this node.",
            value: |c| c.runs.load(Ordering::Relaxed) as f64,
        },
        Series {
            name: "fengqiao_job_failures_total",
            kind: "counter",
            help: "Runs that failed (logged with the reason).",
            value: |c| c.failures.load(Ordering::Relaxed) as f64,
        },
        Series {
            name: "fengqiao_job_items_total",
            kind: "counter",
            help: "What the runs did: cases swept, reminders written, cases rolled up, messages sent, webhooks delivered.",
            value: |c| c.items.load(Ordering::Relaxed) as f64,
        },
        Series {
            name: "fengqiao_job_seconds_total",
            kind: "counter",
            help: "Time spent in the runs.",
            value: |c| c.micros.load(Ordering::Relaxed) as f64 / 1e6,
        },
        Series {
            name: "fengqiao_job_last_success_timestamp_seconds",
            kind: "gauge",
            help: "When the last run that did not fail ended (0: none yet).",
            value: |c| c.last_success.load(Ordering::Relaxed) as f64,
        },
    ];
    for s in series {
        family(out, s.name, s.kind, s.help);
        for job in JOBS {
            let _ = writeln!(
                out,
                "{}{{job=\"{}\"}} {}",
                s.name,
                job.name(),
                (s.value)(NODE.job(job))
            );
        }
    }
}

/// The installation's backlog; when the database does not answer, only `fengqiao_backlog_up 0`.
fn render_backlog(out: &mut String, backlog: Option<&crate::db::backlog::Backlog>) {
    family(
        out,
        "fengqiao_backlog_up",
        "gauge",
        "1 when the backlog below could be read from the database.",
    );
    let _ = writeln!(out, "fengqiao_backlog_up {}", u8::from(backlog.is_some()));
    let Some(b) = backlog else {
        return;
    };
    let queues: [Series<crate::db::backlog::Queue>; 3] = [
        Series {
            name: "fengqiao_queue_due",
            kind: "gauge",
            help: "Items due and not yet done: mail (email), texts (sms), webhook deliveries (webhook, paused endpoints left out), the sweeper's notices to expand (notices).",
            value: |q| q.due as f64,
        },
        Series {
            name: "fengqiao_queue_oldest_due_seconds",
            kind: "gauge",
            help: "How long the oldest due item has waited past its time (0 when none).",
            value: |q| q.oldest_seconds,
        },
        Series {
            name: "fengqiao_queue_failed_last_day",
            kind: "gauge",
            help: "Items given up after every retry in the last 24 hours.",
            value: |q| q.failed_last_day as f64,
        },
    ];
    for s in queues {
        family(out, s.name, s.kind, s.help);
        for q in &b.queues {
            let _ = writeln!(
                out,
                "{}{{channel=\"{}\"}} {}",
                s.name,
                q.channel,
                (s.value)(q)
            );
        }
    }
    family(
        out,
        "fengqiao_overdue_clock_seconds",
        "gauge",
        "How long the oldest open case has been past its deadline (0 when none): the sweeper escalates within a minute.",
    );
    let _ = writeln!(out, "fengqiao_overdue_clock_seconds {}", b.overdue_seconds);
    family(
        out,
        "fengqiao_webhook_endpoints_paused",
        "gauge",
        "Webhook endpoints paused after failing for a day (their admin was told).",
    );
    let _ = writeln!(
        out,
        "fengqiao_webhook_endpoints_paused {}",
        b.paused_endpoints
    );
    family(
        out,
        "fengqiao_job_lag_seconds",
        "gauge",
        "Since the start of the last finished pass of a job on any node (+Inf: none yet): the indicators' lag (rollup), the sweeper's (sweep).",
    );
    for lag in &b.lags {
        // Prometheus writes infinity as +Inf; Rust's Display would say "inf".
        let seconds = if lag.seconds.is_finite() {
            lag.seconds.to_string()
        } else {
            "+Inf".to_owned()
        };
        let _ = writeln!(
            out,
            "fengqiao_job_lag_seconds{{job=\"{}\"}} {seconds}",
            lag.job
        );
    }
}
