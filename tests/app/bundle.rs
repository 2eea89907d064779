//! The court bundle: who may take it, what it holds, and that the offline check of the real
//! binary passes on it and names each of four tamperings.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use reqwest::StatusCode;

use crate::cases_support::id;
use crate::evidence::jpeg;
use crate::harness::{TestApp, error_of};

fn verify_bundle(file: &Path, key: Option<&str>) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"));
    cmd.arg("verify-bundle").arg(file);
    if let Some(k) = key {
        cmd.arg("--key").arg(k);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The bundle with one entry's bytes replaced (`Some`) or dropped (`None`).
fn rewrite(from: &Path, to: &Path, name: &str, bytes: Option<&[u8]>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let entry = f.name().to_owned();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if entry == name {
            match bytes {
                None => continue,
                Some(b) => content = b.to_vec(),
            }
        }
        zout.start_file(entry, options).unwrap();
        zout.write_all(&content).unwrap();
    }
    zout.finish().unwrap();
}

fn entry(file: &Path, name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut out = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[tokio::test]
async fn the_mediator_takes_a_signed_bundle_that_the_court_can_check() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let photo = jpeg(300_000);
    let up = app
        .upload(&resident, &case_id, photo.clone(), "院墙.jpg", None)
        .await;
    assert_eq!(up.status(), StatusCode::CREATED);

    // Parties and outsiders do not take it.
    let path = format!("/api/v1/cases/{case_id}/bundle");
    error_of(app.get(&path, Some(&resident)).await, StatusCode::FORBIDDEN).await;
    let other_village = app.login("township.mediator@demo.test").await;
    error_of(
        app.get(&path, Some(&other_village)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;

    let mediator = app.login("village.mediator@demo.test").await;
    let res = app.get(&path, Some(&mediator)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.unwrap();
    let dir: PathBuf = std::env::temp_dir().join(format!("fq-bundle-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("bundle.zip");
    std::fs::write(&good, &bytes).unwrap();

    // What it holds: the record, the history with its hashes, the photo byte for byte.
    let record: serde_json::Value = serde_json::from_slice(&entry(&good, "record.json")).unwrap();
    assert_eq!(record["format"], "fengqiao-record/1");
    assert_eq!(record["case"]["id"], case_id.as_str());
    let history = String::from_utf8(entry(&good, "history.jsonl")).unwrap();
    assert!(history.lines().count() >= 2, "{history}");
    assert!(history.lines().all(|l| l.contains("\"hash\"")), "{history}");
    assert_eq!(entry(&good, "evidence/01-院墙.jpg"), photo);
    // The documents the record yields, as PDF: a new case has its application and its file.
    assert!(entry(&good, "documents/01-application.pdf").starts_with(b"%PDF-"));
    assert!(entry(&good, "documents/02-case_file.pdf").starts_with(b"%PDF-"));
    // Nothing of the bundle stays on the server's disk.
    assert_eq!(
        std::fs::read_dir(app.config.data_dir.join("evidence-tmp"))
            .unwrap()
            .count(),
        0
    );

    // The real binary says it is whole; with the wrong key, or tampered four ways, it names why.
    let (ok, text) = verify_bundle(&good, None);
    assert!(ok, "{text}");
    let other_key = "11".repeat(32);
    let (ok, text) = verify_bundle(&good, Some(&other_key));
    assert!(!ok && text.contains("another key"), "{text}");
    let changed = dir.join("changed.zip");
    let mut bad_photo = photo.clone();
    bad_photo[1000] ^= 1;
    rewrite(&good, &changed, "evidence/01-院墙.jpg", Some(&bad_photo));
    let (ok, text) = verify_bundle(&changed, None);
    assert!(
        !ok && text.contains("evidence/01-院墙.jpg differs"),
        "{text}"
    );
    let removed = dir.join("removed.zip");
    rewrite(&good, &removed, "history.jsonl", None);
    let (ok, text) = verify_bundle(&removed, None);
    assert!(!ok && text.contains("history.jsonl is listed"), "{text}");
    let edited = dir.join("edited.zip");
    let manifest = String::from_utf8(entry(&good, "manifest.json")).unwrap();
    let forged = manifest.replacen("\"size\": ", "\"size\": 1", 1);
    rewrite(&good, &edited, "manifest.json", Some(forged.as_bytes()));
    let (ok, text) = verify_bundle(&edited, None);
    assert!(!ok && text.contains("signature"), "{text}");

    // The export is in the history and in the access log the parties read.
    let events = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&mediator))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "bundle_exported"),
        "{events}"
    );
    let log = app
        .get(
            &format!("/api/v1/cases/{case_id}/access-log"),
            Some(&resident),
        )
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["what"] == "document"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn export_writes_every_case_of_the_county_in_the_record_format() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(["export", "--county", "330681"])
        .env("DATABASE_URL", &app.config.database_url)
        .env("DATA_KEY", hex::encode(app.config.data_key))
        .env_remove("FENGQIAO_ENV")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The demo county's cases and the one just filed, each once, oldest filing first.
    let total: i64 = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM cases c JOIN divisions d ON d.id = c.county_id WHERE d.code = '330681000000'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(lines.len() as i64, total);
    assert!(lines.iter().all(|l| l["format"] == "fengqiao-record/1"));
    let filed: Vec<&str> = lines
        .iter()
        .map(|l| l["case"]["filed_at"].as_str().unwrap())
        .collect();
    assert!(filed.windows(2).all(|w| w[0] <= w[1]), "{filed:?}");
    let mine = lines
        .iter()
        .find(|l| l["case"]["id"] == case_id.as_str())
        .unwrap();
    // Personal details are masked and nothing is offered to act on.
    let respondent = &mine["case"]["parties"][1];
    assert!(
        respondent["phone"].as_str().is_none_or(|p| p.contains('*')),
        "{respondent}"
    );
    assert!(
        mine["case"]["allowed_actions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The history is the chain the API shows, link for link.
    let events = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let hashes = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["hash"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(hashes(&mine["history"]), hashes(&events));
    // An unknown county is refused with its name.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(["export", "--county", "999999"])
        .env("DATABASE_URL", &app.config.database_url)
        .env_remove("FENGQIAO_ENV")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no county with the code 999999"));
}
