//! Who is signing in from where, and logging out. Signing in itself (the password, the
//! session token and its cookie) is `accounts::session`.

use diesel_async::AsyncPgConnection;

use super::jwt::Claims;
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

/// Revokes a session token until it would have expired.
pub async fn logout(conn: &mut AsyncPgConnection, claims: &Claims) -> Result<(), AppError> {
    db::users::revoke_token(conn, claims.jti, claims.expires_at()).await?;
    Ok(())
}

/// The address the connection came from; forwarded headers are not trusted for throttling.
pub fn client_address(req: &actix_web::HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
