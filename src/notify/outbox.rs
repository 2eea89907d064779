//! Writing what must be told: one outbox row per mail and one in-app notification per account,
//! in the caller's transaction. The case change and its mail commit together or not at all,
//! which is the whole point: a refused or rolled-back change sends nothing, and a committed one
//! is sent by the worker however long the mail server is away.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::recipients::{Book, Reach};
use crate::db;
use crate::db::outbox::{NewMail, NewNotification};
use crate::workflow::{CaseState, Notice};

/// The in-app notice that asks the mediator to reach a party who has no address by phone or
/// on paper (assisted filing).
pub const NEEDS_PHONE_CALL: &str = "needs_phone_call";

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
    let changes: Vec<_> = changes
        .iter()
        .filter(|(_, n, _)| !n.is_empty())
        .copied()
        .collect();
    if changes.is_empty() {
        return Ok(Enqueued::default());
    }
    let cases: Vec<(&CaseState, &[Notice])> = changes.iter().map(|(c, n, _)| (*c, *n)).collect();
    let book = Book::load(conn, &cases).await?;
    let planned = plan(&book, &changes, now);
    db::outbox::insert_mails(conn, &planned.mails).await?;
    db::outbox::insert_notifications(conn, &planned.bells).await?;
    Ok(planned.done())
}

/// The rows of some notices, before they are written.
pub struct Planned {
    pub mails: Vec<NewMail>,
    pub bells: Vec<NewNotification>,
    phone_calls: usize,
}

impl Planned {
    pub fn done(&self) -> Enqueued {
        Enqueued {
            mails: self.mails.len(),
            notifications: self.bells.len(),
            phone_calls: self.phone_calls,
        }
    }
}

/// Turns notices into mail and bell rows for the people `book` knows: each person once per
/// kind, by the channel they can be reached on; a party nobody can reach becomes a bell asking
/// the case's handlers to call them. Pure: the caller writes the rows (filing sends them with
/// the rest of the new case in one call).
pub fn plan(
    book: &Book,
    changes: &[(&CaseState, &[Notice], &Value)],
    now: DateTime<Utc>,
) -> Planned {
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
    Planned {
        mails,
        bells,
        phone_calls,
    }
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
    let staff = db::staff::reachable_by_mail(conn, county_id, roles).await?;
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
    db::outbox::insert_mails(conn, &mails).await?;
    Ok(mails.len())
}

pub use crate::db::outbox::{FailedMail, failed};
