//! Every route of the one route table, by what it serves and who may reach it, checked as every
//! role and for someone else's case: a case or an evidence item outside the caller's scope is
//! answered exactly like one that does not exist. The table below must name every route of
//! `src/routes/mod.rs`, so a new route without an entry fails here first.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::cases_support::id;
use crate::harness::TestApp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Anyone, no login (health, docs, home, help, lookup, sign-in, invitations by token).
    Public,
    /// Any logged-in caller, about themselves.
    Account,
    /// A case named by `{id}`: through the gate.
    Case,
    /// An evidence item named by `{id}`: through the gate of its case.
    Evidence,
    /// Staff of a committee (queue, calendar, mediators, assisted filing).
    Staff,
    /// The county administrator (staff accounts, policy, failed mail).
    Admin,
    /// A resident's filing.
    Filing,
    /// Another system, with its API key (the export); no person's session reaches it.
    System,
}

use Kind::*;

/// (method, path, kind) for every route; API paths with their `/api/v1` prefix.
const TABLE: &[(&str, &str, Kind)] = &[
    ("get", "/healthz", Public),
    ("get", "/readyz", Public),
    ("get", "/metrics", Public),
    ("post", "/api/v1/auth/login", Public),
    ("post", "/api/v1/auth/logout", Account),
    ("post", "/api/v1/auth/code", Public),
    ("post", "/api/v1/auth/code/verify", Public),
    ("post", "/api/v1/auth/password", Account),
    ("post", "/api/v1/auth/reset", Public),
    ("post", "/api/v1/auth/link", Public),
    ("post", "/api/v1/auth/second-factor", Public),
    ("post", "/api/v1/auth/second-factor/enrol", Public),
    ("post", "/api/v1/auth/second-factor/confirm", Public),
    ("post", "/api/v1/me/second-factor", Account),
    ("post", "/api/v1/me/second-factor/confirm", Account),
    ("delete", "/api/v1/me/second-factor", Account),
    ("get", "/api/v1/me", Account),
    ("get", "/api/v1/me/sessions", Account),
    ("get", "/api/v1/me/data", Account),
    ("post", "/api/v1/me/deletion", Account),
    ("get", "/api/v1/deletion-requests", Admin),
    ("post", "/api/v1/deletion-requests/{id}", Admin),
    ("delete", "/api/v1/me/sessions", Account),
    ("post", "/api/v1/me/contact/code", Account),
    ("post", "/api/v1/me/contact", Account),
    ("put", "/api/v1/me/channel", Account),
    ("get", "/api/v1/export", System),
    ("post", "/api/v1/filings", System),
    ("get", "/api/v1/cases/{id}/similar", Case),
    ("post", "/api/v1/api-keys", Admin),
    ("get", "/api/v1/api-keys", Admin),
    ("delete", "/api/v1/api-keys/{id}", Admin),
    ("post", "/api/v1/webhooks", Admin),
    ("get", "/api/v1/webhooks", Admin),
    ("delete", "/api/v1/webhooks/{id}", Admin),
    ("put", "/api/v1/webhooks/{id}/paused", Admin),
    ("get", "/api/v1/webhooks/{id}/deliveries", Admin),
    (
        "post",
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
        Admin,
    ),
    ("post", "/api/v1/staff", Admin),
    ("post", "/api/v1/staff/{id}/deactivate", Admin),
    ("post", "/api/v1/staff/{id}/reactivate", Admin),
    ("get", "/api/v1/divisions", Public),
    ("post", "/api/v1/cases", Filing),
    ("post", "/api/v1/cases/assisted", Staff),
    ("post", "/api/v1/cases/claim", Account),
    ("post", "/api/v1/lookup", Public),
    ("get", "/api/v1/invitations/{token}", Public),
    ("post", "/api/v1/invitations/{token}", Public),
    ("get", "/api/v1/cases", Account),
    ("get", "/api/v1/cases/{id}", Case),
    ("post", "/api/v1/cases/{id}/actions", Case),
    ("get", "/api/v1/cases/{id}/events", Case),
    ("get", "/api/v1/cases/{id}/access-log", Case),
    ("get", "/api/v1/cases/{id}/bundle", Case),
    ("get", "/api/v1/cases/{id}/documents", Case),
    ("get", "/api/v1/cases/{id}/documents/{kind}", Case),
    ("get", "/api/v1/verify/{code}", Public),
    ("post", "/api/v1/cases/{id}/evidence", Case),
    ("get", "/api/v1/cases/{id}/evidence", Case),
    ("get", "/api/v1/evidence/{id}", Evidence),
    ("post", "/api/v1/cases/{id}/messages", Case),
    ("get", "/api/v1/cases/{id}/messages", Case),
    ("post", "/api/v1/cases/{id}/parties", Case),
    (
        "put",
        "/api/v1/cases/{id}/parties/{party_id}/particulars",
        Case,
    ),
    ("post", "/api/v1/cases/{id}/rating", Case),
    ("get", "/api/v1/committee/mediators", Staff),
    ("get", "/api/v1/calendar", Staff),
    ("get", "/api/v1/queue", Staff),
    ("get", "/api/v1/notifications", Account),
    ("post", "/api/v1/notifications/read", Account),
    ("get", "/api/v1/outbox/failed", Admin),
    ("get", "/api/v1/policy", Staff),
    ("get", "/api/v1/stats", Staff),
    ("get", "/api/v1/stats.csv", Staff),
    ("get", "/api/v1/stats.xlsx", Staff),
    ("get", "/api/v1/public/stats", Public),
    ("get", "/dashboard", Staff),
    ("get", "/stats", Public),
    ("get", "/stats/{code}", Public),
    ("put", "/api/v1/policy", Admin),
    ("get", "/api/openapi.json", Public),
    ("get", "/api/docs", Public),
    ("get", "/static/{name}", Public),
    ("get", "/favicon.ico", Public),
    ("get", "/", Public),
    ("get", "/login", Public),
    ("post", "/login", Public),
    ("post", "/login/code", Public),
    ("post", "/login/second-factor", Public),
    ("get", "/login/reset", Public),
    ("get", "/login/unlock/{token}", Public),
    ("post", "/login/reset", Public),
    ("get", "/account/link/{token}", Public),
    ("post", "/account/link/{token}", Public),
    ("get", "/i/{code}", Public),
    ("get", "/account", Account),
    ("get", "/account/data", Account),
    ("post", "/account/contact", Account),
    ("post", "/account/password", Account),
    ("post", "/account/second-factor", Account),
    ("post", "/account/deletion", Account),
    ("post", "/account/sessions/end", Account),
    ("post", "/logout", Account),
    ("get", "/lang/{choice}", Public),
    ("get", "/text/{choice}", Public),
    ("get", "/lookup", Public),
    ("post", "/lookup", Public),
    ("get", "/privacy", Public),
    ("get", "/help", Public),
    ("get", "/invitations/{token}", Public),
    ("post", "/invitations/{token}", Public),
    ("get", "/my", Account),
    ("get", "/queue", Staff),
    ("get", "/calendar", Staff),
    ("get", "/file", Public),
    ("post", "/file", Public),
    ("post", "/file/voice", Public),
    ("get", "/file-for", Staff),
    ("post", "/file-for", Staff),
    ("get", "/cases/{id}", Case),
    ("get", "/cases/{id}/documents/{kind}", Case),
    ("post", "/cases/{id}/people/{party_id}/particulars", Case),
    ("post", "/cases/{id}/card", Case),
    ("get", "/c/{code}", Public),
    ("get", "/verify/{code}", Public),
    ("get", "/verify/{code}/qr.svg", Public),
    ("post", "/cases/{id}/act", Case),
    ("post", "/cases/{id}/message", Case),
    ("post", "/cases/{id}/evidence", Case),
    ("post", "/cases/{id}/people", Case),
    ("post", "/cases/{id}/rating", Case),
    ("get", "/notifications", Account),
    ("post", "/notifications/read", Account),
    ("get", "/admin/staff", Admin),
    ("post", "/admin/staff", Admin),
    ("post", "/admin/staff/{id}", Admin),
    ("post", "/admin/committees/{id}/contact", Admin),
    ("get", "/admin/deletions", Admin),
    ("post", "/admin/deletions/{id}", Admin),
    ("get", "/admin/policy", Admin),
    ("post", "/admin/policy", Admin),
    ("post", "/admin/court", Admin),
    ("get", "/admin/integrations", Admin),
    ("post", "/admin/integrations/keys", Admin),
    ("post", "/admin/integrations/import", Admin),
    ("post", "/admin/integrations/webhooks", Admin),
    ("post", "/admin/integrations/{id}", Admin),
    ("post", "/admin/retention", Admin),
];

/// Every (method, full path) registered in the route table.
fn routes_in_table() -> Vec<(String, String)> {
    let table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes/mod.rs")).unwrap();
    let compact: String = table.split_whitespace().collect();
    let (before, rest) = compact.split_once("web::scope(\"/api/v1\")").unwrap();
    let (api, after) = rest.split_once(".route(\"/api/openapi.json\"").unwrap();
    let parse = |text: &str, prefix: &str| -> Vec<(String, String)> {
        text.split(".route(\"")
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
                (method.to_owned(), format!("{prefix}{path}"))
            })
            .collect()
    };
    let mut all = parse(before, "");
    all.extend(parse(api, "/api/v1"));
    all.extend(parse(&format!(".route(\"/api/openapi.json\"{after}"), ""));
    all
}

#[test]
fn every_route_has_an_entry_and_every_entry_a_route() {
    let mut registered = routes_in_table();
    let mut listed: Vec<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    registered.sort();
    listed.sort();
    let missing: Vec<_> = registered.iter().filter(|r| !listed.contains(r)).collect();
    let stale: Vec<_> = listed.iter().filter(|r| !registered.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the matrix: {missing:?}"
    );
    assert!(stale.is_empty(), "entries without a route: {stale:?}");
}

const CSRF: &str = "ffffffffffffffffffffffffffffffff";

async fn send(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> StatusCode {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let url = app.url(path);
    let mut req = app.client.request(method.clone(), url);
    if path.starts_with("/api/") {
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if method != Method::GET {
            req = req.json(&json!({}));
        }
    } else {
        let mut cookie = format!("fq_csrf={CSRF}");
        if let Some(t) = token {
            cookie.push_str(&format!("; fq_session={t}"));
        }
        req = req.header("cookie", cookie);
        if method != Method::GET {
            req = req.form(&[("csrf", CSRF)]);
        }
    }
    req.send().await.unwrap().status()
}

/// Someone else's case and evidence are answered like ones that do not exist, for every role
/// that may not see them, on every route that names them.
#[tokio::test]
async fn foreign_cases_and_evidence_are_indistinguishable_from_missing_ones() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let victim = id(&case);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes({
            let mut b = vec![
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
            ];
            b.resize(2000, 1);
            b
        })
        .file_name("x.jpg"),
    );
    let item: Value = app
        .client
        .post(app.url(&format!("/api/v1/cases/{victim}/evidence")))
        .bearer_auth(&resident)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let evidence = item["id"].as_str().unwrap().to_owned();
    let missing = uuid::Uuid::new_v4().to_string();
    // Outsiders of this village case: a resident party to nothing, another village's mediator,
    // the judge (the case is not at the county), the county administrator.
    let outsiders = [
        "neighbour@demo.test",
        "other.mediator@demo.test",
        "judge@demo.test",
        "admin@demo.test",
    ];
    let mut checked = 0;
    for who in outsiders {
        let token = app.login(who).await;
        for (method, path, kind) in TABLE {
            let target = match kind {
                Case => victim.as_str(),
                Evidence => evidence.as_str(),
                _ => continue,
            };
            // A document route is tried with a kind every case has.
            let path = path
                .replace("{kind}", "application")
                .replace("{party_id}", &missing);
            let foreign = send(&app, method, &path.replace("{id}", target), Some(&token)).await;
            let absent = send(&app, method, &path.replace("{id}", &missing), Some(&token)).await;
            assert!(!foreign.is_success(), "{who} {method} {path}: {foreign}");
            assert_eq!(
                foreign, absent,
                "{who} {method} {path}: someone else's vs none"
            );
            checked += 1;
        }
    }
    let named = TABLE
        .iter()
        .filter(|(_, _, k)| matches!(k, Case | Evidence))
        .count();
    assert_eq!(checked, outsiders.len() * named);
    // The case's own applicant reaches it.
    assert_eq!(
        send(
            &app,
            "get",
            &format!("/api/v1/cases/{victim}"),
            Some(&resident)
        )
        .await,
        StatusCode::OK
    );
}

/// Without a login nothing but the public routes answers; with the wrong role, staff and admin
/// routes answer 403/404 (API) or a page that says so, never the content.
#[tokio::test]
async fn routes_refuse_callers_without_the_right_role() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let victim = id(&case);
    let resident = app.login("neighbour@demo.test").await;
    let mediator = app.login("village.mediator@demo.test").await;
    for (method, path, kind) in TABLE {
        let path = path
            .replace("{id}", &victim)
            .replace("{delivery_id}", "1")
            .replace("{kind}", "application")
            .replace("{party_id}", &uuid::Uuid::new_v4().to_string());
        if *kind != Public {
            let status = send(&app, method, &path, None).await;
            let expected_api = [
                StatusCode::UNAUTHORIZED,
                StatusCode::BAD_REQUEST,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ];
            if path.starts_with("/api/") {
                assert!(
                    expected_api.contains(&status),
                    "{method} {path} without login: {status}"
                );
            } else {
                // A redirect to the login page, a refused form token, or a form too incomplete
                // to read: never the page itself.
                assert!(
                    [
                        StatusCode::SEE_OTHER,
                        StatusCode::FORBIDDEN,
                        StatusCode::BAD_REQUEST
                    ]
                    .contains(&status),
                    "{method} {path} without login: {status}"
                );
            }
        }
        if *kind == System {
            let status = send(&app, method, &path, Some(&mediator)).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} as a person"
            );
        }
        let wrong = match kind {
            Staff => Some(&resident),
            Admin => Some(&mediator),
            _ => None,
        };
        if let Some(token) = wrong {
            let status = send(&app, method, &path, Some(token)).await;
            assert!(
                [
                    StatusCode::FORBIDDEN,
                    StatusCode::NOT_FOUND,
                    StatusCode::BAD_REQUEST,
                    StatusCode::UNPROCESSABLE_ENTITY
                ]
                .contains(&status),
                "{method} {path} with the wrong role: {status}"
            );
        }
    }
}
