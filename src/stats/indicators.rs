//! The indicators of one unit and period, derived from summed figures and the distribution of
//! days to resolution; and the one-line definition of each, shown beside every figure.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Figure, Figures};

/// A share, `None` when its denominator is zero (shown as "—", never as 0 %).
fn share(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| round(num as f64 / den as f64, 4))
}

fn round(v: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    (v * m).round() / m
}

/// The smallest day count with at least `q` of the cases at or below it (nearest rank).
pub fn quantile(days: &BTreeMap<i32, i64>, q: f64) -> Option<i32> {
    let total: i64 = days.values().sum();
    if total == 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as i64).max(1);
    let mut seen = 0;
    for (d, n) in days {
        seen += n;
        if seen >= rank {
            return Some(*d);
        }
    }
    days.keys().next_back().copied()
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Performance {
    pub full: i64,
    pub partial: i64,
    pub none: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Satisfaction {
    pub mean: Option<f64>,
    /// Ratings of 1, 2, 3, 4 and 5.
    pub distribution: [i64; 5],
    pub rated_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Trips {
    pub total: i64,
    pub filing: i64,
    pub sessions: i64,
    pub signatures: i64,
    pub evidence: i64,
    pub documents: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Documents {
    pub total: i64,
    pub application: i64,
    pub acceptance: i64,
    pub session_record: i64,
    pub agreement: i64,
    pub follow_up: i64,
    pub case_file: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sessions {
    pub online: i64,
    pub in_person: i64,
}

/// Every indicator of SPEC §6.1 for one unit and period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Indicators {
    pub filed: i64,
    pub accepted: i64,
    pub declined: i64,
    pub withdrawn: i64,
    pub open: i64,
    pub ended: i64,
    pub resolved: i64,
    pub resolved_in_village_rate: Option<f64>,
    pub resolved_in_township_rate: Option<f64>,
    pub pushed_up: i64,
    pub pushed_up_rate: Option<f64>,
    pub escalation_rate: Option<f64>,
    pub days_median: Option<i32>,
    pub days_p90: Option<i32>,
    pub deadline_compliance: Option<f64>,
    pub confirmation_requested_rate: Option<f64>,
    pub confirmed_rate: Option<f64>,
    pub performance: Performance,
    pub satisfaction: Satisfaction,
    pub trips_avoided: Trips,
    pub documents_produced: Documents,
    pub sessions: Sessions,
}

pub fn indicators(f: &Figures, days: &BTreeMap<i32, i64>) -> Indicators {
    use Figure as F;
    let g = |x| f.get(x);
    let ratings = g(F::Rating1) + g(F::Rating2) + g(F::Rating3) + g(F::Rating4) + g(F::Rating5);
    let trips = Trips {
        filing: g(F::TripsFiling),
        sessions: g(F::TripsSession),
        signatures: g(F::TripsSignature),
        evidence: g(F::TripsEvidence),
        documents: g(F::TripsDocument),
        total: g(F::TripsFiling)
            + g(F::TripsSession)
            + g(F::TripsSignature)
            + g(F::TripsEvidence)
            + g(F::TripsDocument),
    };
    let documents = Documents {
        application: g(F::DocApplication),
        acceptance: g(F::DocAcceptance),
        session_record: g(F::DocSessionRecord),
        agreement: g(F::DocAgreement),
        follow_up: g(F::DocFollowUp),
        case_file: g(F::DocCaseFile),
        total: g(F::DocApplication)
            + g(F::DocAcceptance)
            + g(F::DocSessionRecord)
            + g(F::DocAgreement)
            + g(F::DocFollowUp)
            + g(F::DocCaseFile),
    };
    Indicators {
        filed: g(F::Filed),
        accepted: g(F::Accepted),
        declined: g(F::Declined),
        withdrawn: g(F::Withdrawn),
        open: g(F::Open),
        ended: g(F::Ended),
        resolved: g(F::Resolved),
        resolved_in_village_rate: share(g(F::ResolvedVillage), g(F::Ended)),
        resolved_in_township_rate: share(g(F::ResolvedTownship), g(F::Ended)),
        pushed_up: g(F::PushedUp),
        pushed_up_rate: share(g(F::PushedUp), g(F::Ended)),
        escalation_rate: share(g(F::LeftVillage), g(F::AcceptedVillage)),
        days_median: quantile(days, 0.5),
        days_p90: quantile(days, 0.9),
        deadline_compliance: share(g(F::ClocksMet), g(F::ClocksMet) + g(F::ClocksMissed)),
        confirmation_requested_rate: share(g(F::ConfirmationRequested), g(F::Resolved)),
        confirmed_rate: share(g(F::Confirmed), g(F::ConfirmationRequested)),
        performance: Performance {
            full: g(F::PerformanceFull),
            partial: g(F::PerformancePartial),
            none: g(F::PerformanceNone),
        },
        satisfaction: Satisfaction {
            mean: (ratings > 0).then(|| round(g(F::RatingSum) as f64 / ratings as f64, 2)),
            distribution: [
                g(F::Rating1),
                g(F::Rating2),
                g(F::Rating3),
                g(F::Rating4),
                g(F::Rating5),
            ],
            rated_share: share(g(F::PartiesRated), g(F::Parties)),
        },
        trips_avoided: trips,
        documents_produced: documents,
        sessions: Sessions {
            online: g(F::SessionsOnline),
            in_person: g(F::SessionsInPerson),
        },
    }
}

/// A cell of a table download: a count, a share, or nothing (a share without cases).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Count(i64),
    Share(f64),
    Empty,
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Share(v) => format!("{v}"),
            Cell::Empty => String::new(),
        }
    }
}

/// The columns of the CSV and XLSX downloads, in order.
pub const COLUMNS: &[&str] = &[
    "filed",
    "accepted",
    "declined",
    "withdrawn",
    "open",
    "ended",
    "resolved",
    "resolved_in_village_rate",
    "resolved_in_township_rate",
    "pushed_up",
    "pushed_up_rate",
    "escalation_rate",
    "days_median",
    "days_p90",
    "deadline_compliance",
    "confirmation_requested_rate",
    "confirmed_rate",
    "performance_full",
    "performance_partial",
    "performance_none",
    "satisfaction_mean",
    "ratings_1",
    "ratings_2",
    "ratings_3",
    "ratings_4",
    "ratings_5",
    "rated_share",
    "trips_avoided",
    "trips_filing",
    "trips_sessions",
    "trips_signatures",
    "trips_evidence",
    "trips_documents",
    "documents_produced",
    "documents_application",
    "documents_acceptance",
    "documents_session_record",
    "documents_agreement",
    "documents_follow_up",
    "documents_case_file",
    "sessions_online",
    "sessions_in_person",
];

/// One row's cells, in the order of `COLUMNS`.
pub fn cells(i: &Indicators) -> Vec<Cell> {
    let share = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Share);
    let days = |v: Option<i32>| v.map_or(Cell::Empty, |d| Cell::Count(i64::from(d)));
    let c = Cell::Count;
    let s = &i.satisfaction;
    let t = &i.trips_avoided;
    let d = &i.documents_produced;
    vec![
        c(i.filed),
        c(i.accepted),
        c(i.declined),
        c(i.withdrawn),
        c(i.open),
        c(i.ended),
        c(i.resolved),
        share(i.resolved_in_village_rate),
        share(i.resolved_in_township_rate),
        c(i.pushed_up),
        share(i.pushed_up_rate),
        share(i.escalation_rate),
        days(i.days_median),
        days(i.days_p90),
        share(i.deadline_compliance),
        share(i.confirmation_requested_rate),
        share(i.confirmed_rate),
        c(i.performance.full),
        c(i.performance.partial),
        c(i.performance.none),
        share(s.mean),
        c(s.distribution[0]),
        c(s.distribution[1]),
        c(s.distribution[2]),
        c(s.distribution[3]),
        c(s.distribution[4]),
        share(s.rated_share),
        c(t.total),
        c(t.filing),
        c(t.sessions),
        c(t.signatures),
        c(t.evidence),
        c(t.documents),
        c(d.total),
        c(d.application),
        c(d.acceptance),
        c(d.session_record),
        c(d.agreement),
        c(d.follow_up),
        c(d.case_file),
        c(i.sessions.online),
        c(i.sessions.in_person),
    ]
}

/// The one-line definitions (SPEC §6.1), keyed by indicator, in English and Chinese.
pub const DEFINITIONS: &[(&str, &str, &str)] = &[
    ("filed", "cases filed in the period", "期内申请的案件数"),
    (
        "accepted",
        "of those, cases accepted by a committee",
        "其中被调委会受理的案件数",
    ),
    (
        "declined",
        "of those, cases declined",
        "其中不予受理的案件数",
    ),
    (
        "withdrawn",
        "of those, cases withdrawn by the applicant",
        "其中申请人撤回的案件数",
    ),
    (
        "open",
        "of those, cases still open today",
        "其中至今仍在办理的案件数",
    ),
    (
        "ended",
        "of those, cases ended: resolved, declined, withdrawn, referred or closed",
        "其中已办结的案件数（调解成功、不予受理、撤回、移送法院或结案）",
    ),
    (
        "resolved_in_village_rate",
        "小事不出村: ended resolved (agreement signed by all) at village level ÷ cases ended",
        "小事不出村：在村级调解成功（各方签字）的案件 ÷ 已办结案件",
    ),
    (
        "resolved_in_township_rate",
        "大事不出镇: ended resolved at village or township level ÷ cases ended",
        "大事不出镇：在村级或镇级调解成功的案件 ÷ 已办结案件",
    ),
    (
        "pushed_up_rate",
        "矛盾上交: referred to court or ended unresolved at county level ÷ cases ended",
        "矛盾上交：移送法院或在县级未调成而办结的案件 ÷ 已办结案件",
    ),
    (
        "escalation_rate",
        "cases accepted in the village that then left it ÷ cases accepted at village level",
        "村级受理后又上交的案件 ÷ 村级受理的案件",
    ),
    (
        "days",
        "days from filing to the agreement signed by all: median and 90th percentile",
        "从申请到各方签署协议的天数：中位数和第90百分位",
    ),
    (
        "deadline_compliance",
        "steps done before their clock ran out ÷ all clocked steps ended",
        "在期限内完成的环节 ÷ 全部有期限的环节",
    ),
    (
        "confirmation",
        "judicial confirmation requested ÷ resolved; confirmed ÷ requested",
        "申请司法确认的 ÷ 调解成功的；已确认的 ÷ 申请的",
    ),
    (
        "performance",
        "performance recorded: full, partial or none",
        "已记录的履行情况：全部、部分、未履行",
    ),
    (
        "satisfaction",
        "mean rating 1–5, its distribution, and the share of parties who rated",
        "平均评分（1–5分）、分布，以及评价的当事人比例",
    ),
    (
        "trips_avoided",
        "one per online filing, online session attended per party, online signature, evidence uploaded online and document fetched online (each once per party and event)",
        "每次网上申请、每位当事人参加的每次线上调解、每次网上签字、网上提交的证据和网上取得的文书各计一次（每人每事一次）",
    ),
    (
        "documents_produced",
        "statutory documents the record yields, by kind: application, acceptance, one record per session, agreement, performance and follow-up, case file",
        "由同一份记录生成的法定文书，按种类：申请书、受理登记表、每次调解记录、调解协议书、履行回访记录、卷宗",
    ),
    (
        "sessions",
        "mediation sessions scheduled online and in person",
        "线上和线下的调解次数",
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_column_has_a_cell() {
        let i = indicators(&Figures::default(), &BTreeMap::new());
        assert_eq!(cells(&i).len(), COLUMNS.len());
    }

    use super::*;

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let days: BTreeMap<i32, i64> = [(1, 1), (3, 2), (10, 1)].into_iter().collect();
        assert_eq!(quantile(&days, 0.5), Some(3));
        assert_eq!(quantile(&days, 0.9), Some(10));
        assert_eq!(quantile(&BTreeMap::new(), 0.5), None);
    }

    #[test]
    fn a_share_without_cases_is_no_figure_at_all() {
        let i = indicators(&Figures::default(), &BTreeMap::new());
        assert_eq!(i.resolved_in_village_rate, None);
        assert_eq!(i.satisfaction.mean, None);
        let mut f = Figures::default();
        f.set(Figure::Ended, 3);
        f.set(Figure::ResolvedVillage, 2);
        assert_eq!(
            indicators(&f, &BTreeMap::new()).resolved_in_village_rate,
            Some(0.6667)
        );
    }
}
