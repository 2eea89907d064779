//! Mail over real SMTP to a server on loopback: the receipt and the invitation arrive with the
//! right headers and body, and an outage loses nothing and sends nothing twice.

use std::collections::HashMap;

use fengqiao::notify::Mailer;
use serde_json::json;

use crate::cases_support::id;
use crate::harness::{SECRET, TestApp};
use crate::mail_support::{Received, SmtpServer, closed_port, parse};

/// Files the standard dispute and has the village mediator accept it; returns (case id, number).
async fn file_and_accept(app: &TestApp) -> (String, String) {
    let (_, case) = app.file().await;
    let case_id = id(&case);
    let mediator = app.login("village.mediator@demo.test").await;
    app.act_ok(&mediator, &case_id, json!({"action": "accept"}))
        .await;
    (case_id, case["number"].as_str().unwrap().to_owned())
}

fn by_message_id(received: &[Received]) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for r in received {
        let id = parse(&r.data)
            .header("Message-ID")
            .expect("every mail has a Message-ID")
            .to_owned();
        *seen.entry(id).or_insert(0) += 1;
    }
    seen
}

#[tokio::test]
async fn the_receipt_and_the_invitation_arrive_over_smtp() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start().await;
    let (case_id, number) = file_and_accept(&app).await;
    let rows = app.outbox(&case_id).await;

    // The real binary, as an operator would run it for a drill. It runs on a blocking thread:
    // the SMTP server lives on this test's single-threaded runtime and must keep answering.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"));
    cmd.arg("send-mail")
        .env("DATABASE_URL", &app.config.database_url)
        .env("SMTP_URL", server.url())
        .env("JWT_SECRET", SECRET)
        .env("PUBLIC_URL", "https://mediation.example")
        .env("MAIL_FROM", "Fengqiao <no-reply@mediation.example>")
        .env_remove("FENGQIAO_ENV");
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        out.status.success(),
        "send-mail failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{} mail(s) sent", rows.len())),
        "{stdout}"
    );

    let received = server.messages();
    assert_eq!(received.len(), rows.len());
    let find = |kind: &str, to: &str| {
        let row = rows
            .iter()
            .find(|m| m.kind == kind && m.email == to)
            .unwrap_or_else(|| panic!("no {kind} row for {to}"));
        let r = received
            .iter()
            .find(|r| {
                r.rcpt_to.iter().any(|t| t.contains(&format!("<{to}>")))
                    && r.data.contains(&format!("<{}@fengqiao>", row.id))
            })
            .unwrap_or_else(|| panic!("{kind} to {to} did not arrive"));
        (row.clone(), r.clone(), parse(&r.data))
    };

    let (row, envelope, receipt) = find("filing_receipt", "resident@demo.test");
    assert!(envelope.mail_from.contains("<no-reply@mediation.example>"));
    assert_eq!(receipt.header("To"), Some("resident@demo.test"));
    assert_eq!(
        receipt.header("Message-ID"),
        Some(format!("<{}@fengqiao>", row.id).as_str())
    );
    let subject = receipt.header("Subject").unwrap();
    assert!(
        subject.contains("已收到您的调解申请") && subject.contains(&number),
        "{subject}"
    );
    let code = row.payload["access_code"].as_str().unwrap().to_owned();
    for body in [&receipt.text, &receipt.html] {
        assert!(body.contains(&number), "number missing: {body}");
        assert!(body.contains(&code), "access code missing");
        assert!(body.contains(&format!("https://mediation.example/cases/{case_id}")));
        assert!(
            !body.contains("排水管"),
            "the narrative must not travel by mail"
        );
        assert!(!body.contains("13812345678"), "nor a phone number");
    }

    let (_, _, invitation) = find("respondent_invitation", "respondent@demo.test");
    assert_eq!(invitation.header("To"), Some("respondent@demo.test"));
    assert!(
        invitation
            .header("Subject")
            .unwrap()
            .contains("邀请您参加人民调解")
    );
    assert!(invitation.text.contains(&number));
    assert!(
        invitation
            .text
            .contains("https://mediation.example/invitations/")
    );
    assert!(!invitation.text.contains("排水管"));
    assert!(
        invitation
            .html
            .contains("https://mediation.example/invitations/")
    );

    // Every row is marked sent; running it again sends nothing more.
    assert!(
        app.outbox(&case_id)
            .await
            .iter()
            .all(|m| m.status == "sent")
    );
    let again = app
        .drain(&app.notifier(Mailer::smtp(&server.url()).unwrap()))
        .await;
    assert_eq!(again.sent, 0);
    assert_eq!(server.messages().len(), rows.len());
}

#[tokio::test]
async fn an_smtp_outage_loses_nothing_and_sends_nothing_twice() {
    let app = TestApp::spawn().await;
    let port = closed_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let notifier = app.notifier(Mailer::smtp(&url).unwrap());

    // Mail server down: the actions still succeed, and the mail waits.
    let (case_id, _) = file_and_accept(&app).await;
    let rows = app.outbox(&case_id).await;
    assert!(rows.len() >= 4, "{rows:?}");
    let first = app.drain(&notifier).await;
    assert_eq!(
        (first.sent, first.retrying, first.failed),
        (0, rows.len(), 0)
    );
    let waiting = app.outbox(&case_id).await;
    assert!(
        waiting
            .iter()
            .all(|m| m.status == "pending" && m.attempts == 1)
    );
    // Not due again before the backoff: a drain now sends and counts nothing.
    assert_eq!(app.drain(&notifier).await, Default::default());
    assert!(app.outbox(&case_id).await.iter().all(|m| m.attempts == 1));

    // The server comes back on the same address; the retries fall due.
    let server = SmtpServer::on(port).await;
    app.sql()
        .await
        .execute(
            "UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'",
            &[],
        )
        .await
        .unwrap();
    let second = app.drain(&notifier).await;
    assert_eq!(second.sent, rows.len());
    let counts = by_message_id(&server.messages());
    assert_eq!(counts.len(), rows.len(), "every mail arrived");
    for row in &rows {
        assert_eq!(
            counts.get(&format!("<{}@fengqiao>", row.id)),
            Some(&1),
            "{} to {} arrived exactly once",
            row.kind,
            row.email
        );
    }
    let sent = app.outbox(&case_id).await;
    assert!(sent.iter().all(|m| m.status == "sent" && m.attempts == 2));

    // Nothing is sent twice.
    assert_eq!(app.drain(&notifier).await.sent, 0);
    assert_eq!(server.messages().len(), rows.len());
}
