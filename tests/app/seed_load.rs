//! `fengqiao seed-load` makes a synthetic province whose rows the service can read and the
//! engine can act on, with valid history chains; it refuses to run twice. The batched sweeper
//! then escalates its due cases and the chains still verify.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_postgres::NoTls;

use crate::harness::TestApp;

fn fengqiao(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn login(app: &TestApp, email: &str) -> String {
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": fengqiao::seed::load::LOAD_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "login as {email}");
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_seeded_province_is_readable_verifiable_sweepable_and_seeded_once() {
    let app = TestApp::spawn().await;
    let first = ok(&fengqiao(
        &app,
        &["seed-load", "--cases", "400", "--counties", "2"],
    ));
    assert!(first.contains("400 cases"), "{first}");
    let again = fengqiao(&app, &["seed-load", "--cases", "400", "--counties", "2"]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already ran"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    ok(&fengqiao(&app, &["verify-audit"]));

    let (db, conn) = tokio_postgres::connect(&app.config.database_url, NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let row = db
        .query_one(
            "SELECT u.email, c.id::text FROM cases c JOIN users u ON u.committee_id = c.committee_id
             WHERE u.role = 'mediator' AND c.status = 'in_mediation' AND u.email LIKE '%@load.test'
             LIMIT 1",
            &[],
        )
        .await
        .unwrap();
    let (email, case_id): (String, String) = (row.get(0), row.get(1));
    let mediator = login(&app, &email).await;
    let queue: Value = app
        .get("/api/v1/queue?limit=50", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert!(!queue["items"].as_array().unwrap().is_empty(), "{queue}");
    let page = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&mediator))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let judge = login(&app, "judge.990101000000@load.test").await;
    let list = app.get("/api/v1/cases?limit=20", Some(&judge)).await;
    assert_eq!(list.status(), StatusCode::OK);

    // A filing after the load gets a fresh number, not one the seeder used.
    let resident = login(&app, "resident0@load.test").await;
    let filed = app
        .post_json(
            "/api/v1/cases",
            Some(&resident),
            &json!({"category": "debt", "narrative": "借款未还", "request": "还款",
                    "village_code": "990101001201", "respondents": [{"name": "李四"}]}),
        )
        .await;
    assert_eq!(filed.status(), StatusCode::CREATED);

    let due: i64 = db
        .query_one(
            "SELECT count(*) FROM cases WHERE deadline_at IS NOT NULL
             AND status NOT IN ('closed', 'declined', 'referred', 'withdrawn')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(due > 50, "{due} cases with a running clock");
    let far = (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339();
    let swept = ok(&fengqiao(&app, &["sweep", "--now", &far]));
    assert!(!swept.contains(": 0 case(s) changed"), "{swept}");
    assert!(swept.contains("0 refused"), "{swept}");
    let escalated: i64 = db
        .query_one(
            "SELECT count(*) FROM case_events WHERE kind = 'escalated'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(escalated > 0);
    ok(&fengqiao(&app, &["verify-audit"]));
    let repeat = ok(&fengqiao(&app, &["sweep", "--now", &far]));
    assert!(repeat.contains(": 0 case(s) changed"), "{repeat}");
}
