//! The record of each session (调解记录) and the agreement (调解协议书).

use uuid::Uuid;

use super::{Missing, all_particulars, field, heading, missing, names, obligation_line, para};
use crate::documents::source::{EventLine, Source};
use crate::documents::{Block, words};
use crate::workflow::Side;

pub(super) fn session_record(
    s: &Source,
    session: Option<Uuid>,
) -> Result<(String, Vec<Block>), Missing> {
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

pub(super) fn agreement(s: &Source) -> Result<(String, Vec<Block>), Missing> {
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
