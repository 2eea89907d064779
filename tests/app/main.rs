//! The integration tests: the real server over HTTP against real PostgreSQL.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod auth;
mod case_errors;
mod cases_support;
mod harness;
mod journeys;
mod operations;
mod tokens;
