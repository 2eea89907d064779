//! Encryption at rest for personal data (phone numbers, ID numbers, addresses): AES-256-GCM in
//! the application, so a copy of the database alone does not reveal them. The stored form is
//! the 12-byte nonce followed by the ciphertext and tag.
//!
//! Encrypted values cannot be compared, so a value that must be found (a phone number at sign-in,
//! a sign-in code) is also kept as a keyed hash: HMAC-SHA256 under a key derived from the same
//! `DATA_KEY`. Without the key the hash of an 11-digit number cannot be brute-forced offline.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};

/// The keys the case history is linked with (`HISTORY_KEY`, id `HISTORY_KEY_ID`), and older
/// ones kept to verify links made before a rotation (`HISTORY_OLD_KEYS`).
#[derive(Clone)]
pub struct HistoryKeys {
    current_id: String,
    current: [u8; 32],
    older: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for HistoryKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "HistoryKeys(current {}, {} older)",
            self.current_id,
            self.older.len()
        )
    }
}

impl HistoryKeys {
    pub fn new(current_id: &str, current: [u8; 32], older: Vec<(String, [u8; 32])>) -> Self {
        HistoryKeys {
            current_id: current_id.to_owned(),
            current,
            older,
        }
    }

    pub fn current_id(&self) -> &str {
        &self.current_id
    }

    /// The key a link names, current or older.
    pub fn key(&self, id: &str) -> Option<&[u8; 32]> {
        if id == self.current_id {
            return Some(&self.current);
        }
        self.older.iter().find(|(k, _)| k == id).map(|(_, key)| key)
    }
}

#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    lookup: [u8; 32],
}

pub type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// An HMAC-SHA256 to feed piece by piece. The key is put into its block as RFC 2104 says
/// (hashed when longer than the block, padded with zeros), which is what `new_from_slice` does,
/// without its `Result` that cannot fail.
pub fn keyed_mac(key: &[u8]) -> HmacSha256 {
    use hmac::Mac;
    use sha2::Digest;
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&sha2::Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <HmacSha256 as Mac>::new(&block.into())
}

/// HMAC-SHA256 of `message` under `key`, as raw bytes.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::Mac;
    let mut mac = keyed_mac(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[derive(Debug, thiserror::Error)]
#[error("personal data could not be decrypted (wrong DATA_KEY or altered row)")]
pub struct Unreadable;

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Sealer {
        Sealer {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key)),
            lookup: hmac_sha256(key, b"fengqiao lookup key v1"),
        }
    }

    /// A mobile number as stored: sealed, and the keyed hash that finds it (the same hash a
    /// sign-in with that number looks for).
    pub fn phone(&self, phone: &crate::domain::Phone) -> (Vec<u8>, String) {
        let key = crate::domain::Destination::Phone(phone.clone()).lookup_text();
        (self.seal(phone.as_str()), self.lookup(&key))
    }

    /// The keyed hash that finds `text` (64 hex digits), e.g. `lookup("phone:13812345678")`.
    pub fn lookup(&self, text: &str) -> String {
        hex::encode(hmac_sha256(&self.lookup, text.as_bytes()))
    }

    pub fn seal(&self, plain: &str) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        // Encryption with a fresh nonce cannot fail for inputs of this size.
        out.extend(
            self.cipher
                .encrypt(&nonce, plain.as_bytes())
                .unwrap_or_default(),
        );
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Result<String, Unreadable> {
        if sealed.len() < 12 {
            return Err(Unreadable);
        }
        let (nonce, body) = sealed.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| Unreadable)?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), body)
            .map_err(|_| Unreadable)?;
        String::from_utf8(plain).map_err(|_| Unreadable)
    }
}

/// What is stored of a case's access code: SHA-256 over the number and the code as typed
/// (trimmed, upper case). The code has 40 bits; guesses are counted and limited per address.
/// The filing function of migration 000034 (`file_case`) computes the same in SQL for a new
/// case, whose number it makes; `tests/app/filing.rs` opens such a case with its code.
pub fn hash_access_code(case_number: &str, code: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(format!(
        "{case_number}:{}",
        code.trim().to_uppercase()
    )))
}

#[cfg(test)]
mod tests {
    use super::Sealer;

    #[test]
    fn round_trip_and_tamper_detection() {
        let s = Sealer::new(&[7u8; 32]);
        let sealed = s.seal("13812345678");
        assert!(!sealed.windows(11).any(|w| w == b"13812345678"));
        assert_eq!(s.open(&sealed).ok().as_deref(), Some("13812345678"));
        let mut bad = sealed.clone();
        if let Some(last) = bad.last_mut() {
            *last ^= 1;
        }
        assert!(s.open(&bad).is_err());
        assert!(Sealer::new(&[8u8; 32]).open(&sealed).is_err());
    }

    #[test]
    fn lookup_is_keyed_and_stable() {
        let a = Sealer::new(&[7u8; 32]);
        assert_eq!(a.lookup("phone:13812345678"), a.lookup("phone:13812345678"));
        assert_ne!(a.lookup("phone:13812345678"), a.lookup("phone:13812345679"));
        assert_ne!(
            a.lookup("phone:13812345678"),
            Sealer::new(&[8u8; 32]).lookup("phone:13812345678")
        );
        assert_eq!(a.lookup("x").len(), 64);
    }

    #[test]
    fn long_keys_are_hashed_first_as_rfc_4231_case_6_says() {
        let key = [0xaau8; 131];
        let mac = super::hmac_sha256(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex::encode(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = super::hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
