//! **What makes two disputes alike, pure**: a narrative in Chinese cut into words (`jieba-rs`,
//! its own dictionary, no HMM guesses) for the full-text index, its most telling words (TF-IDF)
//! for the question, and the narrative told without who or which numbers (`anonymise`), so a
//! mediator may read how the county settled the like of it without learning whose case it was.

use std::sync::OnceLock;

use jieba_rs::{Jieba, KeywordExtract, TfIdf};

/// Words of a question: the most telling of the narrative.
pub const KEYWORDS: usize = 6;
/// How much of an ended case's narrative its summary keeps.
pub const SUMMARY_CHARS: usize = 160;

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

fn tfidf() -> &'static TfIdf {
    static TFIDF: OnceLock<TfIdf> = OnceLock::new();
    TFIDF.get_or_init(TfIdf::default)
}

/// Loads the dictionaries (some 100 ms) before the first question needs them.
pub fn warm() {
    let _ = words("排水管");
    let _ = keywords("排水管", 1);
}

fn telling(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(|c| c.is_alphanumeric())
        && !word.chars().any(char::is_whitespace)
}

/// The distinct words of a text worth indexing (two characters or more).
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = jieba()
        .cut(text, false)
        .into_iter()
        .map(|t| t.word.trim().to_lowercase())
        .filter(|w| telling(w))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The `k` most telling words of a text, most telling first.
pub fn keywords(text: &str, k: usize) -> Vec<String> {
    tfidf()
        .extract_keywords(jieba(), text, k * 2, vec![])
        .into_iter()
        .map(|kw| kw.keyword.trim().to_lowercase())
        .filter(|w| telling(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .take(k)
        .collect()
}

/// A word as a lexeme of a PostgreSQL `tsquery` (quoted; a quote or backslash dropped).
fn lexeme(word: &str) -> String {
    let clean: String = word.chars().filter(|c| !matches!(c, '\'' | '\\')).collect();
    format!("'{clean}'")
}

/// `'a' & 'b'` (every word) or `'a' | 'b'` (any), as PostgreSQL reads a `tsquery`.
pub fn query(words: &[String], all: bool) -> Option<String> {
    let parts: Vec<String> = words
        .iter()
        .map(|w| lexeme(w))
        .filter(|l| l.len() > 2)
        .collect();
    (!parts.is_empty()).then(|| parts.join(if all { " & " } else { " | " }))
}

/// The words of a text the dictionary takes for people's names (two characters or more).
pub fn person_names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = jieba()
        .tag(text, false)
        .into_iter()
        .filter(|t| t.tag == "nr" && t.word.chars().count() >= 2)
        .map(|t| t.word.to_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The narrative without who: the parties' names become 甲, 乙, 丙 …, any other person's name
/// the dictionary recognises becomes 某某, and every run of five or more digits (phone, ID,
/// account numbers) becomes ＊＊＊.
pub fn anonymise(text: &str, names: &[String]) -> String {
    anonymise_with(text, names, &person_names(text))
}

/// The same, with the text's `person_names` already found (they depend on the text alone, so
/// many cases told in the same words find them once).
pub fn anonymise_with(text: &str, names: &[String], others: &[String]) -> String {
    const STAND_INS: [&str; 8] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"];
    let mut out = text.to_owned();
    let mut by_length: Vec<(usize, &String)> = names.iter().enumerate().collect();
    by_length.sort_by_key(|(_, n)| std::cmp::Reverse(n.chars().count()));
    for (i, name) in by_length {
        let name = name.trim();
        if name.chars().count() >= 2 {
            out = out.replace(name, STAND_INS.get(i).copied().unwrap_or("某方"));
        }
    }
    let mut others: Vec<&String> = others.iter().collect();
    others.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    for other in others {
        out = out.replace(other.as_str(), "某某");
    }
    let named = out;
    let mut masked = String::with_capacity(named.len());
    let mut digits = String::new();
    for c in named.chars().chain(std::iter::once('\u{0}')) {
        if c.is_ascii_digit() || c.is_ascii_alphabetic() && !digits.is_empty() {
            digits.push(c);
            continue;
        }
        if digits.chars().filter(char::is_ascii_digit).count() >= 5 {
            masked.push_str("＊＊＊");
        } else {
            masked.push_str(&digits);
        }
        digits.clear();
        if c != '\u{0}' {
            masked.push(c);
        }
    }
    masked
}

/// The first `SUMMARY_CHARS` characters of an anonymised narrative, cut at a sentence's end
/// where one is near.
pub fn summary(anonymised: &str) -> String {
    let chars: Vec<char> = anonymised.trim().chars().collect();
    if chars.len() <= SUMMARY_CHARS {
        return chars.into_iter().collect();
    }
    let sentence_end = chars[..SUMMARY_CHARS]
        .iter()
        .rposition(|c| matches!(c, '。' | '！' | '？' | '；'))
        .filter(|&i| i > SUMMARY_CHARS / 2);
    match sentence_end {
        Some(i) => chars[..=i].iter().collect(),
        None => {
            let mut s: String = chars[..SUMMARY_CHARS].iter().collect();
            s.push('…');
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrative_is_cut_into_its_words() {
        let w = words("李建国家的排水管通到王秀英家院墙下，雨天积水，墙根已经泡坏。");
        assert!(w.iter().any(|x| x == "排水管"), "{w:?}");
        assert!(w.iter().any(|x| x == "积水"), "{w:?}");
        assert!(w.iter().all(|x| x.chars().count() >= 2), "{w:?}");
    }

    #[test]
    fn the_telling_words_come_first_and_make_a_query() {
        let k = keywords("排水管漏水，排水管通到院墙下，墙根泡坏了。", 3);
        assert_eq!(k.first().map(String::as_str), Some("排水管"), "{k:?}");
        let q = query(&k, true).unwrap_or_default();
        assert!(q.starts_with("'排水管' & "), "{q}");
        assert_eq!(query(&["o'neil".into()], false).as_deref(), Some("'oneil'"));
        assert_eq!(query(&[], false), None);
    }

    #[test]
    fn nobody_is_named_and_no_number_stays() {
        let names = vec!["王秀英".to_owned(), "李建国".to_owned()];
        let a = anonymise(
            "李建国家的排水管通到王秀英家院墙下，王秀英打13812345678和李建国的身份证330681199001011234都没用，赔800元。",
            &names,
        );
        assert!(!a.contains("王秀英") && !a.contains("李建国"), "{a}");
        assert!(
            !a.contains("13812345678") && !a.contains("330681199001011234"),
            "{a}"
        );
        assert!(a.contains("乙家的排水管") || a.contains("甲"), "{a}");
        assert!(a.contains("800元"), "small amounts stay: {a}");
    }

    #[test]
    fn a_summary_ends_at_a_sentence_when_it_can() {
        let long = "雨天积水。".repeat(50);
        let s = summary(&long);
        assert!(
            s.ends_with('。') && s.chars().count() <= SUMMARY_CHARS,
            "{s}"
        );
        assert_eq!(summary("短。"), "短。");
    }
}
