use std::fmt;

/// A 12-digit statistical division code (统计用区划代码), e.g. `330681109000` for 枫桥镇.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(raw: &str) -> Result<DivisionCode, String> {
        let s = raw.trim();
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(DivisionCode(s.to_owned()))
        } else {
            Err(format!("{s:?} is not a 12-digit division code"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first six digits: the county part, used in case numbers (`330681-2026-000123`).
    pub fn county_prefix(&self) -> &str {
        &self.0[..6]
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::DivisionCode;

    #[test]
    fn twelve_digits_only() {
        assert!(DivisionCode::parse("330681109000").is_ok());
        assert_eq!(
            DivisionCode::parse("330681109000").map(|c| c.county_prefix().to_owned()),
            Ok("330681".to_owned())
        );
        for bad in ["", "33068110900", "3306811090000", "33068110900x"] {
            assert!(DivisionCode::parse(bad).is_err());
        }
    }
}
