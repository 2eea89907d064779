//! Similar past cases for the mediator (SPEC §7): the five ended cases of the county whose
//! narratives share the most telling words with this one (same category weighted up), each as
//! it may be read by anyone working on another case — the narrative without names or numbers,
//! how it ended, at which level, what the agreement asked of whom (without the who). Never a
//! case's id, number, parties or evidence.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::Principal;
use crate::db;
use crate::domain::Role;
use crate::error::AppError;
use crate::likeness::{KEYWORDS, keywords, query};

/// Past cases shown.
pub const SHOWN: i64 = 5;
/// Matches of one question that are ranked at most.
const CANDIDATES: i64 = 300;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Similar {
    /// The category code.
    pub category: String,
    /// The level it ended at: `village`, `township` or `county`.
    pub level: String,
    /// How it ended: `resolved`, `closed`, `referred` or `unmediable`.
    pub outcome: String,
    /// What happened, without names or numbers.
    pub summary: String,
    /// The agreement's obligations, without who: `what`, `amount_fen`, `how`.
    #[schema(value_type = Vec<Object>)]
    pub obligations: serde_json::Value,
    /// How alike (higher is closer).
    pub score: f32,
}

/// The past cases most like this one, for the staff who may open it.
pub async fn similar(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
) -> Result<Vec<Similar>, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    if !matches!(
        principal.role,
        Role::Mediator | Role::CommitteeHead | Role::Judge
    ) {
        return Err(AppError::Forbidden(
            "Similar past cases are for the mediators and judges working on a case.".into(),
        ));
    }
    let row = &record.row;
    let narrative = row.narrative.clone();
    let words = tokio::task::spawn_blocking(move || keywords(&narrative, KEYWORDS))
        .await
        .map_err(AppError::internal)?;
    // The most telling words all together first, then fewer, then any of them.
    let mut questions = Vec::new();
    for n in [3, 2] {
        if words.len() >= n {
            questions.extend(query(&words[..n], true));
        }
    }
    questions.extend(query(&words, false));
    let mut found: Vec<db::likeness::Found> = Vec::new();
    for q in questions {
        if found.len() >= SHOWN as usize {
            break;
        }
        let more = db::likeness::search(
            conn,
            row.county_id,
            row.id,
            &q,
            &row.category,
            CANDIDATES,
            SHOWN,
        )
        .await?;
        for f in more {
            if found.len() < SHOWN as usize && !found.iter().any(|g| g.case_id == f.case_id) {
                found.push(f);
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|f| Similar {
            category: f.category,
            level: f.level,
            outcome: f.outcome,
            summary: f.summary,
            obligations: f.obligations,
            score: f.score,
        })
        .collect())
}
