//! The Fengqiao indicators: cases driven through the engine, the rollup job run by the real
//! binary, every figure read back exactly through the API, the CSV and the XLSX; the rebuild
//! from history matches; the public figures hide small cells; bad queries get precise 4xx.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{future, id};
use crate::harness::{TestApp, error_of};

fn fengqiao(app: &TestApp, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .env_remove("FENGQIAO_ENV")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fengqiao {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Four cases: resolved in the village (an online session both attended, both signed, both
/// rated), accepted in the village and passed up then withdrawn at the township, declined, and
/// one still waiting.
async fn four_cases(app: &TestApp) {
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    let (resident, a) = app.file().await;
    let a = id(&a);
    // The journey's session is recorded with who attended.
    let c = app.act_ok(&mediator, &a, json!({"action": "accept"})).await;
    assert_eq!(c["status"], "awaiting_respondent");
    app.act_ok(&respondent, &a, json!({"action": "respondent_consents"}))
        .await;
    let c = app
        .act_ok(&mediator, &a, json!({"action": "schedule_session", "at": future(1), "mode": "online", "location": "https://meet.example/1"}))
        .await;
    let session = c["sessions"][0]["id"].as_str().unwrap().to_owned();
    let parties: Vec<Value> = c["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    // A stranger named as attending is refused.
    let res = app
        .act(&mediator, &a, json!({"action": "record_session", "session_id": session, "record": "双方到场。", "attended": ["00000000-0000-0000-0000-000000000001"]}))
        .await;
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    app.act_ok(&mediator, &a, json!({"action": "record_session", "session_id": session, "record": "双方到场，同意改管。", "attended": parties}))
        .await;
    let c = app.case(&mediator, &a).await;
    app.act_ok(&mediator, &a, crate::cases_support::agreement(&c))
        .await;
    crate::cases_support::sign_all(app, &resident, &mediator, &a).await;
    for (who, score) in [(&resident, 5), (&respondent, 3)] {
        let res = app
            .post_json(
                &format!("/api/v1/cases/{a}/rating"),
                Some(who),
                &json!({"score": score}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    let (_, b) = app.file().await;
    let b = id(&b);
    app.act_ok(&mediator, &b, json!({"action": "accept"})).await;
    app.act_ok(&respondent, &b, json!({"action": "respondent_consents"}))
        .await;
    let c = app
        .act_ok(
            &mediator,
            &b,
            json!({"action": "escalate", "reason": "涉及两个村"}),
        )
        .await;
    assert_eq!(c["level"], "township");
    app.act_ok(&resident, &b, json!({"action": "withdraw"}))
        .await;

    let (_, c) = app.file().await;
    app.act_ok(
        &mediator,
        &id(&c),
        json!({"action": "decline", "reason": "不属于民间纠纷"}),
    )
    .await;
    app.file().await;
}

async fn stats(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/stats?{query}"), Some(token))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "stats?{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn every_indicator_is_exact_through_the_api_the_csv_and_the_xlsx() {
    let app = TestApp::spawn().await;
    four_cases(&app).await;
    let said = fengqiao(&app, &["rollup"]);
    assert!(said.contains("4 case(s)"), "{said}");
    let judge = app.login("judge@demo.test").await;
    let s = stats(&app, &judge, "unit=county").await;
    let t = &s["total"];
    let expect = [
        ("filed", json!(4)),
        ("accepted", json!(2)),
        ("declined", json!(1)),
        ("withdrawn", json!(1)),
        ("open", json!(2)), // the waiting case, and the resolved one until it is closed
        ("ended", json!(3)),
        ("resolved", json!(1)),
        ("resolved_in_village_rate", json!(0.3333)),
        ("resolved_in_township_rate", json!(0.3333)),
        ("pushed_up", json!(0)),
        ("pushed_up_rate", json!(0.0)),
        ("escalation_rate", json!(0.5)),
        ("days_median", json!(0)),
        ("days_p90", json!(0)),
        ("deadline_compliance", json!(1.0)),
        ("confirmation_requested_rate", json!(0.0)),
        ("confirmed_rate", Value::Null),
    ];
    for (k, v) in &expect {
        assert_eq!(&t[*k], v, "{k} in {t}");
    }
    assert_eq!(
        t["performance"],
        json!({"full": 0, "partial": 0, "none": 0})
    );
    assert_eq!(
        t["satisfaction"],
        json!({"mean": 4.0, "distribution": [0, 0, 1, 0, 1], "rated_share": 0.25})
    );
    // Four filings, two attendances of the online session recorded with them, two signatures.
    assert_eq!(
        t["trips_avoided"],
        json!({"total": 8, "filing": 4, "sessions": 2, "signatures": 2, "evidence": 0, "documents": 0})
    );
    // Applications 4; acceptances: A and B in the village; one session record; one agreement.
    assert_eq!(
        t["documents_produced"],
        json!({"total": 8, "application": 4, "acceptance": 2, "session_record": 1, "agreement": 1, "follow_up": 0, "case_file": 0})
    );
    assert_eq!(t["sessions"], json!({"online": 1, "in_person": 0}));
    assert_eq!(s["rows"].as_array().unwrap().len(), 1);
    assert!(
        s["definitions"]["resolved_in_village_rate"]
            .as_str()
            .unwrap()
            .contains("÷")
    );

    // The CSV: a byte-order mark, then the same figures.
    let res = app.get("/api/v1/stats.csv?unit=county", Some(&judge)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "no BOM");
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let total: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cell = |name: &str| total[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("filed"), "4");
    assert_eq!(cell("resolved_in_village_rate"), "0.3333");
    assert_eq!(cell("trips_avoided"), "8");
    assert_eq!(cell("confirmed_rate"), "");
    assert_eq!(cell("name"), "诸暨市");

    // The XLSX, read back with a spreadsheet reader.
    let res = app
        .get("/api/v1/stats.xlsx?unit=county", Some(&judge))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("indicators").unwrap();
    let head: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let row = sheet.rows().nth(1).unwrap();
    let at = |name: &str| &row[head.iter().position(|h| h == name).unwrap()];
    assert_eq!(at("filed"), &Data::Float(4.0));
    assert_eq!(at("escalation_rate"), &Data::Float(0.5));
    assert_eq!(at("satisfaction_mean"), &Data::Float(4.0));
    assert_eq!(at("name"), &Data::String("诸暨市".into()));

    // Per township: the case passed up stays with the village it came from.
    let by_village = stats(&app, &judge, "unit=village").await;
    assert_eq!(by_village["rows"][0]["filed"], 4);

    // Rebuilt from the history alone, the sums are the same.
    let said = fengqiao(&app, &["rollup", "--rebuild", "--check"]);
    assert!(said.contains("match"), "{said}");
    // Read through the township (all four cases are in it): the server keeps the county's
    // months in memory for 30 s, and this reach has not been read yet.
    let again = stats(&app, &judge, "unit=county&within=330681109000&from=2020-01").await;
    for (k, v) in &expect {
        assert_eq!(&again["total"][*k], v, "{k} after the rebuild");
    }
    // A second run with nothing new changes nothing.
    let said = fengqiao(&app, &["rollup"]);
    assert!(said.contains("0 case(s) and 0 month(s)"), "{said}");
}

#[tokio::test]
async fn one_county_is_brought_up_to_date_on_its_own() {
    let app = TestApp::spawn().await;
    four_cases(&app).await;
    let said = fengqiao(&app, &["rollup", "--county", "330681"]);
    assert!(said.contains("4 case(s)"), "{said}");
    // Nothing of that county is left for the run over all of them.
    let said = fengqiao(&app, &["rollup"]);
    assert!(said.contains("0 case(s) and 0 month(s)"), "{said}");
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(["rollup", "--county", "999999"])
        .env("DATABASE_URL", &app.config.database_url)
        .env_remove("FENGQIAO_ENV")
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no county with the code 999999"));
}

#[tokio::test]
async fn the_public_figures_hide_small_cells_and_need_no_login() {
    let app = TestApp::spawn().await;
    four_cases(&app).await;
    fengqiao(&app, &["rollup"]);
    let res = app.get("/api/v1/public/stats?county=330681", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("public")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["total"]["filed"], "<5");
    assert_eq!(body["total"]["resolved_in_village_rate"], "<5");
    // No count under 5 anywhere; no names of people, no narratives.
    let text = body.to_string();
    for row in std::iter::once(&body["total"]).chain(body["rows"].as_array().unwrap()) {
        for (k, v) in row.as_object().unwrap() {
            if let Some(n) = v.as_i64() {
                assert!(n >= 5 || k == "code", "{k} = {n} published");
            }
        }
    }
    assert!(!text.contains("王秀英") && !text.contains("排水管"));
    // Unchanged figures answer 304 to the same tag.
    let res = app
        .client
        .get(app.url("/api/v1/public/stats?county=330681000000"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // The page, without a login.
    let res = app.get("/stats/330681000000", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("&lt;5") && page.contains("<svg"), "{page}");
    error_of(
        app.get("/api/v1/public/stats?county=110101", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn bad_queries_get_a_precise_answer() {
    let app = TestApp::spawn().await;
    let judge = app.login("judge@demo.test").await;
    for (query, status) in [
        ("from=2026-13", StatusCode::BAD_REQUEST),
        ("from=26-01", StatusCode::BAD_REQUEST),
        ("from=2026-05&to=2026-01", StatusCode::BAD_REQUEST),
        ("from=2010-01&to=2026-01", StatusCode::BAD_REQUEST),
        ("unit=planet", StatusCode::BAD_REQUEST),
        ("county=110101000000", StatusCode::NOT_FOUND),
        ("within=999999999999", StatusCode::NOT_FOUND),
    ] {
        let body = error_of(
            app.get(&format!("/api/v1/stats?{query}"), Some(&judge))
                .await,
            status,
        )
        .await;
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{query}: {body}"
        );
    }
    let resident = app.login("resident@demo.test").await;
    error_of(
        app.get("/api/v1/stats", Some(&resident)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        app.get("/api/v1/stats", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // A village committee's head sees the village; the township above is someone else's.
    let head = app.login("village.head@demo.test").await;
    assert_eq!(
        app.get("/api/v1/stats?within=330681109201", Some(&head))
            .await
            .status(),
        StatusCode::OK
    );
    error_of(
        app.get("/api/v1/stats?within=330681109000", Some(&head))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = app.get("/dashboard", Some(&head)).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// The judge's dashboard on a 360 px phone and a desktop: headline figures first, charts drawn
/// without script, wide tables scrolling inside their box rather than the page.
#[tokio::test]
async fn the_judge_reads_the_dashboard_on_a_phone_and_a_desktop() {
    use crate::browser::{Browser, Options};
    let app = TestApp::spawn().await;
    four_cases(&app).await;
    fengqiao(&app, &["rollup"]);
    for width in [360, 1280] {
        let b = Browser::open(&app, Options { width }).await;
        b.login("judge@demo.test").await;
        b.go("/dashboard").await;
        assert!(b.text("h1").await.contains("枫桥指标"));
        assert!(b.text(".headlines").await.contains("小事不出村"));
        let page = b.source().await;
        assert!(page.contains("<svg") && page.contains("33.3%"), "{page}");
        let wide = b
            .client
            .execute("return document.documentElement.scrollWidth", vec![])
            .await
            .unwrap();
        assert!(
            wide.as_u64().unwrap() <= u64::from(width),
            "the page is {wide} px wide at {width} px"
        );
        b.keep(&format!("dashboard-judge-{width}")).await;
        b.client
            .execute(
                "document.querySelector('svg.chart').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        b.keep(&format!("dashboard-judge-{width}-charts")).await;
        if width == 360 {
            // Large text (适老化): bigger figures, and still no sideways scrolling.
            b.submit("a[href^='/text/big']").await;
            let wide = b
                .client
                .execute("return document.documentElement.scrollWidth", vec![])
                .await
                .unwrap();
            assert!(wide.as_u64().unwrap() <= 360, "large text: {wide} px wide");
            b.keep("dashboard-judge-360-large-text").await;
        }
        b.go("/stats/330681000000").await;
        b.keep(&format!("public-stats-{width}")).await;
        b.close().await;
    }
}
