//! One test per journey of a case through the committees (issue: the workflow engine).

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{id, mediate_to_resolution};
use crate::harness::TestApp;

#[tokio::test]
async fn resolved_at_the_village() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    assert_eq!(case["status"], "submitted");
    assert_eq!(case["level"], "village");
    assert!(
        case["number"]
            .as_str()
            .unwrap()
            .starts_with(&format!("330681-{}-", Utc::now().format("%Y")))
    );
    assert_eq!(case["access_code"].as_str().map(str::len), Some(8));
    assert!(case["next_step"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(case["amount"], 1200.5);
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let queue: Value = app
        .get("/api/v1/queue", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == case["id"])
    );
    let resolved = mediate_to_resolution(&app, &resident, &mediator, &case_id).await;
    assert_eq!(resolved["level"], "village");
    assert!(resolved["mediator"]["name"].is_string());
    let events: Value = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "filed",
        "accept",
        "respondent_consents",
        "schedule_session",
        "propose_agreement",
        "sign",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
}

#[tokio::test]
async fn escalated_by_the_mediator_and_resolved_at_the_township() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let village = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(&village, &case_id, json!({"action": "accept"}))
        .await;
    app.act_ok(
        &respondent,
        &case_id,
        json!({"action": "respondent_consents"}),
    )
    .await;
    let c = app
        .act_ok(
            &village,
            &case_id,
            json!({"action": "escalate", "reason": "涉及宅基地边界，需镇里协调"}),
        )
        .await;
    assert_eq!(
        (c["status"].as_str(), c["level"].as_str()),
        (Some("submitted"), Some("township"))
    );
    // The village mediator can still read it, but no longer act on it.
    assert!(c["allowed_actions"].as_array().unwrap().is_empty(), "{c}");
    let township = app.login("township.mediator@demo.test").await;
    // Consent given at the village carries up: acceptance goes straight to mediation.
    let c = app
        .act_ok(&township, &case_id, json!({"action": "accept"}))
        .await;
    assert_eq!(c["status"], "in_mediation");
    let resolved = mediate_to_resolution(&app, &resident, &township, &case_id).await;
    assert_eq!(resolved["level"], "township");
}

#[tokio::test]
async fn a_case_not_accepted_in_time_escalates_by_itself() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let township = app.login("township.mediator@demo.test").await;
    // The township does not see a village case before it escalates.
    assert_eq!(
        app.get(&format!("/api/v1/cases/{case_id}"), Some(&township))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let out = app.sweep_at(Utc::now() + Duration::days(2));
    assert!(out.contains("0 case(s) changed"), "{out}");
    let out = app.sweep_at(Utc::now() + Duration::days(4));
    assert!(out.contains("1 case(s) changed"), "{out}");
    let c = app.case(&resident, &case_id).await;
    assert_eq!(
        (c["status"].as_str(), c["level"].as_str()),
        (Some("submitted"), Some("township"))
    );
    assert_eq!(app.case(&township, &case_id).await["level"], "township");
    // Everyone named by the engine hears of it: the notices commit with the escalation and
    // `sweep` turns them into mail right after.
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let mailed: i64 = db
        .query_one("SELECT count(*) FROM outbox WHERE kind = 'escalated' AND email = 'township.mediator@demo.test'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(mailed, 1, "the receiving committee is told");
    // Idempotent: sweeping at the same time again changes nothing.
    assert!(
        app.sweep_at(Utc::now() + Duration::days(4))
            .contains("0 case(s) changed")
    );
    let events: Value = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "deadline_missed")
    );
}

#[tokio::test]
async fn a_mediation_that_runs_out_escalates_by_itself() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let village = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(&village, &case_id, json!({"action": "accept"}))
        .await;
    let c = app
        .act_ok(
            &respondent,
            &case_id,
            json!({"action": "respondent_consents"}),
        )
        .await;
    assert_eq!(c["status"], "in_mediation");
    assert_eq!(c["deadline_kind"], "mediation");
    app.sweep_at(Utc::now() + Duration::days(31));
    let c = app.case(&resident, &case_id).await;
    assert_eq!(
        (c["status"].as_str(), c["level"].as_str()),
        (Some("submitted"), Some("township"))
    );
}

#[tokio::test]
async fn refused_then_escalated_to_the_county_and_referred_to_court() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let respondent = app.login("respondent@demo.test").await;
    let judge = app.login("judge@demo.test").await;
    for (mediator, next_level) in [
        ("village.mediator@demo.test", "township"),
        ("township.mediator@demo.test", "county"),
    ] {
        let m = app.login(mediator).await;
        app.act_ok(&m, &case_id, json!({"action": "accept"})).await;
        let c = app
            .act_ok(
                &respondent,
                &case_id,
                json!({"action": "respondent_refuses", "reason": "不愿意调解"}),
            )
            .await;
        assert_eq!(c["status"], "unmediable");
        let c = app
            .act_ok(
                &m,
                &case_id,
                json!({"action": "escalate", "reason": "对方拒绝调解"}),
            )
            .await;
        assert_eq!(c["level"], next_level);
    }
    // Now at county level: the judge sees it.
    let list: Value = app
        .get("/api/v1/cases", Some(&judge))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"].as_str() == Some(&case_id))
    );
    let county = app.login("county.mediator@demo.test").await;
    app.act_ok(&county, &case_id, json!({"action": "accept"}))
        .await;
    app.act_ok(
        &respondent,
        &case_id,
        json!({"action": "respondent_refuses"}),
    )
    .await;
    let c = app
        .act_ok(
            &county,
            &case_id,
            json!({"action": "refer_to_court", "reason": "对方拒绝调解，引导起诉"}),
        )
        .await;
    assert_eq!(c["status"], "referred");
    let seen = app.case(&judge, &case_id).await;
    assert_eq!(seen["status"], "referred");
    assert_eq!(app.case(&resident, &case_id).await["status"], "referred");
}

#[tokio::test]
async fn the_applicant_withdraws() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let c = app
        .act_ok(
            &resident,
            &case_id,
            json!({"action": "withdraw", "reason": "已私下和解"}),
        )
        .await;
    assert_eq!(c["status"], "withdrawn");
    assert!(c["deadline_at"].is_null());
    let mediator = app.login("village.mediator@demo.test").await;
    let res = app
        .act(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn judicial_confirmation_confirmed_and_rejected() {
    let app = TestApp::spawn().await;
    let judge = app.login("judge@demo.test").await;
    let mediator = app.login("village.mediator@demo.test").await;
    for decision in ["confirm", "reject_confirmation"] {
        let (resident, case) = app.file().await;
        let case_id = id(&case);
        // Before anyone applies, a village case is not the judge's to see.
        assert_eq!(
            app.get(&format!("/api/v1/cases/{case_id}"), Some(&judge))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        mediate_to_resolution(&app, &resident, &mediator, &case_id).await;
        let c = app
            .act_ok(&resident, &case_id, json!({"action": "apply_confirmation"}))
            .await;
        assert_eq!(c["confirmation"], "requested");
        let seen = app.case(&judge, &case_id).await;
        assert!(
            seen["allowed_actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == decision),
            "{seen}"
        );
        let mut body = json!({"action": decision});
        if decision == "reject_confirmation" {
            // A rejection needs its reason.
            let res = app.act(&judge, &case_id, body.clone()).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST);
            body["reason"] = json!("协议内容违反法律规定");
        }
        let c = app.act_ok(&judge, &case_id, body).await;
        let expected = if decision == "confirm" {
            "confirmed"
        } else {
            "rejected"
        };
        assert_eq!(c["confirmation"], expected);
        assert_eq!(
            app.case(&resident, &case_id).await["confirmation"],
            expected
        );
    }
}

#[tokio::test]
async fn performance_and_follow_up_close_the_case() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    mediate_to_resolution(&app, &resident, &mediator, &case_id).await;
    let c = app
        .act_ok(
            &mediator,
            &case_id,
            json!({"action": "record_performance", "performed": "full", "note": "已改管"}),
        )
        .await;
    assert_eq!(c["status"], "resolved");
    let bad = app
        .act(
            &mediator,
            &case_id,
            json!({"action": "record_follow_up", "satisfaction": 9}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let c = app
        .act_ok(
            &mediator,
            &case_id,
            json!({"action": "record_follow_up", "satisfaction": 5, "note": "双方满意"}),
        )
        .await;
    assert_eq!(c["status"], "closed");
    assert!(c["allowed_actions"].as_array().unwrap().is_empty());
}
