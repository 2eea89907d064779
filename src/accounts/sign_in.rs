//! Signing in with a one-time code sent to a mobile number or an email address (SPEC §7,
//! "Residents without a password"). The first verified code creates a resident account; every
//! verified code links the cases where that number or address was named as a party.
//!
//! Limits that hold across every app node and under concurrent requests: at most 1 code a minute
//! and 5 an hour per destination, and 30 an hour per client address (counted in PostgreSQL
//! under an advisory lock per key); a code is 6 digits, kept as a keyed hash, valid 10 minutes,
//! and spent by its use, by 5 wrong tries or by a newer code. Answers never say whether an
//! account exists.

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::session;
use crate::auth::Claims;
use crate::auth::login::Client;
use crate::db;
use crate::db::sign_in::Limit;
use crate::domain::{Destination, Email, Phone, Role};
use crate::error::AppError;
use crate::notify::sms::Text;
use crate::notify::sms_text;
use crate::services::Services;
use crate::workflow::Lang;

pub const CODE_MINUTES: i64 = 10;
pub const MAX_WRONG_TRIES: i32 = 5;
pub const PER_DESTINATION_MINUTE: i64 = 1;
pub const PER_DESTINATION_HOUR: i64 = 5;
pub const PER_ADDRESS_HOUR: i64 = 30;

/// Reads `{phone}` or `{email}`: exactly one of them, well formed.
pub fn destination(phone: Option<&str>, email: Option<&str>) -> Result<Destination, AppError> {
    let given = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    match (given(phone), given(email)) {
        (Some(p), None) => Phone::parse(&p)
            .map(Destination::Phone)
            .map_err(|m| AppError::Unprocessable(format!("phone: {m}."))),
        (None, Some(e)) => Email::parse(&e)
            .map(Destination::Email)
            .map_err(|m| AppError::Unprocessable(format!("email: {m}."))),
        (Some(_), Some(_)) => Err(AppError::Unprocessable(
            "Give either a phone number or an email address, not both.".into(),
        )),
        (None, None) => Err(AppError::Unprocessable(
            "Give a mobile number (phone) or an email address (email).".into(),
        )),
    }
}

fn limits(destination_key: &str, address: &str) -> [Limit; 3] {
    [
        Limit {
            key: format!("code-minute:{destination_key}"),
            max: PER_DESTINATION_MINUTE,
            window: Duration::minutes(1),
        },
        Limit {
            key: format!("code-hour:{destination_key}"),
            max: PER_DESTINATION_HOUR,
            window: Duration::hours(1),
        },
        Limit {
            key: format!("code-address:{address}"),
            max: PER_ADDRESS_HOUR,
            window: Duration::hours(1),
        },
    ]
}

/// Six digits, leading zeros kept.
fn new_code() -> String {
    format!("{:06}", rand::random_range(0..1_000_000))
}

/// A keyed hash, not Argon2: six digits have too little entropy for a slow hash to protect
/// them; the try limit does. The code's id in the hash makes equal codes hash differently.
fn code_hash(state: &Services, id: Uuid, code: &str) -> String {
    state.sealer.lookup(&format!("sign-in-code:{id}:{code}"))
}

/// Sends a fresh code to `to`, within the limits. The code is stored before it is sent; when the
/// gateway or relay cannot take it, it is withdrawn and the caller is told to try again.
pub async fn send_code(
    conn: &mut AsyncPgConnection,
    state: &Services,
    to: &Destination,
    client: &Client,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let key = key_of(state, to);
    let code = new_code();
    let id = Uuid::now_v7();
    let hash = code_hash(state, id, &code);
    let limits = limits(&key, &client.address);
    conn.transaction::<(), AppError, _>(async |conn| {
        if let Err(wait) = db::sign_in::take(conn, &limits, now).await? {
            crate::counters::NODE.refused(crate::counters::Refusal::Throttle);
            return Err(AppError::TooManyRequests {
                retry_after_secs: u64::try_from(wait).unwrap_or(60),
            });
        }
        let expires = now + Duration::minutes(CODE_MINUTES);
        db::sign_in::insert_code(conn, id, &key, &hash, now, expires).await?;
        Ok(())
    })
    .await?;
    if let Err(e) = deliver(state, to, id, &code, lang).await {
        tracing::warn!(channel = to.channel(), error = %e, "sign-in code not sent");
        db::sign_in::withdraw_code(conn, id).await?;
        return Err(AppError::NotSent);
    }
    tracing::info!(channel = to.channel(), "sign-in code sent");
    Ok(())
}

async fn deliver(
    state: &Services,
    to: &Destination,
    id: Uuid,
    code: &str,
    lang: Lang,
) -> Result<(), crate::notify::backend::SendError> {
    match to {
        Destination::Phone(phone) => {
            let (body, template) = sms_text::code(lang, code);
            let text = Text {
                id,
                to: format!("+86{}", phone.as_str()),
                body,
                template,
            };
            tokio::time::timeout(
                crate::notify::worker::SEND_DEADLINE,
                state.notifier.texter.send(&text),
            )
            .await
            .unwrap_or_else(|_| Err(crate::notify::backend::SendError::transient("no answer")))
        }
        Destination::Email(email) => {
            crate::notify::direct::send_code_mail(&state.notifier, id, email.as_str(), code, lang)
                .await
        }
    }
}

/// What the person typed: the code for a number or address, and their name when new.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub to: &'a Destination,
    pub code: &'a str,
    pub name: Option<&'a str>,
}

/// What a verified code gives: a session, and whether the account was made just now.
pub struct SignedIn {
    pub token: String,
    pub claims: Claims,
    pub new_account: bool,
    pub user_id: Uuid,
}

/// Checks a code and signs in, creating the resident account on the first success (`name` is
/// required then). Wrong tries are counted under a row lock, so parallel guesses cannot get more
/// than 5 tries out of one code.
pub async fn verify_code(
    conn: &mut AsyncPgConnection,
    state: &Services,
    answer: Answer<'_>,
    client: &Client,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<SignedIn, AppError> {
    let Answer { to, code, name } = answer;
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = name
        && n.chars().count() > 100
    {
        return Err(AppError::Unprocessable(
            "name: at most 100 characters.".into(),
        ));
    }
    let key = key_of(state, to);
    let (user, new_account) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let code_id = match check(conn, state, &key, code, now).await? {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            };
            let existing = match to {
                Destination::Phone(_) => db::users::by_phone_key(conn, &key).await?,
                Destination::Email(e) => db::users::by_email(conn, e.as_str()).await?,
            };
            let (user, new_account) = match existing {
                // A deactivated account, or a staff account (staff sign in with their password
                // and, where they have one, their second factor: a code by mail or SMS must not
                // be a way around either). Spent like a success, refused like a wrong code.
                Some(u) if u.deactivated_at.is_some() || u.role != Role::Resident.as_str() => {
                    db::sign_in::spend(conn, code_id, now).await?;
                    return Ok(Err(AppError::InvalidCode));
                }
                Some(u) => (u, false),
                None => {
                    let Some(name) = name else {
                        // The code stays valid: the person only has to add their name.
                        return Ok(Err(AppError::Unprocessable(
                            "name: this is a new account, so tell us your name.".into(),
                        )));
                    };
                    (create_resident(conn, state, to, name, lang).await?, true)
                }
            };
            db::sign_in::spend(conn, code_id, now).await?;
            let (phone_key, email) = match to {
                Destination::Phone(_) => (Some(key.as_str()), None),
                Destination::Email(e) => (None, Some(e.as_str())),
            };
            let linked = db::users::claim_parties(conn, user.id, phone_key, email).await?;
            if linked > 0 {
                tracing::info!(user_id = %user.id, linked, "cases linked to the account");
            }
            Ok(Ok((user, new_account)))
        })
        .await??;
    let method = match to {
        Destination::Phone(_) => "sms_code",
        Destination::Email(_) => "email_code",
    };
    let (token, claims) = session::start_session(conn, state, &user, method, client, now).await?;
    Ok(SignedIn {
        token,
        claims,
        new_account,
        user_id: user.id,
    })
}

/// Checks `code` against the live code of the destination whose keyed hash is `key`, inside
/// the caller's transaction (the code's row stays locked until it ends). A wrong code counts a
/// try, which the caller commits along with its error answer; a right one is returned by id for
/// the caller to spend once it has used it.
pub async fn check(
    conn: &mut AsyncPgConnection,
    state: &Services,
    key: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Result<Uuid, AppError>, AppError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Err(AppError::Unprocessable(
            "code: the code has 6 digits.".into(),
        )));
    }
    let Some(live) = db::sign_in::live_code_for_update(conn, key, now).await? else {
        return Ok(Err(AppError::InvalidCode));
    };
    let given = code_hash(state, live.id, code);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        given.as_bytes(),
        live.code_hash.as_bytes(),
    )) {
        db::sign_in::wrong_try(conn, live.id, MAX_WRONG_TRIES, now).await?;
        return Ok(Err(AppError::InvalidCode));
    }
    Ok(Ok(live.id))
}

/// The keyed hash that finds a destination (its codes, and an account's number).
pub fn key_of(state: &Services, to: &Destination) -> String {
    state.sealer.lookup(&to.lookup_text())
}

async fn create_resident(
    conn: &mut AsyncPgConnection,
    state: &Services,
    to: &Destination,
    name: &str,
    lang: Lang,
) -> Result<db::users::UserRow, AppError> {
    let id = Uuid::now_v7();
    let (email, phone) = match to {
        Destination::Phone(p) => (None, Some(state.sealer.phone(p))),
        Destination::Email(e) => (Some(e.as_str()), None),
    };
    db::users::insert(
        conn,
        &db::users::NewUser {
            id,
            email,
            phone_enc: phone.as_ref().map(|(enc, _)| enc.as_slice()),
            phone_key: phone.as_ref().map(|(_, key)| key.as_str()),
            name,
            password_hash: None,
            role: Role::Resident.as_str(),
            committee_id: None,
            county_id: None,
            language: lang.code(),
        },
    )
    .await?;
    tracing::info!(user_id = %id, "resident account created");
    db::users::by_id(conn, id).await?.ok_or(AppError::NotFound)
}
