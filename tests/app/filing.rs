//! A filing written in one call (`db::cases::file`, the `file_case` function): filings at once
//! get consecutive numbers, each answer is exactly what a later read of the case says, and
//! what the function adds itself — the number in the receipt, the access code's hash — agrees
//! with the service.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_postgres::NoTls;

use crate::cases_support::{dispute, id};
use crate::harness::TestApp;

#[tokio::test]
async fn filings_at_once_get_consecutive_numbers_and_answers_equal_to_what_was_written() {
    let app = TestApp::spawn().await;
    let token = app.login("resident@demo.test").await;
    let body = dispute();
    let responses = futures_util::future::join_all(
        (0..20).map(|_| app.post_json("/api/v1/cases", Some(&token), &body)),
    )
    .await;
    let mut numbers = Vec::new();
    let mut codes = Vec::new();
    for res in responses {
        assert_eq!(res.status(), StatusCode::CREATED);
        let mut answered: Value = res.json().await.unwrap();
        let code = answered
            .as_object_mut()
            .unwrap()
            .remove("access_code")
            .and_then(|c| c.as_str().map(str::to_owned))
            .expect("the access code is shown once, at filing");
        // The answer was built from what was written; a read of the case says the same.
        let read = app.case(&token, &id(&answered)).await;
        assert_eq!(answered, read);
        numbers.push(answered["number"].as_str().unwrap().to_owned());
        codes.push((answered["number"].clone(), code));
    }
    // One county, one year: the same prefix and twenty consecutive numbers, none twice.
    let prefix = numbers[0].rsplit_once('-').unwrap().0.to_owned();
    let mut serials: Vec<u32> = numbers
        .iter()
        .map(|n| {
            let (p, serial) = n.rsplit_once('-').unwrap();
            assert_eq!(p, prefix, "{n}");
            serial.parse().unwrap()
        })
        .collect();
    serials.sort_unstable();
    let first = serials[0];
    assert_eq!(
        serials,
        (first..first + 20).collect::<Vec<_>>(),
        "{numbers:?}"
    );
    // The hash the function stored opens the case with its code.
    for (number, code) in codes.iter().take(3) {
        let res = app
            .post_json(
                "/api/v1/lookup",
                None,
                &json!({"number": number, "access_code": code}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "lookup of {number}");
    }
    // Each receipt carries its own case's number, written in by the function.
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let rows = db
        .query(
            "SELECT o.payload->>'number', c.number FROM outbox o
               JOIN cases c ON c.county_id = o.county_id AND c.id = o.case_id
              WHERE o.kind IN ('filing_receipt', 'new_case') AND c.number = ANY($1)",
            &[&numbers],
        )
        .await
        .unwrap();
    assert!(
        rows.len() >= 40,
        "a receipt and the committee's notice each"
    );
    for row in rows {
        let (said, is): (String, String) = (row.get(0), row.get(1));
        assert_eq!(said, is);
    }
    let audit = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("verify-audit")
        .env("DATABASE_URL", &app.config.database_url)
        .output()
        .unwrap();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
}
