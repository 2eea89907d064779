//! Argon2id password hashing. Hashing is deliberately slow, so it always runs on the blocking
//! thread pool; unknown accounts are checked against a dummy hash so that timing does not tell
//! whether an email has an account.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Checks a password; with no stored hash the dummy hash is checked and the answer is `false`.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => check(password, stored),
        None => {
            let _ = check(password, dummy_hash());
            false
        }
    }
}

fn check(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("not-a-password-anyone-has").unwrap_or_default())
}

/// A password people are allowed to choose.
pub fn acceptable(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        return Err("the password needs at least 10 characters");
    }
    if n > 200 {
        return Err("the password is too long");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let Ok(h) = hash("demo-pass-2026") else {
            panic!("hashing failed");
        };
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("demo-pass-2026", Some(&h)));
        assert!(!verify("demo-pass-2027", Some(&h)));
        assert!(!verify("demo-pass-2026", None));
        assert!(!verify("x", Some("not a hash")));
    }
}
