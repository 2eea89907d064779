//! Notifications (issue 6): what each change puts in the outbox and the bells, in whose
//! language, and that a refused or rolled-back change puts nothing there.

use chrono::Utc;
use diesel_async::AsyncConnection;
use fengqiao::auth::{Audience, Keys};
use fengqiao::notify::Mailer;
use reqwest::StatusCode;
use serde_json::json;

use crate::cases_support::id;
use crate::harness::{SECRET, TestApp, error_of};

const NARRATIVE_WORD: &str = "排水管";

#[tokio::test]
async fn filing_sends_the_applicant_a_receipt_with_number_and_access_code() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let number = case["number"].as_str().unwrap();
    let code = case["access_code"].as_str().unwrap();
    let rows = app.outbox(&id(&case)).await;
    let receipts: Vec<_> = rows.iter().filter(|m| m.kind == "filing_receipt").collect();
    assert_eq!(receipts.len(), 1, "{rows:?}");
    assert_eq!(receipts[0].email, "resident@demo.test");
    assert_eq!(receipts[0].language, "zh");
    assert_eq!(receipts[0].payload["access_code"], code);
    // The village committee hears of the new case, without the applicant's access code.
    let mut committee: Vec<_> = rows
        .iter()
        .filter(|m| m.kind == "new_case")
        .map(|m| m.email.as_str())
        .collect();
    committee.sort();
    assert_eq!(
        committee,
        ["village.head@demo.test", "village.mediator@demo.test"]
    );
    assert!(
        rows.iter()
            .all(|m| m.status == "pending" && m.attempts == 0)
    );
    assert!(
        rows.iter()
            .filter(|m| m.kind != "filing_receipt")
            .all(|m| m.payload.get("access_code").is_none())
    );

    let (mailer, sent) = Mailer::memory();
    let report = app.drain(&app.notifier(mailer)).await;
    assert_eq!(report.sent, rows.len());
    let sent = sent.lock().unwrap().clone();
    let receipt = sent
        .iter()
        .find(|m| m.to == "resident@demo.test")
        .expect("the receipt was sent");
    assert_eq!(receipt.message_id, format!("<{}@fengqiao>", receipts[0].id));
    assert!(receipt.subject.contains("已收到您的调解申请"));
    assert!(receipt.subject.contains(number));
    for body in [&receipt.text, &receipt.html] {
        assert!(body.contains(number) && body.contains(code));
        assert!(body.contains(&format!("http://127.0.0.1/cases/{}", id(&case))));
        assert!(!body.contains(NARRATIVE_WORD), "no case details in mail");
    }
    // Once sent, the access code is not kept in the outbox in clear.
    let after = app.outbox(&id(&case)).await;
    assert!(after.iter().all(|m| m.status == "sent"));
    assert!(after.iter().all(|m| m.payload.get("access_code").is_none()));
    // Draining again sends nothing more.
    assert_eq!(app.drain(&app.notifier(Mailer::memory().0)).await.sent, 0);
}

#[tokio::test]
async fn accepting_invites_the_respondent_in_their_own_language() {
    let app = TestApp::spawn().await;
    app.sql()
        .await
        .execute(
            "UPDATE users SET language = 'en' WHERE email = 'respondent@demo.test'",
            &[],
        )
        .await
        .unwrap();
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    let c = app
        .act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    assert_eq!(c["status"], "awaiting_respondent");

    let rows = app.outbox(&case_id).await;
    let kinds_to = |kind: &str| -> Vec<(String, String)> {
        let mut v: Vec<_> = rows
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| (m.email.clone(), m.language.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        kinds_to("respondent_invitation"),
        [("respondent@demo.test".into(), "en".into())]
    );
    assert_eq!(
        kinds_to("accepted"),
        [
            ("resident@demo.test".into(), "zh".into()),
            ("respondent@demo.test".into(), "en".into())
        ]
    );

    let (mailer, sent) = Mailer::memory();
    app.drain(&app.notifier(mailer)).await;
    let sent = sent.lock().unwrap().clone();
    let invitation = sent
        .iter()
        .find(|m| m.subject.contains("invited"))
        .expect("the invitation was sent");
    assert_eq!(invitation.to, "respondent@demo.test");
    assert_eq!(
        invitation.subject,
        format!(
            "Fengqiao Mediation: you are invited to people's mediation ({})",
            case["number"].as_str().unwrap()
        )
    );
    let token = invitation
        .text
        .lines()
        .find_map(|l| l.strip_prefix("http://127.0.0.1/invitations/"))
        .expect("an invitation link");
    let claims = Keys::new(SECRET.as_bytes())
        .verify(token, Audience::Invitation)
        .unwrap();
    let party = app.respondent_party(&case_id).await;
    assert!(claims.sub.ends_with(&format!(":{party}")), "{}", claims.sub);
    // The link in the mail opens the invitation for that respondent.
    let opened = app.get(&format!("/api/v1/invitations/{token}"), None).await;
    assert_eq!(opened.status(), reqwest::StatusCode::OK);
    assert!(
        Keys::new(SECRET.as_bytes())
            .verify(token, Audience::Session)
            .is_err(),
        "an invitation never logs anyone in"
    );
    let accepted_zh = sent
        .iter()
        .find(|m| m.to == "resident@demo.test" && m.subject.contains("已受理"))
        .expect("the applicant hears of the acceptance in Chinese");
    assert!(!accepted_zh.text.contains(NARRATIVE_WORD));
}

#[tokio::test]
async fn refused_and_stale_actions_enqueue_nothing() {
    let app = TestApp::spawn().await;
    let (resident, case) = app.file().await;
    let case_id = id(&case);
    let before = app.outbox(&case_id).await.len();
    let mediator = app.login("village.mediator@demo.test").await;
    // A stale version: 409 and nothing written.
    let res = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/actions"),
            Some(&mediator),
            &json!({"action": "accept", "version": 0}),
        )
        .await;
    error_of(res, StatusCode::CONFLICT).await;
    // A wrong state: the respondent cannot consent before acceptance.
    let res = app
        .act(
            &resident,
            &case_id,
            json!({"action": "respondent_consents"}),
        )
        .await;
    assert!(res.status().is_client_error());
    assert_eq!(app.outbox(&case_id).await.len(), before);
    let bells = app
        .count("SELECT count(*) FROM notifications WHERE kind <> 'filing_receipt' AND kind <> 'new_case'")
        .await;
    assert_eq!(bells, 0);
}

#[tokio::test]
async fn a_rolled_back_change_sends_nothing() {
    use fengqiao::workflow::{Action, Actor, Policy, decide};
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id: uuid::Uuid = id(&case).parse().unwrap();
    let before = app.outbox(&id(&case)).await.len();
    let staff = app
        .sql()
        .await
        .query_one(
            "SELECT id::text, committee_id::text, county_id::text FROM users WHERE email = 'village.mediator@demo.test'",
            &[],
        )
        .await
        .unwrap();
    let (user_id, committee_id, county_id): (String, String, String) =
        (staff.get(0), staff.get(1), staff.get(2));
    let actor = Actor::Mediator {
        user_id: user_id.parse().unwrap(),
        committee_id: committee_id.parse().unwrap(),
        is_head: false,
    };
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let record =
        fengqiao::db::cases::ways_in::for_system(&mut conn, county_id.parse().unwrap(), case_id)
            .await
            .unwrap()
            .unwrap();
    let state = record.state().unwrap();
    let now = Utc::now();
    let t = decide(&state, &Action::Accept, &actor, now, &Policy::default()).unwrap();
    assert!(!t.notices.is_empty());
    let outcome = conn
        .transaction::<(), diesel::result::Error, _>(async |conn| {
            assert!(
                fengqiao::casework::change::write(conn, &state, &t, &actor, now)
                    .await
                    .unwrap()
            );
            // Something later in the same transaction fails: everything goes.
            Err(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert!(outcome.is_err());
    assert_eq!(app.outbox(&id(&case)).await.len(), before);
    // And the same change committed does enqueue: the test above could have failed.
    let applied = conn
        .transaction::<bool, diesel::result::Error, _>(async |conn| {
            fengqiao::casework::change::write(conn, &state, &t, &actor, now).await
        })
        .await
        .unwrap();
    assert!(applied);
    assert!(app.outbox(&id(&case)).await.len() > before);
}

#[tokio::test]
async fn without_smtp_mail_goes_to_files_named_by_outbox_id() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let rows = app.outbox(&id(&case)).await;
    // The default backend when SMTP_URL is unset, as `scripts/run` uses it.
    let notifier = fengqiao::notify::Notifier::from_config(&app.config).unwrap();
    assert_eq!(app.drain(&notifier).await.sent, rows.len());
    let dir = app.config.data_dir.join("mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<_> = rows.iter().map(|m| format!("{}.eml", m.id)).collect();
    expected.sort();
    assert_eq!(files, expected);
    let receipt = rows.iter().find(|m| m.kind == "filing_receipt").unwrap();
    let raw = std::fs::read_to_string(dir.join(format!("{}.eml", receipt.id))).unwrap();
    assert!(raw.contains(&format!("Message-ID: <{}@fengqiao>", receipt.id)));
    assert!(raw.contains("To: resident@demo.test"));
}

#[tokio::test]
async fn a_sweep_records_its_notices_and_the_worker_tells_everyone_once() {
    let app = TestApp::spawn().await;
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let escalated =
        format!("SELECT count(*) FROM outbox WHERE kind = 'escalated' AND case_id = '{case_id}'");
    let pool = fengqiao::db::pool(&app.config.database_url, 2).unwrap();
    // The sweeper itself (as `serve` runs it): the escalation and its notices commit together,
    // the notices still as the engine named them.
    let later = Utc::now() + chrono::Duration::days(4);
    let report = fengqiao::jobs::sweeper::sweep(&pool, later, 1)
        .await
        .unwrap();
    assert_eq!(report.changed, 1);
    assert_eq!(app.count("SELECT count(*) FROM notice_queue").await, 1);
    assert_eq!(app.count(&escalated).await, 0);
    // The mail worker expands them into mail and bells, then sends the mail.
    let (mailer, sent) = Mailer::memory();
    let report = app.drain(&app.notifier(mailer)).await;
    assert!(report.sent > 0);
    assert_eq!(app.count("SELECT count(*) FROM notice_queue").await, 0);
    let mailed = app.count(&escalated).await;
    let township = sent
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to == "township.mediator@demo.test")
        .count();
    assert_eq!(township, 1, "the receiving committee is told once");
    assert!(mailed >= 2, "applicant and township staff: {mailed}");
    let bells = app
        .count(&format!(
            "SELECT count(*) FROM notifications WHERE kind = 'escalated' AND case_id = '{case_id}'"
        ))
        .await;
    assert!(bells >= 2, "{bells}");
    // Expanding again finds nothing: nobody hears twice.
    let mut conn = pool.get().await.unwrap();
    let again = fengqiao::notify::deferred::expand_all(&mut conn, Utc::now())
        .await
        .unwrap();
    assert_eq!(again.rows, 0);
    assert_eq!(app.count(&escalated).await, mailed);
}

/// A message sent more than `SENT_KEPT_DAYS` ago is deleted by the hourly tick; one sent
/// lately, one the worker gave up on (the admin's list) and one still due all stay.
#[tokio::test]
async fn sent_mail_is_deleted_after_its_days_and_the_rest_stays() {
    let app = TestApp::spawn().await;
    app.file().await;
    let sql = app.sql().await;
    let kept = fengqiao::db::outbox::SENT_KEPT_DAYS;
    sql.batch_execute(&format!(
        "INSERT INTO outbox (county_id, id, case_id, kind, email, language, payload, status,
                             attempts, next_attempt_at, created_at, sent_at, channel)
         SELECT o.county_id, gen_random_uuid(), o.case_id, s.kind, o.email, o.language, o.payload,
                s.status, 1, now(), now() - s.age - interval '1 day',
                CASE WHEN s.status = 'sent' THEN now() - s.age END, o.channel
         FROM (SELECT * FROM outbox LIMIT 1) o,
              (VALUES ('old_sent', 'sent', interval '{old} days'),
                      ('recent_sent', 'sent', interval '{recent} days'),
                      ('old_failed', 'failed', interval '{old} days'),
                      ('old_pending', 'pending', interval '{old} days')) AS s(kind, status, age);",
        old = kept + 1,
        recent = kept - 1,
    ))
    .await
    .unwrap();
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let deleted = fengqiao::jobs::housekeeping::prune_sent_mail(&mut conn, Utc::now())
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let left = |kind: &str| {
        let query = format!("SELECT count(*) FROM outbox WHERE kind = '{kind}'");
        let app = &app;
        async move { app.count(&query).await }
    };
    assert_eq!(left("old_sent").await, 0);
    for kind in ["recent_sent", "old_failed", "old_pending"] {
        assert_eq!(left(kind).await, 1, "{kind} stays");
    }
    // The hourly tick runs it.
    sql.batch_execute(&format!(
        "UPDATE outbox SET sent_at = now() - interval '{} days' WHERE kind = 'recent_sent'",
        kept + 1
    ))
    .await
    .unwrap();
    fengqiao::jobs::housekeeping::run(&mut conn, Utc::now())
        .await
        .unwrap();
    assert_eq!(left("recent_sent").await, 0);
}
