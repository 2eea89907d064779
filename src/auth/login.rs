//! Who is signing in from where, and logging out. Signing in itself (the password, the
//! session token and its cookie) is `accounts::session`.

use diesel_async::AsyncPgConnection;

use super::jwt::Claims;
use super::principal_cache::{Change, PrincipalCache};
use crate::db;
use crate::error::AppError;

/// Who is signing in from where: the address for throttling, the browser for the session list.
pub struct Client {
    pub address: String,
    pub user_agent: String,
}

impl Client {
    pub fn of(req: &actix_web::HttpRequest) -> Client {
        Client {
            address: client_address(req),
            user_agent: req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
        }
    }
}

/// Revokes a session token until it would have expired. This node forgets the caller at once;
/// the others when the database's announcement reaches them (`principal_cache`).
pub async fn logout(
    conn: &mut AsyncPgConnection,
    cache: &PrincipalCache,
    claims: &Claims,
) -> Result<(), AppError> {
    db::users::revoke_token(conn, claims.jti, claims.expires_at()).await?;
    cache.forget(Change::Token(claims.jti));
    Ok(())
}

/// The reverse proxies (`TRUSTED_PROXIES`) whose `X-Real-IP` header names the client; the
/// server registers it as app data.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<std::net::IpAddr>);

/// The client's address, for throttling, rate limits and the consent record: the connection's
/// own address, or, when the connection comes from a trusted proxy, the address that proxy puts
/// in `X-Real-IP` (deploy/nginx.conf always overwrites it). From anyone else the header is
/// ignored, so a client cannot choose the address it is counted under.
pub fn client_address(req: &actix_web::HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let proxied = peer
        .filter(|ip| {
            req.app_data::<TrustedProxies>()
                .is_some_and(|trusted| trusted.0.contains(ip))
        })
        .and_then(|_| req.headers().get("x-real-ip"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
    proxied
        .or(peer)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}
