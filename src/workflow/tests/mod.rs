//! Tests of the engine. A fixed small world: one county, one village's route up to the county,
//! a neighbouring village, two applicants' worth of ids, staff at every level, two judges.

mod aftercare;
mod allowed;
mod deadlines;
mod escalation;
mod intake;
mod mediation;
mod next_step;
mod props;
mod random;
mod spec_table;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use super::*;

pub const COUNTY: Uuid = Uuid::from_u128(1);
pub const OTHER_COUNTY: Uuid = Uuid::from_u128(2);
pub const VILLAGE_C: Uuid = Uuid::from_u128(10);
pub const TOWNSHIP_C: Uuid = Uuid::from_u128(11);
pub const COUNTY_C: Uuid = Uuid::from_u128(12);
pub const OTHER_VILLAGE_C: Uuid = Uuid::from_u128(13);
pub const CASE: Uuid = Uuid::from_u128(50);

pub const APPLICANT: Uuid = Uuid::from_u128(100);
pub const RESPONDENT: Uuid = Uuid::from_u128(101);
pub const RESPONDENT2: Uuid = Uuid::from_u128(102);
pub const AGENT: Uuid = Uuid::from_u128(103);
pub const APPLICANT_USER: Uuid = Uuid::from_u128(200);
pub const RESPONDENT_USER: Uuid = Uuid::from_u128(201);

pub const VM: Uuid = Uuid::from_u128(300);
pub const VM2: Uuid = Uuid::from_u128(301);
pub const VH: Uuid = Uuid::from_u128(302);
pub const TM: Uuid = Uuid::from_u128(310);
pub const TH: Uuid = Uuid::from_u128(312);
pub const CM: Uuid = Uuid::from_u128(320);
pub const CH: Uuid = Uuid::from_u128(322);
pub const OM: Uuid = Uuid::from_u128(330);
pub const JUDGE: Uuid = Uuid::from_u128(400);
pub const OTHER_JUDGE: Uuid = Uuid::from_u128(401);

pub fn route() -> Route {
    Route {
        village: VILLAGE_C,
        township: TOWNSHIP_C,
        county: COUNTY_C,
    }
}

/// Monday 5 Jan 2026, 10:00 in China.
pub fn t0() -> DateTime<Utc> {
    match Utc.with_ymd_and_hms(2026, 1, 5, 2, 0, 0) {
        chrono::LocalResult::Single(t) => t,
        _ => panic!("fixed date"),
    }
}

pub fn day(n: i64) -> DateTime<Utc> {
    t0() + TimeDelta::days(n)
}

pub fn policy() -> Policy {
    Policy::default()
}

pub fn party(party_id: Uuid) -> Actor {
    Actor::Party {
        user_id: None,
        party_id,
    }
}

pub fn mediator(user_id: Uuid, committee_id: Uuid) -> Actor {
    Actor::Mediator {
        user_id,
        committee_id,
        is_head: false,
    }
}

pub fn head(user_id: Uuid, committee_id: Uuid) -> Actor {
    Actor::Mediator {
        user_id,
        committee_id,
        is_head: true,
    }
}

pub fn judge() -> Actor {
    Actor::Judge {
        user_id: JUDGE,
        county_id: COUNTY,
    }
}

pub fn vm() -> Actor {
    mediator(VM, VILLAGE_C)
}

pub fn filing(parties: Vec<(Uuid, Side, Option<Uuid>)>) -> Filing {
    Filing {
        case_id: CASE,
        county_id: COUNTY,
        route: route(),
        parties,
        filed_by: None,
    }
}

pub fn standard_parties() -> Vec<(Uuid, Side, Option<Uuid>)> {
    vec![
        (APPLICANT, Side::Applicant, Some(APPLICANT_USER)),
        (RESPONDENT, Side::Respondent, Some(RESPONDENT_USER)),
        (AGENT, Side::Agent, None),
    ]
}

pub fn ok(case: &CaseState, action: Action, actor: Actor, now: DateTime<Utc>) -> Transition {
    match decide(case, &action, &actor, now, &policy()) {
        Ok(t) => {
            assert_eq!(t.case.version, case.version + 1);
            assert!(!t.events.is_empty());
            t
        }
        Err(e) => panic!("{} by {actor:?} refused: {e:?}", action.name()),
    }
}

pub fn refused(case: &CaseState, action: Action, actor: Actor, now: DateTime<Utc>) -> Refusal {
    match decide(case, &action, &actor, now, &policy()) {
        Ok(t) => panic!(
            "{} by {actor:?} was accepted: {:?}",
            action.name(),
            t.case.status
        ),
        Err(e) => e,
    }
}

pub fn is_wrong_actor(r: &Refusal) -> bool {
    matches!(r, Refusal::WrongActor(_))
}

pub fn is_wrong_state(r: &Refusal) -> bool {
    matches!(r, Refusal::WrongState(_))
}

pub fn is_invalid(r: &Refusal) -> bool {
    matches!(r, Refusal::Invalid(_))
}

pub fn notified(t: &Transition, kind: &str, to: Recipient) -> bool {
    t.notices.iter().any(|n| n.kind == kind && n.to == to)
}

pub fn event_kinds(t: &Transition) -> Vec<&str> {
    t.events.iter().map(|e| e.kind.as_str()).collect()
}

pub fn submitted() -> CaseState {
    match file(&filing(standard_parties()), t0(), &policy()) {
        Ok(t) => t.case,
        Err(e) => panic!("filing refused: {e:?}"),
    }
}

pub fn awaiting() -> CaseState {
    ok(&submitted(), Action::Accept, vm(), day(1)).case
}

pub fn in_mediation() -> CaseState {
    ok(
        &awaiting(),
        Action::RespondentConsents,
        party(RESPONDENT),
        day(2),
    )
    .case
}

/// Statutory contents with one obligation of the respondent due on `due`.
pub fn contents(due: chrono::NaiveDate) -> AgreementContents {
    AgreementContents {
        facts: "the wall between the yards fell in the storm".into(),
        issues: "who rebuilds the wall".into(),
        responsibilities: "the respondent's wall; both share the cost of the new gate".into(),
        obligations: vec![Obligation {
            party_id: RESPONDENT,
            what: "rebuild the wall".into(),
            amount_fen: Some(50_000),
            how: "by his own hands".into(),
            place: Some("between the yards".into()),
            due,
        }],
        terms: String::new(),
    }
}

pub fn propose(due: Option<DateTime<Utc>>) -> Action {
    Action::ProposeAgreement {
        contents: contents(day(40).date_naive()),
        performance_due: due,
    }
}

pub fn pending() -> CaseState {
    ok(&in_mediation(), propose(Some(day(40))), vm(), day(10)).case
}

/// Both parties signed; the mediator has not yet.
pub fn parties_signed() -> CaseState {
    let c = ok(&pending(), Action::Sign, party(APPLICANT), day(11)).case;
    ok(&c, Action::Sign, party(RESPONDENT), day(12)).case
}

pub fn resolved() -> CaseState {
    ok(&parties_signed(), Action::Sign, vm(), day(12)).case
}

pub fn unmediable() -> CaseState {
    ok(
        &awaiting(),
        Action::RespondentRefuses { reason: None },
        party(RESPONDENT),
        day(2),
    )
    .case
}

/// The case moved up to `level` by its mediators and accepted there (respondent consented).
pub fn mediating_at(level: Level) -> CaseState {
    let mut c = in_mediation();
    let staff = [(TM, TOWNSHIP_C), (CM, COUNTY_C)];
    let mut by = VM;
    let mut committee = VILLAGE_C;
    for &(next_user, next_committee) in staff.iter().take(level.index()) {
        let up = Action::Escalate {
            reason: "needs more standing".into(),
        };
        c = ok(&c, up, mediator(by, committee), day(3)).case;
        c = ok(
            &c,
            Action::Accept,
            mediator(next_user, next_committee),
            day(4),
        )
        .case;
        by = next_user;
        committee = next_committee;
    }
    assert_eq!(c.level, level);
    assert_eq!(c.status, Status::InMediation);
    c
}

#[test]
fn open_statuses_match_is_open() {
    for s in Status::ALL {
        let withdrawable = [
            Status::Submitted,
            Status::AwaitingRespondent,
            Status::InMediation,
            Status::AgreementPending,
            Status::Unmediable,
        ]
        .contains(&s);
        assert_eq!(withdrawable, s.is_open(), "{s:?}");
    }
}
