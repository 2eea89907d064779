//! JSON handlers under `/api/v1`, one file per resource.

pub mod auth;
pub mod cases;
pub mod divisions;
pub mod me;
pub mod notifications;
pub mod outbox;
pub mod policy;
pub mod queue;
