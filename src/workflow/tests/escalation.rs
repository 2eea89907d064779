//! Escalation by the mediator and referral to court.

use super::*;

fn escalate() -> Action {
    Action::Escalate {
        reason: "the respondent ignores the village".into(),
    }
}

fn refer() -> Action {
    Action::ReferToCourt {
        reason: "the parties cannot agree".into(),
    }
}

#[test]
fn escalation_hands_a_fresh_submission_to_the_next_committee() {
    let s = Action::ScheduleSession {
        session_id: Uuid::from_u128(1),
        at: day(4),
        mode: SessionMode::Online,
        location: "https://meet.example/1".into(),
    };
    let c = ok(&in_mediation(), s, vm(), day(3)).case;
    let c = ok(&c, Action::Extend, vm(), day(3)).case;
    let t = ok(&c, escalate(), vm(), day(5));
    let n = &t.case;
    assert_eq!(
        (n.status, n.level, n.committee_id),
        (Status::Submitted, Level::Township, TOWNSHIP_C)
    );
    assert_eq!(n.mediator_id, None);
    assert_eq!(n.deadline_at, Some(day(8)));
    assert_eq!(n.deadline_kind, Some(DeadlineKind::Acceptance));
    assert_eq!(n.mediation_due_at, None);
    assert!(n.extended, "the one extension is per case");
    assert_eq!(n.sessions, c.sessions);
    assert!(n.parties.iter().any(|p| p.id == RESPONDENT && p.consented));
    assert_eq!(event_kinds(&t), ["escalate", "escalated"]);
    assert_eq!(t.events[1].data["from"], "village");
    assert_eq!(t.events[1].data["to"], "township");
    assert!(notified(&t, "escalated", Recipient::AllParties));
    assert!(notified(
        &t,
        "escalated",
        Recipient::Committee {
            committee_id: TOWNSHIP_C
        }
    ));
    // The village no longer holds it; the township does.
    assert!(is_wrong_actor(&refused(n, Action::Accept, vm(), day(5))));
    assert!(is_wrong_actor(&refused(
        n,
        Action::Accept,
        head(VH, VILLAGE_C),
        day(5)
    )));
}

#[test]
fn consent_given_below_carries_up_and_accept_goes_straight_to_mediation() {
    let c = ok(&in_mediation(), escalate(), vm(), day(5)).case;
    let t = ok(&c, Action::Accept, mediator(TM, TOWNSHIP_C), day(6));
    assert_eq!(t.case.status, Status::InMediation);
    assert_eq!(t.case.mediator_id, Some(TM));
    assert_eq!(t.case.deadline_at, Some(day(36)));
    assert_eq!(t.case.mediation_due_at, Some(day(36)));
    assert!(!t.notices.iter().any(|n| n.kind == "respondent_invitation"));
}

#[test]
fn a_refusal_below_is_asked_again_above() {
    let c = ok(&unmediable(), escalate(), vm(), day(3)).case;
    assert_eq!(c.status, Status::Submitted);
    let t = ok(&c, Action::Accept, mediator(TM, TOWNSHIP_C), day(4));
    assert_eq!(t.case.status, Status::AwaitingRespondent);
    assert!(notified(
        &t,
        "respondent_invitation",
        Recipient::Party {
            party_id: RESPONDENT
        }
    ));
}

#[test]
fn escalation_refusals() {
    let c = in_mediation();
    assert!(is_wrong_actor(&refused(
        &c,
        escalate(),
        party(APPLICANT),
        day(5)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        escalate(),
        mediator(TM, TOWNSHIP_C),
        day(5)
    )));
    assert!(is_wrong_state(&refused(
        &awaiting(),
        escalate(),
        vm(),
        day(5)
    )));
    assert!(is_wrong_state(&refused(
        &pending(),
        escalate(),
        vm(),
        day(11)
    )));
    let blank = Action::Escalate { reason: "".into() };
    assert!(is_invalid(&refused(&c, blank, vm(), day(5))));
    let top = mediating_at(Level::County);
    let r = refused(&top, escalate(), mediator(CM, COUNTY_C), day(5));
    assert_eq!(
        r,
        Refusal::WrongState("already at county level: refer to court instead".into())
    );
    let h = head(CH, COUNTY_C);
    assert!(is_wrong_state(&refused(&top, escalate(), h, day(5))));
}

#[test]
fn referral_to_court() {
    let top = mediating_at(Level::County);
    let t = ok(&top, refer(), mediator(CM, COUNTY_C), day(6));
    assert_eq!(t.case.status, Status::Referred);
    assert_eq!(t.case.deadline_at, None);
    assert!(notified(&t, "referred", Recipient::AllParties));
    assert!(notified(&t, "referred", Recipient::Judges));

    // Below the county, mediation is passed up rather than sent to court ...
    let r = refused(&in_mediation(), refer(), vm(), day(5));
    assert!(is_wrong_state(&r));
    let r = refused(
        &mediating_at(Level::Township),
        refer(),
        mediator(TM, TOWNSHIP_C),
        day(6),
    );
    assert!(is_wrong_state(&r));
    // ... unless the respondent will not mediate at all.
    ok(&unmediable(), refer(), vm(), day(3));
    let blank = Action::ReferToCourt { reason: " ".into() };
    assert!(is_invalid(&refused(&unmediable(), blank, vm(), day(3))));
    assert!(is_wrong_actor(&refused(
        &unmediable(),
        refer(),
        judge(),
        day(3)
    )));
}

#[test]
fn the_head_of_the_next_committee_only_acts_once_the_case_arrives() {
    let c = in_mediation();
    let th = head(TH, TOWNSHIP_C);
    let a = Action::Assign {
        mediator_id: TM,
        mediator_committee_id: Some(TOWNSHIP_C),
    };
    assert!(is_wrong_actor(&refused(&c, a.clone(), th, day(5))));
    let up = ok(&c, escalate(), vm(), day(5)).case;
    let t = ok(&up, a, th, day(5));
    assert_eq!(t.case.mediator_id, Some(TM));
}
