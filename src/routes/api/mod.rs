//! JSON handlers under `/api/v1`, one file per resource.

pub mod account;
pub mod auth;
pub mod cases;
pub mod committee;
pub mod divisions;
pub mod evidence;
pub mod me;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod parties;
pub mod policy;
pub mod queue;
pub mod second_factor;
pub mod sign_in;
pub mod staff;
pub mod stats;
