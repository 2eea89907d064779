//! The staff second factor over the API: the step after the password (`/auth/second-factor`),
//! enrolment at login for the roles that must have one, and the caller's own enrolment.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::answers;
use crate::accounts::second_factor;
use crate::accounts::session;
use crate::auth::{Principal, login};
use crate::error::AppResult;
use crate::routes::AppState;

fn session(
    state: &AppState,
    token: String,
    claims: &crate::auth::Claims,
    extra: serde_json::Value,
) -> HttpResponse {
    let max_age = claims.exp - Utc::now().timestamp();
    let mut body = json!({ "token": token, "expires_at": claims.expires_at() });
    if let (Some(b), serde_json::Value::Object(more)) = (body.as_object_mut(), extra) {
        b.extend(more);
    }
    HttpResponse::Ok()
        .cookie(session::cookie(state, token, max_age))
        .json(body)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketCode {
    ticket: String,
    code: String,
}

/// `POST /api/v1/auth/second-factor`: the app's code (or a recovery code) after the password.
#[utoipa::path(
    post,
    path = "/api/v1/auth/second-factor",
    operation_id = "second_factor_verify",
    tag = "auth",
    summary = "After a right password for an account with a second factor: the authenticator app's code or a recovery code",
    request_body = TicketCode,
    responses((status = 200, description = "Signed in", body = Object), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
    security(()),
)]
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<TicketCode>,
) -> AppResult<HttpResponse> {
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let user = second_factor::redeem(&mut conn, &state, &body.ticket).await?;
    second_factor::verify(&mut conn, &state, &user, &body.code, now).await?;
    let (token, claims) = session::start_session(
        &mut conn,
        &state,
        &user,
        "password",
        &login::Client::of(&req),
        now,
    )
    .await?;
    Ok(session(&state, token, &claims, json!({})))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    ticket: String,
}

/// `POST /api/v1/auth/second-factor/enrol`: at a first login that must enrol.
#[utoipa::path(
    post,
    path = "/api/v1/auth/second-factor/enrol",
    operation_id = "second_factor_enrol_with_ticket",
    tag = "auth",
    summary = "A judge or county admin who must have a second factor and has none starts enrolling",
    request_body = Ticket,
    responses((status = 200, description = "The secret, the otpauth link and its QR code (SVG)", body = crate::accounts::second_factor::Enrolment), answers::BadRequest, answers::Conflict, answers::NotJson, answers::Unprocessable, answers::Unavailable),
    security(()),
)]
pub async fn enrol_with_ticket(
    state: web::Data<AppState>,
    body: web::Json<Ticket>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = second_factor::redeem(&mut conn, &state, &body.ticket).await?;
    let enrolment = second_factor::begin(&mut conn, &state, &user).await?;
    Ok(HttpResponse::Ok().json(enrolment))
}

/// `POST /api/v1/auth/second-factor/confirm`: the first code turns it on and signs in.
#[utoipa::path(
    post,
    path = "/api/v1/auth/second-factor/confirm",
    operation_id = "second_factor_confirm_with_ticket",
    tag = "auth",
    summary = "The first code turns the second factor on and signs in; the answer carries 10 recovery codes, shown once",
    request_body = TicketCode,
    responses((status = 200, description = "Signed in, with recovery_codes", body = Object), answers::BadRequest, answers::Unauthorized, answers::Conflict, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
    security(()),
)]
pub async fn confirm_with_ticket(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<TicketCode>,
) -> AppResult<HttpResponse> {
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let user = second_factor::redeem(&mut conn, &state, &body.ticket).await?;
    let codes = second_factor::confirm(&mut conn, &state, &user, &body.code, now).await?;
    let (token, claims) = session::start_session(
        &mut conn,
        &state,
        &user,
        "password",
        &login::Client::of(&req),
        now,
    )
    .await?;
    Ok(session(
        &state,
        token,
        &claims,
        json!({ "recovery_codes": codes }),
    ))
}

/// `POST /api/v1/me/second-factor`: start enrolling an authenticator app.
#[utoipa::path(
    post,
    path = "/api/v1/me/second-factor",
    operation_id = "second_factor_enrol",
    tag = "auth",
    summary = "Start enrolling an authenticator app (staff)",
    responses((status = 200, description = "The secret, the otpauth link and its QR code (SVG)", body = crate::accounts::second_factor::Enrolment), answers::Unauthorized, answers::Conflict, answers::Unprocessable, answers::Unavailable),
)]
pub async fn enrol(principal: Principal, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = crate::accounts::account_of(&mut conn, &principal).await?;
    Ok(HttpResponse::Ok().json(second_factor::begin(&mut conn, &state, &user).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SecondFactorCode)]
pub struct Code {
    code: String,
}

/// `POST /api/v1/me/second-factor/confirm`: the first code turns it on.
#[utoipa::path(
    post,
    path = "/api/v1/me/second-factor/confirm",
    operation_id = "second_factor_confirm",
    tag = "auth",
    summary = "The first code turns the second factor on",
    request_body = Code,
    responses((status = 200, description = "{recovery_codes}, shown once", body = Object), answers::BadRequest, answers::Unauthorized, answers::Conflict, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
)]
pub async fn confirm(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<Code>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = crate::accounts::account_of(&mut conn, &principal).await?;
    let codes = second_factor::confirm(&mut conn, &state, &user, &body.code, Utc::now()).await?;
    Ok(HttpResponse::Ok().json(json!({ "recovery_codes": codes })))
}

/// `DELETE /api/v1/me/second-factor` with `{code}`.
#[utoipa::path(
    delete,
    path = "/api/v1/me/second-factor",
    operation_id = "second_factor_turn_off",
    tag = "auth",
    summary = "Turn the second factor off with a current code (not for judges and county admins in production)",
    request_body = Code,
    responses((status = 204, description = "Off"), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
)]
pub async fn turn_off(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<Code>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = crate::accounts::account_of(&mut conn, &principal).await?;
    second_factor::turn_off(&mut conn, &state, &user, &body.code, Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
