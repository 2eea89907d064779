//! The mediation agreement (调解协议书): drafted by the mediator, signed by every disputing
//! party, or rejected by any of them.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::contract::{Recipient, Refusal, Transition};
use super::decide::{Cx, reason_data};
use super::guards;
use super::types::{Agreement, DeadlineKind, Status};

pub(super) fn propose_agreement(
    cx: &Cx,
    terms: &str,
    performance_due: Option<DateTime<Utc>>,
) -> Result<Transition, Refusal> {
    let user_id = guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::InMediation],
        "an agreement can be drafted only during mediation",
    )?;
    guards::text(terms, "the terms of the agreement")?;
    if let Some(due) = performance_due {
        guards::future_date(due, cx.now, "the performance date")?;
    }
    let terms = terms.trim().to_owned();
    let mut d = cx.draft(
        "propose_agreement",
        json!({ "terms": terms, "performance_due": performance_due }),
    );
    d.case.status = Status::AgreementPending;
    d.case.agreement = Some(Agreement {
        terms,
        performance_due,
        proposed_at: cx.now,
        proposed_by: user_id,
    });
    d.clear_signatures();
    // mediation_due_at is kept so a lapsed or rejected draft resumes the same clock.
    d.set_clock(
        cx.in_days(cx.policy.signature_days),
        DeadlineKind::Signature,
    );
    d.notify("agreement_ready", Recipient::AllParties);
    d.finish()
}

pub(super) fn sign(cx: &Cx) -> Result<Transition, Refusal> {
    let party = guards::party(cx.case, cx.actor, guards::PRINCIPALS, guards::PRINCIPAL)?;
    guards::status(
        cx.case,
        &[Status::AgreementPending],
        "there is no agreement to sign",
    )?;
    if party.signed_at.is_some() {
        return Err(Refusal::WrongState(
            "you have already signed this agreement".into(),
        ));
    }
    let party_id = party.id;
    let mut d = cx.draft("sign", json!({ "party_id": party_id }));
    for p in d.case.parties.iter_mut().filter(|p| p.id == party_id) {
        p.signed_at = Some(cx.now);
    }
    let all_signed = d
        .case
        .parties
        .iter()
        .filter(|p| p.side.is_principal())
        .all(|p| p.signed_at.is_some());
    if all_signed {
        d.case.status = Status::Resolved;
        d.case.resolved_at = Some(cx.now);
        d.case.mediation_due_at = None;
        let window = cx.in_days(cx.policy.confirmation_days);
        d.set_clock(window, DeadlineKind::Confirmation);
        d.event("resolved", json!({ "confirmation_window_until": window }));
        d.notify("resolved", Recipient::AllParties);
        if let Some(user_id) = d.case.mediator_id {
            d.notify("resolved", Recipient::Mediator { user_id });
        }
    }
    d.finish()
}

pub(super) fn reject_agreement(cx: &Cx, reason: &Option<String>) -> Result<Transition, Refusal> {
    let party = guards::party(cx.case, cx.actor, guards::PRINCIPALS, guards::PRINCIPAL)?;
    guards::status(
        cx.case,
        &[Status::AgreementPending],
        "there is no agreement to reject",
    )?;
    let mut data = reason_data(guards::optional_text(reason));
    data["party_id"] = json!(party.id);
    let mut d = cx.draft("reject_agreement", data);
    d.resume_mediation(cx.now, cx.policy);
    d.notify_handler("agreement_rejected");
    d.finish()
}
