//! Every page a person can reach, by who reaches it, for checks that must hold on all of them:
//! the words of a zh-CN page, how a page fits a phone. One case waits for the respondent (its
//! invitation), another for signatures (the richest case page, its documents and their codes).

use serde_json::json;

use crate::cases_support::{agreement, future, id};
use crate::harness::TestApp;
use crate::sign_in_support::path_in;

pub struct Stop {
    pub who: &'static str,
    pub session: Option<String>,
    pub path: String,
}

/// The filing screens after the first, with the answers that lead to each (JavaScript off: the
/// answers travel as form fields).
pub fn filing_steps() -> Vec<(u8, Vec<(&'static str, &'static str)>)> {
    let first = vec![
        ("category", "neighbour"),
        ("narrative", "邻居家的排水管通到我家院墙下，雨天积水。"),
    ];
    let mut second = first.clone();
    second.extend([
        ("respondent_name", "李建国"),
        ("respondent_phone", "13800138000"),
    ]);
    let mut third = second.clone();
    third.extend([
        ("village_code", "330681109201"),
        ("request", "改管并赔偿修缮费"),
        ("privacy", "yes"),
    ]);
    vec![(1, first), (2, second), (3, third)]
}

pub async fn tour(app: &TestApp) -> Vec<Stop> {
    let (resident, waiting) = app.file().await;
    let waiting = id(&waiting);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    let judge = app.login("judge@demo.test").await;
    let admin = app.login("admin@demo.test").await;
    app.act_ok(&mediator, &waiting, json!({"action": "accept"}))
        .await;
    app.drain(&app.notifier(fengqiao::notify::Mailer::File(app.config.mail_dir())))
        .await;
    let invitation = app
        .mail_files()
        .into_iter()
        .filter_map(|m| path_in(&crate::mail_support::parse(&m).text, "/invitations/"))
        .next()
        .expect("the respondent's invitation");

    let (_, signing) = app.file().await;
    let signing = id(&signing);
    app.act_ok(&mediator, &signing, json!({"action": "accept"}))
        .await;
    app.act_ok(
        &respondent,
        &signing,
        json!({"action": "respondent_consents"}),
    )
    .await;
    let c = app
        .act_ok(&mediator, &signing, json!({"action": "schedule_session", "at": future(2), "mode": "in_person", "location": "村委会调解室"}))
        .await;
    app.act_ok(&mediator, &signing, agreement(&c)).await;
    let res = app
        .get(
            &format!("/api/v1/cases/{signing}/documents/application"),
            Some(&resident),
        )
        .await;
    assert_eq!(
        res.status(),
        reqwest::StatusCode::OK,
        "{:?}",
        res.text().await
    );
    let code = res.headers()["x-verify-code"].to_str().unwrap().to_owned();
    let (_, page, _) = app
        .page(&format!("/cases/{signing}"), Some(&resident), "zh")
        .await;
    let card = path_in(&page, "/c/").expect("the case card");

    let case = format!("/cases/{signing}");
    let other = format!("/cases/{waiting}");
    let document = format!("/cases/{signing}/documents/agreement");
    let verify = format!("/verify/{code}");
    let owned = |list: &[&str]| list.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
    let visits: Vec<(&'static str, Option<&String>, Vec<String>)> = vec![
        (
            "visitor",
            None,
            owned(&[
                "/",
                "/login",
                "/login?by=email",
                "/login?by=password",
                "/lookup",
                "/help",
                "/privacy",
                "/file",
                "/stats",
                &verify,
                &card,
                "/no-such-page",
            ]),
        ),
        (
            "resident",
            Some(&resident),
            owned(&[
                "/",
                "/my",
                "/account",
                "/notifications",
                &case,
                &other,
                &document,
                "/no-such-page",
            ]),
        ),
        (
            "respondent",
            Some(&respondent),
            owned(&[&invitation, &case]),
        ),
        (
            "mediator",
            Some(&mediator),
            owned(&[
                "/queue",
                "/calendar",
                "/file-for",
                "/my",
                &case,
                &other,
                &document,
                "/account",
            ]),
        ),
        (
            "judge",
            Some(&judge),
            owned(&["/my", "/dashboard", "/account"]),
        ),
        (
            "admin",
            Some(&admin),
            owned(&[
                "/admin/staff",
                "/admin/policy",
                "/admin/deletions",
                "/admin/integrations",
                "/dashboard",
            ]),
        ),
    ];
    visits
        .into_iter()
        .flat_map(|(who, session, paths)| {
            paths.into_iter().map(move |path| Stop {
                who,
                session: session.cloned(),
                path,
            })
        })
        .collect()
}
