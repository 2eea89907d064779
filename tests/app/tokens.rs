//! Tokens that must be refused: expired, for another purpose, another algorithm, tampered, a
//! string `exp`, signed with another secret.

use base64::Engine;
use chrono::{Duration, Utc};
use fengqiao::auth::{Audience, Keys};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{SECRET, TestApp, error_of};

async fn user_id(app: &TestApp, email: &str) -> (String, String) {
    let token = app.login(email).await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    (token, me["id"].as_str().unwrap().to_owned())
}

async fn refused(app: &TestApp, token: &str) {
    error_of(
        app.get("/api/v1/me", Some(token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn bad_tokens_are_401() {
    let app = TestApp::spawn().await;
    let (good, id) = user_id(&app, "resident@demo.test").await;
    let keys = Keys::new(SECRET.as_bytes());

    let (expired, _) = keys
        .issue(
            Audience::Session,
            &id,
            0,
            Utc::now() - Duration::hours(3),
            Duration::hours(1),
        )
        .unwrap();
    refused(&app, &expired).await;

    let (invitation, _) = keys
        .issue(Audience::Invitation, &id, 0, Utc::now(), Duration::hours(1))
        .unwrap();
    refused(&app, &invitation).await;

    let (not_yet, _) = keys
        .issue(
            Audience::Session,
            &id,
            0,
            Utc::now() + Duration::hours(1),
            Duration::hours(2),
        )
        .unwrap();
    refused(&app, &not_yet).await;

    let now = Utc::now().timestamp();
    let claims = json!({"sub": id, "iss": "fengqiao", "aud": "fengqiao:session", "iat": now, "nbf": now,
                        "exp": now + 600, "jti": uuid::Uuid::new_v4(), "ver": 0});
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    refused(&app, &hs512).await;

    let other_secret = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(b"another-secret-another-secret-another"),
    )
    .unwrap();
    refused(&app, &other_secret).await;

    let mut string_exp = claims.clone();
    string_exp["exp"] = json!((now + 600).to_string());
    let string_exp = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &string_exp,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    refused(&app, &string_exp).await;

    let mut no_sub = claims.clone();
    no_sub.as_object_mut().unwrap().remove("sub");
    let no_sub = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &no_sub,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    refused(&app, &no_sub).await;

    // "alg": "none" with no signature.
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let none = format!(
        "{}.{}.",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    refused(&app, &none).await;

    // Tampered: the payload of a good token swapped for another user's, signature kept.
    let (_, other_id) = user_id(&app, "judge@demo.test").await;
    let parts: Vec<&str> = good.split('.').collect();
    let payload: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    let mut forged = payload.clone();
    forged["sub"] = json!(other_id);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(forged.to_string()),
        parts[2]
    );
    refused(&app, &tampered).await;

    refused(&app, "not-a-token").await;
    // And the good one still works: the refusals above are about the tokens, not the account.
    assert_eq!(
        app.get("/api/v1/me", Some(&good)).await.status(),
        StatusCode::OK
    );
}
