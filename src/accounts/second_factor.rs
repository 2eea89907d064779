//! The second factor for staff (TOTP, RFC 6238, any authenticator app): enrolment shows a QR
//! code of the `otpauth://` link (an SVG made here; nothing leaves the service), the first right
//! code turns it on and gives ten single-use recovery codes. Once on, a right password gives
//! only a five-minute ticket, and the session comes with the code. Required for judges and
//! county administrators in production (their first login enrols them); optional for mediators.

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rand::RngExt;
use serde::Serialize;
use totp_rs::{Builder, Secret, Totp};
use uuid::Uuid;

use crate::auth::{Audience, rate_limit};
use crate::db;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::Services;

pub const ISSUER: &str = "枫桥在线调解";
pub const TICKET_MINUTES: i64 = 5;
pub const RECOVERY_CODES: usize = 10;

/// What enrolment shows: the secret (to type in by hand), the link and its QR code.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

/// Whether this role must use a second factor here.
pub fn required(state: &Services, role: Role) -> bool {
    state.config.is_production() && matches!(role, Role::Judge | Role::CountyAdmin)
}

fn totp(secret_base32: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_base32).map_err(AppError::internal)?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', " "))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| AppError::internal(anyhow::anyhow!("TOTP: {e:?}")))
}

fn unix(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

/// A five-minute ticket between the password and the second factor.
pub fn ticket(
    state: &Services,
    user: &db::users::UserRow,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    state
        .keys
        .issue(
            Audience::SecondFactor,
            &user.id.to_string(),
            user.token_version,
            now,
            Duration::minutes(TICKET_MINUTES),
        )
        .map(|(t, _)| t)
        .map_err(AppError::internal)
}

/// The account a ticket stands for, if the ticket is genuine, current and the account unchanged.
pub async fn redeem(
    conn: &mut AsyncPgConnection,
    state: &Services,
    ticket: &str,
) -> Result<db::users::UserRow, AppError> {
    let expired =
        || AppError::Unprocessable("ticket: this sign-in has expired; log in again.".into());
    let claims = state
        .keys
        .verify(ticket, Audience::SecondFactor)
        .map_err(|_| expired())?;
    let id = claims.subject().ok_or_else(expired)?;
    let user = db::users::by_id(conn, id).await?.ok_or_else(expired)?;
    if user.token_version != claims.ver || user.deactivated_at.is_some() {
        return Err(expired());
    }
    Ok(user)
}

/// Starts (or restarts) enrolment: a new secret, not on until confirmed.
pub async fn begin(
    conn: &mut AsyncPgConnection,
    state: &Services,
    user: &db::users::UserRow,
) -> Result<Enrolment, AppError> {
    if user.role == Role::Resident.as_str() {
        return Err(AppError::Unprocessable(
            "A second factor is for staff accounts; residents sign in with a code.".into(),
        ));
    }
    if user.totp_enabled_at.is_some() {
        return Err(AppError::conflict(
            "The second factor is on already; turn it off first to enrol a new app.",
        ));
    }
    let bytes: [u8; 20] = rand::random();
    let secret = Secret::new(Box::new(bytes)).to_base32();
    db::second_factor::set_pending(conn, user.id, &state.sealer.seal(&secret)).await?;
    let account = user.email.clone().unwrap_or_else(|| user.name.clone());
    let otpauth_url = totp(&secret, &account)?
        .to_url()
        .map_err(|e| AppError::internal(anyhow::anyhow!("TOTP URL: {e:?}")))?;
    let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map_err(AppError::internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(Enrolment {
        secret,
        otpauth_url,
        qr_svg,
    })
}

fn secret_of(state: &Services, sealed: Option<Vec<u8>>) -> Result<String, AppError> {
    let sealed = sealed.ok_or_else(|| {
        AppError::Unprocessable("Start the enrolment first: no authenticator app is set up.".into())
    })?;
    state.sealer.open(&sealed).map_err(AppError::internal)
}

/// Five wrong codes in 15 minutes stop further tries for the account.
async fn guard<T>(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
    attempt: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let try_ = rate_limit::reserve_second_factor(conn, user_id, now).await?;
    match attempt(conn).await {
        Ok(v) => {
            try_.release(conn).await?;
            Ok(v)
        }
        Err(e @ AppError::InvalidCode) => {
            try_.keep();
            Err(e)
        }
        Err(e) => {
            try_.release(conn).await?;
            Err(e)
        }
    }
}

/// The first right code turns the factor on; returns the recovery codes (shown once).
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    state: &Services,
    user: &db::users::UserRow,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let (sealed, enabled, _) = db::second_factor::of_user(conn, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if enabled.is_some() {
        return Err(AppError::conflict("The second factor is on already."));
    }
    let secret = secret_of(state, sealed)?;
    let account = user.email.clone().unwrap_or_else(|| user.name.clone());
    let totp = totp(&secret, &account)?;
    guard(conn, user.id, now, async |conn| {
        let step = totp
            .check(code.trim(), unix(now))
            .ok_or(AppError::InvalidCode)?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| recovery_hash(state, user.id, c))
            .collect();
        conn.transaction::<_, AppError, _>(async |conn| {
            if !db::second_factor::accept_step(conn, user.id, i64::try_from(step).unwrap_or(0))
                .await?
            {
                return Err(AppError::InvalidCode);
            }
            db::second_factor::enable(conn, user.id, now, &hashes).await?;
            Ok(())
        })
        .await?;
        tracing::info!(user_id = %user.id, "second factor turned on");
        Ok(codes)
    })
    .await
}

/// Checks a code of the authenticator app (once per time step) or a recovery code (once).
pub async fn verify(
    conn: &mut AsyncPgConnection,
    state: &Services,
    user: &db::users::UserRow,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (sealed, enabled, _) = db::second_factor::of_user(conn, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if enabled.is_none() {
        return Err(AppError::Unprocessable(
            "The second factor is not on.".into(),
        ));
    }
    let secret = secret_of(state, sealed)?;
    let account = user.email.clone().unwrap_or_else(|| user.name.clone());
    let totp = totp(&secret, &account)?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    guard(conn, user.id, now, async |conn| {
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            let step = totp.check(&code, unix(now)).ok_or(AppError::InvalidCode)?;
            if db::second_factor::accept_step(conn, user.id, i64::try_from(step).unwrap_or(0))
                .await?
            {
                return Ok(());
            }
            return Err(AppError::InvalidCode);
        }
        let hash = recovery_hash(state, user.id, &code.to_ascii_uppercase());
        if db::second_factor::spend_recovery(conn, user.id, &hash, now).await? {
            tracing::info!(user_id = %user.id, "a recovery code was used");
            return Ok(());
        }
        Err(AppError::InvalidCode)
    })
    .await
}

/// Turns the factor off (with a right code); not for the roles that must keep it.
pub async fn turn_off(
    conn: &mut AsyncPgConnection,
    state: &Services,
    user: &db::users::UserRow,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if Role::parse(&user.role).is_some_and(|r| required(state, r)) {
        return Err(AppError::Forbidden(
            "Judges and county administrators keep their second factor.".into(),
        ));
    }
    verify(conn, state, user, code, now).await?;
    db::second_factor::disable(conn, user.id).await?;
    Ok(())
}

/// Eight characters in two groups (`K7PM-2QXA`), without 0/O/1/I.
fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let mut s: String = (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    s.insert(4, '-');
    s
}

fn recovery_hash(state: &Services, user: Uuid, code: &str) -> String {
    let normalised: String = code.chars().filter(|c| *c != '-').collect();
    state
        .sealer
        .lookup(&format!("recovery:{user}:{normalised}"))
}
