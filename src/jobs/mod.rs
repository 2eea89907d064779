//! Background work: the deadline sweeper, reminders, the daily history anchors, retention,
//! and the housekeeping of auth tables.

pub mod anchors;
pub mod housekeeping;
pub mod reminders;
pub mod retention;
pub mod sweeper;
