//! Where mail goes, chosen by configuration: an SMTP relay (`SMTP_URL`), `.eml` files under
//! `DATA_DIR/mail` (the local default, so the service runs without a mail server), or memory
//! (tests assert on what was sent).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

use super::render::{Rendered, message_id};
use crate::config::Config;

/// Connecting to the relay gives up after this long (lettre applies it to the connect only; the
/// worker's `SEND_DEADLINE` bounds a relay that connects and then stalls).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// A mail as the memory backend keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub outbox_id: Uuid,
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

impl std::fmt::Debug for Mailer {
    // The SMTP URL may hold a password; say only which backend this is.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::File(dir) => write!(f, "Mailer::File({})", dir.display()),
            Mailer::Memory(_) => f.write_str("Mailer::Memory"),
        }
    }
}

/// Why sending failed, and whether waiting can help.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// The server refused for good (5xx): retrying sends the same refusal.
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: false,
        }
    }

    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: true,
        }
    }
}

impl Mailer {
    /// SMTP when `SMTP_URL` is set (`smtp://host:port` plain, `smtp://…?tls=required` STARTTLS,
    /// `smtps://…` TLS), otherwise files under `DATA_DIR/mail`.
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        match &config.smtp_url {
            Some(url) => Mailer::smtp(url),
            None => Ok(Mailer::File(config.mail_dir())),
        }
    }

    pub fn smtp(url: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // The URL's text would echo a password into the log; the error kind is enough.
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer::Smtp(transport))
    }

    pub fn memory() -> (Mailer, Arc<Mutex<Vec<SentMail>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(sent.clone()), sent)
    }

    pub async fn send(
        &self,
        outbox_id: Uuid,
        to: &str,
        rendered: &Rendered,
        message: Message,
    ) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError {
                        message: format!("SMTP: {e}"),
                        permanent: e.is_permanent(),
                    })
            }
            Mailer::File(dir) => write_file(dir, outbox_id, &message.formatted()).await,
            Mailer::Memory(sent) => {
                let mut sent = sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                sent.push(SentMail {
                    outbox_id,
                    message_id: message_id(outbox_id),
                    to: to.to_owned(),
                    subject: rendered.subject.clone(),
                    text: rendered.text.clone(),
                    html: rendered.html.clone(),
                });
                Ok(())
            }
        }
    }
}

/// One file per outbox row, named by its id: a resend replaces the same file instead of adding
/// a second copy. Written aside and renamed, so a reader never sees half a message.
async fn write_file(dir: &Path, id: Uuid, bytes: &[u8]) -> Result<(), SendError> {
    let io = |e: std::io::Error| SendError::transient(format!("mail file: {e}"));
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(".{id}.eml.tmp"));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, dir.join(format!("{id}.eml")))
        .await
        .map_err(io)
}
