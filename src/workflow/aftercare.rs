//! After the agreement is signed: judicial confirmation (司法确认), performance and the
//! follow-up visit (回访) that closes the case.

use serde_json::json;

use super::contract::{Recipient, Refusal, Transition};
use super::decide::{Cx, Draft, after_days};
use super::guards;
use super::types::{ConfirmationStatus, DeadlineKind, Performance, Status};

pub(super) fn apply_confirmation(cx: &Cx) -> Result<Transition, Refusal> {
    let party = guards::party(cx.case, cx.actor, guards::PRINCIPALS, guards::PRINCIPAL)?;
    guards::status(
        cx.case,
        &[Status::Resolved],
        "only a signed agreement can be confirmed",
    )?;
    if cx.case.confirmation.is_some() {
        return Err(Refusal::WrongState(
            "judicial confirmation has already been applied for".into(),
        ));
    }
    let window_open = cx
        .case
        .resolved_at
        .is_some_and(|at| cx.now <= after_days(at, cx.policy.confirmation_days));
    if !window_open {
        return Err(Refusal::WrongState(format!(
            "the {}-day window for judicial confirmation has closed",
            cx.policy.confirmation_days
        )));
    }
    let mut d = cx.draft("apply_confirmation", json!({ "party_id": party.id }));
    d.case.confirmation = Some(ConfirmationStatus::Requested);
    d.notify("confirmation_requested", Recipient::Judges);
    d.finish()
}

/// `confirm` (no reason) or `reject_confirmation` (with the judge's reason).
pub(super) fn decide_confirmation(
    cx: &Cx,
    rejection: Option<&String>,
) -> Result<Transition, Refusal> {
    guards::judge(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::Resolved],
        "there is no agreement to confirm",
    )?;
    if cx.case.confirmation != Some(ConfirmationStatus::Requested) {
        return Err(Refusal::WrongState(
            "no judicial confirmation is waiting for a decision".into(),
        ));
    }
    let mut d = match rejection {
        None => {
            let mut d = cx.draft("confirm", json!({}));
            d.case.confirmation = Some(ConfirmationStatus::Confirmed);
            d
        }
        Some(reason) => {
            guards::text(reason, "the reason for rejecting")?;
            let mut d = cx.draft("reject_confirmation", json!({ "reason": reason.trim() }));
            d.case.confirmation = Some(ConfirmationStatus::Rejected);
            d
        }
    };
    d.notify("confirmation_decided", Recipient::AllParties);
    if let Some(user_id) = d.case.mediator_id {
        d.notify("confirmation_decided", Recipient::Mediator { user_id });
    }
    close_if_done(&mut d);
    d.finish()
}

pub(super) fn record_performance(
    cx: &Cx,
    performed: Performance,
    note: &Option<String>,
) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::Resolved],
        "performance is recorded after the agreement",
    )?;
    let mut d = cx.draft(
        "record_performance",
        json!({ "performed": performed, "note": guards::optional_text(note) }),
    );
    // Later visits may update it (partial, then full): the history keeps every record.
    d.case.performance = Some(performed);
    close_if_done(&mut d);
    d.finish()
}

pub(super) fn record_follow_up(
    cx: &Cx,
    satisfaction: u8,
    note: &Option<String>,
) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::Resolved],
        "the follow-up visit comes after the agreement",
    )?;
    if !(1..=5).contains(&satisfaction) {
        return Err(Refusal::Invalid("satisfaction must be from 1 to 5".into()));
    }
    let mut d = cx.draft(
        "record_follow_up",
        json!({ "satisfaction": satisfaction, "note": guards::optional_text(note) }),
    );
    d.case.followed_up = true;
    // The visit has happened: its reminder clock and overdue flag have nothing left to say.
    // (In a resolved case only the follow-up visit can be overdue.)
    if d.case.deadline_kind == Some(DeadlineKind::FollowUp) {
        d.stop_clock();
    }
    d.case.overdue = false;
    close_if_done(&mut d);
    d.finish()
}

/// Closed once performance is recorded and the parties were visited; a confirmation still
/// before the judge keeps the case open so the judge can decide it.
fn close_if_done(d: &mut Draft) {
    let c = &d.case;
    if c.performance.is_some()
        && c.followed_up
        && c.confirmation != Some(ConfirmationStatus::Requested)
    {
        d.end(Status::Closed);
        d.event("closed", json!({}));
        d.notify("satisfaction_request", Recipient::AllParties);
    }
}
