use std::fmt;

/// An email address, trimmed and lower-cased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.len() > 254 {
            return Err("the email address is too long");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("the email address needs an @");
        };
        let ok_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty()
            || !ok_domain
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
            || domain.contains('@')
        {
            return Err("this does not look like an email address");
        }
        Ok(Email(s))
    }

    /// A form's optional address: blank is none, anything else must be an address.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Email>, &'static str> {
        raw.filter(|e| !e.trim().is_empty())
            .map(Email::parse)
            .transpose()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn normalises_and_refuses() {
        assert_eq!(
            Email::parse("  Village.Mediator@Demo.TEST ").map(|e| e.to_string()),
            Ok("village.mediator@demo.test".to_owned())
        );
        for bad in [
            "",
            "no-at",
            "@demo.test",
            "a@b",
            "a@.b",
            "a b@c.d",
            "a@b..c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
