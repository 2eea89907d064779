//! Helpers for case journeys: file as the demo resident, act with the current version.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

pub const VILLAGE: &str = "330681109201";

pub fn dispute() -> Value {
    json!({
        "category": "neighbour",
        "narrative": "邻居家的排水管对着我家院墙，下雨时墙根一直泡水。",
        "request": "请邻居把排水管改到自家一侧。",
        "village_code": VILLAGE,
        "respondents": [{"name": "李建国", "email": "respondent@demo.test", "phone": "13812345678"}],
        "amount": 1200.5
    })
}

impl TestApp {
    /// Files the standard dispute as resident@demo.test; returns (token, case).
    pub async fn file(&self) -> (String, Value) {
        let token = self.login("resident@demo.test").await;
        let res = self
            .post_json("/api/v1/cases", Some(&token), &dispute())
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        (token, res.json().await.unwrap())
    }

    pub async fn case(&self, token: &str, id: &str) -> Value {
        let res = self.get(&format!("/api/v1/cases/{id}"), Some(token)).await;
        assert_eq!(res.status(), StatusCode::OK, "read case {id}");
        res.json().await.unwrap()
    }

    /// Posts an action with the case's current version.
    pub async fn act(&self, token: &str, id: &str, action: Value) -> Response {
        let version = self.case(token, id).await["version"].clone();
        let mut body = action;
        body["version"] = version;
        self.post_json(&format!("/api/v1/cases/{id}/actions"), Some(token), &body)
            .await
    }

    /// Acts and expects success; returns the case after.
    pub async fn act_ok(&self, token: &str, id: &str, action: Value) -> Value {
        let name = action["action"].clone();
        let res = self.act(token, id, action).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{name} refused: {body}");
        body
    }

    /// Runs the real `fengqiao sweep --now` against this test's database.
    pub fn sweep_at(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        self.cli(&["sweep", "--now", &now.to_rfc3339()])
    }

    /// Runs the real `fengqiao` with `args` against this test's database and data directory;
    /// returns what it printed, after asserting it succeeded.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .args(args)
            .env("DATABASE_URL", &self.config.database_url)
            .env("DATA_DIR", &self.config.data_dir)
            .env_remove("FENGQIAO_ENV")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

pub fn id(case: &Value) -> String {
    case["id"].as_str().unwrap().to_owned()
}

pub fn future(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

/// A date `days` ahead, as `YYYY-MM-DD` (an obligation's due date).
pub fn future_day(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A complete agreement (SPEC §7 *Documents*) for the case as last seen: the respondent moves
/// the drain pipe and pays for the repair.
pub fn agreement(case: &Value) -> Value {
    let respondent = case["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["side"] == "respondent")
        .unwrap()["id"]
        .clone();
    json!({
        "action": "propose_agreement",
        "facts": "李建国家的排水管通到王秀英家院墙下，雨天积水，墙根已经泡坏。",
        "issues": "排水管是否改道，泡坏的墙根由谁修、花多少钱。",
        "responsibilities": "李建国对积水泡墙负主要责任；王秀英此前未提出，负次要责任。",
        "obligations": [{
            "party_id": respondent,
            "what": "把排水管改到自家一侧，并赔偿墙根修缮费",
            "amount": 800.5,
            "how": "自行施工；修缮费微信转账",
            "where": "两家院墙之间",
            "due": future_day(10),
        }],
        "terms": "王秀英不再追究其他责任。",
    })
}

/// Both parties sign, then the mediator: the agreement takes effect.
pub async fn sign_all(app: &TestApp, resident: &str, mediator: &str, case: &str) -> Value {
    let respondent = app.login("respondent@demo.test").await;
    app.act_ok(resident, case, json!({"action": "sign"})).await;
    let c = app
        .act_ok(&respondent, case, json!({"action": "sign"}))
        .await;
    assert_eq!(c["status"], "agreement_pending");
    let c = app.act_ok(mediator, case, json!({"action": "sign"})).await;
    assert_eq!(c["status"], "resolved");
    c
}

/// Accepts, gets the respondent's consent, mediates and has both sides sign.
pub async fn mediate_to_resolution(
    app: &TestApp,
    resident: &str,
    mediator: &str,
    case: &str,
) -> Value {
    let respondent = app.login("respondent@demo.test").await;
    let mut current = app.case(mediator, case).await;
    if current["status"] == "submitted" {
        current = app
            .act_ok(mediator, case, json!({"action": "accept"}))
            .await;
    }
    if current["status"] == "awaiting_respondent" {
        let c = app
            .act_ok(&respondent, case, json!({"action": "respondent_consents"}))
            .await;
        assert_eq!(c["status"], "in_mediation");
    }
    let c = app
        .act_ok(mediator, case, json!({"action": "schedule_session", "at": future(2), "mode": "online", "location": "https://meet.example/room/1"}))
        .await;
    let session = c["sessions"][0]["id"].as_str().unwrap().to_owned();
    app.act_ok(
        mediator,
        case,
        json!({"action": "record_session", "session_id": session, "record": "双方同意改管。"}),
    )
    .await;
    let c = app.act_ok(mediator, case, agreement(&c)).await;
    assert_eq!(c["status"], "agreement_pending");
    sign_all(app, resident, mediator, case).await
}
