//! Callers kept in memory between requests (`auth::principal_cache`), on two nodes of one
//! database: a logout, a deactivation or a role change on one node is refused on the other at
//! once, and a node that cannot hear the database's announcements reads every caller again.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_postgres::NoTls;

use crate::harness::{BOUND, TestApp, refused_within};

fn series(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} missing:\n{metrics}"))
}

async fn figure(app: &TestApp, name: &str) -> f64 {
    series(&app.get("/metrics", None).await.text().await.unwrap(), name)
}

/// Waits until the node hears account changes (it starts listening just after it starts).
async fn listening(app: &TestApp) {
    let until = Instant::now() + Duration::from_secs(10);
    while figure(app, "fengqiao_callers_listening").await != 1.0 {
        assert!(Instant::now() < until, "the node never started listening");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Makes sure `node` keeps this caller: two requests, the second served from memory.
async fn kept_on(node: &TestApp, token: &str) {
    let before = figure(node, "fengqiao_callers_total{from=\"kept\"}").await;
    for _ in 0..2 {
        assert_eq!(
            node.get("/api/v1/me", Some(token)).await.status(),
            StatusCode::OK
        );
    }
    let after = figure(node, "fengqiao_callers_total{from=\"kept\"}").await;
    assert!(
        after > before,
        "the caller was not kept ({before} → {after})"
    );
}

#[tokio::test]
async fn a_logout_on_one_node_is_refused_on_the_other_at_once() {
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    listening(&a).await;
    listening(&b).await;
    let token = a.login("resident@demo.test").await;
    kept_on(&b, &token).await;
    let out = a
        .post_json("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let took = refused_within(&b, "/api/v1/me", &token).await;
    assert!(took < BOUND, "{took:?}");
    // Only that token: another session of the same person still works on both nodes.
    let other = a.login("resident@demo.test").await;
    kept_on(&b, &other).await;
}

#[tokio::test]
async fn a_deactivation_and_a_role_change_on_one_node_are_refused_on_the_other() {
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    listening(&a).await;
    listening(&b).await;
    let admin = a.login("admin@demo.test").await;
    let mediator = a.login("village.mediator@demo.test").await;
    kept_on(&b, &mediator).await;
    let me: Value = b
        .get("/api/v1/me", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    let res = a
        .post_json(
            &format!("/api/v1/staff/{}/deactivate", me["id"].as_str().unwrap()),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    refused_within(&b, "/api/v1/queue", &mediator).await;

    // A role changed in the database by any means (here, by hand) is announced too.
    let head = a.login("village.head@demo.test").await;
    kept_on(&b, &head).await;
    let (db, conn) = tokio_postgres::connect(&a.config.database_url, NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    db.execute(
        "UPDATE users SET role = 'mediator', token_version = token_version + 1
          WHERE email = 'village.head@demo.test'",
        &[],
    )
    .await
    .unwrap();
    refused_within(&b, "/api/v1/me", &head).await;
}

#[tokio::test]
async fn a_node_that_cannot_hear_announcements_reads_every_caller_until_it_hears_again() {
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    listening(&a).await;
    listening(&b).await;
    let token = a.login("resident@demo.test").await;
    kept_on(&b, &token).await;
    // Cut every listening connection of this database: both nodes stop keeping callers.
    let (db, conn) = tokio_postgres::connect(&a.config.database_url, NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let name = a.db_name.clone();
    let cut = db
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = $1 AND application_name = 'fengqiao listener'",
            &[&name],
        )
        .await
        .unwrap();
    assert_eq!(cut, 2, "one listening connection per node");
    let until = Instant::now() + Duration::from_secs(5);
    while figure(&b, "fengqiao_callers_listening").await != 0.0 {
        assert!(Instant::now() < until, "the node did not notice");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Whatever happens meanwhile is read from the database: a logout counts at once.
    let kept = figure(&b, "fengqiao_callers_total{from=\"kept\"}").await;
    let out = a
        .post_json("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    if figure(&b, "fengqiao_callers_listening").await == 0.0 {
        assert_eq!(
            b.get("/api/v1/me", Some(&token)).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            figure(&b, "fengqiao_callers_total{from=\"kept\"}").await,
            kept
        );
    }
    // It listens again within a few seconds and keeps callers again, starting from nothing.
    listening(&b).await;
    let again = a.login("resident@demo.test").await;
    kept_on(&b, &again).await;
    refused_within(&b, "/api/v1/me", &token).await;
}
