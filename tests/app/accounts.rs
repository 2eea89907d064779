//! Accounts that live and die properly: staff invited by a link that sets the first password,
//! password change and reset, sessions listed and ended everywhere, deactivation that ends
//! every session at once, and a resident adding a number proved by a code.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{PASSWORD, TestApp, error_of};
use crate::mail_support::parse;
use crate::sign_in_support::path_in;

/// The token of the newest account link mailed to `to`.
fn link_token(app: &TestApp, to: &str) -> String {
    let mail = app
        .mail_files()
        .into_iter()
        .filter(|m| m.contains(&format!("<{to}>")) || m.contains(&format!("To: {to}")))
        .find(|m| m.contains("account/link"))
        .unwrap_or_else(|| panic!("no account link mailed to {to}"));
    let text = parse(&mail).text;
    let path = path_in(&text, "/account/link/").expect("a link");
    path.trim_start_matches("/account/link/").to_owned()
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.post_json(
        "/api/v1/auth/login",
        None,
        &json!({"email": email, "password": password}),
    )
    .await
    .status()
}

#[tokio::test]
async fn an_invited_mediator_sets_the_first_password_through_the_link_once() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let res = app
        .post_json(
            "/api/v1/staff",
            Some(&admin),
            &json!({"name": "钱多多", "email": "qian@demo.test", "role": "mediator", "committee_code": crate::cases_support::VILLAGE}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // No password yet: nobody can log in with one.
    assert_eq!(
        login_status(&app, "qian@demo.test", "").await,
        StatusCode::UNAUTHORIZED
    );
    let token = link_token(&app, "qian@demo.test");
    let short = app
        .post_json(
            "/api/v1/auth/link",
            None,
            &json!({"token": token, "password": "short"}),
        )
        .await;
    error_of(short, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .post_json(
            "/api/v1/auth/link",
            None,
            &json!({"token": token, "password": "a-long-first-password"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let session: Value = res.json().await.unwrap();
    let me: Value = app
        .get("/api/v1/me", session["token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "mediator");
    // Once only.
    let again = app
        .post_json(
            "/api/v1/auth/link",
            None,
            &json!({"token": token, "password": "another-long-password"}),
        )
        .await;
    error_of(again, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        login_status(&app, "qian@demo.test", "a-long-first-password").await,
        StatusCode::OK
    );
    // Only an admin invites, only staff roles, only once per address.
    let mediator = app.login("village.mediator@demo.test").await;
    let res = app
        .post_json(
            "/api/v1/staff",
            Some(&mediator),
            &json!({"name": "x", "email": "x@demo.test", "role": "mediator"}),
        )
        .await;
    error_of(res, StatusCode::NOT_FOUND).await;
    let res = app
        .post_json(
            "/api/v1/staff",
            Some(&admin),
            &json!({"name": "x", "email": "x@demo.test", "role": "county_admin"}),
        )
        .await;
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .post_json(
            "/api/v1/staff",
            Some(&admin),
            &json!({"name": "钱多多", "email": "qian@demo.test", "role": "judge"}),
        )
        .await;
    error_of(res, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn deactivation_ends_every_session_at_once_and_reactivation_restores_the_login() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let mediator = app.login("village.mediator@demo.test").await;
    let phone = app.login("village.mediator@demo.test").await;
    let me: Value = app
        .get("/api/v1/me", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    let id = me["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json(
            &format!("/api/v1/staff/{id}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for token in [&mediator, &phone] {
        error_of(
            app.get("/api/v1/queue", Some(token)).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    assert_eq!(
        login_status(&app, "village.mediator@demo.test", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    // An admin cannot be locked out by their own hand, nor reach another county's staff.
    let admin_me: Value = app
        .get("/api/v1/me", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post_json(
            &format!(
                "/api/v1/staff/{}/deactivate",
                admin_me["id"].as_str().unwrap()
            ),
            Some(&admin),
            &json!({}),
        )
        .await;
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .post_json(
            &format!("/api/v1/staff/{}/deactivate", uuid::Uuid::new_v4()),
            Some(&admin),
            &json!({}),
        )
        .await;
    error_of(res, StatusCode::NOT_FOUND).await;
    let judge = app.login("judge@demo.test").await;
    let res = app
        .post_json(
            &format!("/api/v1/staff/{id}/reactivate"),
            Some(&judge),
            &json!({}),
        )
        .await;
    error_of(res, StatusCode::NOT_FOUND).await;
    let res = app
        .post_json(
            &format!("/api/v1/staff/{id}/reactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        login_status(&app, "village.mediator@demo.test", PASSWORD).await,
        StatusCode::OK
    );
    // The old tokens stay dead after reactivation.
    error_of(
        app.get("/api/v1/queue", Some(&mediator)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn sessions_are_listed_and_ended_everywhere() {
    let app = TestApp::spawn().await;
    let first = app.login("judge@demo.test").await;
    let second = app.login("judge@demo.test").await;
    let res = app.get("/api/v1/me/sessions", Some(&second)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{body}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(sessions.iter().all(|s| s["method"] == "password"));
    // Logging out one session takes it off the list.
    let res = app
        .post_json("/api/v1/auth/logout", Some(&first), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let body: Value = app
        .get("/api/v1/me/sessions", Some(&second))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["sessions"].as_array().unwrap().len(), 1);
    let third = app.login("judge@demo.test").await;
    let res = app
        .client
        .delete(app.url("/api/v1/me/sessions"))
        .bearer_auth(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for token in [&second, &third] {
        error_of(
            app.get("/api/v1/me", Some(token)).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    let fresh = app.login("judge@demo.test").await;
    let body: Value = app
        .get("/api/v1/me/sessions", Some(&fresh))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["sessions"].as_array().unwrap().len(), 1);
    error_of(
        app.get("/api/v1/me/sessions", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn staff_change_and_reset_their_password() {
    let app = TestApp::spawn().await;
    let token = app.login("township.mediator@demo.test").await;
    let other = app.login("township.mediator@demo.test").await;
    let wrong = app
        .post_json(
            "/api/v1/auth/password",
            Some(&token),
            &json!({"current": "not-the-password", "new": "a-brand-new-password"}),
        )
        .await;
    error_of(wrong, StatusCode::UNAUTHORIZED).await;
    let short = app
        .post_json(
            "/api/v1/auth/password",
            Some(&token),
            &json!({"current": PASSWORD, "new": "short"}),
        )
        .await;
    error_of(short, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .post_json(
            "/api/v1/auth/password",
            Some(&token),
            &json!({"current": PASSWORD, "new": "a-brand-new-password"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let fresh: Value = res.json().await.unwrap();
    error_of(
        app.get("/api/v1/me", Some(&other)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        app.get("/api/v1/me", fresh["token"].as_str())
            .await
            .status(),
        StatusCode::OK
    );

    // Reset: the same answer for an address with or without an account; only the account gets mail.
    for email in [
        "township.mediator@demo.test",
        "nobody@demo.test",
        "resident@demo.test",
    ] {
        let res = app
            .post_json("/api/v1/auth/reset", None, &json!({"email": email}))
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED, "{email}");
    }
    let mails = app.mail_files();
    assert_eq!(
        mails.iter().filter(|m| m.contains("account/link")).count(),
        1,
        "only staff get a reset link"
    );
    let link = link_token(&app, "township.mediator@demo.test");
    let res = app
        .post_json(
            "/api/v1/auth/link",
            None,
            &json!({"token": link, "password": "reset-password-2026"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    error_of(
        app.get("/api/v1/me", fresh["token"].as_str()).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        login_status(&app, "township.mediator@demo.test", "reset-password-2026").await,
        StatusCode::OK
    );
    // Reset mails are limited per address.
    let mut last = StatusCode::ACCEPTED;
    for _ in 0..4 {
        last = app
            .post_json(
                "/api/v1/auth/reset",
                None,
                &json!({"email": "nobody@demo.test"}),
            )
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_resident_adds_a_number_proved_by_a_code_and_chooses_texts() {
    let app = TestApp::spawn().await;
    let token = app.login("neighbour@demo.test").await;
    let res = app
        .post_json(
            "/api/v1/me/contact/code",
            Some(&token),
            &json!({"phone": "13900008888"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code = app.code_texted_to("13900008888");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let res = app
        .post_json(
            "/api/v1/me/contact",
            Some(&token),
            &json!({"phone": "13900008888", "code": wrong}),
        )
        .await;
    error_of(res, StatusCode::UNAUTHORIZED).await;
    let res = app
        .post_json(
            "/api/v1/me/contact",
            Some(&token),
            &json!({"phone": "13900008888", "code": code}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["phone"], "139****8888");
    let res = app
        .client
        .put(app.url("/api/v1/me/channel"))
        .bearer_auth(&token)
        .json(&json!({"channel": "sms"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .client
        .put(app.url("/api/v1/me/channel"))
        .bearer_auth(&token)
        .json(&json!({"channel": "pigeon"}))
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Now signing in by that number reaches the same account (a minute later, as far as the
    // per-number limit knows).
    let forget = "DELETE FROM throttle_events";
    app.sql().await.execute(forget, &[]).await.unwrap();
    let (by_phone, body) = app.sign_in_by_phone("13900008888", "").await;
    assert_eq!(body["new_account"], false);
    let me2: Value = app
        .get("/api/v1/me", Some(&by_phone))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me2["id"], me["id"]);
    // Another account cannot take the same number.
    app.sql().await.execute(forget, &[]).await.unwrap();
    let other = app.login("resident@demo.test").await;
    let res = app
        .post_json(
            "/api/v1/me/contact/code",
            Some(&other),
            &json!({"phone": "13900008888"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code = app.code_texted_to("13900008888");
    let res = app
        .post_json(
            "/api/v1/me/contact",
            Some(&other),
            &json!({"phone": "13900008888", "code": code}),
        )
        .await;
    error_of(res, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn housekeeping_drops_what_has_expired_and_keeps_what_is_live() {
    let app = TestApp::spawn().await;
    let sql = app.sql().await;
    let res = app
        .post_json("/api/v1/auth/code", None, &json!({"phone": "13900009999"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let live = app.login("judge@demo.test").await;
    sql.batch_execute(
        "INSERT INTO throttle_events (key, at) VALUES ('old', now() - interval '2 days');
         INSERT INTO sign_in_codes (id, destination, code_hash, created_at, expires_at)
           VALUES (gen_random_uuid(), repeat('a', 64), repeat('b', 64), now() - interval '3 days', now() - interval '3 days');
         INSERT INTO short_links (code, target, created_at, expires_at)
           VALUES ('ABCDEFGH', '/cases/x', now() - interval '100 days', now() - interval '1 day');
         INSERT INTO user_sessions (jti, user_id, created_at, expires_at, method)
           SELECT gen_random_uuid(), id, now() - interval '2 days', now() - interval '1 day', 'password'
           FROM users WHERE email = 'judge@demo.test';",
    )
    .await
    .unwrap();
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    fengqiao::jobs::housekeeping::run(&mut conn, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT count(*) FROM throttle_events WHERE key = 'old'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM throttle_events").await,
        3,
        "the live code's limits stay"
    );
    assert_eq!(app.count("SELECT count(*) FROM sign_in_codes").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM short_links").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM user_sessions WHERE expires_at < now()")
            .await,
        0
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&live)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_account_page_adds_a_number_by_code_and_logs_out_everywhere() {
    let app = TestApp::spawn().await;
    let token = app.login("neighbour@demo.test").await;
    let other = app.login("neighbour@demo.test").await;
    let csrf = "cccccccccccccccccccccccccccccccc";
    let cookie = format!("fq_session={token}; fq_csrf={csrf}");
    let (status, page, _) = app.page("/account", Some(&token), "zh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("就是这台设备") && page.contains("退出所有设备"),
        "{page}"
    );
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        app.client
            .post(app.url(path))
            .header("cookie", cookie.clone())
            .form(&form)
            .send()
    };
    let res = post(
        "/account/contact",
        vec![
            ("csrf", csrf.into()),
            ("to", "1390000".into()),
            ("act", "send".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("手机号不对"));
    let res = post(
        "/account/contact",
        vec![
            ("csrf", csrf.into()),
            ("to", "139 0000 1234".into()),
            ("act", "send".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("139****1234"));
    let code = app.code_texted_to("13900001234");
    let res = post(
        "/account/contact",
        vec![
            ("csrf", csrf.into()),
            ("to", "139 0000 1234".into()),
            ("code", code),
            ("act", "verify".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page, _) = app.page("/account?saved=contact", Some(&token), "zh").await;
    assert!(
        page.contains("139****1234") && page.contains("已保存"),
        "{page}"
    );
    let res = post("/account/sessions/end", vec![("csrf", csrf.into())])
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for t in [&token, &other] {
        error_of(
            app.get("/api/v1/me", Some(t)).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
}
