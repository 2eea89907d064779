//! Parties rate the service once the case has ended, once each; the bell lists what happened.

use reqwest::StatusCode;
use serde_json::json;

use crate::cases_support::{id, mediate_to_resolution};
use crate::harness::{TestApp, error_of};

#[tokio::test]
async fn each_party_rates_once_after_the_case_ends() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let path = format!("/api/v1/cases/{case_id}/rating");
    // Not before it ends.
    error_of(
        app.post_json(&path, Some(&resident), &json!({"score": 5}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    mediate_to_resolution(&app, &resident, &mediator, &case_id).await;
    error_of(
        app.post_json(&path, Some(&resident), &json!({"score": 7}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    error_of(
        app.post_json(&path, Some(&resident), &json!({"stars": 5}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        app.post_json(
            &path,
            Some(&resident),
            &json!({"score": 5, "comment": "调解员很耐心"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    error_of(
        app.post_json(&path, Some(&resident), &json!({"score": 1}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        app.post_json(&path, Some(&respondent), &json!({"score": 3}))
            .await
            .status(),
        StatusCode::CREATED
    );
    error_of(
        app.post_json(&path, Some(&mediator), &json!({"score": 5}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let outsider = app.login("neighbour@demo.test").await;
    error_of(
        app.post_json(&path, Some(&outsider), &json!({"score": 5}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let (status, page, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "en")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("You rated it: 5/5"),
        "the case page shows the rating"
    );
}

#[tokio::test]
async fn the_bell_page_lists_notifications_and_marks_them_read() {
    let app = TestApp::spawn().await;
    let (resident, _) = app.file().await;
    let (status, page, _) = app.page("/notifications", Some(&resident), "zh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("条未读"),
        "the bell shows unread notifications"
    );
    let token = "dddddddddddddddddddddddddddddddd";
    let res = app
        .client
        .post(app.url("/notifications/read"))
        .header("cookie", format!("fq_session={resident}; fq_csrf={token}"))
        .form(&[("csrf", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page, _) = app.page("/notifications", Some(&resident), "zh").await;
    assert!(!page.contains("条未读"));
}
