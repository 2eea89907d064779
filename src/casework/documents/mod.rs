//! The documents of a case (SPEC §4.1, §7 *Documents*): which the record yields now, each one
//! made and drawn when fetched, its verify code filed the first time its content is issued,
//! and `/verify/{code}` answered for anyone holding a printout. A party's first fetch of a
//! document is a trip avoided (SPEC §6.1) and a history entry; staff and judges' fetches go to
//! the access log the parties read.

mod source;
mod verify;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{actor_for, party_of};
use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::db::documents::IssueRow;
use crate::documents::{self, Document, DocumentFont, Kind, Missing, Stamp};
use crate::error::AppError;
use crate::workflow::CaseState;
use source::{Gathered, gather, substance};
pub use verify::{Standing, Verified, verify};

/// What the case work needs to draw documents.
#[derive(Clone)]
pub struct Press<'a> {
    /// `None` when no CJK font is installed: pages still work, PDFs are refused.
    pub font: Option<Arc<DocumentFont>>,
    pub public_url: &'a str,
    pub sealer: &'a Sealer,
}

/// One document the caller may fetch now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Listed {
    pub kind: Kind,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<Uuid>,
    /// What the document is dated, in words (filing, acceptance, session, signature …).
    pub dated: String,
    /// When this content was first issued (fetched), if it has been.
    pub issued_at: Option<DateTime<Utc>>,
    pub verify_code: Option<String>,
    /// Where to fetch it (PDF; the printable page with `Accept: text/html`).
    pub href: String,
}

/// A document made for a caller, with its verify code and its PDF.
pub struct Fetched {
    pub document: Document,
    pub code: String,
    pub verify_url: String,
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub case_id: Uuid,
    pub session_id: Option<Uuid>,
}

fn part_of(session: Option<Uuid>) -> String {
    session.map(|s| s.to_string()).unwrap_or_default()
}

/// Each document the record yields now, with the code of its content when already issued.
pub async fn list(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Vec<Listed>, AppError> {
    let g = gather(conn, principal, case_id, sealer, now).await?;
    let issued = db::documents::of_case(conn, (g.state.county_id, g.state.id)).await?;
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let sessions: Vec<Option<Uuid>> = match kind {
            Kind::SessionRecord => g.source.sessions.iter().map(|s| Some(s.id)).collect(),
            _ => vec![None],
        };
        for session in sessions {
            let Ok(doc) = documents::build(kind, session, &g.source) else {
                continue;
            };
            let content = doc.digest();
            let issue = issued.iter().find(|i| {
                i.kind == kind.as_str() && i.part == part_of(session) && i.content == content
            });
            let mut href = format!("/api/v1/cases/{case_id}/documents/{}", kind.as_str());
            if let Some(s) = session {
                href.push_str(&format!("?session_id={s}"));
            }
            out.push(Listed {
                kind,
                title: doc.title,
                session_id: session,
                dated: doc.dated,
                issued_at: issue.map(|i| i.issued_at),
                verify_code: issue.map(|i| i.code.clone()),
                href,
            });
        }
    }
    Ok(out)
}

/// Makes one document for the caller: its verify code (the same for the same content), its
/// PDF, and the notes of the fetch.
pub async fn fetch(
    conn: &mut AsyncPgConnection,
    press: &Press<'_>,
    principal: &Principal,
    (case_id, kind, session): (Uuid, Kind, Option<Uuid>),
    now: DateTime<Utc>,
) -> Result<Fetched, AppError> {
    let g = gather(conn, principal, case_id, press.sealer, now).await?;
    let fetched = issue(conn, press, &g, (kind, session), now).await?;
    note_fetch(conn, principal, &g.state, kind, &part_of(session), now).await?;
    Ok(fetched)
}

/// Every document the record yields now, as the caller may see them: the court bundle's
/// `documents/`.
pub async fn all_for(
    conn: &mut AsyncPgConnection,
    press: &Press<'_>,
    principal: &Principal,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Fetched>, AppError> {
    let g = gather(conn, principal, case_id, press.sealer, now).await?;
    let sessions: Vec<(Uuid, bool)> = g
        .source
        .sessions
        .iter()
        .map(|s| (s.id, s.record.is_some()))
        .collect();
    let which = documents::available(
        |kind| g.source.events.iter().any(|e| e.kind == kind),
        &sessions,
        g.source.agreement.is_some(),
    );
    let mut out = Vec::with_capacity(which.len());
    for (kind, session) in which {
        out.push(issue(conn, press, &g, (kind, session), now).await?);
    }
    Ok(out)
}

/// Builds, draws and files one document: the code of this content if it was issued before
/// (so the same content is the same bytes), a new one otherwise.
async fn issue(
    conn: &mut AsyncPgConnection,
    press: &Press<'_>,
    g: &Gathered,
    (kind, session): (Kind, Option<Uuid>),
    now: DateTime<Utc>,
) -> Result<Fetched, AppError> {
    let document = documents::build(kind, session, &g.source)
        .map_err(|Missing { zh, en }| AppError::NoDocument { zh, en })?;
    let font = press
        .font
        .clone()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!(documents::FontError::NotFound)))?;
    let (county, case) = (g.state.county_id, g.state.id);
    let part = part_of(session);
    let content = document.digest();
    let earlier = db::documents::find(conn, (county, case), kind.as_str(), &part, &content).await?;
    let code = earlier
        .as_ref()
        .map_or_else(documents::new_code, |i| i.code.clone());
    let verify_url = format!("{}/verify/{code}", press.public_url.trim_end_matches('/'));
    let stamp = Stamp {
        code: code.clone(),
        url: verify_url.clone(),
    };
    let doc = document.clone();
    // Drawing takes a few milliseconds of CPU: off the request threads.
    let pdf = tokio::task::spawn_blocking(move || documents::render(&doc, &stamp, &font))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let sha256 = hex::encode(Sha256::digest(&pdf));
    let code = match earlier {
        Some(i) => {
            if i.sha256 != sha256 {
                tracing::warn!(code = %i.code, "a document's PDF differs from the one issued with its code");
            }
            code
        }
        None => {
            let row = IssueRow {
                code: code.clone(),
                county_id: county,
                case_id: case,
                kind: kind.as_str().to_owned(),
                part,
                content,
                substance: substance(kind, session, &g.source).unwrap_or_default(),
                sha256: sha256.clone(),
                dated: document.dated.clone(),
                committee: document.committee.clone(),
                issued_at: now,
            };
            // Another request may have filed the same content first: its code stands.
            db::documents::issue(conn, &row).await?.code
        }
    };
    if code != stamp_code(&verify_url) {
        // Lost the race: draw again with the code that stands.
        return Box::pin(issue(conn, press, g, (kind, session), now)).await;
    }
    Ok(Fetched {
        document,
        code,
        verify_url,
        pdf,
        sha256,
        case_id: case,
        session_id: session,
    })
}

fn stamp_code(verify_url: &str) -> &str {
    verify_url.rsplit('/').next().unwrap_or_default()
}

/// A party's first fetch of a document is a trip avoided (a history entry); staff and judges'
/// fetches go to the access log.
async fn note_fetch(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    state: &CaseState,
    kind: Kind,
    part: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (county, case) = (state.county_id, state.id);
    let actor = actor_for(principal, state);
    let party = party_of(principal, state);
    conn.transaction::<(), AppError, _>(async |conn| match (party, &actor) {
        (Some(party_id), Some(actor)) => {
            let first =
                db::documents::fetched(conn, (county, case), party_id, kind.as_str(), part, now)
                    .await?;
            if first {
                db::events::note(
                    conn,
                    (county, case),
                    "document_fetched",
                    json!({ "kind": kind.as_str(), "party_id": party_id }),
                    actor,
                    now,
                )
                .await?;
            }
            Ok(())
        }
        _ => {
            super::access_log::record(
                conn,
                principal,
                state,
                super::access_log::Opened::Document,
                now,
            )
            .await
        }
    })
    .await
}
