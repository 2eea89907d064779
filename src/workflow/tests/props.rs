//! Random sequences of actions by random actors at advancing random times never reach an
//! illegal state, never lose a party and never move a case out of its county or route.

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRng, TestRunner};

use super::random::{Step, actors, build, scenario, start};
use super::spec_table::{LEGAL, NAMES, wrong_actor_expected};
use super::*;
use Status::*;

/// Drives one scenario; returns the statuses it reached and the notable situations on the way.
fn run(shape: (bool, bool, bool), steps: &[Step]) -> Result<HashSet<&'static str>, TestCaseError> {
    let mut case = start(shape)?;
    check_case(&case)?;
    let mut now = t0();
    let mut reached = HashSet::from([case.status.as_str()]);
    for (i, s) in steps.iter().enumerate() {
        now += TimeDelta::minutes(i64::from(s.minutes));
        let pool = actors(&case);
        let mut candidates: Vec<(usize, &str)> = Vec::new();
        if s.smart {
            for (a, actor) in pool.iter().enumerate() {
                for name in allowed_actions(&case, actor, now, &policy()) {
                    candidates.push((a, name));
                }
            }
            if case.deadline_at.is_some_and(|d| d <= now) && !case.status.is_final() {
                candidates.push((pool.len() - 1, "deadline_passed"));
            }
        }
        // Three times in four, lean forward so that sequences get as far as closing the case.
        const SETBACKS: [&str; 7] = [
            "withdraw",
            "decline",
            "refer_to_court",
            "reject_agreement",
            "respondent_refuses",
            "escalate",
            "recuse",
        ];
        if s.pick % 4 != 0 && candidates.iter().any(|(_, n)| !SETBACKS.contains(n)) {
            candidates.retain(|(_, n)| !SETBACKS.contains(n));
        }
        let smart = !candidates.is_empty();
        let (a, name) = if smart {
            candidates[usize::from(s.pick / 4) % candidates.len()]
        } else {
            (
                usize::from(s.actor) % pool.len(),
                NAMES[usize::from(s.action) % NAMES.len()],
            )
        };
        let actor = pool[a];
        let action = build(name, s.variant, i, &case, now);
        let result = decide(&case, &action, &actor, now, &policy());
        check_refusal(&case, &action, &actor, &result)?;
        match result {
            Ok(t) => {
                check_transition(&case, &action, &t)?;
                case = t.case;
                reached.insert(case.status.as_str());
                if case.level == Level::County {
                    reached.insert("at county");
                }
                if case.overdue {
                    reached.insert("overdue");
                }
                if let Some(c) = case.confirmation {
                    reached.insert(c.as_str());
                }
            }
            Err(e) if smart => {
                let recorded_again = matches!(&action, Action::RecordSession { session_id, .. }
                    if case.sessions.iter().any(|x| x.id == *session_id && x.record.is_some()));
                prop_assert!(
                    matches!(e, Refusal::Invalid(_))
                        || (recorded_again && matches!(e, Refusal::WrongState(_))),
                    "allowed_actions offered {name} to {actor:?} but it was refused: {e:?}"
                );
            }
            Err(_) => {}
        }
    }
    Ok(reached)
}

fn check_refusal(
    case: &CaseState,
    action: &Action,
    actor: &Actor,
    result: &Result<Transition, Refusal>,
) -> Result<(), TestCaseError> {
    if wrong_actor_expected(case, action, actor) {
        prop_assert!(
            matches!(result, Err(Refusal::WrongActor(_))),
            "{} by {actor:?} should be WrongActor, got {result:?}",
            action.name()
        );
    } else if case.status.is_final() {
        prop_assert!(
            matches!(result, Err(Refusal::WrongState(_) | Refusal::WrongActor(_))),
            "a final case accepted {} or judged its parameters: {result:?}",
            action.name()
        );
    }
    Ok(())
}

fn check_transition(old: &CaseState, action: &Action, t: &Transition) -> Result<(), TestCaseError> {
    let new = &t.case;
    let name = action.name();
    let legal = LEGAL
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[][..], |(_, pairs)| *pairs);
    prop_assert!(
        legal.contains(&(old.status, new.status)),
        "{name}: {:?} -> {:?} is not in the SPEC's table",
        old.status,
        new.status
    );
    prop_assert!(!old.status.is_final());
    prop_assert!(new.level >= old.level);
    if new.level != old.level {
        prop_assert_eq!(Some(new.level), old.level.next());
        prop_assert!(matches!(name, "escalate" | "deadline_passed") && new.status == Submitted);
    }
    prop_assert_eq!(new.id, old.id);
    prop_assert_eq!(new.county_id, old.county_id);
    prop_assert_eq!(new.route, old.route);
    prop_assert_eq!(new.filed_at, old.filed_at);
    let ids = |c: &CaseState| c.parties.iter().map(|p| (p.id, p.side)).collect::<Vec<_>>();
    // No party is ever lost or changes side; only add_party adds one, never a principal one.
    let (before, after) = (ids(old), ids(new));
    prop_assert!(after.starts_with(&before), "parties lost or reordered");
    if name == "add_party" {
        prop_assert_eq!(after.len(), before.len() + 1);
        prop_assert!(after.last().is_some_and(|(_, side)| !side.is_principal()));
    } else {
        prop_assert_eq!(after.len(), before.len());
    }
    prop_assert_eq!(new.version, old.version + 1);
    prop_assert!(!t.events.is_empty());
    let first = if name == "deadline_passed" {
        "deadline_missed"
    } else {
        name
    };
    prop_assert_eq!(t.events[0].kind.as_str(), first);
    for n in &t.notices {
        prop_assert!(
            NOTICE_KINDS.contains(&n.kind),
            "unlisted notice kind {}",
            n.kind
        );
    }
    // Once extended, always extended: the extension is once per case.
    prop_assert!(new.extended || !old.extended);
    check_case(new)
}

/// What must hold of any case the engine hands out.
fn check_case(c: &CaseState) -> Result<(), TestCaseError> {
    prop_assert_eq!(c.committee_id, c.route.committee_at(c.level));
    let expected_clock: &[DeadlineKind] = match c.status {
        Submitted | Unmediable => &[DeadlineKind::Acceptance],
        AwaitingRespondent => &[DeadlineKind::Response],
        InMediation => &[DeadlineKind::Mediation],
        AgreementPending => &[DeadlineKind::Signature],
        Resolved => &[DeadlineKind::Confirmation, DeadlineKind::FollowUp],
        Closed | Declined | Referred | Withdrawn => &[],
    };
    let needs_clock = matches!(
        c.status,
        Submitted | AwaitingRespondent | InMediation | AgreementPending | Unmediable
    );
    match (c.deadline_at, c.deadline_kind) {
        (Some(_), Some(kind)) => prop_assert!(
            expected_clock.contains(&kind),
            "{:?} on {:?}",
            kind,
            c.status
        ),
        (None, None) => prop_assert!(
            !needs_clock || (c.overdue && c.level == Level::County),
            "{:?} at {:?} has no clock",
            c.status,
            c.level
        ),
        other => prop_assert!(false, "half a clock: {:?}", other),
    }
    if c.overdue && needs_clock {
        prop_assert_eq!(c.level, Level::County);
    }
    if matches!(
        c.status,
        AwaitingRespondent | InMediation | AgreementPending | Unmediable | Resolved
    ) {
        prop_assert!(c.mediator_id.is_some(), "{:?} without a mediator", c.status);
    }
    if matches!(c.status, InMediation | AgreementPending) {
        prop_assert!(c.mediation_due_at.is_some());
    }
    match c.status {
        AgreementPending | Resolved | Closed => prop_assert!(c.agreement.is_some()),
        Submitted | AwaitingRespondent | InMediation | Unmediable => {
            prop_assert!(c.agreement.is_none())
        }
        // A draft withdrawn from stays on file.
        Declined | Referred | Withdrawn => {}
    }
    prop_assert_eq!(
        c.resolved_at.is_some(),
        matches!(c.status, Resolved | Closed)
    );
    if matches!(
        c.status,
        Submitted | AwaitingRespondent | InMediation | Unmediable
    ) {
        prop_assert!(c.parties.iter().all(|p| p.signed_at.is_none()));
    }
    if c.status == InMediation {
        let respondents = c.parties.iter().filter(|p| p.side == Side::Respondent);
        prop_assert!(respondents.clone().all(|p| p.consented));
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 512, failure_persistence: None, ..Config::default() })]

    #[test]
    fn random_sequences_keep_every_invariant((shape, steps) in scenario()) {
        run(shape, &steps)?;
    }
}

/// Guards the driver itself: the random sequences must reach every status and the rarer
/// situations, or the properties above would be checking little.
#[test]
fn random_sequences_reach_every_status() {
    let config = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let reached = std::cell::RefCell::new(HashSet::new());
    let outcome = runner.run(&scenario(), |(shape, steps)| {
        reached.borrow_mut().extend(run(shape, &steps)?);
        Ok(())
    });
    assert!(outcome.is_ok(), "{outcome:?}");
    let reached = reached.into_inner();
    let mut wanted: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    wanted.extend(["at county", "overdue", "requested", "confirmed", "rejected"]);
    let missing: Vec<_> = wanted.iter().filter(|w| !reached.contains(*w)).collect();
    assert!(missing.is_empty(), "never reached {missing:?}");
}
