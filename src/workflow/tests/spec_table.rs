//! SPEC §2 as data, for the property tests: who may take each action, and which statuses it
//! may lead to from which.

use super::*;
use Status::*;

/// SPEC §2 as data: which status each action may lead to from which status.
pub const LEGAL: &[(&str, &[(Status, Status)])] = &[
    (
        "accept",
        &[(Submitted, AwaitingRespondent), (Submitted, InMediation)],
    ),
    ("decline", &[(Submitted, Declined)]),
    (
        "respondent_consents",
        &[
            (AwaitingRespondent, AwaitingRespondent),
            (AwaitingRespondent, InMediation),
        ],
    ),
    ("respondent_refuses", &[(AwaitingRespondent, Unmediable)]),
    ("assign", SAME_ASSIGNABLE),
    ("reassign", SAME_ASSIGNABLE),
    (
        "recuse",
        &[
            (AwaitingRespondent, AwaitingRespondent),
            (InMediation, InMediation),
            (AgreementPending, AgreementPending),
        ],
    ),
    ("schedule_session", &[(InMediation, InMediation)]),
    (
        "record_session",
        &[
            (InMediation, InMediation),
            (AgreementPending, AgreementPending),
        ],
    ),
    ("extend", &[(InMediation, InMediation)]),
    ("propose_agreement", &[(InMediation, AgreementPending)]),
    (
        "sign",
        &[
            (AgreementPending, AgreementPending),
            (AgreementPending, Resolved),
        ],
    ),
    ("reject_agreement", &[(AgreementPending, InMediation)]),
    (
        "escalate",
        &[(InMediation, Submitted), (Unmediable, Submitted)],
    ),
    (
        "refer_to_court",
        &[(InMediation, Referred), (Unmediable, Referred)],
    ),
    (
        "withdraw",
        &[
            (Submitted, Withdrawn),
            (AwaitingRespondent, Withdrawn),
            (InMediation, Withdrawn),
            (AgreementPending, Withdrawn),
            (Unmediable, Withdrawn),
        ],
    ),
    ("apply_confirmation", &[(Resolved, Resolved)]),
    ("confirm", &[(Resolved, Resolved), (Resolved, Closed)]),
    (
        "reject_confirmation",
        &[(Resolved, Resolved), (Resolved, Closed)],
    ),
    (
        "record_performance",
        &[(Resolved, Resolved), (Resolved, Closed)],
    ),
    (
        "record_follow_up",
        &[(Resolved, Resolved), (Resolved, Closed)],
    ),
    (
        "record_consent",
        &[
            (AwaitingRespondent, AwaitingRespondent),
            (AwaitingRespondent, InMediation),
        ],
    ),
    (
        "add_party",
        &[
            (Submitted, Submitted),
            (AwaitingRespondent, AwaitingRespondent),
            (InMediation, InMediation),
            (AgreementPending, AgreementPending),
            (Unmediable, Unmediable),
        ],
    ),
    (
        "deadline_passed",
        &[
            (Submitted, Submitted),
            (AwaitingRespondent, Submitted),
            (AwaitingRespondent, Unmediable),
            (InMediation, Submitted),
            (InMediation, InMediation),
            (Unmediable, Submitted),
            (Unmediable, Unmediable),
            (AgreementPending, InMediation),
            (Resolved, Resolved),
        ],
    ),
];

const SAME_ASSIGNABLE: &[(Status, Status)] = &[
    (Submitted, Submitted),
    (AwaitingRespondent, AwaitingRespondent),
    (InMediation, InMediation),
    (AgreementPending, AgreementPending),
    (Unmediable, Unmediable),
    (Resolved, Resolved),
];

pub const PARTY_ACTIONS: &[&str] = &[
    "respondent_consents",
    "respondent_refuses",
    "recuse",
    "sign",
    "reject_agreement",
    "withdraw",
    "apply_confirmation",
];
pub const JUDGE_ACTIONS: &[&str] = &["confirm", "reject_confirmation"];

pub const NAMES: [&str; 24] = [
    "accept",
    "decline",
    "respondent_consents",
    "respondent_refuses",
    "assign",
    "reassign",
    "recuse",
    "schedule_session",
    "record_session",
    "extend",
    "propose_agreement",
    "sign",
    "reject_agreement",
    "escalate",
    "refer_to_court",
    "withdraw",
    "apply_confirmation",
    "confirm",
    "reject_confirmation",
    "record_performance",
    "record_follow_up",
    "record_consent",
    "add_party",
    "deadline_passed",
];

/// Actors who may never take `action` on `case`, whatever its state.
pub fn wrong_actor_expected(case: &CaseState, action: &Action, actor: &Actor) -> bool {
    let name = action.name();
    match *actor {
        Actor::System => name != "deadline_passed",
        _ if name == "deadline_passed" => true,
        Actor::Judge { county_id, .. } => {
            county_id != case.county_id || !JUDGE_ACTIONS.contains(&name)
        }
        // The mediator signs the agreement too, last (SPEC §7 *Documents*).
        Actor::Mediator { committee_id, .. } => {
            committee_id != case.committee_id
                || (PARTY_ACTIONS.contains(&name) && name != "sign")
                || JUDGE_ACTIONS.contains(&name)
        }
        Actor::Party { party_id, .. } => {
            !case.parties.iter().any(|p| p.id == party_id) || !PARTY_ACTIONS.contains(&name)
        }
    }
}
