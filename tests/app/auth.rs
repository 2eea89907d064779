//! Login, logout, `/me` for every role, revocation and throttling.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{PASSWORD, TestApp, error_of};

#[tokio::test]
async fn login_gives_a_token_and_a_safe_cookie() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": " Village.Mediator@demo.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("fq_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let body: Value = res.json().await.unwrap();
    assert!(
        body["token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3)
    );
    assert!(body["expires_at"].is_string());

    // The cookie alone authenticates too (pages use it).
    let value = cookie.split(';').next().unwrap();
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", value)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "resident@demo.test", "password": "nope-nope-nope"}),
        )
        .await;
    let a = error_of(wrong, StatusCode::UNAUTHORIZED).await;
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@demo.test", "password": PASSWORD}),
        )
        .await;
    let b = error_of(unknown, StatusCode::UNAUTHORIZED).await;
    assert_eq!(a, b);
    assert_eq!(a["error"], "invalid_credentials");
}

#[tokio::test]
async fn me_answers_for_every_role() {
    let app = TestApp::spawn().await;
    let cases = [
        ("resident@demo.test", "resident", None),
        (
            "village.mediator@demo.test",
            "mediator",
            Some(("village", "330681109201")),
        ),
        (
            "village.head@demo.test",
            "committee_head",
            Some(("village", "330681109201")),
        ),
        (
            "township.mediator@demo.test",
            "mediator",
            Some(("township", "330681109000")),
        ),
        (
            "county.mediator@demo.test",
            "mediator",
            Some(("county", "330681000000")),
        ),
        ("judge@demo.test", "judge", None),
        ("admin@demo.test", "county_admin", None),
    ];
    for (email, role, committee) in cases {
        let token = app.login(email).await;
        let me: Value = app
            .get("/api/v1/me", Some(&token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["email"], email);
        assert_eq!(me["role"], role, "{email}");
        assert_eq!(me["county_code"], "330681000000", "{email}");
        assert!(me["id"].is_string() && me["name"].is_string());
        match committee {
            None => assert!(me["committee"].is_null(), "{email}: {me}"),
            Some((level, code)) => {
                assert_eq!(me["committee"]["level"], level, "{email}");
                assert_eq!(me["committee"]["division_code"], code, "{email}");
                assert!(me["committee"]["id"].is_string());
            }
        }
    }
}

#[tokio::test]
async fn me_without_a_token_is_401() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/v1/me", None).await;
    assert!(res.headers().contains_key("www-authenticate"));
    error_of(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = TestApp::spawn().await;
    let token = app.login("resident@demo.test").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    let out = app
        .post_json("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    error_of(
        app.get("/api/v1/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // A fresh login still works.
    let again = app.login("resident@demo.test").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&again)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_role_change_revokes_earlier_tokens() {
    let app = TestApp::spawn().await;
    let token = app.login("admin@demo.test").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let id = uuid::Uuid::parse_str(me["id"].as_str().unwrap()).unwrap();
    // Changed in the database directly, as another node or system would: the node hears of it.
    fengqiao::db::users::change_role(&mut conn, id, "judge", None)
        .await
        .unwrap();
    crate::harness::refused_within(&app, "/api/v1/me", &token).await;
    let fresh = app.login("admin@demo.test").await;
    let me: Value = app
        .get("/api/v1/me", Some(&fresh))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "judge");
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_account() {
    let app = TestApp::spawn().await;
    for _ in 0..fengqiao::auth::rate_limit::PER_ACCOUNT_AND_ADDRESS {
        let res = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"email": "judge@demo.test", "password": "wrong-password"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused for a while, with a Retry-After.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "judge@demo.test", "password": PASSWORD}),
        )
        .await;
    assert!(res.headers().contains_key("retry-after"));
    let body = error_of(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["error"], "rate_limited");
    // Other accounts are not affected.
    app.login("resident@demo.test").await;
}

#[tokio::test]
async fn an_attacker_elsewhere_does_not_lock_out_the_owner_and_a_spread_attack_is_unlocked_by_mail()
{
    let app = TestApp::spawn().await;
    let sql = app.sql().await;
    // Five failures from another address: that address is slowed down, the owner here is not.
    sql.batch_execute(
        "INSERT INTO login_failures (key, at)
         SELECT 'account-address:judge@demo.test|203.0.113.9', now() FROM generate_series(1, 5);
         INSERT INTO login_failures (key, at)
         SELECT 'account:judge@demo.test', now() FROM generate_series(1, 5);",
    )
    .await
    .unwrap();
    app.login("judge@demo.test").await;
    // Twenty failures from many addresses: the account is locked, here too, and an unlock link
    // goes to its address.
    sql.execute(
        "INSERT INTO login_failures (key, at) SELECT 'account:judge@demo.test', now() FROM generate_series(1, 20)",
        &[],
    )
    .await
    .unwrap();
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "judge@demo.test", "password": PASSWORD}),
        )
        .await;
    let body = error_of(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["error"], "locked");
    // The same answer for an address without an account, and no mail for it.
    sql.execute(
        "INSERT INTO login_failures (key, at) SELECT 'account:nobody@demo.test', now() FROM generate_series(1, 20)",
        &[],
    )
    .await
    .unwrap();
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@demo.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        error_of(res, StatusCode::TOO_MANY_REQUESTS).await["error"],
        "locked"
    );
    let mails: Vec<String> = app
        .mail_files()
        .into_iter()
        .filter(|m| m.contains("login/unlock"))
        .collect();
    assert_eq!(
        mails.len(),
        1,
        "one unlock mail, to the account that exists"
    );
    let text = crate::mail_support::parse(&mails[0]).text;
    let link = crate::sign_in_support::path_in(&text, "/login/unlock/").unwrap();
    let (status, page, _) = app.page(&link, None, "zh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("已解锁"));
    app.login("judge@demo.test").await;
    // Once only.
    assert_eq!(
        app.page(&link, None, "zh").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
