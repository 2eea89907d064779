//! Each document of SPEC §4.1 from the record: what it says and in which order. A document
//! that does not exist yet for the case (no acceptance, no agreement, a session without its
//! record) is `Missing`, with a sentence saying why.

use uuid::Uuid;

mod aftercare;
mod filing;
mod mediation;

use super::source::Source;
use super::words;
use super::{Block, Document, Kind};
use crate::domain::yuan_of_fen;
use crate::workflow::{Obligation, Side};

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
        Kind::Application => filing::application(s),
        Kind::Acceptance => filing::acceptance(s)?,
        Kind::SessionRecord => mediation::session_record(s, session)?,
        Kind::Agreement => mediation::agreement(s)?,
        Kind::FollowUp => aftercare::follow_up(s)?,
        Kind::CaseFile => aftercare::case_file(s),
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
