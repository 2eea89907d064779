//! The county's public figures (SPEC §6): no login, the county and its townships, no names of
//! people and no narratives; every count under 5 shown as "<5", with complementary
//! suppression, and a share hidden whenever a count it is made of is hidden.

use std::collections::BTreeMap;
use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::stats::{Acc, PeriodOut, Place, period};
use super::stats_memory::Memory;
use crate::db;
use crate::db::stats::Within;
use crate::error::AppError;
use crate::stats::Figure;
use crate::stats::indicators::{DEFINITIONS, Indicators};
use crate::stats::suppress::{THRESHOLD, mask};

#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
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
    /// No figure: a share without cases (`null`).
    Missing,
}

impl Shown {
    pub fn text(&self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Share(v) => format!("{:.1}%", v * 100.0),
            Shown::Hidden(t) => (*t).to_owned(),
            Shown::Missing => "—".to_owned(),
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
    pub definitions: BTreeMap<&'static str, &'static str>,
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

fn counts(acc: &Acc, i: &Indicators) -> Vec<i64> {
    let mut v: Vec<i64> = COUNTED.iter().map(|x| acc.figures.get(*x)).collect();
    v.push(i.satisfaction.distribution.iter().sum());
    v.push(i.trips_avoided.total + i.documents_produced.total);
    v
}

fn row(code: String, name: String, i: &Indicators, c: &[i64], hidden: &[bool]) -> PublicRow {
    let shown = |hide: bool, v: Shown| if hide { HIDDEN } else { v };
    let count = |k: usize| shown(hidden[k], Shown::Count(c[k]));
    // A share is shown only when both its counts are.
    let share = |num: usize, den: usize| {
        let v = if c[den] == 0 {
            Shown::Missing
        } else {
            Shown::Share((c[num] as f64 / c[den] as f64 * 10_000.0).round() / 10_000.0)
        };
        shown(hidden[num] || hidden[den], v)
    };
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
        days_median: shown(
            hidden[3],
            i.days_median
                .map_or(Shown::Missing, |d| Shown::Count(i64::from(d))),
        ),
        satisfaction_mean: shown(
            hidden[10],
            i.satisfaction.mean.map_or(Shown::Missing, Shown::Share),
        ),
        trips_avoided: shown(c[11] < THRESHOLD, Shown::Count(i.trips_avoided.total)),
        documents_produced: shown(c[11] < THRESHOLD, Shown::Count(i.documents_produced.total)),
    }
}

/// The public figures of a county (its 12-digit code, or the 6-digit prefix of case numbers).
pub async fn figures(
    conn: &mut AsyncPgConnection,
    memory: &Memory,
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
    if let Some(hit) = memory.public.get(&key) {
        return Ok(hit);
    }
    let county_id = db::stats::county_by_code(conn, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = memory.names(conn, county_id).await?;
    let sums = memory
        .sums(conn, county_id, Within::County, period.from, period.to)
        .await?;
    let mut total = Acc::default();
    // Every township is listed, with cases in the period or not.
    let mut by_township: BTreeMap<uuid::Uuid, Acc> = names
        .places
        .values()
        .filter(|p| p.level == "township")
        .map(|p| (p.id, Acc::default()))
        .collect();
    for sum in sums.iter().flat_map(|month| month.iter()) {
        total.add(sum);
        by_township
            .entry(sum.group.township_id)
            .or_default()
            .add(sum);
    }
    let total_i = total.indicators();
    let total_c = counts(&total, &total_i);
    let parts: Vec<(Indicators, Vec<i64>)> = by_township
        .values()
        .map(|a| {
            let i = a.indicators();
            let c = counts(a, &i);
            (i, c)
        })
        .collect();
    let counted: Vec<Vec<i64>> = parts.iter().map(|(_, c)| c.clone()).collect();
    let (total_hidden, hidden) = mask(&total_c, &counted);
    let mut out_rows: Vec<PublicRow> = by_township
        .iter()
        .zip(&hidden)
        .zip(&parts)
        .map(|(((id, _), h), (i, c))| {
            let (code, name) = names
                .places
                .get(id)
                .map(|p| (p.code.clone(), p.name.clone()))
                .unwrap_or_default();
            row(code, name, i, c, h)
        })
        .collect();
    out_rows.sort_by(|a, b| a.code.cmp(&b.code));
    let total_row = row(
        names.county_code.clone(),
        names.county_name.clone(),
        &total_i,
        &total_c,
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
    memory.public.put(key, figures.clone());
    Ok(figures)
}

/// The counties whose figures are published: (code, name).
pub async fn counties(conn: &mut AsyncPgConnection) -> Result<Vec<(String, String)>, AppError> {
    Ok(db::stats::counties(conn).await?)
}
