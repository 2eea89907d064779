use std::fmt;

use super::{Email, Phone};

/// Where a one-time code or a notice goes: a mainland mobile number or an email address.
/// Its `Debug` masks the number, so it can never reach a log in clear.
#[derive(Clone, PartialEq, Eq)]
pub enum Destination {
    Phone(Phone),
    Email(Email),
}

impl Destination {
    /// The text a keyed lookup hash is taken over: the kind and the normalised value, so a
    /// number and an address can never collide.
    pub fn lookup_text(&self) -> String {
        match self {
            Destination::Phone(p) => format!("phone:{}", p.as_str()),
            Destination::Email(e) => format!("email:{}", e.as_str()),
        }
    }

    /// As shown back to the person: the number masked, the address as typed.
    pub fn masked(&self) -> String {
        match self {
            Destination::Phone(p) => p.masked(),
            Destination::Email(e) => mask_email(e.as_str()),
        }
    }

    pub fn channel(&self) -> &'static str {
        match self {
            Destination::Phone(_) => "sms",
            Destination::Email(_) => "email",
        }
    }
}

/// `wang.fang@example.cn` → `w***@example.cn`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Destination({})", self.masked())
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn lookup_text_separates_kinds_and_debug_masks() {
        let p = Destination::Phone(Phone::parse("+86 138 1234 5678").unwrap());
        assert_eq!(p.lookup_text(), "phone:13812345678");
        assert_eq!(format!("{p:?}"), "Destination(138****5678)");
        let e = Destination::Email(Email::parse(" Wang.Fang@Example.cn").unwrap());
        assert_eq!(e.lookup_text(), "email:wang.fang@example.cn");
        assert_eq!(e.masked(), "w***@example.cn");
    }
}
