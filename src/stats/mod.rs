//! The Fengqiao indicators (SPEC §6.1): what each case contributes (`facts`), the sums kept per
//! county × month × township × village × committee × mediator (`Figures`, written by the rollup
//! job), the rates and medians derived from sums (`indicators`), and the suppression of small
//! cells for the public figures (`suppress`). Pure: no database, no clock.

pub mod facts;
pub mod indicators;
pub mod suppress;

use serde::Serialize;

/// The unit a report is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    County,
    Township,
    Village,
    Committee,
    Mediator,
}

impl Unit {
    pub const ALL: [Unit; 5] = [
        Unit::County,
        Unit::Township,
        Unit::Village,
        Unit::Committee,
        Unit::Mediator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::County => "county",
            Unit::Township => "township",
            Unit::Village => "village",
            Unit::Committee => "committee",
            Unit::Mediator => "mediator",
        }
    }

    pub fn parse(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// Every counted figure, in the order `case_facts.figures` and `stat_rollups.figures` store them.
/// New figures go at the end (stored arrays keep their meaning; shorter ones read as zeros).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Filed,
    Accepted,
    Declined,
    Withdrawn,
    Open,
    Ended,
    ResolvedVillage,
    ResolvedTownship,
    PushedUp,
    AcceptedVillage,
    LeftVillage,
    Resolved,
    ConfirmationRequested,
    Confirmed,
    PerformanceFull,
    PerformancePartial,
    PerformanceNone,
    RatingSum,
    Rating1,
    Rating2,
    Rating3,
    Rating4,
    Rating5,
    Parties,
    PartiesRated,
    TripsFiling,
    TripsSession,
    TripsSignature,
    TripsEvidence,
    TripsDocument,
    DocApplication,
    DocAcceptance,
    DocSessionRecord,
    DocAgreement,
    DocFollowUp,
    DocCaseFile,
    SessionsOnline,
    SessionsInPerson,
    ClocksMet,
    ClocksMissed,
}

pub const FIGURES: usize = Figure::ClocksMissed as usize + 1;

/// Counts, one per `Figure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures(pub [i64; FIGURES]);

impl Default for Figures {
    fn default() -> Self {
        Figures([0; FIGURES])
    }
}

impl Figures {
    pub fn get(&self, f: Figure) -> i64 {
        self.0[f as usize]
    }

    pub fn set(&mut self, f: Figure, v: i64) {
        self.0[f as usize] = v;
    }

    pub fn add(&mut self, f: Figure, v: i64) {
        self.0[f as usize] += v;
    }

    pub fn merge(&mut self, other: &Figures) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// From a stored array (missing trailing figures read as zero).
    pub fn from_stored(values: &[i64]) -> Figures {
        let mut f = Figures::default();
        for (a, b) in f.0.iter_mut().zip(values) {
            *a = *b;
        }
        f
    }

    pub fn to_stored(self) -> Vec<i64> {
        self.0.to_vec()
    }
}

/// The month of a filing, in local time: the reports of a county follow its calendar.
pub fn month_of(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    use chrono::Datelike;
    let china = t.with_timezone(&crate::workflow::local_zone());
    chrono::NaiveDate::from_ymd_opt(china.year(), china.month(), 1).unwrap_or_default()
}

#[cfg(test)]
mod month_tests {
    use super::month_of;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn a_filing_late_on_the_last_evening_in_utc_is_already_next_month_in_china() {
        let late = Utc.with_ymd_and_hms(2026, 3, 31, 17, 0, 0).single();
        let early = Utc.with_ymd_and_hms(2026, 3, 31, 15, 59, 0).single();
        assert_eq!(late.map(month_of), NaiveDate::from_ymd_opt(2026, 4, 1));
        assert_eq!(early.map(month_of), NaiveDate::from_ymd_opt(2026, 3, 1));
    }
}
