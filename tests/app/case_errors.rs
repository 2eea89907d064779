//! Every way an action can be wrong: wrong actor, wrong state, stale version, races, repeats,
//! malformed bodies. Each gets a precise 4xx with a message, and nothing is half-written.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{dispute, id};
use crate::harness::{TestApp, error_of};

#[tokio::test]
async fn outsiders_get_404_and_readers_without_a_role_get_403() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let path = format!("/api/v1/cases/{case_id}");
    for outsider in [
        "neighbour@demo.test",
        "other.mediator@demo.test",
        "township.mediator@demo.test",
        "judge@demo.test",
        "admin@demo.test",
    ] {
        let token = app.login(outsider).await;
        error_of(app.get(&path, Some(&token)).await, StatusCode::NOT_FOUND).await;
        let res = app
            .post_json(
                &format!("{path}/actions"),
                Some(&token),
                &json!({"action": "accept", "version": 1}),
            )
            .await;
        error_of(res, StatusCode::NOT_FOUND).await;
        error_of(
            app.get(&format!("{path}/events"), Some(&token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    // The respondent sees the case but may not accept it: 403 with a reason.
    let respondent = app.login("respondent@demo.test").await;
    let body = error_of(
        app.act(&respondent, &case_id, json!({"action": "accept"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(body["error"], "forbidden");
    // The applicant may not consent on the respondent's behalf.
    let resident = app.login("resident@demo.test").await;
    error_of(
        app.act(
            &resident,
            &case_id,
            json!({"action": "respondent_consents"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // A mediator of the committee that is not assigned... and the head assigning an outsider.
    let head = app.login("village.head@demo.test").await;
    let other: Value = app
        .get(
            "/api/v1/me",
            Some(&app.login("other.mediator@demo.test").await),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .act(
            &head,
            &case_id,
            json!({"action": "assign", "mediator_id": other["id"]}),
        )
        .await;
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Unknown case ids and malformed ids are 404 too.
    let token = app.login("resident@demo.test").await;
    error_of(
        app.get(
            &format!("/api/v1/cases/{}", uuid::Uuid::new_v4()),
            Some(&token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        app.get("/api/v1/cases/not-a-uuid", Some(&token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn wrong_state_and_stale_version_are_409_with_the_current_case() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let body = error_of(
        app.act(
            &mediator,
            &case_id,
            json!({"action": "propose_agreement", "terms": "x"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(body["case"]["status"], "submitted");
    assert_eq!(body["case"]["id"], case["id"]);
    let res = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/actions"),
            Some(&mediator),
            &json!({"action": "accept", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The resident still holds version 1.
    let stale = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/actions"),
            Some(&resident),
            &json!({"action": "withdraw", "version": 1}),
        )
        .await;
    let body = error_of(stale, StatusCode::CONFLICT).await;
    assert_eq!(body["case"]["version"], 2);
    assert_eq!(body["case"]["status"], "awaiting_respondent");
    // The stale attempt left nothing behind.
    let events: Value = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "withdraw")
    );
}

#[tokio::test]
async fn two_mediators_accepting_at_once_one_wins() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let path = format!("/api/v1/cases/{}/actions", id(&case));
    let a = app.login("village.mediator@demo.test").await;
    let b = app.login("village.head@demo.test").await;
    let body = json!({"action": "accept", "version": 1});
    let (ra, rb) = tokio::join!(
        app.post_json(&path, Some(&a), &body),
        app.post_json(&path, Some(&b), &body)
    );
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let events: Value = app
        .get(&format!("/api/v1/cases/{}/events", id(&case)), Some(&a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "accept")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_hundred_identical_filings_with_one_key_make_one_case() {
    let app = TestApp::spawn().await;
    let token = app.login("resident@demo.test").await;
    let send = || {
        app.client
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "filing-7f3a")
            .json(&dispute())
            .send()
    };
    let responses = futures_util::future::join_all((0..100).map(|_| send())).await;
    let mut ids = std::collections::BTreeSet::new();
    for res in responses {
        let res = res.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        ids.insert(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    let list: Value = app
        .get("/api/v1/cases", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // The same key with another body is refused.
    let mut other = dispute();
    other["request"] = json!("另一个请求");
    let res = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "filing-7f3a")
        .json(&other)
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn malformed_filings_and_actions_are_400_or_422_with_a_message() {
    let app = TestApp::spawn().await;
    let token = app.login("resident@demo.test").await;
    let cases = [
        (json!({"category": "neighbour"}), StatusCode::BAD_REQUEST),
        (
            json!({"category": 5, "narrative": "x", "request": "y", "village_code": "330681109201", "respondents": []}),
            StatusCode::BAD_REQUEST,
        ),
        (
            {
                let mut d = dispute();
                d["category"] = json!("feud");
                d
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            {
                let mut d = dispute();
                d["respondents"] = json!([]);
                d
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            {
                let mut d = dispute();
                d["village_code"] = json!("330681109000");
                d
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            {
                let mut d = dispute();
                d["narrative"] = json!("   ");
                d
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            {
                let mut d = dispute();
                d["amount"] = json!(-3);
                d
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            {
                let mut d = dispute();
                d["respondents"][0]["phone"] = json!("12345");
                d
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            {
                let mut d = dispute();
                d["surprise"] = json!(true);
                d
            },
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (body, status) in cases {
        let res = app.post_json("/api/v1/cases", Some(&token), &body).await;
        error_of(res, status).await;
    }
    let list: Value = app
        .get("/api/v1/cases", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing half-written"
    );

    let (_, case) = app.file().await;
    let path = format!("/api/v1/cases/{}/actions", id(&case));
    let mediator = app.login("village.mediator@demo.test").await;
    for (body, needle) in [
        (json!({"action": "dance", "version": 1}), "unknown variant"),
        (json!({"action": "accept"}), "version"),
        (json!({"version": 1}), "action"),
        (json!({"action": "decline", "version": 1}), "reason"),
        (
            json!({"action": "accept", "version": "one"}),
            "invalid type",
        ),
        (
            json!({"action": "deadline_passed", "version": 1}),
            "unknown variant",
        ),
    ] {
        let res = app.post_json(&path, Some(&mediator), &body).await;
        let err = error_of(res, StatusCode::BAD_REQUEST).await;
        assert!(
            err["message"].as_str().unwrap().contains(needle),
            "{body} → {err}"
        );
    }
    let err = error_of(
        app.act(
            &mediator,
            &id(&case),
            json!({"action": "decline", "reason": "   "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(err["error"], "invalid");
}

#[tokio::test]
async fn staff_cannot_file_as_residents() {
    let app = TestApp::spawn().await;
    let token = app.login("village.mediator@demo.test").await;
    error_of(
        app.post_json("/api/v1/cases", Some(&token), &dispute())
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn queue_filters_and_pages() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        app.file().await;
    }
    let mediator = app.login("village.mediator@demo.test").await;
    let first: Value = app
        .get("/api/v1/queue?limit=2", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let next = first["next"].as_str().unwrap();
    let second: Value = app
        .get(
            &format!("/api/v1/queue?limit=2&after={next}"),
            Some(&mediator),
        )
        .await
        .json()
        .await
        .unwrap();
    let rest = second["items"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert!(
        first["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != rest[0]["id"])
    );
    let deadlines: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest)
        .map(|c| c["deadline_at"].as_str().unwrap())
        .collect();
    assert!(
        deadlines.windows(2).all(|w| w[0] <= w[1]),
        "soonest first: {deadlines:?}"
    );
    let mine: Value = app
        .get("/api/v1/queue?mine=true", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert!(mine["items"].as_array().unwrap().is_empty());
    let unassigned: Value = app
        .get(
            "/api/v1/queue?unassigned=true&due_within_days=5",
            Some(&mediator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unassigned["items"].as_array().unwrap().len(), 3);
    let other = app.login("other.mediator@demo.test").await;
    let theirs: Value = app
        .get("/api/v1/queue", Some(&other))
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["items"].as_array().unwrap().is_empty());
    error_of(
        app.get("/api/v1/queue?status=lost", Some(&mediator)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        app.get("/api/v1/queue?after=garbage", Some(&mediator))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let resident = app.login("resident@demo.test").await;
    error_of(
        app.get("/api/v1/queue", Some(&resident)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn county_policy_is_read_by_staff_and_changed_by_the_admin() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let policy: Value = app
        .get("/api/v1/policy", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(policy["acceptance_days_village"], 3);
    assert_eq!(policy["mediation_days"], 30);
    let mut changed = policy.clone();
    changed["acceptance_days_village"] = json!(5);
    let res = app
        .client
        .put(app.url("/api/v1/policy"))
        .bearer_auth(&admin)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mediator = app.login("village.mediator@demo.test").await;
    let seen: Value = app
        .get("/api/v1/policy", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["acceptance_days_village"], 5);
    let res = app
        .client
        .put(app.url("/api/v1/policy"))
        .bearer_auth(&mediator)
        .json(&changed)
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::FORBIDDEN).await;
    changed["mediation_days"] = json!(0);
    let res = app
        .client
        .put(app.url("/api/v1/policy"))
        .bearer_auth(&admin)
        .json(&changed)
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // New filings use the county's deadline: 5 days at the village now.
    let (_, case) = app.file().await;
    let filed = chrono::DateTime::parse_from_rfc3339(case["filed_at"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(case["deadline_at"].as_str().unwrap()).unwrap();
    assert_eq!((due - filed).num_days(), 5);
}

#[tokio::test]
async fn the_history_is_append_only_and_verifiable() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .arg("verify-audit")
            .env("DATABASE_URL", &app.config.database_url)
            .output()
            .unwrap()
    };
    assert!(verify().status.success());
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    for sql in [
        "UPDATE case_events SET kind = 'x'",
        "DELETE FROM case_events",
        "TRUNCATE case_events CASCADE",
    ] {
        let err = db.execute(sql, &[]).await.unwrap_err();
        assert!(
            err.to_string().contains("append-only") || format!("{err:?}").contains("append-only"),
            "{sql}: {err:?}"
        );
    }
    // Someone with the power to disable the trigger edits a row: verify-audit notices.
    db.batch_execute(&format!(
        "ALTER TABLE case_events DISABLE TRIGGER case_events_no_update_delete;
         UPDATE case_events SET data = '{{\"forged\": true}}' WHERE case_id = '{}';",
        id(&case)
    ))
    .await
    .unwrap();
    let out = verify();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("was altered"));
    // A second case loses its newest event: the chain that is left is intact, but it no longer
    // ends where the database recorded its head.
    let (_, other) = app.file().await;
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(
        &mediator,
        &id(&other),
        serde_json::json!({"action": "accept"}),
    )
    .await;
    db.batch_execute(&format!(
        "DELETE FROM case_events WHERE case_id = '{}' AND seq = (SELECT max(seq) FROM case_events WHERE case_id = '{}');",
        id(&other),
        id(&other)
    ))
    .await
    .unwrap();
    let out = verify();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("newest event(s) are missing"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // And the recorded heads cannot simply be removed.
    assert!(
        db.execute("DELETE FROM case_history_heads", &[])
            .await
            .is_err()
    );
}

#[tokio::test]
async fn divisions_are_a_tree_with_codes() {
    let app = TestApp::spawn().await;
    let tree: Value = app
        .get("/api/v1/divisions", None)
        .await
        .json()
        .await
        .unwrap();
    let county = &tree[0];
    assert_eq!(county["code"], "330681000000");
    assert_eq!(county["level"], "county");
    let fengqiao = county["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "330681109000")
        .unwrap();
    assert_eq!(fengqiao["name"], "枫桥镇");
    assert!(
        fengqiao["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["code"] == "330681109201" && v["level"] == "village")
    );
}
