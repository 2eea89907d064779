//! Judicial confirmation, performance and the follow-up visit.

use super::*;

fn other_judge() -> Actor {
    Actor::Judge {
        user_id: OTHER_JUDGE,
        county_id: OTHER_COUNTY,
    }
}

#[test]
fn parties_apply_for_confirmation_within_the_window() {
    let c = resolved();
    assert!(is_wrong_actor(&refused(
        &c,
        Action::ApplyConfirmation,
        party(AGENT),
        day(13)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        Action::ApplyConfirmation,
        vm(),
        day(13)
    )));
    let late = refused(&c, Action::ApplyConfirmation, party(APPLICANT), day(43));
    assert!(is_wrong_state(&late));
    assert!(late.to_string().contains("30-day window"));
    let t = ok(&c, Action::ApplyConfirmation, party(RESPONDENT), day(42));
    assert_eq!(t.case.confirmation, Some(ConfirmationStatus::Requested));
    assert!(notified(&t, "confirmation_requested", Recipient::Judges));
    let again = refused(
        &t.case,
        Action::ApplyConfirmation,
        party(APPLICANT),
        day(20),
    );
    assert!(is_wrong_state(&again));
    let early = refused(
        &pending(),
        Action::ApplyConfirmation,
        party(APPLICANT),
        day(11),
    );
    assert!(is_wrong_state(&early));
}

#[test]
fn a_judge_of_the_county_decides_confirmation() {
    let c = resolved();
    assert!(is_wrong_state(&refused(
        &c,
        Action::Confirm,
        judge(),
        day(14)
    )));
    let c = ok(&c, Action::ApplyConfirmation, party(APPLICANT), day(13)).case;
    assert!(is_wrong_actor(&refused(
        &c,
        Action::Confirm,
        other_judge(),
        day(14)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        Action::Confirm,
        head(CH, COUNTY_C),
        day(14)
    )));
    let blank = Action::RejectConfirmation { reason: " ".into() };
    assert!(is_invalid(&refused(&c, blank, judge(), day(14))));

    let t = ok(&c, Action::Confirm, judge(), day(14));
    assert_eq!(t.case.confirmation, Some(ConfirmationStatus::Confirmed));
    assert_eq!(t.case.status, Status::Resolved);
    assert!(notified(&t, "confirmation_decided", Recipient::AllParties));
    assert!(notified(
        &t,
        "confirmation_decided",
        Recipient::Mediator { user_id: VM }
    ));
    assert!(is_wrong_state(&refused(
        &t.case,
        Action::Confirm,
        judge(),
        day(15)
    )));

    let reject = Action::RejectConfirmation {
        reason: "terms against public order".into(),
    };
    let t = ok(&c, reject, judge(), day(14));
    assert_eq!(t.case.confirmation, Some(ConfirmationStatus::Rejected));
    assert_eq!(event_kinds(&t), ["reject_confirmation"]);
}

fn perform(p: Performance) -> Action {
    Action::RecordPerformance {
        performed: p,
        note: None,
    }
}

fn visit(satisfaction: u8) -> Action {
    Action::RecordFollowUp {
        satisfaction,
        note: Some("visited at home".into()),
    }
}

#[test]
fn performance_and_follow_up_close_the_case() {
    let c = resolved();
    for bad in [0, 6] {
        assert!(is_invalid(&refused(&c, visit(bad), vm(), day(20))));
    }
    assert!(is_wrong_actor(&refused(
        &c,
        visit(5),
        party(APPLICANT),
        day(20)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        perform(Performance::Full),
        mediator(VM2, VILLAGE_C),
        day(20)
    )));
    assert!(is_wrong_state(&refused(
        &in_mediation(),
        perform(Performance::Full),
        vm(),
        day(20)
    )));

    let t = ok(&c, perform(Performance::Partial), vm(), day(20));
    assert_eq!(t.case.status, Status::Resolved);
    let t = ok(
        &t.case,
        perform(Performance::Full),
        head(VH, VILLAGE_C),
        day(30),
    );
    assert_eq!(t.case.performance, Some(Performance::Full));
    assert_eq!(t.case.status, Status::Resolved);
    let t = ok(&t.case, visit(4), vm(), day(31));
    assert_eq!(t.case.status, Status::Closed);
    assert_eq!((t.case.deadline_at, t.case.deadline_kind), (None, None));
    assert_eq!(event_kinds(&t), ["record_follow_up", "closed"]);
    assert!(notified(&t, "satisfaction_request", Recipient::AllParties));
    assert!(is_wrong_state(&refused(
        &t.case,
        perform(Performance::Full),
        vm(),
        day(32)
    )));
}

#[test]
fn the_visit_may_come_before_the_performance_record() {
    let t = ok(&resolved(), visit(3), vm(), day(20));
    assert!(t.case.followed_up);
    assert_eq!(t.case.status, Status::Resolved);
    let t = ok(&t.case, perform(Performance::None), vm(), day(21));
    assert_eq!(t.case.status, Status::Closed);
}

#[test]
fn a_pending_confirmation_keeps_the_case_open_for_the_judge() {
    let c = ok(
        &resolved(),
        Action::ApplyConfirmation,
        party(APPLICANT),
        day(13),
    )
    .case;
    let c = ok(&c, perform(Performance::Full), vm(), day(20)).case;
    let c = ok(&c, visit(5), vm(), day(21)).case;
    assert_eq!(c.status, Status::Resolved);
    let t = ok(&c, Action::Confirm, judge(), day(22));
    assert_eq!(t.case.status, Status::Closed);
    assert_eq!(event_kinds(&t), ["confirm", "closed"]);
}
