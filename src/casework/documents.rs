//! The documents of a case (SPEC §4.1, §7 *Documents*): which the record yields now, each one
//! made and drawn when fetched, its verify code filed the first time its content is issued,
//! and `/verify/{code}` answered for anyone holding a printout. A party's first fetch of a
//! document is a trip avoided (SPEC §6.1) and a history entry; staff and judges' fetches go to
//! the access log the parties read.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::view::CaseView;
use super::{actor_for, party_of};
use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::db::documents::IssueRow;
use crate::db::events::EventRow;
use crate::documents::{
    self, Document, DocumentFont, EventLine, EvidenceLine, Kind, Missing, PartyLine, SessionLine,
    Source, Stamp,
};
use crate::error::AppError;
use crate::workflow::{CaseState, ConfirmationStatus, Lang, SessionMode, Side, Status};

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

/// What a verify code says, with no personal data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verified {
    pub code: String,
    pub kind: Kind,
    pub title: String,
    pub dated: String,
    pub committee: String,
    pub issued_at: DateTime<Utc>,
    /// SHA-256 of the PDF as issued.
    pub sha256: String,
    pub standing: Standing,
    /// One sentence saying whether the document still stands.
    pub explanation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// This is what the record says now.
    Current,
    /// An agreement not yet signed by everyone: a draft.
    Draft,
    /// The record has moved on: a later version replaces this one (or the draft lapsed).
    Superseded,
    /// The court refused to confirm the agreement.
    CourtRefused,
}

impl Standing {
    pub fn explain(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Standing::Current, Lang::Zh) => "有效：这份文书与案件记录现在的内容一致。",
            (Standing::Current, Lang::En) => {
                "Valid: this document matches the case record as it stands now."
            }
            (Standing::Draft, Lang::Zh) => "草案：各方和调解员尚未全部签署，还没有生效。",
            (Standing::Draft, Lang::En) => {
                "A draft: not yet signed by every party and the mediator, so not in effect."
            }
            (Standing::Superseded, Lang::Zh) => {
                "已不是最新：案件记录后来有了变化，这份文书已被新的版本代替或已失效。"
            }
            (Standing::Superseded, Lang::En) => {
                "No longer current: the record changed afterwards; a later version replaces this one, or it lapsed."
            }
            (Standing::CourtRefused, Lang::Zh) => "人民法院已裁定不予确认这份调解协议。",
            (Standing::CourtRefused, Lang::En) => "The court refused to confirm this agreement.",
        }
    }
}

fn part_of(session: Option<Uuid>) -> String {
    session.map(|s| s.to_string()).unwrap_or_default()
}

fn who(e: &EventRow, names: &HashMap<Uuid, String>, parties: &[PartyLine]) -> String {
    match e.actor_role.as_str() {
        "system" => "系统（期限届满）".to_owned(),
        "party" => e
            .data
            .get("party_id")
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok())
            .and_then(|id| parties.iter().find(|p| p.id == id))
            .map_or_else(|| "当事人".to_owned(), |p| p.name.clone()),
        role => e
            .actor_id
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| {
                if role == "judge" {
                    "法官"
                } else {
                    "调解员"
                }
                .to_owned()
            }),
    }
}

/// The documents' source from a case view and what goes with it.
async fn source_of(
    conn: &mut AsyncPgConnection,
    view: &CaseView,
    state: &CaseState,
    events: &[EventRow],
    evidence: Vec<EvidenceLine>,
) -> Result<Source, AppError> {
    let consent = db::cases::consent_to_notice(conn, state.county_id, state.id).await?;
    let mut staff_ids: Vec<Uuid> = events.iter().filter_map(|e| e.actor_id).collect();
    staff_ids.extend(state.mediator_id);
    if let Some(a) = &state.agreement {
        staff_ids.extend(a.mediator_signed_by);
    }
    staff_ids.sort();
    staff_ids.dedup();
    let staff = db::users::names(conn, &staff_ids).await?;
    let names: HashMap<Uuid, String> = staff.iter().cloned().collect();
    let parties: Vec<PartyLine> = view
        .parties
        .iter()
        .map(|p| PartyLine {
            id: p.id,
            side: Side::parse(&p.side).unwrap_or(Side::ThirdParty),
            name: p.name.clone(),
            phone: p.phone.clone(),
            id_number: p.id_number.clone(),
            particulars: p.particulars.clone(),
            signed_at: p.signed_at,
        })
        .collect();
    let events = events
        .iter()
        .map(|e| EventLine {
            seq: e.seq,
            kind: e.kind.clone(),
            at: e.at,
            who: who(e, &names, &parties),
            data: e.data.clone(),
            hash: e.hash.clone(),
        })
        .collect();
    Ok(Source {
        number: view.number.clone(),
        category: crate::domain::Category::parse(&view.category)
            .map_or_else(|| view.category.clone(), |c| c.label_zh().to_owned()),
        narrative: view.narrative.clone(),
        request: view.request.clone(),
        amount_fen: view.amount.and_then(crate::domain::fen_of_yuan),
        village: view.village.name.clone(),
        committee: view.committee.name.clone(),
        level: state.level,
        status: state.status,
        mediator: view.mediator.as_ref().map(|m| m.name.clone()),
        parties,
        sessions: view
            .sessions
            .iter()
            .map(|s| SessionLine {
                id: s.id,
                at: s.at,
                mode: SessionMode::parse(&s.mode).unwrap_or(SessionMode::InPerson),
                location: s.location.clone(),
                record: s.record.clone(),
            })
            .collect(),
        agreement: state.agreement.clone(),
        confirmation: state.confirmation,
        performance: state.performance,
        filed_at: state.filed_at,
        events,
        evidence,
        consented_at: consent.as_ref().map(|c| c.0),
        assisted: consent.and_then(|c| c.1),
        staff,
    })
}

/// What every reader's copy of a document says alike: no contact details or particulars, no
/// evidence (each side may see differently). Its digest tells whether an issued document still
/// stands.
fn substance(kind: Kind, session: Option<Uuid>, source: &Source) -> Option<String> {
    let neutral = Source {
        parties: source
            .parties
            .iter()
            .map(|p| PartyLine {
                phone: None,
                id_number: None,
                particulars: None,
                ..p.clone()
            })
            .collect(),
        evidence: Vec::new(),
        events: source
            .events
            .iter()
            .filter(|e| e.kind != "evidence_added" && e.kind != "document_fetched")
            .cloned()
            .collect(),
        ..source.clone()
    };
    documents::build(kind, session, &neutral)
        .ok()
        .map(|d| d.digest())
}

struct Gathered {
    state: CaseState,
    source: Source,
}

async fn gather(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Gathered, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let events = super::history::visible_events(conn, principal, &state).await?;
    let evidence = super::attach::list(conn, principal, case_id)
        .await?
        .into_iter()
        .map(|e| EvidenceLine {
            filename: e.filename,
            size: e.size,
            sha256: e.sha256,
            at: e.created_at,
        })
        .collect();
    let view = super::view::load_view(conn, principal, record, Lang::Zh, sealer, now).await?;
    let source = source_of(conn, &view, &state, &events, evidence).await?;
    Ok(Gathered { state, source })
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

/// What a verify code says: which document, its date, the committee, the SHA-256 as issued
/// and whether it still stands. `None` for a code never issued.
pub async fn verify(
    conn: &mut AsyncPgConnection,
    code: &str,
    sealer: &Sealer,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Option<Verified>, AppError> {
    let Some(code) = documents::normalise_code(code) else {
        return Ok(None);
    };
    let Some(issue) = db::documents::by_code(conn, &code).await? else {
        return Ok(None);
    };
    let Some(kind) = Kind::parse(&issue.kind) else {
        return Ok(None);
    };
    let standing = standing_now(conn, &issue, kind, sealer, now).await?;
    Ok(Some(Verified {
        code: issue.code,
        kind,
        title: kind.title().to_owned(),
        dated: issue.dated,
        committee: issue.committee,
        issued_at: issue.issued_at,
        sha256: issue.sha256,
        standing,
        explanation: standing.explain(lang).to_owned(),
    }))
}

async fn standing_now(
    conn: &mut AsyncPgConnection,
    issue: &IssueRow,
    kind: Kind,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Standing, AppError> {
    let Some(record) = db::cases::ways_in::for_system(conn, issue.county_id, issue.case_id).await?
    else {
        return Ok(Standing::Superseded);
    };
    let state = record.state().map_err(AppError::internal)?;
    let events = db::events::of_case(conn, state.county_id, state.id).await?;
    let view = super::view::system_view(conn, &record, &state, sealer, now).await?;
    let source = source_of(conn, &view, &state, &events, Vec::new()).await?;
    let session = Uuid::parse_str(&issue.part).ok();
    if substance(kind, session, &source).as_deref() != Some(issue.substance.as_str()) {
        return Ok(Standing::Superseded);
    }
    if kind == Kind::Agreement {
        if state.confirmation == Some(ConfirmationStatus::Rejected) {
            return Ok(Standing::CourtRefused);
        }
        let signed = state
            .agreement
            .as_ref()
            .is_some_and(|a| a.mediator_signed_at.is_some());
        if !signed || state.status == Status::AgreementPending {
            return Ok(Standing::Draft);
        }
    }
    Ok(Standing::Current)
}
