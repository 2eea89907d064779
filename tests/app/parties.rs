//! Parties and mediators: invitations, assisted filing and claiming, masking, recusal, messages.

use chrono::{Duration, Utc};
use fengqiao::auth::{Keys, invitation};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{dispute, future, id};
use crate::harness::{SECRET, TestApp, error_of};

impl TestApp {
    async fn county_of(&self, case_id: &str) -> uuid::Uuid {
        let (db, conn) = tokio_postgres::connect(&self.config.database_url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let row = db
            .query_one(
                "SELECT county_id::text FROM cases WHERE id = $1::text::uuid",
                &[&case_id],
            )
            .await
            .unwrap();
        uuid::Uuid::parse_str(row.get::<_, &str>(0)).unwrap()
    }
}

fn party<'a>(case: &'a Value, side: &str) -> &'a Value {
    case["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["side"] == side)
        .unwrap()
}

#[tokio::test]
async fn an_invitation_link_works_once_expires_and_is_no_login() {
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
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let county = app.county_of(&case_id).await;
    let respondent =
        uuid::Uuid::parse_str(party(&case, "respondent")["id"].as_str().unwrap()).unwrap();
    let keys = Keys::new(SECRET.as_bytes());
    let token = invitation::issue(&keys, county, respondent, Utc::now()).unwrap();

    // Not a login.
    error_of(
        app.get("/api/v1/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let seen: Value = app
        .get(&format!("/api/v1/invitations/{token}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["can_answer"], true);
    assert_eq!(seen["you"], "陈阿姨");
    assert_eq!(seen["case_number"], case["number"]);
    let bad = app
        .post_json(
            &format!("/api/v1/invitations/{token}"),
            None,
            &json!({"answer": "maybe"}),
        )
        .await;
    error_of(bad, StatusCode::BAD_REQUEST).await;
    let ok = app
        .post_json(
            &format!("/api/v1/invitations/{token}"),
            None,
            &json!({"answer": "consent", "password": "chen-ayi-2026!"}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let answered: Value = ok.json().await.unwrap();
    assert_eq!(answered["status"], "in_mediation");
    // Once only.
    let again = app
        .post_json(
            &format!("/api/v1/invitations/{token}"),
            None,
            &json!({"answer": "refuse"}),
        )
        .await;
    error_of(again, StatusCode::CONFLICT).await;
    // The password she chose opens an account that sees the case.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "chen.ayi@example.cn", "password": "chen-ayi-2026!"}),
        )
        .await;
    let login: Value = res.json().await.unwrap();
    let hers = app.case(login["token"].as_str().unwrap(), &case_id).await;
    assert!(party(&hers, "respondent")["is_you"].as_bool().unwrap());
    // An expired link and a forged one are simply not valid.
    let old = invitation::issue(&keys, county, respondent, Utc::now() - Duration::days(8)).unwrap();
    error_of(
        app.get(&format!("/api/v1/invitations/{old}"), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let forged = invitation::issue(
        &Keys::new(b"some-other-secret-some-other-secret!"),
        county,
        respondent,
        Utc::now(),
    )
    .unwrap();
    error_of(
        app.get(&format!("/api/v1/invitations/{forged}"), None)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // A session token is no invitation either.
    error_of(
        app.get(&format!("/api/v1/invitations/{resident}"), None)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_mediator_files_for_a_resident_who_later_claims_it() {
    let app = TestApp::spawn().await;
    let mediator = app.login("village.mediator@demo.test").await;
    let mut body = dispute();
    body.as_object_mut().unwrap().remove("amount");
    body["applicant"] = json!({"name": "张大爷", "phone": "13700001234"});
    body["consent_method"] = json!("phone");
    let res = app
        .post_json("/api/v1/cases/assisted", Some(&mediator), &body)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let case: Value = res.json().await.unwrap();
    let code = case["access_code"].as_str().unwrap().to_owned();
    assert_eq!(party(&case, "applicant")["name"], "张大爷");
    assert_eq!(
        party(&case, "applicant")["phone"],
        "13700001234",
        "the filing mediator sees it in full"
    );
    let events: Value = app
        .get(
            &format!("/api/v1/cases/{}/events", id(&case)),
            Some(&mediator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events[0]["actor_role"], "mediator");
    // Anyone with the number and code sees where it stands, without an account.
    let key = json!({"number": case["number"], "access_code": code.to_lowercase()});
    let status: Value = app
        .post_json("/api/v1/lookup", None, &key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "submitted");
    assert!(status["next_step"].as_str().is_some_and(|s| !s.is_empty()));
    let wrong = json!({"number": case["number"], "access_code": "AAAAAAAA"});
    error_of(
        app.post_json("/api/v1/lookup", None, &wrong).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // The resident claims it.
    let neighbour = app.login("neighbour@demo.test").await;
    error_of(
        app.post_json("/api/v1/cases/claim", Some(&neighbour), &wrong)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let claimed = app
        .post_json("/api/v1/cases/claim", Some(&neighbour), &key)
        .await;
    assert_eq!(claimed.status(), StatusCode::OK);
    let mine: Value = app
        .get("/api/v1/cases", Some(&neighbour))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["id"], case["id"]);
    let resident = app.login("resident@demo.test").await;
    error_of(
        app.post_json("/api/v1/cases/claim", Some(&resident), &key)
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    // Staff may not file as a resident, residents may not file as staff, and the consent method is checked.
    error_of(
        app.post_json("/api/v1/cases/assisted", Some(&resident), &body)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    body["consent_method"] = json!("telepathy");
    error_of(
        app.post_json("/api/v1/cases/assisted", Some(&mediator), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn phone_and_id_numbers_are_masked_for_all_but_the_person_and_the_mediators() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    let as_mediator = app
        .act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    assert_eq!(party(&as_mediator, "respondent")["phone"], "13812345678");
    assert_eq!(
        party(&app.case(&resident, &case_id).await, "respondent")["phone"],
        "138****5678"
    );
    assert_eq!(
        party(&app.case(&respondent, &case_id).await, "respondent")["phone"],
        "13812345678"
    );
    assert!(
        party(&app.case(&resident, &case_id).await, "respondent")["email"]
            .as_str()
            .unwrap()
            .contains("***")
    );
    // Resolve, then apply for confirmation with an ID number.
    app.act_ok(
        &respondent,
        &case_id,
        json!({"action": "respondent_consents"}),
    )
    .await;
    let c = app.case(&mediator, &case_id).await;
    app.act_ok(&mediator, &case_id, crate::cases_support::agreement(&c))
        .await;
    crate::cases_support::sign_all(&app, &resident, &mediator, &case_id).await;
    let bad = app
        .act(
            &resident,
            &case_id,
            json!({"action": "apply_confirmation", "id_number": "110105194912310021"}),
        )
        .await;
    error_of(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    app.act_ok(
        &resident,
        &case_id,
        json!({"action": "apply_confirmation", "id_number": "11010519491231002X"}),
    )
    .await;
    assert_eq!(
        party(&app.case(&resident, &case_id).await, "applicant")["id_number"],
        "11010519491231002X"
    );
    assert_eq!(
        party(&app.case(&mediator, &case_id).await, "applicant")["id_number"],
        "11010519491231002X"
    );
    assert_eq!(
        party(&app.case(&respondent, &case_id).await, "applicant")["id_number"],
        "110105********002X"
    );
    let judge = app.login("judge@demo.test").await;
    assert_eq!(
        party(&app.case(&judge, &case_id).await, "applicant")["id_number"],
        "110105********002X"
    );
}

#[tokio::test]
async fn a_party_asks_once_for_another_mediator_and_the_head_reassigns() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    app.act_ok(
        &resident,
        &case_id,
        json!({"action": "recuse", "reason": "调解员是对方亲戚"}),
    )
    .await;
    error_of(
        app.act(&resident, &case_id, json!({"action": "recuse"}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let head = app.login("village.head@demo.test").await;
    let load: Value = app
        .get("/api/v1/committee/mediators", Some(&head))
        .await
        .json()
        .await
        .unwrap();
    let staff = load.as_array().unwrap();
    assert_eq!(staff.len(), 2);
    let current = staff.iter().find(|m| m["open_cases"] == 1).unwrap();
    let other = staff.iter().find(|m| m["id"] != current["id"]).unwrap();
    let c = app
        .act_ok(
            &head,
            &case_id,
            json!({"action": "reassign", "mediator_id": other["id"]}),
        )
        .await;
    assert_eq!(c["mediator"]["id"], other["id"]);
    // The former mediator can no longer act on it.
    error_of(
        app.act(
            &mediator,
            &case_id,
            json!({"action": "decline", "reason": "x"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn messages_are_seen_only_by_those_they_are_for() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let path = format!("/api/v1/cases/{case_id}/messages");
    let mediator = app.login("village.mediator@demo.test").await;
    let respondent = app.login("respondent@demo.test").await;
    let applicant_party = party(&case, "applicant")["id"].as_str().unwrap().to_owned();
    let post = |token: &str, body: Value| {
        let (app, path, token) = (&app, path.clone(), token.to_owned());
        async move { app.post_json(&path, Some(&token), &body).await }
    };
    assert_eq!(
        post(&resident, json!({"body": "我家墙根还在渗水"}))
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            &mediator,
            json!({"body": "对方情绪较大，先分开谈", "audience": "mediators"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(post(&mediator, json!({"body": "您最低能接受什么方案？", "audience": format!("party:{applicant_party}")})).await.status(), StatusCode::CREATED);
    error_of(
        post(&respondent, json!({"body": "x", "audience": "mediators"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        post(&respondent, json!({"body": "   "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    error_of(
        post(&respondent, json!({"body": "x", "audience": "everyone"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let count = |v: Value| v.as_array().unwrap().len();
    assert_eq!(
        count(app.get(&path, Some(&mediator)).await.json().await.unwrap()),
        3
    );
    assert_eq!(
        count(app.get(&path, Some(&resident)).await.json().await.unwrap()),
        2,
        "thread + own caucus"
    );
    let theirs: Value = app
        .get(&path, Some(&respondent))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count(theirs.clone()), 1, "only the thread");
    assert_eq!(theirs[0]["author_name"], "王秀英");
    for outsider in [
        "other.mediator@demo.test",
        "judge@demo.test",
        "neighbour@demo.test",
    ] {
        let t = app.login(outsider).await;
        error_of(app.get(&path, Some(&t)).await, StatusCode::NOT_FOUND).await;
        error_of(post(&t, json!({"body": "hi"})).await, StatusCode::NOT_FOUND).await;
    }
    // Messages are never edited silently: the database refuses.
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    assert!(
        db.execute("UPDATE case_messages SET body = 'changed'", &[])
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_mediator_adds_people_records_consent_and_sees_a_calendar() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let c = app
        .act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    let res = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/parties"),
            Some(&mediator),
            &json!({"side": "agent", "name": "王律师", "phone": "13600002222"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let with_agent: Value = res.json().await.unwrap();
    assert_eq!(with_agent["parties"].as_array().unwrap().len(), 3);
    let bad = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/parties"),
            Some(&mediator),
            &json!({"side": "respondent", "name": "x"}),
        )
        .await;
    error_of(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/parties"),
            Some(&resident),
            &json!({"side": "agent", "name": "x"}),
        )
        .await;
    error_of(res, StatusCode::FORBIDDEN).await;
    // The respondent agreed in person at the village office.
    let respondent_party = party(&c, "respondent")["id"].clone();
    let c = app.act_ok(&mediator, &case_id, json!({"action": "record_consent", "party_id": respondent_party, "method": "in_person"})).await;
    assert_eq!(c["status"], "in_mediation");
    app.act_ok(&mediator, &case_id, json!({"action": "schedule_session", "at": future(3), "mode": "in_person", "location": "枫源村村委会调解室"})).await;
    let calendar: Value = app
        .get("/api/v1/calendar", Some(&mediator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(calendar.as_array().unwrap().len(), 1);
    assert_eq!(calendar[0]["case_number"], case["number"]);
    assert_eq!(calendar[0]["mode"], "in_person");
    let other = app.login("other.mediator@demo.test").await;
    let theirs: Value = app
        .get("/api/v1/calendar", Some(&other))
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs.as_array().unwrap().is_empty());
    error_of(
        app.get("/api/v1/calendar", Some(&resident)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
