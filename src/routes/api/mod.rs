//! JSON handlers under `/api/v1`, one file per resource.

pub mod auth;
pub mod cases;
pub mod divisions;
pub mod evidence;
pub mod me;
pub mod policy;
pub mod queue;
