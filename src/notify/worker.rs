//! The outbox worker: claims due rows (mail and texts) with `FOR UPDATE SKIP LOCKED`, sends them, and
//! marks each sent, or schedules a retry with exponential backoff, or gives up after
//! `MAX_ATTEMPTS` and marks it failed for the county admin to see.
//!
//! A row stays locked while it is being sent, so two nodes never send it at once. The price is
//! a transaction open during SMTP: batches are small and every send has a deadline. If the
//! process dies between sending and committing the mark, the row is sent again later with the
//! same `Message-ID`, which mail clients use to recognise a duplicate.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;

use super::Notifier;
use super::render::{Links, MailInput, link_days, message, number_and_code, render, target};
use super::sms::Text;
use super::{short_links, sms_text};
use crate::counters::Job;
use crate::db;
use crate::db::outbox::DueMail;

/// Rows claimed per transaction: small, because they stay locked while they are sent.
pub const BATCH: i64 = 10;
/// Attempts before a mail is marked failed: with the backoff below, about six hours of outage.
pub const MAX_ATTEMPTS: i32 = 12;
/// The first retry waits this long; each further one twice as long, up to `MAX_BACKOFF`.
pub const FIRST_BACKOFF_SECS: i64 = 30;
pub const MAX_BACKOFF_SECS: i64 = 3600;
/// Whatever the backend, one mail gets this long before it counts as a failed attempt.
/// lettre's own timeout covers only the connect, not a server that connects and then stalls.
pub const SEND_DEADLINE: Duration = Duration::from_secs(30);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub sent: usize,
    /// Failed this time; tried again after the backoff.
    pub retrying: usize,
    /// Given up: shown to the county admin.
    pub failed: usize,
}

impl std::fmt::Display for DrainReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} mail(s) sent, {} to retry later, {} given up",
            self.sent, self.retrying, self.failed
        )
    }
}

/// The wait before the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min, … 1 h.
pub fn backoff(attempts: i32) -> TimeDelta {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let secs = FIRST_BACKOFF_SECS
        .saturating_mul(1_i64 << exp)
        .min(MAX_BACKOFF_SECS);
    TimeDelta::seconds(secs)
}

/// Error texts are kept short: they are shown to the admin, not used to debug a relay.
fn short(message: &str) -> String {
    message.chars().take(500).collect()
}

enum Outcome {
    Sent,
    Retry(String),
    GiveUp(String),
}

async fn deliver(
    conn: &mut AsyncPgConnection,
    notifier: &Notifier,
    mail: &DueMail,
    now: DateTime<Utc>,
) -> QueryResult<Outcome> {
    let input = MailInput {
        kind: &mail.kind,
        language: &mail.language,
        payload: &mail.payload,
        county_id: mail.county_id,
        party_id: mail.party_id,
    };
    let links = Links {
        public_url: &notifier.public_url,
        keys: &notifier.keys,
        now,
    };
    let send = match (mail.channel.as_str(), &mail.email, &mail.phone_enc) {
        ("sms", _, Some(sealed)) => {
            let text = match text_of(conn, notifier, mail, &input, &links, sealed, now).await? {
                Ok(text) => text,
                Err(e) => return Ok(Outcome::GiveUp(e)),
            };
            tokio::time::timeout(SEND_DEADLINE, notifier.texter.send(&text)).await
        }
        ("email", Some(email), _) => {
            let built = render(&input, &links).and_then(|r| {
                let m = message(mail.id, &notifier.from, email, &r)?;
                Ok((r, m))
            });
            let (rendered, msg) = match built {
                Ok(x) => x,
                Err(e) => return Ok(Outcome::GiveUp(e.to_string())),
            };
            let send = notifier.mailer.send(mail.id, email, &rendered, msg);
            tokio::time::timeout(SEND_DEADLINE, send).await
        }
        (channel, _, _) => {
            return Ok(Outcome::GiveUp(format!("no address for channel {channel}")));
        }
    };
    Ok(match send {
        Ok(Ok(())) => Outcome::Sent,
        Ok(Err(e)) if e.permanent => Outcome::GiveUp(e.message),
        Ok(Err(e)) => Outcome::Retry(e.message),
        Err(_) => Outcome::Retry(format!("no answer within {}s", SEND_DEADLINE.as_secs())),
    })
}

/// The text of an SMS row: its number opened, its link shortened (recorded in this
/// transaction, so the link exists once the text is marked sent).
async fn text_of(
    conn: &mut AsyncPgConnection,
    notifier: &Notifier,
    mail: &DueMail,
    input: &MailInput<'_>,
    links: &Links<'_>,
    sealed: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<Result<Text, String>> {
    let phone = match notifier.sealer.open(sealed) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let (target, (number, code)) =
        match target(input, links).and_then(|t| Ok((t, number_and_code(input)?))) {
            Ok(x) => x,
            Err(e) => return Ok(Err(e.to_string())),
        };
    let link = short_links::shorten(
        conn,
        &notifier.sealer,
        &notifier.public_url,
        mail.id,
        &target,
        now,
        link_days(&mail.kind),
    )
    .await?;
    let Some((body, template)) = sms_text::notice(
        &mail.kind,
        crate::workflow::Lang::from_code(&mail.language),
        number,
        &link,
        code,
    ) else {
        return Ok(Err(format!(
            "no words for notification kind {:?}",
            mail.kind
        )));
    };
    Ok(Ok(Text {
        id: mail.id,
        to: format!("+86{phone}"),
        body,
        template,
    }))
}

/// One transaction: claim a batch of due mail, send each, and record what happened.
async fn batch(
    conn: &mut AsyncPgConnection,
    notifier: &Notifier,
    now: DateTime<Utc>,
) -> QueryResult<(usize, DrainReport)> {
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let due = db::outbox::claim_due(conn, now, BATCH).await?;
        let mut report = DrainReport::default();
        for mail in &due {
            let key = (mail.county_id, mail.id);
            let attempts = mail.attempts.saturating_add(1);
            match deliver(conn, notifier, mail, now).await? {
                Outcome::Sent => {
                    // The access code was needed for this one mail; it is not kept in clear.
                    db::outbox::mark_sent(conn, key, attempts, now).await?;
                    report.sent += 1;
                }
                Outcome::Retry(error) if attempts < MAX_ATTEMPTS => {
                    tracing::warn!(outbox_id = %mail.id, attempts, %error, "mail not sent; will retry");
                    let next = now + backoff(attempts);
                    db::outbox::retry_later(conn, key, attempts, next, &short(&error)).await?;
                    report.retrying += 1;
                }
                Outcome::Retry(error) | Outcome::GiveUp(error) => {
                    tracing::error!(outbox_id = %mail.id, attempts, %error, "mail given up");
                    // A given-up receipt must not keep the access code lying around either.
                    db::outbox::give_up(conn, key, attempts, &short(&error)).await?;
                    report.failed += 1;
                }
            }
        }
        Ok((due.len(), report))
    })
    .await
}

/// Turns queued notices into mail first (`deferred`), then sends every mail due at `now`, batch
/// after batch, until none is left that this node can claim. A mail that fails is not due again
/// before its backoff, so this always ends.
pub async fn drain(
    conn: &mut AsyncPgConnection,
    notifier: &Notifier,
    now: DateTime<Utc>,
) -> QueryResult<DrainReport> {
    drain_while(conn, notifier, now, || true).await
}

/// `drain`, asking `keep_going` before each batch: a node being stopped ends after the batch
/// it holds, which is committed (a batch abandoned half-sent would be sent again by another
/// node).
pub async fn drain_while(
    conn: &mut AsyncPgConnection,
    notifier: &Notifier,
    now: DateTime<Utc>,
    keep_going: impl Fn() -> bool,
) -> QueryResult<DrainReport> {
    super::deferred::expand_all(conn, now).await?;
    let mut total = DrainReport::default();
    while keep_going() {
        let (claimed, r) = batch(conn, notifier, now).await?;
        total.sent += r.sent;
        total.retrying += r.retrying;
        total.failed += r.failed;
        if claimed == 0 {
            break;
        }
    }
    Ok(total)
}

/// Inside `serve`: drain every `every`. Errors are logged and retried on the next tick.
pub async fn run_forever(
    pool: db::Pool,
    notifier: Notifier,
    every: Duration,
    stop: crate::background::Stop,
) {
    let asked = stop.clone();
    crate::background::every(Job::Mail, every, stop, || async {
        let mut conn = pool.get().await.map_err(|e| {
            tracing::warn!(error = %e, "mail worker: no database connection");
        })?;
        match drain_while(&mut conn, &notifier, Utc::now(), || !asked.asked()).await {
            Ok(r) => {
                if r != DrainReport::default() {
                    tracing::info!(%r, "mail worker");
                }
                Ok(r.sent as u64)
            }
            Err(e) => {
                tracing::warn!(error = %e, "mail worker failed");
                Err(())
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_stops_at_an_hour() {
        assert_eq!(backoff(1), TimeDelta::seconds(30));
        assert_eq!(backoff(2), TimeDelta::seconds(60));
        assert_eq!(backoff(5), TimeDelta::seconds(480));
        assert_eq!(backoff(8), TimeDelta::seconds(3600));
        assert_eq!(backoff(MAX_ATTEMPTS), TimeDelta::seconds(3600));
        assert_eq!(backoff(i32::MAX), TimeDelta::seconds(3600));
    }
}
