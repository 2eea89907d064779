//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::answers;
use crate::accounts::session;
use crate::auth::{Principal, login};
use crate::error::AppResult;
use crate::routes::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    token: String,
    expires_at: chrono::DateTime<Utc>,
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    operation_id = "auth_login",
    tag = "auth",
    summary = "Log in with email and password; returns a token and sets the session cookie",
    request_body = LoginRequest,
    responses((status = 200, description = "Logged in (or {second_factor, ticket} when a second step is needed)", body = LoginResponse), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::TooMany, answers::Unavailable),
    security(()),
)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { email, password } = body.into_inner();
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let outcome = session::attempt(
        &mut conn,
        &state,
        &email,
        password,
        &login::Client::of(&req),
        now,
    )
    .await?;
    let (token, claims) = match outcome {
        session::Outcome::Session(token, claims) => (token, claims),
        session::Outcome::SecondFactor { ticket, enrol } => {
            // The stable answer gains a second shape for accounts with a second factor: no
            // token yet, and the next step to take with the ticket.
            return Ok(HttpResponse::Ok().json(serde_json::json!({
                "second_factor": if enrol { "enrol" } else { "totp" },
                "ticket": ticket,
                "expires_in_seconds": crate::accounts::second_factor::TICKET_MINUTES * 60,
            })));
        }
    };
    let max_age = claims.exp - now.timestamp();
    Ok(HttpResponse::Ok()
        .cookie(session::cookie(&state, token.clone(), max_age))
        .json(LoginResponse {
            token,
            expires_at: claims.expires_at(),
        }))
}

/// Revokes the token used for this request and clears the cookie.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    operation_id = "auth_logout",
    tag = "auth",
    summary = "Revoke the token used for this request",
    responses((status = 204, description = "Logged out"), answers::Unauthorized, answers::Unavailable),
)]
pub async fn logout(principal: Principal, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    login::logout(&mut conn, &state.principals, &principal.token).await?;
    Ok(HttpResponse::NoContent()
        .cookie(session::removal(&state))
        .finish())
}
