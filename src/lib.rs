//! Fengqiao: online people's mediation, village → township → county.
//! See docs/ARCHITECTURE.md for the map of modules and the life of a request and of a case.

pub mod accounts;
pub mod auth;
pub mod background;
pub mod bundle;
pub mod casework;
pub mod cli;
pub mod config;
pub mod counters;
pub mod crypto;
pub mod db;
pub mod documents;
pub mod domain;
pub mod error;
pub mod evidence;
pub mod interop;
pub mod jobs;
pub mod likeness;
pub mod notify;
pub mod routes;
pub mod seed;
pub mod services;
pub mod startup;
pub mod stats;
pub mod telemetry;
pub mod workflow;
