//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{Audience, Principal, SESSION_COOKIE, password, rate_limit};
use crate::db;
use crate::domain::Email;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize)]
pub struct LoginResponse {
    token: String,
    expires_at: chrono::DateTime<Utc>,
}

fn session_cookie(state: &AppState, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.is_production())
        .max_age(time::Duration::seconds(max_age_secs))
        .finish()
}

/// The address the connection came from; forwarded headers are not trusted for throttling.
fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest {
        email,
        password: given,
    } = body.into_inner();
    let email = Email::parse(&email).map_err(|_| AppError::BadCredentials)?;
    let address = client_address(&req);
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    rate_limit::check(&mut conn, email.as_str(), &address, now).await?;
    let user = db::users::by_email(&mut conn, email.as_str()).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = web::block(move || password::verify(&given, stored.as_deref())).await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            rate_limit::failed(&mut conn, email.as_str(), &address).await?;
            tracing::info!(user_known = false, "login refused");
            return Err(AppError::BadCredentials);
        }
    };
    rate_limit::succeeded(&mut conn, email.as_str()).await?;
    let lifetime = Duration::minutes(state.config.session_minutes);
    let (token, claims) = state
        .keys
        .issue(
            Audience::Session,
            &user.id.to_string(),
            user.token_version,
            now,
            lifetime,
        )
        .map_err(AppError::internal)?;
    tracing::info!(user_id = %user.id, "logged in");
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(
            &state,
            token.clone(),
            lifetime.num_seconds(),
        ))
        .json(LoginResponse {
            token,
            expires_at: claims.expires_at(),
        }))
}

/// Revokes the token used for this request and clears the cookie.
pub async fn logout(principal: Principal, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    db::users::revoke_token(&mut conn, principal.token.jti, principal.token.expires_at()).await?;
    let mut gone = session_cookie(&state, String::new(), 0);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}
