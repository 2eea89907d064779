//! The random world of the property tests: the actors around a case, actions with valid or
//! invalid parameters, and scenarios of steps at advancing times.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::*;

/// Staff of every committee on the route and beside it, then the two judges and the sweeper.
pub const STAFF: [(Uuid, Uuid, bool); 8] = [
    (VM, VILLAGE_C, false),
    (VM2, VILLAGE_C, false),
    (VH, VILLAGE_C, true),
    (TM, TOWNSHIP_C, false),
    (TH, TOWNSHIP_C, true),
    (CM, COUNTY_C, false),
    (CH, COUNTY_C, true),
    (OM, OTHER_VILLAGE_C, false),
];

pub fn actors(case: &CaseState) -> Vec<Actor> {
    let mut all: Vec<Actor> = case.parties.iter().map(|p| party(p.id)).collect();
    all.push(party(Uuid::from_u128(999)));
    all.extend(
        STAFF
            .iter()
            .map(|&(user_id, committee_id, is_head)| Actor::Mediator {
                user_id,
                committee_id,
                is_head,
            }),
    );
    all.push(judge());
    all.push(Actor::Judge {
        user_id: OTHER_JUDGE,
        county_id: OTHER_COUNTY,
    });
    all.push(Actor::System);
    all
}

/// An instance of the action `name`; `v` picks valid or invalid parameters.
pub fn build(name: &str, v: u8, step: usize, case: &CaseState, now: DateTime<Utc>) -> Action {
    let text = |s: &str| {
        if v.is_multiple_of(5) {
            " ".to_owned()
        } else {
            s.to_owned()
        }
    };
    let opt = if v.is_multiple_of(2) {
        None
    } else {
        Some("because".to_owned())
    };
    let staff = STAFF[usize::from(v) % STAFF.len()];
    let (candidate, committee) = if v.is_multiple_of(11) {
        (APPLICANT_USER, None)
    } else {
        (staff.0, Some(staff.1))
    };
    let days = |n: i64| now + TimeDelta::days(n);
    match name {
        "accept" => Action::Accept,
        "decline" => Action::Decline {
            reason: text("not a civil dispute"),
        },
        "respondent_consents" => Action::RespondentConsents,
        "respondent_refuses" => Action::RespondentRefuses { reason: opt },
        "assign" => Action::Assign {
            mediator_id: candidate,
            mediator_committee_id: committee,
        },
        "reassign" => Action::Reassign {
            mediator_id: candidate,
            mediator_committee_id: committee,
        },
        "recuse" => Action::Recuse { reason: opt },
        "schedule_session" => Action::ScheduleSession {
            session_id: match case.sessions.first() {
                Some(s) if v.is_multiple_of(6) => s.id,
                _ => Uuid::from_u128(10_000 + step as u128),
            },
            at: if v.is_multiple_of(7) {
                now - TimeDelta::hours(1)
            } else {
                days(i64::from(v % 3) + 1)
            },
            mode: if v.is_multiple_of(2) {
                SessionMode::Online
            } else {
                SessionMode::InPerson
            },
            location: text("village hall"),
        },
        "record_session" => Action::RecordSession {
            session_id: case
                .sessions
                .get(usize::from(v) % (case.sessions.len() + 1))
                .map_or(Uuid::from_u128(99_999), |s| s.id),
            record: text("both sides heard"),
            attended: case.parties.iter().map(|p| p.id).collect(),
        },
        "extend" => Action::Extend,
        "propose_agreement" => Action::ProposeAgreement {
            contents: AgreementContents {
                facts: text("a fence"),
                issues: text("who pays"),
                responsibilities: text("shared"),
                obligations: case
                    .parties
                    .iter()
                    .filter(|_| !v.is_multiple_of(4))
                    .map(|p| Obligation {
                        party_id: p.id,
                        what: text("pay 300 yuan"),
                        amount_fen: Some(30_000),
                        how: text("in cash"),
                        place: None,
                        due: days(i64::from(v % 5) * 10 - 5).date_naive(),
                    })
                    .collect(),
                terms: String::new(),
            },
            performance_due: match v % 3 {
                0 => None,
                1 => Some(days(20)),
                _ => Some(days(-1)),
            },
        },
        "sign" => Action::Sign,
        "reject_agreement" => Action::RejectAgreement { reason: opt },
        "escalate" => Action::Escalate {
            reason: text("needs more standing"),
        },
        "refer_to_court" => Action::ReferToCourt {
            reason: text("no agreement possible"),
        },
        "withdraw" => Action::Withdraw { reason: opt },
        "apply_confirmation" => Action::ApplyConfirmation,
        "confirm" => Action::Confirm,
        "reject_confirmation" => Action::RejectConfirmation {
            reason: text("unlawful term"),
        },
        "record_performance" => Action::RecordPerformance {
            performed: [Performance::Full, Performance::Partial, Performance::None]
                [usize::from(v % 3)],
            note: opt,
        },
        "record_follow_up" => Action::RecordFollowUp {
            satisfaction: v % 7,
            note: opt,
        },
        "record_consent" => Action::RecordConsent {
            // The one still waiting, as the form offers; else any respondent (to be refused).
            party_id: case
                .parties
                .iter()
                .filter(|p| p.side == Side::Respondent)
                .min_by_key(|p| p.consented)
                .map(|p| p.id)
                .unwrap_or(Uuid::from_u128(7)),
            method: ConsentMethod::ALL[usize::from(v % 3)],
        },
        "add_party" => Action::AddParty {
            party_id: Uuid::from_u128(10_000 + step as u128),
            side: [Side::Agent, Side::ThirdParty, Side::Respondent][usize::from(v % 3)],
            user_id: None,
        },
        _ => Action::DeadlinePassed,
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub smart: bool,
    pub pick: u16,
    pub actor: u8,
    pub action: u8,
    pub variant: u8,
    pub minutes: u32,
}

pub fn step() -> impl Strategy<Value = Step> {
    // Mostly hours, sometimes days beyond any clock: both the work and the sweeper get a turn.
    let minutes = prop_oneof![4 => 0u32..=2_880, 1 => 0u32..=17_280];
    (
        prop::bool::weighted(0.75),
        any::<u16>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        minutes,
    )
        .prop_map(|(smart, pick, actor, action, variant, minutes)| Step {
            smart,
            pick,
            actor,
            action,
            variant,
            minutes,
        })
}

/// (second applicant, second respondent, agent) and the steps.
pub fn scenario() -> impl Strategy<Value = ((bool, bool, bool), Vec<Step>)> {
    (
        (any::<bool>(), any::<bool>(), any::<bool>()),
        prop::collection::vec(step(), 1..=40),
    )
}

pub fn start(shape: (bool, bool, bool)) -> Result<CaseState, TestCaseError> {
    let mut parties = vec![(APPLICANT, Side::Applicant, Some(APPLICANT_USER))];
    parties.push((RESPONDENT, Side::Respondent, Some(RESPONDENT_USER)));
    if shape.0 {
        parties.push((Uuid::from_u128(104), Side::Applicant, None));
    }
    if shape.1 {
        parties.push((RESPONDENT2, Side::Respondent, None));
    }
    if shape.2 {
        parties.push((AGENT, Side::Agent, None));
    }
    let t = file(&filing(parties), t0(), &policy())
        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    Ok(t.case)
}
