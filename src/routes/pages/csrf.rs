//! The form token as pages carry it: the cookie's token masked with fresh random bytes on every
//! page, so a compressed page never repeats the same secret (BREACH). A form may send it masked
//! or as the cookie holds it.

/// `hex(pad) + hex(pad XOR token)`, a new pad each time.
pub fn mask(token: &str) -> String {
    let pad: Vec<u8> = (0..token.len()).map(|_| rand::random::<u8>()).collect();
    let hidden: Vec<u8> = token.bytes().zip(&pad).map(|(t, p)| t ^ p).collect();
    format!("{}{}", hex::encode(pad), hex::encode(hidden))
}

/// Whether a submitted token is the cookie's, masked or not.
pub fn matches(submitted: &str, token: &str) -> bool {
    let plain = match submitted.len() {
        n if n == token.len() => submitted.as_bytes().to_vec(),
        n if n == token.len() * 4 => {
            let (pad, hidden) = submitted.split_at(token.len() * 2);
            match (hex::decode(pad), hex::decode(hidden)) {
                (Ok(pad), Ok(hidden)) => pad.iter().zip(&hidden).map(|(p, h)| p ^ h).collect(),
                _ => return false,
            }
        }
        _ => return false,
    };
    !token.is_empty() && subtle::ConstantTimeEq::ct_eq(plain.as_slice(), token.as_bytes()).into()
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_masked_token_differs_each_time_and_still_matches() {
        let (a, b) = (mask(TOKEN), mask(TOKEN));
        assert_ne!(a, b);
        assert_eq!(a.len(), 128);
        assert!(matches(&a, TOKEN) && matches(&b, TOKEN));
        assert!(matches(TOKEN, TOKEN));
    }

    #[test]
    fn anything_else_does_not() {
        let other = "fedcba9876543210fedcba9876543210";
        assert!(!matches(&mask(other), TOKEN));
        assert!(!matches(other, TOKEN));
        assert!(!matches("", TOKEN));
        assert!(!matches("", ""));
        assert!(!matches(&"zz".repeat(64), TOKEN));
        let mut bent = mask(TOKEN).into_bytes();
        bent[100] = if bent[100] == b'0' { b'1' } else { b'0' };
        assert!(!matches(std::str::from_utf8(&bent).unwrap(), TOKEN));
    }
}
