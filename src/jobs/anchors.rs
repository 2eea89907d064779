//! Once a day, each county's history is anchored: the keyed root over every case's last event
//! at or before midnight (local time, `TIME_ZONE`) is written to `history_anchors` and mailed to the
//! county's judges and administrators, in one transaction. Run on several nodes at once it writes
//! each anchor once (the key is the county and the cutoff).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use crate::db;
use crate::db::anchors::Anchor;
use crate::domain::Role;
use crate::notify::outbox::enqueue_to_county_staff;
use crate::notify::render::ANCHOR_KIND;
use crate::workflow::local_zone;

/// The last midnight (local time, `TIME_ZONE`) at or before `now`.
pub fn cutoff_for(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&local_zone());
    let midnight = local.date_naive().and_time(NaiveTime::MIN);
    (midnight - Duration::hours(8)).and_utc()
}

/// Writes the anchors due at `now`; returns how many were written.
pub async fn run(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    anchor_at(conn, cutoff_for(now), now).await
}

/// Anchors every county's history as it stood at `cutoff`, where not done yet.
pub async fn anchor_at(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let keys = db::events::keys();
    let key_id = keys.current_id().to_owned();
    let Some(key) = keys.key(&key_id).copied() else {
        return Ok(0);
    };
    let mut written = 0;
    for (county_id, county) in db::divisions::counties(conn).await? {
        if db::anchors::latest_cutoff(conn, county_id)
            .await?
            .is_some_and(|c| c >= cutoff)
        {
            continue;
        }
        let (cases, root) = db::anchors::root(conn, county_id, cutoff, &key).await?;
        let anchor = Anchor {
            county_id,
            cutoff,
            cases,
            root,
            key_id: key_id.clone(),
        };
        let day = cutoff
            .with_timezone(&local_zone())
            .format("%Y-%m-%d")
            .to_string();
        let payload = json!({
            "county": county, "day": day, "cutoff": cutoff.with_timezone(&local_zone()).to_rfc3339(),
            "cases": cases, "root": anchor.root, "key_id": key_id,
        });
        let fresh = conn
            .transaction::<bool, diesel::result::Error, _>(async |conn| {
                if !db::anchors::insert(conn, &anchor, now).await? {
                    return Ok(false);
                }
                enqueue_to_county_staff(
                    conn,
                    county_id,
                    &[Role::Judge.as_str(), Role::CountyAdmin.as_str()],
                    ANCHOR_KIND,
                    payload,
                    now,
                )
                .await?;
                Ok(true)
            })
            .await?;
        if fresh {
            written += 1;
            tracing::info!(county_id = %county_id, cases, "history anchored");
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_the_last_midnight_in_china() {
        let t = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.with_timezone(&Utc))
                .ok()
        };
        // 01:30 on the 29th in Beijing is 17:30 on the 28th UTC: the cutoff is the 29th, 00:00.
        assert_eq!(
            Some(cutoff_for(t("2026-11-28T17:30:00Z").unwrap_or_default())),
            t("2026-11-28T16:00:00Z")
        );
        assert_eq!(
            Some(cutoff_for(t("2026-11-28T15:59:59Z").unwrap_or_default())),
            t("2026-11-27T16:00:00Z")
        );
    }
}
