//! Texts through real HTTP to gateways on loopback, each checking the request the way the
//! provider documents it: the generic gateway's HMAC-SHA256 signature over timestamp and body,
//! and Tencent Cloud's SendSms with its TC3-HMAC-SHA256 signature. A gateway that fails comes
//! back later and every text is delivered exactly once.

use std::sync::Arc;

use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use fengqiao::notify::gateway::Gateway;
use fengqiao::notify::{Mailer, Notifier, Texter};

use crate::cases_support::VILLAGE;
use crate::harness::{TestApp, error_of};
use crate::http_support::{HttpServer, Request};
use crate::mail_support::closed_port;

const SECRET: &str = "gateway-shared-secret-0123456789";

fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

fn hmac_raw(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Checks a request as the generic gateway's documentation says: POST, JSON with id, to, text
/// and kind, `Idempotency-Key` = id, and `Fengqiao-Signature: t=…,v1=…` = HMAC-SHA256 of
/// "<t>.<body>" under the shared secret, with t within five minutes.
fn check_generic(r: &Request) -> Value {
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/send");
    assert_eq!(r.headers["content-type"], "application/json");
    let sig = &r.headers["fengqiao-signature"];
    let (t, v1) = sig.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let v1 = v1.strip_prefix("v1=").unwrap();
    assert_eq!(
        v1,
        hmac_hex(SECRET.as_bytes(), format!("{t}.{}", r.body).as_bytes())
    );
    let t: i64 = t.parse().unwrap();
    assert!((Utc::now().timestamp() - t).abs() < 300);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(r.headers["idempotency-key"], body["id"].as_str().unwrap());
    assert!(body["to"].as_str().unwrap().starts_with("+861"));
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .starts_with("【枫桥在线调解】")
    );
    body
}

/// A resident with only a phone files a case: returns (case number, their phone).
async fn phone_filing(app: &TestApp, phone: &str) -> String {
    let res = app
        .post_json("/api/v1/auth/code", None, &json!({"phone": phone}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let (token, _) = app.sign_in_by_phone_with_code(phone).await;
    let res = app
        .post_json(
            "/api/v1/cases",
            Some(&token),
            &json!({"category": "debt", "narrative": "借了三千元一直没还。", "request": "还钱。",
                    "village_code": VILLAGE, "respondents": [{"name": "孙某"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let case: Value = res.json().await.unwrap();
    case["number"].as_str().unwrap().to_owned()
}

impl TestApp {
    /// Verifies the code already texted to `phone` (file backend) and returns the session.
    pub async fn sign_in_by_phone_with_code(&self, phone: &str) -> (String, Value) {
        let code = self.code_texted_to(phone);
        let res = self
            .post_json(
                "/api/v1/auth/code/verify",
                None,
                &json!({"phone": phone, "code": code, "name": "周某"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        (body["token"].as_str().unwrap().to_owned(), body)
    }

    fn texting(&self, url: &str, secret: Option<&str>) -> Notifier {
        let gateway = Gateway::parse(url, secret).unwrap();
        Notifier::with_backends(
            &self.config,
            Mailer::memory().0,
            Texter::Gateway(Arc::new(gateway)),
        )
        .unwrap()
    }

    async fn drain_at(
        &self,
        notifier: &Notifier,
        at: chrono::DateTime<Utc>,
    ) -> fengqiao::notify::DrainReport {
        let pool = fengqiao::db::pool(&self.config.database_url, 1).unwrap();
        let mut conn = pool.get().await.unwrap();
        fengqiao::notify::drain(&mut conn, notifier, at)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn the_generic_gateway_gets_signed_texts_and_an_outage_loses_and_doubles_nothing() {
    let app = TestApp::spawn().await;
    let number = phone_filing(&app, "13900011111").await;
    let texts_pending = "SELECT count(*) FROM outbox WHERE channel = 'sms' AND status = 'pending'";
    assert_eq!(app.count(texts_pending).await, 1);

    // The gateway is down: nothing is lost, the row waits for its backoff.
    let down = app.texting(
        &format!("http://127.0.0.1:{}/send", closed_port()),
        Some(SECRET),
    );
    let report = app.drain_at(&down, Utc::now()).await;
    assert_eq!(report.retrying, 1, "{report:?}");
    // Then it answers 500 and 429: still retried, never given up.
    let gateway = HttpServer::start().await;
    gateway.answer(500, "{\"error\":\"busy\"}");
    gateway.answer(429, "{}");
    let up = app.texting(
        &format!("http://127.0.0.1:{}/send", gateway.port),
        Some(SECRET),
    );
    let mut at = Utc::now();
    for _ in 0..2 {
        at += Duration::hours(2);
        let report = app.drain_at(&up, at).await;
        assert_eq!(report.retrying, 1, "{report:?}");
    }
    at += Duration::hours(2);
    let report = app.drain_at(&up, at).await;
    assert_eq!(report.sent, 1, "{report:?}");
    // Nothing is due any more: a later drain sends nothing twice.
    let report = app.drain_at(&up, at + Duration::hours(6)).await;
    assert_eq!(report.sent, 0);
    assert_eq!(app.count(texts_pending).await, 0);

    let requests = gateway.requests();
    assert_eq!(requests.len(), 3, "two refused, one accepted");
    let bodies: Vec<Value> = requests.iter().map(check_generic).collect();
    // The same text each time, under the same idempotency key.
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    let text = bodies[0]["text"].as_str().unwrap();
    assert_eq!(bodies[0]["to"], "+8613900011111");
    assert_eq!(bodies[0]["kind"], "notice");
    assert!(text.contains(&number) && text.contains("/i/"), "{text}");
    assert!(
        !text.contains("三千"),
        "texts carry no case details: {text}"
    );
}

#[tokio::test]
async fn sign_in_codes_go_through_the_configured_gateway_and_a_dead_one_answers_503() {
    let gateway = HttpServer::start().await;
    let url = format!("http://127.0.0.1:{}/send", gateway.port);
    let app = TestApp::spawn_with(|c| {
        c.sms_url = Some(url);
        c.sms_secret = Some(SECRET.to_owned());
    })
    .await;
    let res = app
        .post_json("/api/v1/auth/code", None, &json!({"phone": "13900022222"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let requests = gateway.requests();
    assert_eq!(requests.len(), 1);
    let body = check_generic(&requests[0]);
    assert_eq!(body["kind"], "code");
    let code = crate::sign_in_support::six_digits(body["text"].as_str().unwrap()).unwrap();
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"phone": "13900022222", "code": code, "name": "吴某"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // A gateway that refuses: the caller is told to try again, and no code is left behind.
    gateway.answer(503, "{}");
    let res = app
        .post_json("/api/v1/auth/code", None, &json!({"phone": "13900033333"}))
        .await;
    assert_eq!(res.headers()["retry-after"], "60");
    let e = error_of(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(e["error"], "not_sent");
    assert_eq!(
        app.count("SELECT count(*) FROM sign_in_codes WHERE spent_at IS NULL")
            .await,
        0
    );
}

/// Tencent Cloud API 3.0 signature v3, written from Tencent's documentation independently of
/// the service's own code: canonical request, string to sign, derived key, signature.
fn tencent_signature(secret_key: &str, r: &Request) -> (String, String) {
    let timestamp: i64 = r.headers["x-tc-timestamp"].parse().unwrap();
    let date = chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let canonical_headers = format!(
        "content-type:{}\nhost:{}\nx-tc-action:{}\n",
        r.headers["content-type"],
        r.headers["host"],
        r.headers["x-tc-action"].to_lowercase()
    );
    let canonical_request = format!(
        "POST\n/\n\n{canonical_headers}\ncontent-type;host;x-tc-action\n{}",
        hex::encode(Sha256::digest(r.body.as_bytes()))
    );
    let scope = format!("{date}/sms/tc3_request");
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let secret_date = hmac_raw(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac_raw(&secret_date, b"sms");
    let secret_signing = hmac_raw(&secret_service, b"tc3_request");
    (hmac_hex(&secret_signing, string_to_sign.as_bytes()), scope)
}

#[tokio::test]
async fn tencent_sendsms_is_signed_as_documented_and_its_answers_are_sorted() {
    let app = TestApp::spawn().await;
    phone_filing(&app, "13900044444").await;
    let gateway = HttpServer::start().await;
    // First an answer that is not JSON (a proxy's error page): retried.
    gateway.answer(502, "<html>bad gateway</html>");
    gateway.answer(
        200,
        r#"{"Response":{"SendStatusSet":[{"SerialNo":"1","PhoneNumber":"+8613900044444","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"r-1"}}"#,
    );
    let url = format!(
        "tencent+http://AKIDtest:tencent-secret-key@127.0.0.1:{}/?region=ap-guangzhou&app=1400000001&sign=%E6%9E%AB%E6%A1%A5%E5%9C%A8%E7%BA%BF%E8%B0%83%E8%A7%A3&code_template=100001&notice_template=100002",
        gateway.port
    );
    let notifier = app.texting(&url, None);
    let report = app.drain_at(&notifier, Utc::now()).await;
    assert_eq!(report.retrying, 1, "{report:?}");
    let report = app
        .drain_at(&notifier, Utc::now() + Duration::hours(1))
        .await;
    assert_eq!(report.sent, 1, "{report:?}");

    let requests = gateway.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/");
        assert_eq!(r.headers["x-tc-action"], "SendSms");
        assert_eq!(r.headers["x-tc-version"], "2021-01-11");
        assert_eq!(r.headers["x-tc-region"], "ap-guangzhou");
        assert_eq!(r.headers["content-type"], "application/json; charset=utf-8");
        let (signature, scope) = tencent_signature("tencent-secret-key", r);
        assert_eq!(
            r.headers["authorization"],
            format!(
                "TC3-HMAC-SHA256 Credential=AKIDtest/{scope}, SignedHeaders=content-type;host;x-tc-action, Signature={signature}"
            )
        );
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["PhoneNumberSet"], json!(["+8613900044444"]));
        assert_eq!(body["SmsSdkAppId"], "1400000001");
        assert_eq!(body["SignName"], "枫桥在线调解");
        assert_eq!(body["TemplateId"], "100002");
        let params = body["TemplateParamSet"].as_array().unwrap();
        assert_eq!(params.len(), 3);
        assert!(params[2].as_str().unwrap().contains("/i/"));
    }

    // A signature Tencent refuses is not retried: the row is given up for the admin to see.
    phone_filing(&app, "13900055555").await;
    gateway.answer(
        200,
        r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"r-2"}}"#,
    );
    let report = app
        .drain_at(&notifier, Utc::now() + Duration::hours(2))
        .await;
    assert_eq!(report.failed, 1, "{report:?}");
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error LIKE '%AuthFailure%'").await,
        1
    );
}
