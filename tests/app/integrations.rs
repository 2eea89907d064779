//! Other systems of the county (SPEC §7 *One entry, reused*): a county admin makes API keys and
//! webhook endpoints; a system pages through the export with its key; each case event reaches
//! a real local receiver signed, in order per case, once each, across an outage.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::cases_support::id;
use crate::harness::{TestApp, error_of};
use crate::http_support::HttpServer;

async fn drain(app: &TestApp, at: chrono::DateTime<Utc>) -> fengqiao::interop::delivery::Report {
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let sealer = fengqiao::crypto::Sealer::new(&app.config.data_key);
    fengqiao::interop::delivery::drain(&mut conn, &sealer, false, at)
        .await
        .unwrap()
}

fn verifies(secret: &str, signature: &str, body: &str) -> bool {
    let Some((t, v1)) = signature
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes()) == v1
}

#[tokio::test]
async fn case_events_reach_a_webhook_signed_in_order_once_each_across_an_outage() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let mediator = app.login("village.mediator@demo.test").await;

    // Nothing listens on the port yet: the receiver is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/fengqiao/hook");
    let res = app
        .post_json(
            "/api/v1/webhooks",
            Some(&admin),
            &json!({"url": url, "events": ["*"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let made: Value = res.json().await.unwrap();
    let secret = made["secret"].as_str().unwrap().to_owned();
    let endpoint = made["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let listed: Value = app
        .get("/api/v1/webhooks", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once: {listed}"
    );

    // Two cases, each filed and accepted.
    let (_, a) = app.file().await;
    let (_, b) = app.file().await;
    for case in [&a, &b] {
        app.act_ok(&mediator, &id(case), json!({"action": "accept"}))
            .await;
    }
    let now = Utc::now();
    let first = drain(&app, now).await;
    assert_eq!(first.delivered, 0);
    assert_eq!(first.retrying, 2, "one head per case is tried: {first:?}");

    // The receiver comes back; the retries after the backoff deliver everything, in order.
    let receiver = HttpServer::on(port).await;
    let mut at = now;
    for _ in 0..10 {
        at += Duration::minutes(5);
        if drain(&app, at).await == Default::default() {
            break;
        }
    }
    let got = receiver.requests();
    let events: i64 = app
        .count(&format!(
            "SELECT count(*) FROM case_events WHERE case_id IN ('{}', '{}')",
            id(&a),
            id(&b)
        ))
        .await;
    assert_eq!(got.len() as i64, events, "every event once: {got:?}");
    let mut seen: HashMap<String, Vec<i64>> = HashMap::new();
    for r in &got {
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/fengqiao/hook");
        assert_eq!(r.headers["content-type"], "application/json");
        assert!(
            verifies(&secret, &r.headers["fengqiao-signature"], &r.body),
            "signed: {r:?}"
        );
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(r.headers["fengqiao-event"], body["event"].as_str().unwrap());
        assert_eq!(body["case"]["county"], "330681000000");
        assert!(body.get("narrative").is_none() && !r.body.contains("界桩"));
        seen.entry(body["case"]["id"].as_str().unwrap().to_owned())
            .or_default()
            .push(body["seq"].as_i64().unwrap());
    }
    for (case, seqs) in &seen {
        let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert_eq!(seqs, &expected, "case {case}: in order, once each");
    }
    assert_eq!(seen.len(), 2);

    // The log says what happened; a replay sends the event again under a new delivery id.
    let log: Value = app
        .get(
            &format!("/api/v1/webhooks/{endpoint}/deliveries"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len() as i64, events);
    assert!(
        log.iter()
            .all(|d| d["status"] == "delivered" && d["last_status"] == 200)
    );
    assert!(
        log.iter().any(|d| d["attempts"] == 2),
        "the first ones were retried"
    );
    let oldest = log.last().unwrap()["id"].as_i64().unwrap();
    let res = app
        .post_json(
            &format!("/api/v1/webhooks/{endpoint}/deliveries/{oldest}/replay"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    drain(&app, Utc::now()).await;
    let again = receiver.requests();
    assert_eq!(again.len(), got.len() + 1);
    let last: Value = serde_json::from_str(&again.last().unwrap().body).unwrap();
    let orig: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!((&last["case"], &last["seq"]), (&orig["case"], &orig["seq"]));
    assert_ne!(last["id"], orig["id"]);

    // A redirect is not followed; the delivery waits for its retry.
    receiver.answer(302, "");
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(
        &respondent,
        &id(&a),
        json!({"action": "respondent_consents"}),
    )
    .await;
    drain(&app, Utc::now()).await;
    let log: Value = app
        .get(
            &format!("/api/v1/webhooks/{endpoint}/deliveries"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let redirected = log
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["last_status"] == 302)
        .unwrap_or_else(|| panic!("no delivery met the redirect: {log}"));
    assert_eq!(redirected["status"], "pending", "{redirected}");
    assert!(
        redirected["last_error"]
            .as_str()
            .unwrap()
            .contains("redirect")
    );

    // Failing for a day: the endpoint is paused and the county admins are told.
    drop(receiver);
    let report = drain(&app, Utc::now() + Duration::hours(2)).await;
    assert_eq!(report.paused, 0);
    app.sql()
        .await
        .execute(
            "UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours'",
            &[],
        )
        .await
        .unwrap();
    let report = drain(&app, Utc::now() + Duration::hours(3)).await;
    assert_eq!(report.paused, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'webhook_paused'")
            .await,
        1
    );
    let listed: Value = app
        .get("/api/v1/webhooks", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(listed[0]["paused_at"].is_string(), "{listed}");
}

#[tokio::test]
async fn a_webhook_is_refused_with_a_reason_and_only_the_admin_registers_one() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let mediator = app.login("village.mediator@demo.test").await;
    let post = |body: Value, who: String| {
        let app = &app;
        async move { app.post_json("/api/v1/webhooks", Some(&who), &body).await }
    };
    for (body, says) in [
        (json!({"url": "not a url", "events": ["*"]}), "web address"),
        (
            json!({"url": "ftp://grid.example/x", "events": ["*"]}),
            "https",
        ),
        (
            json!({"url": "http://127.0.0.1:9/x", "events": []}),
            "events",
        ),
        (
            json!({"url": "http://127.0.0.1:9/x", "events": ["Filed!"]}),
            "events",
        ),
    ] {
        let e = error_of(
            post(body.clone(), admin.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(e["message"].as_str().unwrap().contains(says), "{body}: {e}");
    }
    let e = error_of(
        post(json!({"url": "http://127.0.0.1:9/x"}), admin.clone()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("events"), "{e}");
    error_of(
        post(
            json!({"url": "http://127.0.0.1:9/x", "events": ["*"]}),
            mediator,
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints").await, 0);
}

#[tokio::test]
async fn a_system_pages_through_the_export_with_its_key_and_every_call_is_audited() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let mediator = app.login("village.mediator@demo.test").await;
    let mut filed = Vec::new();
    for _ in 0..3 {
        filed.push(id(&app.file().await.1));
    }
    let res = app
        .post_json(
            "/api/v1/api-keys",
            Some(&admin),
            &json!({"name": "网格管理平台", "scope": "read"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let made: Value = res.json().await.unwrap();
    let key = made["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("fq_") && key.len() == 67, "{key}");
    let stored = app
        .count(&format!(
            "SELECT count(*) FROM api_keys WHERE hash = encode(sha256('{key}'::bytea), 'hex')"
        ))
        .await;
    assert_eq!(stored, 1, "only the hash is kept");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM api_keys WHERE hash LIKE '%{}%'",
            &key[3..20]
        ))
        .await,
        0
    );

    // Page by page, two at a time, every case of the county once.
    let mut ids = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            None => "/api/v1/export?limit=2".to_owned(),
            Some(c) => format!("/api/v1/export?limit=2&cursor={c}"),
        };
        let res = app.get(&path, Some(&key)).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["format"], "fengqiao-record/1");
        for item in page["items"].as_array().unwrap() {
            assert!(!item["history"].as_array().unwrap().is_empty());
            ids.push(item["case"]["id"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    let total = app.count("SELECT count(*) FROM cases").await;
    assert_eq!(ids.len() as i64, total);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    // Only what changed since a moment.
    let later = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let page: Value = app
        .get(
            &format!("/api/v1/export?since={}", later.replace('+', "%2B")),
            Some(&key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);

    // A sync pass from a moment: only the cases changed since, one a page, in filing order; the
    // cursor keeps the moment, so the second page holds the second changed case and nothing else.
    let began = Utc::now();
    for case in [&filed[2], &filed[0]] {
        app.act_ok(&mediator, case, json!({"action": "accept"}))
            .await;
    }
    let since = began.to_rfc3339().replace('+', "%2B");
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    let mut pass_calls = 0;
    loop {
        pass_calls += 1;
        let path = match &next {
            None => format!("/api/v1/export?since={since}&limit=1"),
            Some(c) => format!("/api/v1/export?limit=1&cursor={c}"),
        };
        let page: Value = app.get(&path, Some(&key)).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["case"]["status"], "awaiting_respondent", "{item}");
            seen.push(item["case"]["id"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, vec![filed[0].clone(), filed[2].clone()]);
    // A cursor of the earlier format (change time _ id) is refused, not misread.
    error_of(
        app.get(
            &format!("/api/v1/export?cursor=1796000000123456_{}", filed[0]),
            Some(&key),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Bad input gets a reason; a key is not a person; a person's token is not a key.
    for bad in [
        "/api/v1/export?since=yesterday",
        "/api/v1/export?limit=0",
        "/api/v1/export?cursor=x",
    ] {
        error_of(app.get(bad, Some(&key)).await, StatusCode::BAD_REQUEST).await;
    }
    let e = error_of(
        app.get("/api/v1/cases", Some(&key)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("/api/v1/export"),
        "{e}"
    );
    error_of(
        app.get("/api/v1/export", Some(&mediator)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    error_of(
        app.get("/api/v1/export", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    error_of(
        app.get("/api/v1/export", Some("fq_0000")).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // Every call with the key is in the audit, the refused ones too.
    let calls = app.count("SELECT count(*) FROM api_key_calls").await;
    assert_eq!(
        calls,
        2 + 1 + pass_calls + 1 + 3,
        "pages, the since call, the pass, an old cursor, three refused"
    );
    let listed: Value = app
        .get("/api/v1/api-keys", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["calls"], calls);
    assert!(listed[0].get("key").is_none() && listed[0]["last_used_at"].is_string());

    // Revoked: it stops at once. Only the county admin manages keys.
    let key_id = made["id"].as_str().unwrap();
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/api-keys/{key_id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    error_of(
        app.get("/api/v1/export", Some(&key)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    error_of(
        app.post_json(
            "/api/v1/api-keys",
            Some(&mediator),
            &json!({"name": "x", "scope": "read"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for body in [
        json!({"name": "", "scope": "read"}),
        json!({"name": "x", "scope": "write"}),
    ] {
        error_of(
            app.post_json("/api/v1/api-keys", Some(&admin), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
}

/// The admin's page makes a key and a webhook (each secret shown once), lists them, and revokes.
#[tokio::test]
async fn the_integrations_page_makes_shows_once_and_revokes() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let res = app
        .post_form(
            "/admin/integrations/keys",
            Some(&admin),
            "zh",
            &[("name", "信访系统"), ("scope", "read")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let at = html.find("fq_").expect("the key is shown");
    let key = html[at..at + 67].to_owned();
    let (_, again, _) = app.page("/admin/integrations", Some(&admin), "zh").await;
    assert!(
        again.contains("信访系统") && !again.contains(&key),
        "shown once"
    );
    assert_eq!(
        app.get("/api/v1/export", Some(&key)).await.status(),
        StatusCode::OK
    );

    let res = app
        .post_form(
            "/admin/integrations/webhooks",
            Some(&admin),
            "zh",
            &[
                ("url", "http://127.0.0.1:9/hook"),
                ("events", "filed， accepted"),
            ],
        )
        .await;
    let html = res.text().await.unwrap();
    assert!(html.contains("whsec_"), "{html}");
    let listed: Value = app
        .get("/api/v1/webhooks", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["events"], json!(["filed", "accepted"]));
    // A bad address is said in Chinese and nothing is made.
    let res = app
        .post_form(
            "/admin/integrations/webhooks",
            Some(&admin),
            "zh",
            &[("url", "gopher://x"), ("events", "*")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints").await, 1);

    let keys: Value = app
        .get("/api/v1/api-keys", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let key_id = keys[0]["id"].as_str().unwrap();
    let res = app
        .post_form(
            &format!("/admin/integrations/{key_id}"),
            Some(&admin),
            "zh",
            &[("what", "revoke")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/api/v1/export", Some(&key)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (_, page, _) = app.page("/admin/integrations", Some(&admin), "zh").await;
    assert!(page.contains("已停用"));
}

/// The admin loads a small grid spreadsheet on the page: the counts and each refused line's
/// reason in Chinese; loading it again files nothing; a file over the limit is refused.
#[tokio::test]
async fn the_admin_loads_a_grid_spreadsheet_on_the_page() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let csv = "编号,村社区代码,纠纷类型,申请人,申请人手机,被申请人,被申请人手机,纠纷经过,申请事项,涉及金额,登记日期\n\
        W-1,330681109201,邻里纠纷,王秀英,13900001111,李建国,,排水管通到院墙下,改管,,2026-11-02\n\
        W-2,330681109201,吵架,王秀英,,李建国,,排水管通到院墙下,改管,,\n\
        W-3,330681109202,land,赵大山,,钱二,13800138000,界桩挪了半米,挪回原处,300,\n";
    let token = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    let send = |bytes: Vec<u8>| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("网格登记.csv"),
            );
            app.client
                .post(app.url(&format!("/admin/integrations/import?csrf={token}")))
                .header(
                    "cookie",
                    format!("fq_session={admin}; fq_csrf={token}; fq_lang=zh"),
                )
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let res = send(csv.as_bytes().to_vec()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("新登记 2 · 以前已登记 0 · 未登记 1"),
        "{html}"
    );
    assert!(html.contains("纠纷类型 &#34;吵架&#34; 不认识"), "{html}");
    let res = send(csv.as_bytes().to_vec()).await;
    let html = res.text().await.unwrap();
    assert!(
        html.contains("新登记 0 · 以前已登记 2 · 未登记 1"),
        "{html}"
    );
    assert_eq!(app.count("SELECT count(*) FROM imported_cases").await, 2);
    // Records in the record format go through the same upload: an open one is filed, an ended
    // one and a broken line are refused with their reasons in Chinese.
    let record = |number: &str, status: &str| {
        json!({"format": "fengqiao-record/1", "case": {
            "number": number, "category": "neighbour", "narrative": "邻居的排水管对着院墙。",
            "request": "改管", "amount": null, "village": {"code": "330681109201"},
            "status": status, "filed_at": Utc::now().to_rfc3339(),
            "parties": [{"side": "applicant", "name": "孙奶奶", "phone": "13900003333"},
                        {"side": "respondent", "name": "钱大伯", "phone": "138****8000"}]}})
        .to_string()
    };
    let records = format!(
        "{}\n{}\n{{\"format\":\n",
        record("R-1", "submitted"),
        record("R-2", "closed")
    );
    let html = send(records.into_bytes()).await.text().await.unwrap();
    assert!(
        html.contains("新登记 1 · 以前已登记 0 · 未登记 2"),
        "{html}"
    );
    assert!(html.contains("这件纠纷在原系统里已经办完"), "{html}");
    assert!(html.contains("这一行不是系统认识的案件记录"), "{html}");
    assert_eq!(app.count("SELECT count(*) FROM imported_cases").await, 3);
    let res = send(vec![b'a'; 11 * 1024 * 1024]).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT count(*) FROM imported_cases").await, 3);
}

/// A system with a `file` key files for a resident once per external id; a `read` key cannot.
#[tokio::test]
async fn a_file_key_files_for_a_resident_once_per_external_id() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let key = |scope: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let made: Value = app
                .post_json(
                    "/api/v1/api-keys",
                    Some(&admin),
                    &json!({"name": "网格通", "scope": scope}),
                )
                .await
                .json()
                .await
                .unwrap();
            made["key"].as_str().unwrap().to_owned()
        }
    };
    let (reader, filer) = (key("read").await, key("file").await);
    let body = json!({
        "external_id": "GRID-2026-00412",
        "consent_method": "paper",
        "applicant": {"name": "孙奶奶", "phone": "13900001111"},
        "category": "neighbour",
        "narrative": "邻居的排水管对着我家院墙，雨天积水。",
        "request": "请邻居改管",
        "village_code": "330681109201",
        "respondents": [{"name": "钱大伯", "phone": "13800138000"}],
    });
    let e = error_of(
        app.post_json("/api/v1/filings", Some(&reader), &body).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("scope file"), "{e}");
    let res = app.post_json("/api/v1/filings", Some(&filer), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: Value = res.json().await.unwrap();
    assert!(
        first["number"].as_str().unwrap().starts_with("330681-"),
        "{first}"
    );
    let res = app.post_json("/api/v1/filings", Some(&filer), &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let again: Value = res.json().await.unwrap();
    assert_eq!(
        (again["number"].clone(), again["replayed"].clone()),
        (first["number"].clone(), json!(true))
    );
    assert_eq!(app.count("SELECT count(*) FROM imported_cases").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM case_filings WHERE assisted_consent = 'paper'")
            .await,
        1
    );
    // Bad input: a reason each, nothing filed.
    let mut bad = body.clone();
    bad["external_id"] = json!("GRID-2");
    bad["consent_method"] = json!("nodded");
    error_of(
        app.post_json("/api/v1/filings", Some(&filer), &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad["consent_method"] = json!("phone");
    bad["village_code"] = json!("330681999999");
    error_of(
        app.post_json("/api/v1/filings", Some(&filer), &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut missing = body.clone();
    missing.as_object_mut().unwrap().remove("narrative");
    error_of(
        app.post_json("/api/v1/filings", Some(&filer), &missing)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(app.count("SELECT count(*) FROM imported_cases").await, 1);
    // Every call of both keys is in the audit, the malformed one too.
    assert_eq!(app.count("SELECT count(*) FROM api_key_calls").await, 6);
}
