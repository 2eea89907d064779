//! After the agreement: performance and the follow-up visit (履行/回访记录), and the case file
//! (卷宗: cover, index of documents and evidence, the history).

use uuid::Uuid;

use super::{Missing, build, field, heading, missing, names, obligation_line, para};
use crate::documents::source::{EventLine, Source};
use crate::documents::{Block, Kind, words};
use crate::workflow::{Side, Status};

pub(super) fn follow_up(s: &Source) -> Result<(String, Vec<Block>), Missing> {
    let performed = s.last("record_performance");
    let visited = s.last("record_follow_up");
    let last = visited.or(performed).ok_or(missing(
        "调解员还没有记录履行情况或回访。",
        "The mediator has not yet recorded performance or a follow-up visit.",
    ))?;
    let note = |e: &EventLine| {
        e.data
            .get("note")
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let mut b = vec![
        field("申请人", names(s, Side::Applicant)),
        field("被申请人", names(s, Side::Respondent)),
    ];
    if let Some(a) = &s.agreement {
        if let Some(at) = a.mediator_signed_at {
            b.push(field("协议生效日期", words::date(at)));
        }
        if let Some(due) = a.performance_due {
            b.push(field("履行期限", words::date(due)));
        }
        let items: Vec<String> = a
            .contents
            .obligations
            .iter()
            .map(|o| obligation_line(o, &s.party_name(o.party_id)))
            .collect();
        if !items.is_empty() {
            b.push(heading("协议约定的义务"));
            b.push(Block::Items { items });
        }
    }
    b.push(heading("履行情况"));
    match (performed, s.performance) {
        (Some(e), Some(p)) => {
            b.push(field("履行结果", words::performance(p)));
            b.push(field("记录日期", words::date(e.at)));
            b.push(field("记录人", &e.who));
            let n = note(e);
            if !n.is_empty() {
                b.push(field("说明", n));
            }
        }
        _ => b.push(para("尚未记录。")),
    }
    b.push(heading("回访情况"));
    match visited {
        Some(e) => {
            b.push(field("回访日期", words::date(e.at)));
            b.push(field("回访人", &e.who));
            if let Some(n) = e.data.get("satisfaction").and_then(|v| v.as_i64()) {
                b.push(field("当事人满意度", format!("{n} 分（满分 5 分）")));
            }
            let n = note(e);
            if !n.is_empty() {
                b.push(field("回访记录", n));
            }
        }
        None => b.push(para("尚未回访。")),
    }
    Ok((words::date(last.at), b))
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::Submitted => "已申请，待受理",
        Status::AwaitingRespondent => "已受理，待被申请人答复",
        Status::InMediation => "调解中",
        Status::AgreementPending => "调解协议待签署",
        Status::Unmediable => "无法调解",
        Status::Resolved => "调解成功，协议已生效",
        Status::Closed => "调解成功，已履行并回访，结案",
        Status::Declined => "不予受理",
        Status::Referred => "调解终止，已引导诉讼",
        Status::Withdrawn => "申请人撤回申请",
    }
}

pub(super) fn case_file(s: &Source) -> (String, Vec<Block>) {
    let mut b = vec![
        field("案号", &s.number),
        field("纠纷类型", &s.category),
        field("申请人", names(s, Side::Applicant)),
        field("被申请人", names(s, Side::Respondent)),
        field("调解组织", &s.committee),
        field("所在层级", words::level(s.level)),
        field(
            "调解员",
            s.mediator.clone().unwrap_or_else(|| "（未指定）".into()),
        ),
        field("收案日期", words::date(s.filed_at)),
    ];
    if let Some(e) = s.last("closed") {
        b.push(field("结案日期", words::date(e.at)));
    }
    b.push(field("办理结果", status_words(s.status)));
    b.push(heading("卷内文书目录"));
    let mut rows = Vec::new();
    let mut n = 0;
    for kind in Kind::ALL {
        let sessions: Vec<Option<Uuid>> = match kind {
            Kind::CaseFile => continue,
            Kind::SessionRecord => s.sessions.iter().map(|x| Some(x.id)).collect(),
            _ => vec![None],
        };
        for session in sessions {
            if let Ok(doc) = build(kind, session, s) {
                n += 1;
                rows.push(vec![n.to_string(), doc.title, doc.dated]);
            }
        }
    }
    b.push(Block::Table {
        head: vec!["序号".into(), "文书".into(), "日期".into()],
        widths: vec![1, 6, 3],
        rows,
    });
    b.push(heading("证据材料"));
    if s.evidence.is_empty() {
        b.push(para("无。"));
    } else {
        let rows = s
            .evidence
            .iter()
            .enumerate()
            .map(|(i, e)| {
                vec![
                    (i + 1).to_string(),
                    format!("{}（{}，{} 字节）", e.filename, words::date(e.at), e.size),
                    e.sha256.clone(),
                ]
            })
            .collect();
        b.push(Block::Table {
            head: vec!["序号".into(), "材料".into(), "SHA-256".into()],
            widths: vec![1, 5, 5],
            rows,
        });
    }
    b.push(heading("办理经过"));
    let rows = s
        .events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                words::when(e.at),
                words::event(&e.kind).to_owned(),
                e.who.clone(),
                e.hash.chars().take(16).collect(),
            ]
        })
        .collect();
    b.push(Block::Table {
        head: vec![
            "序号".into(),
            "时间".into(),
            "事项".into(),
            "经办".into(),
            "校验值（前 16 位）".into(),
        ],
        widths: vec![1, 4, 4, 3, 4],
        rows,
    });
    b.push(para(
        "办理经过的每一步都带有校验值，前后相连，任何一步被改动都能被发现（fengqiao verify-audit）。",
    ));
    let dated = s.events.last().map_or(s.filed_at, |e| e.at);
    (words::date(dated), b)
}
