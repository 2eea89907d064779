use std::fmt;

/// An 18-character resident identity number (居民身份证号码) with a valid check character
/// (GB 11643). Asked for only when judicial confirmation needs it; shown masked
/// (`330110********1234`) to everyone but the person and the case's mediators.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

impl IdNumber {
    pub fn parse(raw: &str) -> Result<IdNumber, &'static str> {
        let s = raw.trim().to_uppercase();
        let b = s.as_bytes();
        if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
            return Err("an ID number has 17 digits and a check character");
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        if CHECK[(sum % 11) as usize] != b[17] {
            return Err("this ID number's check character is wrong; please check it");
        }
        Ok(IdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::IdNumber;

    #[test]
    fn checksum_and_masking() {
        // A well-formed number (check character computed by GB 11643).
        let id = IdNumber::parse("11010519491231002X");
        assert_eq!(
            id.as_ref().map(IdNumber::masked),
            Ok("110105********002X".to_owned())
        );
        assert!(
            IdNumber::parse("110105194912310021").is_err(),
            "wrong check character"
        );
        assert!(IdNumber::parse("11010519491231002").is_err());
        assert!(IdNumber::parse("1101051949123100AX").is_err());
        assert_eq!(format!("{:?}", id), "Ok(IdNumber(110105********002X))");
    }
}
