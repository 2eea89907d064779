//! One outbox row as an email: subject, plain text and HTML in the recipient's language, with
//! a link into the service and the case number — never the narrative or evidence.

use askama::Template;
use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use serde_json::Value;
use uuid::Uuid;

use super::texts::{self, Frame};
use crate::auth::Keys;
use crate::workflow::Lang;

/// How long the link of a respondent invitation works.
pub const INVITATION_DAYS: i64 = crate::auth::invitation::LIFETIME_DAYS;

#[derive(Template)]
#[template(path = "email/message.txt")]
struct TextMail<'a> {
    frame: &'a Frame,
    lead: &'a str,
    number: &'a str,
    access_code: Option<&'a str>,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlMail<'a> {
    frame: &'a Frame,
    subject: &'a str,
    lead: &'a str,
    number: &'a str,
    access_code: Option<&'a str>,
    link: &'a str,
}

/// What the worker knows of one mail to render.
#[derive(Debug, Clone, Copy)]
pub struct MailInput<'a> {
    pub kind: &'a str,
    pub language: &'a str,
    pub payload: &'a Value,
    pub county_id: Uuid,
    pub party_id: Option<Uuid>,
}

/// What links are built from.
#[derive(Clone, Copy)]
pub struct Links<'a> {
    pub public_url: &'a str,
    pub keys: &'a Keys,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a row cannot become a mail. None of these heals by waiting, so the worker marks the row
/// failed at once instead of retrying.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no words for notification kind {0:?}")]
    UnknownKind(String),
    #[error("the payload lacks {0}")]
    Missing(&'static str),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("invitation token: {0}")]
    Token(String),
    #[error("address {0:?}: {1}")]
    Address(String, String),
    #[error("building the message: {0}")]
    Build(String),
}

/// The `Message-ID` of an outbox row: the same on every attempt, so a mail resent after a crash
/// between sending and marking is recognisably the same mail.
pub fn message_id(id: Uuid) -> String {
    format!("<{id}@fengqiao>")
}

/// Where the notice leads, as a path of the service: the invitation page for a respondent (a
/// token bound to that party and to the invitation audience, so it can never log anyone in),
/// otherwise the case page.
pub fn target(m: &MailInput<'_>, links: &Links<'_>) -> Result<String, RenderError> {
    if m.kind == "respondent_invitation" {
        let party = m
            .party_id
            .ok_or(RenderError::Missing("the invited party"))?;
        // The same token the invitation page reads: bound to this county's party, a week long.
        let token = crate::auth::invitation::issue(links.keys, m.county_id, party, links.now)
            .map_err(|e| RenderError::Token(e.to_string()))?;
        return Ok(format!("/invitations/{token}"));
    }
    let case_id = m
        .payload
        .get("case_id")
        .and_then(Value::as_str)
        .ok_or(RenderError::Missing("case_id"))?;
    Ok(format!("/cases/{case_id}"))
}

/// How many days the link of a notice must work.
pub fn link_days(kind: &str) -> i64 {
    if kind == "respondent_invitation" {
        INVITATION_DAYS
    } else {
        90
    }
}

fn link(m: &MailInput<'_>, links: &Links<'_>) -> Result<String, RenderError> {
    Ok(format!(
        "{}{}",
        links.public_url.trim_end_matches('/'),
        target(m, links)?
    ))
}

/// The number and, for the applicant's receipt, the access code of a notice.
pub fn number_and_code<'a>(m: &MailInput<'a>) -> Result<(&'a str, Option<&'a str>), RenderError> {
    let number = m
        .payload
        .get("number")
        .and_then(Value::as_str)
        .ok_or(RenderError::Missing("number"))?;
    // Only the applicant's receipt carries the access code (outbox::enqueue keys it by kind).
    let access_code = match m.kind {
        "filing_receipt" => m.payload.get("access_code").and_then(Value::as_str),
        _ => None,
    };
    Ok((number, access_code))
}

/// The kind of the daily history anchor mail (about a county, not a case).
pub const ANCHOR_KIND: &str = "history_anchor";
/// The kind of the mail that tells county admins a webhook endpoint was paused.
pub const WEBHOOK_PAUSED_KIND: &str = "webhook_paused";

pub fn render(m: &MailInput<'_>, links: &Links<'_>) -> Result<Rendered, RenderError> {
    let lang = Lang::from_code(m.language);
    if m.kind == ANCHOR_KIND {
        return Ok(super::direct::render_anchor(m.payload, lang)?);
    }
    if m.kind == WEBHOOK_PAUSED_KIND {
        return Ok(super::direct::render_webhook_paused(
            m.payload,
            links.public_url,
            lang,
        )?);
    }
    let words =
        texts::words(m.kind, lang).ok_or_else(|| RenderError::UnknownKind(m.kind.to_owned()))?;
    let (number, access_code) = number_and_code(m)?;
    let link = link(m, links)?;
    let frame = texts::frame(lang);
    let subject = texts::subject(lang, &words, number);
    let text = TextMail {
        frame: &frame,
        lead: words.lead,
        number,
        access_code,
        link: &link,
    }
    .render()?;
    let html = HtmlMail {
        frame: &frame,
        subject: &subject,
        lead: words.lead,
        number,
        access_code,
        link: &link,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// The MIME message: plain text with an HTML alternative, and the row's stable Message-ID.
pub fn message(id: Uuid, from: &Mailbox, to: &str, r: &Rendered) -> Result<Message, RenderError> {
    let to: Mailbox = to.parse().map_err(|e: lettre::address::AddressError| {
        RenderError::Address(to.to_owned(), e.to_string())
    })?;
    Message::builder()
        .message_id(Some(message_id(id)))
        .from(from.clone())
        .to(to)
        .subject(r.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            r.text.clone(),
            r.html.clone(),
        ))
        .map_err(|e| RenderError::Build(e.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn keys() -> Keys {
        Keys::new(b"a-test-secret-that-is-long-enough-32b")
    }

    #[test]
    fn receipt_carries_number_code_and_link_in_chinese() {
        let keys = keys();
        let payload =
            json!({"case_id": "c-1", "number": "330681-2026-000007", "access_code": "ABCD2345"});
        let r = render(
            &MailInput {
                kind: "filing_receipt",
                language: "zh",
                payload: &payload,
                county_id: Uuid::nil(),
                party_id: None,
            },
            &Links {
                public_url: "https://fq.example/",
                keys: &keys,
                now: Utc::now(),
            },
        );
        let Ok(r) = r else {
            panic!("render failed: {r:?}");
        };
        assert!(r.subject.contains("已收到您的调解申请"), "{}", r.subject);
        assert!(r.subject.contains("330681-2026-000007"));
        for body in [&r.text, &r.html] {
            assert!(body.contains("ABCD2345"));
            assert!(body.contains("https://fq.example/cases/c-1"));
        }
    }

    #[test]
    fn the_access_code_appears_only_in_the_receipt() {
        let keys = keys();
        let payload = json!({"case_id": "c-1", "number": "N-1", "access_code": "ABCD2345"});
        let r = render(
            &MailInput {
                kind: "new_case",
                language: "en",
                payload: &payload,
                county_id: Uuid::nil(),
                party_id: None,
            },
            &Links {
                public_url: "https://fq.example",
                keys: &keys,
                now: Utc::now(),
            },
        );
        let Ok(r) = r else {
            panic!("render failed: {r:?}");
        };
        assert!(!r.text.contains("ABCD2345") && !r.html.contains("ABCD2345"));
        assert!(r.subject.starts_with("Fengqiao Mediation:"));
    }

    #[test]
    fn an_invitation_links_a_token_for_that_party_only() {
        let keys = keys();
        let party = Uuid::new_v4();
        let payload = json!({"case_id": "c-1", "number": "N-1"});
        let r = render(
            &MailInput {
                kind: "respondent_invitation",
                language: "en",
                payload: &payload,
                county_id: Uuid::nil(),
                party_id: Some(party),
            },
            &Links {
                public_url: "https://fq.example",
                keys: &keys,
                now: Utc::now(),
            },
        );
        let Ok(r) = r else {
            panic!("render failed: {r:?}");
        };
        let token = r
            .text
            .lines()
            .find_map(|l| l.strip_prefix("https://fq.example/invitations/"))
            .unwrap_or_default();
        let read = crate::auth::invitation::read(&keys, token);
        assert_eq!(read.map(|(_, _, p)| p), Some(party));
        assert!(keys.verify(token, crate::auth::Audience::Session).is_err());
    }
}
