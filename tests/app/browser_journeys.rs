//! The main journeys of each role, in a real headless Chromium.

use chrono::Utc;
use fengqiao::auth::{Keys, invitation};
use serde_json::{Value, json};

use crate::browser::{Browser, Options};
use crate::cases_support::{dispute, id};
use crate::harness::{SECRET, TestApp};

/// Fails when a page carries any script but the service's own optional upload progress (whose
/// form posts as usual without it): the core flows must work without JavaScript.
async fn no_script(b: &Browser, step: &str) {
    let page = b.source().await.to_lowercase();
    let optional = page.matches("<script src=\"/static/upload.js\"").count();
    assert_eq!(
        page.matches("<script").count(),
        optional,
        "{step} carries a script"
    );
    assert!(
        !page.contains(" onclick=") && !page.contains(" onsubmit="),
        "{step} has inline handlers"
    );
}

/// A resident files on a phone-sized screen, in three steps, and sees the status sentence.
/// Every page on the way is checked to carry no script at all, so the same filing works with
/// JavaScript off. (Chromedriver itself stops answering clicks when scripts are disabled in the
/// browser, so this is checked on the pages rather than by switching scripts off.)
async fn file_on_a_phone(viewport: u32, name: &str) {
    let app = TestApp::spawn().await;
    let b = Browser::open(&app, Options { width: viewport }).await;
    b.login("resident@demo.test").await;
    b.go("/file").await;
    assert!(
        b.source().await.contains("lang=\"zh-CN\""),
        "Chinese by default"
    );
    b.choose("#category", "neighbour").await;
    no_script(&b, "filing step 1").await;
    b.fill("#narrative", "邻居的排水管对着我家院墙，墙根一直泡水。")
        .await;
    b.submit("main form button[type=submit]").await;
    no_script(&b, "filing step 2").await;
    b.fill("#respondent_name", "李建国").await;
    b.fill("#respondent_email", "respondent@demo.test").await;
    b.submit("main form button[type=submit]").await;
    no_script(&b, "filing step 3").await;
    b.choose("#village_code", "330681109201").await;
    b.fill("#request", "请把排水管改到他家一侧。").await;
    b.click("input[name=privacy]").await;
    b.submit("main form button[type=submit]").await;
    no_script(&b, "the confirmation").await;
    let code = b.text(".code").await;
    assert_eq!(
        code.trim().len(),
        8,
        "the access code is shown once: {code:?}"
    );
    assert!(!b.text("#main .banner").await.trim().is_empty());
    b.submit("main a.button.primary").await;
    let sentence = b.text("#next-step").await;
    assert!(
        sentence.contains("截止") || sentence.contains("村"),
        "status sentence: {sentence}"
    );
    no_script(&b, "the case page").await;
    {
        // Nothing is wider than the phone.
        let width = b
            .client
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .unwrap();
        let wide = b
            .client
            .execute("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8).join(' ');", vec![])
            .await
            .unwrap();
        assert!(
            width.as_u64().unwrap() <= u64::from(viewport),
            "the page scrolls sideways: {width}: {wide}"
        );
    }
    b.keep(name).await;
    let resident = app.login("resident@demo.test").await;
    let mine: Value = app
        .get("/api/v1/cases", Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine["items"].as_array().unwrap().len(),
        1,
        "exactly one case was filed"
    );
    b.close().await;
}

#[tokio::test]
async fn a_resident_files_on_a_360px_phone_and_no_page_needs_javascript() {
    file_on_a_phone(360, "resident-files-on-phone").await;
}

#[tokio::test]
async fn the_same_filing_on_a_desktop() {
    file_on_a_phone(1280, "resident-files-on-desktop").await;
}

#[tokio::test]
async fn the_respondent_consents_through_the_invitation_page() {
    let app = TestApp::spawn().await;
    let resident = app.login("resident@demo.test").await;
    let mut body = dispute();
    body["respondents"] = json!([{"name": "陈阿姨", "email": "chen.ayi@example.cn"}]);
    let case: Value = app
        .post_json("/api/v1/cases", Some(&resident), &body)
        .await
        .json()
        .await
        .unwrap();
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &id(&case), json!({"action": "accept"}))
        .await;
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let row = db
        .query_one(
            "SELECT county_id::text FROM cases WHERE id = $1::text::uuid",
            &[&id(&case)],
        )
        .await
        .unwrap();
    let county = uuid::Uuid::parse_str(row.get::<_, &str>(0)).unwrap();
    let party = case["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["side"] == "respondent")
        .unwrap();
    let party = uuid::Uuid::parse_str(party["id"].as_str().unwrap()).unwrap();
    let token =
        invitation::issue(&Keys::new(SECRET.as_bytes()), county, party, Utc::now()).unwrap();
    let b = Browser::open(&app, Options::default()).await;
    b.go(&format!("/invitations/{token}")).await;
    assert!(b.source().await.contains("陈阿姨"));
    b.click("input[name=answer][value=consent]").await;
    b.submit("main form button[type=submit]").await;
    assert!(
        !b.source().await.contains("name=\"answer\""),
        "answered: no more form"
    );
    b.keep("respondent-consents-by-invitation").await;
    assert_eq!(
        app.case(&resident, &id(&case)).await["status"],
        "in_mediation"
    );
    b.close().await;
}

#[tokio::test]
async fn the_mediator_accepts_schedules_proposes_and_both_sides_sign() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let path = format!("/cases/{}", id(&case));
    let m = Browser::open(&app, Options::default()).await;
    m.login("village.mediator@demo.test").await;
    m.go("/queue").await;
    m.submit(&format!("a[href='{path}']")).await;
    m.act("accept").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(
        &respondent,
        &id(&case),
        json!({"action": "respondent_consents"}),
    )
    .await;
    m.go(&path).await;
    m.client
        .execute(
            "document.getElementById('at').value = '2030-05-01T09:30';",
            vec![],
        )
        .await
        .unwrap();
    m.choose("#mode", "in_person").await;
    m.fill("#location", "枫源村村委会调解室").await;
    m.act("schedule_session").await;
    // The statutory contents, and one obligation (the respondent is offered first).
    m.fill(
        "#facts",
        "李建国家的排水管通到王秀英家院墙下，雨天积水泡坏了墙根。",
    )
    .await;
    m.fill("#issues", "排水管是否改道，墙根由谁修。").await;
    m.fill("#responsibilities", "李建国负主要责任。").await;
    m.fill("#o1_what", "把排水管改到自家一侧，并修好墙根").await;
    m.fill("#o1_amount", "800").await;
    m.fill("#o1_how", "自行施工，费用自理").await;
    m.client
        .execute(
            "document.getElementById('o1_due').value = '2030-05-20';",
            vec![],
        )
        .await
        .unwrap();
    m.act("propose_agreement").await;
    let page = m.source().await;
    assert!(page.contains("人民调解协议书"));
    assert!(page.contains("800.00"), "the obligation is shown");
    m.close().await;
    for who in ["resident@demo.test", "respondent@demo.test"] {
        let p = Browser::open(&app, Options::default()).await;
        p.login(who).await;
        p.go(&path).await;
        p.act("sign").await;
        p.keep(&format!("signed-{}", who.split('@').next().unwrap()))
            .await;
        p.close().await;
    }
    // The mediator signs last; the agreement then takes effect.
    let m = Browser::open(&app, Options::default()).await;
    m.login("village.mediator@demo.test").await;
    m.go(&path).await;
    m.act("sign").await;
    let after = app.case(&resident, &id(&case)).await;
    assert_eq!(after["status"], "resolved");
    assert_eq!(after["sessions"][0]["mode"], "in_person");
    // The agreement as a printable page, printed by Chromium at A4 and kept for a person to
    // look at; its words are the document's.
    m.go(&format!("/cases/{}/documents/agreement", id(&case)))
        .await;
    let page = m.source().await;
    assert!(page.contains("把排水管改到自家一侧"), "{page}");
    m.keep("agreement-page").await;
    let config = fantoccini::wd::PrintConfiguration::builder()
        .size(fantoccini::wd::PrintSize::A4)
        .background(true)
        .build()
        .unwrap();
    let pdf = m.client.print(config).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("agreement-printed-a4.pdf"), &pdf).unwrap();
    m.close().await;
}

#[tokio::test]
async fn the_judge_sees_a_case_escalated_to_the_county() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let respondent = app.login("respondent@demo.test").await;
    for mediator in ["village.mediator@demo.test", "township.mediator@demo.test"] {
        let t = app.login(mediator).await;
        app.act_ok(&t, &case_id, json!({"action": "accept"})).await;
        app.act_ok(
            &respondent,
            &case_id,
            json!({"action": "respondent_refuses"}),
        )
        .await;
        app.act_ok(
            &t,
            &case_id,
            json!({"action": "escalate", "reason": "对方拒绝"}),
        )
        .await;
    }
    let b = Browser::open(&app, Options::default()).await;
    b.login("judge@demo.test").await;
    b.go("/my").await;
    b.submit(&format!("a[href='/cases/{case_id}']")).await;
    assert!(b.source().await.contains(case["number"].as_str().unwrap()));
    b.keep("judge-sees-escalated-case").await;
    // The history names the level each move went to.
    let page = b.source().await;
    assert!(page.contains("交到上一级：镇（街道）"), "{page}");
    assert!(page.contains("交到上一级：县（市）"), "{page}");
    // The judge takes the court bundle from the case page, a plain link.
    assert!(
        b.source()
            .await
            .contains(&format!("href=\"/api/v1/cases/{case_id}/bundle\""))
    );
    b.go(&format!("/cases/{case_id}#bundle-h")).await;
    b.keep("judge-case-bundle-link").await;
    b.close().await;
}

#[tokio::test]
async fn switching_to_english_and_large_text_is_remembered() {
    let app = TestApp::spawn().await;
    let b = Browser::open(&app, Options::default()).await;
    b.go("/").await;
    assert!(b.text("h1").await.contains("调解"));
    b.submit("a[href^='/lang/en']").await;
    assert_eq!(b.text("h1").await, "Settle a dispute from home");
    b.submit("a[href^='/text/big']").await;
    b.client
        .find(fantoccini::Locator::Css("body.big"))
        .await
        .expect("large text is on");
    b.go("/help").await;
    assert!(b.source().await.contains("lang=\"en\""));
    b.client
        .find(fantoccini::Locator::Css("body.big"))
        .await
        .expect("and stays on");
    b.keep("english-large-text").await;
    b.close().await;
}

/// The pages this work touched, at 360 px in zh-CN with large text: the mediator's case page
/// (times, parties' sides, the court bundle), the county admin's staff page (the roles to
/// invite) and an unknown address. None may scroll sideways; each is kept as a screenshot.
#[tokio::test]
async fn changed_pages_fit_a_phone_in_large_text() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let wide = |b: &Browser| {
        let client = b.client.clone();
        async move {
            client
                .execute("return document.documentElement.scrollWidth", vec![])
                .await
                .unwrap()
                .as_u64()
                .unwrap()
        }
    };
    let b = Browser::open(&app, Options { width: 360 }).await;
    b.login("village.mediator@demo.test").await;
    b.go(&format!("/cases/{case_id}")).await;
    b.submit("a[href^='/text/big']").await;
    b.client
        .find(fantoccini::Locator::Css("body.big"))
        .await
        .expect("large text is on");
    let page = b.source().await;
    assert!(
        page.contains("申请人") && page.contains("下载卷宗包"),
        "{page}"
    );
    assert!(!page.contains(" UTC"), "{page}");
    assert!(wide(&b).await <= 360, "case page wider than the phone");
    // The road village → township → county, the village marked as where the case is.
    assert!(page.contains("aria-current=\"step\""), "{page}");
    b.keep("case-page-360-large-text").await;
    b.go(&format!("/cases/{case_id}#bundle-h")).await;
    b.keep("case-page-bundle-360-large-text").await;
    // In mediation: the agreement's statutory form, the documents, a party's particulars.
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    app.act_ok(
        &respondent,
        &case_id,
        json!({"action": "respondent_consents"}),
    )
    .await;
    b.go(&format!("/cases/{case_id}")).await;
    b.reveal("#o1_what").await;
    assert!(
        wide(&b).await <= 360,
        "the agreement form is wider than the phone"
    );
    b.client
        .execute("document.getElementById('facts').scrollIntoView()", vec![])
        .await
        .unwrap();
    b.keep("case-page-agreement-form-360-large-text").await;
    b.client
        .execute(
            "document.getElementById('o1_party').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    b.keep("case-page-obligation-360-large-text").await;
    b.go(&format!("/cases/{case_id}#documents-h")).await;
    b.keep("case-page-documents-360-large-text").await;
    b.go(&format!("/cases/{case_id}/documents/acceptance"))
        .await;
    let page = b.source().await;
    assert!(
        page.contains("人民调解受理登记表") && page.contains("<svg"),
        "{page}"
    );
    b.keep("document-acceptance-360-large-text").await;
    let widest = b
        .client
        .execute(
            "let w = null; for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect(); if (r.right > 360 && (!w || r.right > w[1])) w = [e.tagName + '.' + e.className, r.right]; } return w;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        wide(&b).await <= 360,
        "a document page is wider than the phone: {widest}"
    );
    b.go("/no-such-page").await;
    assert!(b.source().await.contains("这个地址下没有内容"));
    assert!(wide(&b).await <= 360, "404 page wider than the phone");
    b.close().await;

    // A first-time villager in large text sees 我要申请调解 without scrolling (360×740).
    let v = Browser::open(&app, Options { width: 360 }).await;
    v.go("/").await;
    v.submit("a[href^='/text/big']").await;
    let bottom = v
        .client
        .execute(
            "return document.querySelector('a.button.primary[href=\"/file\"]').getBoundingClientRect().bottom",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(bottom <= 740.0, "the call to action ends at {bottom} px");
    v.keep("home-360-large-text").await;
    // The first filing screen offers a recording instead of typing.
    v.go("/file").await;
    assert!(v.source().await.contains("说不清楚？录一段语音"));
    assert!(
        wide(&v).await <= 360,
        "the first filing screen is wider than the phone"
    );
    v.client
        .execute(
            "document.getElementById('voice-h').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    v.keep("file-step1-voice-360-large-text").await;
    v.close().await;
    let b = Browser::open(&app, Options { width: 360 }).await;
    b.login("village.mediator@demo.test").await;
    b.go("/no-such-page").await;
    assert!(wide(&b).await <= 360, "404 page wider than the phone");
    b.keep("not-found-360-large-text").await;
    b.close().await;

    let b = Browser::open(&app, Options { width: 360 }).await;
    b.login("admin@demo.test").await;
    b.go("/admin/staff").await;
    b.submit("a[href^='/text/big']").await;
    assert!(b.source().await.contains("<option value=\"judge\">"));
    assert!(wide(&b).await <= 360, "staff page wider than the phone");
    b.keep("admin-staff-360-large-text").await;
    b.client
        .execute("document.getElementById('role').scrollIntoView()", vec![])
        .await
        .unwrap();
    b.keep("admin-staff-roles-360-large-text").await;
    b.close().await;
}

/// With JavaScript on (the service's own small script sends the form and shows its progress), an
/// evidence upload from the case page ends on the case page with the file listed. Whether the
/// bar moved is not checked here; without the script the form posts as before.
#[tokio::test]
async fn an_upload_from_the_case_page_lands_with_javascript_on() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let dir = std::env::temp_dir().join(format!("fq-up-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = dir.join("院墙.jpg");
    std::fs::write(&photo, crate::evidence::jpeg(400_000)).unwrap();
    let b = Browser::open(&app, Options { width: 360 }).await;
    b.login("resident@demo.test").await;
    b.go(&format!("/cases/{}", id(&case))).await;
    let input = b
        .client
        .find(fantoccini::Locator::Css("#file"))
        .await
        .unwrap();
    input.send_keys(photo.to_str().unwrap()).await.unwrap();
    b.submit("form[data-upload] button[type=submit]").await;
    let page = b.source().await;
    assert!(page.contains("院墙.jpg"), "{page}");
    b.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
