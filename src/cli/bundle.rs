//! `fengqiao bundle-key` and `fengqiao verify-bundle`: the public key a court is given, and the
//! offline check of a court bundle against it.

use std::path::Path;

use anyhow::Context;

use crate::bundle::{self, BundleKey};
use crate::config::Config;

fn configured(config: &Config) -> BundleKey {
    BundleKey::new(&config.bundle_key_id, config.bundle_key)
}

/// Prints the public key of `BUNDLE_SIGNING_KEY`; with `new`, makes a fresh key first and
/// prints the line to put in the service's environment.
pub fn key(config: &Config, new: bool) -> anyhow::Result<()> {
    let key = if new {
        let seed: [u8; 32] = rand::random();
        say!("BUNDLE_SIGNING_KEY={}", hex::encode(seed));
        BundleKey::new(&config.bundle_key_id, seed)
    } else {
        if config.bundle_key == crate::config::DEV_BUNDLE_KEY {
            eprintln!("note: BUNDLE_SIGNING_KEY is not set; this is the development key");
        }
        configured(config)
    };
    say!("key id: {}", key.id());
    say!(
        "public key (Ed25519, hex): {}",
        bundle::public_key_hex(&key)
    );
    Ok(())
}

/// Checks a bundle against `public_key` (hex), or against this service's own key.
pub fn verify(config: &Config, file: &Path, public_key: Option<&str>) -> anyhow::Result<()> {
    let trusted = match public_key {
        Some(hex_key) => {
            let bytes = hex::decode(hex_key.trim())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .context("--key must be the 64 hex digits `fengqiao bundle-key` prints")?;
            ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                .context("--key is not an Ed25519 public key")?
        }
        None => configured(config).public(),
    };
    let failures = bundle::verify(file, &trusted);
    if failures.is_empty() {
        say!(
            "{}: the bundle is whole and signed by this key",
            file.display()
        );
        return Ok(());
    }
    for f in &failures {
        say!("{}: {f}", file.display());
    }
    anyhow::bail!("the bundle does not verify ({} problem(s))", failures.len())
}
