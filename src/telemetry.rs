//! Structured logs (tracing) and the counters behind `/metrics` (Prometheus text format).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing_subscriber::EnvFilter;

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

    pub fn render(&self, pool: &crate::db::Pool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP fengqiao_http_requests_total HTTP responses by status class."
        );
        let _ = writeln!(out, "# TYPE fengqiao_http_requests_total counter");
        for (name, value) in CLASSES.iter().zip(&self.by_class) {
            let _ = writeln!(
                out,
                "fengqiao_http_requests_total{{class=\"{name}\"}} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP fengqiao_http_request_duration_seconds Time to answer a request."
        );
        let _ = writeln!(
            out,
            "# TYPE fengqiao_http_request_duration_seconds histogram"
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
        let status = pool.status();
        let _ = writeln!(
            out,
            "# HELP fengqiao_db_pool_connections Database connections of this node."
        );
        let _ = writeln!(out, "# TYPE fengqiao_db_pool_connections gauge");
        let _ = writeln!(
            out,
            "fengqiao_db_pool_connections{{state=\"open\"}} {}",
            status.size
        );
        let _ = writeln!(
            out,
            "fengqiao_db_pool_connections{{state=\"idle\"}} {}",
            status.available
        );
        let _ = writeln!(
            out,
            "fengqiao_db_pool_connections{{state=\"max\"}} {}",
            status.max_size
        );
        let _ = writeln!(
            out,
            "# HELP fengqiao_db_pool_waiting Requests waiting for a connection."
        );
        let _ = writeln!(out, "# TYPE fengqiao_db_pool_waiting gauge");
        let _ = writeln!(out, "fengqiao_db_pool_waiting {}", status.waiting);
        out
    }
}
