//! Where texts go, chosen by `SMS_URL`: a gateway (`gateway.rs`: the documented generic HTTP
//! gateway, or Tencent Cloud SMS), files under `DATA_DIR/sms` (the local default, so the service
//! runs without a provider), or memory (tests). Production refuses to start without a gateway.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::backend::SendError;
use super::gateway::Gateway;
use crate::config::Config;

/// One text to send: the whole message (for gateways that take free text) and, for providers
/// that only send approved templates, which template and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The outbox row or sign-in code it comes from: the gateway's idempotency key.
    pub id: Uuid,
    /// `+86` and 11 digits.
    pub to: String,
    pub body: String,
    pub template: Template,
}

/// The two templates a provider must have approved (see `docs/sms.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// `您的登录验证码为{1}，10分钟内有效。`
    Code { code: String },
    /// `您的调解案件{1}有新进展：{2}。详见{3}`
    Notice {
        number: String,
        what: String,
        link: String,
    },
}

/// A text as the memory backend keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentText {
    pub id: Uuid,
    pub to: String,
    pub body: String,
}

#[derive(Clone)]
pub enum Texter {
    Gateway(Arc<Gateway>),
    File(PathBuf),
    Memory(Arc<Mutex<Vec<SentText>>>),
}

impl std::fmt::Debug for Texter {
    // A gateway's URL may hold a key; say only which backend this is.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Texter::Gateway(g) => write!(f, "Texter::Gateway({})", g.kind()),
            Texter::File(dir) => write!(f, "Texter::File({})", dir.display()),
            Texter::Memory(_) => f.write_str("Texter::Memory"),
        }
    }
}

impl Texter {
    /// The gateway `SMS_URL` names, otherwise files under `DATA_DIR/sms`.
    pub fn from_config(config: &Config) -> anyhow::Result<Texter> {
        match &config.sms_url {
            Some(url) => Ok(Texter::Gateway(Arc::new(Gateway::parse(
                url,
                config.sms_secret.as_deref(),
            )?))),
            None => Ok(Texter::File(config.sms_dir())),
        }
    }

    pub fn memory() -> (Texter, Arc<Mutex<Vec<SentText>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Texter::Memory(sent.clone()), sent)
    }

    pub async fn send(&self, text: &Text) -> Result<(), SendError> {
        match self {
            Texter::Gateway(g) => g.send(text).await,
            Texter::File(dir) => write_file(dir, text).await,
            Texter::Memory(sent) => {
                let mut sent = sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                sent.push(SentText {
                    id: text.id,
                    to: text.to.clone(),
                    body: text.body.clone(),
                });
                Ok(())
            }
        }
    }
}

/// One file per text, named by its id (a resend replaces it): the number on the first line,
/// the message on the second. Written aside and renamed, so a reader never sees half a text.
async fn write_file(dir: &Path, text: &Text) -> Result<(), SendError> {
    let io = |e: std::io::Error| SendError::transient(format!("sms file: {e}"));
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(".{}.txt.tmp", text.id));
    let content = format!("{}\n{}\n", text.to, text.body);
    tokio::fs::write(&tmp, content.as_bytes())
        .await
        .map_err(io)?;
    tokio::fs::rename(&tmp, dir.join(format!("{}.txt", text.id)))
        .await
        .map_err(io)
}
