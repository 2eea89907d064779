//! The mediation agreement (调解协议书): drafted by the mediator, signed by every disputing
//! party, or rejected by any of them.

use chrono::{DateTime, Days, Utc};
use serde_json::json;

use super::contract::{Actor, Recipient, Refusal, Transition};
use super::decide::{Cx, reason_data};
use super::guards;
use super::types::{
    Agreement, AgreementContents, CaseState, DeadlineKind, Obligation, Side, Status,
};

/// The most obligations one agreement may list (a longer list is a typing accident).
pub const MAX_OBLIGATIONS: usize = 50;

pub(super) fn propose_agreement(
    cx: &Cx,
    contents: &AgreementContents,
    performance_due: Option<DateTime<Utc>>,
) -> Result<Transition, Refusal> {
    let user_id = guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::InMediation],
        "an agreement can be drafted only during mediation",
    )?;
    let contents = checked_contents(cx, contents)?;
    if let Some(due) = performance_due {
        guards::future_date(due, cx.now, "the performance date")?;
    }
    let performance_due = performance_due.or_else(|| last_day(&contents.obligations));
    let mut d = cx.draft(
        "propose_agreement",
        json!({
            "obligations": contents.obligations.len(),
            "performance_due": performance_due,
        }),
    );
    d.case.status = Status::AgreementPending;
    d.case.agreement = Some(Agreement {
        contents,
        performance_due,
        proposed_at: cx.now,
        proposed_by: user_id,
        mediator_signed_at: None,
        mediator_signed_by: None,
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

/// The statutory contents, trimmed, or a refusal naming the first thing missing. A free-text
/// agreement alone is not one a court could confirm: facts, the disputed matters, each side's
/// responsibility and at least one obligation are required.
fn checked_contents(cx: &Cx, c: &AgreementContents) -> Result<AgreementContents, Refusal> {
    guards::text(&c.facts, "the facts of the dispute (facts)")?;
    guards::text(&c.issues, "the disputed matters (issues)")?;
    guards::text(
        &c.responsibilities,
        "each side's responsibility (responsibilities)",
    )?;
    if c.obligations.is_empty() {
        return Err(Refusal::Invalid(
            "an agreement needs at least one obligation: who does what, how and by when".into(),
        ));
    }
    if c.obligations.len() > MAX_OBLIGATIONS {
        return Err(Refusal::Invalid(format!(
            "an agreement may list at most {MAX_OBLIGATIONS} obligations"
        )));
    }
    let today = cx.now.date_naive();
    let mut obligations = Vec::with_capacity(c.obligations.len());
    for (i, o) in c.obligations.iter().enumerate() {
        let n = i + 1;
        let named = cx
            .case
            .parties
            .iter()
            .any(|p| p.id == o.party_id && p.side != Side::Agent);
        if !named {
            return Err(Refusal::Invalid(format!(
                "obligation {n} must name a party of this case (not an agent)"
            )));
        }
        guards::text(&o.what, &format!("what obligation {n} requires"))?;
        guards::text(&o.how, &format!("how obligation {n} is performed"))?;
        if o.amount_fen.is_some_and(|a| a <= 0) {
            return Err(Refusal::Invalid(format!(
                "the amount of obligation {n} must be more than zero"
            )));
        }
        let latest = today + Days::new(365 * guards::MAX_YEARS_AHEAD as u64);
        if o.due < today || o.due > latest {
            return Err(Refusal::Invalid(format!(
                "the due date of obligation {n} must be between today and {} years ahead",
                guards::MAX_YEARS_AHEAD
            )));
        }
        obligations.push(Obligation {
            party_id: o.party_id,
            what: o.what.trim().to_owned(),
            amount_fen: o.amount_fen,
            how: o.how.trim().to_owned(),
            place: guards::optional_text(&o.place).map(str::to_owned),
            due: o.due,
        });
    }
    Ok(AgreementContents {
        facts: c.facts.trim().to_owned(),
        issues: c.issues.trim().to_owned(),
        responsibilities: c.responsibilities.trim().to_owned(),
        obligations,
        terms: c.terms.trim().to_owned(),
    })
}

/// The end of the last obligation's due day, when the follow-up visit's clock starts.
fn last_day(obligations: &[Obligation]) -> Option<DateTime<Utc>> {
    end_of_day(obligations.iter().map(|o| o.due).max()?)
}

/// The end of a due day where people live (`calendar::local_zone`).
pub(super) fn end_of_day(day: chrono::NaiveDate) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let end = day.and_hms_opt(23, 59, 59)?;
    let local = crate::workflow::local_zone()
        .from_local_datetime(&end)
        .latest()?;
    Some(local.with_timezone(&Utc))
}

/// A party signs; when every party has signed, the mediator signs last and the agreement takes
/// effect (SPEC §7: "the mediator signs the agreement with the action `sign` as well").
pub(super) fn sign(cx: &Cx) -> Result<Transition, Refusal> {
    if matches!(cx.actor, Actor::Mediator { .. }) {
        return mediator_signs(cx);
    }
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
    if all_parties_signed(&d.case) {
        d.event("parties_signed", json!({}));
        d.notify_handler("parties_signed");
    }
    d.finish()
}

fn all_parties_signed(case: &CaseState) -> bool {
    case.parties
        .iter()
        .filter(|p| p.side.is_principal())
        .all(|p| p.signed_at.is_some())
}

fn mediator_signs(cx: &Cx) -> Result<Transition, Refusal> {
    let user_id = guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::AgreementPending],
        "there is no agreement to sign",
    )?;
    if !all_parties_signed(cx.case) {
        return Err(Refusal::WrongState(
            "the mediator signs last: not every party has signed yet".into(),
        ));
    }
    let mut d = cx.draft("sign", json!({ "mediator_id": user_id }));
    if let Some(a) = d.case.agreement.as_mut() {
        a.mediator_signed_at = Some(cx.now);
        a.mediator_signed_by = Some(user_id);
    }
    d.case.status = Status::Resolved;
    d.case.resolved_at = Some(cx.now);
    d.case.mediation_due_at = None;
    let window = cx.in_days(cx.policy.confirmation_days);
    d.set_clock(window, DeadlineKind::Confirmation);
    d.event("resolved", json!({ "confirmation_window_until": window }));
    d.notify("resolved", Recipient::AllParties);
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
