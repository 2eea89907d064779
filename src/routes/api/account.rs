//! The caller's own account: password change and reset (staff), sessions (list, end all), and a
//! resident's number, address and preferred channel.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::request_lang;
use super::sign_in::{CodeRequest, send_to};
use crate::accounts::session;
use crate::accounts::{contact, sign_in, staff};
use crate::auth::{Principal, login};
use crate::error::AppResult;
use crate::routes::AppState;

#[derive(Serialize)]
pub struct NewSession {
    token: String,
    expires_at: chrono::DateTime<Utc>,
}

fn signed_in(state: &AppState, token: String, claims: &crate::auth::Claims) -> HttpResponse {
    let max_age = claims.exp - Utc::now().timestamp();
    HttpResponse::Ok()
        .cookie(session::cookie(state, token.clone(), max_age))
        .json(NewSession {
            token,
            expires_at: claims.expires_at(),
        })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /api/v1/auth/password`: every other session ends; the answer carries a fresh one.
pub async fn change_password(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<PasswordChange>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let mut conn = state.pool.get().await?;
    let (token, claims) = staff::change_password(
        &mut conn,
        &state,
        &principal,
        body.current,
        body.new,
        &login::Client::of(&req),
        Utc::now(),
    )
    .await?;
    Ok(signed_in(&state, token, &claims))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    email: String,
}

/// `POST /api/v1/auth/reset`: `202` whatever the address.
pub async fn reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<ResetRequest>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    staff::request_reset(
        &mut conn,
        &state,
        &body.email,
        &login::Client::of(&req),
        request_lang(&req, None),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({
        "message": "If this address belongs to a staff account, a link to set a new password is on its way."
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkUse {
    token: String,
    password: String,
}

/// `POST /api/v1/auth/link`: sets the password through a reset or invitation link.
pub async fn use_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LinkUse>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let mut conn = state.pool.get().await?;
    let (token, claims) = staff::use_link(
        &mut conn,
        &state,
        &body.token,
        body.password,
        &login::Client::of(&req),
        Utc::now(),
    )
    .await?;
    Ok(signed_in(&state, token, &claims))
}

#[derive(Serialize)]
pub struct SessionView {
    #[serde(flatten)]
    session: session::SessionRow,
    /// The session this request was made with.
    current: bool,
}

/// `GET /api/v1/me/sessions`.
pub async fn sessions(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<web::Json<serde_json::Value>> {
    let mut conn = state.pool.get().await?;
    let rows = session::live(&mut conn, principal.id, Utc::now()).await?;
    let sessions: Vec<SessionView> = rows
        .into_iter()
        .map(|s| SessionView {
            current: s.jti == principal.token.jti,
            session: s,
        })
        .collect();
    Ok(web::Json(serde_json::json!({ "sessions": sessions })))
}

/// `DELETE /api/v1/me/sessions`: log out everywhere, this session included.
pub async fn end_sessions(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    staff::end_all_sessions(&mut conn, &principal).await?;
    Ok(HttpResponse::NoContent()
        .cookie(session::removal(&state))
        .finish())
}

/// `POST /api/v1/me/contact/code`: a code to the new number or address (signed-in callers).
pub async fn contact_code(
    req: HttpRequest,
    _principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<CodeRequest>,
) -> AppResult<HttpResponse> {
    send_to(&req, &state, &body).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    phone: Option<String>,
    email: Option<String>,
    code: String,
}

/// `POST /api/v1/me/contact`: sets the number or address the code was sent to.
pub async fn change_contact(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<ContactChange>,
) -> AppResult<HttpResponse> {
    let to = sign_in::destination(body.phone.as_deref(), body.email.as_deref())?;
    let mut conn = state.pool.get().await?;
    contact::change(&mut conn, &state, &principal, &to, &body.code, Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelChoice {
    channel: String,
}

/// `PUT /api/v1/me/channel`: `"sms"` or `"email"`, for an account that has both.
pub async fn choose_channel(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<ChannelChoice>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    contact::choose_channel(&mut conn, &principal, &body.channel).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/v1/me/data`: everything held about the caller, as JSON.
pub async fn my_data(principal: Principal, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let data =
        crate::accounts::my_data::export(&mut conn, &state.sealer, &principal, Utc::now()).await?;
    Ok(HttpResponse::Ok().json(data))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletionRequest {
    reason: Option<String>,
}

/// `POST /api/v1/me/deletion`: ask for the account to be deleted.
pub async fn request_deletion(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<DeletionRequest>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let done = crate::accounts::deletion::request(
        &mut conn,
        &principal,
        body.reason.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(done))
}

/// `GET /api/v1/deletion-requests`: the county admin's pending requests with their holds.
pub async fn deletion_requests(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let pending = crate::accounts::deletion::pending(&mut conn, &principal).await?;
    Ok(HttpResponse::Ok().json(pending))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `delete` or `refuse`.
    decision: String,
    note: Option<String>,
}

/// `POST /api/v1/deletion-requests/{id}`.
pub async fn decide_deletion(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
    body: web::Json<Decision>,
) -> AppResult<HttpResponse> {
    let delete = match body.decision.as_str() {
        "delete" => true,
        "refuse" => false,
        other => {
            return Err(crate::error::AppError::Unprocessable(format!(
                "decision {other:?}: \"delete\" or \"refuse\"."
            )));
        }
    };
    let mut conn = state.pool.get().await?;
    crate::accounts::deletion::decide(
        &mut conn,
        &principal,
        *id,
        delete,
        body.note.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
