//! The application (申请书) and the acceptance register entry (受理登记表).

use super::{Missing, field, heading, missing, names, para, particulars};
use crate::documents::source::{EventLine, Source};
use crate::documents::{Block, words};
use crate::domain::yuan_of_fen;
use crate::workflow::{Level, Side};

pub(super) fn application(s: &Source) -> (String, Vec<Block>) {
    let mut b = particulars(s, Side::Applicant);
    b.extend(particulars(s, Side::Respondent));
    b.push(field("纠纷类型", &s.category));
    b.push(field("纠纷发生地", &s.village));
    if let Some(fen) = s.amount_fen {
        b.push(field("争议金额", format!("人民币 {} 元", yuan_of_fen(fen))));
    }
    b.push(heading("纠纷事实"));
    b.push(para(&s.narrative));
    b.push(heading("申请事项"));
    b.push(para(&s.request));
    b.push(heading("申请调解与个人信息告知"));
    let consent = match s.consented_at {
        Some(at) => format!(
            "申请人自愿申请人民调解，已阅读个人信息告知（谁能看到申请材料、保存多久），并于{}同意。",
            words::when(at)
        ),
        None => "申请人自愿申请人民调解。".to_owned(),
    };
    b.push(para(consent));
    let how = match &s.assisted {
        Some(method) => format!(
            "由调解员代为填写，申请人以{}方式确认",
            words::consent_method(method)
        ),
        None => "申请人本人在线提交".to_owned(),
    };
    b.push(Block::Signatures {
        lines: vec![(
            format!("申请人 {}", names(s, Side::Applicant)),
            format!("{}，{}", how, words::when(s.filed_at)),
        )],
    });
    (words::date(s.filed_at), b)
}

/// The level a case was at when each event happened: it starts in the village and moves up
/// with each `escalated` entry.
fn levels(events: &[EventLine]) -> Vec<Level> {
    let mut level = Level::Village;
    events
        .iter()
        .map(|e| {
            if e.kind == "escalated"
                && let Some(to) = e.data.get("to").and_then(|v| v.as_str())
            {
                level = Level::parse(to).unwrap_or(level);
            }
            level
        })
        .collect()
}

pub(super) fn acceptance(s: &Source) -> Result<(String, Vec<Block>), Missing> {
    let first = s.first("accept").ok_or(missing(
        "本案还没有受理，所以还没有受理登记表。",
        "The case has not been accepted yet, so there is no acceptance register entry.",
    ))?;
    let mut b = vec![
        field("案号", &s.number),
        field("受理日期", words::date(first.at)),
        field(
            "案件来源",
            if s.assisted.is_some() {
                "调解员代为登记（当事人未能自行上网申请）"
            } else {
                "当事人在线申请"
            },
        ),
        field("纠纷类型", &s.category),
        field("纠纷发生地", &s.village),
    ];
    b.extend(particulars(s, Side::Applicant));
    b.extend(particulars(s, Side::Respondent));
    b.push(heading("纠纷简要情况"));
    b.push(para(&s.narrative));
    b.push(heading("申请事项"));
    b.push(para(&s.request));
    b.push(heading("受理情况"));
    let at_level = levels(&s.events);
    let rows: Vec<Vec<String>> = s
        .events
        .iter()
        .zip(at_level)
        .filter(|(e, _)| e.kind == "accept")
        .map(|(e, level)| {
            vec![
                words::date(e.at),
                format!("{}人民调解委员会", words::level(level)),
                e.who.clone(),
            ]
        })
        .collect();
    b.push(Block::Table {
        head: vec!["受理日期".into(), "受理单位".into(), "登记人".into()],
        widths: vec![3, 5, 3],
        rows,
    });
    Ok((words::date(first.at), b))
}
