//! Which actions an actor may take now, for showing only the buttons that work. Derived by
//! asking `decide` itself, so the rules live in one place only.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::contract::{Action, Actor, Policy, Refusal};
use super::decide::{after_days, decide};
use super::types::{CaseState, ConsentMethod, Performance, SessionMode, Side};

/// Names of the actions (SPEC §7 spelling) `actor` may take on `case` at `now`, in the order
/// of the SPEC's table. A refusal only for the parameters still counts: the actor may act, the
/// form just has to be filled in correctly.
pub fn allowed_actions(
    case: &CaseState,
    actor: &Actor,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Vec<&'static str> {
    representative_actions(case, actor, now)
        .into_iter()
        .filter(|action| match decide(case, action, actor, now, policy) {
            Ok(_) | Err(Refusal::Invalid(_)) => true,
            Err(Refusal::WrongActor(_) | Refusal::WrongState(_)) => false,
        })
        .map(|action| action.name())
        .collect()
}

/// One plausible instance of every action a person can take (not `deadline_passed`).
fn representative_actions(case: &CaseState, actor: &Actor, now: DateTime<Utc>) -> Vec<Action> {
    let text = || "-".to_owned();
    let later = after_days(now, 1);
    // The head would pick a mediator of this committee; the actor's own id stands in for one.
    let candidate = actor.user_id().unwrap_or(Uuid::nil());
    let committee = Some(case.committee_id);
    let mut actions = vec![
        Action::Accept,
        Action::Decline { reason: text() },
        Action::RespondentConsents,
        Action::RespondentRefuses { reason: None },
        Action::Assign {
            mediator_id: candidate,
            mediator_committee_id: committee,
        },
        Action::Reassign {
            mediator_id: candidate,
            mediator_committee_id: committee,
        },
        Action::Recuse { reason: None },
        Action::ScheduleSession {
            session_id: Uuid::nil(),
            at: later,
            mode: SessionMode::Online,
            location: text(),
        },
    ];
    // Without a session to write up there is nothing to record, whatever the form says.
    let unrecorded = case.sessions.iter().find(|s| s.record.is_none());
    if let Some(session) = unrecorded.or(case.sessions.first()) {
        actions.push(Action::RecordSession {
            session_id: session.id,
            record: text(),
            attended: Vec::new(),
        });
    }
    actions.extend([
        Action::Extend,
        Action::ProposeAgreement {
            contents: Default::default(),
            performance_due: None,
        },
        Action::Sign,
        Action::RejectAgreement { reason: None },
        Action::Escalate { reason: text() },
        Action::ReferToCourt { reason: text() },
        Action::Withdraw { reason: None },
        Action::ApplyConfirmation,
        Action::Confirm,
        Action::RejectConfirmation { reason: text() },
        Action::RecordPerformance {
            performed: Performance::Full,
            note: None,
        },
        Action::RecordFollowUp {
            satisfaction: 5,
            note: None,
        },
        Action::AddParty {
            party_id: Uuid::nil(),
            side: Side::Agent,
            user_id: None,
        },
    ]);
    // Recording consent is offered for a respondent who has not yet agreed.
    if let Some(waiting) = case
        .parties
        .iter()
        .find(|p| p.side == Side::Respondent && !p.consented)
    {
        actions.push(Action::RecordConsent {
            party_id: waiting.id,
            method: ConsentMethod::InPerson,
        });
    }
    actions
}
