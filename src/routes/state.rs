//! What every handler can reach: the services below the web layer (pool, keys, sealer,
//! notifier, store, configuration; `state.pool` reads through to them) and what only the web
//! layer keeps: request limits, metrics and the indicators' memory.

use std::ops::Deref;
use std::sync::Arc;

use crate::services::Services;
use crate::telemetry::Metrics;

pub struct AppState {
    pub services: Services,
    /// Requests per minute per client address and per account, this node's share.
    pub limits: crate::routes::request_limits::RequestLimits,
    pub metrics: Arc<Metrics>,
    /// What the indicators' readers keep for a short while.
    pub stats: crate::casework::stats_memory::Memory,
}

impl AppState {
    /// What the case work needs to draw documents.
    pub fn press(&self) -> crate::casework::documents::Press<'_> {
        crate::casework::documents::Press {
            font: self.document_font.clone(),
            public_url: &self.config.public_url,
            sealer: &self.sealer,
        }
    }
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}
