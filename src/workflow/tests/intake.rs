//! Filing, acceptance, the respondent's answer, declining and withdrawing.

use super::*;

#[test]
fn filing_starts_at_the_village_with_an_acceptance_clock() {
    let mut f = filing(standard_parties());
    f.filed_by = Some(VM);
    let t = match file(&f, t0(), &policy()) {
        Ok(t) => t,
        Err(e) => panic!("{e:?}"),
    };
    let c = &t.case;
    assert_eq!(c.status, Status::Submitted);
    assert_eq!(
        (c.level, c.committee_id, c.version),
        (Level::Village, VILLAGE_C, 1)
    );
    assert_eq!(c.deadline_at, Some(day(3)));
    assert_eq!(c.deadline_kind, Some(DeadlineKind::Acceptance));
    assert_eq!(c.mediator_id, None);
    assert_eq!(c.parties.len(), 3);
    assert!(
        c.parties
            .iter()
            .all(|p| !p.consented && p.signed_at.is_none() && !p.recusal_used)
    );
    assert_eq!(event_kinds(&t), ["filed"]);
    assert_eq!(t.events[0].data["filed_by"], serde_json::json!(VM));
    assert!(notified(
        &t,
        "filing_receipt",
        Recipient::Party {
            party_id: APPLICANT
        }
    ));
    assert!(notified(
        &t,
        "new_case",
        Recipient::Committee {
            committee_id: VILLAGE_C
        }
    ));
    assert!(!t.notices.iter().any(|n| n.kind == "respondent_invitation"));
}

#[test]
fn filing_needs_an_applicant_and_a_respondent_each_listed_once() {
    let only_applicant = filing(vec![(APPLICANT, Side::Applicant, None)]);
    let only_respondent = filing(vec![(RESPONDENT, Side::Respondent, None)]);
    let twice = filing(vec![
        (APPLICANT, Side::Applicant, None),
        (APPLICANT, Side::Respondent, None),
    ]);
    for f in [only_applicant, only_respondent, twice] {
        assert!(matches!(
            file(&f, t0(), &policy()),
            Err(Refusal::Invalid(_))
        ));
    }
}

#[test]
fn accept_invites_the_respondent_and_makes_the_acceptor_mediator() {
    let t = ok(&submitted(), Action::Accept, vm(), day(1));
    assert_eq!(t.case.status, Status::AwaitingRespondent);
    assert_eq!(t.case.mediator_id, Some(VM));
    assert_eq!(t.case.deadline_at, Some(day(8)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Response));
    assert_eq!(event_kinds(&t)[0], "accept");
    assert!(notified(&t, "accepted", Recipient::AllParties));
    assert!(notified(
        &t,
        "respondent_invitation",
        Recipient::Party {
            party_id: RESPONDENT
        }
    ));
    assert!(!notified(
        &t,
        "respondent_invitation",
        Recipient::Party {
            party_id: APPLICANT
        }
    ));
}

#[test]
fn accept_by_the_head_keeps_an_assigned_mediator() {
    let assign = Action::Assign {
        mediator_id: VM2,
        mediator_committee_id: Some(VILLAGE_C),
    };
    let c = ok(&submitted(), assign, head(VH, VILLAGE_C), day(0)).case;
    let t = ok(&c, Action::Accept, head(VH, VILLAGE_C), day(1));
    assert_eq!(t.case.mediator_id, Some(VM2));
    // Another mediator of the same committee may not take over an assigned case.
    assert!(is_wrong_actor(&refused(&c, Action::Accept, vm(), day(1))));
}

#[test]
fn accept_refusals_check_actor_then_state() {
    let c = submitted();
    for actor in [
        mediator(OM, OTHER_VILLAGE_C),
        mediator(TM, TOWNSHIP_C),
        party(APPLICANT),
        judge(),
        Actor::System,
    ] {
        assert!(is_wrong_actor(&refused(&c, Action::Accept, actor, day(1))));
    }
    assert!(is_wrong_state(&refused(
        &awaiting(),
        Action::Accept,
        vm(),
        day(1)
    )));
    // A wrong actor never learns that the case has moved on.
    assert!(is_wrong_actor(&refused(
        &awaiting(),
        Action::Accept,
        mediator(OM, OTHER_VILLAGE_C),
        day(1)
    )));
}

#[test]
fn decline_needs_a_reason_and_ends_the_case() {
    let c = submitted();
    let blank = Action::Decline {
        reason: "  ".into(),
    };
    assert!(is_invalid(&refused(&c, blank, vm(), day(1))));
    let t = ok(
        &c,
        Action::Decline {
            reason: "already in court".into(),
        },
        vm(),
        day(1),
    );
    assert_eq!(t.case.status, Status::Declined);
    assert_eq!((t.case.deadline_at, t.case.deadline_kind), (None, None));
    assert_eq!(t.events[0].data["reason"], "already in court");
    assert!(notified(&t, "declined", Recipient::AllParties));
    let again = Action::Decline { reason: "x".into() };
    assert!(is_wrong_state(&refused(&awaiting(), again, vm(), day(1))));
}

#[test]
fn respondent_consent_starts_mediation() {
    let t = ok(
        &awaiting(),
        Action::RespondentConsents,
        party(RESPONDENT),
        day(2),
    );
    assert_eq!(t.case.status, Status::InMediation);
    assert_eq!(t.case.deadline_at, Some(day(32)));
    assert_eq!(t.case.mediation_due_at, Some(day(32)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Mediation));
    assert!(notified(
        &t,
        "respondent_consented",
        Recipient::Mediator { user_id: VM }
    ));
    let again = refused(
        &t.case,
        Action::RespondentConsents,
        party(RESPONDENT),
        day(2),
    );
    assert!(is_wrong_state(&again));
}

#[test]
fn every_respondent_must_consent() {
    let mut parties = standard_parties();
    parties.push((RESPONDENT2, Side::Respondent, None));
    let c = match file(&filing(parties), t0(), &policy()) {
        Ok(t) => t.case,
        Err(e) => panic!("{e:?}"),
    };
    let c = ok(&c, Action::Accept, vm(), day(1)).case;
    let t = ok(&c, Action::RespondentConsents, party(RESPONDENT), day(2));
    assert_eq!(t.case.status, Status::AwaitingRespondent);
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Response));
    let again = refused(
        &t.case,
        Action::RespondentConsents,
        party(RESPONDENT),
        day(2),
    );
    assert!(is_wrong_state(&again));
    let t = ok(
        &t.case,
        Action::RespondentConsents,
        party(RESPONDENT2),
        day(3),
    );
    assert_eq!(t.case.status, Status::InMediation);
}

#[test]
fn only_respondents_answer_the_invitation() {
    let c = awaiting();
    for actor in [
        party(APPLICANT),
        party(AGENT),
        party(Uuid::from_u128(999)),
        vm(),
    ] {
        assert!(is_wrong_actor(&refused(
            &c,
            Action::RespondentConsents,
            actor,
            day(2)
        )));
        let refuse = Action::RespondentRefuses { reason: None };
        assert!(is_wrong_actor(&refused(&c, refuse, actor, day(2))));
    }
    // The acting user must be the one linked to the party row.
    let impostor = Actor::Party {
        user_id: Some(APPLICANT_USER),
        party_id: RESPONDENT,
    };
    assert!(is_wrong_actor(&refused(
        &c,
        Action::RespondentConsents,
        impostor,
        day(2)
    )));
    let linked = Actor::Party {
        user_id: Some(RESPONDENT_USER),
        party_id: RESPONDENT,
    };
    ok(&c, Action::RespondentConsents, linked, day(2));
    let early = refused(
        &submitted(),
        Action::RespondentConsents,
        party(RESPONDENT),
        day(2),
    );
    assert!(is_wrong_state(&early));
}

#[test]
fn refusal_makes_the_case_unmediable_with_a_decision_clock() {
    let refuse = Action::RespondentRefuses {
        reason: Some("we settle it ourselves".into()),
    };
    let t = ok(&awaiting(), refuse, party(RESPONDENT), day(2));
    assert_eq!(t.case.status, Status::Unmediable);
    assert_eq!(t.case.deadline_at, Some(day(5)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Acceptance));
    assert_eq!(t.events[0].data["reason"], "we settle it ourselves");
    assert!(notified(
        &t,
        "respondent_refused",
        Recipient::Mediator { user_id: VM }
    ));
    assert!(notified(
        &t,
        "respondent_refused",
        Recipient::Party {
            party_id: APPLICANT
        }
    ));
}

#[test]
fn withdraw_by_an_applicant_while_open() {
    for c in [
        submitted(),
        awaiting(),
        in_mediation(),
        pending(),
        unmediable(),
    ] {
        let t = ok(
            &c,
            Action::Withdraw { reason: None },
            party(APPLICANT),
            day(12),
        );
        assert_eq!(t.case.status, Status::Withdrawn);
        assert_eq!(t.case.deadline_at, None);
        assert!(notified(&t, "withdrawn", Recipient::AllParties));
        if let Some(user_id) = c.mediator_id {
            assert!(notified(&t, "withdrawn", Recipient::Mediator { user_id }));
        }
    }
    let c = in_mediation();
    for actor in [party(RESPONDENT), party(AGENT), vm()] {
        let w = Action::Withdraw { reason: None };
        assert!(is_wrong_actor(&refused(&c, w, actor, day(3))));
    }
    let late = refused(
        &resolved(),
        Action::Withdraw { reason: None },
        party(APPLICANT),
        day(13),
    );
    assert!(is_wrong_state(&late));
}

#[test]
fn a_final_case_refuses_everything_with_wrong_state() {
    let declined = ok(
        &submitted(),
        Action::Decline {
            reason: "no".into(),
        },
        vm(),
        day(1),
    )
    .case;
    let withdrawn = ok(
        &in_mediation(),
        Action::Withdraw { reason: None },
        party(APPLICANT),
        day(3),
    )
    .case;
    for c in [declined, withdrawn] {
        let attempts = [
            (Action::Accept, vm()),
            (Action::Withdraw { reason: None }, party(APPLICANT)),
            (Action::Sign, party(RESPONDENT)),
            (Action::DeadlinePassed, Actor::System),
            (Action::Escalate { reason: "x".into() }, vm()),
        ];
        for (action, actor) in attempts {
            let r = refused(&c, action, actor, day(100));
            assert!(is_wrong_state(&r), "{r:?}");
            assert!(r.to_string().contains("ended"));
        }
    }
}
