//! The rights of a party and the staff's second factor, as people see them in Chromium at
//! 360 px: who looked at my case, my data to download, and a mediator turning on the
//! authenticator app with a QR code. Screenshots are kept.

use serde_json::json;

use crate::browser::{Browser, Options};
use crate::cases_support::id;
use crate::harness::TestApp;

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
async fn a_party_sees_who_looked_and_a_mediator_turns_on_the_second_step() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;

    let r = Browser::open(&app, Options { width: 360 }).await;
    r.login("resident@demo.test").await;
    r.go(&format!("/cases/{case_id}")).await;
    let page = r.source().await;
    assert!(
        page.contains("谁查看过我的案件"),
        "the section is on the page"
    );
    assert!(
        r.text("#viewers-h + p + ul").await.contains("调解员"),
        "the mediator's look is listed"
    );
    fits(&r, "the case page").await;
    r.go("/account").await;
    assert!(r.source().await.contains("/account/data"));
    fits(&r, "the account page").await;
    r.keep("resident-account-page").await;
    r.close().await;

    let m = Browser::open(&app, Options { width: 360 }).await;
    m.login("village.mediator@demo.test").await;
    m.go("/account").await;
    m.submit("form[action='/account/second-factor'] button[value=begin]")
        .await;
    assert!(
        m.source().await.contains("<svg"),
        "the QR code is drawn by the service"
    );
    fits(&m, "the enrolment").await;
    m.keep("mediator-second-factor-qr").await;
    m.close().await;
}
