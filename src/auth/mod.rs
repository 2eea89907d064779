//! Who is calling: tokens, passwords, login throttling and the `Principal` extractor.

pub mod invitation;
pub mod jwt;
mod jwt_crypto;
pub mod login;
pub mod password;
pub mod principal;
pub mod principal_cache;
pub mod rate_limit;

pub use jwt::{Audience, Claims, Keys};
pub use principal::{Principal, StaffScope, token_from_request};

/// The session cookie: HttpOnly, SameSite=Lax, Secure in production.
pub const SESSION_COOKIE: &str = "fq_session";
