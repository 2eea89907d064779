//! What an operator watches and runs: the backlog and job series of `/metrics` (and that the
//! shipped alert rules name only series that exist), the client's address behind a trusted
//! proxy, `fengqiao verify-evidence`, and nodes that migrate together.

use std::time::Duration;

use reqwest::StatusCode;
use tokio_postgres::NoTls;

use crate::cases_support::id;
use crate::evidence::jpeg;
use crate::harness::{TestApp, url_for};

/// The value of the series `name` (with its labels, e.g. `{channel="email"}`), if present.
fn series(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn metrics(app: &TestApp) -> String {
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

async fn database(app: &TestApp) -> tokio_postgres::Client {
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    db
}

#[tokio::test]
async fn the_metrics_show_the_queues_the_oldest_overdue_clock_and_a_job_s_lag() {
    let app = TestApp::spawn().await;
    // The demo county's own clocks, as of now, first.
    app.sweep_at(chrono::Utc::now());
    let before = metrics(&app).await;
    assert_eq!(
        series(&before, "fengqiao_backlog_up"),
        Some(1.0),
        "{before}"
    );
    for channel in ["email", "sms", "webhook", "notices"] {
        let due = format!("fengqiao_queue_due{{channel=\"{channel}\"}}");
        assert!(series(&before, &due).is_some(), "{due} missing:\n{before}");
    }

    // A filing tells the village's mediators by mail, now: the mail is due until a worker runs.
    let (_, case) = app.file().await;
    let db = database(&app).await;
    let due_mail: i64 = db
        .query_one(
            "SELECT count(*) FROM outbox
              WHERE status = 'pending' AND channel = 'email' AND next_attempt_at <= now()",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(due_mail > 0);
    // The page counts what the database holds, and the clock of the new case runs for days.
    let after = metrics(&app).await;
    assert_eq!(
        series(&after, "fengqiao_queue_due{channel=\"email\"}"),
        Some(due_mail as f64),
        "{after}"
    );
    assert_eq!(series(&after, "fengqiao_overdue_clock_seconds"), Some(0.0));

    // A clock two hours past its deadline shows as the oldest overdue one, until it is swept.
    let case_id = id(&case);
    db.execute(
        "UPDATE cases SET deadline_at = now() - interval '2 hours' WHERE id::text = $1",
        &[&case_id],
    )
    .await
    .unwrap();
    let overdue = series(&metrics(&app).await, "fengqiao_overdue_clock_seconds").unwrap();
    assert!((7200.0..7300.0).contains(&overdue), "{overdue}");
    app.sweep_at(chrono::Utc::now());
    let swept = series(&metrics(&app).await, "fengqiao_overdue_clock_seconds").unwrap();
    assert!(swept < 60.0, "still overdue after the sweep: {swept}");

    // The indicators' job, run as serve runs it: its pass shows as the rollup's lag, and a stop
    // ends the loop.
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let (stopper, stop) = fengqiao::background::stop_pair();
    let job = tokio::spawn(fengqiao::jobs::rollup::run_forever(
        pool,
        Duration::from_millis(100),
        stop,
    ));
    let rollup_lag = "fengqiao_job_lag_seconds{job=\"rollup\"}";
    assert_eq!(
        series(&metrics(&app).await, rollup_lag),
        Some(f64::INFINITY),
        "no pass yet: infinitely behind"
    );
    let mut lag = None;
    for _ in 0..100 {
        lag = series(&metrics(&app).await, rollup_lag).filter(|l| l.is_finite());
        if lag.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let lag = lag.expect("the rollup's lag appears once a pass has finished");
    assert!((0.0..30.0).contains(&lag), "{lag}");
    let page = metrics(&app).await;
    assert!(series(&page, "fengqiao_job_runs_total{job=\"rollup\"}").unwrap() >= 1.0);
    assert!(
        series(
            &page,
            "fengqiao_job_last_success_timestamp_seconds{job=\"rollup\"}"
        )
        .unwrap()
            > 1.7e9
    );
    stopper.stop();
    tokio::time::timeout(Duration::from_secs(10), job)
        .await
        .expect("the job stops when asked")
        .unwrap();
}

#[tokio::test]
async fn every_series_the_alert_rules_use_is_on_the_metrics_page() {
    let app = TestApp::spawn().await;
    let page = metrics(&app).await;
    let rules = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/alerts.yml"),
    )
    .unwrap();
    let mut names: Vec<&str> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("fengqiao_"))
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let shown = page
            .lines()
            .any(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")));
        assert!(
            shown,
            "deploy/alerts.yml uses {name}, which /metrics does not show"
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit_and_others_cannot_choose_one() {
    let limited = |trusted: bool| {
        move |c: &mut fengqiao::config::Config| {
            c.rate_per_address = 5;
            if trusted {
                c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
            }
        }
    };
    async fn statuses(app: &TestApp, addresses: &[&str]) -> Vec<u16> {
        let mut out = Vec::new();
        for a in addresses {
            let res = app
                .client
                .get(app.url("/api/v1/me"))
                .header("X-Real-IP", *a)
                .send()
                .await
                .unwrap();
            out.push(res.status().as_u16());
        }
        out
    }

    // Behind the proxy: one client uses up its share; another client is still answered.
    let proxied = TestApp::spawn_with(limited(true)).await;
    let first = statuses(&proxied, &["10.1.0.7"; 8]).await;
    assert!(first.contains(&429), "{first:?}");
    assert_eq!(first[0], 401, "{first:?}");
    let other = statuses(&proxied, &["10.1.0.8"]).await;
    assert_eq!(
        other,
        [401],
        "another client behind the proxy has its own limit"
    );
    let refused = series(
        &metrics(&proxied).await,
        "fengqiao_requests_refused_total{why=\"rate_limit\"}",
    )
    .unwrap();
    assert!(refused >= 1.0, "{refused}");

    // Not from a trusted proxy: the header is ignored, so changing it evades nothing.
    let direct = TestApp::spawn_with(limited(false)).await;
    let rotating: Vec<String> = (0..8).map(|i| format!("10.2.0.{i}")).collect();
    let rotating: Vec<&str> = rotating.iter().map(String::as_str).collect();
    let got = statuses(&direct, &rotating).await;
    assert!(
        got.contains(&429),
        "a made-up X-Real-IP escaped the limit: {got:?}"
    );
}

fn fengqiao(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .env("DATA_DIR", &app.config.data_dir)
        .env_remove("FENGQIAO_ENV")
        .output()
        .unwrap()
}

#[tokio::test]
async fn verify_evidence_names_a_file_changed_and_a_file_missing() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let mut hashes = Vec::new();
    for (i, len) in [(0, 3000), (1, 5000)] {
        let res = app
            .upload(
                &resident,
                &id(&case),
                jpeg(len),
                &format!("墙{i}.jpg"),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: serde_json::Value = res.json().await.unwrap();
        let sha = body["sha256"]
            .as_str()
            .or(body["items"][0]["sha256"].as_str())
            .unwrap()
            .to_owned();
        hashes.push(sha);
    }
    let ok = fengqiao(&app, &["verify-evidence"]);
    let said = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{said}");
    assert!(said.contains("2 evidence file(s) verify"), "{said}");

    let path = |sha: &str| {
        app.config
            .data_dir
            .join("evidence")
            .join(&sha[0..2])
            .join(&sha[2..4])
            .join(sha)
    };
    let mut changed = std::fs::read(path(&hashes[0])).unwrap();
    changed.push(0);
    std::fs::write(path(&hashes[0]), changed).unwrap();
    std::fs::remove_file(path(&hashes[1])).unwrap();
    let bad = fengqiao(&app, &["verify-evidence"]);
    let said = String::from_utf8_lossy(&bad.stdout);
    assert!(!bad.status.success(), "{said}");
    assert!(
        said.contains(&format!("{}: the stored file now hashes to", hashes[0])),
        "{said}"
    );
    assert!(
        said.contains(&format!("{}: missing from the store", hashes[1])),
        "{said}"
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2 of 2 evidence file(s) do not verify"));
}

#[tokio::test]
async fn nodes_started_together_apply_each_migration_once() {
    let name = format!("fq_test_{}", uuid::Uuid::new_v4().simple());
    let (admin, conn) = tokio_postgres::connect(&url_for("postgres"), NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    admin
        .execute(&format!("CREATE DATABASE \"{name}\""), &[])
        .await
        .unwrap();
    let url = url_for(&name);
    let runs: Vec<_> = (0..3)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
                .arg("migrate")
                .env("DATABASE_URL", &url)
                .env_remove("FENGQIAO_ENV")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = runs
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let migrations =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
            .unwrap()
            .filter(|e| e.as_ref().is_ok_and(|e| e.path().join("up.sql").exists()))
            .count();
    let mut applied = 0;
    for out in &outputs {
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        applied += said
            .split_once("applied ")
            .and_then(|(_, rest)| rest.split_once(' '))
            .and_then(|(n, _)| n.parse::<usize>().ok())
            .unwrap();
    }
    assert_eq!(
        applied, migrations,
        "each migration applied by exactly one node"
    );
    admin
        .execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"), &[])
        .await
        .unwrap();
}
