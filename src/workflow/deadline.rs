//! What happens when a case's clock runs out (SPEC §2, "Deadlines and timer-driven
//! escalation"). The sweeper applies this; a case whose clock has not run out is refused, so a
//! repeated or concurrent sweep changes nothing.

use serde_json::json;

use super::contract::{Recipient, Refusal, Transition};
use super::decide::{Cx, Draft, after_days};
use super::escalation::move_up;
use super::guards;
use super::types::{DeadlineKind, Status};

pub(super) fn deadline_passed(cx: &Cx) -> Result<Transition, Refusal> {
    guards::system(cx.actor)?;
    guards::status(
        cx.case,
        &[
            Status::Submitted,
            Status::AwaitingRespondent,
            Status::InMediation,
            Status::AgreementPending,
            Status::Unmediable,
            Status::Resolved,
        ],
        "no deadline runs in this status",
    )?;
    let (Some(due_at), Some(kind)) = (cx.case.deadline_at, cx.case.deadline_kind) else {
        return Err(Refusal::WrongState(
            "no deadline is running for this case".into(),
        ));
    };
    if due_at > cx.now {
        return Err(Refusal::WrongState("the deadline is not due yet".into()));
    }
    // The sweeper's event is named for what happened, not for the internal action.
    let mut d = cx.draft("deadline_missed", json!({ "kind": kind, "due_at": due_at }));
    match cx.case.status {
        Status::AgreementPending => {
            d.resume_mediation(cx.now, cx.policy);
            d.event("agreement_lapsed", json!({}));
            d.notify_handler("agreement_lapsed");
            d.notify("agreement_lapsed", Recipient::AllParties);
        }
        Status::Resolved if kind == DeadlineKind::Confirmation => close_window(&mut d, cx),
        Status::Resolved => {
            d.case.overdue = true;
            d.stop_clock();
            d.event("follow_up_overdue", json!({}));
            d.notify_handler("follow_up_due");
        }
        _ => climb(&mut d, cx, kind),
    }
    d.finish()
}

/// 矛盾不上交 stops at the county: there the case stays and the court is told instead.
fn climb(d: &mut Draft, cx: &Cx, kind: DeadlineKind) {
    let reason = format!("{} deadline passed", kind.as_str());
    if let Some(next) = cx.case.level.next() {
        // The mediator who let the clock run out did not act, so they are told.
        if let Some(user_id) = cx.case.mediator_id {
            d.notify("escalated", Recipient::Mediator { user_id });
        }
        move_up(d, cx, next, &reason);
    } else if cx.case.status == Status::AwaitingRespondent {
        // Silence at county level is a refusal in effect; the mediator decides what next.
        d.case.status = Status::Unmediable;
        d.set_clock(
            cx.in_days(cx.policy.acceptance_days(cx.case.level)),
            DeadlineKind::Acceptance,
        );
        d.event("unmediable", json!({ "reason": reason }));
        d.notify_handler("respondent_no_answer");
        d.notify_applicants("respondent_no_answer");
    } else {
        // mediation_due_at is kept: an extension or a rejected draft still counts from it.
        d.case.overdue = true;
        d.stop_clock();
        d.event("overdue", json!({ "reason": reason }));
        d.notify("overdue", Recipient::Judges);
        d.notify_handler("overdue");
    }
}

/// The window for judicial confirmation has closed; the follow-up visit falls due a while
/// after the agreement was to be carried out.
fn close_window(d: &mut Draft, cx: &Cx) {
    d.event("confirmation_window_closed", json!({}));
    if d.case.followed_up {
        d.stop_clock();
        return;
    }
    let base = cx
        .case
        .agreement
        .as_ref()
        .and_then(|a| a.performance_due)
        .or(cx.case.resolved_at)
        .unwrap_or(cx.now);
    d.set_clock(
        after_days(base, cx.policy.follow_up_days),
        DeadlineKind::FollowUp,
    );
}
