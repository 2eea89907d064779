//! The person's own rights: who opened my case (read audit), and everything held about me.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::id;
use crate::harness::{TestApp, error_of};

#[tokio::test]
async fn staff_openings_are_recorded_and_shown_to_the_parties() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let log_of = |token: String| {
        let app = &app;
        let case_id = case_id.clone();
        async move {
            let res = app
                .get(&format!("/api/v1/cases/{case_id}/access-log"), Some(&token))
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    // The parties' own reading is not recorded.
    app.get(&format!("/api/v1/cases/{case_id}"), Some(&resident))
        .await;
    assert_eq!(log_of(resident.clone()).await.as_array().unwrap().len(), 0);
    let mediator = app.login("village.mediator@demo.test").await;
    app.get(&format!("/api/v1/cases/{case_id}"), Some(&mediator))
        .await;
    app.page(&format!("/cases/{case_id}"), Some(&mediator), "zh")
        .await;
    let log = log_of(resident.clone()).await;
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    assert!(
        entries
            .iter()
            .all(|e| e["role"] == "mediator" && e["what"] == "case")
    );
    assert!(entries[0]["name"].as_str().is_some_and(|n| !n.is_empty()));
    // The party's case page says it in plain words.
    let (_, page, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    assert!(
        page.contains("谁查看过我的案件") && page.contains("查看了案件"),
        "{page}"
    );
    // Outsiders see neither the case nor its log.
    let neighbour = app.login("neighbour@demo.test").await;
    error_of(
        app.get(
            &format!("/api/v1/cases/{case_id}/access-log"),
            Some(&neighbour),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // The log cannot be edited in the database either.
    let edit = app
        .sql()
        .await
        .execute("UPDATE case_access_log SET role = 'resident'", &[])
        .await;
    assert!(edit.is_err());
}

#[tokio::test]
async fn a_person_downloads_everything_held_about_them() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    app.post_json(
        &format!("/api/v1/cases/{}/messages", id(&case)),
        Some(&resident),
        &json!({"body": "请尽快处理"}),
    )
    .await;
    let res = app.get("/api/v1/me/data", Some(&resident)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let data: Value = res.json().await.unwrap();
    assert_eq!(data["account"]["email"], "resident@demo.test");
    let cases = data["cases"].as_array().unwrap();
    assert!(
        cases.iter().any(|c| c["number"] == case["number"]),
        "{data}"
    );
    assert!(
        data["messages_written"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == "请尽快处理")
    );
    assert!(!data["sessions"].as_array().unwrap().is_empty());
    // Nobody else's cases are in it.
    let neighbour = app.login("neighbour@demo.test").await;
    let theirs: Value = app
        .get("/api/v1/me/data", Some(&neighbour))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !theirs["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["number"] == case["number"])
    );
    // The page offers it as a file.
    let res = app
        .client
        .get(app.url("/account/data"))
        .header("cookie", format!("fq_session={resident}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    error_of(
        app.get("/api/v1/me/data", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn retention_erases_personal_data_and_keeps_statistics_and_a_verifiable_history() {
    let app = TestApp::spawn().await;
    let (resident, ended) = app.file().await;
    let (_, open) = app.file().await;
    let ended_id = id(&ended);
    // A photo, a message, then the applicant withdraws: the case has ended.
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
    ];
    jpeg.resize(4000, 7);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(jpeg)
            .file_name("院墙.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let uploaded: Value = app
        .client
        .post(app.url(&format!("/api/v1/cases/{ended_id}/evidence")))
        .bearer_auth(&resident)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sha = uploaded["sha256"].as_str().unwrap().to_owned();
    app.post_json(
        &format!("/api/v1/cases/{ended_id}/messages"),
        Some(&resident),
        &json!({"body": "我的电话是13812345678"}),
    )
    .await;
    app.act_ok(
        &resident,
        &ended_id,
        json!({"action": "withdraw", "reason": "私下和解了"}),
    )
    .await;
    let in_years = |y: i64| (chrono::Utc::now() + chrono::Duration::days(365 * y + 2)).to_rfc3339();

    // Within the period (3 years by default) nothing goes; a dry run changes nothing.
    assert!(
        app.cli(&["purge", "--now", &in_years(2)])
            .starts_with("0 case(s) purged")
    );
    let dry = app.cli(&["purge", "--dry-run", "--now", &in_years(4)]);
    assert!(
        dry.contains("1 case(s) would be purged")
            && dry.contains(ended["number"].as_str().unwrap()),
        "{dry}"
    );
    assert_eq!(app.count("SELECT count(*) FROM retention_purges").await, 0);

    let done = app.cli(&["purge", "--now", &in_years(4)]);
    assert!(done.starts_with("1 case(s) purged"), "{done}");
    assert!(done.contains("1 evidence file(s) deleted"), "{done}");
    let sql = app.sql().await;
    let row = sql
        .query_one(
            "SELECT narrative, request, category, status FROM cases WHERE id = $1::text::uuid",
            &[&ended_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "（已按保存期限删除）");
    assert_eq!(row.get::<_, String>(1), "（已按保存期限删除）");
    assert_eq!(
        row.get::<_, String>(2),
        "neighbour",
        "the statistics keep the category"
    );
    assert_eq!(row.get::<_, String>(3), "withdrawn");
    let left: i64 = sql
        .query_one(
            "SELECT count(*) FROM case_parties WHERE case_id = $1::text::uuid \
             AND (name <> '（已匿名）' OR email IS NOT NULL OR phone_enc IS NOT NULL OR user_id IS NOT NULL)",
            &[&ended_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    let history: String = sql
        .query_one(
            "SELECT string_agg(data::text, ' ') FROM case_events WHERE case_id = $1::text::uuid",
            &[&ended_id],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        !history.contains("院墙") && !history.contains("私下和解"),
        "{history}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM case_messages WHERE case_id = '{ended_id}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM evidence WHERE case_id = '{ended_id}'"
        ))
        .await,
        0
    );
    let file = app
        .config
        .data_dir
        .join("evidence")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(&sha);
    assert!(!file.exists(), "the evidence file is gone");
    // The county admin can set a longer period on the policy page.
    let admin = app.login("admin@demo.test").await;
    let csrf = "abcabcabcabcabcabcabcabcabcabcab";
    let res = app
        .client
        .post(app.url("/admin/retention"))
        .header("cookie", format!("fq_session={admin}; fq_csrf={csrf}"))
        .form(&[("csrf", csrf), ("retention_years", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page, _) = app.page("/admin/policy", Some(&admin), "zh").await;
    assert!(page.contains("value=\"10\""), "{page}");
    let res = app
        .client
        .post(app.url("/admin/retention"))
        .header("cookie", format!("fq_session={admin}; fq_csrf={csrf}"))
        .form(&[("csrf", csrf), ("retention_years", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The open case is untouched, the history still verifies, and a second run does nothing.
    let narrative: String = sql
        .query_one(
            "SELECT narrative FROM cases WHERE id = $1::text::uuid",
            &[&id(&open)],
        )
        .await
        .unwrap()
        .get(0);
    assert!(narrative.contains("排水管"));
    assert!(
        app.cli(&["verify-audit"])
            .contains("every case history verifies")
    );
    assert!(
        app.cli(&["purge", "--now", &in_years(4)])
            .starts_with("0 case(s) purged")
    );
    // Erasing history data outside a purge is tampering, and said so.
    sql.batch_execute(&format!(
        "ALTER TABLE case_events DISABLE TRIGGER case_events_no_update_delete;
         UPDATE case_events SET data = jsonb_build_object('erased', '2030-01-01', 'digest', 'x') WHERE case_id = '{}' AND seq = 1;",
        id(&open)
    ))
    .await
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("verify-audit")
        .env("DATABASE_URL", &app.config.database_url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("never purged"));
}

/// Each county's own period decides, in the statement that picks the cases: a county that
/// keeps its ended cases ten years, with more of them than one run purges, does not keep the
/// due cases of a county on the default three years from ever being reached.
#[tokio::test]
async fn a_county_that_keeps_its_cases_long_does_not_hold_up_the_purge_of_another() {
    let app = TestApp::spawn().await;
    app.cli(&["seed-load", "--cases", "1700", "--counties", "2"]);
    let sql = app.sql().await;
    let counties: Vec<(String, String)> = sql
        .query(
            "SELECT id::text, code FROM divisions WHERE level = 'county' AND code LIKE '99%' ORDER BY code",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let [(long, _), (short, short_code)] = &counties[..] else {
        panic!("two counties: {counties:?}")
    };
    // The long-keeping county's cases ended longer ago, so they come first in time.
    sql.batch_execute(&format!(
        "INSERT INTO county_policies (county_id, retention_years) VALUES ('{long}', 10);
         UPDATE cases SET updated_at = now() - interval '6 years' WHERE county_id = '{long}';
         UPDATE cases SET updated_at = now() - interval '4 years' WHERE county_id = '{short}';"
    ))
    .await
    .unwrap();
    let ended = |county: &str| {
        format!(
            "SELECT count(*) FROM cases WHERE county_id = '{county}' \
             AND status IN ('closed', 'declined', 'referred', 'withdrawn')"
        )
    };
    let batch = fengqiao::jobs::retention::BATCH;
    assert!(
        app.count(&ended(long)).await > batch,
        "more ended cases than one run purges"
    );
    let due = app.count(&ended(short)).await;
    let dry = app.cli(&["purge", "--dry-run"]);
    let numbers: Vec<&str> = dry.lines().skip(1).map(str::trim).collect();
    assert_eq!(
        numbers.len() as i64,
        due.min(batch),
        "{}",
        &dry[..dry.len().min(300)]
    );
    assert!(
        numbers
            .iter()
            .all(|n| n.starts_with(&format!("{}-", &short_code[..6]))),
        "{}",
        &dry[..dry.len().min(300)]
    );
}

#[tokio::test]
async fn deleting_an_account_waits_for_its_open_cases_and_the_county_admin() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let res = app
        .post_json(
            "/api/v1/me/deletion",
            Some(&resident),
            &json!({"reason": "不再需要"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["deleted"], false);
    assert!(
        body["holds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| *n == case["number"]),
        "the open case holds it: {body}"
    );
    let admin = app.login("admin@demo.test").await;
    let pending: Value = app
        .get("/api/v1/deletion-requests", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let request = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == "不再需要")
        .unwrap()
        .clone();
    let decide = |decision: &str, note: Option<&str>| {
        let app = &app;
        let admin = admin.clone();
        let path = format!(
            "/api/v1/deletion-requests/{}",
            request["id"].as_str().unwrap()
        );
        let body = json!({"decision": decision, "note": note});
        async move { app.post_json(&path, Some(&admin), &body).await }
    };
    // While the case is open the account cannot go; the answer names the case.
    let e = error_of(decide("delete", None).await, StatusCode::CONFLICT).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains(case["number"].as_str().unwrap())
    );
    error_of(
        decide("refuse", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Once it has ended, the admin deletes the account: it can no longer sign in.
    app.act_ok(&resident, &id(&case), json!({"action": "withdraw"}))
        .await;
    assert_eq!(
        decide("delete", Some("已核实")).await.status(),
        StatusCode::NO_CONTENT
    );
    error_of(
        app.get("/api/v1/me", Some(&resident)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "resident@demo.test", "password": crate::harness::PASSWORD}),
        )
        .await;
    error_of(res, StatusCode::UNAUTHORIZED).await;
    let name: String = app
        .sql()
        .await
        .query_one("SELECT name FROM users WHERE deleted_at IS NOT NULL", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(name, "（已注销）");
    // Staff ask the admin instead; other counties' admins and mediators see nothing.
    let mediator = app.login("village.mediator@demo.test").await;
    error_of(
        app.post_json("/api/v1/me/deletion", Some(&mediator), &json!({}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    error_of(
        app.get("/api/v1/deletion-requests", Some(&mediator)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
