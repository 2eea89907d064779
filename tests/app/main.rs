//! The integration tests: the real server over HTTP against real PostgreSQL.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod accounts;
mod auth;
mod bell;
mod browser;
mod browser_journeys;
mod browser_privacy;
mod browser_sign_in;
mod case_errors;
mod cases_support;
mod evidence;
mod hardening;
mod harness;
mod http_support;
mod indicators;
mod journeys;
mod mail_support;
mod notifications;
mod openapi;
mod operations;
mod pages;
mod parties;
mod privacy;
mod rating;
mod reminders;
mod route_matrix;
mod schema;
mod second_factor;
mod seed;
mod seed_load;
mod sign_in;
mod sign_in_support;
mod sms_gateway;
mod smtp;
mod sweeper;
mod tokens;
