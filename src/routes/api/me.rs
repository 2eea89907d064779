//! `GET /api/v1/me`: who the caller is, as the stable API contract says.

use actix_web::web;
use serde::Serialize;
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::workflow::Level;

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = MyCommittee)]
pub struct CommitteeView {
    id: Uuid,
    level: Level,
    division_code: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    id: Uuid,
    email: Option<String>,
    /// Masked (`138****5678`); null when the account has no number.
    phone: Option<String>,
    name: String,
    role: crate::domain::Role,
    committee: Option<CommitteeView>,
    county_code: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "me_me",
    tag = "auth",
    summary = "Who the caller is",
    responses((status = 200, description = "The caller", body = Me), answers::Unauthorized, answers::Unavailable),
)]
pub async fn me(principal: Principal) -> web::Json<Me> {
    web::Json(Me {
        id: principal.id,
        email: principal.email,
        phone: principal.phone,
        name: principal.name,
        role: principal.role,
        committee: principal.committee.map(|c| CommitteeView {
            id: c.committee_id,
            level: c.level,
            division_code: c.division_code,
        }),
        county_code: principal.county_code,
    })
}
