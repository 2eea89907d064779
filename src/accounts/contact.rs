//! A resident adds or changes their mobile number or email address, proved by a code sent to
//! the new one, and chooses which of the two notices go to when they have both.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::sign_in::{check, key_of};
use crate::auth::Principal;
use crate::db;
use crate::domain::Destination;
use crate::error::AppError;
use crate::services::Services;

/// Sets the proved number or address on the caller's account and links the cases where it was
/// named as a party.
pub async fn change(
    conn: &mut AsyncPgConnection,
    state: &Services,
    who: &Principal,
    to: &Destination,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let key = key_of(state, to);
    conn.transaction::<_, AppError, _>(async |conn| {
        let code_id = match check(conn, state, &key, code, now).await? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let free = match to {
            Destination::Phone(p) => {
                let (enc, key) = state.sealer.phone(p);
                db::users::set_phone(conn, who.id, &enc, &key).await?
            }
            Destination::Email(e) => db::users::set_email(conn, who.id, e.as_str()).await?,
        };
        if !free {
            return Ok(Err(AppError::conflict(
                "Another account already uses this number or address.",
            )));
        }
        db::sign_in::spend(conn, code_id, now).await?;
        let (phone_key, email) = match to {
            Destination::Phone(_) => (Some(key.as_str()), None),
            Destination::Email(e) => (None, Some(e.as_str())),
        };
        db::users::claim_parties(conn, who.id, phone_key, email).await?;
        Ok(Ok(()))
    })
    .await?
}

/// Which channel notices use when the account has both a number and an address.
pub async fn choose_channel(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    channel: &str,
) -> Result<(), AppError> {
    let channel = match channel {
        "sms" | "email" => channel,
        other => {
            return Err(AppError::Unprocessable(format!(
                "channel {other:?}: \"sms\" or \"email\"."
            )));
        }
    };
    let user = db::users::by_id(conn, who.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if user.email.is_none() || user.phone_enc.is_none() {
        return Err(AppError::Unprocessable(
            "Add both a mobile number and an email address before choosing between them.".into(),
        ));
    }
    db::users::set_channel(conn, who.id, Some(channel)).await?;
    Ok(())
}
