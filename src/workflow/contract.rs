//! What goes into the engine (actor, action, policy) and what comes out (transition, effects).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{CaseState, Level, Performance, SessionMode, Side};

/// Who is acting, as far as the engine needs to know. The caller (a handler or the sweeper)
/// works this out from the principal and the case; the engine decides what that actor may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// A party of this case (`party_id` is a row of `CaseState::parties`).
    Party {
        user_id: Option<Uuid>,
        party_id: Uuid,
    },
    /// Staff of a mediation committee; `is_head` for the committee head.
    Mediator {
        user_id: Uuid,
        committee_id: Uuid,
        is_head: bool,
    },
    /// A judge of the county's court.
    Judge { user_id: Uuid, county_id: Uuid },
    /// The deadline sweeper.
    System,
}

impl Actor {
    pub fn user_id(&self) -> Option<Uuid> {
        match *self {
            Actor::Party { user_id, .. } => user_id,
            Actor::Mediator { user_id, .. } | Actor::Judge { user_id, .. } => Some(user_id),
            Actor::System => None,
        }
    }

    pub fn role_name(&self) -> &'static str {
        match self {
            Actor::Party { .. } => "party",
            Actor::Mediator { is_head: true, .. } => "committee_head",
            Actor::Mediator { .. } => "mediator",
            Actor::Judge { .. } => "judge",
            Actor::System => "system",
        }
    }
}

/// Every action of SPEC §2 after `file`, with its parameters already validated for shape
/// (non-empty reason, rating in 1..=5, ...). Ids of rows an action creates are chosen by the
/// caller so that the engine stays deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Accept,
    Decline {
        reason: String,
    },
    RespondentConsents,
    RespondentRefuses {
        reason: Option<String>,
    },
    /// `mediator_committee_id` is the committee the named user belongs to (looked up by the
    /// caller; `None` when that user is not a mediator), so the engine can refuse outsiders.
    Assign {
        mediator_id: Uuid,
        mediator_committee_id: Option<Uuid>,
    },
    Reassign {
        mediator_id: Uuid,
        mediator_committee_id: Option<Uuid>,
    },
    /// A party asks for a different mediator (once per party); the head then `reassign`s.
    Recuse {
        reason: Option<String>,
    },
    ScheduleSession {
        session_id: Uuid,
        at: DateTime<Utc>,
        mode: SessionMode,
        location: String,
    },
    /// `attended`: the parties who took part (for the record and the trips it saved them).
    RecordSession {
        session_id: Uuid,
        record: String,
        attended: Vec<Uuid>,
    },
    Extend,
    /// `performance_due`, when not given, is the end of the last obligation's day.
    ProposeAgreement {
        contents: super::types::AgreementContents,
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
    ApplyConfirmation,
    Confirm,
    RejectConfirmation {
        reason: String,
    },
    RecordPerformance {
        performed: Performance,
        note: Option<String>,
    },
    RecordFollowUp {
        satisfaction: u8,
        note: Option<String>,
    },
    DeadlinePassed,
    /// A mediator records a respondent's consent given in person, by phone or on paper.
    RecordConsent {
        party_id: Uuid,
        method: super::types::ConsentMethod,
    },
    /// A mediator adds an agent or a third party to the case.
    AddParty {
        party_id: Uuid,
        side: Side,
        user_id: Option<Uuid>,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline { .. } => "decline",
            Action::RespondentConsents => "respondent_consents",
            Action::RespondentRefuses { .. } => "respondent_refuses",
            Action::Assign { .. } => "assign",
            Action::Reassign { .. } => "reassign",
            Action::Recuse { .. } => "recuse",
            Action::ScheduleSession { .. } => "schedule_session",
            Action::RecordSession { .. } => "record_session",
            Action::Extend => "extend",
            Action::ProposeAgreement { .. } => "propose_agreement",
            Action::Sign => "sign",
            Action::RejectAgreement { .. } => "reject_agreement",
            Action::Escalate { .. } => "escalate",
            Action::ReferToCourt { .. } => "refer_to_court",
            Action::Withdraw { .. } => "withdraw",
            Action::ApplyConfirmation => "apply_confirmation",
            Action::Confirm => "confirm",
            Action::RejectConfirmation { .. } => "reject_confirmation",
            Action::RecordPerformance { .. } => "record_performance",
            Action::RecordFollowUp { .. } => "record_follow_up",
            Action::DeadlinePassed => "deadline_passed",
            Action::RecordConsent { .. } => "record_consent",
            Action::AddParty { .. } => "add_party",
        }
    }
}

/// A county's deadlines, in days (SPEC §2). Stored per county; `Default` is the SPEC's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Policy {
    pub acceptance_days_village: i32,
    pub acceptance_days_township: i32,
    pub acceptance_days_county: i32,
    pub response_days: i32,
    pub mediation_days: i32,
    pub extension_days: i32,
    pub signature_days: i32,
    pub confirmation_days: i32,
    pub follow_up_days: i32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            acceptance_days_village: 3,
            acceptance_days_township: 3,
            acceptance_days_county: 5,
            response_days: 7,
            mediation_days: 30,
            extension_days: 30,
            signature_days: 7,
            confirmation_days: 30,
            follow_up_days: 15,
        }
    }
}

impl Policy {
    /// Each deadline by its name, in the order a county admin reads them.
    pub fn fields(&self) -> [(&'static str, i32); 9] {
        [
            ("acceptance_days_village", self.acceptance_days_village),
            ("acceptance_days_township", self.acceptance_days_township),
            ("acceptance_days_county", self.acceptance_days_county),
            ("response_days", self.response_days),
            ("mediation_days", self.mediation_days),
            ("extension_days", self.extension_days),
            ("signature_days", self.signature_days),
            ("confirmation_days", self.confirmation_days),
            ("follow_up_days", self.follow_up_days),
        ]
    }

    /// Every deadline is a whole number of days from 1 to 365.
    pub fn check(&self) -> Result<(), Refusal> {
        match self
            .fields()
            .into_iter()
            .find(|(_, v)| !(1..=365).contains(v))
        {
            Some((name, value)) => Err(Refusal::Invalid(format!(
                "{name} is {value}: every deadline must be 1 to 365 days."
            ))),
            None => Ok(()),
        }
    }

    pub fn acceptance_days(&self, level: Level) -> i32 {
        match level {
            Level::Village => self.acceptance_days_village,
            Level::Township => self.acceptance_days_township,
            Level::County => self.acceptance_days_county,
        }
    }
}

/// A new dispute as the applicant (or a mediator filing for them) gives it to the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub case_id: Uuid,
    pub county_id: Uuid,
    pub route: super::types::Route,
    /// The applicant first, then respondents (and any others), ids chosen by the caller.
    pub parties: Vec<(Uuid, Side, Option<Uuid>)>,
    /// Set when a mediator files for a resident (assisted filing).
    pub filed_by: Option<Uuid>,
}

/// Who must hear about a change. The notification layer resolves these to addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Recipient {
    Party {
        party_id: Uuid,
    },
    AllParties,
    Mediator {
        user_id: Uuid,
    },
    /// Every mediator of a committee (e.g. the committee that receives an escalated case).
    Committee {
        committee_id: Uuid,
    },
    /// The county's judges (a case reaches them, or a confirmation is requested).
    Judges,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// A stable key for the template: "accepted", "declined", "escalated", "agreement_ready", ...
    pub kind: &'static str,
    pub to: Recipient,
}

/// One entry of the case's append-only history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The action name, or a consequence such as "escalated" or "deadline_missed".
    pub kind: String,
    pub data: serde_json::Value,
}

/// The engine's answer: the case after the action, and what the caller must write with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub case: CaseState,
    pub events: Vec<Event>,
    pub notices: Vec<Notice>,
}

/// Why an action was refused. The HTTP layer maps `WrongActor` to 403 (or 404 when the caller
/// may not see the case at all), `WrongState` to 409 and `Invalid` to 422.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    WrongActor(String),
    #[error("{0}")]
    WrongState(String),
    #[error("{0}")]
    Invalid(String),
}
