//! Reminders go out once, when they fall due: the committee two days before a deadline.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::cases_support::{future, id};
use crate::harness::TestApp;

async fn outbox_kinds(app: &TestApp, kind: &str) -> i64 {
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    db.query_one("SELECT count(*) FROM outbox WHERE kind = $1", &[&kind])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn deadline_and_session_reminders_go_out_once_when_due() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    // Three days to accept: nothing is due yet, then the committee is reminded, once.
    assert!(app.sweep_at(Utc::now()).contains("0 reminder(s)"));
    let out = app.sweep_at(Utc::now() + Duration::hours(30));
    assert!(out.contains("1 reminder(s)"), "{out}");
    assert!(
        outbox_kinds(&app, "deadline_soon").await >= 1,
        "the committee's mediators are mailed"
    );
    assert!(
        app.sweep_at(Utc::now() + Duration::hours(31))
            .contains("0 reminder(s)"),
        "not twice"
    );
    // A session tomorrow reminds both sides and the mediator.
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(&mediator, &id(&case), json!({"action": "accept"}))
        .await;
    app.act_ok(
        &respondent,
        &id(&case),
        json!({"action": "respondent_consents"}),
    )
    .await;
    app.act_ok(&mediator, &id(&case), json!({"action": "schedule_session", "at": future(3), "mode": "online", "location": "https://meet.example/1"})).await;
    let out = app.sweep_at(Utc::now() + Duration::days(2) + Duration::hours(1));
    assert!(out.contains("1 reminder(s)"), "{out}");
    assert!(outbox_kinds(&app, "session_reminder").await >= 2);
}

/// The parties are reminded before each obligation's day, not only the agreement's last date.
#[tokio::test]
async fn each_obligation_is_reminded_before_its_day() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let c = app
        .act_ok(
            &respondent,
            &case_id,
            json!({"action": "respondent_consents"}),
        )
        .await;
    // Two obligations: one due in 5 days, one in 20.
    let mut body = crate::cases_support::agreement(&c);
    let mut later = body["obligations"][0].clone();
    later["due"] = json!(crate::cases_support::future_day(20));
    body["obligations"][0]["due"] = json!(crate::cases_support::future_day(5));
    body["obligations"].as_array_mut().unwrap().push(later);
    app.act_ok(&mediator, &case_id, body).await;
    crate::cases_support::sign_all(&app, &resident, &mediator, &case_id).await;
    let before = outbox_kinds(&app, "performance_due").await;
    let out = app.sweep_at(Utc::now() + Duration::days(4));
    assert!(out.contains("1 reminder(s)"), "{out}");
    assert!(outbox_kinds(&app, "performance_due").await > before);
    let out = app.sweep_at(Utc::now() + Duration::days(10));
    assert!(out.contains("0 reminder(s)"), "{out}");
    let out = app.sweep_at(Utc::now() + Duration::days(19));
    assert!(out.contains("1 reminder(s)"), "{out}");
}

/// Only resolved cases not yet performed are searched for performance dates: an ended case
/// or a performed one with an obligation due tomorrow is no candidate (the search once joined
/// its date test to the other conditions with a bare OR, and so read every case there is).
#[tokio::test]
async fn performance_dates_are_searched_among_unperformed_resolved_cases_only() {
    let app = TestApp::spawn().await;
    app.cli(&["seed-load", "--cases", "200", "--counties", "1"]);
    let tomorrow = (Utc::now() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let sql = app.sql().await;
    let rows = sql
        .query(
            &format!(
                "UPDATE cases SET agreement = jsonb_set(agreement, '{{obligations}}',
                     '[{{\"due\": \"{tomorrow}\"}}]'::jsonb)
                 WHERE id IN (SELECT DISTINCT ON (status, performance IS NULL) id FROM cases
                              WHERE agreement IS NOT NULL AND status IN ('resolved', 'closed')
                              ORDER BY status, performance IS NULL, id)
                 RETURNING id::text, status, performance IS NULL"
            ),
            &[],
        )
        .await
        .unwrap();
    let expected: Vec<String> = rows
        .iter()
        .filter(|r| r.get::<_, String>(1) == "resolved" && r.get::<_, bool>(2))
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        expected.len(),
        1,
        "a resolved case not performed was given a date"
    );
    assert!(rows.len() >= 2, "and an ended one too");
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let found: Vec<String> = fengqiao::db::reminders::candidates(&mut conn, Utc::now())
        .await
        .unwrap()
        .into_iter()
        .map(|(_, case)| case.to_string())
        .filter(|case| rows.iter().any(|r| r.get::<_, String>(0) == *case))
        .collect();
    assert_eq!(found, expected);
}
