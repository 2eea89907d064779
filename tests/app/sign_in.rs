//! Signing in with a one-time code by phone or email: a villager with only a mobile number signs
//! up, files, gets the receipt by SMS; the respondent known only by a number is invited by SMS,
//! signs in with the code and consents. Limits hold under concurrent requests.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{VILLAGE, id};
use crate::harness::{TestApp, error_of};
use crate::sign_in_support::{path_in, six_digits};

const APPLICANT: &str = "13900002222";
const RESPONDENT: &str = "13900003333";

#[tokio::test]
async fn a_villager_with_only_a_phone_signs_up_files_and_the_respondent_answers_by_sms() {
    let app = TestApp::spawn().await;
    // The number as people type it: +86, spaces, dashes.
    let res = app
        .post_json(
            "/api/v1/auth/code",
            None,
            &json!({"phone": "+86 139-0000-2222"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let sent: Value = res.json().await.unwrap();
    assert_eq!(sent["sent_to"], "139****2222");
    let code = app.code_texted_to(APPLICANT);

    // A new account needs a name; the code stays good while it is asked for.
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"phone": APPLICANT, "code": code}),
        )
        .await;
    let e = error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(e["message"].as_str().unwrap().contains("name"), "{e}");
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"phone": APPLICANT, "code": code, "name": "张桂兰"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("fq_session=")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["new_account"], true);
    let token = body["token"].as_str().unwrap().to_owned();

    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "resident");
    assert_eq!(me["name"], "张桂兰");
    assert_eq!(me["email"], Value::Null);
    assert_eq!(me["phone"], "139****2222");

    // The respondent is known by name and number only.
    let res = app
        .post_json(
            "/api/v1/cases",
            Some(&token),
            &json!({
                "category": "land",
                "narrative": "对方把界桩往我家地里挪了半米。",
                "request": "把界桩挪回原处。",
                "village_code": VILLAGE,
                "respondents": [{"name": "赵大山", "phone": RESPONDENT}]
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let case: Value = res.json().await.unwrap();
    let case_id = id(&case);
    let number = case["number"].as_str().unwrap().to_owned();

    // The receipt goes by SMS through the outbox, with the number, the access code and a link.
    let report = app
        .drain(&app.notifier(fengqiao::notify::Mailer::File(app.config.mail_dir())))
        .await;
    assert!(report.sent >= 1, "{report:?}");
    let texts = app.texts();
    let receipt = texts
        .iter()
        .find(|(to, t)| *to == format!("+86{APPLICANT}") && t.contains(&number))
        .unwrap_or_else(|| panic!("no receipt by SMS in {texts:?}"));
    assert!(receipt.1.starts_with("【枫桥在线调解】"), "{}", receipt.1);
    assert!(receipt.1.contains(case["access_code"].as_str().unwrap()));
    assert!(!receipt.1.contains("界桩"), "texts carry no case details");

    // The village mediator accepts: the respondent's invitation goes by SMS with a short link.
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    app.drain(&app.notifier(fengqiao::notify::Mailer::File(app.config.mail_dir())))
        .await;
    let texts = app.texts();
    let invitation = texts
        .iter()
        .find(|(to, t)| *to == format!("+86{RESPONDENT}") && t.contains("邀请"))
        .unwrap_or_else(|| panic!("no invitation by SMS in {texts:?}"));
    assert!(invitation.1.contains(&number), "{}", invitation.1);
    let short = path_in(&invitation.1, "/i/").expect("a short link");
    assert_eq!(short.len(), "/i/".len() + 8, "{short}");
    let res = app.get(&short, None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let target = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(target.starts_with("/invitations/"), "{target}");
    assert_eq!(app.get(&target, None).await.status(), StatusCode::OK);

    // The respondent signs in with that number: the case is theirs to see and answer.
    let (respondent, body) = app.sign_in_by_phone(RESPONDENT, "赵大山").await;
    assert_eq!(body["new_account"], true);
    let list: Value = app
        .get("/api/v1/cases", Some(&respondent))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == case["id"]),
        "{list}"
    );
    let after = app
        .act_ok(
            &respondent,
            &case_id,
            json!({"action": "respondent_consents"}),
        )
        .await;
    assert_eq!(after["status"], "in_mediation");

    // The numbers are stored sealed and found by a keyed hash, never in clear.
    let sql = app.sql().await;
    let clear: i64 = sql
        .query_one(
            "SELECT count(*) FROM users WHERE encode(phone_enc, 'escape') LIKE '%' || $1 || '%' OR phone_key LIKE '%' || $1 || '%'",
            &[&APPLICANT],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(clear, 0);
}

#[tokio::test]
async fn a_hundred_parallel_requests_for_one_number_send_one_code() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/code");
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"phone": "13900004444"}))
                .send()
                .await
                .unwrap()
        }));
    }
    let mut accepted = 0;
    let mut limited = 0;
    for t in tasks {
        let res = t.await.unwrap();
        match res.status() {
            StatusCode::ACCEPTED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                let wait: u64 = res.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=60).contains(&wait), "{wait}");
                limited += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((accepted, limited), (1, 99));
    let sent = app
        .texts()
        .into_iter()
        .filter(|(to, _)| to == "+8613900004444")
        .count();
    assert_eq!(sent, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM sign_in_codes").await,
        1,
        "one code stored"
    );
}

#[tokio::test]
async fn five_wrong_tries_spend_the_code_even_when_they_arrive_together() {
    let app = TestApp::spawn().await;
    let phone = "13900005555";
    let res = app
        .post_json("/api/v1/auth/code", None, &json!({"phone": phone}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let right = app.code_texted_to(phone);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/code/verify");
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"phone": phone, "code": wrong, "name": "某人"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    // The right code no longer works: it was spent by the fifth wrong try.
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"phone": phone, "code": right, "name": "某人"}),
        )
        .await;
    let e = error_of(res, StatusCode::UNAUTHORIZED).await;
    assert_eq!(e["error"], "invalid_code");
    let tries: i32 = app
        .sql()
        .await
        .query_one("SELECT wrong_tries FROM sign_in_codes", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(tries, 5);
}

#[tokio::test]
async fn codes_are_single_use_bound_to_their_number_and_expire() {
    let app = TestApp::spawn().await;
    let (a, b) = ("13900006666", "13900007777");
    for phone in [a, b] {
        let res = app
            .post_json("/api/v1/auth/code", None, &json!({"phone": phone}))
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let code_a = app.code_texted_to(a);
    let verify = |phone: &'static str, code: String| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/auth/code/verify",
                None,
                &json!({"phone": phone, "code": code, "name": "试用"}),
            )
            .await
        }
    };
    // A's code does not open B (unless both codes happen to be equal).
    if code_a != app.code_texted_to(b) {
        error_of(verify(b, code_a.clone()).await, StatusCode::UNAUTHORIZED).await;
    }
    assert_eq!(verify(a, code_a.clone()).await.status(), StatusCode::OK);
    // Used once: gone.
    error_of(verify(a, code_a).await, StatusCode::UNAUTHORIZED).await;
    // B's code expires after ten minutes.
    app.sql()
        .await
        .execute(
            "UPDATE sign_in_codes SET expires_at = now() - interval '1 second' WHERE spent_at IS NULL",
            &[],
        )
        .await
        .unwrap();
    let code_b = app.code_texted_to(b);
    let e = error_of(verify(b, code_b).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(e["error"], "invalid_code");
}

#[tokio::test]
async fn bad_input_gets_a_precise_answer() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"phone": "12345"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "phone",
        ),
        (
            json!({"phone": "23812345678"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "phone",
        ),
        (
            json!({"email": "not-an-address"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            json!({"phone": "13812345678", "email": "a@b.cn"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not both",
        ),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY, "phone"),
        (
            json!({"phone": 13812345678_u64}),
            StatusCode::BAD_REQUEST,
            "wrong or missing field",
        ),
        (
            json!({"mobile": "13812345678"}),
            StatusCode::BAD_REQUEST,
            "wrong or missing field",
        ),
    ];
    for (body, status, words) in cases {
        let res = app.post_json("/api/v1/auth/code", None, &body).await;
        let e = error_of(res, status).await;
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{body}: {e}"
        );
    }
    let res = app
        .client
        .post(app.url("/api/v1/auth/code"))
        .header("content-type", "application/json")
        .body("{\"phone\": ")
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::BAD_REQUEST).await;
    for code in ["12345", "1234567", "abcdef", ""] {
        let res = app
            .post_json(
                "/api/v1/auth/code/verify",
                None,
                &json!({"phone": "13812345678", "code": code}),
            )
            .await;
        error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // No code was ever sent to this number: the same answer as a wrong code.
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"phone": "13812345678", "code": "123456"}),
        )
        .await;
    let e = error_of(res, StatusCode::UNAUTHORIZED).await;
    assert_eq!(e["error"], "invalid_code");
    let long_name = "名".repeat(101);
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"phone": "13812345678", "code": "123456", "name": long_name}),
        )
        .await;
    error_of(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn an_existing_account_signs_in_by_email_code_and_keeps_its_cases() {
    let app = TestApp::spawn().await;
    let (_, filed) = app.file().await;
    let res = app
        .post_json(
            "/api/v1/auth/code",
            None,
            &json!({"email": " Resident@Demo.test "}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let sent: Value = res.json().await.unwrap();
    assert_eq!(sent["sent_to"], "r***@demo.test");
    let mail = app
        .mail_files()
        .into_iter()
        .find(|m| m.contains("resident@demo.test"))
        .expect("the code by mail");
    let plain = crate::mail_support::parse(&mail);
    let code = six_digits(&plain.text).expect("a code in the mail");
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"email": "resident@demo.test", "code": code}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["new_account"], false,
        "no name needed for an account that exists"
    );
    let token = body["token"].as_str().unwrap();
    let me: Value = app
        .get("/api/v1/me", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "resident@demo.test");
    let list: Value = app
        .get("/api/v1/cases", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == filed["id"]),
        "{list}"
    );
}

#[tokio::test]
async fn staff_cannot_sign_in_by_code_around_their_password_and_second_factor() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json(
            "/api/v1/auth/code",
            None,
            &json!({"email": "judge@demo.test"}),
        )
        .await;
    // The same answer as for anyone: nothing is revealed about the account.
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = app
        .mail_files()
        .into_iter()
        .find(|m| m.contains("judge@demo.test"))
        .expect("a code was mailed");
    let code = six_digits(&crate::mail_support::parse(&mail).text).unwrap();
    let res = app
        .post_json(
            "/api/v1/auth/code/verify",
            None,
            &json!({"email": "judge@demo.test", "code": code}),
        )
        .await;
    let e = error_of(res, StatusCode::UNAUTHORIZED).await;
    assert_eq!(e["error"], "invalid_code");
}
