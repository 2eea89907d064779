//! The statutory documents of people's mediation (SPEC §4.1), made from the record of a case at
//! the moment they are fetched: one model per document (`Document`: title, header and blocks
//! of text), built from what the record holds (`build`), then drawn either as an A4 PDF with
//! an embedded, subsetted CJK font (`pdf`) or as a printable page by the routes. Nothing here
//! reads the database: the case work gathers the `Source` and files the verify code.

mod build;
mod font;
mod layout;
mod pdf;
pub mod qr;
mod source;
mod words;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use build::{Missing, available, build, obligation_line};
pub use font::{DocumentFont, FontError};
pub use pdf::render;
pub use source::{EventLine, EvidenceLine, PartyLine, SessionLine, Source};

/// The kinds of SPEC §7 *Documents*, in the order of the case file's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Application,
    Acceptance,
    SessionRecord,
    Agreement,
    FollowUp,
    CaseFile,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Application,
        Kind::Acceptance,
        Kind::SessionRecord,
        Kind::Agreement,
        Kind::FollowUp,
        Kind::CaseFile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::Acceptance => "acceptance",
            Kind::SessionRecord => "session_record",
            Kind::Agreement => "agreement",
            Kind::FollowUp => "follow_up",
            Kind::CaseFile => "case_file",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The statutory name, as printed at the top of the document.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Application => "人民调解申请书",
            Kind::Acceptance => "人民调解受理登记表",
            Kind::SessionRecord => "人民调解记录",
            Kind::Agreement => "人民调解协议书",
            Kind::FollowUp => "人民调解履行及回访记录",
            Kind::CaseFile => "人民调解卷宗",
        }
    }
}

/// One document, ready to draw: everything on it comes from the record, nothing from the
/// moment it is drawn, so the same record always gives the same document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub kind: Kind,
    pub title: String,
    /// The case number and the committee, printed under the title.
    pub number: String,
    pub committee: String,
    /// The date the document speaks of (filing, acceptance, session, signature …), in words.
    pub dated: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A section heading.
    Heading { text: String },
    /// Running text, wrapped to the page.
    Paragraph { text: String },
    /// A label and its value on one line (wrapping under the value).
    Field { label: String, value: String },
    /// A numbered list.
    Items { items: Vec<String> },
    /// A table with a header row; cells wrap within their column.
    Table {
        head: Vec<String>,
        widths: Vec<u8>,
        rows: Vec<Vec<String>>,
    },
    /// Signature lines: who, and when they signed online (or that they have not).
    Signatures { lines: Vec<(String, String)> },
}

impl Document {
    /// The SHA-256 of the document's content (not of a drawing of it): the same content is
    /// one issued document with one verify code.
    pub fn digest(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(json))
    }
}

/// What the drawing adds to a document: its verify code and where a reader checks it.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub code: String,
    pub url: String,
}

/// A verify code for people to read and type: twelve characters of Crockford's base 32 (no
/// I, L, O or U), shown in groups of four.
pub fn new_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    rand::random::<[u8; 12]>()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
        .collect()
}

/// `ABCD-EFGH-JKMN` for a printed code.
pub fn grouped(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed or scanned: case and dashes do not matter.
pub fn normalise_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let ok = code.len() == 12
        && code
            .bytes()
            .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b));
    ok.then_some(code)
}

#[cfg(test)]
mod tests;
