//! Sums of money: people type yuan, the record keeps fen (1/100 yuan) as whole numbers.

/// Fen for an amount of yuan given as a number: not negative, at most two decimals, and below
/// one hundred billion yuan (a larger figure is a typing accident).
pub fn fen_of_yuan(yuan: f64) -> Option<i64> {
    let fen = yuan * 100.0;
    let whole = fen.round();
    let ok = yuan.is_finite() && (0.0..=1e11).contains(&yuan) && (whole - fen).abs() < 1e-6;
    ok.then_some(whole as i64)
}

/// Yuan as written on a Chinese document: `1,234.50` without a currency sign.
pub fn yuan_of_fen(fen: i64) -> String {
    let (sign, fen) = if fen < 0 { ("-", -fen) } else { ("", fen) };
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_round_trip() {
        assert_eq!(fen_of_yuan(12.5), Some(1250));
        assert_eq!(fen_of_yuan(0.07), Some(7));
        assert_eq!(fen_of_yuan(1.005), None);
        assert_eq!(fen_of_yuan(-1.0), None);
        assert_eq!(fen_of_yuan(f64::NAN), None);
        assert_eq!(yuan_of_fen(123_456_789), "1,234,567.89");
        assert_eq!(yuan_of_fen(5), "0.05");
        assert_eq!(yuan_of_fen(100_000), "1,000.00");
    }
}
