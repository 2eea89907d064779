//! The webhook worker: claims due deliveries (`FOR UPDATE SKIP LOCKED`, each the oldest pending
//! one of its endpoint and case, so a case's events arrive in order), posts each as signed JSON
//! to an address checked again just before (`address::resolve`), with a deadline and no
//! redirects followed, and records the attempt: delivered, retried after the mail worker's
//! backoff, or given up. An endpoint failing for a day is paused and the county admins are told
//! by mail.
//!
//! A delivery may reach its receiver twice if the process dies between the answer and the
//! commit; receivers recognise an event by `case.id` and `seq`.

use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use serde_json::json;

use super::signature;
use crate::counters::Job;
use crate::crypto::Sealer;
use crate::db;
use crate::db::webhooks::{Attempt, Due};
use crate::domain::Role;
use crate::notify::worker::backoff;

/// Claimed per transaction; they stay locked while they are posted.
pub const BATCH: i64 = 10;
/// Attempts before a delivery is given up (with the backoff, some twelve hours).
pub const MAX_ATTEMPTS: i32 = 18;
/// How long one receiver gets to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// An endpoint failing this long is paused.
pub const PAUSE_AFTER_HOURS: i64 = 24;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Report {
    pub delivered: usize,
    pub retrying: usize,
    pub failed: usize,
    pub paused: usize,
}

/// The body of a delivery: what happened to which case, never what the case says (a receiver
/// reads the record through the export with its key).
pub fn body(d: &Due) -> String {
    json!({
        "id": d.id,
        "event": d.kind,
        "case": {"id": d.case_id, "number": d.case_number, "county": d.county_code},
        "seq": d.seq,
        "at": d.at.to_rfc3339_opts(SecondsFormat::Micros, true),
    })
    .to_string()
}

/// Posts one delivery; `Ok(status)` when the receiver answered 2xx.
async fn post(
    d: &Due,
    secret: &str,
    production: bool,
    now: DateTime<Utc>,
) -> Result<i32, (Option<i32>, String)> {
    let target = super::address::resolve(&d.url, production)
        .await
        .map_err(|e| (None, e))?;
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&target.host, target.addr)
        .build()
        .map_err(|e| (None, e.to_string()))?;
    let body = body(d);
    let signed = signature::sign(secret, now.timestamp(), body.as_bytes());
    let res = client
        .post(target.url)
        .header("content-type", "application/json")
        .header("user-agent", "fengqiao-webhooks/1")
        .header(signature::HEADER, signed)
        .header("Fengqiao-Event", &d.kind)
        .header("Fengqiao-Delivery", d.id.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| {
            let said = if e.is_timeout() {
                format!("no answer within {} s", TIMEOUT.as_secs())
            } else if e.is_connect() {
                "could not connect".to_owned()
            } else {
                e.to_string()
            };
            (None, said)
        })?;
    let status = i32::from(res.status().as_u16());
    if res.status().is_success() {
        Ok(status)
    } else if res.status().is_redirection() {
        Err((
            Some(status),
            "answered with a redirect, which is not followed".into(),
        ))
    } else {
        Err((Some(status), format!("answered {status}")))
    }
}

async fn batch(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    production: bool,
    now: DateTime<Utc>,
) -> QueryResult<(usize, Report)> {
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let due = db::webhooks::claim_due(conn, now, BATCH).await?;
        let mut report = Report::default();
        for d in &due {
            let started = Instant::now();
            let sent = match sealer.open(&d.secret_enc) {
                Ok(secret) => post(d, &secret, production, Utc::now()).await,
                Err(_) => Err((None, "the endpoint's secret cannot be read".to_owned())),
            };
            let ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
            let attempts = d.attempts + 1;
            let (status, error, outcome) = match &sent {
                Ok(status) => (Some(*status), None, "delivered"),
                Err((status, e)) if attempts >= MAX_ATTEMPTS => {
                    (*status, Some(e.as_str()), "failed")
                }
                Err((status, e)) => (*status, Some(e.as_str()), "pending"),
            };
            match outcome {
                "delivered" => report.delivered += 1,
                "failed" => report.failed += 1,
                _ => report.retrying += 1,
            }
            let attempt = Attempt {
                status,
                error,
                ms,
                outcome,
                next: now + backoff(attempts),
            };
            db::webhooks::record_attempt(conn, d, &attempt, now).await?;
        }
        Ok((due.len(), report))
    })
    .await
}

/// Pauses endpoints failing for a day and tells the county admins, in one transaction.
async fn pause_failing(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let cutoff = now - chrono::Duration::hours(PAUSE_AFTER_HOURS);
        let paused = db::webhooks::pause_failing(conn, cutoff, now).await?;
        for (county_id, id, url) in &paused {
            tracing::warn!(%county_id, endpoint = %id, "webhook endpoint paused after a day of failures");
            crate::notify::outbox::enqueue_to_county_staff(
                conn,
                *county_id,
                &[Role::CountyAdmin.as_str()],
                crate::notify::render::WEBHOOK_PAUSED_KIND,
                json!({"url": url, "endpoint_id": id}),
                now,
            )
            .await?;
        }
        Ok(paused.len())
    })
    .await
}

/// Sends every delivery due at `now`, batch after batch, then pauses endpoints failing for a day.
pub async fn drain(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    production: bool,
    now: DateTime<Utc>,
) -> QueryResult<Report> {
    drain_while(conn, sealer, production, now, || true).await
}

/// `drain`, asking `keep_going` before each batch: a node being stopped ends after the batch
/// it holds is recorded, so nothing it posted is posted again by another node.
pub async fn drain_while(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    production: bool,
    now: DateTime<Utc>,
    keep_going: impl Fn() -> bool,
) -> QueryResult<Report> {
    let mut total = Report::default();
    while keep_going() {
        let (claimed, r) = batch(conn, sealer, production, now).await?;
        total.delivered += r.delivered;
        total.retrying += r.retrying;
        total.failed += r.failed;
        if claimed == 0 {
            break;
        }
    }
    total.paused = pause_failing(conn, now).await?;
    Ok(total)
}

/// Inside `serve`: drain every `every`; errors are logged and retried on the next tick.
pub async fn run_forever(
    pool: db::Pool,
    sealer: Sealer,
    production: bool,
    every: Duration,
    stop: crate::background::Stop,
) {
    let asked = stop.clone();
    crate::background::every(Job::Webhooks, every, stop, || async {
        let mut conn = pool.get().await.map_err(|e| {
            tracing::warn!(error = %e, "webhook worker: no database connection");
        })?;
        match drain_while(&mut conn, &sealer, production, Utc::now(), || {
            !asked.asked()
        })
        .await
        {
            Ok(r) => {
                if r != Report::default() {
                    tracing::info!(?r, "webhook worker");
                }
                Ok(r.delivered as u64)
            }
            Err(e) => {
                tracing::warn!(error = %e, "webhook worker failed");
                Err(())
            }
        }
    })
    .await;
}
