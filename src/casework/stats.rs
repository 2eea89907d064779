//! The indicators as the county reads them (SPEC §6.1, §7 *Statistics*): who may see which
//! part of a county, the period asked for, and the rollups summed per unit. Reads only the
//! rollups, never the cases; a report is kept in memory for a short while (the job refreshes
//! the rollups every 30 s anyway).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::stats_memory::Memory;
use crate::auth::Principal;
use crate::db;
use crate::db::stats::Within;
use crate::domain::Role;
use crate::error::AppError;
use crate::stats::Figures;
pub use crate::stats::Unit;
use crate::stats::indicators::{DEFINITIONS, Indicators, indicators};
use crate::stats::month_of;

/// The query of `GET /api/v1/stats` and `/dashboard`, as given.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct StatsQuery {
    pub county: Option<String>,
    pub unit: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Narrow to one township or village (its division code).
    pub within: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn months(&self) -> i32 {
        (self.to.year() - self.from.year()) * 12 + self.to.month0() as i32
            - self.from.month0() as i32
            + 1
    }

    /// The same number of months just before.
    pub fn previous(&self) -> Period {
        let n = self.months();
        Period {
            from: add_months(self.from, -n),
            to: add_months(self.from, -1),
        }
    }
}

fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    let m = d.year() * 12 + d.month0() as i32 + n;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

pub fn month_label(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn parse_month(s: &str, field: &str) -> Result<NaiveDate, AppError> {
    let bad = || {
        AppError::BadRequest(format!(
            "{field} must be a month written YYYY-MM, like 2026-03"
        ))
    };
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveDate::from_ymd_opt(y, m, 1)
        .filter(|_| (2000..=2100).contains(&y))
        .ok_or_else(bad)
}

/// The period asked for: by default the twelve months up to this one (local time, `TIME_ZONE`).
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<Period, AppError> {
    let this = month_of(Utc::now());
    let to = match to.filter(|s| !s.is_empty()) {
        Some(s) => parse_month(s, "to")?,
        None => this,
    };
    let from = match from.filter(|s| !s.is_empty()) {
        Some(s) => parse_month(s, "from")?,
        None => add_months(to, -11),
    };
    if to < from {
        return Err(AppError::BadRequest(
            "to is before from: the period must run forward".into(),
        ));
    }
    let p = Period { from, to };
    if p.months() > 120 {
        return Err(AppError::BadRequest(
            "the period may span at most 10 years (120 months)".into(),
        ));
    }
    Ok(p)
}

/// A county, township or village as the reports name it.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub indicators: Indicators,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    pub month: String,
    #[serde(flatten)]
    pub indicators: Indicators,
}

/// Everything the API, the downloads and the dashboard show for one query.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub county: Place,
    pub within: Option<Place>,
    pub period: PeriodOut,
    pub unit: Unit,
    pub total: Indicators,
    pub previous: Indicators,
    pub previous_period: PeriodOut,
    pub rows: Vec<Row>,
    pub months: Vec<MonthRow>,
    pub definitions: BTreeMap<&'static str, &'static str>,
    #[serde(skip)]
    pub definitions_zh: BTreeMap<&'static str, &'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodOut {
    pub from: String,
    pub to: String,
}

impl From<Period> for PeriodOut {
    fn from(p: Period) -> Self {
        PeriodOut {
            from: month_label(p.from),
            to: month_label(p.to),
        }
    }
}

/// Who may read the indicators of which part of which county.
struct Reach {
    county_id: Uuid,
    within: Within,
}

async fn reach(conn: &mut AsyncPgConnection, p: &Principal) -> Result<Reach, AppError> {
    match (p.role, p.county_id, &p.committee) {
        (Role::Judge | Role::CountyAdmin, Some(county_id), _) => Ok(Reach {
            county_id,
            within: Within::County,
        }),
        (Role::CommitteeHead, _, Some(c)) => {
            let (division_id, level) = db::stats::committee_division(conn, c.committee_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let within = match level.as_str() {
                "village" => Within::Village(division_id),
                "township" => Within::Township(division_id),
                _ => Within::County,
            };
            Ok(Reach {
                county_id: c.county_id,
                within,
            })
        }
        _ => Err(AppError::Forbidden(
            "The indicators are for judges, county administrators and committee heads.".into(),
        )),
    }
}

/// The indicators this caller may see, for the query.
pub async fn report(
    conn: &mut AsyncPgConnection,
    memory: &Memory,
    p: &Principal,
    q: &StatsQuery,
) -> Result<Arc<Report>, AppError> {
    let unit = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        None => Unit::Township,
        Some(u) => Unit::parse(u).ok_or_else(|| {
            AppError::BadRequest(
                "unit must be one of county, township, village, committee, mediator".into(),
            )
        })?,
    };
    let period = period(q.from.as_deref(), q.to.as_deref())?;
    let mut reach = reach(conn, p).await?;
    let names = memory.names(conn, reach.county_id).await?;
    if let Some(code) = q.county.as_deref().filter(|c| !c.is_empty())
        && !county_code_matches(&names.county_code, code)
    {
        // Another county, or none: the same answer, so as not to tell them apart.
        return Err(AppError::NotFound);
    }
    let mut within_place = None;
    if let Some(code) = q.within.as_deref().filter(|c| !c.is_empty()) {
        let place = names.by_code.get(code).ok_or(AppError::NotFound)?;
        let narrowed = match place.level.as_str() {
            "township" => Within::Township(place.id),
            "village" => Within::Village(place.id),
            _ => return Err(AppError::NotFound),
        };
        if !inside(&names, narrowed, reach.within) {
            return Err(AppError::NotFound);
        }
        reach.within = narrowed;
        within_place = Some(Place {
            code: place.code.clone(),
            name: place.name.clone(),
        });
    }
    let key = format!(
        "{}|{:?}|{:?}|{:?}",
        reach.county_id, reach.within, unit, period
    );
    if let Some(hit) = memory.reports.get(&key) {
        return Ok(hit);
    }
    let sums = memory
        .sums(
            conn,
            reach.county_id,
            reach.within,
            period.previous().from,
            period.to,
        )
        .await?;
    let built = Arc::new(build(&sums, &names, &reach, unit, period, within_place));
    memory.reports.put(key, built.clone());
    Ok(built)
}

fn county_code_matches(code: &str, asked: &str) -> bool {
    asked == code
        || (asked.len() == 6
            && code.starts_with(asked)
            && asked.chars().all(|c| c.is_ascii_digit()))
}

/// Whether `inner` lies within `outer`.
fn inside(names: &db::stats::Names, inner: Within, outer: Within) -> bool {
    match (inner, outer) {
        (_, Within::County) => true,
        (Within::Village(v), Within::Township(t)) => names.parent_of(v) == Some(t),
        (a, b) => a == b,
    }
}

/// Rollups summed: their figures and their days to resolution.
#[derive(Debug, Default, Clone)]
pub struct Acc {
    pub figures: Figures,
    pub days: BTreeMap<i32, i64>,
}

impl Acc {
    pub fn add(&mut self, sum: &db::stats::Sum) {
        self.figures.merge(&sum.figures);
        for (d, n) in &sum.days {
            *self.days.entry(*d).or_insert(0) += n;
        }
    }

    pub fn indicators(&self) -> Indicators {
        indicators(&self.figures, &self.days)
    }
}

/// The code and name of a unit's row.
fn label(names: &db::stats::Names, unit: Unit, id: Uuid) -> (String, String) {
    let place = |id: &Uuid| {
        names
            .places
            .get(id)
            .map(|p| (p.code.clone(), p.name.clone()))
    };
    let unknown = || (id.to_string(), String::new());
    match unit {
        Unit::County => (names.county_code.clone(), names.county_name.clone()),
        Unit::Township | Unit::Village => place(&id).unwrap_or_else(unknown),
        Unit::Committee => names
            .committees
            .get(&id)
            .map(|(name, code)| (code.clone(), name.clone()))
            .unwrap_or_else(unknown),
        Unit::Mediator if id.is_nil() => (String::new(), String::new()),
        Unit::Mediator => (
            id.to_string(),
            names.mediators.get(&id).cloned().unwrap_or_default(),
        ),
    }
}

fn build(
    sums: &[Arc<Vec<db::stats::Sum>>],
    names: &db::stats::Names,
    reach: &Reach,
    unit: Unit,
    period: Period,
    within: Option<Place>,
) -> Report {
    let before = period.previous();
    let key_of = |g: &db::stats::Group| -> Uuid {
        match unit {
            Unit::County => reach.county_id,
            Unit::Township => g.township_id,
            Unit::Village => g.village_id,
            Unit::Committee => g.committee_id,
            Unit::Mediator => g.mediator_id,
        }
    };
    let mut total = Acc::default();
    let mut previous = Acc::default();
    let mut by_unit: BTreeMap<Uuid, Acc> = BTreeMap::new();
    let mut by_month: BTreeMap<NaiveDate, Acc> = BTreeMap::new();
    for sum in sums.iter().flat_map(|month| month.iter()) {
        let g = &sum.group;
        if g.month >= period.from && g.month <= period.to {
            total.add(sum);
            by_unit.entry(key_of(g)).or_default().add(sum);
            by_month.entry(g.month).or_default().add(sum);
        } else {
            previous.add(sum);
        }
    }
    // Every month of the period has a row, with nothing in it or not.
    let mut m = period.from;
    while m <= period.to {
        by_month.entry(m).or_default();
        m = add_months(m, 1);
    }
    let mut out_rows: Vec<Row> = by_unit
        .into_iter()
        .map(|(id, acc)| {
            let (code, name) = label(names, unit, id);
            Row {
                code,
                name,
                indicators: acc.indicators(),
            }
        })
        .collect();
    out_rows.sort_by(|a, b| a.code.cmp(&b.code).then(a.name.cmp(&b.name)));
    Report {
        county: Place {
            code: names.county_code.clone(),
            name: names.county_name.clone(),
        },
        within,
        period: period.into(),
        unit,
        total: total.indicators(),
        previous: previous.indicators(),
        previous_period: before.into(),
        rows: out_rows,
        months: by_month
            .into_iter()
            .map(|(m, acc)| MonthRow {
                month: month_label(m),
                indicators: acc.indicators(),
            })
            .collect(),
        definitions: DEFINITIONS.iter().map(|(k, en, _)| (*k, *en)).collect(),
        definitions_zh: DEFINITIONS.iter().map(|(k, _, zh)| (*k, *zh)).collect(),
    }
}
