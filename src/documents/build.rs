//! Each document of SPEC §4.1 from the record: what it says and in which order. A document
//! that does not exist yet for the case (no acceptance, no agreement, a session without its
//! record) is `Missing`, with a sentence saying why.

use uuid::Uuid;

use super::source::{EventLine, Source};
use super::words;
use super::{Block, Document, Kind};
use crate::domain::yuan_of_fen;
use crate::workflow::{Level, Obligation, Side, Status};

/// Why a document cannot be made yet, in both languages of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    pub zh: &'static str,
    pub en: &'static str,
}

const fn missing(zh: &'static str, en: &'static str) -> Missing {
    Missing { zh, en }
}

/// The documents a case yields now, from the same conditions `build` checks: the kinds of the
/// history entries it has, its sessions (and whether each has its record) and whether it has
/// an agreement.
pub fn available(
    has_event: impl Fn(&str) -> bool,
    sessions: &[(Uuid, bool)],
    has_agreement: bool,
) -> Vec<(Kind, Option<Uuid>)> {
    let mut out = vec![(Kind::Application, None)];
    if has_event("accept") {
        out.push((Kind::Acceptance, None));
    }
    out.extend(
        sessions
            .iter()
            .filter(|(_, recorded)| *recorded)
            .map(|(id, _)| (Kind::SessionRecord, Some(*id))),
    );
    if has_agreement {
        out.push((Kind::Agreement, None));
    }
    if has_event("record_performance") || has_event("record_follow_up") {
        out.push((Kind::FollowUp, None));
    }
    out.push((Kind::CaseFile, None));
    out
}

pub fn build(kind: Kind, session: Option<Uuid>, s: &Source) -> Result<Document, Missing> {
    let (dated, blocks) = match kind {
        Kind::Application => application(s),
        Kind::Acceptance => acceptance(s)?,
        Kind::SessionRecord => session_record(s, session)?,
        Kind::Agreement => agreement(s)?,
        Kind::FollowUp => follow_up(s)?,
        Kind::CaseFile => case_file(s),
    };
    Ok(Document {
        kind,
        title: kind.title().to_owned(),
        number: s.number.clone(),
        committee: s.committee.clone(),
        dated,
        blocks,
    })
}

fn heading(text: &str) -> Block {
    Block::Heading { text: text.into() }
}

fn para(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

fn field(label: &str, value: impl Into<String>) -> Block {
    Block::Field {
        label: label.into(),
        value: value.into(),
    }
}

/// One party's particulars as recorded (and as this reader may see them).
fn particulars(s: &Source, side: Side) -> Vec<Block> {
    s.parties
        .iter()
        .filter(|p| p.side == side)
        .map(|p| {
            let mut v = p.name.clone();
            if let Some(x) = &p.particulars {
                let parts = [
                    x.sex.map(|s| s.label_zh().to_owned()),
                    x.birth_year.map(|y| format!("{y}年出生")),
                    x.ethnicity.clone(),
                    x.occupation.clone(),
                    x.address.as_ref().map(|a| format!("住{a}")),
                ];
                for part in parts.into_iter().flatten() {
                    v.push('，');
                    v.push_str(&part);
                }
            }
            if let Some(phone) = &p.phone {
                v.push_str(&format!("，联系电话 {phone}"));
            }
            if let Some(id) = &p.id_number {
                v.push_str(&format!("，公民身份号码 {id}"));
            }
            field(words::side(side), v)
        })
        .collect()
}

fn all_particulars(s: &Source) -> Vec<Block> {
    [
        Side::Applicant,
        Side::Respondent,
        Side::ThirdParty,
        Side::Agent,
    ]
    .into_iter()
    .flat_map(|side| particulars(s, side))
    .collect()
}

fn names(s: &Source, side: Side) -> String {
    let v: Vec<_> = s
        .parties
        .iter()
        .filter(|p| p.side == side)
        .map(|p| p.name.as_str())
        .collect();
    v.join("、")
}

fn application(s: &Source) -> (String, Vec<Block>) {
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

fn acceptance(s: &Source) -> Result<(String, Vec<Block>), Missing> {
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

fn session_record(s: &Source, session: Option<Uuid>) -> Result<(String, Vec<Block>), Missing> {
    let no_session = missing(
        "本案没有这一次调解。请从文书列表中选择。",
        "This case has no such session. Choose one from the list of documents.",
    );
    let id = session.ok_or(no_session)?;
    let sn = s.sessions.iter().find(|x| x.id == id).ok_or(no_session)?;
    let record = sn.record.as_deref().ok_or(missing(
        "这次调解还没有写调解记录。",
        "This session has no record written yet.",
    ))?;
    let written = s
        .events
        .iter()
        .find(|e| e.kind == "record_session" && session_of(e) == Some(id));
    let attended: Vec<String> = written
        .and_then(|e| e.data.get("attended"))
        .and_then(|a| a.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|v| v.as_str()?.parse().ok())
                .map(|id| s.party_name(id))
                .collect()
        })
        .unwrap_or_default();
    let mediator = written.map(|e| e.who.clone()).unwrap_or_default();
    let mut b = vec![
        field("调解时间", words::when(sn.at)),
        field("调解方式", words::mode(sn.mode)),
        field("地点或线上会议室", &sn.location),
        field("主持调解", &mediator),
        field(
            "参加人",
            if attended.is_empty() {
                "（记录中未列明）".to_owned()
            } else {
                attended.join("、")
            },
        ),
        field("申请人", names(s, Side::Applicant)),
        field("被申请人", names(s, Side::Respondent)),
        heading("调解经过和结果"),
        para(record),
    ];
    let written_at = written.map_or(sn.at, |e| e.at);
    b.push(Block::Signatures {
        lines: vec![(format!("记录人 {mediator}"), words::when(written_at))],
    });
    Ok((words::date(sn.at), b))
}

fn session_of(e: &EventLine) -> Option<Uuid> {
    e.data.get("session_id")?.as_str()?.parse().ok()
}

/// One obligation as a sentence of the agreement.
pub fn obligation_line(o: &Obligation, who: &str) -> String {
    let mut line = format!("{who}：{}", o.what);
    if let Some(fen) = o.amount_fen {
        line.push_str(&format!("，金额人民币 {} 元", yuan_of_fen(fen)));
    }
    line.push_str(&format!("；履行方式：{}", o.how));
    if let Some(place) = &o.place {
        line.push_str(&format!("；履行地点：{place}"));
    }
    line.push_str(&format!("；于{}前履行完毕。", words::day(o.due)));
    line
}

fn agreement(s: &Source) -> Result<(String, Vec<Block>), Missing> {
    let a = s.agreement.as_ref().ok_or(missing(
        "本案还没有调解协议。",
        "The case has no agreement yet.",
    ))?;
    let effective = a.mediator_signed_at;
    let mut b = Vec::new();
    if effective.is_none() {
        b.push(para(
            "（草案：各方当事人和调解员签署后生效，生效前不具有法律约束力。）",
        ));
    }
    b.extend(all_particulars(s));
    // A draft from before the statutory fields were recorded says what the record has: the
    // facts as filed, the request as the disputed matter.
    let or = |given: &str, fallback: &str| {
        if given.is_empty() {
            fallback.to_owned()
        } else {
            given.to_owned()
        }
    };
    b.push(heading("纠纷的主要事实"));
    b.push(para(or(&a.contents.facts, &s.narrative)));
    b.push(heading("争议事项"));
    b.push(para(or(&a.contents.issues, &s.request)));
    if !a.contents.responsibilities.is_empty() {
        b.push(heading("各方责任"));
        b.push(para(&a.contents.responsibilities));
    }
    b.push(heading("经调解，各方自愿达成如下协议"));
    let mut items: Vec<String> = a
        .contents
        .obligations
        .iter()
        .map(|o| obligation_line(o, &s.party_name(o.party_id)))
        .collect();
    if !a.contents.terms.is_empty() {
        items.push(a.contents.terms.clone());
    }
    b.push(Block::Items { items });
    b.push(heading("履行方式和期限"));
    let mut perform = "各项义务按上列方式、地点和期限履行。".to_owned();
    if let Some(due) = a.performance_due {
        perform.push_str(&format!("全部义务最迟于{}前履行完毕。", words::date(due)));
    }
    b.push(para(perform));
    b.push(para(
        "本协议经各方当事人签名（在线确认）、调解员签名，并由人民调解委员会盖章后生效。经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（《中华人民共和国人民调解法》第三十一条）。各方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条）。",
    ));
    if let Some(c) = s.confirmation {
        b.push(field("司法确认", words::confirmation(c)));
    }
    let mut lines: Vec<(String, String)> = s
        .parties
        .iter()
        .filter(|p| p.side.is_principal())
        .map(|p| {
            let when = match p.signed_at {
                Some(at) => format!("{} 在线确认签署", words::when(at)),
                None => "尚未签署".to_owned(),
            };
            (format!("{} {}", words::side(p.side), p.name), when)
        })
        .collect();
    let mediator = a
        .mediator_signed_by
        .and_then(|id| s.staff_name(id))
        .or_else(|| s.mediator.clone())
        .unwrap_or_default();
    lines.push((
        format!("调解员 {mediator}"),
        match effective {
            Some(at) => format!("{} 在线签署", words::when(at)),
            None => "尚未签署".to_owned(),
        },
    ));
    lines.push((
        s.committee.clone(),
        match effective {
            Some(at) => format!("（盖章）{}", words::date(at)),
            None => "（协议生效时盖章）".to_owned(),
        },
    ));
    b.push(Block::Signatures { lines });
    Ok((words::date(effective.unwrap_or(a.proposed_at)), b))
}

fn follow_up(s: &Source) -> Result<(String, Vec<Block>), Missing> {
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

fn case_file(s: &Source) -> (String, Vec<Block>) {
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
