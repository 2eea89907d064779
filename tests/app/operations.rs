//! Liveness, readiness, metrics, headers, and answers to malformed requests.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{TestApp, error_of};

#[tokio::test]
async fn health_ready_and_metrics() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        metrics.contains("fengqiao_http_requests_total{class=\"2xx\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("fengqiao_db_pool_connections"),
        "{metrics}"
    );
}

#[tokio::test]
async fn without_a_database_the_service_answers_503_quickly() {
    let app = TestApp::spawn_without_database().await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.headers().contains_key("retry-after"));
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": "resident@demo.test", "password": "demo-pass-2026"}),
        )
        .await;
    let retry = res.headers().get("retry-after").cloned();
    let body = error_of(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["error"], "unavailable");
    assert!(retry.is_some());
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = TestApp::spawn().await;
    let res = app.get("/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let page = res.text().await.unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external origins"
    );
}

#[tokio::test]
async fn unknown_paths_are_404_json_for_the_api_and_html_for_pages() {
    let app = TestApp::spawn().await;
    let body = error_of(
        app.get("/api/v1/nothing-here", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(body["error"], "not_found");
    let page = app.get("/nothing-here", None).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn malformed_bodies_get_a_400_with_what_was_wrong() {
    let app = TestApp::spawn().await;
    let send = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let broken = error_of(
        send("{\"email\": ", "application/json").await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(broken["error"], "bad_request");
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{broken}"
    );

    let missing = error_of(
        send("{\"email\": \"a@b.cn\"}", "application/json")
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        missing["message"].as_str().unwrap().contains("password"),
        "{missing}"
    );

    let wrong_type = error_of(
        send("{\"email\": 12, \"password\": true}", "application/json")
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        wrong_type["message"]
            .as_str()
            .unwrap()
            .contains("invalid type"),
        "{wrong_type}"
    );

    error_of(
        send("email=a", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;

    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(200_000)
    );
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let body: Value = error_of(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(body["error"], "payload_too_large");
}

#[test]
fn production_refuses_to_text_into_files_or_over_plain_http() {
    let run = |sms: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"));
        cmd.arg("serve")
            .env("FENGQIAO_ENV", "production")
            .env("PUBLIC_URL", "https://mediation.example.gov.cn")
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .env("BIND", "127.0.0.1:0")
            .env("DATA_KEY", "ab".repeat(32))
            .env("JWT_SECRET", "a-production-secret-of-more-than-32-bytes")
            .env("SMTP_URL", "smtps://relay.example.gov.cn:465")
            .env("HISTORY_KEY", "cd".repeat(32))
            .env("BUNDLE_SIGNING_KEY", "ef".repeat(32))
            .env("SMS_SECRET", "a-gateway-secret-0123");
        match sms {
            Some(s) => cmd.env("SMS_URL", s),
            None => cmd.env_remove("SMS_URL"),
        };
        let out = cmd.output().unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(run(None).contains("SMS_URL is not set"));
    // And without a history key of its own.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("serve")
        .env("FENGQIAO_ENV", "production")
        .env("PUBLIC_URL", "https://mediation.example.gov.cn")
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("DATA_KEY", "ab".repeat(32))
        .env("JWT_SECRET", "a-production-secret-of-more-than-32-bytes")
        .env_remove("HISTORY_KEY")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("HISTORY_KEY is not set"));
    // And without a key of its own to sign court bundles.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("serve")
        .env("FENGQIAO_ENV", "production")
        .env("PUBLIC_URL", "https://mediation.example.gov.cn")
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("DATA_KEY", "ab".repeat(32))
        .env("JWT_SECRET", "a-production-secret-of-more-than-32-bytes")
        .env("HISTORY_KEY", "cd".repeat(32))
        .env_remove("BUNDLE_SIGNING_KEY")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("BUNDLE_SIGNING_KEY is not set"));
    assert!(run(Some("http://gw.example.cn/send")).contains("over TLS"));
    // With a proper gateway the configuration passes and the start fails only on the database.
    assert!(!run(Some("https://gw.example.cn/send")).contains("SMS_URL"));
}

#[test]
fn production_refuses_a_weak_secret() {
    let run = |secret: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"));
        cmd.arg("serve")
            .env("FENGQIAO_ENV", "production")
            .env("PUBLIC_URL", "https://mediation.example.gov.cn")
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .env("BIND", "127.0.0.1:0")
            .env("DATA_KEY", "ab".repeat(32));
        match secret {
            Some(s) => cmd.env("JWT_SECRET", s),
            None => cmd.env_remove("JWT_SECRET"),
        };
        cmd.output().unwrap()
    };
    let unset = run(None);
    assert!(!unset.status.success());
    assert!(String::from_utf8_lossy(&unset.stderr).contains("JWT_SECRET is not set"));
    let short = run(Some("too-short-secret"));
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("at least 32"),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );
}
