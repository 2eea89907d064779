//! `fengqiao seed-demo` makes a county that looks alive: cases in every status, made by the
//! engine, and running it again adds nothing.

use serde_json::Value;

use crate::harness::TestApp;

#[tokio::test]
async fn the_demo_county_has_cases_in_every_status_and_seeding_twice_adds_nothing() {
    let app = TestApp::spawn().await;
    let seed = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .arg("seed-demo")
            .env("DATABASE_URL", &app.config.database_url)
            .env("DATA_KEY", "2a".repeat(32))
            .env("DATA_DIR", &app.config.data_dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = seed();
    assert!(first.contains("42 new cases"), "{first}");
    // Dated so that no clock has run out yet: the first sweep of a new demo changes nothing,
    // and the demo still shows every status when the server starts.
    let sweep = app.sweep_at(chrono::Utc::now());
    assert!(sweep.contains(" 0 case(s) changed"), "{sweep}");
    // A past year of ended cases across the villages, already in the indicators.
    assert!(first.contains("ended cases of the past year"), "{first}");
    let judge = app.login("judge@demo.test").await;
    let stats: Value = app
        .get("/api/v1/stats?unit=village", Some(&judge))
        .await
        .json()
        .await
        .unwrap();
    let total = &stats["total"];
    assert!(total["filed"].as_i64().unwrap() > 200, "{total}");
    assert!(stats["rows"].as_array().unwrap().len() >= 10, "{stats}");
    let village = total["resolved_in_village_rate"].as_f64().unwrap();
    assert!((0.4..0.8).contains(&village), "{total}");
    assert!(total["pushed_up"].as_i64().unwrap() > 0, "{total}");
    assert!(total["satisfaction"]["mean"].as_f64().is_some(), "{total}");
    let months = stats["months"].as_array().unwrap();
    assert!(
        months
            .iter()
            .filter(|m| m["filed"].as_i64() > Some(0))
            .count()
            >= 11,
        "{months:?}"
    );
    let again = seed();
    assert!(
        again.contains("0 new divisions, 0 new accounts, 0 new cases"),
        "{again}"
    );
    let resident = app.login("resident@demo.test").await;
    let mine: Value = app
        .get("/api/v1/cases?limit=200", Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    let statuses: std::collections::BTreeSet<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    for status in [
        "submitted",
        "awaiting_respondent",
        "in_mediation",
        "agreement_pending",
        "resolved",
        "closed",
        "declined",
        "unmediable",
        "referred",
        "withdrawn",
    ] {
        assert!(
            statuses.contains(status),
            "no demo case is {status}: {statuses:?}"
        );
    }
    let levels: std::collections::BTreeSet<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels.len(), 3, "{levels:?}");
    // It has messages and evidence to look at, and the evidence opens.
    let with_material = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "submitted")
        .unwrap();
    let evidence: Value = app
        .get(
            &format!(
                "/api/v1/cases/{}/evidence",
                with_material["id"].as_str().unwrap()
            ),
            Some(&resident),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(evidence[0]["content_type"], "application/pdf");
    let file = app
        .get(
            &format!("/api/v1/evidence/{}", evidence[0]["id"].as_str().unwrap()),
            Some(&resident),
        )
        .await;
    assert_eq!(file.status(), reqwest::StatusCode::OK);
    let mediator = app.login("village.mediator@demo.test").await;
    let queue: Value = app
        .get("/api/v1/queue?limit=200", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        queue["items"].as_array().unwrap().len() >= 20,
        "a busy village queue"
    );
    // The neighbour is party to none of them.
    let neighbour = app.login("neighbour@demo.test").await;
    let theirs: Value = app
        .get("/api/v1/cases", Some(&neighbour))
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["items"].as_array().unwrap().is_empty());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("verify-audit")
        .env("DATABASE_URL", &app.config.database_url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
