//! Case work: what the API and the pages both do with a case. Each operation reads through the
//! authorization gate, asks the engine, and writes the engine's answer in one transaction.
//! Handlers only translate HTTP to these calls; no rule lives in a handler.

pub mod access_log;
pub mod acting;
pub mod agreement_input;
pub mod attach;
pub mod bundle;
pub mod card;
pub mod case_page;
pub mod change;
pub mod documents;
pub mod filing;
pub mod history;
pub mod import;
pub mod import_records;
pub mod invitation;
pub mod lists;
pub mod messages;
mod new_case;
pub mod particulars;
pub mod parties;
pub mod policy;
pub mod public_stats;
pub mod rating;
pub mod record;
pub mod similar;
pub mod stats;
pub mod stats_memory;
pub mod view;
pub mod voice;

use uuid::Uuid;

use crate::auth::Principal;
use crate::db::access::Scope;
pub use crate::db::cases::CaseRecord;
use crate::domain::Role;
use crate::error::AppError;
use crate::workflow::{Actor, CaseState, Refusal, Side, Viewer};

/// The case as the gate lets this caller see it; outside their scope it is 404, the same as a
/// case that does not exist.
pub async fn open(
    conn: &mut diesel_async::AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
) -> Result<CaseRecord, AppError> {
    crate::db::cases::find_visible(conn, scope_of(principal), case_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The part of the case data this caller may see (the input of the one gate).
pub fn scope_of(p: &Principal) -> Scope {
    match (p.role, &p.committee, p.county_id) {
        (Role::Resident, _, _) => Scope::Party { user_id: p.id },
        (Role::Mediator | Role::CommitteeHead, Some(c), _) => Scope::Committee {
            county_id: c.county_id,
            committee_id: c.committee_id,
        },
        (Role::Judge, _, Some(county_id)) => Scope::Judge { county_id },
        _ => Scope::Nothing,
    }
}

/// The party row of this user in the case, if any.
pub fn party_of(p: &Principal, case: &CaseState) -> Option<Uuid> {
    case.parties
        .iter()
        .find(|party| party.user_id == Some(p.id))
        .map(|party| party.id)
}

/// Who the caller is to the engine. Staff act as staff; residents as their party row.
pub fn actor_for(p: &Principal, case: &CaseState) -> Option<Actor> {
    match (p.role, &p.committee, p.county_id) {
        (Role::Mediator | Role::CommitteeHead, Some(c), _) => Some(Actor::Mediator {
            user_id: p.id,
            committee_id: c.committee_id,
            is_head: p.role == Role::CommitteeHead,
        }),
        (Role::Judge, _, Some(county_id)) => Some(Actor::Judge {
            user_id: p.id,
            county_id,
        }),
        (Role::Resident, _, _) => party_of(p, case).map(|party_id| Actor::Party {
            user_id: Some(p.id),
            party_id,
        }),
        _ => None,
    }
}

/// How `next_step` should address this caller.
pub fn viewer_for(p: &Principal, case: &CaseState) -> Viewer {
    match p.role {
        Role::Resident => {
            let side = case
                .parties
                .iter()
                .find(|party| party.user_id == Some(p.id))
                .map(|party| party.side)
                .unwrap_or(Side::ThirdParty);
            Viewer::Party(side)
        }
        Role::Judge => Viewer::Judge,
        Role::Mediator | Role::CommitteeHead => Viewer::Staff,
        Role::CountyAdmin => Viewer::Public,
    }
}

/// The engine's refusal as an HTTP error; a 409 carries the case as it is now, when there is one
/// to show.
pub fn refused(r: Refusal, current: Option<serde_json::Value>) -> AppError {
    match r {
        Refusal::WrongActor(m) => AppError::Forbidden(m),
        Refusal::WrongState(m) => AppError::Conflict {
            message: m,
            case: current,
        },
        Refusal::Invalid(m) => AppError::Unprocessable(m),
    }
}
