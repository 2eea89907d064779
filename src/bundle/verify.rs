//! Checking a bundle offline against the public key the court was given.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use ed25519_dalek::{Signature as Ed25519Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use super::{FORMAT, Manifest, Signature};

/// One thing wrong with a bundle, in words a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Unreadable(String),
    NoManifest,
    BadSignature(String),
    WrongKey { signed_by: String },
    UnknownFormat(String),
    Missing(String),
    Changed(String),
    Unlisted(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreadable(why) => write!(f, "the file is not a readable ZIP: {why}"),
            Failure::NoManifest => write!(f, "manifest.json or manifest.sig is missing"),
            Failure::BadSignature(why) => {
                write!(f, "the signature of manifest.json does not verify: {why}")
            }
            Failure::WrongKey { signed_by } => write!(
                f,
                "the manifest was signed with another key ({signed_by}), not the one given"
            ),
            Failure::UnknownFormat(v) => write!(f, "unknown bundle format {v:?}"),
            Failure::Missing(p) => write!(f, "{p} is listed in the manifest but not in the bundle"),
            Failure::Changed(p) => {
                write!(f, "{p} differs from its size or SHA-256 in the manifest")
            }
            Failure::Unlisted(p) => write!(f, "{p} is in the bundle but not in the manifest"),
        }
    }
}

fn read_all(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Option<Vec<u8>> {
    let mut file = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Every failure of the bundle at `path` against `trusted` (the service's public key); empty
/// when the bundle is whole and signed by that key.
pub fn verify(path: &Path, trusted: &VerifyingKey) -> Vec<Failure> {
    let opened = std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| zip::ZipArchive::new(f).map_err(|e| e.to_string()));
    let mut zip = match opened {
        Ok(z) => z,
        Err(why) => return vec![Failure::Unreadable(why)],
    };
    let (Some(manifest_bytes), Some(sig_bytes)) = (
        read_all(&mut zip, "manifest.json"),
        read_all(&mut zip, "manifest.sig"),
    ) else {
        return vec![Failure::NoManifest];
    };
    let signature: Signature = match serde_json::from_slice(&sig_bytes) {
        Ok(s) => s,
        Err(e) => return vec![Failure::BadSignature(e.to_string())],
    };
    if signature.public_key != hex::encode(trusted.as_bytes()) {
        return vec![Failure::WrongKey {
            signed_by: format!("{} {}", signature.key_id, signature.public_key),
        }];
    }
    let sig = hex::decode(&signature.signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b.as_slice()).ok())
        .map(|b| Ed25519Signature::from_bytes(&b));
    match sig {
        None => return vec![Failure::BadSignature("not 64 bytes of hex".into())],
        Some(sig) => {
            if let Err(e) = trusted.verify(&manifest_bytes, &sig) {
                return vec![Failure::BadSignature(e.to_string())];
            }
        }
    }
    let manifest: Manifest = match serde_json::from_slice(&manifest_bytes) {
        Ok(m) => m,
        Err(e) => return vec![Failure::BadSignature(format!("manifest.json: {e}"))],
    };
    if manifest.format != FORMAT {
        return vec![Failure::UnknownFormat(manifest.format)];
    }
    let mut failures = Vec::new();
    let listed: BTreeSet<&str> = manifest.files.iter().map(|e| e.path.as_str()).collect();
    for entry in &manifest.files {
        let Ok(mut file) = zip.by_name(&entry.path) else {
            failures.push(Failure::Missing(entry.path.clone()));
            continue;
        };
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        let read_ok = loop {
            match file.read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => {
                    hasher.update(&buf[..n]);
                    size += n as u64;
                }
                Err(_) => break false,
            }
        };
        if !read_ok || size != entry.size || hex::encode(hasher.finalize()) != entry.sha256 {
            failures.push(Failure::Changed(entry.path.clone()));
        }
    }
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    for name in names {
        if !listed.contains(name.as_str()) && name != "manifest.json" && name != "manifest.sig" {
            failures.push(Failure::Unlisted(name));
        }
    }
    failures
}
