//! `/verify/{code}`: what an issued document's code says, for anyone holding a printout, and
//! whether the document still stands, from the record as it is now. No personal data.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use uuid::Uuid;

use super::source::{source_of, substance};
use crate::crypto::Sealer;
use crate::db;
use crate::db::documents::IssueRow;
use crate::documents::{self, Kind};
use crate::error::AppError;
use crate::workflow::{ConfirmationStatus, Lang, Status};

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
    let view = crate::casework::view::system_view(conn, &record, &state, sealer, now).await?;
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
