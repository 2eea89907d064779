//! One error type for every handler. API responses are JSON `{error, message}`; page handlers
//! wrap it in `PageError` to answer with an HTML page. SQL text and stack traces never leave the
//! server: they are logged with the request's span instead.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

#[derive(thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("Please log in first.")]
    Unauthorized,
    /// Every failed login gets this one message, whatever was wrong.
    #[error("The email or the password is wrong.")]
    BadCredentials,
    /// A sign-in code that is wrong, expired, spent or for another destination: one message
    /// for all, so a guesser learns nothing.
    #[error("The code is wrong or no longer valid. Ask for a new code.")]
    InvalidCode,
    #[error("{0}")]
    Forbidden(String),
    #[error("Nothing was found at this address.")]
    NotFound,
    /// A document the record does not yield yet, with why (in both languages of the pages).
    #[error("{en}")]
    NoDocument { zh: &'static str, en: &'static str },
    /// A wrong state or a stale version; carries the current case so the caller can refresh.
    #[error("{message}")]
    Conflict {
        message: String,
        case: Option<serde_json::Value>,
    },
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("Too many attempts. Please wait {retry_after_secs} seconds and try again.")]
    TooManyRequests { retry_after_secs: u64 },
    /// Too many failed logins from many places: if the account exists, an unlock link went to
    /// its address (the same answer when it does not).
    #[error(
        "This account is locked after many failed attempts. If it exists, a link to unlock it has been sent to its email address."
    )]
    Locked,
    #[error("The service is busy or its database cannot be reached. Please try again shortly.")]
    Unavailable,
    /// A code could not be handed to the SMS gateway or the mail relay just now.
    #[error("The code could not be sent just now. Please try again in a minute.")]
    NotSent,
    /// A stored file no longer matches its recorded SHA-256: withheld, never served silently.
    #[error(
        "The stored file does not match its recorded fingerprint, so it is withheld. The operators have been alerted."
    )]
    Integrity,
    #[error("Something went wrong on our side. It has been logged.")]
    Internal(#[source] anyhow::Error),
}

/// Written by hand: errors are logged with their debug form, and a 409 carries the case as the
/// caller sees it (names, and for the case's own people phone and ID numbers). The log gets the
/// kind and the sentence, never the case.
impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Internal(e) => write!(f, "Internal({e:?})"),
            AppError::Conflict { message, case } => write!(
                f,
                "Conflict({message:?}{})",
                if case.is_some() {
                    ", case withheld"
                } else {
                    ""
                }
            ),
            other => write!(f, "{}({:?})", other.code(), other.to_string()),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    case: Option<&'a serde_json::Value>,
}

impl AppError {
    pub fn internal(e: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(e.into())
    }

    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::Conflict {
            message: message.into(),
            case: None,
        }
    }

    /// The stable machine code of this error (part of the API contract).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "invalid_credentials",
            AppError::InvalidCode => "invalid_code",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound | AppError::NoDocument { .. } => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::Unprocessable(_) => "invalid",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::Locked => "locked",
            AppError::Unavailable => "unavailable",
            AppError::NotSent => "not_sent",
            AppError::Integrity => "integrity_error",
            AppError::Internal(_) => "internal",
        }
    }

    fn log(&self) {
        match self {
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Unavailable => tracing::warn!("database unavailable"),
            _ => {}
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::BadCredentials | AppError::InvalidCode => {
                StatusCode::UNAUTHORIZED
            }
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound | AppError::NoDocument { .. } => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } | AppError::Locked => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable | AppError::NotSent => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Integrity | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let mut response = HttpResponse::build(self.status_code());
        match self {
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            AppError::Locked => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("900")));
            }
            AppError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
            }
            AppError::NotSent => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("60")));
            }
            AppError::Unauthorized => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"fengqiao\""),
                ));
            }
            _ => {}
        }
        let case = match self {
            AppError::Conflict { case, .. } => case.as_ref(),
            _ => None,
        };
        response.json(Body {
            error: self.code(),
            message: self.to_string(),
            case,
        })
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            // The connection died under the request (database restarted or unreachable): the
            // client should retry, as with a pool that cannot connect.
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            )
            | Error::BrokenTransactionManager => AppError::Unavailable,
            Error::DatabaseError(_, ref info)
                if info.message().starts_with("terminating connection") =>
            {
                AppError::Unavailable
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => AppError::conflict(
                "Someone else changed this at the same moment. Please try again.",
            ),
            other => AppError::internal(other),
        }
    }
}

impl From<crate::db::PoolError> for AppError {
    fn from(e: crate::db::PoolError) -> AppError {
        tracing::warn!(error = %e, "no database connection");
        AppError::Unavailable
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> AppError {
        AppError::internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::AppError;
    use diesel::result::{DatabaseErrorKind, Error};

    #[test]
    fn a_lost_connection_is_503_not_500() {
        let lost = Error::DatabaseError(
            DatabaseErrorKind::UnableToSendCommand,
            Box::new("connection closed".to_owned()),
        );
        assert!(matches!(AppError::from(lost), AppError::Unavailable));
        assert!(matches!(
            AppError::from(Error::BrokenTransactionManager),
            AppError::Unavailable
        ));
        let shutdown = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("terminating connection due to administrator command".to_owned()),
        );
        assert!(matches!(AppError::from(shutdown), AppError::Unavailable));
        let other = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("division by zero".to_owned()),
        );
        assert!(matches!(AppError::from(other), AppError::Internal(_)));
    }
}
