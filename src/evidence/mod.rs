//! Evidence files: streamed uploads, the content-addressed store, and verified downloads.

pub mod sniff;
pub mod store;
pub mod upload;

pub use store::Store;
