//! Acting on a case: `POST /cases/{id}/actions` and the forms of the case page end here.
//! The engine decides; this module reads through the gate and writes under the version check.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use uuid::Uuid;

use super::agreement_input::{self, ObligationInput};
use super::view::{CaseView, load_view};
use super::{actor_for, refused};
use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::error::AppError;
use crate::workflow::{self, Action, ConsentMethod, Lang, Performance, SessionMode};

/// An action as clients send it: `{"action": "...", "version": N, ...parameters}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// The version of the case the caller saw; a stale one is refused with 409.
    pub version: i32,
    #[serde(flatten)]
    pub action: ActionInput,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionInput {
    Accept,
    Decline {
        reason: String,
    },
    RespondentConsents,
    RespondentRefuses {
        reason: Option<String>,
    },
    Assign {
        mediator_id: Uuid,
    },
    Reassign {
        mediator_id: Uuid,
    },
    Recuse {
        reason: Option<String>,
    },
    ScheduleSession {
        at: DateTime<Utc>,
        mode: SessionMode,
        location: String,
    },
    RecordSession {
        session_id: Uuid,
        record: String,
        /// The party ids of those who took part.
        #[serde(default)]
        attended: Vec<Uuid>,
    },
    Extend,
    /// The statutory contents (SPEC §7 *Documents*); `terms` is anything else agreed.
    ProposeAgreement {
        #[serde(default)]
        facts: String,
        #[serde(default)]
        issues: String,
        #[serde(default)]
        responsibilities: String,
        #[serde(default)]
        obligations: Vec<ObligationInput>,
        terms: Option<String>,
        performance_due: Option<DateTime<Utc>>,
    },
    Sign,
    RejectAgreement {
        reason: Option<String>,
    },
    Escalate {
        reason: String,
    },
    ReferToCourt {
        reason: String,
    },
    Withdraw {
        reason: Option<String>,
    },
    /// The ID number is asked for here, and only here: the court needs it to confirm.
    ApplyConfirmation {
        id_number: Option<String>,
    },
    Confirm,
    RejectConfirmation {
        reason: String,
    },
    RecordPerformance {
        performed: Performance,
        note: Option<String>,
    },
    RecordFollowUp {
        satisfaction: i64,
        note: Option<String>,
    },
    RecordConsent {
        party_id: Uuid,
        method: String,
    },
}

fn limit(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    if value.chars().count() > max {
        return Err(AppError::Unprocessable(format!(
            "{field} is too long (at most {max} characters)."
        )));
    }
    Ok(())
}

fn opt_limit(field: &str, value: &Option<String>, max: usize) -> Result<(), AppError> {
    value.as_deref().map_or(Ok(()), |v| limit(field, v, max))
}

async fn committee_of_user(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> Result<Option<Uuid>, AppError> {
    Ok(db::staff::committee_of_mediator(conn, id).await?)
}

/// The engine's action for this input. Ids of new rows are chosen here, and the committee of a
/// named mediator is looked up so that the engine can refuse outsiders.
async fn to_engine(conn: &mut AsyncPgConnection, input: ActionInput) -> Result<Action, AppError> {
    use ActionInput as I;
    Ok(match input {
        I::Accept => Action::Accept,
        I::Decline { reason } => {
            limit("reason", &reason, 2000)?;
            Action::Decline { reason }
        }
        I::RespondentConsents => Action::RespondentConsents,
        I::RespondentRefuses { reason } => {
            opt_limit("reason", &reason, 2000)?;
            Action::RespondentRefuses { reason }
        }
        I::Assign { mediator_id } => Action::Assign {
            mediator_id,
            mediator_committee_id: committee_of_user(conn, mediator_id).await?,
        },
        I::Reassign { mediator_id } => Action::Reassign {
            mediator_id,
            mediator_committee_id: committee_of_user(conn, mediator_id).await?,
        },
        I::Recuse { reason } => {
            opt_limit("reason", &reason, 2000)?;
            Action::Recuse { reason }
        }
        I::ScheduleSession { at, mode, location } => {
            limit("location", &location, 500)?;
            Action::ScheduleSession {
                session_id: Uuid::now_v7(),
                at,
                mode,
                location,
            }
        }
        I::RecordSession {
            session_id,
            record,
            attended,
        } => {
            limit("record", &record, 20_000)?;
            if attended.len() > 100 {
                return Err(AppError::Unprocessable(
                    "at most 100 parties can be named as attending".into(),
                ));
            }
            Action::RecordSession {
                session_id,
                record,
                attended,
            }
        }
        I::Extend => Action::Extend,
        I::ProposeAgreement {
            facts,
            issues,
            responsibilities,
            obligations,
            terms,
            performance_due,
        } => Action::ProposeAgreement {
            contents: agreement_input::contents(
                facts,
                issues,
                responsibilities,
                obligations,
                terms,
            )?,
            performance_due,
        },
        I::Sign => Action::Sign,
        I::RejectAgreement { reason } => {
            opt_limit("reason", &reason, 2000)?;
            Action::RejectAgreement { reason }
        }
        I::Escalate { reason } => {
            limit("reason", &reason, 2000)?;
            Action::Escalate { reason }
        }
        I::ReferToCourt { reason } => {
            limit("reason", &reason, 2000)?;
            Action::ReferToCourt { reason }
        }
        I::Withdraw { reason } => {
            opt_limit("reason", &reason, 2000)?;
            Action::Withdraw { reason }
        }
        I::ApplyConfirmation { .. } => Action::ApplyConfirmation,
        I::Confirm => Action::Confirm,
        I::RejectConfirmation { reason } => {
            limit("reason", &reason, 2000)?;
            Action::RejectConfirmation { reason }
        }
        I::RecordPerformance { performed, note } => {
            opt_limit("note", &note, 2000)?;
            Action::RecordPerformance { performed, note }
        }
        I::RecordConsent { party_id, method } => Action::RecordConsent {
            party_id,
            method: ConsentMethod::parse(&method)
                .ok_or_else(|| AppError::Unprocessable(ConsentMethod::refusal("method")))?,
        },
        I::RecordFollowUp { satisfaction, note } => {
            opt_limit("note", &note, 2000)?;
            Action::RecordFollowUp {
                satisfaction: u8::try_from(satisfaction).unwrap_or(0),
                note,
            }
        }
    })
}

fn stale(current: &CaseView) -> AppError {
    AppError::Conflict {
        message: format!(
            "This case was changed by someone else; it is now at version {}. Look at it again and retry.",
            current.version
        ),
        case: serde_json::to_value(current).ok(),
    }
}

pub async fn act(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    body: ActionBody,
    lang: Lang,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<CaseView, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let actor = actor_for(principal, &state)
        .ok_or_else(|| AppError::Forbidden("You can read this case but not act on it.".into()))?;
    if body.version != state.version {
        return Err(stale(
            &load_view(conn, principal, record, lang, sealer, now).await?,
        ));
    }
    let id_number = match &body.action {
        ActionInput::ApplyConfirmation {
            id_number: Some(raw),
        } => Some(
            crate::domain::IdNumber::parse(raw).map_err(|m| AppError::Unprocessable(m.into()))?,
        ),
        _ => None,
    };
    let action = to_engine(conn, body.action).await?;
    let policy = db::policy::of_county(conn, state.county_id).await?;
    let transition = match workflow::decide(&state, &action, &actor, now, &policy) {
        Ok(t) => t,
        Err(refusal) => {
            let view = load_view(conn, principal, record, lang, sealer, now).await?;
            return Err(refused(refusal, serde_json::to_value(&view).ok()));
        }
    };
    let applied = conn
        .transaction::<bool, AppError, _>(async |conn| {
            let applied = super::change::write(conn, &state, &transition, &actor, now).await?;
            if let (true, Some(id), crate::workflow::Actor::Party { party_id, .. }) =
                (applied, &id_number, &actor)
            {
                db::cases::set_id_number(
                    conn,
                    state.county_id,
                    *party_id,
                    &sealer.seal(id.as_str()),
                )
                .await?;
            }
            Ok(applied)
        })
        .await?;
    let fresh = super::open(conn, principal, case_id).await?;
    let view = load_view(conn, principal, fresh, lang, sealer, now).await?;
    if !applied {
        return Err(stale(&view));
    }
    tracing::info!(case_id = %case_id, action = action.name(), status = %view.status, "case changed");
    Ok(view)
}
