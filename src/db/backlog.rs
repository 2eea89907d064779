//! What the background work of the whole installation has not done yet, for `/metrics`: due
//! mail, texts and webhook deliveries and how long the oldest has waited, what was given up in
//! the last day, the sweeper's notices not yet expanded, the oldest clock past its deadline, and
//! how far behind each job's last finished pass is. Read on every scrape, each along an index
//! made for its job's own reads; every node answers the same.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One kind of queued work.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Queue {
    /// `email`, `sms`, `webhook` or `notices`.
    #[diesel(sql_type = Text)]
    pub channel: String,
    /// Items whose time has come and that are not sent yet.
    #[diesel(sql_type = BigInt)]
    pub due: i64,
    /// Seconds the oldest due item has waited past its time (0 when none is due).
    #[diesel(sql_type = Double)]
    pub oldest_seconds: f64,
    /// Given up after every retry, in the last 24 hours (the admin sees them).
    #[diesel(sql_type = BigInt)]
    pub failed_last_day: i64,
}

#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct JobLag {
    #[diesel(sql_type = Text)]
    pub job: String,
    /// Seconds since the start of the job's last finished pass (infinite: none yet).
    #[diesel(sql_type = Double)]
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Backlog {
    pub queues: Vec<Queue>,
    /// Seconds the oldest open case has been past its deadline (0 when none is).
    pub overdue_seconds: f64,
    /// Webhook endpoints paused after failing for a day.
    pub paused_endpoints: i64,
    pub lags: Vec<JobLag>,
}

#[derive(QueryableByName)]
struct Scalar {
    #[diesel(sql_type = Double)]
    value: f64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub async fn read(conn: &mut AsyncPgConnection) -> QueryResult<Backlog> {
    // Every channel appears, with zeros when it has nothing, so that an alert sees 0 rather
    // than a series that went missing.
    let queues = diesel::sql_query(
        "WITH due AS (
             SELECT channel, count(*) AS due, min(next_attempt_at) AS oldest
               FROM outbox WHERE status = 'pending' AND next_attempt_at <= now() GROUP BY channel
             UNION ALL
             SELECT 'webhook', count(*), min(d.next_attempt_at)
               FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
              WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                AND e.paused_at IS NULL AND e.deleted_at IS NULL
             UNION ALL
             SELECT 'notices', count(*), min(created_at) FROM notice_queue
         ), failed AS (
             SELECT channel, count(*) AS n FROM outbox
              WHERE status = 'failed' AND created_at > now() - interval '1 day' GROUP BY channel
             UNION ALL
             SELECT 'webhook', count(*) FROM webhook_deliveries
              WHERE status = 'failed' AND at > now() - interval '1 day'
         )
         SELECT c.channel,
                COALESCE(sum(d.due), 0)::int8 AS due,
                COALESCE(EXTRACT(EPOCH FROM now() - min(d.oldest)), 0)::float8 AS oldest_seconds,
                COALESCE((SELECT sum(f.n) FROM failed f WHERE f.channel = c.channel), 0)::int8
                    AS failed_last_day
           FROM (VALUES ('email'), ('sms'), ('webhook'), ('notices')) AS c (channel)
           LEFT JOIN due d ON d.channel = c.channel
          GROUP BY c.channel ORDER BY c.channel",
    )
    .load::<Queue>(conn)
    .await?;
    // Along `cases_due`, whose predicate this repeats: the first entry is the oldest clock.
    let overdue = diesel::sql_query(
        "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(deadline_at)), 0)::float8 AS value
           FROM cases
          WHERE deadline_at IS NOT NULL AND deadline_at <= now()
            AND status NOT IN ('closed', 'declined', 'referred', 'withdrawn')",
    )
    .get_result::<Scalar>(conn)
    .await?;
    let paused = diesel::sql_query(
        "SELECT count(*) AS n FROM webhook_endpoints
          WHERE paused_at IS NOT NULL AND deleted_at IS NULL",
    )
    .get_result::<Count>(conn)
    .await?;
    // Both jobs always appear: one that never finished a pass is infinitely behind, so the
    // alert fires instead of finding no series.
    let lags = diesel::sql_query(
        "SELECT j.job,
                COALESCE(EXTRACT(EPOCH FROM now() - r.covered_until)::float8, 'Infinity')
                    AS seconds
           FROM (VALUES ('rollup'), ('sweep')) AS j (job)
           LEFT JOIN job_runs r ON r.job = j.job
          ORDER BY j.job",
    )
    .load::<JobLag>(conn)
    .await?;
    Ok(Backlog {
        queues,
        overdue_seconds: overdue.value,
        paused_endpoints: paused.n,
        lags,
    })
}

/// A whole pass of `job` that began at `covered_until` has finished. A failure to record it
/// is logged and otherwise ignored: it only makes the job look further behind than it is.
pub async fn job_finished(conn: &mut AsyncPgConnection, job: &str, covered_until: DateTime<Utc>) {
    let written = diesel::sql_query(
        "INSERT INTO job_runs (job, covered_until, finished_at) VALUES ($1, $2, now())
         ON CONFLICT (job) DO UPDATE
            SET covered_until = GREATEST(job_runs.covered_until, EXCLUDED.covered_until),
                finished_at = EXCLUDED.finished_at",
    )
    .bind::<Text, _>(job)
    .bind::<Timestamptz, _>(covered_until)
    .execute(conn)
    .await;
    if let Err(e) = written {
        tracing::warn!(job, error = %e, "could not record the end of a job's pass");
    }
}
