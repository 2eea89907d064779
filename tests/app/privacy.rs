//! The person's own rights: who opened my case (read audit), and everything held about me.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::id;
use crate::harness::{TestApp, error_of};

#[tokio::test]
async fn staff_openings_are_recorded_and_shown_to_the_parties() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let log_of = |token: String| {
        let app = &app;
        let case_id = case_id.clone();
        async move {
            let res = app
                .get(&format!("/api/v1/cases/{case_id}/access-log"), Some(&token))
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    // The parties' own reading is not recorded.
    app.get(&format!("/api/v1/cases/{case_id}"), Some(&resident))
        .await;
    assert_eq!(log_of(resident.clone()).await.as_array().unwrap().len(), 0);
    let mediator = app.login("village.mediator@demo.test").await;
    app.get(&format!("/api/v1/cases/{case_id}"), Some(&mediator))
        .await;
    app.page(&format!("/cases/{case_id}"), Some(&mediator), "zh")
        .await;
    let log = log_of(resident.clone()).await;
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    assert!(
        entries
            .iter()
            .all(|e| e["role"] == "mediator" && e["what"] == "case")
    );
    assert!(entries[0]["name"].as_str().is_some_and(|n| !n.is_empty()));
    // The party's case page says it in plain words.
    let (_, page, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    assert!(
        page.contains("谁查看过我的案件") && page.contains("查看了案件"),
        "{page}"
    );
    // Outsiders see neither the case nor its log.
    let neighbour = app.login("neighbour@demo.test").await;
    error_of(
        app.get(
            &format!("/api/v1/cases/{case_id}/access-log"),
            Some(&neighbour),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // The log cannot be edited in the database either.
    let edit = app
        .sql()
        .await
        .execute("UPDATE case_access_log SET role = 'resident'", &[])
        .await;
    assert!(edit.is_err());
}

#[tokio::test]
async fn a_person_downloads_everything_held_about_them() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    app.post_json(
        &format!("/api/v1/cases/{}/messages", id(&case)),
        Some(&resident),
        &json!({"body": "请尽快处理"}),
    )
    .await;
    let res = app.get("/api/v1/me/data", Some(&resident)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let data: Value = res.json().await.unwrap();
    assert_eq!(data["account"]["email"], "resident@demo.test");
    let cases = data["cases"].as_array().unwrap();
    assert!(
        cases.iter().any(|c| c["number"] == case["number"]),
        "{data}"
    );
    assert!(
        data["messages_written"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == "请尽快处理")
    );
    assert!(!data["sessions"].as_array().unwrap().is_empty());
    // Nobody else's cases are in it.
    let neighbour = app.login("neighbour@demo.test").await;
    let theirs: Value = app
        .get("/api/v1/me/data", Some(&neighbour))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !theirs["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["number"] == case["number"])
    );
    // The page offers it as a file.
    let res = app
        .client
        .get(app.url("/account/data"))
        .header("cookie", format!("fq_session={resident}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    error_of(
        app.get("/api/v1/me/data", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}
