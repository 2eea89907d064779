//! Writing what must be told: one outbox row per mail and one in-app notification per account,
//! in the caller's transaction. The case change and its mail commit together or not at all,
//! which is the whole point: a refused or rolled-back change sends nothing, and a committed one
//! is sent by the worker however long the mail server is away.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::recipients::{Book, Reach};
use crate::db::schema::{cases, notifications, outbox};
use crate::workflow::{CaseState, Notice};

/// The in-app notice that asks the mediator to reach a party who has no address by phone or
/// on paper (assisted filing).
pub const NEEDS_PHONE_CALL: &str = "needs_phone_call";

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewMail {
    county_id: Uuid,
    id: Uuid,
    case_id: Option<Uuid>,
    kind: String,
    user_id: Option<Uuid>,
    email: Option<String>,
    channel: &'static str,
    phone_enc: Option<Vec<u8>>,
    party_id: Option<Uuid>,
    language: &'static str,
    payload: Value,
    next_attempt_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = notifications)]
struct NewNotification {
    county_id: Uuid,
    id: Uuid,
    user_id: Uuid,
    case_id: Uuid,
    kind: String,
    data: Value,
    created_at: DateTime<Utc>,
}

/// What one change put in the outbox and the bells.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Enqueued {
    pub mails: usize,
    pub notifications: usize,
    pub phone_calls: usize,
}

/// The template's data for one mail: the case's number and id, plus what `extra` holds for
/// this kind. `extra` is keyed by notice kind (`{"filing_receipt": {"access_code": …}}`) so
/// that a secret meant for the applicant never lands in the committee's mail.
fn payload(case: &CaseState, number: &str, kind: &str, extra: &Value) -> Value {
    let mut p = json!({ "case_id": case.id, "number": number });
    if let (Some(target), Some(Value::Object(more))) = (p.as_object_mut(), extra.get(kind)) {
        for (k, v) in more {
            target.insert(k.clone(), v.clone());
        }
    }
    p
}

/// Resolves each notice to people and writes the mail and the notifications. Call it inside
/// the transaction that writes the case change (`db::cases::apply`, filing).
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    case: &CaseState,
    notices: &[Notice],
    extra: &Value,
    now: DateTime<Utc>,
) -> QueryResult<Enqueued> {
    enqueue_many(conn, &[(case, notices, extra)], now).await
}

/// `enqueue` for many changes at once (a sweep): the people are read in a few set-based
/// queries and the rows written in multi-row inserts.
pub async fn enqueue_many(
    conn: &mut AsyncPgConnection,
    changes: &[(&CaseState, &[Notice], &Value)],
    now: DateTime<Utc>,
) -> QueryResult<Enqueued> {
    let changes: Vec<_> = changes.iter().filter(|(_, n, _)| !n.is_empty()).collect();
    if changes.is_empty() {
        return Ok(Enqueued::default());
    }
    let cases: Vec<(&CaseState, &[Notice])> = changes.iter().map(|(c, n, _)| (*c, *n)).collect();
    let book = Book::load(conn, &cases).await?;
    let mut mails = Vec::new();
    let mut bells = Vec::new();
    let mut phone_calls = 0;
    for (case, notices, extra) in changes {
        let number = book.number(case);
        let directory = book.directory(case);
        let mut seen = HashSet::new();
        let mut unreachable: Vec<(&'static str, Uuid)> = Vec::new();
        for notice in notices.iter() {
            for person in book.resolve(&directory, case, notice.to) {
                if !seen.insert((notice.kind, person.key())) {
                    continue;
                }
                let reach = person.reach();
                if let Some(reach) = &reach {
                    let (channel, email, phone_enc) = match reach {
                        Reach::Email(e) => ("email", Some(e.clone()), None),
                        Reach::Sms(p) => ("sms", None, Some(p.clone())),
                    };
                    mails.push(NewMail {
                        county_id: case.county_id,
                        id: Uuid::now_v7(),
                        case_id: Some(case.id),
                        kind: notice.kind.to_owned(),
                        user_id: person.user_id,
                        email,
                        channel,
                        phone_enc,
                        party_id: person.party_id,
                        language: person.language,
                        payload: payload(case, &number, notice.kind, extra),
                        next_attempt_at: now,
                        created_at: now,
                    });
                }
                if let Some(user_id) = person.user_id {
                    bells.push(bell(case, user_id, notice.kind, json!({}), now));
                }
                if let (None, None, Some(party_id)) = (&reach, person.user_id, person.party_id) {
                    unreachable.push((notice.kind, party_id));
                }
            }
        }
        phone_calls += unreachable.len();
        let handlers = if unreachable.is_empty() {
            Vec::new()
        } else {
            book.handlers(case)
        };
        for (about, party_id) in unreachable {
            for h in handlers.iter().filter_map(|h| h.user_id) {
                let data = json!({ "about": about, "party_id": party_id });
                bells.push(bell(case, h, NEEDS_PHONE_CALL, data, now));
            }
        }
    }
    let done = Enqueued {
        mails: mails.len(),
        notifications: bells.len(),
        phone_calls,
    };
    // Chunks keep the bind parameters of one statement well under PostgreSQL's 65 535.
    for chunk in mails.chunks(2000) {
        diesel::insert_into(outbox::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    for chunk in bells.chunks(4000) {
        diesel::insert_into(notifications::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(done)
}

fn bell(
    case: &CaseState,
    user_id: Uuid,
    kind: &str,
    data: Value,
    now: DateTime<Utc>,
) -> NewNotification {
    NewNotification {
        county_id: case.county_id,
        id: Uuid::now_v7(),
        user_id,
        case_id: case.id,
        kind: kind.to_owned(),
        data,
        created_at: now,
    }
}

/// A mail about the county rather than a case (the daily history anchor) to its active staff of
/// the given roles who have an address. Returns how many were queued.
pub async fn enqueue_to_county_staff(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    roles: &[&str],
    kind: &str,
    payload: Value,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    use crate::db::schema::users;
    let staff: Vec<(Uuid, Option<String>, String)> = users::table
        .filter(users::county_id.eq(county_id))
        .filter(users::role.eq_any(roles))
        .filter(users::deactivated_at.is_null())
        .filter(users::email.is_not_null())
        .select((users::id, users::email, users::language))
        .load(conn)
        .await?;
    let mails: Vec<NewMail> = staff
        .into_iter()
        .map(|(user_id, email, lang)| NewMail {
            county_id,
            id: Uuid::now_v7(),
            case_id: None,
            kind: kind.to_owned(),
            user_id: Some(user_id),
            email,
            channel: "email",
            phone_enc: None,
            party_id: None,
            language: super::recipients::language(Some(&lang)),
            payload: payload.clone(),
            next_attempt_at: now,
            created_at: now,
        })
        .collect();
    diesel::insert_into(outbox::table)
        .values(&mails)
        .execute(conn)
        .await
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
