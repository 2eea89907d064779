//! Filing a new dispute: the case starts at the committee of the village where it arose.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::contract::{Event, Filing, Notice, Policy, Recipient, Refusal, Transition};
use super::decide::after_days;
use super::types::{CaseState, DeadlineKind, Level, Party, Side, Status};

pub fn file(filing: &Filing, now: DateTime<Utc>, policy: &Policy) -> Result<Transition, Refusal> {
    let has = |side: Side| filing.parties.iter().any(|&(_, s, _)| s == side);
    if !has(Side::Applicant) {
        return Err(Refusal::Invalid("a case needs an applicant".into()));
    }
    if !has(Side::Respondent) {
        return Err(Refusal::Invalid(
            "a case needs at least one respondent".into(),
        ));
    }
    let mut seen = HashSet::new();
    if !filing.parties.iter().all(|&(id, _, _)| seen.insert(id)) {
        return Err(Refusal::Invalid("each party must be listed once".into()));
    }
    let level = Level::Village;
    let committee_id = filing.route.committee_at(level);
    let parties: Vec<Party> = filing
        .parties
        .iter()
        .map(|&(id, side, user_id)| Party {
            id,
            side,
            user_id,
            consented: false,
            signed_at: None,
            recusal_used: false,
        })
        .collect();
    let mut notices = Vec::new();
    for p in parties.iter().filter(|p| p.side == Side::Applicant) {
        notices.push(Notice {
            kind: "filing_receipt",
            to: Recipient::Party { party_id: p.id },
        });
    }
    notices.push(Notice {
        kind: "new_case",
        to: Recipient::Committee { committee_id },
    });
    let mut data = json!({ "level": level, "committee": committee_id });
    if let Some(filed_by) = filing.filed_by {
        data["filed_by"] = json!(filed_by);
    }
    let case = CaseState {
        id: filing.case_id,
        county_id: filing.county_id,
        route: filing.route,
        level,
        committee_id,
        status: Status::Submitted,
        version: 1,
        mediator_id: None,
        deadline_at: Some(after_days(now, policy.acceptance_days(level))),
        deadline_kind: Some(DeadlineKind::Acceptance),
        mediation_due_at: None,
        extended: false,
        overdue: false,
        parties,
        sessions: Vec::new(),
        agreement: None,
        resolved_at: None,
        confirmation: None,
        performance: None,
        followed_up: false,
        filed_at: now,
    };
    Ok(Transition {
        case,
        events: vec![Event {
            kind: "filed".into(),
            data,
        }],
        notices,
    })
}
