//! The bundle signing key: an Ed25519 key from `BUNDLE_SIGNING_KEY` (the 32-byte seed as 64 hex
//! digits), named by `BUNDLE_KEY_ID` so a court can tell which of the service's keys signed.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

use super::Signature;

#[derive(Clone)]
pub struct BundleKey {
    id: String,
    key: SigningKey,
}

impl BundleKey {
    pub fn new(id: &str, seed: [u8; 32]) -> BundleKey {
        BundleKey {
            id: id.to_owned(),
            key: SigningKey::from_bytes(&seed),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn public(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature {
            algorithm: "ed25519".to_owned(),
            key_id: self.id.clone(),
            public_key: hex::encode(self.public().as_bytes()),
            signature: hex::encode(self.key.sign(message).to_bytes()),
        }
    }
}

/// The public half, as `fengqiao bundle-key` prints it and `verify-bundle --key` takes it.
pub fn public_key_hex(key: &BundleKey) -> String {
    hex::encode(key.public().as_bytes())
}
