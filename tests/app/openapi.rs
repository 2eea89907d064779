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
    for (method, path) in &routes {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    // And the other way: nothing is documented that the table does not serve.
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            assert!(
                routes.iter().any(|(m, p)| m == method && p == path),
                "{method} {path} is documented but not in the route table"
            );
        }
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

/// The contract as it stands is kept in `docs/openapi.json`: a change to the API shows there in
/// review. After a deliberate change, `UPDATE_OPENAPI=1 cargo test --test app openapi` writes
/// the new document.
#[test]
fn the_document_matches_its_snapshot() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
    let now = serde_json::to_string_pretty(fengqiao::routes::openapi::document()).unwrap() + "\n";
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, &now).unwrap();
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        kept == now,
        "the API document changed; if that is meant, run UPDATE_OPENAPI=1 cargo test --test app openapi and commit docs/openapi.json"
    );
}

/// Every request body, parameter and answer of the document comes from a type; each operation
/// has a summary, a success answer and the 503 every database-backed call may give.
#[test]
fn every_operation_says_what_it_takes_and_gives() {
    let doc = fengqiao::routes::openapi::document();
    let mut operations = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| s.len() > 10),
                "{name}: no summary"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|c| c.starts_with('2')),
                "{name}: no success answer"
            );
            assert!(responses.contains_key("503"), "{name}: no 503");
            if path.contains('{') {
                assert!(
                    op["parameters"].as_array().is_some_and(|p| !p.is_empty()),
                    "{name}: path parameter undocumented"
                );
            }
        }
    }
    assert!(operations > 50, "{operations} operations");
    // The contract's details come from the structs serde uses: the action's fields are all there.
    let schemas = &doc["components"]["schemas"];
    let filing = &schemas["FilingInput"]["properties"];
    assert!(filing["privacy_notice_version"].is_object(), "{filing}");
    let action = serde_json::to_string(&schemas["ActionInput"]).unwrap();
    for field in [
        "record_consent",
        "id_number",
        "attended",
        "performance_due",
        "satisfaction",
    ] {
        assert!(
            action.contains(field),
            "ActionInput lacks {field}: {action}"
        );
    }
}
