//! The one plain sentence shown to each viewer.

use super::*;

const VIEWERS: [Viewer; 7] = [
    Viewer::Party(Side::Applicant),
    Viewer::Party(Side::Respondent),
    Viewer::Party(Side::Agent),
    Viewer::Party(Side::ThirdParty),
    Viewer::Staff,
    Viewer::Judge,
    Viewer::Public,
];

#[test]
fn waiting_for_the_respondent() {
    // Accepted on 6 Jan: the respondent has until 13 Jan, 10:00 China time.
    let c = awaiting();
    let zh = next_step(&c, Viewer::Party(Side::Applicant), Lang::Zh);
    assert_eq!(zh, "村调委会已受理，等待对方同意调解，截止 1月13日");
    let en = next_step(&c, Viewer::Party(Side::Applicant), Lang::En);
    assert_eq!(
        en,
        "The village mediation committee has accepted your case; waiting for the other party to agree to mediation, by 13 Jan"
    );
    let r = next_step(&c, Viewer::Party(Side::Respondent), Lang::Zh);
    assert!(r.contains("请您答复"), "{r}");
}

#[test]
fn dates_are_shown_in_local_zone() {
    let mut c = in_mediation();
    // 16:30 UTC on 2 Dec is already 3 Dec in China.
    c.deadline_at = match Utc.with_ymd_and_hms(2026, 12, 2, 16, 30, 0) {
        chrono::LocalResult::Single(t) => Some(t),
        _ => None,
    };
    assert!(next_step(&c, Viewer::Public, Lang::Zh).ends_with("期限到 12月3日"));
    assert!(next_step(&c, Viewer::Public, Lang::En).ends_with("until 3 Dec"));
    assert!(next_step(&c, Viewer::Staff, Lang::Zh).ends_with("截止 12月3日"));
    assert!(next_step(&c, Viewer::Staff, Lang::En).ends_with("by 3 Dec"));
}

#[test]
fn the_level_names_the_committee() {
    let up = ok(
        &in_mediation(),
        Action::Escalate { reason: "x".into() },
        vm(),
        day(3),
    )
    .case;
    let zh = next_step(&up, Viewer::Party(Side::Applicant), Lang::Zh);
    assert_eq!(zh, "您的案件已转到镇（街道）调委会，等待受理，截止 1月11日");
    let top = mediating_at(Level::County);
    assert!(
        next_step(&top, Viewer::Party(Side::Respondent), Lang::Zh)
            .starts_with("县（市）调委会正在调解")
    );
    assert!(
        next_step(&top, Viewer::Public, Lang::En)
            .starts_with("The county mediation committee is mediating")
    );
}

#[test]
fn overdue_at_county_says_the_court_was_told() {
    let top = mediating_at(Level::County);
    let due = top.deadline_at.unwrap_or(day(0));
    let t = ok(&top, Action::DeadlinePassed, Actor::System, due);
    for v in VIEWERS {
        assert!(next_step(&t.case, v, Lang::Zh).contains("已告知法院"));
        assert!(next_step(&t.case, v, Lang::En).contains("court has been told"));
    }
}

#[test]
fn confirmation_states_are_explained() {
    let c = ok(
        &resolved(),
        Action::ApplyConfirmation,
        party(APPLICANT),
        day(13),
    )
    .case;
    assert!(next_step(&c, Viewer::Judge, Lang::Zh).contains("请审查"));
    assert!(next_step(&c, Viewer::Party(Side::Applicant), Lang::Zh).contains("等待法院决定"));
    let ok_c = ok(&c, Action::Confirm, judge(), day(14)).case;
    assert!(next_step(&ok_c, Viewer::Party(Side::Respondent), Lang::En).contains("confirmed"));
    let no = ok(
        &c,
        Action::RejectConfirmation { reason: "x".into() },
        judge(),
        day(14),
    )
    .case;
    assert!(next_step(&no, Viewer::Party(Side::Respondent), Lang::Zh).contains("未确认"));
}

#[test]
fn every_status_and_viewer_gets_one_filled_in_sentence() {
    let mut cases = vec![
        submitted(),
        awaiting(),
        in_mediation(),
        pending(),
        resolved(),
        unmediable(),
    ];
    cases.push(
        ok(
            &submitted(),
            Action::Decline { reason: "x".into() },
            vm(),
            day(1),
        )
        .case,
    );
    cases.push(
        ok(
            &unmediable(),
            Action::ReferToCourt { reason: "x".into() },
            vm(),
            day(3),
        )
        .case,
    );
    cases.push(
        ok(
            &awaiting(),
            Action::Withdraw { reason: None },
            party(APPLICANT),
            day(3),
        )
        .case,
    );
    let r = ok(
        &resolved(),
        Action::RecordFollowUp {
            satisfaction: 5,
            note: None,
        },
        vm(),
        day(20),
    )
    .case;
    cases.push(r.clone());
    let perform = Action::RecordPerformance {
        performed: Performance::Full,
        note: None,
    };
    cases.push(ok(&r, perform, vm(), day(21)).case);
    let mut seen = std::collections::HashSet::new();
    for c in &cases {
        seen.insert(c.status);
        for v in VIEWERS {
            for lang in [Lang::Zh, Lang::En] {
                let s = next_step(c, v, lang);
                assert!(
                    !s.is_empty() && !s.contains('{') && !s.contains('\n'),
                    "{s}"
                );
                assert!(!s.ends_with('.') && !s.ends_with('。'));
            }
            assert!(next_step(c, v, Lang::En).is_ascii());
        }
    }
    assert_eq!(seen.len(), Status::ALL.len());
}
