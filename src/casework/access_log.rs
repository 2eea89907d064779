//! The read audit: every time staff or a judge open a case record, a document or an evidence
//! file it is recorded, and the case's parties can see who looked (their right to supervise).
//! Parties reading their own case are not recorded: it is theirs.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::Principal;
use crate::db;
pub use crate::db::access_log::Entry;
use crate::domain::Role;
use crate::error::AppError;
use crate::workflow::CaseState;

/// What was opened.
#[derive(Debug, Clone, Copy)]
pub enum Opened {
    Case,
    Document,
    Evidence(Uuid),
}

/// Who the read audit records for an opening by `who`: staff and judges, not the parties.
pub fn opener(who: &Principal, at: DateTime<Utc>) -> Option<db::cases::Opener<'static>> {
    (who.role != Role::Resident).then(|| db::cases::Opener {
        user_id: who.id,
        role: who.role.as_str(),
        at,
    })
}

/// Records the opening when the caller is staff or a judge.
pub async fn record(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    state: &CaseState,
    opened: Opened,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if opener(who, now).is_none() {
        return Ok(());
    }
    let (what, target_id) = match opened {
        Opened::Case => ("case", None),
        Opened::Document => ("document", None),
        Opened::Evidence(id) => ("evidence", Some(id)),
    };
    db::access_log::record(
        conn,
        &db::access_log::Opening {
            county_id: state.county_id,
            case_id: state.id,
            user_id: who.id,
            role: who.role.as_str(),
            what,
            target_id,
            at: now,
        },
    )
    .await?;
    Ok(())
}

/// `GET /api/v1/cases/{id}/access-log`: for whoever may see the case.
pub async fn of_case(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    case_id: Uuid,
) -> Result<Vec<Entry>, AppError> {
    let record = super::open(conn, who, case_id).await?;
    Ok(db::access_log::of_case(conn, record.row.county_id, record.row.id, 200).await?)
}

/// The newest openings of a case the caller already passed the gate for (its case page).
pub async fn recent(
    conn: &mut AsyncPgConnection,
    state: &CaseState,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    Ok(db::access_log::of_case(conn, state.county_id, state.id, limit).await?)
}
