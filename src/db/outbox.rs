//! The outbox and the bells as rows: what the notice writer inserts, and the mail the worker
//! gave up on.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::schema::{cases, notifications, outbox};

/// One message on one channel, as the worker will send it.
#[derive(Insertable, serde::Serialize)]
#[diesel(table_name = outbox)]
pub struct NewMail {
    pub county_id: Uuid,
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub kind: String,
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
    pub channel: &'static str,
    #[serde(serialize_with = "super::hex_bytes")]
    pub phone_enc: Option<Vec<u8>>,
    pub party_id: Option<Uuid>,
    pub language: &'static str,
    pub payload: Value,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// One in-app notification of one account.
#[derive(Insertable, serde::Serialize)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    pub county_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub data: Value,
    pub created_at: DateTime<Utc>,
}

/// Writes the mails; chunks keep the bind parameters of one statement well under PostgreSQL's
/// 65 535.
pub async fn insert_mails(conn: &mut AsyncPgConnection, mails: &[NewMail]) -> QueryResult<()> {
    for chunk in mails.chunks(2000) {
        diesel::insert_into(outbox::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn insert_notifications(
    conn: &mut AsyncPgConnection,
    bells: &[NewNotification],
) -> QueryResult<()> {
    for chunk in bells.chunks(4000) {
        diesel::insert_into(notifications::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A mail the worker gave up on, as the county admin sees it.
#[derive(Debug, Serialize, Queryable, utoipa::ToSchema)]
pub struct FailedMail {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub case_number: Option<String>,
    pub kind: String,
    pub channel: String,
    pub email: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The county's undeliverable mail, newest first.
pub async fn failed(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<FailedMail>> {
    outbox::table
        .left_join(
            cases::table.on(cases::county_id
                .eq(outbox::county_id)
                .and(cases::id.nullable().eq(outbox::case_id))),
        )
        .filter(outbox::county_id.eq(county_id))
        .filter(outbox::status.eq("failed"))
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .select((
            outbox::id,
            outbox::case_id,
            cases::number.nullable(),
            outbox::kind,
            outbox::channel,
            outbox::email,
            outbox::attempts,
            outbox::last_error,
            outbox::created_at,
        ))
        .load(conn)
        .await
}

/// A message due for sending, as the worker reads it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct DueMail {
    pub county_id: Uuid,
    pub id: Uuid,
    pub kind: String,
    pub channel: String,
    pub email: Option<String>,
    pub phone_enc: Option<Vec<u8>>,
    pub party_id: Option<Uuid>,
    pub language: String,
    pub payload: Value,
    pub attempts: i32,
}

/// Claims up to `limit` messages due at `now` that no other worker holds, locked until the
/// caller's transaction ends.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<DueMail>> {
    outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::next_attempt_at)
        .limit(limit)
        .select(DueMail::as_select())
        .for_update()
        .skip_locked()
        .load(conn)
        .await
}

/// Sent: the access code a receipt carried is not kept in clear.
pub async fn mark_sent(
    conn: &mut AsyncPgConnection,
    key: (Uuid, Uuid),
    attempts: i32,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(key))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(Some(now)),
            outbox::attempts.eq(attempts),
            outbox::last_error.eq(None::<String>),
            outbox::payload.eq(outbox::payload.remove("access_code")),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Days a sent message is kept: long enough to answer "did my text arrive?" while a case is
/// worked on; after that the row is only an address, a sealed number and a copy of a notice
/// nobody reads again, and the outbox would otherwise grow with every case ever filed.
pub const SENT_KEPT_DAYS: i64 = 90;

/// Deletes at most `limit` messages of one county sent before `before` (through the partial
/// index `outbox_sent`); returns how many.
pub async fn prune_sent(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    before: DateTime<Utc>,
    limit: usize,
) -> QueryResult<usize> {
    use diesel::sql_types::{Int8, Timestamptz, Uuid as SqlUuid};
    diesel::sql_query(
        "DELETE FROM outbox WHERE county_id = $1 AND id IN (
             SELECT id FROM outbox WHERE county_id = $1 AND status = 'sent' AND sent_at < $2
             ORDER BY sent_at LIMIT $3)",
    )
    .bind::<SqlUuid, _>(county_id)
    .bind::<Timestamptz, _>(before)
    .bind::<Int8, _>(i64::try_from(limit).unwrap_or(i64::MAX))
    .execute(conn)
    .await
}

/// Not sent this time; due again at `next`.
pub async fn retry_later(
    conn: &mut AsyncPgConnection,
    key: (Uuid, Uuid),
    attempts: i32,
    next: DateTime<Utc>,
    error: &str,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(key))
        .set((
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(next),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Given up: listed for the county admin; a receipt's access code is removed too.
pub async fn give_up(
    conn: &mut AsyncPgConnection,
    key: (Uuid, Uuid),
    attempts: i32,
    error: &str,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(key))
        .set((
            outbox::status.eq("failed"),
            outbox::attempts.eq(attempts),
            outbox::last_error.eq(Some(error)),
            outbox::payload.eq(outbox::payload.remove("access_code")),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
