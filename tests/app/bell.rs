//! The in-app side of notifications (issue 6): the bell and marking read, the phone-call flag
//! for a party without an address, and undeliverable mail shown to the county admin.

use fengqiao::notify::Mailer;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{VILLAGE, dispute, id};
use crate::harness::{TestApp, error_of};

#[tokio::test]
async fn the_bell_lists_newest_first_and_marks_read() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let respondent = app.login("respondent@demo.test").await;
    let inbox = |token: String| {
        let app = &app;
        async move {
            let res = app.get("/api/v1/notifications", Some(&token)).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    let bell = inbox(respondent.clone()).await;
    assert_eq!(bell["unread"], 2, "{bell}");
    let kinds: Vec<_> = bell["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&"accepted") && kinds.contains(&"respondent_invitation"));
    let first = &bell["items"][0];
    assert_eq!(first["case_number"], case["number"]);
    assert!(first["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(first["read_at"].is_null());

    // Someone else's notification cannot be marked by id.
    let resident = app.login("resident@demo.test").await;
    let res = app
        .post_json(
            "/api/v1/notifications/read",
            Some(&resident),
            &json!({"ids": [first["id"]]}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["marked"], 0);

    let res = app
        .post_json(
            "/api/v1/notifications/read",
            Some(&respondent),
            &json!({"ids": [first["id"]]}),
        )
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["marked"].clone(), body["unread"].clone()),
        (json!(1), json!(1))
    );
    let res = app
        .post_json(
            "/api/v1/notifications/read",
            Some(&respondent),
            &json!({"all": true}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 0);
    let bell = inbox(respondent.clone()).await;
    assert!(
        bell["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["read_at"].is_string())
    );

    for bad in [
        json!({}),
        json!({"ids": []}),
        json!({"ids": [first["id"]], "all": true}),
    ] {
        let res = app
            .post_json("/api/v1/notifications/read", Some(&respondent), &bad)
            .await;
        error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let res = app
        .post_json(
            "/api/v1/notifications/read",
            Some(&respondent),
            &json!({"ids": ["not-a-uuid"]}),
        )
        .await;
    error_of(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .get("/api/v1/notifications?limit=0", Some(&respondent))
        .await;
    error_of(res, StatusCode::BAD_REQUEST).await;
    let res = app.get("/api/v1/notifications", None).await;
    error_of(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_party_with_only_a_phone_is_invited_by_sms_not_by_a_phone_call() {
    let app = TestApp::spawn().await;
    let resident = app.login("resident@demo.test").await;
    let mut body = dispute();
    body["village_code"] = json!(VILLAGE);
    body["respondents"] = json!([{"name": "张大爷", "phone": "13900001111"}]);
    let res = app.post_json("/api/v1/cases", Some(&resident), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let case: Value = res.json().await.unwrap();
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let rows = app.outbox(&case_id).await;
    assert!(
        rows.iter()
            .any(|m| m.kind == "respondent_invitation" && m.email == "sms"),
        "{rows:?}"
    );
    let bell: Value = app
        .get("/api/v1/notifications", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        bell["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] != "needs_phone_call"),
        "{bell}"
    );
}

#[tokio::test]
async fn a_party_without_number_or_address_is_flagged_for_a_phone_call() {
    let app = TestApp::spawn().await;
    let resident = app.login("resident@demo.test").await;
    let mut body = dispute();
    body["village_code"] = json!(VILLAGE);
    body["respondents"] = json!([{"name": "张大爷"}]);
    let res = app.post_json("/api/v1/cases", Some(&resident), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let case: Value = res.json().await.unwrap();
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let rows = app.outbox(&case_id).await;
    assert!(
        rows.iter().all(|m| m.kind != "respondent_invitation"),
        "{rows:?}"
    );
    let res = app.get("/api/v1/notifications", Some(&mediator)).await;
    let bell: Value = res.json().await.unwrap();
    let calls: Vec<_> = bell["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "needs_phone_call")
        .collect();
    let party = app.respondent_party(&case_id).await;
    assert!(
        calls.iter().any(
            |n| n["data"]["about"] == "respondent_invitation" && n["data"]["party_id"] == party
        ),
        "{bell}"
    );
}

#[tokio::test]
async fn undeliverable_mail_is_shown_to_the_county_admin_only() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    // A mail the service cannot write (no words for this kind) is given up at once.
    app.sql()
        .await
        .execute(
            "UPDATE outbox SET kind = 'no_such_kind' WHERE kind = 'filing_receipt'",
            &[],
        )
        .await
        .unwrap();
    let report = app.drain(&app.notifier(Mailer::memory().0)).await;
    assert_eq!(report.failed, 1);
    let admin = app.login("admin@demo.test").await;
    let res = app.get("/api/v1/outbox/failed", Some(&admin)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["case_number"], case["number"]);
    assert_eq!(items[0]["email"], "resident@demo.test");
    assert!(
        items[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("no_such_kind")
    );
    for who in [
        "village.mediator@demo.test",
        "judge@demo.test",
        "resident@demo.test",
    ] {
        let token = app.login(who).await;
        let res = app.get("/api/v1/outbox/failed", Some(&token)).await;
        error_of(res, StatusCode::FORBIDDEN).await;
    }
}
