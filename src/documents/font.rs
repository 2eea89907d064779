//! The CJK font the PDFs embed: a TrueType font (or collection) from the operating system,
//! read once at start. `DOCUMENT_FONT` names it; otherwise the Debian packages' usual paths are
//! tried. Only glyph-outline (TrueType) faces are taken, which embed as CIDFontType2.

use std::path::{Path, PathBuf};

/// Fonts of Debian packages with CJK glyphs and TrueType outlines, in order of preference
/// (`fonts-wqy-microhei` is what `scripts/run` and `scripts/test` install).
pub const CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "no CJK font for the documents: install fonts-wqy-microhei or set DOCUMENT_FONT to a TrueType font"
    )]
    NotFound,
    #[error("the document font {0} cannot be read: {1}")]
    Unreadable(PathBuf, String),
    #[error("the document font could not be embedded: {0}")]
    Subset(String),
}

pub struct DocumentFont {
    pub(super) data: Vec<u8>,
    pub(super) index: u32,
    pub(super) path: PathBuf,
    /// The PostScript name, for the PDF's font dictionary.
    pub(super) name: String,
}

impl std::fmt::Debug for DocumentFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentFont")
            .field("path", &self.path)
            .field("name", &self.name)
            .finish()
    }
}

impl DocumentFont {
    /// The named font, or the first of `CANDIDATES` present.
    pub fn load(named: Option<&Path>) -> Result<DocumentFont, FontError> {
        match named {
            Some(path) => DocumentFont::open(path),
            None => CANDIDATES
                .iter()
                .map(Path::new)
                .find(|p| p.exists())
                .ok_or(FontError::NotFound)
                .and_then(DocumentFont::open),
        }
    }

    fn open(path: &Path) -> Result<DocumentFont, FontError> {
        let unreadable = |why: String| FontError::Unreadable(path.to_owned(), why);
        let data = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        for index in 0..faces {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                continue;
            };
            // A face with outlines in `glyf` and the common hanzi.
            let usable = face.tables().glyf.is_some()
                && face.glyph_index('调').is_some()
                && face.glyph_index('A').is_some();
            if usable {
                let name = face
                    .names()
                    .into_iter()
                    .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
                    .and_then(|n| n.to_string())
                    .unwrap_or_else(|| "CJKFont".to_owned());
                let name: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
                return Ok(DocumentFont {
                    data,
                    index,
                    path: path.to_owned(),
                    name,
                });
            }
        }
        Err(unreadable(
            "no face with TrueType outlines and Chinese glyphs".into(),
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn face(&self) -> Result<ttf_parser::Face<'_>, FontError> {
        ttf_parser::Face::parse(&self.data, self.index)
            .map_err(|e| FontError::Unreadable(self.path.clone(), e.to_string()))
    }
}

/// Glyph lookups and widths in points for one face.
pub(super) struct Metrics<'a> {
    face: ttf_parser::Face<'a>,
    per_unit: f32,
}

impl<'a> Metrics<'a> {
    pub fn new(face: ttf_parser::Face<'a>) -> Metrics<'a> {
        let per_unit = 1.0 / f32::from(face.units_per_em().max(1));
        Metrics { face, per_unit }
    }

    pub fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance of `c` at 1 pt.
    pub fn advance(&self, c: char) -> f32 {
        let gid = ttf_parser::GlyphId(self.glyph(c));
        f32::from(self.face.glyph_hor_advance(gid).unwrap_or(0)) * self.per_unit
    }

    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    pub fn face(&self) -> &ttf_parser::Face<'a> {
        &self.face
    }

    pub fn per_unit(&self) -> f32 {
        self.per_unit
    }
}
