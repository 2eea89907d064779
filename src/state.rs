//! What every handler can reach: the pool, the token keys, the sealer, the notifier, the
//! configuration and the metrics.

use std::sync::Arc;

use crate::auth::Keys;
use crate::config::Config;
use crate::crypto::Sealer;
use crate::db::Pool;
use crate::evidence::Store;
use crate::notify::Notifier;
use crate::telemetry::Metrics;

pub struct AppState {
    pub pool: Pool,
    pub keys: Keys,
    pub sealer: Sealer,
    /// Sends what cannot wait for the outbox: sign-in codes and account links.
    pub notifier: Notifier,
    pub store: Store,
    pub config: Arc<Config>,
    /// Requests per minute per client address and per account, this node's share.
    pub limits: crate::routes::request_limits::RequestLimits,
    pub metrics: Arc<Metrics>,
    /// What the indicators' readers keep for a short while.
    pub stats: crate::casework::stats_memory::Memory,
}
