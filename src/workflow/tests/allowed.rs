//! The buttons each actor sees.

use super::*;

fn allowed(c: &CaseState, actor: Actor, now: DateTime<Utc>) -> Vec<&'static str> {
    allowed_actions(c, &actor, now, &policy())
}

#[test]
fn a_new_case_offers_its_committee_accept_and_decline() {
    let c = submitted();
    assert_eq!(
        allowed(&c, vm(), day(1)),
        ["accept", "decline", "add_party"]
    );
    assert_eq!(
        allowed(&c, head(VH, VILLAGE_C), day(1)),
        ["accept", "decline", "assign", "add_party"]
    );
    assert_eq!(allowed(&c, party(APPLICANT), day(1)), ["withdraw"]);
    assert!(allowed(&c, party(RESPONDENT), day(1)).is_empty());
    assert!(allowed(&c, mediator(TM, TOWNSHIP_C), day(1)).is_empty());
    assert!(allowed(&c, judge(), day(1)).is_empty());
    assert!(
        allowed(&c, Actor::System, day(10)).is_empty(),
        "deadline_passed is not a button"
    );
}

#[test]
fn in_mediation_each_role_sees_its_own_actions() {
    let c = in_mediation();
    assert_eq!(
        allowed(&c, vm(), day(3)),
        [
            "schedule_session",
            "extend",
            "propose_agreement",
            "escalate",
            "add_party"
        ]
    );
    assert_eq!(allowed(&c, party(RESPONDENT), day(3)), ["recuse"]);
    assert_eq!(
        allowed(&c, party(APPLICANT), day(3)),
        ["recuse", "withdraw"]
    );
    assert!(allowed(&c, party(AGENT), day(3)).is_empty());
    assert!(allowed(&c, mediator(VM2, VILLAGE_C), day(3)).is_empty());
    let h = allowed(&c, head(VH, VILLAGE_C), day(3));
    assert!(h.contains(&"reassign") && !h.contains(&"assign"));
}

#[test]
fn recording_is_offered_only_when_a_session_awaits_its_record() {
    let s = Action::ScheduleSession {
        session_id: Uuid::from_u128(1),
        at: day(4),
        mode: SessionMode::InPerson,
        location: "hall".into(),
    };
    let c = ok(&in_mediation(), s, vm(), day(3)).case;
    assert!(allowed(&c, vm(), day(5)).contains(&"record_session"));
    let r = Action::RecordSession {
        session_id: Uuid::from_u128(1),
        record: "done".into(),
        attended: Vec::new(),
    };
    let c = ok(&c, r, vm(), day(5)).case;
    assert!(!allowed(&c, vm(), day(5)).contains(&"record_session"));
}

#[test]
fn signing_and_confirmation() {
    let p = pending();
    assert_eq!(
        allowed(&p, party(APPLICANT), day(11)),
        ["recuse", "sign", "reject_agreement", "withdraw"]
    );
    let r = resolved();
    assert_eq!(
        allowed(&r, party(RESPONDENT), day(13)),
        ["apply_confirmation"]
    );
    assert!(allowed(&r, party(RESPONDENT), day(43)).is_empty());
    assert!(allowed(&r, judge(), day(13)).is_empty());
    let asked = ok(&r, Action::ApplyConfirmation, party(APPLICANT), day(13)).case;
    assert_eq!(
        allowed(&asked, judge(), day(14)),
        ["confirm", "reject_confirmation"]
    );
    let other = Actor::Judge {
        user_id: OTHER_JUDGE,
        county_id: OTHER_COUNTY,
    };
    assert!(allowed(&asked, other, day(14)).is_empty());
    assert_eq!(
        allowed(&asked, vm(), day(14)),
        ["record_performance", "record_follow_up"]
    );
}

#[test]
fn nothing_is_allowed_on_a_final_case() {
    let c = ok(
        &submitted(),
        Action::Decline {
            reason: "no".into(),
        },
        vm(),
        day(1),
    )
    .case;
    for actor in [
        vm(),
        head(VH, VILLAGE_C),
        party(APPLICANT),
        party(RESPONDENT),
        judge(),
    ] {
        assert!(allowed(&c, actor, day(2)).is_empty());
    }
}

#[test]
fn whom_each_actor_may_write_to() {
    let c = in_mediation();
    assert_eq!(
        audiences(&c, &vm()),
        [
            Audience::All,
            Audience::Mediators,
            Audience::Party(APPLICANT),
            Audience::Party(RESPONDENT)
        ]
    );
    assert_eq!(
        audiences(&c, &party(RESPONDENT)),
        [Audience::All, Audience::Party(RESPONDENT)]
    );
    assert!(audiences(&c, &judge()).is_empty());
    assert!(audiences(&c, &mediator(TM, TOWNSHIP_C)).is_empty());
    // Once the file is closed nobody writes.
    let withdrawn = ok(
        &submitted(),
        Action::Withdraw { reason: None },
        party(APPLICANT),
        day(1),
    )
    .case;
    assert!(audiences(&withdrawn, &party(APPLICANT)).is_empty());
}
