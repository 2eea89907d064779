//! JSON Web Tokens: HS256 only, `exp`/`iat`/`iss`/`aud`/`sub` required, `nbf` checked, and a
//! separate audience per purpose so that an invitation link can never be used as a login.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ISSUER: &str = "fengqiao";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Session,
    Invitation,
    EmailConfirmation,
    /// A staff invitation that sets the first password, or a password reset: one-time links.
    AccountLink,
    /// Between a right password and the second factor: good for five minutes, for nothing else.
    SecondFactor,
    /// Unlocks an account locked by failed logins from many places (mailed to its address).
    Unlock,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Session => "fengqiao:session",
            Audience::Invitation => "fengqiao:invitation",
            Audience::EmailConfirmation => "fengqiao:email-confirmation",
            Audience::AccountLink => "fengqiao:account-link",
            Audience::SecondFactor => "fengqiao:second-factor",
            Audience::Unlock => "fengqiao:unlock",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: Uuid,
    /// The account's token version when issued; a role change bumps it and refuses older ones.
    pub ver: i32,
}

impl Claims {
    pub fn subject(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.sub).ok()
    }

    pub fn expires_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.exp, 0).unwrap_or_else(Utc::now)
    }
}

#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

#[derive(Debug, thiserror::Error)]
#[error("the token is not valid: {0}")]
pub struct InvalidToken(String);

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        super::jwt_crypto::install();
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(
        &self,
        audience: Audience,
        subject: &str,
        version: i32,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Result<(String, Claims), InvalidToken> {
        let claims = Claims {
            sub: subject.to_owned(),
            iss: ISSUER.to_owned(),
            aud: audience.as_str().to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: (now + lifetime).timestamp(),
            jti: Uuid::new_v4(),
            ver: version,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| InvalidToken(e.to_string()))?;
        Ok((token, claims))
    }

    pub fn verify(&self, token: &str, audience: Audience) -> Result<Claims, InvalidToken> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.set_audience(&[audience.as_str()]);
        validation.set_issuer(&[ISSUER]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 30;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| InvalidToken(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(b"a-test-secret-that-is-long-enough-32b")
    }

    #[test]
    fn round_trip_needs_a_crypto_backend() {
        let now = Utc::now();
        let issued = keys().issue(Audience::Session, "someone", 3, now, Duration::minutes(5));
        let Ok((token, claims)) = issued else {
            panic!("issuing failed: {issued:?}");
        };
        let verified = keys().verify(&token, Audience::Session);
        assert_eq!(verified.ok(), Some(claims));
    }

    #[test]
    fn audience_is_bound_to_purpose() {
        let issued = keys().issue(
            Audience::Invitation,
            "x",
            0,
            Utc::now(),
            Duration::minutes(5),
        );
        let Ok((token, _)) = issued else {
            panic!("issuing failed");
        };
        assert!(keys().verify(&token, Audience::Session).is_err());
        assert!(keys().verify(&token, Audience::Invitation).is_ok());
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        let past = Utc::now() - Duration::hours(2);
        let Ok((old, _)) = keys().issue(Audience::Session, "x", 0, past, Duration::minutes(5))
        else {
            panic!("issuing failed");
        };
        assert!(keys().verify(&old, Audience::Session).is_err());
        let other = Keys::new(b"another-secret-that-is-long-enough-32");
        let Ok((foreign, _)) =
            other.issue(Audience::Session, "x", 0, Utc::now(), Duration::minutes(5))
        else {
            panic!("issuing failed");
        };
        assert!(keys().verify(&foreign, Audience::Session).is_err());
    }
}
