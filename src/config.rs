//! Configuration from environment variables, with safe defaults for local use.
//! In production (`FENGQIAO_ENV=production`) weak defaults are refused at start.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};

/// Used when `JWT_SECRET` is unset; refused in production.
pub const DEV_JWT_SECRET: &str = "fengqiao-local-development-secret-do-not-use-in-production";
pub const MIN_SECRET_BYTES: usize = 32;
/// Used when `BUNDLE_SIGNING_KEY` is unset; refused in production.
pub const DEV_BUNDLE_KEY: [u8; 32] = *b"fengqiao-dev-bundle-key-public!!";

/// Used when `HISTORY_KEY` is unset; refused in production.
pub const DEV_HISTORY_KEY: [u8; 32] = *b"fengqiao-dev-history-key-public!";

/// Used when `DATA_KEY` is unset; refused in production.
pub const DEV_DATA_KEY: [u8; 32] = *b"fengqiao-dev-data-key-not-secret";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub env: Environment,
    pub database_url: String,
    pub bind: SocketAddr,
    /// The address people use to reach the service; links in emails start with it.
    pub public_url: String,
    pub jwt_secret: Vec<u8>,
    /// AES-256 key for personal data at rest (`DATA_KEY`, 64 hex digits).
    pub data_key: [u8; 32],
    pub data_dir: PathBuf,
    /// Links the case history (HMAC-SHA256); with its id and the older keys of a rotation.
    pub history_key: [u8; 32],
    pub history_key_id: String,
    /// The Ed25519 seed that signs court bundles, and the id a court knows it by.
    pub bundle_key: [u8; 32],
    pub bundle_key_id: String,
    /// The CJK font the document PDFs embed (`DOCUMENT_FONT`); the Debian packages' usual
    /// paths are tried without it.
    pub document_font: Option<PathBuf>,
    /// The time zone people read times in (`TIME_ZONE`, an IANA name; Asia/Shanghai).
    pub time_zone: chrono_tz::Tz,
    pub history_old_keys: Vec<(String, [u8; 32])>,
    pub smtp_url: Option<String>,
    /// The SMS gateway (`notify::gateway`); texts go to files under `DATA_DIR/sms` without it.
    pub sms_url: Option<String>,
    /// The key the generic gateway's signature is made with.
    pub sms_secret: Option<String>,
    pub mail_from: String,
    /// Connections per app node.
    pub db_pool_size: usize,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Lifetime of a login session token, in minutes.
    pub session_minutes: i64,
    /// Evidence limits: bytes per file, bytes per case, parts per upload.
    pub evidence_file_bytes: u64,
    pub evidence_case_bytes: u64,
    pub evidence_max_parts: usize,
    /// Requests per minute of the whole cluster per client address and per account (0: off),
    /// and how many nodes share them.
    pub rate_per_address: u32,
    pub rate_per_account: u32,
    pub rate_nodes: u32,
    /// Reverse proxies whose `X-Real-IP` names the client (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl std::fmt::Debug for Config {
    // The secret and the database password never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("env", &self.env)
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("data_dir", &self.data_dir)
            .field("smtp", &self.smtp_url.is_some())
            .field("db_pool_size", &self.db_pool_size)
            .finish_non_exhaustive()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|e| anyhow::anyhow!("{name}={v:?} is not valid: {e}")),
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let env = match var("FENGQIAO_ENV").as_deref() {
            None | Some("development") | Some("dev") | Some("test") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => bail!("FENGQIAO_ENV={other:?}: expected development or production"),
        };
        let bind: SocketAddr = parsed("BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        let config = Config {
            env,
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "postgres://fengqiao@127.0.0.1:5432/fengqiao".to_owned()),
            public_url: var("PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}")),
            bind,
            jwt_secret: var("JWT_SECRET")
                .unwrap_or_else(|| DEV_JWT_SECRET.to_owned())
                .into_bytes(),
            data_key: match var("DATA_KEY") {
                None => DEV_DATA_KEY,
                Some(hex_key) => hex::decode(hex_key.trim())
                    .ok()
                    .and_then(|k| <[u8; 32]>::try_from(k).ok())
                    .context("DATA_KEY must be 64 hex digits (32 bytes)")?,
            },
            data_dir: PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "data".to_owned())),
            history_key: match var("HISTORY_KEY") {
                None => DEV_HISTORY_KEY,
                Some(k) => key32(&k).context("HISTORY_KEY must be 64 hex digits (32 bytes)")?,
            },
            history_key_id: var("HISTORY_KEY_ID").unwrap_or_else(|| "k1".to_owned()),
            bundle_key: match var("BUNDLE_SIGNING_KEY") {
                None => DEV_BUNDLE_KEY,
                Some(k) => {
                    key32(&k).context("BUNDLE_SIGNING_KEY must be 64 hex digits (32 bytes)")?
                }
            },
            bundle_key_id: var("BUNDLE_KEY_ID").unwrap_or_else(|| "b1".to_owned()),
            document_font: var("DOCUMENT_FONT").map(PathBuf::from),
            time_zone: time_zone(var("TIME_ZONE").as_deref())?,
            history_old_keys: match var("HISTORY_OLD_KEYS") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(|pair| {
                        let (id, hex_key) = pair.trim().split_once(':')?;
                        Some((id.to_owned(), key32(hex_key).ok()?))
                    })
                    .collect::<Option<Vec<_>>>()
                    .context("HISTORY_OLD_KEYS is a list of id:64-hex-digits, comma separated")?,
            },
            smtp_url: var("SMTP_URL"),
            sms_url: var("SMS_URL"),
            sms_secret: var("SMS_SECRET"),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Fengqiao <no-reply@fengqiao.localhost>".to_owned()),
            db_pool_size: parsed("DB_POOL_SIZE", 16)?,
            workers: parsed("WORKERS", 0)?,
            session_minutes: parsed("SESSION_MINUTES", 8 * 60)?,
            evidence_file_bytes: parsed::<u64>("EVIDENCE_MAX_FILE_MB", 25)? * 1024 * 1024,
            evidence_case_bytes: parsed::<u64>("EVIDENCE_MAX_CASE_MB", 200)? * 1024 * 1024,
            evidence_max_parts: parsed("EVIDENCE_MAX_PARTS", 4)?,
            rate_per_address: parsed("RATE_LIMIT_PER_ADDRESS", 1200)?,
            rate_per_account: parsed("RATE_LIMIT_PER_ACCOUNT", 600)?,
            rate_nodes: parsed("RATE_LIMIT_NODES", 1)?,
            trusted_proxies: match var("TRUSTED_PROXIES") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(|ip| ip.trim().parse::<std::net::IpAddr>())
                    .collect::<Result<Vec<_>, _>>()
                    .context("TRUSTED_PROXIES is a comma-separated list of IP addresses")?,
            },
        };
        config.check()?;
        Ok(config)
    }

    /// Refuses settings that are only acceptable on a developer's machine.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.session_minutes <= 0 {
            bail!("SESSION_MINUTES must be positive");
        }
        if self.db_pool_size == 0 {
            bail!("DB_POOL_SIZE must be at least 1");
        }
        let id_ok = |id: &str| {
            (1..=32).contains(&id.len())
                && id != "sha256"
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        };
        if !id_ok(&self.history_key_id) || !self.history_old_keys.iter().all(|(id, _)| id_ok(id)) {
            bail!("history key ids are 1 to 32 of a-z, 0-9, - and _ (and not \"sha256\")");
        }
        if self.env == Environment::Production {
            if self.jwt_secret == DEV_JWT_SECRET.as_bytes() {
                bail!("JWT_SECRET is not set: production refuses the development default");
            }
            if self.jwt_secret.len() < MIN_SECRET_BYTES {
                bail!(
                    "JWT_SECRET is {} bytes: production needs at least {MIN_SECRET_BYTES}",
                    self.jwt_secret.len()
                );
            }
            if self.data_key == DEV_DATA_KEY {
                bail!("DATA_KEY is not set: production refuses the development key");
            }
            if self.history_key == DEV_HISTORY_KEY {
                bail!("HISTORY_KEY is not set: production refuses the development key");
            }
            if self.bundle_key == DEV_BUNDLE_KEY {
                bail!(
                    "BUNDLE_SIGNING_KEY is not set: production refuses the development key (make one with `fengqiao bundle-key --new`)"
                );
            }
            if !self.public_url.starts_with("https://") {
                bail!("PUBLIC_URL must be an https:// address in production");
            }
            if self.smtp_url.is_none() {
                bail!("SMTP_URL is not set: production sends mail through a relay, not to files");
            }
            match &self.sms_url {
                None => bail!(
                    "SMS_URL is not set: production sends texts through a gateway, not to files"
                ),
                Some(url) if url.starts_with("http://") || url.starts_with("tencent+http://") => {
                    bail!("SMS_URL must reach the gateway over TLS in production")
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }

    pub fn history_keys(&self) -> crate::crypto::HistoryKeys {
        crate::crypto::HistoryKeys::new(
            &self.history_key_id,
            self.history_key,
            self.history_old_keys.clone(),
        )
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn sms_dir(&self) -> PathBuf {
        self.data_dir.join("sms")
    }
}

fn key32(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    hex::decode(hex_key.trim())
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .context("not 64 hex digits")
}

/// Checks a configuration read from the environment, for `serve` in production.
pub fn load() -> anyhow::Result<Config> {
    Config::from_env().context("configuration")
}

/// `TIME_ZONE`: an IANA name; Asia/Shanghai when unset.
fn time_zone(name: Option<&str>) -> anyhow::Result<chrono_tz::Tz> {
    match name {
        None => Ok(chrono_tz::Asia::Shanghai),
        Some(name) => name.parse().map_err(|_| {
            anyhow::anyhow!("TIME_ZONE {name:?} is not a time zone (e.g. Asia/Shanghai)")
        }),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    #[test]
    fn the_time_zone_is_an_iana_name_and_shanghai_by_default() {
        assert_eq!(super::time_zone(None).unwrap(), chrono_tz::Asia::Shanghai);
        assert_eq!(
            super::time_zone(Some("Asia/Urumqi")).unwrap(),
            chrono_tz::Asia::Urumqi
        );
        let e = super::time_zone(Some("Beijing")).unwrap_err().to_string();
        assert!(e.contains("TIME_ZONE"), "{e}");
    }
}
