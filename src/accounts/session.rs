//! Logging in, for the API and the login page alike: throttle, verify off the async threads
//! (with a dummy hash for unknown accounts), issue a session token, and the cookie that carries
//! it for pages. Every way in (password, one-time code, second factor, account link) ends in
//! `start_session`.

use actix_web::cookie::{Cookie, SameSite, time};
use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;

use crate::auth::login::Client;
use crate::auth::{Audience, Claims, SESSION_COOKIE, password, rate_limit};
use crate::db;
use crate::domain::Email;
use crate::error::AppError;
use crate::services::Services;

/// Issues a session token for an account and records the session in its list.
pub async fn start_session(
    conn: &mut AsyncPgConnection,
    state: &Services,
    user: &db::users::UserRow,
    method: &str,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<(String, Claims), AppError> {
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
    db::sessions::record(
        conn,
        claims.jti,
        user.id,
        now,
        claims.expires_at(),
        method,
        &client.user_agent,
    )
    .await?;
    tracing::info!(user_id = %user.id, method, "signed in");
    Ok((token, claims))
}

/// What a right password gives: a session, or — for an account with a second factor, or one
/// that must enrol one — a five-minute ticket for the next step.
pub enum Outcome {
    Session(String, Claims),
    SecondFactor { ticket: String, enrol: bool },
}

/// A session (or a second-factor ticket) for the account, or one generic refusal whatever was
/// wrong.
pub async fn attempt(
    conn: &mut AsyncPgConnection,
    state: &Services,
    email: &str,
    given: String,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let address = client.address.as_str();
    let email = Email::parse(email).map_err(|_| AppError::BadCredentials)?;
    let attempt = match rate_limit::reserve_login(conn, email.as_str(), address, now).await {
        Ok(a) => a,
        Err(AppError::Locked) => {
            super::staff::send_unlock(conn, state, email.as_str(), now).await;
            return Err(AppError::Locked);
        }
        Err(e) => return Err(e),
    };
    let user = db::users::by_email(conn, email.as_str()).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = match password::verify_bounded(given, stored).await {
        Ok(ok) => ok,
        Err(e) => {
            // Refused for load, not for the password: the attempt does not count.
            attempt.release(conn).await?;
            return Err(e);
        }
    };
    let user = match (ok, user) {
        // A deactivated account answers like a wrong password: nothing to learn from it.
        (true, Some(user)) if user.deactivated_at.is_none() => user,
        _ => {
            attempt.keep();
            tracing::info!("login refused");
            return Err(AppError::BadCredentials);
        }
    };
    attempt.release(conn).await?;
    rate_limit::succeeded(conn, email.as_str(), address).await?;
    let must_enrol = crate::domain::Role::parse(&user.role)
        .is_some_and(|r| super::second_factor::required(state, r));
    if user.totp_enabled_at.is_some() || must_enrol {
        let ticket = super::second_factor::ticket(state, &user, now)?;
        return Ok(Outcome::SecondFactor {
            ticket,
            enrol: user.totp_enabled_at.is_none(),
        });
    }
    let (token, claims) = start_session(conn, state, &user, "password", client, now).await?;
    Ok(Outcome::Session(token, claims))
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure in production.
pub fn cookie(state: &Services, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.is_production())
        .max_age(time::Duration::seconds(max_age_secs))
        .finish()
}

/// A cookie that removes the session cookie.
pub fn removal(state: &Services) -> Cookie<'static> {
    let mut gone = cookie(state, String::new(), 0);
    gone.make_removal();
    gone
}

pub use crate::db::sessions::SessionRow;

/// The account's sessions that have not ended, newest first.
pub async fn live(
    conn: &mut AsyncPgConnection,
    user_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<SessionRow>, AppError> {
    Ok(db::sessions::live(conn, user_id, now).await?)
}
