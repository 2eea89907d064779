//! Mail that cannot wait for the outbox, because the person is waiting for it on the screen: a
//! sign-in code, a password reset link, a staff invitation. Sent at once; when the relay cannot
//! take it the caller says so and the person asks again (a code is worthless ten minutes later,
//! so queueing it for hours would help nobody).

use askama::Template;
use lettre::message::MultiPart;
use lettre::{Message, message::Mailbox};
use uuid::Uuid;

use super::backend::SendError;
use super::render::{Rendered, message_id};
use super::texts::{self, Frame};
use super::{Notifier, worker};
use crate::workflow::Lang;

#[derive(Template)]
#[template(path = "email/account.txt")]
struct TextMail<'a> {
    frame: &'a Frame,
    lead: &'a str,
    code: Option<&'a str>,
    link: Option<&'a str>,
    hint: &'a str,
}

#[derive(Template)]
#[template(path = "email/account.html")]
struct HtmlMail<'a> {
    frame: &'a Frame,
    subject: &'a str,
    lead: &'a str,
    code: Option<&'a str>,
    link: Option<&'a str>,
    hint: &'a str,
}

/// Which account mail, with its code or link.
#[derive(Debug, Clone, Copy)]
pub enum AccountMail<'a> {
    Code(&'a str),
    Reset(&'a str),
    Invitation(&'a str),
    Unlock(&'a str),
}

fn words(mail: AccountMail<'_>, lang: Lang) -> (&'static str, &'static str, &'static str) {
    match (mail, lang) {
        (AccountMail::Code(_), Lang::Zh) => (
            "【枫桥在线调解】登录验证码",
            "您的登录验证码是：",
            "验证码 10 分钟内有效。如果不是您本人操作，请忽略这封邮件，不要把验证码告诉任何人。",
        ),
        (AccountMail::Code(_), Lang::En) => (
            "Fengqiao Mediation: your sign-in code",
            "Your sign-in code is:",
            "The code works for 10 minutes. If you did not ask for it, ignore this mail and tell the code to nobody.",
        ),
        (AccountMail::Reset(_), Lang::Zh) => (
            "【枫桥在线调解】重设密码",
            "有人请求重设您账号的密码。请打开下面的链接设置新密码：",
            "链接 1 小时内有效，只能使用一次。如果不是您本人操作，请忽略这封邮件，您的密码不会改变。",
        ),
        (AccountMail::Reset(_), Lang::En) => (
            "Fengqiao Mediation: reset your password",
            "Someone asked to reset the password of your account. Open this link to set a new one:",
            "The link works once, for one hour. If it was not you, ignore this mail: your password stays as it is.",
        ),
        (AccountMail::Unlock(_), Lang::Zh) => (
            "【枫桥在线调解】账号已被临时锁定",
            "有人从多个地方多次用错误的密码登录您的账号，账号已被临时锁定。如果是您本人，请打开下面的链接解锁，然后重新登录：",
            "链接 1 小时内有效，只能使用一次。如果不是您本人在登录，说明有人在尝试您的密码，请尽快修改密码，并考虑开启两步验证。",
        ),
        (AccountMail::Unlock(_), Lang::En) => (
            "Fengqiao Mediation: your account is locked for now",
            "Someone tried wrong passwords on your account from many places, so it is locked for now. If it was you, open this link to unlock it, then log in again:",
            "The link works once, for one hour. If it was not you, someone is trying your password: change it soon and consider turning on the second step.",
        ),
        (AccountMail::Invitation(_), Lang::Zh) => (
            "【枫桥在线调解】工作人员账号已开通",
            "县司法行政部门为您开通了枫桥在线调解的工作人员账号。请打开下面的链接设置登录密码：",
            "链接 7 天内有效，只能使用一次。过期后请联系县管理员重新发送。",
        ),
        (AccountMail::Invitation(_), Lang::En) => (
            "Fengqiao Mediation: your staff account",
            "The county has opened a staff account for you. Open this link to set your password:",
            "The link works once, for 7 days. After that, ask the county administrator to send a new one.",
        ),
    }
}

/// Renders an account mail in `lang`.
pub fn render(mail: AccountMail<'_>, lang: Lang) -> Result<Rendered, askama::Error> {
    let (subject, lead, hint) = words(mail, lang);
    let frame = texts::frame(lang);
    let (code, link) = match mail {
        AccountMail::Code(c) => (Some(c), None),
        AccountMail::Reset(l) | AccountMail::Invitation(l) | AccountMail::Unlock(l) => {
            (None, Some(l))
        }
    };
    let text = TextMail {
        frame: &frame,
        lead,
        code,
        link,
        hint,
    }
    .render()?;
    let html = HtmlMail {
        frame: &frame,
        subject,
        lead,
        code,
        link,
        hint,
    }
    .render()?;
    Ok(Rendered {
        subject: subject.to_owned(),
        text,
        html,
    })
}

/// The daily anchor of a county's history, for its judges and administrators to keep.
pub fn render_anchor(payload: &serde_json::Value, lang: Lang) -> Result<Rendered, askama::Error> {
    let field = |k: &str| {
        payload
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let cases = payload.get("cases").and_then(|v| v.as_i64()).unwrap_or(0);
    let (subject, lead, hint) = match lang {
        Lang::Zh => (
            format!("【枫桥在线调解】案件记录每日校验值 {}", field("day")),
            format!(
                "{}截至 {} 的全部案件记录（共 {cases} 件）的校验值（密钥 {}）：",
                field("county"),
                field("cutoff"),
                field("key_id")
            ),
            "请保存这封邮件，不必回复。今后运行 fengqiao verify-audit 时，若它报告的校验值与此不符，说明数据库中的案件记录被改动过。".to_owned(),
        ),
        Lang::En => (
            format!("Fengqiao Mediation: daily history anchor {}", field("day")),
            format!(
                "The anchor of every case history of {} up to {} ({cases} cases, key {}):",
                field("county"),
                field("cutoff"),
                field("key_id")
            ),
            "Keep this mail; no answer is needed. If `fengqiao verify-audit` ever reports an anchor that differs from this one, the case records in the database were changed.".to_owned(),
        ),
    };
    let frame = texts::frame(lang);
    let root = field("root");
    let text = TextMail {
        frame: &frame,
        lead: &lead,
        code: Some(&root),
        link: None,
        hint: &hint,
    }
    .render()?;
    let html = HtmlMail {
        frame: &frame,
        subject: &subject,
        lead: &lead,
        code: Some(&root),
        link: None,
        hint: &hint,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// An endpoint of another system failed for a day and was paused: its county admins are told
/// where to look and how to resume it.
pub fn render_webhook_paused(
    payload: &serde_json::Value,
    public_url: &str,
    lang: Lang,
) -> Result<Rendered, askama::Error> {
    let url = payload.get("url").and_then(|v| v.as_str()).unwrap_or("");
    let (subject, lead, hint) = match lang {
        Lang::Zh => (
            "【枫桥在线调解】对接系统的推送地址已暂停".to_owned(),
            format!("推送地址 {url} 连续一天接收失败，已暂停推送。"),
            "请联系对方系统检查后，在“系统对接”页面恢复推送；暂停期间的案件事件不会补发，可用导出接口补齐。".to_owned(),
        ),
        Lang::En => (
            "Fengqiao Mediation: a webhook endpoint was paused".to_owned(),
            format!("The endpoint {url} failed for a whole day and was paused."),
            "Once the other system is fixed, resume it on the Integrations page; events of the pause are not sent later, the export fills the gap.".to_owned(),
        ),
    };
    let frame = texts::frame(lang);
    let link = format!("{}/admin/integrations", public_url.trim_end_matches('/'));
    let text = TextMail {
        frame: &frame,
        lead: &lead,
        code: None,
        link: Some(&link),
        hint: &hint,
    }
    .render()?;
    let html = HtmlMail {
        frame: &frame,
        subject: &subject,
        lead: &lead,
        code: None,
        link: Some(&link),
        hint: &hint,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// Sends an account mail now, within the worker's deadline.
pub async fn send(
    notifier: &Notifier,
    id: Uuid,
    to: &str,
    mail: AccountMail<'_>,
    lang: Lang,
) -> Result<(), SendError> {
    let rendered = render(mail, lang).map_err(|e| SendError::permanent(e.to_string()))?;
    let mailbox: Mailbox = to
        .parse()
        .map_err(|e: lettre::address::AddressError| SendError::permanent(e.to_string()))?;
    let message = Message::builder()
        .message_id(Some(message_id(id)))
        .from(notifier.from.clone())
        .to(mailbox)
        .subject(rendered.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            rendered.text.clone(),
            rendered.html.clone(),
        ))
        .map_err(|e| SendError::permanent(e.to_string()))?;
    let send = notifier.mailer.send(id, to, &rendered, message);
    tokio::time::timeout(worker::SEND_DEADLINE, send)
        .await
        .unwrap_or_else(|_| Err(SendError::transient("no answer from the mail relay")))
}

/// A sign-in code by mail.
pub async fn send_code_mail(
    notifier: &Notifier,
    id: Uuid,
    to: &str,
    code: &str,
    lang: Lang,
) -> Result<(), SendError> {
    send(notifier, id, to, AccountMail::Code(code), lang).await
}
