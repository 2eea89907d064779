//! Notifications (SPEC §5). The engine says who must hear about a change (`Notice`); `outbox`
//! writes one mail per address and one in-app notification per account in the same transaction
//! as the change (or, for a sweep of many cases, `deferred` records the notices and expands them
//! right after); `worker` sends it later, mail through a `Mailer` and texts through a `Texter`
//! (`sms.rs`, `gateway.rs`), with retries and backoff; `render` and `texts` write it in the
//! recipient's language; `short_links` gives texts links that fit; `inbox` is the in-app side.

pub mod backend;
pub mod deferred;
pub mod direct;
pub mod gateway;
pub mod inbox;
pub mod outbox;
pub mod recipients;
pub mod render;
pub mod short_links;
pub mod sms;
pub mod sms_text;
pub mod texts;
pub mod worker;

use anyhow::Context;
use lettre::message::Mailbox;

pub use backend::{Mailer, SentMail};
pub use outbox::{Enqueued, enqueue};
pub use sms::{SentText, Texter};
pub use worker::{DrainReport, drain};

use crate::auth::Keys;
use crate::config::Config;
use crate::crypto::Sealer;

/// Everything the worker needs to turn an outbox row into a sent mail or text.
#[derive(Clone)]
pub struct Notifier {
    pub mailer: Mailer,
    pub texter: Texter,
    /// Opens the sealed phone numbers of SMS rows, and keys the short links.
    pub sealer: Sealer,
    pub from: Mailbox,
    /// Links in mail start with it (`PUBLIC_URL`).
    pub public_url: String,
    /// Signs the respondent's invitation token.
    pub keys: Keys,
}

impl Notifier {
    /// The backends the configuration chooses: SMTP when `SMTP_URL` is set and a gateway when
    /// `SMS_URL` is, files otherwise.
    pub fn from_config(config: &Config) -> anyhow::Result<Notifier> {
        Notifier::with_backends(
            config,
            Mailer::from_config(config)?,
            Texter::from_config(config)?,
        )
    }

    /// The configured texter with the given mailer.
    pub fn with_mailer(config: &Config, mailer: Mailer) -> anyhow::Result<Notifier> {
        Notifier::with_backends(config, mailer, Texter::from_config(config)?)
    }

    pub fn with_backends(
        config: &Config,
        mailer: Mailer,
        texter: Texter,
    ) -> anyhow::Result<Notifier> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .with_context(|| format!("MAIL_FROM={:?} is not a mail address", config.mail_from))?;
        Ok(Notifier {
            mailer,
            texter,
            sealer: Sealer::new(&config.data_key),
            from,
            public_url: config.public_url.clone(),
            keys: Keys::new(&config.jwt_secret),
        })
    }
}
