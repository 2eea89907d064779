//! The words of texts: shorter than mail (one SMS is 70 Chinese characters), with the brand in
//! 【】 as mainland operators require, the case number, what to do, and a short link — never a
//! name or a detail of the case.

use super::sms::Template;
use super::texts;
use crate::workflow::Lang;

pub const SIGNATURE_ZH: &str = "【枫桥在线调解】";
pub const SIGNATURE_EN: &str = "[Fengqiao Mediation] ";

/// The sign-in code text.
pub fn code(lang: Lang, code: &str) -> (String, Template) {
    let body = match lang {
        Lang::Zh => format!("{SIGNATURE_ZH}您的登录验证码为{code}，10分钟内有效。请勿告诉他人。"),
        Lang::En => format!(
            "{SIGNATURE_EN}Your sign-in code is {code}. It works for 10 minutes. Tell nobody."
        ),
    };
    (
        body,
        Template::Code {
            code: code.to_owned(),
        },
    )
}

/// The text of one notice, or `None` for a kind without words (a unit test of `texts` checks
/// every kind the engine emits has them).
pub fn notice(
    kind: &str,
    lang: Lang,
    number: &str,
    link: &str,
    access_code: Option<&str>,
) -> Option<(String, Template)> {
    let words = texts::words(kind, lang)?;
    let code = match (access_code, lang) {
        (Some(c), Lang::Zh) => format!("查询码{c}，"),
        (Some(c), Lang::En) => format!("access code {c}, "),
        (None, _) => String::new(),
    };
    let body = match lang {
        Lang::Zh => format!(
            "{SIGNATURE_ZH}{}：案件{number}，{code}详见 {link}",
            words.subject
        ),
        Lang::En => format!(
            "{SIGNATURE_EN}{}: case {number}, {code}see {link}",
            words.subject
        ),
    };
    Some((
        body,
        Template::Notice {
            number: number.to_owned(),
            what: words.subject.to_owned(),
            link: link.to_owned(),
        },
    ))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::workflow::NOTICE_KINDS;

    #[test]
    fn every_notice_has_a_short_text_without_case_details() {
        let link = "https://tj.example.cn/i/AB12CD34";
        for kind in NOTICE_KINDS {
            let (zh, _) = notice(kind, Lang::Zh, "330681-2026-000123", link, None)
                .unwrap_or_else(|| panic!("{kind} has no text"));
            assert!(zh.starts_with(SIGNATURE_ZH), "{zh}");
            assert!(
                zh.contains("330681-2026-000123") && zh.ends_with(link),
                "{zh}"
            );
            // The words without the link and number stay within one message.
            let words = zh.chars().count() - link.len() - "330681-2026-000123".len();
            assert!(words <= 40, "{kind}: {words} characters: {zh}");
            assert!(notice(kind, Lang::En, "n", link, None).is_some());
        }
        let (receipt, _) = notice("filing_receipt", Lang::Zh, "n", link, Some("K7PM2QXA")).unwrap();
        assert!(receipt.contains("查询码K7PM2QXA"), "{receipt}");
    }

    #[test]
    fn the_code_text_names_the_code_and_its_lifetime() {
        let (zh, t) = code(Lang::Zh, "042917");
        assert!(zh.contains("042917") && zh.contains("10分钟"), "{zh}");
        assert_eq!(
            t,
            Template::Code {
                code: "042917".into()
            }
        );
    }
}
