//! Moving a case up the tree (村 → 镇 → 县), by the mediator or by a missed deadline, and out of
//! mediation to the court when mediation cannot work.

use serde_json::json;

use super::contract::{Recipient, Refusal, Transition};
use super::decide::{Cx, Draft};
use super::guards;
use super::types::{DeadlineKind, Level, Status};

pub(super) fn escalate(cx: &Cx, reason: &str) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::InMediation, Status::Unmediable],
        "a case can be passed up only from mediation or when it cannot be mediated",
    )?;
    let Some(next) = cx.case.level.next() else {
        return Err(Refusal::WrongState(
            "already at county level: refer to court instead".into(),
        ));
    };
    guards::text(reason, "the reason for escalating")?;
    let reason = reason.trim();
    let mut d = cx.draft("escalate", json!({ "reason": reason }));
    move_up(&mut d, cx, next, reason);
    d.finish()
}

/// Hands the case to the committee of `next` as a fresh submission. What the parties already
/// did stays with the case: consents, sessions and the one extension.
pub(super) fn move_up(d: &mut Draft, cx: &Cx, next: Level, reason: &str) {
    let from = d.case.level;
    let committee_id = d.case.route.committee_at(next);
    d.case.level = next;
    d.case.committee_id = committee_id;
    d.case.status = Status::Submitted;
    d.case.mediator_id = None;
    d.case.agreement = None;
    d.case.mediation_due_at = None;
    d.clear_signatures();
    d.set_clock(
        cx.in_days(cx.policy.acceptance_days(next)),
        DeadlineKind::Acceptance,
    );
    d.event(
        "escalated",
        json!({ "from": from, "to": next, "reason": reason }),
    );
    d.notify("escalated", Recipient::AllParties);
    d.notify("escalated", Recipient::Committee { committee_id });
}

pub(super) fn refer_to_court(cx: &Cx, reason: &str) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::InMediation, Status::Unmediable],
        "a case can be referred to court only from mediation or when it cannot be mediated",
    )?;
    if cx.case.status == Status::InMediation && cx.case.level != Level::County {
        // 矛盾不上交: a higher committee tries first; only the county hands over to the court.
        return Err(Refusal::WrongState(
            "mediation below county level is passed up, not referred to court: escalate instead"
                .into(),
        ));
    }
    guards::text(reason, "the reason for referring to court")?;
    let mut d = cx.draft("refer_to_court", json!({ "reason": reason.trim() }));
    d.end(Status::Referred);
    d.notify("referred", Recipient::AllParties);
    d.notify("referred", Recipient::Judges);
    d.finish()
}
