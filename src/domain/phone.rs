use std::fmt;

/// A mainland Chinese mobile number (11 digits starting with 1[3-9]), with an optional +86.
/// Shown masked (`138****5678`) to everyone but the person and the case's mediators.
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// A form's optional number: blank is none, anything else must be a mainland mobile number.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Phone>, &'static str> {
        raw.filter(|p| !p.trim().is_empty())
            .map(Phone::parse)
            .transpose()
    }

    pub fn parse(raw: &str) -> Result<Phone, &'static str> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        if b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
        {
            Ok(Phone(digits.to_owned()))
        } else {
            Err("a mobile number has 11 digits and starts with 13–19")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// Never print the number itself by accident (logs, debug output).
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::Phone;

    #[test]
    fn mobile_numbers_and_masking() {
        let p = Phone::parse("+86 138-1234-5678");
        assert_eq!(p.as_ref().map(Phone::masked), Ok("138****5678".to_owned()));
        assert_eq!(format!("{:?}", p), "Ok(Phone(138****5678))");
        for bad in [
            "",
            "12812345678",
            "1381234567",
            "138123456789",
            "1381234567a",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }
}
