//! Webhook endpoints, as a county admin registers them: a URL that may be called (see
//! `address`), the case events it wants (`*` for all), and a secret made here and shown once.
//! Each event is queued for its endpoints by the statement that writes it (`db::events`).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::keys::admin_county;
use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
pub use crate::db::webhooks::{Delivery, Endpoint};
use crate::error::AppError;

/// Endpoints a county may have.
pub const MAX_ENDPOINTS: usize = 20;

/// An endpoint just made, with its secret (the only time it is shown).
pub struct NewEndpoint {
    pub endpoint: Endpoint,
    pub secret: String,
}

fn check_events(events: &[String]) -> Result<Vec<String>, AppError> {
    let refused = || {
        AppError::Unprocessable(
            "events: a list of case event kinds such as \"filed\" or \"accepted\", or [\"*\"] for every event.".into(),
        )
    };
    if events.is_empty() || events.len() > 100 {
        return Err(refused());
    }
    let mut out: Vec<String> = Vec::new();
    for e in events {
        let e = e.trim();
        let fine = e == "*"
            || (!e.is_empty()
                && e.len() <= 64
                && e.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        if !fine {
            return Err(refused());
        }
        if !out.iter().any(|o| o == e) {
            out.push(e.to_owned());
        }
    }
    Ok(out)
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    sealer: &Sealer,
    url: &str,
    events: &[String],
    production: bool,
    now: DateTime<Utc>,
) -> Result<NewEndpoint, AppError> {
    let county_id = admin_county(admin)?;
    if url.len() > 2000 {
        return Err(AppError::Unprocessable(
            "url: at most 2000 characters.".into(),
        ));
    }
    let target = super::address::resolve(url, production)
        .await
        .map_err(|e| AppError::Unprocessable(format!("url: {e}")))?;
    let events = check_events(events)?;
    if db::webhooks::of_county(conn, county_id).await?.len() >= MAX_ENDPOINTS {
        return Err(AppError::Unprocessable(format!(
            "A county may have at most {MAX_ENDPOINTS} webhook endpoints; delete one first."
        )));
    }
    let random: [u8; 32] = rand::random();
    let secret = format!("whsec_{}", hex::encode(random));
    let endpoint = Endpoint {
        county_id,
        id: Uuid::now_v7(),
        url: target.url.to_string(),
        events,
        secret_enc: sealer.seal(&secret),
        created_by: admin.id,
        created_at: now,
        failing_since: None,
        paused_at: None,
        deleted_at: None,
    };
    db::webhooks::insert(conn, &endpoint).await?;
    Ok(NewEndpoint { endpoint, secret })
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
) -> Result<Vec<Endpoint>, AppError> {
    let county_id = admin_county(admin)?;
    Ok(db::webhooks::of_county(conn, county_id).await?)
}

pub async fn delete(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let county_id = admin_county(admin)?;
    match db::webhooks::delete(conn, county_id, id, now).await? {
        true => Ok(()),
        false => Err(AppError::NotFound),
    }
}

/// Pauses or resumes an endpoint.
pub async fn pause(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    id: Uuid,
    paused: bool,
    now: DateTime<Utc>,
) -> Result<Endpoint, AppError> {
    let county_id = admin_county(admin)?;
    if !db::webhooks::set_paused(conn, county_id, id, paused.then_some(now)).await? {
        return Err(AppError::NotFound);
    }
    db::webhooks::find(conn, county_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The endpoint's deliveries, newest first.
pub async fn log(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    id: Uuid,
) -> Result<(Endpoint, Vec<Delivery>), AppError> {
    let county_id = admin_county(admin)?;
    let endpoint = db::webhooks::find(conn, county_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let log = db::webhooks::log(conn, county_id, id, 200).await?;
    Ok((endpoint, log))
}

/// Queues a delivery again (a new row for the same event); returns the new delivery's id.
pub async fn replay(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    endpoint_id: Uuid,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let county_id = admin_county(admin)?;
    db::webhooks::replay(conn, county_id, endpoint_id, delivery_id, now)
        .await?
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::check_events;

    #[test]
    fn events_are_kinds_or_everything() {
        let ok = |v: &[&str]| check_events(&v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(
            ok(&["filed", "accepted", "filed"]).unwrap(),
            ["filed", "accepted"]
        );
        assert_eq!(ok(&["*"]).unwrap(), ["*"]);
        assert!(ok(&[]).is_err());
        assert!(ok(&["Filed"]).is_err());
        assert!(ok(&["filed; drop"]).is_err());
    }
}
