//! The case-workflow engine: a pure function from (case, action, actor, now, policy) to the new
//! state of the case and the effects the caller must persist in the same transaction.
//! It knows nothing about HTTP or SQL; every status change in the system goes through here.

mod contract;
mod types;

pub use contract::*;
pub use types::*;
