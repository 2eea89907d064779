//! What the indicators' readers keep in memory for a short while (30 s; the job refreshes the
//! rollups every 30 s anyway): finished reports per reach and query, each county's names, and
//! the rollups of each county's months. A report for a period nobody asked for yet is then
//! summed from months already read, so trying periods and units on the dashboard costs the
//! database one read per month, not one per question.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::result::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::public_stats::PublicFigures;
use super::stats::Report;
use crate::db;
use crate::db::stats::{Names, Sum, Within};

const FRESH_FOR: Duration = Duration::from_secs(30);
/// Beyond this many entries the stale ones are dropped, and then the oldest half.
const MOST: usize = 4000;

/// Values kept for `FRESH_FOR`, per key.
pub struct Cache<K, T> {
    entries: Mutex<HashMap<K, (Instant, Arc<T>)>>,
}

impl<K, T> Default for Cache<K, T> {
    fn default() -> Self {
        Cache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Clone, T> Cache<K, T> {
    pub fn get(&self, key: &K) -> Option<Arc<T>> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: K, value: Arc<T>) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MOST {
            map.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
        }
        if map.len() >= MOST {
            let mut ages: Vec<Instant> = map.values().map(|(at, _)| *at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            map.retain(|_, (at, _)| *at > cut);
        }
        map.insert(key, (Instant::now(), value));
    }
}

#[derive(Default)]
pub struct Memory {
    pub reports: Cache<String, Report>,
    pub public: Cache<String, PublicFigures>,
    names: Cache<Uuid, Names>,
    months: Cache<(Uuid, Within, NaiveDate), Vec<Sum>>,
    /// One reader of a county's months at a time: requests that miss together wait for the
    /// first one's read instead of all reading the same months (measured: a cold server under
    /// 200 req/s of sixty different questions answered p99 114 ms without this).
    loading: [tokio::sync::Mutex<()>; 16],
}

impl Memory {
    /// The county's names (divisions, committees, mediators).
    pub async fn names(
        &self,
        conn: &mut AsyncPgConnection,
        county_id: Uuid,
    ) -> QueryResult<Arc<Names>> {
        if let Some(hit) = self.names.get(&county_id) {
            return Ok(hit);
        }
        let names = Arc::new(db::stats::names(conn, county_id).await?);
        self.names.put(county_id, names.clone());
        Ok(names)
    }

    /// The rollups of months `from..=to` within `within`, one list per month; the months not in
    /// memory are read in one statement.
    pub async fn sums(
        &self,
        conn: &mut AsyncPgConnection,
        county_id: Uuid,
        within: Within,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<Arc<Vec<Sum>>>> {
        let months = months(from, to);
        let key = |m: NaiveDate| (county_id, within, m);
        let mut found: Vec<Option<Arc<Vec<Sum>>>> =
            months.iter().map(|m| self.months.get(&key(*m))).collect();
        if found.iter().any(Option::is_none) {
            let shard = county_id.as_u128() as usize % self.loading.len();
            let _one_reader = self.loading[shard].lock().await;
            // Another request may have read them meanwhile.
            for (slot, m) in found.iter_mut().zip(&months) {
                if slot.is_none() {
                    *slot = self.months.get(&key(*m));
                }
            }
            let missing: Vec<NaiveDate> = months
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|(m, _)| *m)
                .collect();
            if let (Some(first), Some(last)) = (missing.first(), missing.last()) {
                let mut read: HashMap<NaiveDate, Vec<Sum>> =
                    missing.iter().map(|m| (*m, Vec::new())).collect();
                for sum in db::stats::sums(conn, county_id, *first, *last, within).await? {
                    if let Some(list) = read.get_mut(&sum.group.month) {
                        list.push(sum);
                    }
                }
                for (slot, m) in found.iter_mut().zip(&months) {
                    if let Some(list) = read.remove(m) {
                        let list = Arc::new(list);
                        self.months.put(key(*m), list.clone());
                        *slot = Some(list);
                    }
                }
            }
        }
        // Every month is found or was read just now.
        Ok(found.into_iter().map(Option::unwrap_or_default).collect())
    }
}

fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = from;
    while m <= to {
        out.push(m);
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    out
}
