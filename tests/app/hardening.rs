//! The findings of the attack run, each as a test that failed before its fix: open redirects,
//! control characters (500s from PostgreSQL), a calendar date that panicked a worker, throttles
//! that raced, API writes on the cookie alone, cacheable private answers, and personal data and
//! tokens in the log.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{dispute, id};
use crate::harness::{PASSWORD, SECRET, TestApp, error_of};

#[tokio::test]
async fn redirect_targets_are_paths_of_this_site_only() {
    let app = TestApp::spawn().await;
    for back in [
        "%2F%5Cevil.example%2F",
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example",
    ] {
        let res = app.get(&format!("/lang/en?back={back}"), None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(res.headers()["location"], "/", "{back}");
    }
    // A tab or a newline is refused before any handler (it used to answer 500).
    for back in ["%2F%09%2Fevil.example%2F", "%2F%0A%2Fx"] {
        let res = app.get(&format!("/lang/en?back={back}"), None).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{back}");
    }
    let csrf = "dddddddddddddddddddddddddddddddd";
    for next in ["/\t/evil.example/", "/\\evil.example", "//evil.example"] {
        let res = app
            .client
            .post(app.url("/login"))
            .header("cookie", format!("fq_csrf={csrf}"))
            .form(&[
                ("csrf", csrf),
                ("email", "resident@demo.test"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()["location"], "/my", "{next:?}");
    }
}

#[tokio::test]
async fn control_characters_are_refused_with_422_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let resident = app.login("resident@demo.test").await;
    let before = app.count("SELECT count(*) FROM cases").await;
    for field in ["narrative", "request"] {
        let mut body = dispute();
        body[field] = json!("墙根\u{0}泡水");
        let res = app.post_json("/api/v1/cases", Some(&resident), &body).await;
        let e = error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("control characters"),
            "{e}"
        );
    }
    let mut body = dispute();
    body["respondents"][0]["name"] = json!("李\u{1b}[31m建国");
    error_of(
        app.post_json("/api/v1/cases", Some(&resident), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Line breaks and tabs in a narrative are text, not control.
    let mut body = dispute();
    body["narrative"] = json!("第一行\n第二行\t完");
    assert_eq!(
        app.post_json("/api/v1/cases", Some(&resident), &body)
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(app.count("SELECT count(*) FROM cases").await, before + 1);
    let key = json!({"number": "330681-2026-000001\u{0}", "access_code": "AAAAAAAA"});
    error_of(
        app.post_json("/api/v1/lookup", None, &key).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // The page forms too: a NUL in a form field is a page saying what is wrong.
    let csrf = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    let res = app
        .client
        .post(app.url("/lookup"))
        .header("cookie", format!("fq_csrf={csrf}"))
        .form(&[
            ("csrf", csrf),
            ("number", "x\u{0}y"),
            ("access_code", "AAAAAAAA"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("<h1>"));
}

#[tokio::test]
async fn calendar_dates_at_the_ends_of_time_are_a_400_not_a_panic() {
    let app = TestApp::spawn().await;
    let mediator = app.login("village.mediator@demo.test").await;
    for from in [
        "%2B262142-12-31T23:59:59Z",
        "-262143-01-01T00:00:00Z",
        "1900-01-01T00:00:00Z",
    ] {
        let res = app
            .get(&format!("/api/v1/calendar?from={from}"), Some(&mediator))
            .await;
        error_of(res, StatusCode::BAD_REQUEST).await;
    }
    assert_eq!(
        app.get("/api/v1/calendar", Some(&mediator)).await.status(),
        StatusCode::OK,
        "the worker is still alive"
    );
    // A session or a performance date decades away is refused by the engine.
    let (_, case) = app.file().await;
    let case_id = id(&case);
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(
        &respondent,
        &case_id,
        json!({"action": "respondent_consents"}),
    )
    .await;
    let res = app
        .act(
            &mediator,
            &case_id,
            json!({"action": "schedule_session", "at": "+200000-01-01T00:00:00Z", "mode": "online", "location": "https://meet.example/1"}),
        )
        .await;
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn wrong_passwords_sent_at_once_meet_the_limit_after_the_fifth() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for _ in 0..14 {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"email": "judge@demo.test", "password": "wrong-wrong-wrong"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut unauthorized = 0;
    let mut limited = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => unauthorized += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((unauthorized, limited), (5, 9));
}

#[tokio::test]
async fn access_code_guesses_sent_at_once_are_evaluated_ten_times_at_most() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let mut tasks = Vec::new();
    for _ in 0..14 {
        let client = app.client.clone();
        let url = app.url("/api/v1/lookup");
        let body = json!({"number": case["number"], "access_code": "AAAAAAAA"});
        tasks.push(tokio::spawn(async move {
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    let mut evaluated = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::NOT_FOUND => evaluated += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(evaluated, 10);
}

#[tokio::test]
async fn thirty_logins_at_once_are_all_answered() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        let email = ["judge@demo.test", "admin@demo.test", "resident@demo.test"][i % 3];
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"email": email, "password": PASSWORD}))
                .send()
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        let res = t.await.unwrap();
        // Either in, or told to come back shortly: never a 500.
        match res.status() {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => assert!(res.headers().contains_key("retry-after")),
            other => panic!("unexpected {other}"),
        }
    }
}

#[tokio::test]
async fn api_writes_with_the_cookie_alone_must_come_from_this_site() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let message = |origin: Option<String>| {
        let mut req = app
            .client
            .post(app.url(&format!("/api/v1/cases/{}/messages", id(&case))))
            .header("cookie", format!("fq_session={resident}"))
            .json(&json!({"body": "你好"}));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    for origin in [
        None,
        Some("https://evil.example".to_owned()),
        Some(format!("http://{host}.evil.example")),
    ] {
        let res = message(origin.clone()).await.unwrap();
        error_of(res, StatusCode::FORBIDDEN).await;
    }
    let res = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", format!("fq_session={resident}"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::FORBIDDEN).await;
    assert_eq!(
        message(Some(format!("http://{host}")))
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED,
        "from the site's own origin"
    );
    // A bearer token is not a browser's cookie: no Origin needed.
    let res = app
        .post_json(
            &format!("/api/v1/cases/{}/messages", id(&case)),
            Some(&resident),
            &json!({"body": "再问一次"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn private_answers_are_never_stored_by_caches() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let res = app
        .get(&format!("/api/v1/cases/{}", id(&case)), Some(&resident))
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    for path in [
        "/my",
        &format!("/cases/{}", id(&case)),
        "/notifications",
        "/account",
    ] {
        let (status, _, headers) = app.page(path, Some(&resident), "zh").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
    let mediator = app.login("village.mediator@demo.test").await;
    for path in ["/queue", "/calendar"] {
        let (_, _, headers) = app.page(path, Some(&mediator), "zh").await;
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
    let public = app.get("/static/site.css", None).await;
    assert_ne!(
        public
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    assert!(
        !public.headers().contains_key("strict-transport-security"),
        "not in development"
    );
}

/// Runs the real binary with logging on, drives flows that carry phone numbers, ID numbers,
/// codes and tokens, and reads what it wrote to its log.
#[tokio::test]
async fn the_log_holds_no_phone_numbers_codes_or_tokens() {
    let app = TestApp::spawn().await;
    let port = crate::mail_support::closed_port();
    let log_path = app.config.data_dir.join("server.log");
    std::fs::create_dir_all(&app.config.data_dir).unwrap();
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("serve")
        .env("DATABASE_URL", &app.config.database_url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", SECRET)
        .env("DATA_DIR", &app.config.data_dir)
        .env(
            "RUST_LOG",
            "debug,tokio_postgres=warn,actix_server=warn,h2=warn,hyper=warn,rustls=warn",
        )
        .env_remove("FENGQIAO_ENV")
        .env_remove("LOG_FORMAT")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut req = client.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    // A phone sign-in: the number and the code travel through the service.
    post("/api/v1/auth/code", None, json!({"phone": "13900077777"}))
        .await
        .unwrap();
    let code = std::fs::read_dir(app.config.data_dir.join("sms"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find_map(|t| crate::sign_in_support::six_digits(&t))
        .unwrap();
    let signed: Value = post(
        "/api/v1/auth/code/verify",
        None,
        json!({"phone": "13900077777", "code": code, "name": "冯某"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let token = signed["token"].as_str().unwrap().to_owned();
    let mut body = dispute();
    body["respondents"] = json!([{"name": "钱某", "phone": "13900088888"}]);
    let case: Value = post("/api/v1/cases", Some(&token), body)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The resident records an ID number for confirmation, then causes a 409 (stale version):
    // its body carries the case with the numbers in clear for their owner.
    let id_number = "11010519491231002X";
    let _ = post(
        &format!("/api/v1/cases/{}/actions", id(&case)),
        Some(&token),
        json!({"action": "record_consent", "version": case["version"], "id_number": id_number}),
    )
    .await
    .unwrap();
    let stale = post(
        &format!("/api/v1/cases/{}/actions", id(&case)),
        Some(&token),
        json!({"action": "withdraw", "version": 0}),
    )
    .await
    .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    // The mediator sees the parties' numbers in clear; a stale action of theirs is a 409 that
    // carries them.
    let mediator: Value = post(
        "/api/v1/auth/login",
        None,
        json!({"email": "village.mediator@demo.test", "password": PASSWORD}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let stale: Value = post(
        &format!("/api/v1/cases/{}/actions", id(&case)),
        mediator["token"].as_str(),
        json!({"action": "accept", "version": 99}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(
        stale.to_string().contains("13900088888"),
        "the 409 carries the number for its reader: {stale}"
    );
    // A secret in a path, a code in the query string.
    let invitation = fengqiao::auth::invitation::issue(
        &fengqiao::auth::Keys::new(SECRET.as_bytes()),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        chrono::Utc::now(),
    )
    .unwrap();
    let _ = client
        .get(format!(
            "{base}/invitations/{invitation}?csrf=abcdef0123456789"
        ))
        .send()
        .await
        .unwrap();
    // Let the mail worker run once so its lines are in the log too.
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let _ = server.kill();
    let _ = server.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("HTTP request"), "the log was captured: {log}");
    for secret in [
        "13900077777",
        "13900088888",
        id_number,
        code.as_str(),
        token.as_str(),
        invitation.as_str(),
        "abcdef0123456789",
    ] {
        let line = log.lines().find(|l| l.contains(secret));
        assert!(line.is_none(), "{secret:?} is in the log: {line:?}");
    }
}

fn fengqiao(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .env_remove("FENGQIAO_ENV")
        .output()
        .unwrap()
}

/// The attack run rewrote the history two ways that the unkeyed chain could not see; with keyed
/// links, forward-only heads and daily anchors both show.
#[tokio::test]
async fn a_rewritten_history_is_caught_by_keyed_links_heads_and_anchors() {
    let app = TestApp::spawn().await;
    let mediator = app.login("village.mediator@demo.test").await;
    let (_, a) = app.file().await;
    let (_, b) = app.file().await;
    for case in [&a, &b] {
        app.act_ok(&mediator, &id(case), json!({"action": "accept"}))
            .await;
    }
    let at = (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    let out = fengqiao(&app, &["anchor", "--at", &at]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 county histories anchored"));
    // The anchor goes to the county's judge and administrator, outside the database.
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'history_anchor' AND email IN ('judge@demo.test', 'admin@demo.test')").await,
        2
    );
    let report = app
        .drain(&app.notifier(fengqiao::notify::Mailer::memory().0))
        .await;
    assert_eq!(report.failed, 0, "the anchor mail renders");
    assert!(fengqiao(&app, &["verify-audit"]).status.success());
    let sql = app.sql().await;
    // A head cannot be moved back, nor anchors edited.
    let back = format!(
        "UPDATE case_history_heads SET seq = seq - 1 WHERE case_id = '{}'",
        id(&a)
    );
    assert!(sql.execute(back.as_str(), &[]).await.is_err());
    assert!(
        sql.execute("DELETE FROM history_anchors", &[])
            .await
            .is_err()
    );

    // 1. With the owner's power to switch triggers off: delete A's newest event and move its
    //    head back. Chain and head agree again; the anchor does not.
    sql.batch_execute(&format!(
        "ALTER TABLE case_events DISABLE TRIGGER case_events_no_update_delete;
         ALTER TABLE case_history_heads DISABLE TRIGGER case_history_heads_forward;
         DELETE FROM case_events WHERE case_id = '{a}' AND seq = 2;
         UPDATE case_history_heads SET seq = 1, hash = (SELECT hash FROM case_events WHERE case_id = '{a}' AND seq = 1) WHERE case_id = '{a}';
         ALTER TABLE case_history_heads ENABLE TRIGGER case_history_heads_forward;",
        a = id(&a)
    ))
    .await
    .unwrap();
    let out = fengqiao(&app, &["verify-audit"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success());
    assert!(said.contains("no longer matches its anchor"), "{said}");
    assert!(
        !said.contains(b["number"].as_str().unwrap()),
        "B is intact: {said}"
    );

    // 2. Edit B's newest event and recompute its link with plain SHA-256 and the head: without
    //    the key the link cannot be made to verify.
    let forge = |key_id: &str| {
        format!(
            "UPDATE case_events SET data = '{{\"forged\": true}}'::jsonb, key_id = '{key_id}',
               hash = encode(sha256(convert_to(prev_hash || chr(31) || county_id || chr(31) || case_id || chr(31) || seq
                 || chr(31) || kind || chr(31) || coalesce(actor_id::text, '') || chr(31) || actor_role || chr(31)
                 || '{{\"forged\": true}}' || chr(31) || (extract(epoch FROM at) * 1000000)::bigint || chr(31), 'UTF8')), 'hex')
             WHERE case_id = '{b}' AND seq = 2;
             ALTER TABLE case_history_heads DISABLE TRIGGER case_history_heads_forward;
             UPDATE case_history_heads h SET hash = e.hash FROM case_events e
              WHERE e.case_id = h.case_id AND e.seq = h.seq AND h.case_id = '{b}';
             ALTER TABLE case_history_heads ENABLE TRIGGER case_history_heads_forward;",
            b = id(&b)
        )
    };
    for key_id in ["k1", "sha256"] {
        sql.batch_execute(&forge(key_id)).await.unwrap();
        let out = fengqiao(&app, &["verify-audit"]);
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = said
            .lines()
            .find(|l| l.starts_with(b["number"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("B's forged link ({key_id}) went unnoticed: {said}"));
        assert!(line.contains("event 2 was altered"), "{line}");
    }
}

#[tokio::test]
async fn every_route_is_rate_limited_per_account_and_address() {
    let app = TestApp::spawn_with(|c| {
        c.rate_per_account = 20;
        c.rate_per_address = 50;
    })
    .await;
    let judge = app.login("judge@demo.test").await;
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(app.get("/api/v1/me", Some(&judge)).await);
    }
    let limited = statuses
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(limited >= 5, "{limited} of 25 refused");
    let refused = statuses
        .into_iter()
        .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(
        error_of(refused, StatusCode::TOO_MANY_REQUESTS).await["error"],
        "rate_limited"
    );
    // Another account from the same address still gets through until the address's own limit;
    // pages are limited too; health probes never.
    let other = app.login("admin@demo.test").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&other)).await.status(),
        StatusCode::OK
    );
    let mut page_limited = false;
    for _ in 0..40 {
        if app.get("/help", None).await.status() == StatusCode::TOO_MANY_REQUESTS {
            page_limited = true;
            break;
        }
    }
    assert!(page_limited, "the address's limit covers pages");
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}
