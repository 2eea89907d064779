//! Validated domain values ("parse, don't validate"): once a value of these types exists it is
//! known to be well formed. No I/O and no framework types here.

mod division_code;
mod email;
mod role;

pub use division_code::DivisionCode;
pub use email::Email;
pub use role::Role;
