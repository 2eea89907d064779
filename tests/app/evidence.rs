//! Evidence: byte-exact round trips, limits while streaming, types by magic bytes, visibility,
//! download headers, and a tampered store detected.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cases_support::id;
use crate::harness::{TestApp, error_of};

pub(crate) fn jpeg(len: usize) -> Vec<u8> {
    let mut b = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1,
    ];
    b.extend((0..len.saturating_sub(b.len())).map(|i| (i % 251) as u8));
    b
}

impl TestApp {
    pub(crate) async fn upload(
        &self,
        token: &str,
        case: &str,
        bytes: Vec<u8>,
        filename: &str,
        visible: Option<bool>,
    ) -> reqwest::Response {
        let mut form = Form::new()
            .part(
                "file",
                Part::bytes(bytes)
                    .file_name(filename.to_owned())
                    .mime_str("image/jpeg")
                    .unwrap(),
            )
            .text("description", "院墙被泡的照片");
        if let Some(v) = visible {
            form = form.text("visible_to_other_parties", v.to_string());
        }
        self.client
            .post(self.url(&format!("/api/v1/cases/{case}/evidence")))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    fn temp_files(&self) -> usize {
        std::fs::read_dir(self.config.data_dir.join("evidence-tmp"))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

#[tokio::test]
async fn round_trip_keeps_bytes_and_hash_and_records_history() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let bytes = jpeg(300_000);
    let expected = hex::encode(Sha256::digest(&bytes));
    let res = app
        .upload(&resident, &case_id, bytes.clone(), "院墙照片.jpg", None)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let item: Value = res.json().await.unwrap();
    assert_eq!(item["sha256"], expected);
    assert_eq!(item["size"], 300_000);
    assert_eq!(item["content_type"], "image/jpeg");
    let download = app
        .get(
            &format!("/api/v1/evidence/{}", item["id"].as_str().unwrap()),
            Some(&resident),
        )
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    let h = download.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E9%99%A2"),
        "{disposition}"
    );
    let body = download.bytes().await.unwrap();
    assert_eq!(body.as_ref(), bytes.as_slice());
    // The same content again is stored once but recorded twice.
    app.upload(&resident, &case_id, bytes, "again.jpg", None)
        .await;
    let stored = walk_count(&app.config.data_dir.join("evidence"));
    assert_eq!(stored, 1);
    let events: Value = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    let added: Vec<&Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "evidence_added")
        .collect();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0]["data"]["sha256"], expected);
    assert_eq!(app.temp_files(), 0);
}

async fn upload_with_key(
    app: &TestApp,
    token: &str,
    case: &str,
    bytes: Vec<u8>,
    key: &str,
) -> reqwest::Response {
    let form = Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name("院墙.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    app.client
        .post(app.url(&format!("/api/v1/cases/{case}/evidence")))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upload_repeated_with_its_key_is_recorded_once() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let bytes = jpeg(20_000);
    // A client that lost the first answer sends the same upload again, twice at once.
    let first = upload_with_key(&app, &resident, &case_id, bytes.clone(), "photo-1").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let (a, b) = tokio::join!(
        upload_with_key(&app, &resident, &case_id, bytes.clone(), "photo-1"),
        upload_with_key(&app, &resident, &case_id, bytes.clone(), "photo-1"),
    );
    for again in [a, b] {
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["id"], first["id"], "the first item, not a new one");
    }
    // The key with another file is refused and records nothing; so is a key out of bounds.
    let other = upload_with_key(&app, &resident, &case_id, jpeg(21_000), "photo-1").await;
    error_of(other, StatusCode::UNPROCESSABLE_ENTITY).await;
    for bad in ["", &"k".repeat(201)] {
        let res = upload_with_key(&app, &resident, &case_id, bytes.clone(), bad).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "key {bad:?}");
    }
    let events: Value = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    let added = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "evidence_added")
        .count();
    assert_eq!(added, 1, "one item, one history entry");
    let listed: Value = app
        .get(
            &format!("/api/v1/cases/{case_id}/evidence"),
            Some(&resident),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(app.temp_files(), 0, "the repeats' files are not kept");
}

fn walk_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk_count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn oversize_is_413_while_streaming_and_leaves_nothing() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let res = app
        .upload(
            &resident,
            &id(&case),
            jpeg(26 * 1024 * 1024),
            "big.jpg",
            None,
        )
        .await;
    let body = error_of(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(
        body["message"].as_str().unwrap().contains("25 MB"),
        "{body}"
    );
    assert_eq!(app.temp_files(), 0);
    assert_eq!(walk_count(&app.config.data_dir.join("evidence")), 0);
    let list: Value = app
        .get(
            &format!("/api/v1/cases/{}/evidence", id(&case)),
            Some(&resident),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn types_are_decided_by_bytes_not_names() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    for (bytes, name) in [
        (
            b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            "photo.jpg",
        ),
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x\"></svg>".to_vec(),
            "image.png",
        ),
        (b"#!/bin/sh\nrm -rf /\n".to_vec(), "scan.pdf"),
    ] {
        let res = app.upload(&resident, &id(&case), bytes, name, None).await;
        error_of(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    }
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend(vec![b' '; 100]);
    let res = app
        .upload(&resident, &id(&case), pdf, "agreement.txt", None)
        .await;
    let item: Value = res.json().await.unwrap();
    assert_eq!(item["content_type"], "application/pdf");
    assert_eq!(app.temp_files(), 0);
}

#[tokio::test]
async fn outsiders_and_hidden_items_are_404_and_a_tampered_file_is_refused() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let private: Value = app
        .upload(&resident, &case_id, jpeg(2000), "private.jpg", Some(false))
        .await
        .json()
        .await
        .unwrap();
    let shared: Value = app
        .upload(&resident, &case_id, jpeg(3000), "shared.jpg", Some(true))
        .await
        .json()
        .await
        .unwrap();
    let path = |item: &Value| format!("/api/v1/evidence/{}", item["id"].as_str().unwrap());
    let respondent = app.login("respondent@demo.test").await;
    error_of(
        app.get(&path(&private), Some(&respondent)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        app.get(&path(&shared), Some(&respondent)).await.status(),
        StatusCode::OK
    );
    let seen: Value = app
        .get(
            &format!("/api/v1/cases/{case_id}/evidence"),
            Some(&respondent),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen.as_array().unwrap().len(), 1);
    // The history tells the other side nothing of the hidden item either: not its name, its
    // size or its hash; the uploader and the mediator see both events.
    let added = |token: String| {
        let app = &app;
        let case_id = case_id.clone();
        async move {
            let events: Value = app
                .get(&format!("/api/v1/cases/{case_id}/events"), Some(&token))
                .await
                .json()
                .await
                .unwrap();
            let text = events.to_string();
            let n = events
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "evidence_added")
                .count();
            (n, text)
        }
    };
    let (n, text) = added(respondent.clone()).await;
    assert_eq!(n, 1, "{text}");
    assert!(!text.contains("private.jpg") && !text.contains(private["sha256"].as_str().unwrap()));
    assert_eq!(added(resident.clone()).await.0, 2);
    let mediator = app.login("village.mediator@demo.test").await;
    assert_eq!(added(mediator.clone()).await.0, 2);
    let (_, page, _) = app
        .page(&format!("/cases/{case_id}"), Some(&respondent), "zh")
        .await;
    assert!(
        !page.contains("private.jpg"),
        "the case page's timeline too"
    );
    assert_eq!(
        app.get(&path(&private), Some(&mediator)).await.status(),
        StatusCode::OK
    );
    for outsider in [
        "neighbour@demo.test",
        "other.mediator@demo.test",
        "judge@demo.test",
    ] {
        let t = app.login(outsider).await;
        error_of(
            app.get(&path(&shared), Some(&t)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        error_of(
            app.upload(&t, &case_id, jpeg(100), "x.jpg", None).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    // Someone edits the stored file behind the service's back.
    let sha = shared["sha256"].as_str().unwrap();
    let file = app
        .config
        .data_dir
        .join("evidence")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(sha);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[100] ^= 0xFF;
    std::fs::write(&file, bytes).unwrap();
    let body = error_of(
        app.get(&path(&shared), Some(&mediator)).await,
        StatusCode::INTERNAL_SERVER_ERROR,
    )
    .await;
    assert_eq!(body["error"], "integrity_error");
}

#[tokio::test]
async fn malformed_uploads_get_a_clear_answer() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let url = app.url(&format!("/api/v1/cases/{}/evidence", id(&case)));
    let not_multipart = app
        .client
        .post(&url)
        .bearer_auth(&resident)
        .json(&json!({"file": "x"}))
        .send()
        .await
        .unwrap();
    error_of(not_multipart, StatusCode::BAD_REQUEST).await;
    let no_file = app
        .client
        .post(&url)
        .bearer_auth(&resident)
        .multipart(Form::new().text("description", "x"))
        .send()
        .await
        .unwrap();
    let body = error_of(no_file, StatusCode::BAD_REQUEST).await;
    assert!(body["message"].as_str().unwrap().contains("file"));
    let many = (0..6).fold(Form::new(), |f, _| f.text("description", "x"));
    let res = app
        .client
        .post(&url)
        .bearer_auth(&resident)
        .multipart(many)
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    let unknown = app
        .client
        .post(&url)
        .bearer_auth(&resident)
        .multipart(Form::new().text("surprise", "x"))
        .send()
        .await
        .unwrap();
    error_of(unknown, StatusCode::BAD_REQUEST).await;
    let empty = app
        .upload(&resident, &id(&case), Vec::new(), "empty.jpg", None)
        .await;
    assert!(empty.status().is_client_error());
    assert_eq!(app.temp_files(), 0);
}
