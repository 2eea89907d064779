//! `GET /api/v1/committee/mediators` (who works here and their open load) and
//! `GET /api/v1/calendar` (sessions of my cases; a head sees the committee's).

use actix_web::web;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::casework::lists;
use crate::error::{AppError, AppResult};
use crate::routes::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct MediatorLoad {
    id: Uuid,
    name: String,
    role: String,
    open_cases: i64,
}

fn committee(p: &Principal) -> AppResult<crate::auth::StaffScope> {
    p.committee.clone().ok_or_else(|| {
        AppError::Forbidden("Only mediators and committee heads work in a committee.".into())
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/committee/mediators",
    operation_id = "committee_mediators",
    tag = "committee",
    summary = "The committee's mediators and their open load",
    responses((status = 200, description = "Mediators", body = [MediatorLoad]), answers::Unauthorized, answers::Forbidden, answers::Unavailable),
)]
pub async fn mediators(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Vec<MediatorLoad>>> {
    let c = committee(&principal)?;
    let mut conn = state.pool.get().await?;
    let rows = lists::mediators(&mut conn, &c).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|m| MediatorLoad {
                id: m.id,
                name: m.name,
                role: m.role,
                open_cases: m.open_cases,
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct Range {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CalendarEntry)]
pub struct Entry {
    session_id: Uuid,
    at: DateTime<Utc>,
    mode: String,
    location: String,
    recorded: bool,
    case_id: Uuid,
    case_number: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/calendar",
    operation_id = "committee_calendar",
    tag = "committee",
    summary = "Sessions of my cases (a head: the committee's)",
    params(Range),
    responses((status = 200, description = "Sessions", body = [Entry]), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::Unavailable),
)]
pub async fn calendar(
    principal: Principal,
    state: web::Data<AppState>,
    range: web::Query<Range>,
) -> AppResult<web::Json<Vec<Entry>>> {
    let c = committee(&principal)?;
    // Outside these years a date is a mistake, and near the calendar's ends adding a month to
    // it would overflow.
    let plausible = |t: &Option<DateTime<Utc>>| {
        t.is_none_or(|t| (2000..2200).contains(&chrono::Datelike::year(&t)))
    };
    if !plausible(&range.from) || !plausible(&range.to) {
        return Err(AppError::BadRequest(
            "from and to must be dates between the years 2000 and 2199.".into(),
        ));
    }
    let from = range.from.unwrap_or_else(|| Utc::now() - Duration::days(1));
    let to = range.to.unwrap_or(from + Duration::days(31));
    if to <= from || to - from > Duration::days(366) {
        return Err(AppError::BadRequest(
            "to must be after from, and at most a year later.".into(),
        ));
    }
    let mut conn = state.pool.get().await?;
    let rows = lists::calendar(&mut conn, &principal, &c, from, to).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|e| Entry {
                session_id: e.session_id,
                at: e.at,
                mode: e.mode,
                location: e.location,
                recorded: e.recorded,
                case_id: e.case_id,
                case_number: e.number,
            })
            .collect(),
    ))
}
