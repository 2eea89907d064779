//! Every page answers in both languages for the right role, sends the wrong one to the login
//! page or a 404, refuses forms without the CSRF token, and references no other origin.

use reqwest::StatusCode;
use serde_json::Value;

use crate::cases_support::id;
use crate::harness::TestApp;

impl TestApp {
    /// A page fetched with the session cookie of `token` (if any) in `lang`.
    pub async fn page(
        &self,
        path: &str,
        token: Option<&str>,
        lang: &str,
    ) -> (StatusCode, String, reqwest::header::HeaderMap) {
        let mut cookie = format!("fq_lang={lang}");
        if let Some(t) = token {
            cookie.push_str(&format!("; fq_session={t}"));
        }
        let res = self
            .client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        (status, res.text().await.unwrap(), headers)
    }

    /// A page form posted as `session` (if any) in `lang`, with a matching CSRF cookie and field.
    pub async fn post_form(
        &self,
        path: &str,
        session: Option<&str>,
        lang: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        const TOKEN: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
        let mut cookie = format!("fq_csrf={TOKEN}; fq_lang={lang}");
        if let Some(s) = session {
            cookie.push_str(&format!("; fq_session={s}"));
        }
        let mut form = vec![("csrf", TOKEN)];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

fn no_external_origin(path: &str, html: &str) {
    for attr in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "url(http",
    ] {
        assert!(
            !html.contains(attr),
            "{path} references another origin ({attr})"
        );
    }
}

#[tokio::test]
async fn pages_answer_in_both_languages_for_the_right_role() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_path = format!("/cases/{}", id(&case));
    let mediator = app.login("village.mediator@demo.test").await;
    let admin = app.login("admin@demo.test").await;
    let public = ["/", "/login", "/lookup", "/privacy", "/help", "/api/docs"];
    let cases: Vec<(&str, Option<&str>, &str)> = public
        .iter()
        .map(|p| (*p, None, "h1"))
        .chain([
            ("/my", Some(resident.as_str()), "h1"),
            ("/file", Some(resident.as_str()), "narrative"),
            (case_path.as_str(), Some(resident.as_str()), "next-step"),
            ("/queue", Some(mediator.as_str()), "h1"),
            ("/calendar", Some(mediator.as_str()), "h1"),
            ("/file-for", Some(mediator.as_str()), "applicant_name"),
            (case_path.as_str(), Some(mediator.as_str()), "actions-h"),
            ("/admin/policy", Some(admin.as_str()), "mediation_days"),
        ])
        .collect();
    for (path, token, marker) in cases {
        let (zh_status, zh, headers) = app.page(path, token, "zh").await;
        assert_eq!(zh_status, StatusCode::OK, "{path} in Chinese");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(zh.contains(marker), "{path}: {marker} missing");
        let (en_status, en, _) = app.page(path, token, "en").await;
        assert_eq!(en_status, StatusCode::OK, "{path} in English");
        if path != "/api/docs" {
            assert!(zh.contains("lang=\"zh-CN\""), "{path} is not in Chinese");
            assert!(en.contains("lang=\"en\""), "{path} is not in English");
            assert_ne!(zh, en, "{path} did not change language");
        }
        no_external_origin(path, &zh);
        no_external_origin(path, &en);
    }
    // The stylesheet is ours and local too.
    let css = app
        .get("/static/site.css", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !css.contains("http"),
        "the stylesheet loads nothing from elsewhere"
    );
}

#[tokio::test]
async fn the_wrong_role_is_sent_to_login_or_gets_404() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_path = format!("/cases/{}", id(&case));
    // Filing is open to everyone: the number is proved on its last screen.
    assert_eq!(app.page("/file", None, "zh").await.0, StatusCode::OK);
    for path in ["/my", "/queue", case_path.as_str(), "/admin/policy"] {
        let (status, _, headers) = app.page(path, None, "zh").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path} without login");
        assert!(
            headers["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?next="),
            "{path}"
        );
    }
    let neighbour = app.login("neighbour@demo.test").await;
    let (status, html, _) = app.page(&case_path, Some(&neighbour), "zh").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "someone else's case");
    assert!(html.contains("<h1>"));
    let other = app.login("other.mediator@demo.test").await;
    assert_eq!(
        app.page(&case_path, Some(&other), "en").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.page("/admin/policy", Some(&neighbour), "zh").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.page("/queue", Some(&neighbour), "zh").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn forms_need_the_csrf_token() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let path = app.url(&format!("/cases/{}/message", id(&case)));
    // No token cookie at all: refused.
    let res = app
        .client
        .post(&path)
        .header("cookie", format!("fq_session={resident}"))
        .form(&[("csrf", "0123456789abcdef0123456789abcdef"), ("body", "hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A token that does not match the cookie: refused.
    let res = app
        .client
        .post(&path)
        .header(
            "cookie",
            format!("fq_session={resident}; fq_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        )
        .form(&[("csrf", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), ("body", "hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The matching pair: accepted, and the message is there.
    let token = "cccccccccccccccccccccccccccccccc";
    let res = app
        .client
        .post(&path)
        .header("cookie", format!("fq_session={resident}; fq_csrf={token}"))
        .form(&[("csrf", token), ("body", "墙根还在渗水")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let messages: Value = app
        .get(
            &format!("/api/v1/cases/{}/messages", id(&case)),
            Some(&resident),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages[0]["body"], "墙根还在渗水");
}

#[tokio::test]
async fn the_county_admin_invites_a_mediator_who_sets_a_password_and_can_be_deactivated() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let token = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    let cookie = format!("fq_session={admin}; fq_csrf={token}");
    let add = |email: &'static str, role: &'static str| {
        app.client
            .post(app.url("/admin/staff"))
            .header("cookie", cookie.clone())
            .form(&[
                ("csrf", token),
                ("name", "何调解"),
                ("email", email),
                ("role", role),
                ("committee", "330681109203"),
            ])
            .send()
    };
    assert_eq!(
        add("he.mediator@demo.test", "mediator")
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        add("he.mediator@demo.test", "mediator")
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT,
        "one account per email"
    );
    assert_eq!(
        add("x@demo.test", "county_admin").await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, page, _) = app.page("/admin/staff", Some(&admin), "zh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("he.mediator@demo.test") && page.contains("待设置密码"));

    // The mailed link opens a page that sets the first password and signs in.
    let mail = app
        .mail_files()
        .into_iter()
        .find(|m| m.contains("he.mediator@demo.test"))
        .expect("the invitation mail");
    let text = crate::mail_support::parse(&mail).text;
    let link = crate::sign_in_support::path_in(&text, "/account/link/").unwrap();
    let (status, page, _) = app.page(&link, None, "zh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("何调解") && page.contains("设置登录密码"),
        "{page}"
    );
    let res = app
        .client
        .post(app.url(&link))
        .header("cookie", format!("fq_csrf={token}"))
        .form(&[("csrf", token), ("password", "new-mediator-2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("fq_session=")
    );
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": "he.mediator@demo.test", "password": "new-mediator-2026"}),
        )
        .await;
    let session: Value = res.json().await.unwrap();
    let me: Value = app
        .get("/api/v1/me", session["token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "mediator");
    assert_eq!(me["committee"]["division_code"], "330681109203");
    // The link worked once.
    let (status, _, _) = app.page(&link, None, "zh").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Deactivated from the page: the session ends at once.
    let id = me["id"].as_str().unwrap();
    let res = app
        .client
        .post(app.url(&format!("/admin/staff/{id}")))
        .header("cookie", cookie.clone())
        .form(&[("csrf", token), ("what", "deactivate")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/api/v1/me", session["token"].as_str())
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (_, page, _) = app
        .page("/admin/staff?done=deactivated", Some(&admin), "zh")
        .await;
    assert!(page.contains("已停用"));
    let mediator = app.login("village.mediator@demo.test").await;
    assert_eq!(
        app.page("/admin/staff", Some(&mediator), "zh").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_unknown_address_answers_in_the_visitors_language_with_their_own_header() {
    let app = TestApp::spawn().await;
    let resident = app.login("resident@demo.test").await;
    let (status, html, _) = app.page("/no-such-page", Some(&resident), "zh").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("找不到这个页面"), "{html}");
    assert!(html.contains("这个地址下没有内容"), "{html}");
    assert!(!html.contains("Nothing was found"), "{html}");
    assert!(
        html.contains("退出"),
        "the header knows who is signed in: {html}"
    );
    let (status, html, _) = app.page("/no-such-page", None, "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        html.contains("Nothing was found at this address."),
        "{html}"
    );
    // The API keeps its JSON answer.
    let res = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["error"],
        "not_found"
    );
}

/// The action the banner asks for comes first and open; withdrawing or asking for another
/// mediator is there, closed and drawn as secondary.
#[tokio::test]
async fn the_banners_action_comes_first_and_the_dangerous_ones_last() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = crate::cases_support::id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(&mediator, &case_id, serde_json::json!({"action": "accept"}))
        .await;
    let c = app
        .act_ok(
            &respondent,
            &case_id,
            serde_json::json!({"action": "respondent_consents"}),
        )
        .await;
    app.act_ok(&mediator, &case_id, crate::cases_support::agreement(&c))
        .await;
    let (status, html, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    assert_eq!(status, StatusCode::OK);
    let blocks: Vec<&str> = html.split("<details class=\"action").skip(1).collect();
    assert!(blocks.len() >= 2, "{html}");
    assert!(
        blocks[0].starts_with("\" open") && blocks[0].contains("value=\"sign\""),
        "{}",
        blocks[0]
    );
    let withdraw = blocks
        .iter()
        .position(|b| b.contains("value=\"withdraw\""))
        .unwrap();
    let sign = blocks
        .iter()
        .position(|b| b.contains("value=\"sign\""))
        .unwrap();
    assert!(withdraw > sign);
    assert!(
        blocks[withdraw].starts_with(" danger\""),
        "{}",
        blocks[withdraw]
    );
    assert!(!blocks[withdraw].starts_with(" danger\" open"));
}

/// The 解纷码: the case page of a party shows its QR code and address; the address opens where
/// the case stands without a login and names nobody; a new card makes the old one stop working.
#[tokio::test]
async fn a_case_card_opens_the_case_without_typing_and_can_be_replaced() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let card_of = |html: &str| {
        let at = html.find("/c/").expect("the card's address is on the page");
        html[at..at + 15].to_owned()
    };
    let (status, html, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"card\"") && html.contains("<svg"),
        "{html}"
    );
    let first = card_of(&html);
    // The same card each time the page is opened.
    let (_, again, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    assert_eq!(card_of(&again), first);
    let (status, public, _) = app.page(&first, None, "zh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.contains(case["number"].as_str().unwrap()),
        "{public}"
    );
    assert!(
        public.contains("aria-current=\"step\""),
        "the road is shown"
    );
    assert!(
        !public.contains("王秀英") && !public.contains("李建国"),
        "{public}"
    );
    // A lost card is replaced: the old address stops working, the new one works.
    let card = format!("/cases/{case_id}/card");
    let res = app.post_form(&card, Some(&resident), "zh", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    let second = card_of(&html);
    assert_ne!(second, first);
    assert_eq!(app.page(&first, None, "zh").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page(&second, None, "zh").await.0, StatusCode::OK);
    assert_eq!(
        app.page("/c/not-a-card", None, "en").await.0,
        StatusCode::NOT_FOUND
    );
    // Someone else's case: no card to make.
    let outsider = app.login("neighbour@demo.test").await;
    let res = app.post_form(&card, Some(&outsider), "zh", &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// The county admin keeps each committee's phone and address; the case page offers the
/// holding committee's number as a link that calls it.
#[tokio::test]
async fn the_committees_phone_is_one_tap_away_on_the_case_page() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let committee = case["committee"]["id"].as_str().unwrap().to_owned();
    let admin = app.login("admin@demo.test").await;
    let path = format!("/admin/committees/{committee}/contact");
    let post = |who: String, phone: &'static str| {
        let (app, path) = (&app, path.clone());
        async move {
            let fields = [("phone", phone), ("address", "枫源村村委会一楼")];
            app.post_form(&path, Some(&who), "zh", &fields).await
        }
    };
    // A resident may not; a number that is not one is refused; a good one is kept.
    assert_ne!(
        post(resident.clone(), "0575-87011111").await.status(),
        StatusCode::SEE_OTHER
    );
    let bad = post(admin.clone(), "call the office").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        post(admin.clone(), "0575-87011111").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    assert!(html.contains("href=\"tel:0575-87011111\""), "{html}");
    assert!(html.contains("枫源村村委会一楼"));
    let c = app.case(&resident, &case_id).await;
    assert_eq!(c["committee"]["phone"], "0575-87011111");
}

/// A refusal on a Chinese page is said in Chinese: the engine's reason and the form's field.
#[tokio::test]
async fn a_refusal_on_a_chinese_page_is_said_in_chinese() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let path = format!("/cases/{case_id}/act");
    let send = |lang: &'static str, action: &'static str| {
        let (app, path, mediator) = (&app, path.clone(), mediator.clone());
        async move {
            let fields = [
                ("action", action),
                ("version", "1"),
                ("reason", "  "),
                ("facts", "墙倒了"),
            ];
            let res = app.post_form(&path, Some(&mediator), lang, &fields).await;
            res.text().await.unwrap()
        }
    };
    // A field left blank, named as the form names it.
    let zh = send("zh", "decline").await;
    assert!(zh.contains("请填写理由"), "{zh}");
    assert!(!zh.contains("missing field"), "{zh}");
    // The engine's reason for a wrong state, with the state in Chinese.
    let zh = send("zh", "propose_agreement").await;
    assert!(
        zh.contains("只有在调解中才能起草协议（案件现在：等待受理）"),
        "{zh}"
    );
    let en = send("en", "propose_agreement").await;
    assert!(
        en.contains("an agreement can be drafted only during mediation"),
        "{en}"
    );
}

/// The filing screens: a wrong number for the other side is said on their screen, in Chinese;
/// 上一步 goes back with every answer (and the privacy tick) kept.
#[tokio::test]
async fn filing_screens_go_back_and_report_on_the_screen_that_asks() {
    let app = TestApp::spawn().await;
    let resident = app.login("neighbour@demo.test").await;
    let token = "abababababababababababababababab";
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let cookie = format!("fq_session={resident}; fq_csrf={token}; fq_lang=zh");
        async move {
            let mut form = vec![("csrf", token)];
            form.extend(fields);
            app.client
                .post(app.url("/file"))
                .header("cookie", cookie)
                .form(&form)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let base = vec![
        ("category", "neighbour"),
        ("narrative", "邻居的狗天天半夜叫"),
        ("respondent_name", "钱大伯"),
    ];
    let mut bad = base.clone();
    bad.extend([("step", "2"), ("respondent_phone", "12345")]);
    let page = post(bad).await;
    assert!(
        page.contains("第 2 步"),
        "stays on the other side's screen: {page}"
    );
    assert!(page.contains("被申请人：手机号是 11 位数字"), "{page}");
    // Back from the third screen: the second, with the answers of the third kept.
    let mut back = base.clone();
    back.extend([
        ("step", "3"),
        ("act", "back"),
        ("request", "晚上把狗关好"),
        ("privacy", "yes"),
    ]);
    let page = post(back).await;
    assert!(
        page.contains("第 2 步") && page.contains("value=\"钱大伯\""),
        "{page}"
    );
    assert!(
        page.contains("name=\"request\" value=\"晚上把狗关好\""),
        "{page}"
    );
    assert!(page.contains("name=\"privacy\" value=\"yes\""), "{page}");
    assert!(page.contains("上一步"));
}

/// A case referred to court says which court, where, what to bring; the county admin names it.
#[tokio::test]
async fn a_referred_case_names_the_court_and_what_to_bring() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    let admin = app.login("admin@demo.test").await;
    let court = [
        ("name", "诸暨市人民法院"),
        ("address", "艮塔西路 138 号立案大厅"),
        ("phone", "0575-87200001"),
    ];
    let res = app
        .post_form("/admin/court", Some(&admin), "zh", &court)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.act_ok(&mediator, &case_id, serde_json::json!({"action": "accept"}))
        .await;
    app.act_ok(
        &respondent,
        &case_id,
        serde_json::json!({"action": "respondent_refuses"}),
    )
    .await;
    let (_, before, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    assert!(!before.contains("id=\"court-h\""));
    app.act_ok(
        &mediator,
        &case_id,
        serde_json::json!({"action": "refer_to_court", "reason": "对方不同意调解"}),
    )
    .await;
    let (_, page, _) = app
        .page(&format!("/cases/{case_id}"), Some(&resident), "zh")
        .await;
    for w in [
        "怎样到法院起诉",
        "诸暨市人民法院",
        "艮塔西路 138 号立案大厅",
        "tel:0575-87200001",
        "身份证",
        "起诉状",
    ] {
        assert!(page.contains(w), "{w} missing: {page}");
    }
}

/// A recording among the evidence plays on the case page (the mediator need not download it).
#[tokio::test]
async fn a_recording_plays_on_the_case_page() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mut mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    mp3.extend(std::iter::repeat_n(0u8, 4096));
    let res = app.upload(&resident, &case_id, mp3, "说明.mp3", None).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mediator = app.login("village.mediator@demo.test").await;
    let (_, html, _) = app
        .page(&format!("/cases/{case_id}"), Some(&mediator), "zh")
        .await;
    assert!(
        html.contains("<audio controls preload=\"none\" src=\"/api/v1/evidence/"),
        "{html}"
    );
}

/// 说不清楚？录一段语音: a resident records instead of typing on the first screen; the case is
/// filed without a written account and the recording is its first evidence.
#[tokio::test]
async fn a_resident_files_by_voice_instead_of_typing() {
    let app = TestApp::spawn().await;
    let resident = app.login("neighbour@demo.test").await;
    let token = "efefefefefefefefefefefefefefefef";
    let cookie = format!("fq_session={resident}; fq_csrf={token}; fq_lang=zh");
    let key = "0123456789abcdef01234567";
    let mut mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    mp3.extend(std::iter::repeat_n(7u8, 20_000));
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(mp3)
            .file_name("录音.mp3")
            .mime_str("audio/mpeg")
            .unwrap(),
    );
    let page = app
        .client
        .post(app.url(&format!("/file/voice?csrf={token}&key={key}")))
        .header("cookie", cookie.clone())
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已收到您的录音"), "{page}");
    // A photo is not a recording.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::evidence::jpeg(5_000)).file_name("x.jpg"),
    );
    let res = app
        .client
        .post(app.url(&format!("/file/voice?csrf={token}&key={key}")))
        .header("cookie", cookie.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The three screens without a written account.
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let mut form = vec![("csrf", token), ("key", key)];
            form.extend(fields);
            app.client
                .post(app.url("/file"))
                .header("cookie", cookie)
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    let step2 = post(vec![
        ("step", "1"),
        ("category", "neighbour"),
        ("narrative", ""),
    ])
    .await
    .text()
    .await
    .unwrap();
    assert!(step2.contains("第 2 步"), "{step2}");
    let done = post(vec![
        ("step", "3"),
        ("category", "neighbour"),
        ("narrative", ""),
        ("respondent_name", "钱大伯"),
        ("village_code", "330681109201"),
        ("request", "请调解员来看看"),
        ("privacy", "yes"),
    ])
    .await
    .text()
    .await
    .unwrap();
    assert!(done.contains("申请已提交"), "{done}");
    let cases: Value = app
        .get("/api/v1/cases", Some(&resident))
        .await
        .json()
        .await
        .unwrap();
    let case_id = cases["items"][0]["id"]
        .as_str()
        .or(cases[0]["id"].as_str())
        .unwrap()
        .to_owned();
    let case = app.case(&resident, &case_id).await;
    assert!(
        case["narrative"].as_str().unwrap().contains("语音"),
        "{case}"
    );
    let evidence: Value = app
        .get(
            &format!("/api/v1/cases/{case_id}/evidence"),
            Some(&resident),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(evidence[0]["content_type"], "audio/mpeg", "{evidence}");

    // A recording whose filing was never finished is dropped after a day, with its file.
    let other_key = "fedcba9876543210fedcba98";
    let mut lone = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    lone.extend(std::iter::repeat_n(9u8, 10_000));
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&lone))
    };
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(lone).file_name("半截.mp3"),
    );
    let res = app
        .client
        .post(app.url(&format!("/file/voice?csrf={token}&key={other_key}")))
        .header("cookie", cookie.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let store = fengqiao::evidence::Store::new(&app.config.data_dir);
    assert!(store.path_of(&sha).exists());
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let now = chrono::Utc::now();
    let kept = fengqiao::jobs::housekeeping::prune_recordings(&mut conn, &store, now)
        .await
        .unwrap();
    assert_eq!(kept, 0, "not yet a day old");
    let dropped = fengqiao::jobs::housekeeping::prune_recordings(
        &mut conn,
        &store,
        now + chrono::Duration::days(2),
    )
    .await
    .unwrap();
    assert_eq!(dropped, 1);
    assert!(
        !store.path_of(&sha).exists(),
        "the unfinished filing's file is gone"
    );

    // One address may send ten recordings a day (the three above count): the eleventh is
    // refused before its file is read, and nothing of it is kept.
    let send = |n: u8| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let mut body = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
            body.extend(std::iter::repeat_n(n, 5_000));
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(body).file_name("再录.mp3"),
            );
            let key = format!("{:024x}", u128::from(n) + 1000);
            app.client
                .post(app.url(&format!("/file/voice?csrf={token}&key={key}")))
                .header("cookie", cookie)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    for n in 3..10 {
        assert_eq!(send(n).await.status(), StatusCode::OK, "recording {n}");
    }
    let kept = app.count("SELECT count(*) FROM filing_recordings").await;
    let refused = send(10).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let said = refused.text().await.unwrap();
    assert!(said.contains("太频繁"), "{said}");
    assert_eq!(
        app.count("SELECT count(*) FROM filing_recordings").await,
        kept
    );
}

/// Every page a person reads, in Chinese for every role, has no English word outside what may
/// stay (the language switch, file formats, codes, addresses).
#[tokio::test]
async fn chinese_pages_have_no_english_words() {
    let app = TestApp::spawn().await;
    let resident = app.login("resident@demo.test").await;
    let text_of = |html: &str| {
        let mut out = String::new();
        let mut in_tag = false;
        let mut skip = false;
        let lower = html.to_lowercase();
        let mut i = 0;
        let bytes: Vec<char> = html.chars().collect();
        let lower: Vec<char> = lower.chars().collect();
        while i < bytes.len() {
            let rest: String = lower[i..(i + 8).min(lower.len())].iter().collect();
            if rest.starts_with("<style") || rest.starts_with("<script") || rest.starts_with("<svg")
            {
                skip = true;
            }
            if rest.starts_with("</style")
                || rest.starts_with("</script")
                || rest.starts_with("</svg")
            {
                skip = false;
            }
            let c = bytes[i];
            if c == '<' {
                in_tag = true;
            } else if c == '>' {
                in_tag = false;
                out.push(' ');
            } else if !in_tag && !skip {
                out.push(c);
            }
            i += 1;
        }
        out
    };
    // The language switch names English in English; file formats keep their names.
    const ALLOWED: &[&str] = &["English", "WebP", "JSON", "Excel"];
    let check = |who: &str, path: &str, html: &str| {
        let text = text_of(html);
        // Runs of Latin text; a run with a digit, an @ or an address is a code, a number, an
        // email or a link, which may stay. Capitals only are codes too.
        for run in text.split(|c: char| !c.is_ascii_graphic()) {
            if run.chars().any(|c| c.is_ascii_digit()) || run.contains('@') || run.contains("://") {
                continue;
            }
            for w in run.split(|c: char| !c.is_ascii_alphabetic()) {
                let english = w.len() >= 4 && w.chars().any(|c| c.is_ascii_lowercase());
                if english && !ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(w)) {
                    panic!("{who} {path}: English word {w:?} in {text}");
                }
            }
        }
    };
    for stop in crate::page_tour::tour(&app).await {
        let (status, html, _) = app.page(&stop.path, stop.session.as_deref(), "zh").await;
        let found = stop.path == "/no-such-page" && status == StatusCode::NOT_FOUND;
        assert!(
            status.is_success() || found,
            "{} {}: {status}",
            stop.who,
            stop.path
        );
        check(stop.who, &stop.path, &html);
    }
    // The filing screens after the first, for a visitor and for a signed-in resident.
    for session in [None, Some(resident.as_str())] {
        for (step, answers) in crate::page_tour::filing_steps() {
            let mut fields = vec![("step", step.to_string())];
            fields.extend(answers.iter().map(|(k, v)| (*k, (*v).to_owned())));
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = app.post_form("/file", session, "zh", &fields).await;
            let status = res.status();
            let html = res.text().await.unwrap();
            assert!(status.is_success(), "step {step}: {status} {html}");
            assert!(!html.contains("role=\"alert\""), "step {step}: {html}");
            check("filing", &format!("/file step {}", step + 1), &html);
        }
    }
}

/// Pages and styles go compressed to a browser that accepts it (brotli or gzip); a PDF, which is
/// compressed already, goes as it is; a form still works from a compressed page, whose token is
/// masked anew each time so the secret never repeats in a compressed body.
#[tokio::test]
async fn pages_and_styles_go_compressed_and_documents_as_they_are() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let fetch = |path: String, accept: &'static str| {
        let app = &app;
        let resident = resident.clone();
        async move {
            app.client
                .get(app.url(&path))
                .header("accept-encoding", accept)
                .header("cookie", format!("fq_session={resident}; fq_lang=zh"))
                .send()
                .await
                .unwrap()
        }
    };
    let plain = fetch(format!("/cases/{case_id}"), "identity").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    let br = fetch(format!("/cases/{case_id}"), "br").await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    let br = br.bytes().await.unwrap();
    assert!(
        br.len() * 2 < plain.len(),
        "{} of {}",
        br.len(),
        plain.len()
    );
    let css = fetch("/static/site.css".into(), "gzip").await;
    assert_eq!(css.headers()["content-encoding"], "gzip");
    assert_eq!(&css.bytes().await.unwrap()[..2], &[0x1f, 0x8b]);
    for path in [
        format!("/api/v1/cases/{case_id}/documents/application"),
        format!("/api/v1/cases/{case_id}"),
    ] {
        let res = fetch(path.clone(), "gzip, br").await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.headers().get("content-encoding").is_none(), "{path}");
    }
    // Two loads of the same page carry different tokens, both good for the same cookie.
    let token = |html: &str| {
        let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        html[at..at + 128].to_owned()
    };
    let (_, first, _) = app.page("/notifications", Some(&resident), "zh").await;
    let (_, second, _) = app.page("/notifications", Some(&resident), "zh").await;
    assert_ne!(token(&first), token(&second));
    let res = app
        .client
        .post(app.url("/notifications/read"))
        .header(
            "cookie",
            format!("fq_session={resident}; fq_csrf=a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"),
        )
        .form(&[("csrf", masked("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// The masking `csrf::mask` does, with a pad of ones.
fn masked(token: &str) -> String {
    let pad = vec![1u8; token.len()];
    let hidden: Vec<u8> = token.bytes().map(|b| b ^ 1).collect();
    format!("{}{}", hex::encode(pad), hex::encode(hidden))
}

/// An error on a page keeps the page's caller in the header and its large text: someone opening
/// a case that is not theirs is still signed in on the page that says so.
#[tokio::test]
async fn an_error_page_keeps_the_caller_and_the_large_text() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let outsider = app.login("neighbour@demo.test").await;
    let res = app
        .client
        .get(app.url(&format!("/cases/{}", id(&case))))
        .header(
            "cookie",
            format!("fq_session={outsider}; fq_lang=zh; fq_big=1"),
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let html = res.text().await.unwrap();
    assert!(html.contains("class=\"big\""), "{html}");
    assert!(html.contains("退出") && !html.contains(">登录<"), "{html}");
}
