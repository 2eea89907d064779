//! The entry point of the engine for an existing case, and the draft every action builds.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::contract::{Action, Actor, Event, Notice, Policy, Recipient, Refusal, Transition};
use super::types::{CaseState, DeadlineKind, Side, Status};
use super::{aftercare, agreement, deadline, escalation, intake, mediation};

/// What `action` by `actor` at `now` does to `case`: the case after it and the effects to
/// persist with it, or why it is refused. Pure: the same inputs always give the same answer.
pub fn decide(
    case: &CaseState,
    action: &Action,
    actor: &Actor,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<Transition, Refusal> {
    let cx = Cx {
        case,
        actor,
        now,
        policy,
    };
    let mut transition = dispatch(&cx, action)?;
    mark_clock_met(case, actor, now, &mut transition);
    Ok(transition)
}

/// A person's action that closes a clocked step before its clock ran out says so in its history
/// entry (`clock_met`), so the deadline compliance of SPEC §6.1 can be counted from the history.
/// An extension keeps the step open and the confirmation window is no one's step: neither counts.
fn mark_clock_met(old: &CaseState, actor: &Actor, now: DateTime<Utc>, t: &mut Transition) {
    let (Some(due_at), Some(kind)) = (old.deadline_at, old.deadline_kind) else {
        return;
    };
    let closed = t.case.deadline_kind != Some(kind);
    if matches!(actor, Actor::System) || kind == DeadlineKind::Confirmation || !closed {
        return;
    }
    if now <= due_at
        && let Some(Value::Object(data)) = t.events.first_mut().map(|e| &mut e.data)
    {
        data.insert("clock_met".into(), json!(kind));
    }
}

fn dispatch(cx: &Cx, action: &Action) -> Result<Transition, Refusal> {
    match action {
        Action::Accept => intake::accept(cx),
        Action::Decline { reason } => intake::decline(cx, reason),
        Action::RespondentConsents => intake::respondent_consents(cx),
        Action::RespondentRefuses { reason } => intake::respondent_refuses(cx, reason),
        Action::Withdraw { reason } => intake::withdraw(cx, reason),
        Action::Assign {
            mediator_id,
            mediator_committee_id,
        } => mediation::assign(cx, *mediator_id, *mediator_committee_id, false),
        Action::Reassign {
            mediator_id,
            mediator_committee_id,
        } => mediation::assign(cx, *mediator_id, *mediator_committee_id, true),
        Action::Recuse { reason } => mediation::recuse(cx, reason),
        Action::ScheduleSession {
            session_id,
            at,
            mode,
            location,
        } => mediation::schedule_session(cx, *session_id, *at, *mode, location),
        Action::RecordSession {
            session_id,
            record,
            attended,
        } => mediation::record_session(cx, *session_id, record, attended),
        Action::Extend => mediation::extend(cx),
        Action::ProposeAgreement {
            contents,
            performance_due,
        } => agreement::propose_agreement(cx, contents, *performance_due),
        Action::Sign => agreement::sign(cx),
        Action::RejectAgreement { reason } => agreement::reject_agreement(cx, reason),
        Action::Escalate { reason } => escalation::escalate(cx, reason),
        Action::ReferToCourt { reason } => escalation::refer_to_court(cx, reason),
        Action::ApplyConfirmation => aftercare::apply_confirmation(cx),
        Action::Confirm => aftercare::decide_confirmation(cx, None),
        Action::RejectConfirmation { reason } => aftercare::decide_confirmation(cx, Some(reason)),
        Action::RecordPerformance { performed, note } => {
            aftercare::record_performance(cx, *performed, note)
        }
        Action::RecordFollowUp { satisfaction, note } => {
            aftercare::record_follow_up(cx, *satisfaction, note)
        }
        Action::DeadlinePassed => deadline::deadline_passed(cx),
        Action::RecordConsent { party_id, method } => {
            intake::record_consent(cx, *party_id, *method)
        }
        Action::AddParty {
            party_id,
            side,
            user_id,
        } => mediation::add_party(cx, *party_id, *side, *user_id),
    }
}

/// The inputs of one decision, passed together to the module that handles the action.
pub(super) struct Cx<'a> {
    pub case: &'a CaseState,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
    pub policy: &'a Policy,
}

impl Cx<'_> {
    /// `days` after now. Saturates instead of panicking: a county may mistype its policy, and
    /// a case must still move rather than crash the sweeper.
    pub fn in_days(&self, days: i32) -> DateTime<Utc> {
        after_days(self.now, days)
    }

    pub fn draft(&self, action: &str, data: Value) -> Draft {
        Draft::new(self.case, action, data)
    }
}

pub(super) fn after_days(t: DateTime<Utc>, days: i32) -> DateTime<Utc> {
    TimeDelta::try_days(i64::from(days))
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(if days < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

/// The case being changed by one action, with the history and the notices it produces.
pub(super) struct Draft {
    pub case: CaseState,
    events: Vec<Event>,
    notices: Vec<Notice>,
}

impl Draft {
    /// Starts a transition: the version moves on and the action opens the history entry.
    pub fn new(old: &CaseState, action: &str, data: Value) -> Draft {
        let mut case = old.clone();
        case.version += 1;
        let mut draft = Draft {
            case,
            events: Vec::new(),
            notices: Vec::new(),
        };
        draft.event(action, data);
        draft
    }

    pub fn event(&mut self, kind: &str, data: Value) {
        self.events.push(Event {
            kind: kind.to_owned(),
            data,
        });
    }

    pub fn notify(&mut self, kind: &'static str, to: Recipient) {
        let notice = Notice { kind, to };
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }

    /// The mediator in charge, or the whole committee while nobody is.
    pub fn notify_handler(&mut self, kind: &'static str) {
        let to = match self.case.mediator_id {
            Some(user_id) => Recipient::Mediator { user_id },
            None => Recipient::Committee {
                committee_id: self.case.committee_id,
            },
        };
        self.notify(kind, to);
    }

    pub fn notify_applicants(&mut self, kind: &'static str) {
        let applicants: Vec<_> = self
            .case
            .parties
            .iter()
            .filter(|p| p.side == Side::Applicant)
            .map(|p| p.id)
            .collect();
        for party_id in applicants {
            self.notify(kind, Recipient::Party { party_id });
        }
    }

    /// A new clock supersedes any overdue flag: the case has a live deadline again.
    pub fn set_clock(&mut self, at: DateTime<Utc>, kind: DeadlineKind) {
        self.case.deadline_at = Some(at);
        self.case.deadline_kind = Some(kind);
        self.case.overdue = false;
    }

    pub fn stop_clock(&mut self) {
        self.case.deadline_at = None;
        self.case.deadline_kind = None;
    }

    /// Back to mediation on the clock that was running before the draft was proposed.
    pub fn resume_mediation(&mut self, now: DateTime<Utc>, policy: &Policy) {
        self.case.status = Status::InMediation;
        self.case.agreement = None;
        self.clear_signatures();
        // Only a case built by hand can lack the kept clock; give it a full period then.
        let due = self
            .case
            .mediation_due_at
            .unwrap_or_else(|| after_days(now, policy.mediation_days));
        self.case.mediation_due_at = Some(due);
        self.set_clock(due, DeadlineKind::Mediation);
    }

    pub fn clear_signatures(&mut self) {
        for party in &mut self.case.parties {
            party.signed_at = None;
        }
    }

    /// A final status: no clock runs any more.
    pub fn end(&mut self, status: Status) {
        self.case.status = status;
        self.stop_clock();
        self.case.mediation_due_at = None;
    }

    pub fn finish(self) -> Result<Transition, Refusal> {
        Ok(Transition {
            case: self.case,
            events: self.events,
            notices: self.notices,
        })
    }
}

/// `{"reason": ...}` when a reason was given, `{}` otherwise.
pub(super) fn reason_data(reason: Option<&str>) -> Value {
    match reason {
        Some(reason) => json!({ "reason": reason }),
        None => json!({}),
    }
}

/// Every `Notice::kind` the engine emits, so the notification layer can check that each one
/// has a template in both languages.
pub const NOTICE_KINDS: &[&str] = &[
    "filing_receipt",
    "new_case",
    "accepted",
    "respondent_invitation",
    "declined",
    "respondent_consented",
    "respondent_refused",
    "respondent_no_answer",
    "mediator_assigned",
    "recusal_requested",
    "session_scheduled",
    "extended",
    "agreement_ready",
    "agreement_rejected",
    "agreement_lapsed",
    "parties_signed",
    "resolved",
    "escalated",
    "referred",
    "withdrawn",
    "overdue",
    "confirmation_requested",
    "confirmation_decided",
    "follow_up_due",
    "satisfaction_request",
    "party_added",
];
