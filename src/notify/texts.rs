//! The words of each notification, in Chinese and English: a subject and one plain sentence
//! saying what happened. They name no person and repeat nothing of the case file; the link
//! and the case number lead to the details behind a login.

use crate::workflow::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    pub subject: &'static str,
    pub lead: &'static str,
}

const fn w(subject: &'static str, lead: &'static str) -> Words {
    Words { subject, lead }
}

/// The subject and the sentence of one kind, or `None` for a kind nobody wrote words for
/// (a unit test checks every kind the engine emits).
pub fn words(kind: &str, lang: Lang) -> Option<Words> {
    match lang {
        Lang::Zh => zh(kind),
        Lang::En => en(kind),
    }
}

fn zh(kind: &str) -> Option<Words> {
    Some(match kind {
        "filing_receipt" => w(
            "已收到您的调解申请",
            "您的调解申请已经提交，村（社区）人民调解委员会将在规定期限内决定是否受理。请保存好案件编号和查询码。",
        ),
        "new_case" => w(
            "新的调解申请待受理",
            "您所在的调解委员会收到一件新的调解申请，请在受理期限内决定是否受理。",
        ),
        "accepted" => w(
            "调解申请已受理",
            "调解委员会已受理本案，接下来会联系各方当事人。",
        ),
        "respondent_invitation" => w(
            "邀请您参加人民调解",
            "有人就一起纠纷申请了人民调解，您是被申请人。人民调解自愿、免费。请打开下面的链接查看，并答复是否同意调解（链接 7 天内有效）。",
        ),
        "declined" => w(
            "调解申请未被受理",
            "调解委员会决定不受理本案，原因请在案件页面查看。",
        ),
        "respondent_consented" => w("被申请人同意调解", "被申请人已同意调解，案件进入调解阶段。"),
        "respondent_refused" => w(
            "被申请人不同意调解",
            "被申请人不同意调解。调解员将决定上报上级调解组织，或引导申请人通过诉讼解决。",
        ),
        "respondent_no_answer" => w(
            "被申请人未在期限内答复",
            "被申请人在期限内没有答复，案件已按规定处理，请在案件页面查看。",
        ),
        "mediator_assigned" => w("已为案件指派调解员", "本案已指派调解员，调解员会与您联系。"),
        "recusal_requested" => w(
            "当事人申请更换调解员",
            "一方当事人申请更换调解员（回避），请委员会主任决定。",
        ),
        "session_scheduled" => w(
            "调解会议已安排",
            "调解员安排了一次调解会议，时间和方式请在案件页面查看。",
        ),
        "extended" => w("调解期限已延长", "经双方同意，本案的调解期限已延长一次。"),
        "agreement_ready" => w(
            "调解协议待签署",
            "调解协议草案已拟好，请阅读并在期限内签署。",
        ),
        "agreement_rejected" => w(
            "调解协议被拒绝",
            "一方当事人拒绝了调解协议草案，案件回到调解阶段。",
        ),
        "parties_signed" => w(
            "各方已签署调解协议，请调解员签字",
            "各方当事人都已在线签署调解协议，请调解员核对后签字，协议即生效。",
        ),
        "agreement_lapsed" => w(
            "调解协议签署期限已过",
            "调解协议未在期限内由各方签署，草案已失效，案件回到调解阶段。",
        ),
        "resolved" => w(
            "调解成功，协议生效",
            "各方已签署调解协议，协议已生效。如需要，可在 30 日内共同申请司法确认。",
        ),
        "escalated" => w(
            "案件已移交上一级调解组织",
            "本案已移交上一级人民调解委员会继续调解。",
        ),
        "referred" => w(
            "调解终止，引导诉讼",
            "本案调解未能达成一致，调解已终止。案件页面说明了如何向法院起诉。",
        ),
        "withdrawn" => w("调解申请已撤回", "申请人已撤回调解申请，本案结束。"),
        "overdue" => w("案件已超期", "本案已超过规定期限，请尽快处理。"),
        "confirmation_requested" => w(
            "司法确认申请待审查",
            "当事人就调解协议申请了司法确认，请审查。",
        ),
        "confirmation_decided" => w(
            "司法确认已有结果",
            "法院已对调解协议的司法确认申请作出决定，请在案件页面查看。",
        ),
        "follow_up_due" => w(
            "履行期限已到，请回访",
            "本案的履行期限已到，请记录履行情况并进行回访。",
        ),
        "satisfaction_request" => w(
            "请评价本次调解",
            "本案已结束。请为调解过程和调解员打分（1–5 分），您的评价帮助我们改进服务。",
        ),
        "deadline_soon" => w(
            "期限两天内到期",
            "您负责的一件案件两天内到期，请及时处理，否则将自动上报。",
        ),
        "session_reminder" => w("明天有调解", "提醒：本案的调解安排在明天，请按时参加。"),
        "performance_due" => w(
            "协议履行期限快到了",
            "提醒：调解协议约定的履行期限两天内到期。",
        ),
        "party_added" => w("案件新增了参与人", "调解员为本案添加了代理人或第三人。"),
        "needs_phone_call" => w(
            "请电话或书面通知当事人",
            "本案有一位当事人没有电子邮箱，系统无法发送通知，请通过电话或书面方式告知。",
        ),
        _ => return None,
    })
}

fn en(kind: &str) -> Option<Words> {
    Some(match kind {
        "filing_receipt" => w(
            "we received your application for mediation",
            "Your application has been filed. The village mediation committee will decide within the deadline whether to take it up. Please keep the case number and the access code.",
        ),
        "new_case" => w(
            "a new case awaits acceptance",
            "Your committee has received a new application for mediation. Please decide within the acceptance deadline whether to take it up.",
        ),
        "accepted" => w(
            "your case has been accepted",
            "The mediation committee has accepted the case and will contact the parties.",
        ),
        "respondent_invitation" => w(
            "you are invited to people's mediation",
            "Someone has applied for people's mediation of a dispute in which you are the respondent. Mediation is voluntary and free. Open the link below to see the case and answer whether you agree to mediate (the link is valid for 7 days).",
        ),
        "declined" => w(
            "the application was not accepted",
            "The mediation committee decided not to take up this case; the case page gives the reason.",
        ),
        "respondent_consented" => w(
            "the respondent agreed to mediate",
            "The respondent agreed to mediation; the case is now being mediated.",
        ),
        "respondent_refused" => w(
            "the respondent declined mediation",
            "The respondent does not agree to mediation. The mediator will pass the case to the next level or explain how to go to court.",
        ),
        "respondent_no_answer" => w(
            "the respondent did not answer in time",
            "The respondent did not answer within the deadline; the case has moved on as the rules say. See the case page.",
        ),
        "mediator_assigned" => w(
            "a mediator has been assigned",
            "A mediator has been assigned to the case and will contact you.",
        ),
        "recusal_requested" => w(
            "a party asks for another mediator",
            "A party asks for a different mediator; the committee head decides.",
        ),
        "session_scheduled" => w(
            "a mediation session has been scheduled",
            "The mediator has scheduled a session; the case page shows when and how it takes place.",
        ),
        "extended" => w(
            "the mediation deadline was extended",
            "With both sides' agreement, the mediation deadline of this case has been extended once.",
        ),
        "agreement_ready" => w(
            "an agreement is ready to sign",
            "A draft mediation agreement is ready. Please read it and sign it before the deadline.",
        ),
        "agreement_rejected" => w(
            "the draft agreement was rejected",
            "A party rejected the draft agreement; the case is back in mediation.",
        ),
        "parties_signed" => w(
            "every party has signed: the mediator signs next",
            "Every party has signed the mediation agreement online. Please check it and sign as mediator; it then takes effect.",
        ),
        "agreement_lapsed" => w(
            "the agreement was not signed in time",
            "Not every party signed the agreement before the deadline; the draft has lapsed and the case is back in mediation.",
        ),
        "resolved" => w(
            "the dispute is resolved",
            "Every party has signed the mediation agreement and it has taken effect. If you wish, you may apply together for judicial confirmation within 30 days.",
        ),
        "escalated" => w(
            "the case moved to the next level",
            "The case has been passed to the mediation committee of the next level, which continues the mediation.",
        ),
        "referred" => w(
            "mediation ended; court guidance",
            "Mediation did not lead to an agreement and has ended. The case page explains how to take the dispute to court.",
        ),
        "withdrawn" => w(
            "the application was withdrawn",
            "The applicant withdrew the application; the case is closed.",
        ),
        "overdue" => w(
            "a case is overdue",
            "This case has passed its deadline; please deal with it soon.",
        ),
        "confirmation_requested" => w(
            "judicial confirmation requested",
            "The parties applied for judicial confirmation of their mediation agreement; please review it.",
        ),
        "confirmation_decided" => w(
            "judicial confirmation decided",
            "The court has decided on the application for judicial confirmation; see the case page.",
        ),
        "follow_up_due" => w(
            "performance is due: follow-up visit",
            "The agreement's performance is due; please record how far it was performed and visit the parties.",
        ),
        "satisfaction_request" => w(
            "please rate the mediation",
            "The case has ended. Please rate the process and the mediator from 1 to 5; your answer helps us improve.",
        ),
        "deadline_soon" => w(
            "a deadline is two days away",
            "A case you handle reaches its deadline within two days; act on it, or it will be passed up automatically.",
        ),
        "session_reminder" => w(
            "mediation tomorrow",
            "A reminder: the mediation session of this case is tomorrow.",
        ),
        "performance_due" => w(
            "the agreement falls due soon",
            "A reminder: what the agreement says is due within two days.",
        ),
        "party_added" => w(
            "someone has joined the case",
            "The mediator has added an agent or a third party to the case.",
        ),
        "needs_phone_call" => w(
            "tell a party by phone or on paper",
            "A party of this case has no email address, so no message could be sent; please tell them by phone or on paper.",
        ),
        _ => return None,
    })
}

/// The fixed words around every message.
pub struct Frame {
    pub html_lang: &'static str,
    pub brand: &'static str,
    pub greeting: &'static str,
    pub number_label: &'static str,
    pub access_label: &'static str,
    pub access_hint: &'static str,
    pub link_label: &'static str,
    pub button: &'static str,
    pub footer: &'static str,
}

pub fn frame(lang: Lang) -> Frame {
    match lang {
        Lang::Zh => Frame {
            html_lang: "zh-CN",
            brand: "枫桥在线调解",
            greeting: "您好：",
            number_label: "案件编号：",
            access_label: "查询码：",
            access_hint: "凭案件编号和查询码可以随时查询案件进展。请不要把查询码告诉他人。",
            link_label: "查看详情：",
            button: "打开查看",
            footer: "此邮件由枫桥在线调解系统自动发送，请勿直接回复。",
        },
        Lang::En => Frame {
            html_lang: "en",
            brand: "Fengqiao Mediation",
            greeting: "Hello,",
            number_label: "Case number: ",
            access_label: "Access code: ",
            access_hint: "With the case number and the access code you can look up the case at any time. Do not share the access code.",
            link_label: "Details: ",
            button: "Open",
            footer: "This message was sent automatically by Fengqiao online mediation. Please do not reply to it.",
        },
    }
}

/// The subject line: brand, what happened, and the case number to quote on the phone.
pub fn subject(lang: Lang, words: &Words, number: &str) -> String {
    match lang {
        Lang::Zh => format!("【枫桥在线调解】{}（{number}）", words.subject),
        Lang::En => format!("Fengqiao Mediation: {} ({number})", words.subject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::NOTICE_KINDS;

    #[test]
    fn every_kind_the_engine_emits_has_words_in_both_languages() {
        let reminders = crate::workflow::reminders::KINDS;
        for kind in NOTICE_KINDS
            .iter()
            .chain(&["needs_phone_call"])
            .chain(reminders.iter())
        {
            for lang in [Lang::Zh, Lang::En] {
                let words = words(kind, lang);
                assert!(
                    words.is_some_and(|w| !w.subject.is_empty() && !w.lead.is_empty()),
                    "{kind} has no {lang:?} words"
                );
            }
        }
        assert_eq!(words("no_such_kind", Lang::Zh), None);
    }
}
