//! The county's public figures (SPEC §6): no login, the county and its townships, no names of
//! people and no narratives; every count under 5 shown as "<5", with complementary
//! suppression, and a share hidden whenever a count it is made of is hidden.

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::stats::{Cache, PeriodOut, Place, period};
use crate::db;
use crate::db::stats::Within;
use crate::error::AppError;
use crate::stats::indicators::{DEFINITIONS, indicators, quantile};
use crate::stats::suppress::{THRESHOLD, mask};
use crate::stats::{Figure, Figures};

#[derive(Debug, Default, Clone, Deserialize)]
pub struct PublicQuery {
    pub county: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A published cell: a number, or "<5" where it is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Shown {
    Count(i64),
    Share(f64),
    Hidden(&'static str),
    None(Option<()>),
}

impl Shown {
    pub fn text(&self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Share(v) => format!("{:.1}%", v * 100.0),
            Shown::Hidden(t) => (*t).to_owned(),
            Shown::None(_) => "—".to_owned(),
        }
    }
}

const HIDDEN: Shown = Shown::Hidden("<5");

#[derive(Debug, Clone, Serialize)]
pub struct PublicRow {
    pub code: String,
    pub name: String,
    pub filed: Shown,
    pub accepted: Shown,
    pub ended: Shown,
    pub resolved: Shown,
    pub pushed_up: Shown,
    pub open: Shown,
    pub resolved_in_village_rate: Shown,
    pub resolved_in_township_rate: Shown,
    pub pushed_up_rate: Shown,
    pub escalation_rate: Shown,
    pub days_median: Shown,
    pub satisfaction_mean: Shown,
    pub trips_avoided: Shown,
    pub documents_produced: Shown,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicFigures {
    pub county: Place,
    pub period: PeriodOut,
    pub total: PublicRow,
    pub rows: Vec<PublicRow>,
    pub definitions: std::collections::BTreeMap<&'static str, &'static str>,
    #[serde(skip)]
    pub etag: String,
}

/// The counts suppression looks at, in this order: filed, accepted, ended, resolved, pushed up,
/// open, resolved in the village, resolved in the township, accepted in the village, left the
/// village, ratings, and trips and documents together.
const COUNTED: [Figure; 10] = [
    Figure::Filed,
    Figure::Accepted,
    Figure::Ended,
    Figure::Resolved,
    Figure::PushedUp,
    Figure::Open,
    Figure::ResolvedVillage,
    Figure::ResolvedTownship,
    Figure::AcceptedVillage,
    Figure::LeftVillage,
];

fn counts(f: &Figures) -> Vec<i64> {
    let ratings = f.get(Figure::Rating1)
        + f.get(Figure::Rating2)
        + f.get(Figure::Rating3)
        + f.get(Figure::Rating4)
        + f.get(Figure::Rating5);
    let mut v: Vec<i64> = COUNTED.iter().map(|x| f.get(*x)).collect();
    v.push(ratings);
    v.push(trips(f) + documents(f));
    v
}

fn trips(f: &Figures) -> i64 {
    [
        Figure::TripsFiling,
        Figure::TripsSession,
        Figure::TripsSignature,
        Figure::TripsEvidence,
        Figure::TripsDocument,
    ]
    .iter()
    .map(|x| f.get(*x))
    .sum()
}

fn documents(f: &Figures) -> i64 {
    [
        Figure::DocApplication,
        Figure::DocAcceptance,
        Figure::DocSessionRecord,
        Figure::DocAgreement,
        Figure::DocFollowUp,
        Figure::DocCaseFile,
    ]
    .iter()
    .map(|x| f.get(*x))
    .sum()
}

fn row(
    code: String,
    name: String,
    f: &Figures,
    days: &std::collections::BTreeMap<i32, i64>,
    hidden: &[bool],
) -> PublicRow {
    let c = counts(f);
    let count = |i: usize| {
        if hidden[i] {
            HIDDEN
        } else {
            Shown::Count(c[i])
        }
    };
    // A share is shown only when both its counts are.
    let share = |num: usize, den: usize| {
        if hidden[num] || hidden[den] {
            HIDDEN
        } else if c[den] == 0 {
            Shown::None(None)
        } else {
            Shown::Share((c[num] as f64 / c[den] as f64 * 10_000.0).round() / 10_000.0)
        }
    };
    let i = indicators(f, days);
    PublicRow {
        code,
        name,
        filed: count(0),
        accepted: count(1),
        ended: count(2),
        resolved: count(3),
        pushed_up: count(4),
        open: count(5),
        resolved_in_village_rate: share(6, 2),
        resolved_in_township_rate: share(7, 2),
        pushed_up_rate: share(4, 2),
        escalation_rate: share(9, 8),
        days_median: if hidden[3] {
            HIDDEN
        } else {
            quantile(days, 0.5).map_or(Shown::None(None), |d| Shown::Count(i64::from(d)))
        },
        satisfaction_mean: if hidden[10] {
            HIDDEN
        } else {
            i.satisfaction.mean.map_or(Shown::None(None), Shown::Share)
        },
        trips_avoided: if c[11] < THRESHOLD {
            HIDDEN
        } else {
            Shown::Count(trips(f))
        },
        documents_produced: if c[11] < THRESHOLD {
            HIDDEN
        } else {
            Shown::Count(documents(f))
        },
    }
}

/// The public figures of a county (its 12-digit code, or the 6-digit prefix of case numbers).
pub async fn figures(
    conn: &mut AsyncPgConnection,
    cache: &Cache<PublicFigures>,
    q: &PublicQuery,
) -> Result<Arc<PublicFigures>, AppError> {
    let code = q
        .county
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            AppError::BadRequest("county is needed: its division code, like 330681000000".into())
        })?;
    if !(code.len() == 6 || code.len() == 12) || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::NotFound);
    }
    let period = period(q.from.as_deref(), q.to.as_deref())?;
    let key = format!("{code}|{period:?}");
    if let Some(hit) = cache.get(&key) {
        return Ok(hit);
    }
    let county_id = db::stats::county_by_code(conn, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = db::stats::names(conn, county_id).await?;
    let rows = db::stats::rollups(conn, county_id, period.from, period.to, Within::County).await?;
    let days = db::stats::days(conn, county_id, period.from, period.to, Within::County).await?;
    let mut total = Figures::default();
    let mut total_days = std::collections::BTreeMap::new();
    let mut by_township: std::collections::BTreeMap<
        uuid::Uuid,
        (Figures, std::collections::BTreeMap<i32, i64>),
    > = std::collections::BTreeMap::new();
    // Every township is listed, with cases in the period or not.
    for p in names.places.values().filter(|p| p.level == "township") {
        by_township.entry(p.id).or_default();
    }
    for r in &rows {
        total.merge(&r.figures);
        by_township
            .entry(r.township_id)
            .or_default()
            .0
            .merge(&r.figures);
    }
    for (r, d, n) in &days {
        *total_days.entry(*d).or_insert(0) += i64::from(*n);
        *by_township
            .entry(r.township_id)
            .or_default()
            .1
            .entry(*d)
            .or_insert(0) += i64::from(*n);
    }
    let parts: Vec<Vec<i64>> = by_township.values().map(|(f, _)| counts(f)).collect();
    let (total_hidden, hidden) = mask(&counts(&total), &parts);
    let mut out_rows: Vec<PublicRow> = by_township
        .iter()
        .zip(&hidden)
        .map(|((id, (f, d)), h)| {
            let (code, name) = names
                .places
                .get(id)
                .map(|p| (p.code.clone(), p.name.clone()))
                .unwrap_or_default();
            row(code, name, f, d, h)
        })
        .collect();
    out_rows.sort_by(|a, b| a.code.cmp(&b.code));
    let total_row = row(
        names.county_code.clone(),
        names.county_name.clone(),
        &total,
        &total_days,
        &total_hidden,
    );
    let mut figures = PublicFigures {
        county: Place {
            code: names.county_code.clone(),
            name: names.county_name.clone(),
        },
        period: period.into(),
        total: total_row,
        rows: out_rows,
        definitions: DEFINITIONS.iter().map(|(k, en, _)| (*k, *en)).collect(),
        etag: String::new(),
    };
    let body = serde_json::to_vec(&figures).map_err(AppError::internal)?;
    figures.etag = hex::encode(&Sha256::digest(&body)[..12]);
    let figures = Arc::new(figures);
    cache.put(key, figures.clone());
    Ok(figures)
}

/// The counties whose figures are published: (code, name).
pub async fn counties(conn: &mut AsyncPgConnection) -> Result<Vec<(String, String)>, AppError> {
    Ok(db::stats::counties(conn).await?)
}
