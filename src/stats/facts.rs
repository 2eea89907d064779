//! One case's contribution to the Fengqiao indicators (SPEC §6.1), computed from its record and
//! its history alone. Pure: the rollup job and the rebuild both call `facts`, so the same
//! history always gives the same figures.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{Figure, Figures};
use crate::workflow::{Level, SessionMode, Status};

/// One entry of the history as the indicators read it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: String,
    pub actor_role: String,
    pub data: Value,
    pub at: DateTime<Utc>,
}

/// What the job reads of one case.
#[derive(Debug, Clone)]
pub struct CaseInput {
    pub status: Status,
    pub performance: Option<String>,
    /// The parties who may rate (applicants, respondents, third parties; not agents).
    pub parties: usize,
    pub ratings: Vec<i16>,
    pub history: Vec<Entry>,
}

/// The figures of one case, and its days from filing to the agreement signed by all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub figures: Figures,
    pub days: Option<i32>,
}

fn level_in(data: &Value, key: &str) -> Option<Level> {
    Level::parse(data.get(key)?.as_str()?)
}

/// Whether the entry is a party's own act through the service (a trip they did not make).
fn by_party(e: &Entry) -> bool {
    e.actor_role == "party"
}

pub fn facts(case: &CaseInput) -> CaseFacts {
    let mut f = Figures::default();
    let mut level = Level::Village;
    let mut filed_at = None;
    let mut resolved_at = None;
    let mut resolved_level = None;
    let mut accepted_in_village = false;
    let mut left_village = false;
    let mut online_sessions: Vec<Uuid> = Vec::new();
    f.add(Figure::Filed, 1);
    f.add(Figure::DocApplication, 1);
    for e in &case.history {
        if e.data.get("clock_met").is_some() {
            f.add(Figure::ClocksMet, 1);
        }
        match e.kind.as_str() {
            "filed" => {
                filed_at = Some(e.at);
                if by_party(e) {
                    f.add(Figure::TripsFiling, 1);
                }
            }
            "accept" => {
                f.set(Figure::Accepted, 1);
                f.add(Figure::DocAcceptance, 1);
                if level == Level::Village {
                    accepted_in_village = true;
                }
            }
            "escalated" => {
                if level == Level::Village && accepted_in_village {
                    left_village = true;
                }
                level = level_in(&e.data, "to").unwrap_or(level);
            }
            "deadline_missed"
                if e.data.get("kind").and_then(Value::as_str) != Some("confirmation") =>
            {
                f.add(Figure::ClocksMissed, 1);
            }
            "schedule_session" => {
                let mode = e.data.get("mode").and_then(Value::as_str);
                match mode.and_then(SessionMode::parse) {
                    Some(SessionMode::Online) => {
                        f.add(Figure::SessionsOnline, 1);
                        if let Some(id) = session_id(&e.data) {
                            online_sessions.push(id);
                        }
                    }
                    _ => f.add(Figure::SessionsInPerson, 1),
                };
            }
            "record_session" => {
                f.add(Figure::DocSessionRecord, 1);
                let online = session_id(&e.data).is_some_and(|id| online_sessions.contains(&id));
                if online {
                    let attended = e.data.get("attended").and_then(Value::as_array);
                    f.add(Figure::TripsSession, attended.map_or(0, |a| a.len() as i64));
                }
            }
            "sign" if by_party(e) => f.add(Figure::TripsSignature, 1),
            "evidence_added" if by_party(e) => f.add(Figure::TripsEvidence, 1),
            "document_fetched" if by_party(e) => f.add(Figure::TripsDocument, 1),
            "resolved" => {
                resolved_at = Some(e.at);
                resolved_level = Some(level);
            }
            "apply_confirmation" => f.set(Figure::ConfirmationRequested, 1),
            "confirm" => f.set(Figure::Confirmed, 1),
            "record_performance" | "record_follow_up" => f.set(Figure::DocFollowUp, 1),
            "closed" => f.set(Figure::DocCaseFile, 1),
            _ => {}
        }
    }
    let ended_status = matches!(
        case.status,
        Status::Closed | Status::Declined | Status::Referred | Status::Withdrawn
    );
    match case.status {
        Status::Declined => f.set(Figure::Declined, 1),
        Status::Withdrawn => f.set(Figure::Withdrawn, 1),
        _ => {}
    }
    if !case.status.is_final() {
        f.set(Figure::Open, 1);
    }
    let days = match resolved_level {
        Some(at_level) => {
            f.set(Figure::Ended, 1);
            f.set(Figure::Resolved, 1);
            f.add(Figure::DocAgreement, 1);
            if at_level == Level::Village {
                f.set(Figure::ResolvedVillage, 1);
            }
            if at_level != Level::County {
                f.set(Figure::ResolvedTownship, 1);
            }
            match (filed_at, resolved_at) {
                (Some(from), Some(to)) => {
                    Some(i32::try_from((to - from).num_days().max(0)).unwrap_or(i32::MAX))
                }
                _ => None,
            }
        }
        None => {
            if ended_status {
                f.set(Figure::Ended, 1);
                if level == Level::County {
                    f.set(Figure::PushedUp, 1);
                }
            }
            None
        }
    };
    if accepted_in_village {
        f.set(Figure::AcceptedVillage, 1);
    }
    if left_village {
        f.set(Figure::LeftVillage, 1);
    }
    match case.performance.as_deref() {
        Some("full") => f.set(Figure::PerformanceFull, 1),
        Some("partial") => f.set(Figure::PerformancePartial, 1),
        Some("none") => f.set(Figure::PerformanceNone, 1),
        _ => {}
    }
    f.set(Figure::Parties, case.parties as i64);
    f.set(Figure::PartiesRated, case.ratings.len() as i64);
    for score in &case.ratings {
        f.add(Figure::RatingSum, i64::from(*score));
        let bucket = match score {
            1 => Figure::Rating1,
            2 => Figure::Rating2,
            3 => Figure::Rating3,
            4 => Figure::Rating4,
            _ => Figure::Rating5,
        };
        f.add(bucket, 1);
    }
    CaseFacts { figures: f, days }
}

fn session_id(data: &Value) -> Option<Uuid> {
    data.get("session_id")?.as_str()?.parse().ok()
}
