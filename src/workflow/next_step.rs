//! "Where is my case, what happens next, by when": one plain sentence per viewer, in the words
//! an elderly resident uses, with dates in local time.

use chrono::{DateTime, Utc};

use super::types::{CaseState, ConfirmationStatus, DeadlineKind, Level, Side, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// "en" is English; anything else reads Chinese, the default.
    pub fn from_code(code: &str) -> Lang {
        if code.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// The language of an answer: the first of the request's `Accept-Language`, else the
    /// account's, else Chinese.
    pub fn choose(accept_language: Option<&str>, account: Option<&str>) -> Lang {
        let first = accept_language
            .and_then(|h| h.split(',').next())
            .map(|l| l.trim().to_ascii_lowercase());
        Lang::from_code(first.as_deref().or(account).unwrap_or("zh"))
    }

    /// As stored on an account and in the outbox.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// Who reads the sentence: what they can do decides what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Party(Side),
    Staff,
    Judge,
    Public,
}

pub fn next_step(case: &CaseState, viewer: Viewer, lang: Lang) -> String {
    let w = Words { case, lang };
    let (zh, en) = match case.status {
        Status::Submitted => submitted(&w, viewer),
        Status::AwaitingRespondent => awaiting_respondent(&w, viewer),
        Status::InMediation => in_mediation(&w, viewer),
        Status::AgreementPending => agreement_pending(&w, viewer),
        Status::Resolved => resolved(&w, viewer),
        Status::Unmediable => unmediable(&w, viewer),
        Status::Closed | Status::Declined | Status::Referred | Status::Withdrawn => {
            ended(&w, viewer)
        }
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

type Both = (String, String);

struct Words<'a> {
    case: &'a CaseState,
    lang: Lang,
}

impl Words<'_> {
    fn committee(&self) -> &'static str {
        match (self.lang, self.case.level) {
            (Lang::Zh, Level::Village) => "村调委会",
            (Lang::Zh, Level::Township) => "镇（街道）调委会",
            (Lang::Zh, Level::County) => "县（市）调委会",
            (Lang::En, Level::Village) => "the village mediation committee",
            (Lang::En, Level::Township) => "the township mediation committee",
            (Lang::En, Level::County) => "the county mediation committee",
        }
    }

    /// The deadline as a bare date: "12月3日" / "3 Dec".
    fn date(&self) -> Option<String> {
        let format = match self.lang {
            Lang::Zh => "%-m月%-d日",
            Lang::En => "%-d %b",
        };
        self.case.deadline_at.map(|at| local_date(at, format))
    }

    /// ", by 3 Dec" / "，截止 12月3日", or nothing when no clock runs.
    fn by(&self) -> String {
        match (self.date(), self.lang) {
            (Some(date), Lang::Zh) => format!("，截止 {date}"),
            (Some(date), Lang::En) => format!(", by {date}"),
            (None, _) => String::new(),
        }
    }

    /// For a period that runs on: "，期限到 2月6日" / " until 6 Feb".
    fn until(&self) -> String {
        match (self.date(), self.lang) {
            (Some(date), Lang::Zh) => format!("，期限到 {date}"),
            (Some(date), Lang::En) => format!(" until {date}"),
            (None, _) => String::new(),
        }
    }

    fn escalated(&self) -> bool {
        self.case.level != Level::Village
    }
}

fn local_date(at: DateTime<Utc>, format: &str) -> String {
    at.with_timezone(&crate::workflow::local_zone())
        .format(format)
        .to_string()
}

fn both(zh: impl Into<String>, en: impl Into<String>) -> Both {
    (zh.into(), en.into())
}

fn is_principal(viewer: Viewer) -> bool {
    matches!(viewer, Viewer::Party(side) if side.is_principal())
}

fn court_told(w: &Words) -> Both {
    let zh = Words {
        lang: Lang::Zh,
        ..*w
    };
    let en = Words {
        lang: Lang::En,
        ..*w
    };
    both(
        format!("案件在{}已超过期限，已告知法院", zh.committee()),
        format!(
            "The case is past its deadline at {}; the court has been told",
            en.committee()
        ),
    )
}

/// Both languages of one sentence with the committee's name and the deadline filled in.
fn say(w: &Words, zh: &str, en: &str) -> Both {
    let zh_w = Words {
        lang: Lang::Zh,
        ..*w
    };
    let en_w = Words {
        lang: Lang::En,
        ..*w
    };
    let fill = |s: &str, words: &Words| {
        s.replace("{c}", words.committee())
            .replace("{by}", &words.by())
            .replace("{until}", &words.until())
    };
    let mut en = fill(en, &en_w);
    // A sentence may open with the committee's name.
    if let Some(first) = en.get(..1)
        && first != first.to_uppercase()
    {
        en = first.to_uppercase() + &en[1..];
    }
    (fill(zh, &zh_w), en)
}

fn submitted(w: &Words, viewer: Viewer) -> Both {
    if w.case.overdue {
        return court_told(w);
    }
    match (viewer, w.escalated()) {
        (Viewer::Staff, _) => say(
            w,
            "新案件：请受理，或说明不予受理的理由{by}",
            "New case: accept it or decline it with a reason{by}",
        ),
        (Viewer::Party(Side::Applicant), false) => say(
            w,
            "您的申请已交{c}，等待受理{by}",
            "Your case is with {c}, waiting to be accepted{by}",
        ),
        (Viewer::Party(Side::Applicant), true) => say(
            w,
            "您的案件已转到{c}，等待受理{by}",
            "Your case has been passed up to {c}, waiting to be accepted{by}",
        ),
        (_, false) => say(
            w,
            "案件已交{c}，等待受理{by}",
            "The case is with {c}, waiting to be accepted{by}",
        ),
        (_, true) => say(
            w,
            "案件已转到{c}，等待受理{by}",
            "The case has been passed up to {c}, waiting to be accepted{by}",
        ),
    }
}

fn awaiting_respondent(w: &Words, viewer: Viewer) -> Both {
    match viewer {
        Viewer::Party(Side::Applicant) => say(
            w,
            "{c}已受理，等待对方同意调解{by}",
            "{c} has accepted your case; waiting for the other party to agree to mediation{by}",
        ),
        Viewer::Party(Side::Respondent) => say(
            w,
            "{c}请您答复是否同意调解{by}",
            "{c} asks whether you agree to mediation: please answer{by}",
        ),
        _ => say(
            w,
            "等待被申请人答复是否同意调解{by}",
            "Waiting for the respondent to agree to mediation{by}",
        ),
    }
}

fn in_mediation(w: &Words, viewer: Viewer) -> Both {
    if w.case.overdue {
        return court_told(w);
    }
    match viewer {
        Viewer::Staff => say(
            w,
            "调解中：请安排调解、起草协议或上报{by}",
            "In mediation: hold sessions, draft an agreement or escalate{by}",
        ),
        _ => say(w, "{c}正在调解{until}", "{c} is mediating the case{until}"),
    }
}

fn agreement_pending(w: &Words, viewer: Viewer) -> Both {
    let parties_signed = w
        .case
        .parties
        .iter()
        .filter(|p| p.side.is_principal())
        .all(|p| p.signed_at.is_some());
    if parties_signed {
        return match viewer {
            Viewer::Staff => say(
                w,
                "各方已签字：请核对调解协议并签字，协议即生效{by}",
                "Every party has signed: check the agreement and sign it as mediator to make it take effect{by}",
            ),
            _ => say(
                w,
                "各方已签字，等待调解员签字后生效{by}",
                "Every party has signed; the agreement takes effect when the mediator signs{by}",
            ),
        };
    }
    if is_principal(viewer) {
        say(
            w,
            "调解协议已拟好，请查看并签字{by}",
            "The agreement is ready: please read and sign it{by}",
        )
    } else {
        say(
            w,
            "等待双方签署调解协议{by}",
            "Waiting for the parties to sign the agreement{by}",
        )
    }
}

fn resolved(w: &Words, viewer: Viewer) -> Both {
    let c = w.case;
    match (viewer, c.confirmation) {
        (Viewer::Staff, _) => resolved_for_staff(w),
        (Viewer::Judge, Some(ConfirmationStatus::Requested)) => both(
            "当事人已申请司法确认，请审查并作出决定",
            "The parties have applied for judicial confirmation: please review it and decide",
        ),
        (_, Some(ConfirmationStatus::Requested)) => both(
            "已申请司法确认，等待法院决定",
            "Judicial confirmation has been applied for; waiting for the court's decision",
        ),
        (Viewer::Party(_), Some(ConfirmationStatus::Confirmed)) => both(
            "法院已确认调解协议，请按协议履行",
            "The court has confirmed the agreement; please do what it says",
        ),
        (_, Some(ConfirmationStatus::Confirmed)) => both(
            "法院已确认调解协议",
            "The court has confirmed the agreement",
        ),
        (Viewer::Party(_), Some(ConfirmationStatus::Rejected)) => both(
            "法院未确认调解协议，可以请调委会重新调解，或向法院起诉",
            "The court did not confirm the agreement; you may ask the committee to mediate again or go to court",
        ),
        (_, Some(ConfirmationStatus::Rejected)) => both(
            "法院未确认调解协议",
            "The court did not confirm the agreement",
        ),
        (Viewer::Party(_), None)
            if is_principal(viewer) && c.deadline_kind == Some(DeadlineKind::Confirmation) =>
        {
            say(
                w,
                "已达成调解协议，请按协议履行；如需法院确认，请及时申请{by}",
                "An agreement has been reached: please carry it out, and apply for court confirmation if you want it{by}",
            )
        }
        (Viewer::Party(_), None) => both(
            "已达成调解协议，请按协议履行，调委会将回访",
            "An agreement has been reached: please carry it out; the committee will visit to follow up",
        ),
        (_, None) => both("已调解成功，达成协议", "Settled by agreement"),
    }
}

fn resolved_for_staff(w: &Words) -> Both {
    let c = w.case;
    if c.overdue {
        both(
            "回访已过期，请尽快回访当事人",
            "The follow-up visit is overdue: please visit the parties soon",
        )
    } else if c.confirmation == Some(ConfirmationStatus::Requested) {
        both(
            "已申请司法确认，等待法院决定；请跟进履行情况",
            "Judicial confirmation requested, waiting for the court; follow up on performance",
        )
    } else if c.followed_up && c.performance.is_none() {
        both(
            "已回访：请记录协议履行情况",
            "Visited: record how the agreement has been carried out",
        )
    } else if c.deadline_kind == Some(DeadlineKind::FollowUp) {
        say(w, "请回访当事人{by}", "Visit the parties to follow up{by}")
    } else {
        both(
            "已达成协议：请跟进履行情况并回访",
            "Agreement reached: follow up on performance and visit the parties",
        )
    }
}

fn unmediable(w: &Words, viewer: Viewer) -> Both {
    if w.case.overdue {
        return court_told(w);
    }
    let at_county = w.case.level == Level::County;
    match (viewer, at_county) {
        (Viewer::Staff, false) => say(
            w,
            "对方不同意调解：请上报，或引导当事人向法院起诉{by}",
            "The respondent will not mediate: escalate the case or refer it to court{by}",
        ),
        (Viewer::Staff, true) => say(
            w,
            "对方不同意调解：请引导当事人向法院起诉{by}",
            "The respondent will not mediate: refer the case to court{by}",
        ),
        (Viewer::Party(Side::Applicant), false) => say(
            w,
            "对方不同意调解，{c}将决定上报或建议您向法院起诉{by}",
            "The other party will not mediate; {c} will pass the case up or advise you to go to court{by}",
        ),
        (Viewer::Party(Side::Applicant), true) => say(
            w,
            "对方不同意调解，{c}将告诉您如何向法院起诉{by}",
            "The other party will not mediate; {c} will tell you how to go to court{by}",
        ),
        _ => say(
            w,
            "案件暂时无法调解，{c}将决定下一步{by}",
            "The case cannot be mediated for now; {c} will decide what happens next{by}",
        ),
    }
}

fn ended(w: &Words, viewer: Viewer) -> Both {
    let party = matches!(viewer, Viewer::Party(_));
    match (w.case.status, viewer) {
        (Status::Closed, _) if party => both(
            "案件已结案，请为这次调解服务打分",
            "The case is closed; please rate the mediation service",
        ),
        (Status::Closed, _) => both("案件已结案", "The case is closed"),
        (Status::Declined, _) if party => say(
            w,
            "{c}不予受理，您可以向法院起诉或通过其他途径解决",
            "{c} did not take the case; you may go to court or settle it another way",
        ),
        (Status::Declined, _) => say(
            w,
            "{c}不予受理，案件结束",
            "{c} declined the case; it is over",
        ),
        (Status::Referred, Viewer::Judge) => both(
            "调解未成，案件已引导至法院",
            "Mediation failed; the case has been referred to the court",
        ),
        (Status::Referred, _) if party => both(
            "调解未能解决，您可以向法院起诉，法院已收到此案",
            "Mediation could not settle the case; you can take it to court, which has been told",
        ),
        (Status::Referred, _) => both(
            "调解结束，案件已引导至法院",
            "Mediation has ended; the case was referred to court",
        ),
        (_, Viewer::Party(Side::Applicant)) => both(
            "您已撤回申请，案件结束",
            "You withdrew the case; it is over",
        ),
        _ => both(
            "申请人已撤回申请，案件结束",
            "The applicant withdrew the case; it is over",
        ),
    }
}
