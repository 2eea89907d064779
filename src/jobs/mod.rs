//! Background work: the deadline sweeper, reminders, the daily history anchors, and the
//! housekeeping of auth tables.

pub mod anchors;
pub mod housekeeping;
pub mod reminders;
pub mod sweeper;
