//! The integration tests: the real server over HTTP against real PostgreSQL.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod auth;
mod case_errors;
mod cases_support;
mod evidence;
mod harness;
mod journeys;
mod openapi;
mod operations;
mod parties;
mod seed;
mod seed_load;
mod tokens;
