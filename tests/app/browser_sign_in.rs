//! The front door in a real headless Chromium at 360 px: a villager with only a mobile number
//! taps 我要申请调解 on the home page, answers three screens, proves the number on a fourth, and
//! has a filed case; the respondent, known only by a number, gets the invitation by SMS, signs in
//! with a code and consents on the case page. Screenshots are kept.

use serde_json::json;

use crate::browser::{Browser, Options};
use crate::cases_support::VILLAGE;
use crate::harness::TestApp;
use crate::sign_in_support::path_in;

async fn no_script(b: &Browser, step: &str) {
    let page = b.source().await.to_lowercase();
    assert!(!page.contains("<script"), "{step} carries a script");
}

async fn fits(b: &Browser, step: &str) {
    let width = b
        .client
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap();
    assert!(
        width.as_u64().unwrap() <= 360,
        "{step} scrolls sideways: {width}"
    );
}

#[tokio::test]
async fn a_villager_with_only_a_phone_files_from_the_home_page_and_the_respondent_consents() {
    let app = TestApp::spawn().await;
    let b = Browser::open(&app, Options { width: 360 }).await;
    b.go("/").await;
    b.submit("main a.button.primary[href='/file']").await;
    no_script(&b, "filing step 1").await;
    b.choose("#category", "land").await;
    b.fill("#narrative", "对方把界桩往我家承包地里挪了半米。")
        .await;
    b.submit("main form button[type=submit]").await;
    b.fill("#respondent_name", "赵大山").await;
    b.fill("#respondent_phone", "139 0000 3333").await;
    b.submit("main form button[type=submit]").await;
    b.choose("#village_code", VILLAGE).await;
    b.fill("#request", "把界桩挪回原处。").await;
    b.click("input[name=privacy]").await;
    b.submit("main form button[type=submit]").await;

    // The fourth screen: the number, then the code and the name.
    no_script(&b, "the number screen").await;
    assert!(b.source().await.contains("共 4 步"));
    b.fill("#phone", "13900002222").await;
    b.submit("main form button[type=submit][value=send]").await;
    fits(&b, "the code screen").await;
    b.keep("phone-filing-code-screen").await;
    let code = app.code_texted_to("13900002222");
    b.fill("#code", &code).await;
    b.fill("#name", "张桂兰").await;
    b.submit("main form button[type=submit][value=verify]")
        .await;
    no_script(&b, "the confirmation").await;
    let access = b.text(".code").await;
    assert_eq!(
        access.trim().len(),
        8,
        "the access code is shown: {access:?}"
    );
    assert!(
        b.source().await.contains("张桂兰"),
        "the header shows the new account"
    );
    fits(&b, "the confirmation").await;
    b.keep("phone-filing-confirmation").await;

    // The case is the new account's, and the receipt goes by SMS.
    let sql = app.sql().await;
    let row = sql
        .query_one(
            "SELECT c.id::text, c.number FROM cases c JOIN case_parties p ON p.case_id = c.id \
             JOIN users u ON u.id = p.user_id WHERE u.name = '张桂兰' AND p.side = 'applicant'",
            &[],
        )
        .await
        .unwrap();
    let (case_id, number): (String, String) = (row.get(0), row.get(1));
    let file_backends = app.notifier(fengqiao::notify::Mailer::File(app.config.mail_dir()));
    app.drain(&file_backends).await;
    assert!(
        app.texts()
            .iter()
            .any(|(to, t)| to == "+8613900002222" && t.contains(&number)),
        "the receipt by SMS"
    );

    // The mediator accepts; the respondent's invitation goes by SMS.
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    app.drain(&file_backends).await;
    let texts = app.texts();
    let (_, invitation) = texts
        .iter()
        .find(|(to, t)| to == "+8613900003333" && t.contains("邀请"))
        .expect("the invitation by SMS");
    let short = path_in(invitation, "/i/").unwrap();
    b.close().await;

    // The respondent opens the link on their phone, signs in with a code, and consents.
    let r = Browser::open(&app, Options { width: 360 }).await;
    r.go(&short).await;
    assert!(
        r.source().await.contains(&number),
        "the invitation names the case"
    );
    r.go(&format!("/login?next=/cases/{case_id}")).await;
    no_script(&r, "the login page").await;
    r.fill("#to", "13900003333").await;
    r.submit("main form button[type=submit][value=send]").await;
    let code = app.code_texted_to("13900003333");
    r.fill("#code", &code).await;
    r.fill("#name", "赵大山").await;
    r.submit("main form button[type=submit][value=verify]")
        .await;
    assert!(
        r.client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/cases/"),
        "back to the case after signing in"
    );
    r.act("respondent_consents").await;
    r.keep("phone-respondent-consented").await;
    let applicant = app.sql().await;
    let status: String = applicant
        .query_one(
            "SELECT status FROM cases WHERE id = $1::text::uuid",
            &[&case_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "in_mediation");
    r.close().await;
}

#[tokio::test]
async fn the_login_page_leads_with_the_phone_and_keeps_the_other_ways_one_tap_away() {
    let app = TestApp::spawn().await;
    let b = Browser::open(&app, Options { width: 360 }).await;
    b.go("/login").await;
    let page = b.source().await;
    assert!(page.contains("手机号登录"));
    assert!(page.contains("为了确认是您本人"), "says why one signs in");
    assert!(page.contains("by=email") && page.contains("by=password"));
    fits(&b, "the login page").await;
    b.keep("login-phone-first").await;
    // A wrong number is answered on the same screen, in Chinese.
    b.fill("#to", "12345").await;
    b.submit("main form button[type=submit]").await;
    assert!(b.text("p.notice.bad").await.contains("手机号不对"));
    b.close().await;
}

/// A grandmother who cannot type: in large text she taps 我要申请调解, records what happened
/// instead of writing it, names the other side, signs in with the code texted to her, and keeps
/// the case card. Each screen is kept as a screenshot (`voice-journey-*`), none scrolls sideways.
#[tokio::test]
async fn a_villager_files_by_voice_in_large_text_and_keeps_the_case_card() {
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("fq-voice-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let recording = dir.join("录音.m4a");
    let mut m4a = b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom".to_vec();
    m4a.extend(std::iter::repeat_n(3u8, 30_000));
    std::fs::write(&recording, m4a).unwrap();

    let b = Browser::open(&app, Options { width: 360 }).await;
    b.go("/").await;
    b.submit("a[href^='/text/big']").await;
    fits(&b, "the home page").await;
    b.keep("voice-journey-1-home").await;
    b.submit("main a.button.primary[href='/file']").await;
    let input = b
        .client
        .find(fantoccini::Locator::Css("#voice"))
        .await
        .unwrap();
    input.send_keys(recording.to_str().unwrap()).await.unwrap();
    b.submit("section.voice button[type=submit]").await;
    assert!(b.source().await.contains("已收到您的录音"));
    fits(&b, "step 1 with the recording").await;
    b.keep("voice-journey-2-recorded").await;
    b.choose("#category", "neighbour").await;
    b.submit("main form button[type=submit]").await;
    b.fill("#respondent_name", "钱大伯").await;
    b.fill("#respondent_phone", "13900004444").await;
    b.submit("main form button[type=submit]").await;
    b.choose("#village_code", VILLAGE).await;
    b.fill("#request", "请调解员来看看。").await;
    b.click("input[name=privacy]").await;
    fits(&b, "step 3").await;
    b.submit("main form button[type=submit]").await;
    b.fill("#phone", "13900005555").await;
    b.submit("main form button[type=submit][value=send]").await;
    let code = app.code_texted_to("13900005555");
    b.fill("#code", &code).await;
    b.fill("#name", "孙奶奶").await;
    b.submit("main form button[type=submit][value=verify]")
        .await;
    let page = b.source().await;
    assert!(page.contains("解纷码") && page.contains("<svg"), "{page}");
    fits(&b, "the confirmation").await;
    b.keep("voice-journey-3-filed").await;
    b.client
        .execute(
            "document.querySelector('.qr-card').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    b.keep("voice-journey-4-card").await;

    // Her case page: the road with the village marked, the recording to play.
    b.submit("main a[href^='/cases/']").await;
    let page = b.source().await;
    assert!(page.contains("aria-current=\"step\""), "{page}");
    assert!(page.contains("<audio"), "{page}");
    fits(&b, "the case page").await;
    b.keep("voice-journey-5-case").await;
    b.client
        .execute("document.getElementById('card').scrollIntoView()", vec![])
        .await
        .unwrap();
    b.keep("voice-journey-6-case-card").await;
    b.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
