//! `Fengqiao-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the
//! endpoint's secret. A receiver recomputes it and refuses a stale `t` (replays).

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const HEADER: &str = "Fengqiao-Signature";

pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    // Any key length is accepted by HMAC.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_over_the_time_and_the_body() {
        let s = sign("whsec_test", 1_796_000_000, b"{\"a\":1}");
        assert!(s.starts_with("t=1796000000,v1="), "{s}");
        // The same as computed by hand: HMAC-SHA256("whsec_test", "1796000000.{\"a\":1}").
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test").unwrap();
        mac.update(b"1796000000.{\"a\":1}");
        assert!(s.ends_with(&hex::encode(mac.finalize().into_bytes())));
        assert_ne!(s, sign("whsec_test", 1_796_000_001, b"{\"a\":1}"));
        assert_ne!(s, sign("whsec_other", 1_796_000_000, b"{\"a\":1}"));
    }
}
