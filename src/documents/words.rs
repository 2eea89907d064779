//! The formal Chinese of the documents. Documents are always in Chinese: they are the
//! statutory forms of people's mediation, whatever language the reader's pages use.

use chrono::{DateTime, Utc};

use crate::workflow::local_zone;
use crate::workflow::{ConfirmationStatus, Level, Performance, SessionMode, Side};

pub fn date(at: DateTime<Utc>) -> String {
    at.with_timezone(&local_zone())
        .format("%Y年%-m月%-d日")
        .to_string()
}

pub fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&local_zone())
        .format("%Y年%-m月%-d日 %H:%M")
        .to_string()
}

pub fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

pub fn side(side: Side) -> &'static str {
    match side {
        Side::Applicant => "申请人",
        Side::Respondent => "被申请人",
        Side::Agent => "代理人",
        Side::ThirdParty => "第三人",
    }
}

pub fn level(level: Level) -> &'static str {
    match level {
        Level::Village => "村（社区）",
        Level::Township => "乡镇（街道）",
        Level::County => "县（市）",
    }
}

pub fn mode(mode: SessionMode) -> &'static str {
    match mode {
        SessionMode::Online => "线上调解",
        SessionMode::InPerson => "当面调解",
    }
}

pub fn performance(p: Performance) -> &'static str {
    match p {
        Performance::Full => "已全部履行",
        Performance::Partial => "已部分履行",
        Performance::None => "未履行",
    }
}

pub fn confirmation(c: ConfirmationStatus) -> &'static str {
    match c {
        ConfirmationStatus::Requested => "已申请司法确认，待法院决定",
        ConfirmationStatus::Confirmed => "人民法院已裁定确认有效",
        ConfirmationStatus::Rejected => "人民法院裁定不予确认",
    }
}

pub fn consent_method(method: &str) -> &'static str {
    match method {
        "phone" => "电话确认",
        "paper" => "纸质签字",
        _ => "当面确认",
    }
}

/// A history entry by its formal name.
pub fn event(kind: &str) -> &'static str {
    match kind {
        "filed" => "提交调解申请",
        "accept" => "受理",
        "decline" => "不予受理",
        "respondent_consents" => "被申请人同意调解",
        "respondent_refuses" => "被申请人不同意调解",
        "assign" => "指定调解员",
        "reassign" => "更换调解员",
        "recuse" => "当事人申请回避",
        "schedule_session" => "安排调解",
        "record_session" => "制作调解记录",
        "extend" => "延长调解期限",
        "propose_agreement" => "拟定调解协议",
        "sign" => "签署调解协议",
        "parties_signed" => "各方当事人签署完毕",
        "reject_agreement" => "当事人不同意协议草案",
        "resolved" => "调解协议生效",
        "escalate" | "escalated" => "移交上一级调解委员会",
        "refer_to_court" => "调解终止，引导诉讼",
        "withdraw" => "申请人撤回申请",
        "apply_confirmation" => "申请司法确认",
        "confirm" => "人民法院确认协议有效",
        "reject_confirmation" => "人民法院不予确认",
        "record_performance" => "记录履行情况",
        "record_follow_up" => "回访",
        "record_consent" => "记录被申请人同意调解",
        "add_party" => "追加代理人或第三人",
        "deadline_passed" | "deadline_missed" => "期限届满",
        "mediation_started" => "开始调解",
        "unmediable" => "无法调解",
        "overdue" => "超期，告知法院",
        "agreement_lapsed" => "协议未按期签署，失效",
        "confirmation_window_closed" => "司法确认申请期届满",
        "follow_up_overdue" => "回访超期",
        "closed" => "结案",
        "evidence_added" => "提交证据",
        "claimed" => "本人认领案件",
        "rated" => "当事人评价服务",
        "bundle_exported" => "导出卷宗包",
        "document_fetched" => "在线取得文书",
        "particulars_recorded" => "登记当事人基本情况",
        _ => "其他记录",
    }
}
