//! Validated domain values ("parse, don't validate"): once a value of these types exists it is
//! known to be well formed. No I/O and no framework types here.

mod category;
mod destination;
mod division_code;
mod email;
mod id_number;
mod money;
mod particulars;
mod phone;
mod role;

pub use category::Category;
pub use destination::{Destination, mask_email};
pub use division_code::DivisionCode;
pub use email::Email;
pub use id_number::IdNumber;
pub use money::{fen_of_yuan, yuan_of_fen};
pub use particulars::{Particulars, Sex};
pub use phone::Phone;
pub use role::Role;

/// Whether a character may not be stored as text: control characters (NUL above all, which
/// PostgreSQL refuses in `text`), except the line breaks and tabs of a written narrative.
pub fn is_refused_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}
