//! Background work: the deadline sweeper, reminders, the indicators' rollups, the daily history anchors, retention,
//! and the housekeeping of auth tables.

pub mod anchors;
pub mod housekeeping;
pub mod likeness;
pub mod reminders;
pub mod retention;
pub mod rollup;
pub mod sweeper;
