//! What the account and case rules reach beside the database: the pool, the token keys, the
//! sealer for personal data, the notifier for what cannot wait for the outbox, the evidence
//! store, the key that signs court bundles and the configuration. The web layer's `AppState` holds one and adds what only it
//! needs (request limits, metrics, the indicators' memory).

use std::sync::Arc;

use crate::auth::Keys;
use crate::auth::principal_cache::PrincipalCache;
use crate::bundle::BundleKey;
use crate::config::Config;
use crate::crypto::Sealer;
use crate::db::Pool;
use crate::documents::DocumentFont;
use crate::evidence::Store;
use crate::notify::Notifier;

pub struct Services {
    pub pool: Pool,
    pub keys: Keys,
    /// Callers seen recently, forgotten when the database announces a change.
    pub principals: Arc<PrincipalCache>,
    pub sealer: Sealer,
    /// Sends what cannot wait for the outbox: sign-in codes and account links.
    pub notifier: Notifier,
    pub store: Store,
    /// Signs court bundles (`BUNDLE_SIGNING_KEY`).
    pub bundle_key: BundleKey,
    /// The CJK font of the document PDFs; `None` when none is installed (outside production).
    pub document_font: Option<Arc<DocumentFont>>,
    pub config: Arc<Config>,
}

/// Whether this node can serve: the database answers and has every migration this binary
/// expects; the reason when not.
pub enum Readiness {
    Ready,
    NotReady(&'static str),
}

impl Services {
    pub async fn readiness(&self) -> Readiness {
        let Ok(mut conn) = self.pool.get().await else {
            return Readiness::NotReady("database unreachable");
        };
        match crate::db::migrations_applied(&mut conn).await {
            Ok(true) => Readiness::Ready,
            Ok(false) => Readiness::NotReady("migrations pending"),
            Err(_) => Readiness::NotReady("database unreachable"),
        }
    }
}
