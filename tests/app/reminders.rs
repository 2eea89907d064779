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
