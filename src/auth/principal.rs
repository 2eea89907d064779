//! The `Principal`: the logged-in caller, with role and scope read from the database on every
//! request (a token says who you are, never what you may do). The web layer's extractor
//! (`routes::caller`) reads the token and calls `load`.

use actix_web::{HttpRequest, http::header};
use uuid::Uuid;

use super::SESSION_COOKIE;
use super::jwt::{Audience, Claims, Keys};
use super::principal_cache::PrincipalCache;
use crate::crypto::Sealer;
use crate::db;
use crate::domain::Role;
use crate::error::AppError;
use crate::workflow::Level;

/// The committee a mediator, head or other staff member works in.
#[derive(Debug, Clone)]
pub struct StaffScope {
    pub committee_id: Uuid,
    pub level: Level,
    pub division_code: String,
    pub county_id: Uuid,
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub id: Uuid,
    /// A resident who signed in by phone may have no address.
    pub email: Option<String>,
    /// The account's mobile number, masked (`138****5678`).
    pub phone: Option<String>,
    pub name: String,
    pub role: Role,
    pub language: String,
    pub committee: Option<StaffScope>,
    pub county_id: Option<Uuid>,
    pub county_code: Option<String>,
    pub token: Claims,
}

impl Principal {
    pub fn is_head(&self) -> bool {
        self.role == Role::CommitteeHead
    }
}

/// The session token from `Authorization: Bearer …` or, for pages, the session cookie.
pub fn token_from_request(req: &HttpRequest) -> Option<String> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned())
}

/// The principal a token stands for: kept from an earlier request while this node hears every
/// account change (`principal_cache`), else read from the database in one statement.
pub async fn load(
    pool: &db::Pool,
    keys: &Keys,
    sealer: &Sealer,
    cache: &PrincipalCache,
    token: Option<String>,
) -> Result<Principal, AppError> {
    let token = token.ok_or(AppError::Unauthorized)?;
    // The signature, audience and expiry are checked on every request, kept or not.
    let claims = keys
        .verify(&token, Audience::Session)
        .map_err(|_| AppError::Unauthorized)?;
    if let Some(kept) = cache.get(claims.jti) {
        return Ok(kept);
    }
    let user_id = claims.subject().ok_or(AppError::Unauthorized)?;
    let epoch = cache.epoch();
    let mut conn = pool.get().await?;
    let (user, committee, county_code, revoked) =
        db::users::with_scope_unless(&mut conn, user_id, claims.jti)
            .await?
            .ok_or(AppError::Unauthorized)?;
    if revoked || user.token_version != claims.ver || user.deactivated_at.is_some() {
        return Err(AppError::Unauthorized);
    }
    let phone = user
        .phone_enc
        .as_deref()
        .and_then(|sealed| sealer.open(sealed).ok())
        .and_then(|p| crate::domain::Phone::parse(&p).ok())
        .map(|p| p.masked());
    let role = Role::parse(&user.role).ok_or(AppError::Unauthorized)?;
    let committee = committee.and_then(|c| {
        Some(StaffScope {
            committee_id: c.id,
            level: Level::parse(&c.level)?,
            division_code: c.division_code,
            county_id: c.county_id,
        })
    });
    let principal = Principal {
        id: user.id,
        email: user.email,
        phone,
        name: user.name,
        role,
        language: user.language,
        committee,
        county_id: user.county_id,
        county_code,
        token: claims,
    };
    cache.keep(epoch, &principal);
    Ok(principal)
}

/// A write to the API authenticated by the session cookie alone must come from this site's own
/// pages: SameSite=Lax keeps other sites' forms out, but not a sibling site on the same domain.
/// Such a request carries an `Origin` naming this host (browsers send it with every POST); a
/// client with a bearer token is not a browser riding on a cookie and needs none.
pub fn cookie_write_from_elsewhere(req: &HttpRequest) -> bool {
    let unsafe_method = !matches!(
        *req.method(),
        actix_web::http::Method::GET
            | actix_web::http::Method::HEAD
            | actix_web::http::Method::OPTIONS
    );
    if !unsafe_method
        || !req.path().starts_with("/api/")
        || req.headers().contains_key(header::AUTHORIZATION)
        || req.cookie(SESSION_COOKIE).is_none()
    {
        return false;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.trim_end_matches('/'));
    !matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}
