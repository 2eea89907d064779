//! The OpenAPI document covers every route of the API, and its docs page is served locally.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::TestApp;

/// The `(method, path)` pairs registered under `/api/v1` in the one route table.
fn routes_in_table() -> Vec<(String, String)> {
    let table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes/mod.rs")).unwrap();
    let scope = table.split("web::scope(\"/api/v1\")").nth(1).unwrap();
    let scope = scope.split("\n    )").next().unwrap();
    // rustfmt may break a route over lines: compare without whitespace.
    let compact: String = scope.split_whitespace().collect();
    compact
        .split(".route(\"")
        .skip(1)
        .map(|chunk| {
            let path = chunk.split('"').next().unwrap();
            let method = chunk
                .split("web::")
                .nth(1)
                .unwrap()
                .split("()")
                .next()
                .unwrap();
            (method.to_owned(), format!("/api/v1{path}"))
        })
        .collect()
}

#[tokio::test]
async fn every_route_is_documented() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/openapi.json", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let routes = routes_in_table();
    assert!(routes.len() >= 25, "{routes:?}");
    assert!(
        routes
            .iter()
            .any(|(_, p)| p == "/api/v1/notifications/read"),
        "{routes:?}"
    );
    for (method, path) in routes {
        assert!(
            doc["paths"][&path][&method].is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    let page = app.get("/api/docs", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api/v1/cases/{id}/actions"));
    assert!(
        !html.contains("https://"),
        "the docs page loads nothing from elsewhere"
    );
}
