//! Builds the HTTP server from a `Config`, on any address (tests use port 0). Used by `main` and
//! by the integration tests, so tests drive exactly the server that runs in production.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{self, DefaultHeaders};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::auth::Keys;
use crate::auth::principal_cache::PrincipalCache;
use crate::config::Config;
use crate::crypto::Sealer;
use crate::evidence::Store;
use crate::routes::AppState;
use crate::services::Services;
use crate::telemetry::Metrics;
use crate::{db, routes};

pub struct Application {
    port: u16,
    server: Server,
}

/// Headers every response carries: no framing, no sniffing, only our own origin.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(self), geolocation=()",
        ))
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.bind)?;
        let port = listener.local_addr()?.port();
        db::events::install_keys(config.history_keys());
        crate::workflow::install_local_zone(config.time_zone);
        let pool = db::pool(&config.database_url, config.db_pool_size)?;
        let store = Store::new(&config.data_dir);
        let stale = store.prepare().await?;
        if stale > 0 {
            tracing::warn!(
                files = stale,
                "removed temporary uploads left by an earlier crash"
            );
        }
        // Documents need a CJK font: production refuses to start without one; elsewhere the
        // pages work and the PDFs answer that the font is missing.
        let document_font =
            match crate::documents::DocumentFont::load(config.document_font.as_deref()) {
                Ok(font) => Some(Arc::new(font)),
                Err(e) if config.is_production() => return Err(e.into()),
                Err(e) => {
                    tracing::warn!(error = %e, "document PDFs are unavailable");
                    None
                }
            };
        // Callers are kept between requests while this node hears every account change.
        let principals = Arc::new(PrincipalCache::default());
        tokio::spawn(crate::auth::principal_cache::listen_forever(
            principals.clone(),
            config.database_url.clone(),
        ));
        let state = web::Data::new(AppState {
            services: Services {
                pool,
                keys: Keys::new(&config.jwt_secret),
                principals,
                sealer: Sealer::new(&config.data_key),
                notifier: crate::notify::Notifier::from_config(&config)?,
                store,
                bundle_key: crate::bundle::BundleKey::new(&config.bundle_key_id, config.bundle_key),
                document_font,
                config: Arc::new(config.clone()),
            },
            metrics: Arc::new(Metrics::default()),
            stats: Default::default(),
            limits: routes::request_limits::RequestLimits::new(
                config.rate_per_address,
                config.rate_per_account,
                config.rate_nodes,
            ),
        });
        let trusted = crate::auth::login::TrustedProxies(config.trusted_proxies.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(trusted.clone())
                .configure(routes::configure)
                .wrap(middleware::from_fn(routes::compression::mark))
                .wrap(middleware::Compress::default())
                .wrap(middleware::from_fn(routes::compression::unmark))
                .wrap(middleware::from_fn(
                    routes::input_guard::refuse_control_characters,
                ))
                .wrap(middleware::from_fn(routes::request_limits::limit_requests))
                .wrap(middleware::from_fn(routes::request_metrics::measure))
                .wrap(middleware::from_fn(
                    routes::privacy_headers::private_by_default,
                ))
                .wrap(security_headers())
                .wrap(TracingLogger::<routes::privacy_headers::RedactedRootSpan>::new())
        })
        .listen(listener)?
        .shutdown_timeout(30);
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        Ok(Application {
            port,
            server: server.run(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM/SIGINT, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
