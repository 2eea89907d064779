//! Assignment, recusal, sessions, extension and the agreement.

use super::*;

fn assign(to: Uuid, committee: Uuid) -> Action {
    Action::Assign {
        mediator_id: to,
        mediator_committee_id: Some(committee),
    }
}

fn reassign(to: Uuid, committee: Uuid) -> Action {
    Action::Reassign {
        mediator_id: to,
        mediator_committee_id: Some(committee),
    }
}

#[test]
fn the_head_assigns_and_reassigns() {
    let t = ok(
        &submitted(),
        assign(VM2, VILLAGE_C),
        head(VH, VILLAGE_C),
        day(0),
    );
    assert_eq!(t.case.mediator_id, Some(VM2));
    assert_eq!(t.case.status, Status::Submitted);
    assert!(notified(&t, "mediator_assigned", Recipient::AllParties));
    assert!(notified(
        &t,
        "mediator_assigned",
        Recipient::Mediator { user_id: VM2 }
    ));

    let c = in_mediation();
    let t = ok(&c, reassign(VM2, VILLAGE_C), head(VH, VILLAGE_C), day(5));
    assert_eq!(
        (t.case.mediator_id, t.case.status),
        (Some(VM2), Status::InMediation)
    );
    assert_eq!(event_kinds(&t), ["reassign"]);
    // The previous mediator no longer works the case.
    let s = Action::ScheduleSession {
        session_id: Uuid::from_u128(7),
        at: day(6),
        mode: SessionMode::Online,
        location: "https://meet.example/1".into(),
    };
    assert!(is_wrong_actor(&refused(&t.case, s, vm(), day(5))));
}

#[test]
fn assignment_refusals() {
    let c = in_mediation();
    for actor in [vm(), head(TH, TOWNSHIP_C), party(APPLICANT), judge()] {
        assert!(is_wrong_actor(&refused(
            &c,
            reassign(VM2, VILLAGE_C),
            actor,
            day(5)
        )));
    }
    let h = head(VH, VILLAGE_C);
    assert!(is_wrong_state(&refused(
        &c,
        assign(VM2, VILLAGE_C),
        h,
        day(5)
    )));
    assert!(is_wrong_state(&refused(
        &submitted(),
        reassign(VM2, VILLAGE_C),
        h,
        day(0)
    )));
    assert!(is_invalid(&refused(&c, reassign(VM, VILLAGE_C), h, day(5))));
    let outsider = refused(&c, reassign(OM, OTHER_VILLAGE_C), h, day(5));
    assert_eq!(
        outsider,
        Refusal::Invalid("that person is not a mediator of this committee".into())
    );
    let nobody = Action::Reassign {
        mediator_id: APPLICANT_USER,
        mediator_committee_id: None,
    };
    assert!(is_invalid(&refused(&c, nobody, h, day(5))));
    let closed = ok(
        &c,
        Action::Withdraw { reason: None },
        party(APPLICANT),
        day(5),
    )
    .case;
    assert!(is_wrong_state(&refused(
        &closed,
        reassign(VM2, VILLAGE_C),
        h,
        day(5)
    )));
    // Assignment is possible while the agreement is carried out, too.
    ok(&resolved(), reassign(VM2, VILLAGE_C), h, day(13));
}

#[test]
fn a_principal_party_may_ask_once_for_another_mediator() {
    let c = in_mediation();
    let t = ok(
        &c,
        Action::Recuse {
            reason: Some("he is my cousin".into()),
        },
        party(RESPONDENT),
        day(3),
    );
    assert!(
        t.case
            .parties
            .iter()
            .any(|p| p.id == RESPONDENT && p.recusal_used)
    );
    assert!(notified(
        &t,
        "recusal_requested",
        Recipient::Committee {
            committee_id: VILLAGE_C
        }
    ));
    let r = refused(
        &t.case,
        Action::Recuse { reason: None },
        party(RESPONDENT),
        day(3),
    );
    assert_eq!(
        r,
        Refusal::WrongState("you have already asked for a different mediator once".into())
    );
    // The other party keeps their own chance.
    ok(
        &t.case,
        Action::Recuse { reason: None },
        party(APPLICANT),
        day(3),
    );
    assert!(is_wrong_actor(&refused(
        &c,
        Action::Recuse { reason: None },
        party(AGENT),
        day(3)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        Action::Recuse { reason: None },
        vm(),
        day(3)
    )));
    let early = refused(
        &submitted(),
        Action::Recuse { reason: None },
        party(APPLICANT),
        day(1),
    );
    assert!(is_wrong_state(&early));
    let after = refused(
        &resolved(),
        Action::Recuse { reason: None },
        party(APPLICANT),
        day(13),
    );
    assert!(is_wrong_state(&after));
}

fn session(id: u128, at: DateTime<Utc>, location: &str) -> Action {
    Action::ScheduleSession {
        session_id: Uuid::from_u128(id),
        at,
        mode: SessionMode::InPerson,
        location: location.into(),
    }
}

#[test]
fn sessions_are_scheduled_in_the_future_and_recorded_once() {
    let c = in_mediation();
    assert!(is_invalid(&refused(
        &c,
        session(1, day(3), "village hall"),
        vm(),
        day(3)
    )));
    assert!(is_invalid(&refused(
        &c,
        session(1, day(4), " "),
        vm(),
        day(3)
    )));
    assert!(is_wrong_state(&refused(
        &awaiting(),
        session(1, day(4), "hall"),
        vm(),
        day(3)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        session(1, day(4), "hall"),
        party(APPLICANT),
        day(3)
    )));
    let t = ok(&c, session(1, day(4), "village hall"), vm(), day(3));
    assert_eq!(t.case.sessions.len(), 1);
    assert!(notified(&t, "session_scheduled", Recipient::AllParties));
    assert!(is_invalid(&refused(
        &t.case,
        session(1, day(5), "hall"),
        vm(),
        day(3)
    )));

    let record = |id: u128, text: &str| Action::RecordSession {
        session_id: Uuid::from_u128(id),
        record: text.into(),
        attended: Vec::new(),
    };
    assert!(is_invalid(&refused(
        &t.case,
        record(2, "notes"),
        vm(),
        day(4)
    )));
    assert!(is_invalid(&refused(&t.case, record(1, ""), vm(), day(4))));
    let t = ok(&t.case, record(1, "both sides heard"), vm(), day(4));
    assert_eq!(
        t.case.sessions[0].record.as_deref(),
        Some("both sides heard")
    );
    let again = refused(&t.case, record(1, "rewritten"), vm(), day(4));
    assert!(is_wrong_state(&again));
    // A session may still be written up while the agreement awaits signatures.
    let c = ok(&in_mediation(), session(1, day(4), "hall"), vm(), day(3)).case;
    let c = ok(&c, propose(None), vm(), day(5)).case;
    ok(&c, record(1, "agreed on 500"), vm(), day(5));
}

#[test]
fn mediation_is_extended_once() {
    let c = in_mediation();
    let t = ok(&c, Action::Extend, vm(), day(20));
    assert_eq!(t.case.deadline_at, Some(day(62)));
    assert_eq!(t.case.mediation_due_at, Some(day(62)));
    assert!(t.case.extended);
    assert!(notified(&t, "extended", Recipient::AllParties));
    assert!(is_wrong_state(&refused(
        &t.case,
        Action::Extend,
        vm(),
        day(21)
    )));
    assert!(is_wrong_state(&refused(
        &awaiting(),
        Action::Extend,
        vm(),
        day(3)
    )));
    assert!(is_wrong_actor(&refused(
        &c,
        Action::Extend,
        party(APPLICANT),
        day(20)
    )));
}

#[test]
fn propose_sign_and_resolve() {
    let c = in_mediation();
    let free_text_only = Action::ProposeAgreement {
        contents: AgreementContents {
            terms: "pay 500".into(),
            ..Default::default()
        },
        performance_due: None,
    };
    assert!(is_invalid(&refused(&c, free_text_only, vm(), day(10))));
    let past = propose(Some(day(9)));
    assert!(is_invalid(&refused(&c, past, vm(), day(10))));
    let due = day(40).date_naive();
    let spoilt = [
        |o: &mut Obligation| o.party_id = AGENT,
        |o: &mut Obligation| o.party_id = Uuid::from_u128(999),
        |o: &mut Obligation| o.what = " ".into(),
        |o: &mut Obligation| o.how = String::new(),
        |o: &mut Obligation| o.amount_fen = Some(0),
        |o: &mut Obligation| o.due = day(9).date_naive(),
    ];
    for spoil in spoilt {
        let mut contents = contents(due);
        for o in &mut contents.obligations {
            spoil(o);
        }
        let action = Action::ProposeAgreement {
            contents,
            performance_due: None,
        };
        assert!(is_invalid(&refused(&c, action, vm(), day(10))));
    }
    let mut no_facts = contents(due);
    no_facts.facts = "  ".into();
    let action = Action::ProposeAgreement {
        contents: no_facts,
        performance_due: None,
    };
    let refusal = refused(&c, action, vm(), day(10));
    assert!(refusal.to_string().contains("facts"), "{refusal}");
    // Without a date of its own, performance falls due at the end of the last obligation's day
    // in China (15:59:59 UTC).
    let t = ok(&c, propose(None), vm(), day(10));
    let due_at = t.case.agreement.as_ref().and_then(|a| a.performance_due);
    assert_eq!(
        due_at.map(|d| d.format("%F %T").to_string()),
        Some(format!("{} 15:59:59", due))
    );

    let p = pending();
    assert_eq!(p.status, Status::AgreementPending);
    assert_eq!(p.deadline_at, Some(day(17)));
    assert_eq!(p.deadline_kind, Some(DeadlineKind::Signature));
    assert_eq!(p.mediation_due_at, Some(day(32)));
    assert_eq!(p.agreement.as_ref().map(|a| a.proposed_by), Some(VM));

    assert!(is_wrong_actor(&refused(
        &p,
        Action::Sign,
        party(AGENT),
        day(11)
    )));
    // The mediator may not sign before the parties.
    assert!(is_wrong_state(&refused(&p, Action::Sign, vm(), day(11))));
    let t = ok(&p, Action::Sign, party(APPLICANT), day(11));
    assert_eq!(t.case.status, Status::AgreementPending);
    assert!(t.notices.is_empty());
    assert!(is_wrong_state(&refused(
        &t.case,
        Action::Sign,
        party(APPLICANT),
        day(11)
    )));
    let t = ok(&t.case, Action::Sign, party(RESPONDENT), day(12));
    assert_eq!(t.case.status, Status::AgreementPending);
    assert_eq!(event_kinds(&t), ["sign", "parties_signed"]);
    assert!(notified(
        &t,
        "parties_signed",
        Recipient::Mediator { user_id: VM }
    ));
    // The mediator signs last, and only the case's mediator.
    let other = mediator(OM, OTHER_VILLAGE_C);
    assert!(is_wrong_actor(&refused(
        &t.case,
        Action::Sign,
        other,
        day(12)
    )));
    let t = ok(&t.case, Action::Sign, vm(), day(12));
    assert_eq!(t.case.status, Status::Resolved);
    let signed = t.case.agreement.as_ref().and_then(|a| a.mediator_signed_at);
    assert_eq!(signed, Some(day(12)));
    assert_eq!(t.case.resolved_at, Some(day(12)));
    assert_eq!(t.case.deadline_at, Some(day(42)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Confirmation));
    assert_eq!(t.case.mediation_due_at, None);
    assert_eq!(event_kinds(&t), ["sign", "resolved"]);
    assert!(notified(&t, "resolved", Recipient::AllParties));
}

#[test]
fn a_rejected_draft_resumes_the_same_mediation_clock() {
    let p = ok(&pending(), Action::Sign, party(APPLICANT), day(11)).case;
    let t = ok(
        &p,
        Action::RejectAgreement {
            reason: Some("too little".into()),
        },
        party(RESPONDENT),
        day(12),
    );
    assert_eq!(t.case.status, Status::InMediation);
    assert_eq!(t.case.agreement, None);
    assert!(t.case.parties.iter().all(|x| x.signed_at.is_none()));
    assert_eq!(t.case.deadline_at, Some(day(32)));
    assert_eq!(t.case.deadline_kind, Some(DeadlineKind::Mediation));
    assert!(notified(
        &t,
        "agreement_rejected",
        Recipient::Mediator { user_id: VM }
    ));
    let r = refused(
        &in_mediation(),
        Action::RejectAgreement { reason: None },
        party(APPLICANT),
        day(3),
    );
    assert!(is_wrong_state(&r));
    let r = refused(
        &pending(),
        Action::RejectAgreement { reason: None },
        party(AGENT),
        day(11),
    );
    assert!(is_wrong_actor(&r));
}
