//! A county's deadlines: county staff read them, the county administrator changes them (the
//! engine's `Policy::check` says which values are acceptable). For the API and the admin page.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::Principal;
use crate::db;
use crate::domain::Role;
use crate::error::AppError;
use crate::workflow::Policy;

fn county_of(principal: &Principal) -> Result<Uuid, AppError> {
    match (principal.role, principal.county_id) {
        (Role::Resident, _) | (_, None) => Err(AppError::Forbidden(
            "Only county staff see the county's deadlines.".into(),
        )),
        (_, Some(county)) => Ok(county),
    }
}

pub async fn current(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
) -> Result<Policy, AppError> {
    let county = county_of(principal)?;
    Ok(db::policy::of_county(conn, county).await?)
}

pub async fn change(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<Policy, AppError> {
    let county = county_of(principal)?;
    if principal.role != Role::CountyAdmin {
        return Err(AppError::Forbidden(
            "Only the county administrator changes the deadlines.".into(),
        ));
    }
    policy.check().map_err(|r| super::refused(r, None))?;
    db::policy::save(conn, county, &policy, principal.id, now).await?;
    tracing::info!(user_id = %principal.id, "county policy changed");
    Ok(policy)
}

/// How many years after a case ends its personal data is kept, 1 to 30 (the county admin).
pub async fn change_retention(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    years: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let county = county_of(principal)?;
    if principal.role != Role::CountyAdmin {
        return Err(AppError::Forbidden(
            "Only the county administrator changes the retention period.".into(),
        ));
    }
    if !(1..=30).contains(&years) {
        return Err(AppError::Unprocessable(
            "retention_years: a whole number of years from 1 to 30.".into(),
        ));
    }
    db::policy::save_retention_years(conn, county, years, principal.id, now).await?;
    tracing::info!(user_id = %principal.id, years, "retention period changed");
    Ok(())
}

pub async fn retention(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
) -> Result<i32, AppError> {
    let county = county_of(principal)?;
    Ok(db::policy::retention_years(conn, county).await?)
}
