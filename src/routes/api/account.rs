//! The caller's own account: password change and reset (staff), sessions (list, end all), and a
//! resident's number, address and preferred channel.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::answers;
use super::request_lang;
use super::sign_in::{CodeRequest, send_to};
use crate::accounts::session;
use crate::accounts::{contact, sign_in, staff};
use crate::auth::{Principal, login};
use crate::error::AppResult;
use crate::routes::AppState;

#[derive(Serialize, utoipa::ToSchema)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /api/v1/auth/password`: every other session ends; the answer carries a fresh one.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    operation_id = "account_change_password",
    tag = "auth",
    summary = "Change the password (staff); every other session ends",
    request_body = PasswordChange,
    responses((status = 200, description = "Signed in again", body = NewSession), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    email: String,
}

/// `POST /api/v1/auth/reset`: `202` whatever the address.
#[utoipa::path(
    post,
    path = "/api/v1/auth/reset",
    operation_id = "account_reset",
    tag = "auth",
    summary = "Mail a password-reset link (staff); 202 whether or not the address has an account",
    request_body = ResetRequest,
    responses((status = 202, description = "Accepted"), answers::BadRequest, answers::NotJson, answers::TooMany, answers::Unavailable),
    security(()),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkUse {
    token: String,
    password: String,
}

/// `POST /api/v1/auth/link`: sets the password through a reset or invitation link.
#[utoipa::path(
    post,
    path = "/api/v1/auth/link",
    operation_id = "account_use_link",
    tag = "auth",
    summary = "Use an invitation or reset link: set the password and sign in",
    request_body = LinkUse,
    responses((status = 200, description = "Signed in", body = NewSession), answers::BadRequest, answers::NotFound, answers::NotJson, answers::Unprocessable, answers::Unavailable),
    security(()),
)]
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

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SignedInSession)]
pub struct SessionView {
    #[serde(flatten)]
    session: session::SessionRow,
    /// The session this request was made with.
    current: bool,
}

/// `GET /api/v1/me/sessions`.
#[utoipa::path(
    get,
    path = "/api/v1/me/sessions",
    operation_id = "account_sessions",
    tag = "auth",
    summary = "Where the caller is signed in",
    responses((status = 200, description = "{sessions: [...]}, the current one marked", body = Object), answers::Unauthorized, answers::Unavailable),
)]
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
#[utoipa::path(
    delete,
    path = "/api/v1/me/sessions",
    operation_id = "account_end_sessions",
    tag = "auth",
    summary = "Log out everywhere, this session included",
    responses((status = 204, description = "Every session ended"), answers::Unauthorized, answers::Unavailable),
)]
pub async fn end_sessions(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    staff::end_all_sessions(&mut conn, &state.principals, &principal).await?;
    Ok(HttpResponse::NoContent()
        .cookie(session::removal(&state))
        .finish())
}

/// `POST /api/v1/me/contact/code`: a code to the new number or address (signed-in callers).
#[utoipa::path(
    post,
    path = "/api/v1/me/contact/code",
    operation_id = "account_contact_code",
    tag = "auth",
    summary = "Send a code to a new mobile number or address of the caller",
    request_body = CodeRequest,
    responses((status = 202, description = "Sent", body = super::sign_in::CodeSent), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
)]
pub async fn contact_code(
    req: HttpRequest,
    _principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<CodeRequest>,
) -> AppResult<HttpResponse> {
    send_to(&req, &state, &body).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    phone: Option<String>,
    email: Option<String>,
    code: String,
}

/// `POST /api/v1/me/contact`: sets the number or address the code was sent to.
#[utoipa::path(
    post,
    path = "/api/v1/me/contact",
    operation_id = "account_change_contact",
    tag = "auth",
    summary = "Change the number or address with the code sent to it",
    request_body = ContactChange,
    responses((status = 204, description = "Changed"), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelChoice {
    channel: String,
}

/// `PUT /api/v1/me/channel`: `"sms"` or `"email"`, for an account that has both.
#[utoipa::path(
    put,
    path = "/api/v1/me/channel",
    operation_id = "account_choose_channel",
    tag = "auth",
    summary = "Choose SMS or mail for notices (a resident with both)",
    request_body = ChannelChoice,
    responses((status = 204, description = "Chosen"), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/me/data",
    operation_id = "account_my_data",
    tag = "auth",
    summary = "Everything the service holds about the caller (PIPL art. 45): account, sessions, the cases they are a party to with their own recorded details, messages written, evidence uploaded, ratings, notifications",
    responses((status = 200, description = "One JSON document", body = Object), answers::Unauthorized, answers::Unavailable),
)]
pub async fn my_data(principal: Principal, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let data =
        crate::accounts::my_data::export(&mut conn, &state.sealer, &principal, Utc::now()).await?;
    Ok(HttpResponse::Ok().json(data))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletionRequest {
    reason: Option<String>,
}

/// `POST /api/v1/me/deletion`: ask for the account to be deleted.
#[utoipa::path(
    post,
    path = "/api/v1/me/deletion",
    operation_id = "account_request_deletion",
    tag = "auth",
    summary = "Ask for the account to be deleted (residents); the county admin decides, open cases hold it; a resident party to nothing is deleted at once",
    request_body = DeletionRequest,
    responses((status = 202, description = "{deleted, holds: [case numbers]}", body = Object), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn request_deletion(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<DeletionRequest>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let done = crate::accounts::deletion::request(
        &mut conn,
        &state.principals,
        &principal,
        body.reason.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(done))
}

/// `GET /api/v1/deletion-requests`: the county admin's pending requests with their holds.
#[utoipa::path(
    get,
    path = "/api/v1/deletion-requests",
    operation_id = "account_deletion_requests",
    tag = "staff",
    summary = "Pending deletion requests of the county, with the open cases holding each (county admin)",
    responses((status = 200, description = "Requests", body = Object), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn deletion_requests(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let pending = crate::accounts::deletion::pending(&mut conn, &principal).await?;
    Ok(HttpResponse::Ok().json(pending))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `delete` or `refuse`.
    decision: String,
    note: Option<String>,
}

/// `POST /api/v1/deletion-requests/{id}`.
#[utoipa::path(
    post,
    path = "/api/v1/deletion-requests/{id}",
    operation_id = "account_decide_deletion",
    tag = "staff",
    summary = "Delete the account (409 while open cases hold it) or refuse with a note (county admin)",
    params(("id" = Uuid, Path, description = "The request")),
    request_body = Decision,
    responses((status = 204, description = "Decided"), answers::BadRequest, answers::Unauthorized, answers::NotFound, answers::Conflict, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
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
        &state.principals,
        &principal,
        *id,
        delete,
        body.note.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
