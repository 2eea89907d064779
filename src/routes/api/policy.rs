//! `GET /api/v1/policy` (staff of the county) and `PUT /api/v1/policy` (the county admin): the
//! county's deadlines in days.

use actix_web::web;
use chrono::Utc;

use crate::auth::Principal;
use crate::db;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::workflow::Policy;

fn county_of(principal: &Principal) -> AppResult<uuid::Uuid> {
    match (principal.role, principal.county_id) {
        (Role::Resident, _) | (_, None) => Err(AppError::Forbidden(
            "Only county staff see the county's deadlines.".into(),
        )),
        (_, Some(county)) => Ok(county),
    }
}

pub async fn show(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Policy>> {
    let county = county_of(&principal)?;
    let mut conn = state.pool.get().await?;
    Ok(web::Json(db::policy::of_county(&mut conn, county).await?))
}

pub async fn update(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<Policy>,
) -> AppResult<web::Json<Policy>> {
    let county = county_of(&principal)?;
    if principal.role != Role::CountyAdmin {
        return Err(AppError::Forbidden(
            "Only the county administrator changes the deadlines.".into(),
        ));
    }
    let p = body.into_inner();
    let all = [
        ("acceptance_days_village", p.acceptance_days_village),
        ("acceptance_days_township", p.acceptance_days_township),
        ("acceptance_days_county", p.acceptance_days_county),
        ("response_days", p.response_days),
        ("mediation_days", p.mediation_days),
        ("extension_days", p.extension_days),
        ("signature_days", p.signature_days),
        ("confirmation_days", p.confirmation_days),
        ("follow_up_days", p.follow_up_days),
    ];
    if let Some((name, value)) = all.iter().find(|(_, v)| !(1..=365).contains(v)) {
        return Err(AppError::Unprocessable(format!(
            "{name} is {value}: every deadline must be 1 to 365 days."
        )));
    }
    let mut conn = state.pool.get().await?;
    db::policy::save(&mut conn, county, &p, principal.id, Utc::now()).await?;
    tracing::info!(user_id = %principal.id, "county policy changed");
    Ok(web::Json(p))
}
