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
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("making a salt: {e}"))?;
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

/// Argon2id with the default parameters takes about 19 MiB per hash. Thirty logins at once took
/// a fresh server to 800 MiB, so at most this many hashes run at a time; others wait briefly and
/// are then told to come back (503 with Retry-After) instead of growing the process.
pub const CONCURRENT_HASHES: usize = 4;
/// How long an attempt waits for a hashing slot before it is turned away.
pub const SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

fn slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(CONCURRENT_HASHES))
}

/// Runs one Argon2 computation on the blocking pool within the process-wide bound.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    let permit = tokio::time::timeout(SLOT_WAIT, slots().acquire())
        .await
        .map_err(|_| crate::error::AppError::Unavailable)?
        .map_err(crate::error::AppError::internal)?;
    let out = tokio::task::spawn_blocking(work)
        .await
        .map_err(crate::error::AppError::internal)?;
    drop(permit);
    Ok(out)
}

/// `verify` off the async threads, within the bound.
pub async fn verify_bounded(
    password: String,
    stored: Option<String>,
) -> Result<bool, crate::error::AppError> {
    bounded(move || verify(&password, stored.as_deref())).await
}

/// `hash` off the async threads, within the bound.
pub async fn hash_bounded(password: String) -> Result<String, crate::error::AppError> {
    bounded(move || hash(&password))
        .await?
        .map_err(crate::error::AppError::internal)
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_the_bound_hash_at_once() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let (running, most) = (running.clone(), most.clone());
            tasks.push(tokio::spawn(bounded(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(50));
                running.fetch_sub(1, Ordering::SeqCst);
            })));
        }
        for t in tasks {
            assert!(matches!(t.await, Ok(Ok(()))));
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=CONCURRENT_HASHES).contains(&most), "{most} at once");
    }
}
