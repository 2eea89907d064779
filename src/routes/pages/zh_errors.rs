//! The sentences of refusals in Chinese for Chinese pages. The rules below the web layer say
//! why they refuse in English (the API's `message`); a page in Chinese shows this table's words
//! instead, with the field named as the form names it. A sentence the table does not know gets
//! a plain Chinese sentence of its kind, never English.

/// (the rule's sentence, `{}` standing for any text; the Chinese, the same `{}` in order).
const TABLE: &[(&str, &str)] = &[
    // Filing.
    ("Please fill in {}.", "请填写{}。"),
    (
        "{} is too long (at most {} characters).",
        "{}太长了（最多 {} 个字）。",
    ),
    (
        "{} contains a control character.",
        "{}里有不能保存的特殊字符。",
    ),
    (
        "The amount must be a number of yuan.",
        "金额请填数字（单位：元）。",
    ),
    (
        "amount must be a number of yuan, not negative, with at most two decimals.",
        "金额请填数字（单位：元），不能是负数，最多两位小数。",
    ),
    ("Name the applicant.", "请填写申请人的姓名。"),
    (
        "Name at least one respondent (the other side).",
        "请至少填写一位被申请人（对方）。",
    ),
    (
        "At most 20 respondents can be named.",
        "被申请人最多填 20 位。",
    ),
    (
        "{} is not a village or community we serve.",
        "{} 不是本系统服务的村（社区）。",
    ),
    (
        "You can file only for villages of your own county.",
        "只能为本县的村（社区）代为申请。",
    ),
    (
        "category {} is not known; use one of: {}",
        "请选择纠纷类型。",
    ),
    ("applicant: {}", "申请人：{}"),
    ("respondent: {}", "被申请人：{}"),
    ("The form is incomplete: missing field `{}`.", "请填写{}。"),
    (
        "The form is incomplete: {}.",
        "表格没有填完整，请检查后再提交。",
    ),
    // Contact details and ID numbers.
    (
        "a mobile number has 11 digits and starts with 13–19",
        "手机号是 11 位数字，以 13–19 开头",
    ),
    ("the email address is too long", "邮箱地址太长"),
    ("the email address needs an @", "邮箱地址里要有 @"),
    (
        "this does not look like an email address",
        "这不像是一个邮箱地址",
    ),
    (
        "an ID number has 17 digits and a check character",
        "身份证号是 17 位数字加 1 位校验码",
    ),
    (
        "this ID number's check character is wrong; please check it",
        "身份证号最后一位不对，请核对",
    ),
    // The engine's reasons on the case page.
    ("{} must not be empty", "请填写{}"),
    ("{} must be in the future", "{}要选以后的时间"),
    ("{} (the case is {})", "{}（案件现在：{}）"),
    (
        "this case has ended ({}): nothing more can be done with it",
        "这个案件已经结束，不能再操作了",
    ),
    (
        "This case was changed by someone else. Look at it again and retry.",
        "刚才有人改动了这个案件，请重新打开页面再试。",
    ),
    (
        "This case was changed by someone else; it is now at version {}. Look at it again and retry.",
        "刚才有人改动了这个案件，请重新打开页面再试。",
    ),
    (
        "you have already signed this agreement",
        "您已经签过这份协议了",
    ),
    (
        "you have already asked for a different mediator once",
        "您已经申请过一次更换调解员了",
    ),
    ("there is no agreement to sign", "现在没有需要签字的协议"),
    ("there is no agreement to reject", "现在没有可以拒绝的协议"),
    (
        "the mediator signs last: not every party has signed yet",
        "调解员最后签字：还有当事人没有签字",
    ),
    (
        "an agreement can be drafted only during mediation",
        "只有在调解中才能起草协议",
    ),
    (
        "an agreement needs at least one obligation: who does what, how and by when",
        "协议至少要写一项义务：谁、做什么、怎么做、哪天前做完",
    ),
    (
        "obligation {} must name a party of this case (not an agent)",
        "第 {} 项义务要写明由哪位当事人来做（不能是代理人）",
    ),
    ("what obligation {} requires", "第 {} 项义务“做什么”"),
    ("how obligation {} is performed", "第 {} 项义务“怎么做”"),
    (
        "the amount of obligation {} must be more than zero",
        "第 {} 项义务的金额要大于零",
    ),
    (
        "the due date of obligation {} must be between today and {} years ahead",
        "第 {} 项义务的期限要在今天到 {} 年之内",
    ),
    (
        "obligation {}: the amount must be a number of yuan.",
        "第 {} 项义务的金额请填数字（单位：元）。",
    ),
    (
        "obligations[{}].amount must be a number of yuan, not negative, with at most two decimals.",
        "第 {} 项义务的金额请填数字（单位：元），最多两位小数。",
    ),
    ("the facts of the dispute (facts)", "纠纷的主要事实"),
    ("the disputed matters (issues)", "争议事项"),
    ("each side's responsibility (responsibilities)", "各方责任"),
    ("the reason for declining", "不予受理的理由"),
    ("the reason for escalating", "上报的理由"),
    ("the reason for referring to court", "引导诉讼的理由"),
    ("the reason for rejecting", "不予确认的理由"),
    ("the session record", "调解记录"),
    ("the performance date", "履行期限"),
    ("the session time", "调解时间"),
    ("only {} of this case may do this", "只有本案的{}可以这样做"),
    ("the applicant or the respondent", "申请人或被申请人"),
    (
        "only a mediator of the committee handling this case may do this",
        "只有受理本案的调委会的调解员可以这样做",
    ),
    (
        "this case is assigned to another mediator",
        "这个案件已经由另一位调解员负责",
    ),
    (
        "only the head of the committee handling this case may do this",
        "只有受理本案的调委会主任可以这样做",
    ),
    (
        "only a judge of this county's court may do this",
        "只有本县法院的法官可以这样做",
    ),
    (
        "only the parties and the mediator of this case add evidence",
        "只有本案当事人和调解员可以上传证据",
    ),
    (
        "only the parties and the mediator of this case write here",
        "只有本案当事人和调解员可以在这里留言",
    ),
    (
        "You can read this case but not act on it.",
        "您可以查看这个案件，但不能操作。",
    ),
    (
        "You can read this case but not add to it.",
        "您可以查看这个案件，但不能上传材料。",
    ),
    (
        "You can read this case but not write in it.",
        "您可以查看这个案件，但不能留言。",
    ),
    ("The message is empty.", "留言是空的。"),
    ("The file is empty.", "文件是空的。"),
    (
        "This kind of file is not accepted. Send a photo (JPEG, PNG, WebP, HEIC), a PDF, a recording (MP3, M4A, AMR) or a video (MP4).",
        "不能上传这种文件。请上传照片、PDF、录音（MP3、M4A、AMR）或视频（MP4）。",
    ),
    (
        "You have already rated this case. Thank you.",
        "您已经评价过了，谢谢！",
    ),
    (
        "birth_year must be a year between 1900 and {}.",
        "出生年份要在 1900 到 {} 年之间。",
    ),
    (
        "birth_year must be a year, like 1962.",
        "出生年份请填四位数字，例如 1962。",
    ),
    (
        "The phone number may hold digits, spaces, dashes and brackets (5 to 20 digits).",
        "电话号码只能有数字、空格、横线和括号（5 到 20 位数字）。",
    ),
    (
        "The address may be at most 200 characters on one line.",
        "地址最多 200 个字，写在一行里。",
    ),
    ("satisfaction must be from 1 to 5", "满意度请选 1 到 5"),
    (
        "Give the court's name (at most 100 characters).",
        "请填写法院名称（最多 100 个字）。",
    ),
    // Loading other systems' records.
    (
        "external_id (编号) must be 1 to 100 characters.",
        "编号不能为空，最多 100 个字。",
    ),
    (
        "external_id (编号) {} is on line {} already.",
        "编号 {} 在第 {} 行已经出现过。",
    ),
    (
        "category (纠纷类型) {} is not known; use a code ({}) or its Chinese name.",
        "纠纷类型 {} 不认识，请填写系统里的纠纷类型名称。",
    ),
    (
        "amount (涉及金额) {} is not a number of yuan.",
        "涉及金额 {} 不是数字（单位：元）。",
    ),
    (
        "recorded_on (登记日期) {} is not a date like 2026-11-03.",
        "登记日期 {} 格式不对，请写成 2026-11-03。",
    ),
    (
        "recorded_on (登记日期) {} is in the future.",
        "登记日期 {} 还没到。",
    ),
    (
        "recorded_on (登记日期) {} is more than five years ago; such a dispute is no longer for mediation here.",
        "登记日期 {} 已超过五年，不再在这里调解。",
    ),
    (
        "The line cannot be read as CSV in UTF-8: {}.",
        "这一行读不出来，请确认文件是 UTF-8 编码的 CSV。",
    ),
    (
        "The line is not a record in the format {}: {}.",
        "这一行不是系统认识的案件记录（格式 {}）。",
    ),
    (
        "format {} is not {}, the one this service reads.",
        "记录格式 {} 不是本系统能读的 {}。",
    ),
    (
        "case.number must be 1 to 100 characters.",
        "案件编号不能为空，最多 100 个字。",
    ),
    (
        "case.number {} is on line {} already.",
        "案件编号 {} 在第 {} 行已经出现过。",
    ),
    (
        "case.status {} says the dispute has ended where it was recorded; only open disputes are filed here.",
        "这件纠纷在原系统里已经办完，不再登记。",
    ),
    (
        "case.category {} is not known; use a code ({}).",
        "纠纷类型 {} 不认识。",
    ),
    ("case.filed_at {} is in the future.", "申请日期 {} 还没到。"),
    (
        "case.filed_at {} is more than five years ago; such a dispute is no longer for mediation here.",
        "申请日期 {} 已超过五年，不再在这里调解。",
    ),
    (
        "case.parties must name one applicant; this record names {}.",
        "记录里应当有一位申请人，这条记录有 {} 位。",
    ),
    (
        "The line cannot be read as UTF-8 text: {}.",
        "这一行读不出来，请确认文件是 UTF-8 编码。",
    ),
    ("the name of {}", "{}的姓名"),
    ("respondent {}: {}", "被申请人 {}：{}"),
    ("the applicant: {}", "申请人：{}"),
];

/// How the forms name their fields, for a sentence that names one.
const FIELDS: &[(&str, &str)] = &[
    ("narrative (what happened)", "纠纷经过"),
    ("request (what you ask for)", "申请事项"),
    ("narrative", "发生了什么"),
    ("request", "您的要求"),
    ("reason", "理由"),
    ("record", "调解记录"),
    ("terms", "其他约定"),
    ("facts", "纠纷的主要事实"),
    ("issues", "争议事项"),
    ("responsibilities", "各方责任"),
    ("location", "地点"),
    ("name", "姓名"),
    ("note", "备注"),
    ("comment", "评价"),
    ("description", "说明"),
    ("ethnicity", "民族"),
    ("occupation", "职业"),
    ("address", "住址"),
    ("village_code", "发生地"),
    ("category", "纠纷类型"),
    ("applicant", "申请人"),
    ("respondent", "被申请人"),
];

/// The pieces `{}` stood for when `text` has the shape of `pattern`.
fn captures<'t>(pattern: &str, text: &'t str) -> Option<Vec<&'t str>> {
    let parts: Vec<&str> = pattern.split("{}").collect();
    let mut rest = text.strip_prefix(parts[0])?;
    let mut out = Vec::new();
    for (i, lit) in parts.iter().enumerate().skip(1) {
        let last = i == parts.len() - 1;
        let at = if last {
            if lit.is_empty() {
                rest.len()
            } else {
                rest.strip_suffix(lit).map(str::len)?
            }
        } else {
            rest.find(lit)?
        };
        out.push(&rest[..at]);
        rest = &rest[at + lit.len()..];
    }
    rest.is_empty().then_some(out)
}

/// The Chinese of one piece: a field's name, a sentence of the table, or the piece itself when
/// it is the person's own text or a number.
fn piece(p: &str) -> String {
    let trimmed = p.trim_matches(|c| c == '"' || c == '`');
    if let Some((_, zh)) = FIELDS.iter().find(|(en, _)| *en == trimmed) {
        return (*zh).to_owned();
    }
    if let Some(status) = crate::workflow::Status::parse(trimmed) {
        return super::labels::status(crate::workflow::Lang::Zh, status.as_str()).to_owned();
    }
    zh(p).unwrap_or_else(|| p.to_owned())
}

/// The Chinese of a refusal's sentence, when the table knows it.
pub fn zh(text: &str) -> Option<String> {
    let text = text.trim();
    for (pattern, chinese) in TABLE {
        if let Some(caught) = captures(pattern, text) {
            let mut out = String::new();
            let mut pieces = caught.into_iter();
            for (i, lit) in chinese.split("{}").enumerate() {
                if i > 0 {
                    out.push_str(&pieces.next().map(piece).unwrap_or_default());
                }
                out.push_str(lit);
            }
            return Some(out);
        }
    }
    None
}

/// Whether a sentence has Latin letters a Chinese reader would stumble over (a code or a
/// person's own words may stay).
pub fn looks_english(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_become_chinese_with_their_fields() {
        assert_eq!(
            zh("Please fill in narrative.").as_deref(),
            Some("请填写发生了什么。")
        );
        assert_eq!(
            zh("respondent: a mobile number has 11 digits and starts with 13–19").as_deref(),
            Some("被申请人：手机号是 11 位数字，以 13–19 开头")
        );
        assert_eq!(
            zh("the reason for declining must not be empty").as_deref(),
            Some("请填写不予受理的理由")
        );
        assert_eq!(
            zh("there is no agreement to sign (the case is in_mediation)").as_deref(),
            Some("现在没有需要签字的协议（案件现在：调解中）")
        );
        assert_eq!(
            zh("obligation 2 must name a party of this case (not an agent)").as_deref(),
            Some("第 2 项义务要写明由哪位当事人来做（不能是代理人）")
        );
        assert_eq!(
            zh("Please fill in narrative (what happened).").as_deref(),
            Some("请填写纠纷经过。")
        );
        assert_eq!(
            zh("external_id (编号) G-7 is on line 2 already.").as_deref(),
            Some("编号 G-7 在第 2 行已经出现过。")
        );
        assert_eq!(
            zh("respondent 1: a mobile number has 11 digits and starts with 13–19").as_deref(),
            Some("被申请人 1：手机号是 11 位数字，以 13–19 开头")
        );
        assert_eq!(zh("something nobody wrote down"), None);
    }

    #[test]
    fn every_chinese_sentence_is_free_of_english() {
        for (_, chinese) in TABLE {
            assert!(!looks_english(chinese), "{chinese}");
        }
    }
}
