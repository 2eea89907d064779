//! Plain words for codes, in Chinese and English, and dates in China time.

use chrono::{DateTime, Utc};

use crate::domain::Category;
use crate::domain::Role;
use crate::workflow::Lang;

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::En { en } else { zh }
}

pub fn status(lang: Lang, s: &str) -> &'static str {
    match s {
        "submitted" => pick(lang, "等待受理", "Waiting to be accepted"),
        "awaiting_respondent" => pick(lang, "等待对方同意", "Waiting for the other side"),
        "in_mediation" => pick(lang, "调解中", "In mediation"),
        "agreement_pending" => pick(lang, "等待签字", "Waiting for signatures"),
        "resolved" => pick(lang, "已达成协议", "Agreement reached"),
        "closed" => pick(lang, "已结案", "Closed"),
        "declined" => pick(lang, "不予受理", "Not accepted"),
        "unmediable" => pick(lang, "对方不同意调解", "The other side refused"),
        "referred" => pick(lang, "已引导诉讼", "Referred to court"),
        "withdrawn" => pick(lang, "已撤回", "Withdrawn"),
        _ => pick(lang, "未知", "Unknown"),
    }
}

pub fn level(lang: Lang, s: &str) -> &'static str {
    match s {
        "village" => pick(lang, "村（社区）", "Village"),
        "township" => pick(lang, "镇（街道）", "Township"),
        _ => pick(lang, "县（市）", "County"),
    }
}

pub fn category(lang: Lang, s: &str) -> &'static str {
    let Some(c) = Category::parse(s) else {
        return pick(lang, "其他纠纷", "Other");
    };
    if lang == Lang::Zh {
        return c.label_zh();
    }
    match c {
        Category::Neighbour => "Neighbours",
        Category::Land => "Land and boundaries",
        Category::Family => "Marriage and family",
        Category::Debt => "Debts and loans",
        Category::Labour => "Work and wages",
        Category::Property => "Property management",
        Category::Traffic => "Traffic accident",
        Category::Consumer => "Consumer",
        Category::Other => "Other",
    }
}

/// A role as stored (`Role::as_str`); anything unknown reads as a resident.
pub fn role(lang: Lang, r: &str) -> &'static str {
    match Role::parse(r) {
        Some(Role::Mediator) => pick(lang, "调解员", "mediator"),
        Some(Role::CommitteeHead) => pick(lang, "调委会主任", "committee head"),
        Some(Role::Judge) => pick(lang, "法官", "judge"),
        Some(Role::CountyAdmin) => pick(lang, "县管理员", "county administrator"),
        Some(Role::Resident) | None => pick(lang, "居民", "resident"),
    }
}

pub fn side(lang: Lang, s: &str) -> &'static str {
    match s {
        "applicant" => pick(lang, "申请人", "Applicant"),
        "respondent" => pick(lang, "被申请人", "Respondent"),
        "agent" => pick(lang, "代理人", "Agent"),
        _ => pick(lang, "第三人", "Third party"),
    }
}

/// Where a request for the court's confirmation stands.
pub fn confirmation(lang: Lang, c: &str) -> &'static str {
    match c {
        "requested" => pick(
            lang,
            "已申请，等待法院确认",
            "requested, waiting for the court",
        ),
        "confirmed" => pick(lang, "法院已确认", "confirmed by the court"),
        "rejected" => pick(lang, "法院未予确认", "not confirmed by the court"),
        _ => pick(lang, "—", "—"),
    }
}

pub fn action(lang: Lang, a: &str) -> &'static str {
    match a {
        "accept" => pick(lang, "受理", "Accept"),
        "decline" => pick(lang, "不予受理", "Decline"),
        "respondent_consents" => pick(lang, "同意调解", "Agree to mediation"),
        "respondent_refuses" => pick(lang, "不同意调解", "Refuse mediation"),
        "assign" => pick(lang, "指派调解员", "Assign a mediator"),
        "reassign" => pick(lang, "更换调解员", "Change the mediator"),
        "recuse" => pick(lang, "申请更换调解员（回避）", "Ask for another mediator"),
        "schedule_session" => pick(lang, "安排调解", "Schedule a session"),
        "record_session" => pick(lang, "填写调解记录", "Write the session record"),
        "extend" => pick(
            lang,
            "延长调解期限（双方同意）",
            "Extend the deadline (both agreed)",
        ),
        "propose_agreement" => pick(lang, "起草调解协议", "Draft the agreement"),
        "sign" => pick(lang, "确认并签字", "Confirm and sign"),
        "reject_agreement" => pick(lang, "不同意这份协议", "Reject this agreement"),
        "escalate" => pick(lang, "上报上一级", "Pass up to the next level"),
        "refer_to_court" => pick(lang, "引导诉讼", "Refer to court"),
        "withdraw" => pick(lang, "撤回申请", "Withdraw"),
        "apply_confirmation" => pick(lang, "申请司法确认", "Apply for court confirmation"),
        "confirm" => pick(lang, "确认协议有效", "Confirm the agreement"),
        "reject_confirmation" => pick(lang, "不予确认", "Refuse confirmation"),
        "record_performance" => pick(lang, "记录履行情况", "Record performance"),
        "record_follow_up" => pick(lang, "记录回访", "Record the follow-up visit"),
        "record_consent" => pick(lang, "记录对方当面同意", "Record consent given in person"),
        "add_party" => pick(lang, "添加代理人或第三人", "Add an agent or third party"),
        _ => pick(lang, "操作", "Action"),
    }
}

pub fn date(lang: Lang, at: &DateTime<Utc>) -> String {
    let local = at.with_timezone(&crate::workflow::local_zone());
    if lang == Lang::En {
        local.format("%-d %b %Y, %H:%M").to_string()
    } else {
        local.format("%Y年%-m月%-d日 %H:%M").to_string()
    }
}

/// Days left until a deadline, in words that do not rely on colour.
pub fn due(lang: Lang, at: &DateTime<Utc>, now: DateTime<Utc>) -> (String, &'static str) {
    let days = (*at - now).num_hours().div_euclid(24);
    let class = if days < 0 {
        "late"
    } else if days < 2 {
        "soon"
    } else {
        "ok"
    };
    let words = match (lang, days) {
        (Lang::Zh, d) if d < 0 => format!("已超期 {} 天", -d),
        (Lang::Zh, 0) => "今天到期".to_owned(),
        (Lang::Zh, d) => format!("还剩 {d} 天"),
        (Lang::En, d) if d < 0 => format!("{} days late", -d),
        (Lang::En, 0) => "due today".to_owned(),
        (Lang::En, d) => format!("{d} days left"),
    };
    (words, class)
}

/// A history entry in plain words: actions by their label, consequences by name.
pub fn event(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "filed" => pick(lang, "提交申请", "Filed"),
        "escalated" => pick(lang, "交到上一级", "Passed up a level"),
        "deadline_missed" => pick(lang, "超过期限", "A deadline passed"),
        "mediation_started" => pick(lang, "开始调解", "Mediation started"),
        "resolved" => pick(lang, "达成协议", "Agreement reached"),
        "closed" => pick(lang, "结案", "Closed"),
        "evidence_added" => pick(lang, "上传证据", "Evidence added"),
        "claimed" => pick(lang, "本人认领案件", "Claimed by the resident"),
        "bundle_exported" => pick(
            lang,
            "导出卷宗包（交法院）",
            "Case bundle exported for the court",
        ),
        "rated" => pick(lang, "当事人评价了服务", "A party rated the service"),
        "overdue" => pick(lang, "已超期，已告知法院", "Overdue; the court is told"),
        "unmediable" => pick(lang, "无法调解", "Cannot be mediated"),
        "agreement_lapsed" => pick(lang, "协议未按时签字，失效", "Agreement lapsed unsigned"),
        "parties_signed" => pick(
            lang,
            "各方已签字，等调解员签字",
            "Every party signed; the mediator signs next",
        ),
        "document_fetched" => pick(lang, "在线取得文书", "Document fetched online"),
        "particulars_recorded" => pick(
            lang,
            "登记了当事人基本情况",
            "A party's particulars were recorded",
        ),
        "confirmation_window_closed" => {
            pick(lang, "司法确认申请期已过", "Confirmation window closed")
        }
        "follow_up_overdue" => pick(lang, "回访超期", "Follow-up overdue"),
        other => action(lang, other),
    }
}

/// An indicator of SPEC §6.1 by its name on a page (its code in English, as the API names it).
pub fn indicator(lang: Lang, key: &str) -> String {
    if lang == Lang::En {
        return key.replace('_', " ");
    }
    match key {
        "filed" => "申请",
        "accepted" => "受理",
        "declined" => "不予受理",
        "withdrawn" => "撤回",
        "open" => "办理中",
        "ended" => "已结束",
        "resolved_in_village_rate" => "小事不出村",
        "resolved_in_township_rate" => "大事不出镇",
        "pushed_up_rate" => "矛盾上交",
        "escalation_rate" => "上交比例",
        "days" => "办结天数",
        "deadline_compliance" => "按期办理",
        "confirmation" => "司法确认",
        "performance" => "履行情况",
        "satisfaction" => "满意度",
        "trips_avoided" => "少跑的路",
        "documents_produced" => "生成的文书",
        "sessions" => "调解次数",
        _ => "指标",
    }
    .to_owned()
}
