//! The statutory documents (SPEC §4.1, §7 *Documents*): every kind made from a case driven
//! through its whole life, read back out of the PDF with poppler's `pdftotext`; the signed
//! agreement byte-stable and matching its verify page; what the record does not yield yet is a
//! 404 that says why; a party's fetch is a trip avoided, counted once.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{agreement, future, id, sign_all};
use crate::harness::{TestApp, error_of};

/// The text of a PDF, as a court clerk's copy-and-paste would get it.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("fq-doc-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_info(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("fq-doc-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .unwrap();
    let fonts = std::process::Command::new("pdffonts")
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&info.stdout).to_string() + &String::from_utf8_lossy(&fonts.stdout)
}

/// Text without the spaces `-layout` puts between glyphs.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn fetch(app: &TestApp, token: &str, path: &str) -> (Vec<u8>, String, String) {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let code = res.headers()["x-verify-code"].to_str().unwrap().to_owned();
    let sha = res.headers()["x-content-sha256"]
        .to_str()
        .unwrap()
        .to_owned();
    (res.bytes().await.unwrap().to_vec(), code, sha)
}

#[tokio::test]
async fn every_document_of_a_case_comes_from_its_record() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    let docs = format!("/api/v1/cases/{case_id}/documents");

    // A new case yields its application and its file, nothing else yet: each says why.
    let listed: Value = app.get(&docs, Some(&resident)).await.json().await.unwrap();
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["application", "case_file"]);
    let body = error_of(
        app.get(&format!("{docs}/agreement"), Some(&resident)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("no agreement"),
        "{body}"
    );
    let body = error_of(
        app.get(&format!("{docs}/acceptance"), Some(&resident))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not been accepted"),
        "{body}"
    );
    error_of(
        app.get(&format!("{docs}/session_record"), Some(&resident))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        app.get(&format!("{docs}/will"), Some(&resident)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        app.get(&format!("{docs}/application?format=docx"), Some(&resident))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        app.get(&format!("{docs}/application"), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let outsider = app.login("neighbour@demo.test").await;
    error_of(
        app.get(&format!("{docs}/application"), Some(&outsider))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(app.get(&docs, Some(&outsider)).await, StatusCode::NOT_FOUND).await;

    // The whole life: accepted, consented, a session recorded, an agreement signed by all.
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    app.act_ok(
        &respondent,
        &case_id,
        json!({"action": "respondent_consents"}),
    )
    .await;
    let c = app
        .act_ok(&mediator, &case_id, json!({"action": "schedule_session", "at": future(1), "mode": "online", "location": "https://meet.example/room/7"}))
        .await;
    let session = c["sessions"][0]["id"].as_str().unwrap().to_owned();
    let parties: Vec<Value> = c["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    app.act_ok(&mediator, &case_id, json!({"action": "record_session", "session_id": session, "record": "双方到场陈述，同意由李建国改管并赔偿修缮费。", "attended": parties}))
        .await;
    let c = app.act_ok(&mediator, &case_id, agreement(&c)).await;
    // The draft is a document too, and says it is one.
    let (draft, draft_code, _) = fetch(&app, &resident, &format!("{docs}/agreement")).await;
    assert!(squeeze(&pdf_text(&draft)).contains("草案"));
    let v: Value = app
        .get(&format!("/api/v1/verify/{draft_code}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["standing"], "draft", "{v}");
    assert_eq!(c["status"], "agreement_pending");
    sign_all(&app, &resident, &mediator, &case_id).await;
    // The draft's code now says a later version replaced it.
    let v: Value = app
        .get(&format!("/api/v1/verify/{draft_code}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["standing"], "superseded", "{v}");
    app.act_ok(
        &mediator,
        &case_id,
        json!({"action": "record_performance", "performed": "full", "note": "管子已改，钱已付"}),
    )
    .await;
    app.act_ok(
        &mediator,
        &case_id,
        json!({"action": "record_follow_up", "satisfaction": 5, "note": "双方满意，墙已修好"}),
    )
    .await;

    let listed: Value = app.get(&docs, Some(&resident)).await.json().await.unwrap();
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "application",
            "acceptance",
            "session_record",
            "agreement",
            "follow_up",
            "case_file"
        ]
    );

    let number = case["number"].as_str().unwrap();
    let expect: [(&str, &[&str]); 6] = [
        (
            "application",
            &[
                "人民调解申请书",
                "申请人",
                "王秀英",
                "被申请人",
                "纠纷事实",
                "申请事项",
                "个人信息告知",
            ],
        ),
        (
            "acceptance",
            &["人民调解受理登记表", "受理日期", "枫源村", "纠纷简要情况"],
        ),
        (
            "session_record",
            &[
                "人民调解记录",
                "线上调解",
                "双方到场陈述",
                "参加人",
                "李建国",
            ],
        ),
        (
            "agreement",
            &[
                "人民调解协议书",
                "纠纷的主要事实",
                "排水管通到王秀英家院墙下",
                "争议事项",
                "各方责任",
                "把排水管改到自家一侧",
                "800.50",
                "两家院墙之间",
                "在线确认签署",
                "调解员",
                "人民调解委员会",
                "司法确认",
                "第三十三条",
            ],
        ),
        (
            "follow_up",
            &[
                "人民调解履行及回访记录",
                "已全部履行",
                "管子已改",
                "5分",
                "双方满意",
            ],
        ),
        (
            "case_file",
            &[
                "人民调解卷宗",
                "卷内文书目录",
                "人民调解协议书",
                "办理经过",
                "受理",
                "校验值",
            ],
        ),
    ];
    for (kind, words) in expect {
        let path = match kind {
            "session_record" => format!("{docs}/{kind}?session_id={session}"),
            _ => format!("{docs}/{kind}"),
        };
        let (pdf, code, sha) = fetch(&app, &resident, &path).await;
        assert!(pdf.starts_with(b"%PDF-"), "{kind}");
        // Kept for a person to look at, as the browser screenshots are.
        let kept =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/document-artifacts");
        std::fs::create_dir_all(&kept).unwrap();
        std::fs::write(kept.join(format!("{kind}.pdf")), &pdf).unwrap();
        let text = squeeze(&pdf_text(&pdf));
        assert!(
            text.contains(&squeeze(number)),
            "{kind}: no case number in {text}"
        );
        assert!(
            text.contains(&code[..4]),
            "{kind}: no verify code in {text}"
        );
        for w in words {
            assert!(
                text.contains(&squeeze(w)),
                "{kind}: {w:?} missing from {text}"
            );
        }
        // A4, the CJK font embedded as a subset.
        let info = pdf_info(&pdf);
        assert!(info.contains("595.28 x 841.89"), "{kind}: {info}");
        assert!(
            info.contains("CID TrueType") && info.contains("yes yes"),
            "{kind}: {info}"
        );
        assert_eq!(sha.len(), 64);
    }

    // The signed agreement is the same bytes each time, and its verify page holds its hash.
    let (a1, code1, sha1) = fetch(&app, &resident, &format!("{docs}/agreement")).await;
    let (a2, code2, _) = fetch(&app, &resident, &format!("{docs}/agreement")).await;
    assert_eq!(a1, a2);
    assert_eq!(code1, code2);
    let computed = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&a1))
    };
    assert_eq!(computed, sha1);
    let v: Value = app
        .get(&format!("/api/v1/verify/{code1}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["sha256"], computed.as_str());
    assert_eq!(v["standing"], "current", "{v}");
    assert_eq!(v["kind"], "agreement");
    let shown = v.to_string();
    for private in ["王秀英", "李建国", "resident@"] {
        assert!(
            !shown.contains(private),
            "the verify answer names {private}: {shown}"
        );
    }
    // Dashes and small letters are fine when typing a code; an unknown code is 404.
    let typed = format!("{}-{}-{}", &code1[..4], &code1[4..8], &code1[8..]).to_lowercase();
    assert_eq!(
        app.get(&format!("/api/v1/verify/{typed}"), None)
            .await
            .status(),
        StatusCode::OK
    );
    error_of(
        app.get("/api/v1/verify/0000-0000-0000", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        app.get("/api/v1/verify/not-a-code", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // The printable page: the same document, its code and its QR code.
    let res = app
        .client
        .get(app.url(&format!("{docs}/agreement")))
        .bearer_auth(&resident)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("人民调解协议书") && html.contains("<svg"),
        "{html}"
    );
    assert!(html.contains(&format!("{}-{}", &code1[..4], &code1[4..8])));

    // Trips avoided: the resident's first fetch of each document is one history entry.
    let events: Value = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    let fetched: Vec<&Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "document_fetched")
        .collect();
    let agreement_fetches = fetched
        .iter()
        .filter(|e| e["data"]["kind"] == "agreement")
        .count();
    assert_eq!(agreement_fetches, 1, "{fetched:?}");
    assert_eq!(fetched.len(), 6, "{fetched:?}");
    // A mediator's fetch is an opening in the access log the parties read.
    fetch(&app, &mediator, &format!("{docs}/agreement")).await;
    let log: Value = app
        .get(
            &format!("/api/v1/cases/{case_id}/access-log"),
            Some(&resident),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(log.to_string().contains("document"), "{log}");
}

#[tokio::test]
async fn an_agreement_without_its_statutory_contents_is_refused() {
    let app = TestApp::spawn().await;
    let (_resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let c = app
        .act_ok(
            &respondent,
            &case_id,
            json!({"action": "respondent_consents"}),
        )
        .await;
    let version = c["version"].as_i64().unwrap();
    let act = |body: Value| {
        let mut body = body;
        body["version"] = json!(version);
        let path = format!("/api/v1/cases/{case_id}/actions");
        let app = &app;
        let mediator = mediator.clone();
        async move { app.post_json(&path, Some(&mediator), &body).await }
    };
    // Free text alone.
    let body = error_of(
        act(json!({"action": "propose_agreement", "terms": "双方和解"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("facts"),
        "{body}"
    );
    let good = agreement(&c);
    let spoilt: [(&str, Value); 5] = [
        ("party_id", json!("00000000-0000-0000-0000-000000000001")),
        ("what", json!(" ")),
        ("amount", json!(-5)),
        ("amount", json!(1.234)),
        ("due", json!("2001-01-01")),
    ];
    for (field, value) in spoilt {
        let mut body = good.clone();
        body["obligations"][0][field] = value;
        error_of(act(body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut body = good.clone();
    body["obligations"][0]["due"] = json!("next week");
    error_of(act(body).await, StatusCode::BAD_REQUEST).await;
    let mut body = good.clone();
    body["obligations"] = json!([]);
    error_of(act(body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Nothing was half-written: the case is still in mediation at the same version.
    let now = app.case(&mediator, &case_id).await;
    assert_eq!(now["status"], "in_mediation");
    assert_eq!(now["version"], json!(version));
    // The mediator cannot sign before the parties.
    let c = app.act_ok(&mediator, &case_id, good).await;
    assert_eq!(c["agreement"]["obligations"][0]["amount_fen"], 80050);
    error_of(
        app.post_json(
            &format!("/api/v1/cases/{case_id}/actions"),
            Some(&mediator),
            &json!({"action": "sign", "version": c["version"]}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn the_verify_page_speaks_the_visitors_language() {
    let app = TestApp::spawn().await;
    for (lang, words) in [("zh-CN", "找不到"), ("en", "not found")] {
        let res = app
            .client
            .get(app.url("/verify/ABCD-EFGH-JKMN"))
            .header("accept-language", lang)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let html = res.text().await.unwrap();
        assert!(html.to_lowercase().contains(words), "{lang}: {html}");
    }
    let res = app.get("/verify/ABCDEFGHJKMN/qr.svg", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().starts_with("<svg"));
}

#[tokio::test]
async fn a_partys_particulars_are_recorded_for_the_documents() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    let c = app
        .act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let party = |side: &str| {
        c["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["side"] == side)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (applicant, other) = (party("applicant"), party("respondent"));
    let path = |p: &str| format!("/api/v1/cases/{case_id}/parties/{p}/particulars");
    let put = |token: String, p: String, body: Value| {
        let app = &app;
        let url = app.url(&path(&p));
        async move {
            app.client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let good = json!({"sex": "female", "birth_year": 1962, "ethnicity": "汉族", "occupation": "农民", "address": "浙江省诸暨市枫桥镇枫源村12号"});
    // Bad input is refused and nothing is written.
    error_of(
        put(
            mediator.clone(),
            applicant.clone(),
            json!({"birth_year": 1850}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    error_of(
        put(
            mediator.clone(),
            applicant.clone(),
            json!({"address": "村".repeat(201)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    error_of(
        put(mediator.clone(), applicant.clone(), json!({"sex": "other"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        put(
            mediator.clone(),
            uuid::Uuid::new_v4().to_string(),
            good.clone(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // A party records only their own; an outsider does not learn the case exists.
    error_of(
        put(respondent.clone(), applicant.clone(), good.clone()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let outsider = app.login("neighbour@demo.test").await;
    error_of(
        put(outsider, applicant.clone(), good.clone()).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = put(mediator.clone(), applicant.clone(), good.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = put(
        respondent.clone(),
        other,
        json!({"sex": "male", "birth_year": 1958}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The parties read each other's particulars in full; the history says only that they were recorded.
    let seen = app.case(&respondent, &case_id).await;
    let mine = seen["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["side"] == "applicant")
        .unwrap()
        .clone();
    assert_eq!(
        mine["particulars"]["address"],
        "浙江省诸暨市枫桥镇枫源村12号"
    );
    let events: Value = app
        .get(&format!("/api/v1/cases/{case_id}/events"), Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    let text = events.to_string();
    assert!(
        text.contains("particulars_recorded") && !text.contains("枫源村12号"),
        "{text}"
    );
    // And the application says them.
    let (pdf, _, _) = fetch(
        &app,
        &resident,
        &format!("/api/v1/cases/{case_id}/documents/application"),
    )
    .await;
    let text = squeeze(&pdf_text(&pdf));
    for w in [
        "女",
        "1962年出生",
        "汉族",
        "农民",
        "住浙江省诸暨市枫桥镇枫源村12号",
        "男",
        "1958年出生",
    ] {
        assert!(text.contains(w), "{w:?} missing from {text}");
    }
}
