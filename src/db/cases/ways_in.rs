//! The ways into a case that do not pass through a session's scope (`access::visible`). Each
//! takes the proof it needs and checks it here, so that none can be used by mistake in place of
//! the gate:
//!
//! - `by_invitation`: the party named in an invitation token that the caller has already
//!   verified (signature, audience, expiry); the case is the one that party belongs to.
//! - `by_access_code`: a case number with its access code, compared in constant time against
//!   the stored hash; the caller counts the guesses (`auth::rate_limit::reserve_guess`).
//! - `for_system`: the background jobs and the command line, which act for the service
//!   itself; never for a request.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::{CaseRecord, CaseRow, record_of};
use crate::db::schema::{case_parties, cases, divisions};

/// The case of the party an invitation names.
pub async fn by_invitation(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    party_id: Uuid,
) -> QueryResult<Option<CaseRecord>> {
    let case_id: Option<Uuid> = case_parties::table
        .find((county_id, party_id))
        .select(case_parties::case_id)
        .first(conn)
        .await
        .optional()?;
    match case_id {
        Some(id) => for_system(conn, county_id, id).await,
        None => Ok(None),
    }
}

/// The case with this number, when `access_code` is its access code. Numbers begin with the
/// county's 6-digit code, which finds the county's partition.
pub async fn by_access_code(
    conn: &mut AsyncPgConnection,
    number: &str,
    access_code: &str,
) -> QueryResult<Option<CaseRecord>> {
    let number = number.trim();
    let Some(prefix) = number
        .get(0..6)
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
    else {
        return Ok(None);
    };
    let county: Option<Uuid> = divisions::table
        .filter(divisions::code.eq(format!("{prefix}000000")))
        .filter(divisions::level.eq("county"))
        .select(divisions::id)
        .first(conn)
        .await
        .optional()?;
    let Some(county_id) = county else {
        return Ok(None);
    };
    let found: Option<(Uuid, String)> = cases::table
        .filter(cases::county_id.eq(county_id))
        .filter(cases::number.eq(number))
        .select((cases::id, cases::access_code_hash))
        .first(conn)
        .await
        .optional()?;
    let given = crate::crypto::hash_access_code(number, access_code);
    match found {
        Some((id, stored)) if bool::from(given.as_bytes().ct_eq(stored.as_bytes())) => {
            for_system(conn, county_id, id).await
        }
        _ => Ok(None),
    }
}

/// A case by its key, for the service itself (jobs, the command line); never for a request.
pub async fn for_system(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<CaseRecord>> {
    let row = cases::table
        .find((county_id, id))
        .select(CaseRow::as_select())
        .first(conn)
        .await
        .optional()?;
    record_of(conn, row).await
}
