//! Background work: the deadline sweeper, reminders, and the housekeeping of auth tables.

pub mod housekeeping;
pub mod reminders;
pub mod sweeper;
