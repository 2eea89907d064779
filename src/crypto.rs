//! Encryption at rest for personal data (phone numbers, ID numbers, addresses): AES-256-GCM in
//! the application, so a copy of the database alone does not reveal them. The stored form is
//! the 12-byte nonce followed by the ciphertext and tag.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};

#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

#[derive(Debug, thiserror::Error)]
#[error("personal data could not be decrypted (wrong DATA_KEY or altered row)")]
pub struct Unreadable;

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Sealer {
        Sealer {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key)),
        }
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
}
