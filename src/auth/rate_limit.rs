//! Login throttling, kept in the database so that it holds across every app node.

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;

use crate::db;
use crate::error::AppError;

/// Failed logins counted over this window.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures allowed per account in the window before logins to it are refused.
pub const PER_ACCOUNT: i64 = 5;
/// Failures allowed per client address in the window (a shared village office may have several
/// people behind one address, so this is looser).
pub const PER_ADDRESS: i64 = 30;

fn keys(email: &str, address: &str) -> [String; 2] {
    [format!("account:{email}"), format!("address:{address}")]
}

/// Refuses the attempt when the account or the address has failed too often recently.
pub async fn check(
    conn: &mut AsyncPgConnection,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let [account, addr] = keys(email, address);
    if db::users::failures_since(conn, &account, since).await? >= PER_ACCOUNT
        || db::users::failures_since(conn, &addr, since).await? >= PER_ADDRESS
    {
        return Err(AppError::TooManyRequests {
            retry_after_secs: (WINDOW_MINUTES * 60) as u64,
        });
    }
    Ok(())
}

pub async fn failed(
    conn: &mut AsyncPgConnection,
    email: &str,
    address: &str,
) -> Result<(), AppError> {
    db::users::record_failure(conn, &keys(email, address)).await?;
    Ok(())
}

pub async fn succeeded(conn: &mut AsyncPgConnection, email: &str) -> Result<(), AppError> {
    let [account, _] = keys(email, "");
    db::users::clear_failures(conn, &account).await?;
    Ok(())
}

/// Failures allowed per key in the window for case lookups and claims by number and code.
pub const PER_CODE_KEY: i64 = 10;

/// Throttles guesses of case access codes, per client or per account.
pub async fn check_key(
    conn: &mut AsyncPgConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    if db::users::failures_since(conn, key, since).await? >= PER_CODE_KEY {
        return Err(AppError::TooManyRequests {
            retry_after_secs: (WINDOW_MINUTES * 60) as u64,
        });
    }
    Ok(())
}

pub async fn failed_key(conn: &mut AsyncPgConnection, key: &str) -> Result<(), AppError> {
    db::users::record_failure(conn, &[key.to_owned()]).await?;
    Ok(())
}
