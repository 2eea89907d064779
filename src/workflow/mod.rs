//! The case-workflow engine: a pure function from (case, action, actor, now, policy) to the new
//! state of the case and the effects the caller must persist in the same transaction.
//! It knows nothing about HTTP or SQL; every status change in the system goes through here.

mod aftercare;
mod agreement;
mod allowed;
mod attachments;
mod calendar;
mod contract;
mod deadline;
mod decide;
mod escalation;
mod file;
mod guards;
mod intake;
mod mediation;
mod next_step;
pub mod reminders;
mod types;

#[cfg(test)]
pub(crate) mod tests;

pub use agreement::MAX_OBLIGATIONS;
pub use allowed::allowed_actions;
pub use attachments::{
    Audience, Reader, audiences, claimable, may_attach, may_export_bundle, may_keep_card, may_post,
    may_rate, may_read, may_record_particulars, may_see_evidence,
};
pub use calendar::{install_local_zone, local_zone};
pub use contract::*;
pub use decide::{NOTICE_KINDS, decide};
pub use file::file;
pub use guards::may_mediate;
pub use next_step::{Lang, Viewer, next_step};
pub use types::*;
