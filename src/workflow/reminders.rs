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
    // Each obligation's due day, and the agreement's last date: once per moment.
    if let (Status::Resolved, None, Some(a)) = (case.status, case.performance, &case.agreement) {
        let mut moments: Vec<DateTime<Utc>> = a
            .contents
            .obligations
            .iter()
            .filter_map(|o| super::agreement::end_of_day(o.due))
            .chain(a.performance_due)
            .filter(|at| within(*at, now, Duration::days(2)))
            .collect();
        moments.sort();
        moments.dedup();
        for at in moments {
            out.push(Reminder {
                kind: "performance_due",
                about: at,
                notices: vec![Notice {
                    kind: "performance_due",
                    to: Recipient::AllParties,
                }],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::tests::{contents, day, resolved};

    #[test]
    fn each_obligation_is_reminded_before_its_day() {
        let mut case = resolved();
        let mut c = contents(day(20).date_naive());
        let mut second = c.obligations[0].clone();
        second.due = day(30).date_naive();
        c.obligations.push(second);
        if let Some(a) = case.agreement.as_mut() {
            a.contents = c;
            a.performance_due = super::super::agreement::end_of_day(day(30).date_naive());
        }
        let kinds = |case: &CaseState, now| {
            due(case, now)
                .into_iter()
                .filter(|r| r.kind == "performance_due")
                .count()
        };
        assert_eq!(kinds(&case, day(19)), 1, "the first obligation's day");
        assert_eq!(kinds(&case, day(25)), 0);
        // The last obligation's day is the agreement's date: one reminder, not two.
        assert_eq!(kinds(&case, day(29)), 1);
        case.performance = Some(crate::workflow::Performance::Full);
        assert_eq!(
            kinds(&case, day(19)),
            0,
            "nothing once performance is recorded"
        );
    }
}
