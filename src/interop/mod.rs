//! The service as one place of entry for the county's other systems (SPEC §7 *One entry,
//! reused*): API keys for systems, not people (`keys`); webhooks that tell them of each case
//! event, signed (`webhooks`, `signature`), delivered by a worker (`delivery`) only to addresses
//! that are allowed (`address`).

pub mod address;
pub mod delivery;
pub mod keys;
pub mod signature;
pub mod webhooks;
