//! The staff second factor: a mediator turns it on with an authenticator app, then signs in with
//! password and code; a code works once, recovery codes once each; in production a judge must
//! enrol at the first login. The test plays the app with totp-rs from the secret the service
//! showed.

use reqwest::StatusCode;
use serde_json::{Value, json};
use totp_rs::{Builder, Secret};

use crate::harness::{PASSWORD, TestApp, error_of};

fn app_code(secret: &str, offset_steps: i64) -> String {
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap();
    let now = chrono::Utc::now().timestamp() + offset_steps * 30;
    totp.generate(u64::try_from(now).unwrap()).to_string()
}

async fn login(app: &TestApp, email: &str) -> Value {
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_mediator_turns_the_second_factor_on_and_signs_in_with_it() {
    let app = TestApp::spawn().await;
    let token = app.login("village.mediator@demo.test").await;
    let res = app
        .post_json("/api/v1/me/second-factor", Some(&token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let enrolment: Value = res.json().await.unwrap();
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert!(
        enrolment["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    error_of(
        app.post_json(
            "/api/v1/me/second-factor/confirm",
            Some(&token),
            &json!({"code": "000000"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let confirmed_with = app_code(&secret, 0);
    let res = app
        .post_json(
            "/api/v1/me/second-factor/confirm",
            Some(&token),
            &json!({"code": confirmed_with}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let recovery: Vec<String> = res.json::<Value>().await.unwrap()["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);

    // The password alone no longer gives a session.
    let first = login(&app, "village.mediator@demo.test").await;
    assert_eq!(first["second_factor"], "totp");
    assert!(first["token"].is_null());
    let ticket = first["ticket"].as_str().unwrap().to_owned();
    error_of(
        app.get("/api/v1/me", Some(&ticket)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let step = |ticket: String, code: String| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/auth/second-factor",
                None,
                &json!({"ticket": ticket, "code": code}),
            )
            .await
        }
    };
    // The code confirmed a moment ago was spent: the next step's code is needed.
    error_of(
        step(ticket.clone(), app_code(&secret, 0)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let res = step(ticket.clone(), app_code(&secret, 1)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let session: Value = res.json().await.unwrap();
    assert_eq!(
        app.get("/api/v1/me", session["token"].as_str())
            .await
            .status(),
        StatusCode::OK
    );
    // A recovery code works once.
    let again = login(&app, "village.mediator@demo.test").await;
    let ticket = again["ticket"].as_str().unwrap().to_owned();
    assert_eq!(
        step(ticket.clone(), recovery[0].to_lowercase())
            .await
            .status(),
        StatusCode::OK
    );
    error_of(
        step(ticket.clone(), recovery[0].clone()).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // A forged or stale ticket is refused.
    error_of(
        step("not-a-ticket".into(), recovery[1].clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Five wrong codes stop further tries for a while.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = step(ticket.clone(), "123456".into()).await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // The page login asks for the code on its second screen.
    let csrf = "abababababababababababababababab";
    let res = app
        .client
        .post(app.url("/login"))
        .header("cookie", format!("fq_csrf={csrf}"))
        .form(&[
            ("csrf", csrf),
            ("email", "village.mediator@demo.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().starts_with("fq_session"))
    );
    assert!(res.text().await.unwrap().contains("验证器"));
}

#[tokio::test]
async fn in_production_a_judge_must_enrol_at_the_first_login() {
    let app = TestApp::spawn_with(|c| c.env = fengqiao::config::Environment::Production).await;
    let first = login(&app, "judge@demo.test").await;
    assert_eq!(first["second_factor"], "enrol");
    let ticket = first["ticket"].as_str().unwrap().to_owned();
    let res = app
        .post_json(
            "/api/v1/auth/second-factor/enrol",
            None,
            &json!({"ticket": ticket}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let enrolment: Value = res.json().await.unwrap();
    let secret = enrolment["secret"].as_str().unwrap();
    let res = app
        .post_json(
            "/api/v1/auth/second-factor/confirm",
            None,
            &json!({"ticket": ticket, "code": app_code(secret, 0)}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["recovery_codes"].as_array().unwrap().len(), 10);
    let token = body["token"].as_str().unwrap();
    // Judges keep it: it cannot be turned off.
    let res = app
        .client
        .delete(app.url("/api/v1/me/second-factor"))
        .bearer_auth(token)
        .json(&json!({"code": app_code(secret, 1)}))
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::FORBIDDEN).await;
    // A mediator is not asked to in production either way; residents cannot enrol.
    assert!(login(&app, "village.mediator@demo.test").await["token"].is_string());
    let resident = app.login("resident@demo.test").await;
    error_of(
        app.post_json("/api/v1/me/second-factor", Some(&resident), &json!({}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn the_account_page_enrols_the_app_with_a_qr_code() {
    let app = TestApp::spawn().await;
    let token = app.login("township.mediator@demo.test").await;
    let csrf = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
    let post = |form: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/account/second-factor"))
            .header("cookie", format!("fq_session={token}; fq_csrf={csrf}"))
            .form(&form)
            .send()
    };
    let page = post(vec![("csrf", csrf.into()), ("act", "begin".into())])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg") && page.contains("验证器"), "{page}");
    let secret = page
        .split("<code class=\"wrap\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    let page = post(vec![
        ("csrf", csrf.into()),
        ("act", "confirm".into()),
        ("code", app_code(&secret, 0)),
    ])
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(
        page.contains("备用码") && page.matches("<li><code>").count() == 10,
        "{page}"
    );
    assert_eq!(
        login(&app, "township.mediator@demo.test").await["second_factor"],
        "totp"
    );
}
