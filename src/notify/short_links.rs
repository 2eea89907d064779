//! A text has room for `https://…/i/AB12CD34`, not for a signed invitation token. The code is
//! derived from the outbox row under the data key, so a resent text carries the same link and
//! nobody can guess a code from the row's id.

use chrono::{DateTime, Duration, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::crypto::Sealer;
use crate::db;

/// Letters and digits without the ones people misread (0/O, 1/I).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Eight characters of 32 (40 bits) for the outbox row `id`.
pub fn code_for(sealer: &Sealer, id: Uuid) -> String {
    sealer
        .lookup(&format!("short-link:{id}"))
        .as_bytes()
        .chunks(2)
        .take(8)
        .map(|pair| {
            let v = std::str::from_utf8(pair)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .unwrap_or(0);
            char::from(ALPHABET[usize::from(v) % ALPHABET.len()])
        })
        .collect()
}

/// The short link for `target` (a path), recorded until `days` from now.
pub async fn shorten(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    public_url: &str,
    id: Uuid,
    target: &str,
    now: DateTime<Utc>,
    days: i64,
) -> QueryResult<String> {
    let code = code_for(sealer, id);
    db::short_links::put(conn, &code, target, now, now + Duration::days(days)).await?;
    Ok(format!("{}/i/{code}", public_url.trim_end_matches('/')))
}

/// Whether `s` has the form of a code (checked before touching the database).
pub fn looks_like_code(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// Where a live code leads, if it is one.
pub async fn target(
    conn: &mut AsyncPgConnection,
    code: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<String>> {
    if !looks_like_code(code) {
        return Ok(None);
    }
    db::short_links::target(conn, code, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_distinct_and_well_formed() {
        let s = Sealer::new(&[3u8; 32]);
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(code_for(&s, a), code_for(&s, a));
        assert_ne!(code_for(&s, a), code_for(&s, b));
        assert!(looks_like_code(&code_for(&s, a)));
        assert!(!looks_like_code("AB12CD3"));
        assert!(!looks_like_code("ab12cd34"));
    }
}
