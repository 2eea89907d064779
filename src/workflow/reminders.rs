//! Reminders change nothing in a case; they only tell people in time. Which are due for a
//! case at a moment is a rule, so it lives beside the engine: the mediator two days before a
//! deadline, everyone the day before a session, the parties two days before performance is due.

use chrono::{DateTime, Duration, Utc};

use super::contract::{Notice, Recipient};
use super::types::{CaseState, Status};

/// Every kind of reminder, for checking that each has words in every language.
pub const KINDS: [&str; 3] = ["deadline_soon", "session_reminder", "performance_due"];

/// A reminder due now: its kind, the moment it is about (so it is sent once per moment), and
/// who must hear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub kind: &'static str,
    pub about: DateTime<Utc>,
    pub notices: Vec<Notice>,
}

fn within(at: DateTime<Utc>, now: DateTime<Utc>, ahead: Duration) -> bool {
    at > now && at <= now + ahead
}

pub fn due(case: &CaseState, now: DateTime<Utc>) -> Vec<Reminder> {
    let mut out = Vec::new();
    if case.status.is_final() {
        return out;
    }
    let handler = match case.mediator_id {
        Some(user_id) => Recipient::Mediator { user_id },
        None => Recipient::Committee {
            committee_id: case.committee_id,
        },
    };
    if let Some(at) = case
        .deadline_at
        .filter(|at| within(*at, now, Duration::days(2)))
    {
        out.push(Reminder {
            kind: "deadline_soon",
            about: at,
            notices: vec![Notice {
                kind: "deadline_soon",
                to: handler,
            }],
        });
    }
    for s in case
        .sessions
        .iter()
        .filter(|s| s.record.is_none() && within(s.at, now, Duration::days(1)))
    {
        out.push(Reminder {
            kind: "session_reminder",
            about: s.at,
            notices: vec![
                Notice {
                    kind: "session_reminder",
                    to: Recipient::AllParties,
                },
                Notice {
                    kind: "session_reminder",
                    to: handler,
                },
            ],
        });
    }
    let performance_due = case
        .agreement
        .as_ref()
        .and_then(|a| a.performance_due)
        .filter(|at| within(*at, now, Duration::days(2)));
    if let (Status::Resolved, None, Some(at)) = (case.status, case.performance, performance_due) {
        out.push(Reminder {
            kind: "performance_due",
            about: at,
            notices: vec![Notice {
                kind: "performance_due",
                to: Recipient::AllParties,
            }],
        });
    }
    out
}
