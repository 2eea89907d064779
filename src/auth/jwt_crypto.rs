//! The signing of tokens, HMAC only. The service signs and checks HS256 and nothing else, so
//! the JWT library's RSA and elliptic-curve backends are not compiled in; this provider gives
//! it the HMAC family from the `hmac` and `sha2` crates the service already uses. Any other
//! algorithm named in a token header is refused before a key is touched.

use std::sync::Once;

use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use sha2::{Sha256, Sha384, Sha512};

/// One HMAC key bound to its algorithm.
enum Mac3 {
    Hs256(Hmac<Sha256>),
    Hs384(Hmac<Sha384>),
    Hs512(Hmac<Sha512>),
}

struct HmacKey {
    algorithm: Algorithm,
    mac: Mac3,
}

impl HmacKey {
    fn new(algorithm: Algorithm, secret: &[u8]) -> Result<HmacKey> {
        let bad = |_| jsonwebtoken::errors::Error::from(ErrorKind::InvalidKeyFormat);
        let mac = match algorithm {
            Algorithm::HS256 => Mac3::Hs256(Hmac::new_from_slice(secret).map_err(bad)?),
            Algorithm::HS384 => Mac3::Hs384(Hmac::new_from_slice(secret).map_err(bad)?),
            Algorithm::HS512 => Mac3::Hs512(Hmac::new_from_slice(secret).map_err(bad)?),
            _ => return Err(ErrorKind::InvalidAlgorithm.into()),
        };
        Ok(HmacKey { algorithm, mac })
    }

    fn tag(&self, msg: &[u8]) -> Vec<u8> {
        match &self.mac {
            Mac3::Hs256(m) => m.clone().chain_update(msg).finalize().into_bytes().to_vec(),
            Mac3::Hs384(m) => m.clone().chain_update(msg).finalize().into_bytes().to_vec(),
            Mac3::Hs512(m) => m.clone().chain_update(msg).finalize().into_bytes().to_vec(),
        }
    }
}

impl Signer<Vec<u8>> for HmacKey {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        Ok(self.tag(msg))
    }
}

impl Verifier<Vec<u8>> for HmacKey {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        let ok = match &self.mac {
            Mac3::Hs256(m) => m.clone().chain_update(msg).verify_slice(sig).is_ok(),
            Mac3::Hs384(m) => m.clone().chain_update(msg).verify_slice(sig).is_ok(),
            Mac3::Hs512(m) => m.clone().chain_update(msg).verify_slice(sig).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(signature::Error::new())
        }
    }
}

impl JwtSigner for HmacKey {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

impl JwtVerifier for HmacKey {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    if key.family() != AlgorithmFamily::Hmac {
        return Err(ErrorKind::InvalidKeyFormat.into());
    }
    Ok(Box::new(HmacKey::new(*algorithm, key.as_bytes())?))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    if key.family() != AlgorithmFamily::Hmac {
        return Err(ErrorKind::InvalidKeyFormat.into());
    }
    Ok(Box::new(HmacKey::new(*algorithm, key.try_get_as_bytes()?)?))
}

static HMAC_ONLY: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes the HMAC provider the process's; called before any token is made or read.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another caller may have installed it first in this process: the same provider.
        let _ = HMAC_ONLY.install_default();
    });
}
