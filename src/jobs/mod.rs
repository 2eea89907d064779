//! Background work: the deadline sweeper (and, later, mail and retention).

pub mod reminders;
pub mod sweeper;
