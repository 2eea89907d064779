//! What each clock does when it runs out, below and at the county.

use super::*;

fn sweep(c: &CaseState, now: DateTime<Utc>) -> Transition {
    ok(c, Action::DeadlinePassed, Actor::System, now)
}

fn due(c: &CaseState) -> DateTime<Utc> {
    match c.deadline_at {
        Some(at) => at,
        None => panic!("no clock on {:?}", c.status),
    }
}

#[test]
fn only_the_sweeper_and_only_when_due() {
    let c = submitted();
    assert!(is_wrong_actor(&refused(
        &c,
        Action::DeadlinePassed,
        vm(),
        day(10)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        Action::DeadlinePassed,
        judge(),
        day(10)
    )));
    let early = refused(
        &c,
        Action::DeadlinePassed,
        Actor::System,
        day(3) - TimeDelta::seconds(1),
    );
    assert_eq!(
        early,
        Refusal::WrongState("the deadline is not due yet".into())
    );
    // Exactly at the deadline counts as passed.
    sweep(&c, day(3));
}

#[test]
fn acceptance_clock_escalates_then_flags_overdue_at_county() {
    let t = sweep(&submitted(), day(3));
    assert_eq!(
        (t.case.status, t.case.level),
        (Status::Submitted, Level::Township)
    );
    assert_eq!(event_kinds(&t), ["deadline_missed", "escalated"]);
    assert_eq!(t.events[0].data["kind"], "acceptance");
    assert_eq!(t.case.deadline_at, Some(day(6)));
    assert!(notified(
        &t,
        "escalated",
        Recipient::Committee {
            committee_id: TOWNSHIP_C
        }
    ));

    let t = sweep(&t.case, day(6));
    assert_eq!(
        (t.case.level, t.case.committee_id),
        (Level::County, COUNTY_C)
    );
    assert_eq!(t.case.deadline_at, Some(day(11)), "the county has 5 days");

    let t = sweep(&t.case, day(11));
    assert_eq!(
        (t.case.status, t.case.level),
        (Status::Submitted, Level::County)
    );
    assert!(t.case.overdue);
    assert_eq!((t.case.deadline_at, t.case.deadline_kind), (None, None));
    assert!(notified(&t, "overdue", Recipient::Judges));
    assert!(event_kinds(&t).contains(&"overdue"));
    // The sweep is idempotent: nothing more is due.
    assert!(is_wrong_state(&refused(
        &t.case,
        Action::DeadlinePassed,
        Actor::System,
        day(30)
    )));
    // Accepting late gives the case a live clock again.
    let a = ok(&t.case, Action::Accept, mediator(CM, COUNTY_C), day(12));
    assert!(!a.case.overdue);
    assert_eq!(a.case.status, Status::AwaitingRespondent);
}

#[test]
fn response_clock_escalates_then_makes_the_case_unmediable_at_county() {
    let t = sweep(&awaiting(), day(8));
    assert_eq!(
        (t.case.status, t.case.level),
        (Status::Submitted, Level::Township)
    );
    assert_eq!(t.case.mediator_id, None);
    assert!(notified(
        &t,
        "escalated",
        Recipient::Mediator { user_id: VM }
    ));
    assert_eq!(t.events[1].data["reason"], "response deadline passed");

    let c = ok(&t.case, Action::Accept, mediator(TM, TOWNSHIP_C), day(9)).case;
    let c = sweep(&c, due(&c)).case;
    let c = ok(&c, Action::Accept, mediator(CM, COUNTY_C), day(20)).case;
    assert_eq!(c.status, Status::AwaitingRespondent);
    let t = sweep(&c, due(&c));
    assert_eq!(
        (t.case.status, t.case.level),
        (Status::Unmediable, Level::County)
    );
    assert_eq!(t.case.deadline_at, Some(due(&c) + TimeDelta::days(5)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Acceptance));
    assert!(notified(
        &t,
        "respondent_no_answer",
        Recipient::Mediator { user_id: CM }
    ));
    assert!(notified(
        &t,
        "respondent_no_answer",
        Recipient::Party {
            party_id: APPLICANT
        }
    ));
}

#[test]
fn mediation_clock_escalates_then_flags_overdue_at_county() {
    let t = sweep(&in_mediation(), day(32));
    assert_eq!(
        (t.case.status, t.case.level),
        (Status::Submitted, Level::Township)
    );
    assert_eq!(t.case.mediation_due_at, None);

    let top = mediating_at(Level::County);
    let due_at = due(&top);
    let t = sweep(&top, due_at);
    assert_eq!(
        (t.case.status, t.case.level),
        (Status::InMediation, Level::County)
    );
    assert!(t.case.overdue);
    assert_eq!(t.case.deadline_at, None);
    assert_eq!(t.case.mediation_due_at, Some(due_at));
    assert!(notified(&t, "overdue", Recipient::Judges));
    // The county may still use the one extension; the case then has a live clock again.
    let e = ok(&t.case, Action::Extend, mediator(CM, COUNTY_C), due_at);
    assert!(!e.case.overdue);
    assert_eq!(e.case.deadline_at, Some(due_at + TimeDelta::days(30)));
    // Or refer the parties to court.
    let refer = Action::ReferToCourt {
        reason: "no agreement".into(),
    };
    ok(&t.case, refer, mediator(CM, COUNTY_C), due_at);
}

#[test]
fn decision_clock_on_an_unmediable_case() {
    let t = sweep(&unmediable(), day(5));
    assert_eq!(
        (t.case.status, t.case.level),
        (Status::Submitted, Level::Township)
    );
    let c = ok(&t.case, Action::Accept, mediator(TM, TOWNSHIP_C), day(6)).case;
    let refuse = Action::RespondentRefuses { reason: None };
    let c = ok(&c, refuse.clone(), party(RESPONDENT), day(7)).case;
    let c = sweep(&c, due(&c)).case;
    let c = ok(&c, Action::Accept, mediator(CM, COUNTY_C), day(12)).case;
    let c = ok(&c, refuse, party(RESPONDENT), day(13)).case;
    assert_eq!((c.status, c.level), (Status::Unmediable, Level::County));
    let t = sweep(&c, due(&c));
    assert_eq!(t.case.status, Status::Unmediable);
    assert!(t.case.overdue);
    assert!(notified(&t, "overdue", Recipient::Judges));
}

#[test]
fn an_unsigned_draft_lapses_back_to_mediation() {
    let p = ok(&pending(), Action::Sign, party(APPLICANT), day(11)).case;
    let t = sweep(&p, day(17));
    assert_eq!(t.case.status, Status::InMediation);
    assert_eq!(t.case.agreement, None);
    assert!(t.case.parties.iter().all(|x| x.signed_at.is_none()));
    assert_eq!(t.case.deadline_at, Some(day(32)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Mediation));
    assert!(notified(
        &t,
        "agreement_lapsed",
        Recipient::Mediator { user_id: VM }
    ));
    assert!(notified(&t, "agreement_lapsed", Recipient::AllParties));
    assert_eq!(event_kinds(&t), ["deadline_missed", "agreement_lapsed"]);
}

#[test]
fn the_confirmation_window_closes_and_the_follow_up_falls_due() {
    let r = resolved();
    let t = sweep(&r, day(42));
    assert_eq!(t.case.status, Status::Resolved);
    // Performance was due on day 40: the visit is due 15 days later.
    assert_eq!(t.case.deadline_at, Some(day(55)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::FollowUp));
    let late = refused(
        &t.case,
        Action::ApplyConfirmation,
        party(APPLICANT),
        day(43),
    );
    assert!(is_wrong_state(&late));

    let t = sweep(&t.case, day(55));
    assert!(t.case.overdue);
    assert_eq!(t.case.deadline_at, None);
    assert!(notified(
        &t,
        "follow_up_due",
        Recipient::Mediator { user_id: VM }
    ));
    let v = Action::RecordFollowUp {
        satisfaction: 4,
        note: None,
    };
    let t = ok(&t.case, v, vm(), day(56));
    assert!(!t.case.overdue);
}

#[test]
fn without_a_performance_date_the_visit_counts_from_resolution() {
    let mut c = ok(&in_mediation(), propose(None), vm(), day(10)).case;
    // A draft from before obligations were recorded has no performance date.
    if let Some(a) = c.agreement.as_mut() {
        a.performance_due = None;
    }
    let c = ok(&c, Action::Sign, party(APPLICANT), day(11)).case;
    let c = ok(&c, Action::Sign, party(RESPONDENT), day(11)).case;
    let c = ok(&c, Action::Sign, vm(), day(11)).case;
    let t = sweep(&c, day(41));
    assert_eq!(t.case.deadline_at, Some(day(26)));
    // Already past, so the next sweep flags it at once.
    assert!(sweep(&t.case, day(41)).case.overdue);
}
