//! Getting a case into mediation: acceptance by the committee, the respondent's answer, and the
//! applicant's right to withdraw while mediation is still open.

use serde_json::json;

use super::contract::{Recipient, Refusal, Transition};
use super::decide::{Cx, Draft, reason_data};
use super::guards;
use super::types::{DeadlineKind, Side, Status};

pub(super) fn accept(cx: &Cx) -> Result<Transition, Refusal> {
    let user_id = guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::Submitted],
        "only a newly submitted case can be accepted",
    )?;
    let mut d = cx.draft(
        "accept",
        json!({ "level": cx.case.level, "committee": cx.case.committee_id }),
    );
    if d.case.mediator_id.is_none() {
        d.case.mediator_id = Some(user_id);
    }
    d.notify("accepted", Recipient::AllParties);
    let waiting: Vec<_> = d
        .case
        .parties
        .iter()
        .filter(|p| p.side == Side::Respondent && !p.consented)
        .map(|p| p.id)
        .collect();
    if waiting.is_empty() {
        // Consent given to a lower committee still stands: asking again only delays.
        start_mediation(&mut d, cx);
    } else {
        d.case.status = Status::AwaitingRespondent;
        d.set_clock(cx.in_days(cx.policy.response_days), DeadlineKind::Response);
        for party_id in waiting {
            d.notify("respondent_invitation", Recipient::Party { party_id });
        }
    }
    d.finish()
}

pub(super) fn decline(cx: &Cx, reason: &str) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::Submitted],
        "only a newly submitted case can be declined",
    )?;
    guards::text(reason, "the reason for declining")?;
    let mut d = cx.draft("decline", json!({ "reason": reason.trim() }));
    d.end(Status::Declined);
    d.notify("declined", Recipient::AllParties);
    d.finish()
}

pub(super) fn respondent_consents(cx: &Cx) -> Result<Transition, Refusal> {
    let party = guards::party(cx.case, cx.actor, &[Side::Respondent], "a respondent")?;
    guards::status(
        cx.case,
        &[Status::AwaitingRespondent],
        "the committee is not waiting for an answer",
    )?;
    if party.consented {
        return Err(Refusal::WrongState(
            "you have already agreed to mediation".into(),
        ));
    }
    let party_id = party.id;
    let d = cx.draft("respondent_consents", json!({ "party_id": party_id }));
    consent(d, cx, party_id)
}

/// The respondent agreed to mediation face to face, by phone or on paper, and the mediator
/// records it: the same effect as consenting through the link or an account.
pub(super) fn record_consent(
    cx: &Cx,
    party_id: uuid::Uuid,
    method: super::types::ConsentMethod,
) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::AwaitingRespondent],
        "the committee is not waiting for an answer",
    )?;
    let Some(party) = cx.case.parties.iter().find(|p| p.id == party_id) else {
        return Err(Refusal::Invalid("no such party in this case".into()));
    };
    if party.side != Side::Respondent {
        return Err(Refusal::Invalid(
            "only a respondent's consent is recorded".into(),
        ));
    }
    if party.consented {
        return Err(Refusal::WrongState(
            "this respondent has already agreed to mediation".into(),
        ));
    }
    let d = cx.draft(
        "record_consent",
        json!({ "party_id": party_id, "method": method.as_str() }),
    );
    consent(d, cx, party_id)
}

fn consent(mut d: Draft, cx: &Cx, party_id: uuid::Uuid) -> Result<Transition, Refusal> {
    for p in d.case.parties.iter_mut().filter(|p| p.id == party_id) {
        p.consented = true;
    }
    let all_consented = d
        .case
        .parties
        .iter()
        .filter(|p| p.side == Side::Respondent)
        .all(|p| p.consented);
    if all_consented {
        start_mediation(&mut d, cx);
    }
    d.notify_handler("respondent_consented");
    d.finish()
}

pub(super) fn respondent_refuses(cx: &Cx, reason: &Option<String>) -> Result<Transition, Refusal> {
    let party = guards::party(cx.case, cx.actor, &[Side::Respondent], "a respondent")?;
    guards::status(
        cx.case,
        &[Status::AwaitingRespondent],
        "the committee is not waiting for an answer",
    )?;
    let party_id = party.id;
    let mut data = reason_data(guards::optional_text(reason));
    data["party_id"] = json!(party_id);
    let mut d = cx.draft("respondent_refuses", data);
    // Mediation is voluntary: a respondent may change their mind before it starts, and a
    // higher committee must ask again.
    for p in d.case.parties.iter_mut().filter(|p| p.id == party_id) {
        p.consented = false;
    }
    d.case.status = Status::Unmediable;
    d.set_clock(
        cx.in_days(cx.policy.acceptance_days(cx.case.level)),
        DeadlineKind::Acceptance,
    );
    d.notify_handler("respondent_refused");
    d.notify_applicants("respondent_refused");
    d.finish()
}

pub(super) fn withdraw(cx: &Cx, reason: &Option<String>) -> Result<Transition, Refusal> {
    guards::party(cx.case, cx.actor, &[Side::Applicant], "an applicant")?;
    guards::status(
        cx.case,
        &OPEN,
        "a case can be withdrawn only until an agreement has been signed",
    )?;
    let mut d = cx.draft("withdraw", reason_data(guards::optional_text(reason)));
    d.end(Status::Withdrawn);
    d.notify("withdrawn", Recipient::AllParties);
    if let Some(user_id) = d.case.mediator_id {
        d.notify("withdrawn", Recipient::Mediator { user_id });
    }
    d.finish()
}

/// The open statuses (`Status::is_open`), as a list for `guards::status`.
const OPEN: [Status; 5] = [
    Status::Submitted,
    Status::AwaitingRespondent,
    Status::InMediation,
    Status::AgreementPending,
    Status::Unmediable,
];

/// Mediation starts with a full period at the current level.
pub(super) fn start_mediation(d: &mut Draft, cx: &Cx) {
    let due = cx.in_days(cx.policy.mediation_days);
    d.case.status = Status::InMediation;
    d.case.mediation_due_at = Some(due);
    d.set_clock(due, DeadlineKind::Mediation);
    d.event("mediation_started", json!({ "due_at": due }));
}
