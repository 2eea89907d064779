//! `POST /api/v1/auth/code` and `POST /api/v1/auth/code/verify`: signing in with a one-time code
//! sent to a mobile number or an email address (SPEC §7, "Residents without a password").

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::answers;
use crate::accounts::session;
use crate::accounts::sign_in;
use crate::auth::login;
use crate::error::AppResult;
use crate::routes::AppState;

/// The language a code's text is written in: the caller's `Accept-Language`, else Chinese.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    phone: Option<String>,
    email: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CodeSent {
    /// Where the code went, masked (`138****5678`).
    sent_to: String,
    expires_in_seconds: i64,
}

/// `202` whether or not an account exists; `429` with `Retry-After` beyond the limits.
#[utoipa::path(
    post,
    path = "/api/v1/auth/code",
    operation_id = "sign_in_send",
    tag = "auth",
    summary = "Send a six-digit sign-in code by SMS or mail; 202 whether or not an account exists",
    request_body = CodeRequest,
    responses((status = 202, description = "The code was handed to the gateway", body = CodeSent), answers::BadRequest, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
    security(()),
)]
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<CodeRequest>,
) -> AppResult<HttpResponse> {
    send_to(&req, &state, &body).await
}

/// Sends a code to the destination of `body` (signing in, or proving a new number or address).
pub async fn send_to(
    req: &HttpRequest,
    state: &AppState,
    body: &CodeRequest,
) -> AppResult<HttpResponse> {
    let to = sign_in::destination(body.phone.as_deref(), body.email.as_deref())?;
    let mut conn = state.pool.get().await?;
    sign_in::send_code(
        &mut conn,
        state,
        &to,
        &login::Client::of(req),
        super::request_lang(req, None),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(CodeSent {
        sent_to: to.masked(),
        expires_in_seconds: sign_in::CODE_MINUTES * 60,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    phone: Option<String>,
    email: Option<String>,
    code: String,
    /// Required when the account is new.
    name: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Verified {
    token: String,
    expires_at: chrono::DateTime<Utc>,
    new_account: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/code/verify",
    operation_id = "sign_in_verify",
    tag = "auth",
    summary = "Check the code and start a session; the first success makes the resident account (name asked then)",
    request_body = VerifyRequest,
    responses((status = 200, description = "Signed in", body = Verified), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
    security(()),
)]
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<VerifyRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let to = sign_in::destination(body.phone.as_deref(), body.email.as_deref())?;
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let done = sign_in::verify_code(
        &mut conn,
        &state,
        sign_in::Answer {
            to: &to,
            code: &body.code,
            name: body.name.as_deref(),
        },
        &login::Client::of(&req),
        super::request_lang(&req, None),
        now,
    )
    .await?;
    let max_age = done.claims.exp - now.timestamp();
    Ok(HttpResponse::Ok()
        .cookie(session::cookie(&state, done.token.clone(), max_age))
        .json(Verified {
            token: done.token,
            expires_at: done.claims.expires_at(),
            new_account: done.new_account,
        }))
}
