//! Login throttling and access-code guessing limits, kept in the database so that they hold
//! across every app node — and under concurrent requests: an attempt first *reserves* a failure
//! under an advisory lock per key (counting and recording in one transaction), is then checked,
//! and gives the reservation back only when it succeeded. Fourteen wrong passwords sent at once
//! therefore meet the limit after the fifth, as they would one after another.

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::db;
use crate::error::AppError;

/// Failed logins counted over this window.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures allowed per account *from one client address* in the window: an attacker's address
/// is slowed down without locking the owner out from theirs.
pub const PER_ACCOUNT_AND_ADDRESS: i64 = 5;
/// Failures allowed per account from all addresses together (a spread-out attack): beyond this
/// the account is locked, and an unlock link goes to its address.
pub const PER_ACCOUNT: i64 = 20;
/// Failures allowed per client address in the window (a shared village office may have several
/// people behind one address, so this is looser).
pub const PER_ADDRESS: i64 = 30;
/// Failures allowed per key in the window for case lookups and claims by number and code.
pub const PER_CODE_KEY: i64 = 10;

/// An attempt counted as failed until it is known to have succeeded.
#[must_use = "a reservation is kept as a failure unless released"]
pub struct Reservation {
    ids: Vec<i64>,
}

/// Counts the recent failures of each `(key, limit)` and, when none is at its limit, records
/// one more for each: all under locks on the keys, in one transaction.
async fn reserve(
    conn: &mut AsyncPgConnection,
    limits: &[(String, i64)],
    now: DateTime<Utc>,
) -> Result<Reservation, AppError> {
    reserve_or(conn, limits, now, |_| AppError::TooManyRequests {
        retry_after_secs: (WINDOW_MINUTES * 60) as u64,
    })
    .await
}

/// `reserve`, with the refusal chosen by the key whose limit was reached.
async fn reserve_or(
    conn: &mut AsyncPgConnection,
    limits: &[(String, i64)],
    now: DateTime<Utc>,
    refusal: impl Fn(&str) -> AppError + Sync,
) -> Result<Reservation, AppError> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let mut sorted: Vec<&(String, i64)> = limits.iter().collect();
    sorted.sort();
    conn.transaction::<_, AppError, _>(async |conn| {
        let keys: Vec<&str> = sorted.iter().map(|(k, _)| k.as_str()).collect();
        db::sign_in::lock_keys(conn, &keys).await?;
        for (key, max) in &sorted {
            if db::users::failures_since(conn, key, since).await? >= *max {
                crate::counters::NODE.refused(crate::counters::Refusal::Throttle);
                return Err(refusal(key));
            }
        }
        let keys: Vec<String> = sorted.iter().map(|(k, _)| k.clone()).collect();
        let ids = db::users::record_failures_returning(conn, &keys, now).await?;
        Ok(Reservation { ids })
    })
    .await
}

impl Reservation {
    /// The attempt succeeded: it was no failure after all.
    pub async fn release(self, conn: &mut AsyncPgConnection) -> Result<(), AppError> {
        db::users::delete_failures(conn, &self.ids).await?;
        Ok(())
    }

    /// The attempt failed: the reservation stays as its failure.
    pub fn keep(self) {}
}

fn account_key(email: &str) -> String {
    format!("account:{email}")
}

fn account_address_key(email: &str, address: &str) -> String {
    format!("account-address:{email}|{address}")
}

/// Reserves a password attempt for the account from this address, the account as a whole and
/// the address. The account as a whole answers `Locked` (the caller mails an unlock link).
pub async fn reserve_login(
    conn: &mut AsyncPgConnection,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Reservation, AppError> {
    let account = account_key(email);
    reserve_or(
        conn,
        &[
            (account_address_key(email, address), PER_ACCOUNT_AND_ADDRESS),
            (account.clone(), PER_ACCOUNT),
            (format!("address:{address}"), PER_ADDRESS),
        ],
        now,
        |key| {
            if key == account {
                AppError::Locked
            } else {
                AppError::TooManyRequests {
                    retry_after_secs: (WINDOW_MINUTES * 60) as u64,
                }
            }
        },
    )
    .await
}

/// A successful login forgets the account's failures from this address.
pub async fn succeeded(
    conn: &mut AsyncPgConnection,
    email: &str,
    address: &str,
) -> Result<(), AppError> {
    db::users::clear_failures(conn, &account_address_key(email, address)).await?;
    Ok(())
}

/// An unlock link forgets every failure of the account.
pub async fn unlock(conn: &mut AsyncPgConnection, email: &str) -> Result<(), AppError> {
    db::users::clear_failures(conn, &account_key(email)).await?;
    db::users::clear_failures_like(conn, &format!("account-address:{email}|")).await?;
    Ok(())
}

/// Reserves a guess of a case's access code, per client or per account.
pub async fn reserve_guess(
    conn: &mut AsyncPgConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Reservation, AppError> {
    reserve(conn, &[(key.to_owned(), PER_CODE_KEY)], now).await
}

/// Wrong second-factor codes allowed per account in the window.
pub const PER_SECOND_FACTOR: i64 = 5;

/// Reserves a second-factor attempt for the account.
pub async fn reserve_second_factor(
    conn: &mut AsyncPgConnection,
    user_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<Reservation, AppError> {
    reserve(
        conn,
        &[(format!("second-factor:{user_id}"), PER_SECOND_FACTOR)],
        now,
    )
    .await
}
