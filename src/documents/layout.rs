//! Lays a document out on A4 pages: the title and the QR code at the head of the first page,
//! the blocks flowing down the pages (a heading never left alone at the foot of a page, table
//! headers repeated), and the verify code and page number at the foot of every page.
//! Chinese wraps between any two characters, except that closing punctuation stays with the
//! character before it; Latin words and numbers break at spaces when they can.

use super::font::Metrics;
use super::{Block, Document, Stamp, grouped};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
const LEFT: f32 = 68.0;
const RIGHT: f32 = PAGE_W - 68.0;
const TOP: f32 = PAGE_H - 62.0;
const BOTTOM: f32 = 72.0;
const BODY: f32 = 12.0;
const LEADING: f32 = 21.0;
const SMALL_LEADING: f32 = 14.0;
pub const QR_SIZE: f32 = 66.0;

/// What is drawn: text at a baseline, a stroked line, or the QR code's square.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Qr {
        x: f32,
        y: f32,
        size: f32,
    },
}

pub struct Pages {
    pub pages: Vec<Vec<Op>>,
}

struct Flow<'m, 'f> {
    m: &'m Metrics<'f>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Flow<'_, '_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Room for `h` more points on this page, or a new page.
    fn room(&mut self, h: f32) {
        if self.y - h < BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                y,
                size,
                text: text.to_owned(),
            });
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.ops().push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
        });
    }

    /// Lines of wrapped text from `x`, the first indented by `first`.
    fn lines(&mut self, x: f32, width: f32, first: f32, size: f32, leading: f32, text: &str) {
        for (i, line) in wrap(self.m, text, size, width, first).iter().enumerate() {
            self.room(leading);
            self.y -= leading;
            let indent = if i == 0 { first } else { 0.0 };
            let y = self.y + (leading - size) / 2.0;
            self.text(x + indent, y, size, line);
        }
    }
}

fn is_closing(c: char) -> bool {
    "，。、；：？！）》」』”’,.;:?!)%".contains(c)
}

/// Splits `text` into lines no wider than `width` (the first `first` narrower).
pub fn wrap(m: &Metrics<'_>, text: &str, size: f32, width: f32, first: f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = 0.0;
        let mut limit = if out.is_empty() { width - first } else { width };
        // Byte index in `line` after which a Latin word may break (after a space or a CJK
        // character).
        let mut soft: Option<usize> = None;
        for c in para.chars() {
            let cw = m.advance(c) * size;
            if w + cw > limit && !line.is_empty() && !is_closing(c) {
                let latin = c.is_ascii_alphanumeric();
                match soft.filter(|_| latin) {
                    Some(at) if at > 0 && at < line.len() => {
                        let rest = line.split_off(at);
                        out.push(line.trim_end().to_owned());
                        line = rest;
                        w = m.width(&line, size);
                    }
                    _ => {
                        out.push(std::mem::take(&mut line));
                        w = 0.0;
                    }
                }
                soft = None;
                limit = width;
            }
            line.push(c);
            w += cw;
            if c == ' ' || !c.is_ascii() {
                soft = Some(line.len());
            }
        }
        out.push(line);
    }
    out
}

pub fn lay_out(doc: &Document, stamp: &Stamp, m: &Metrics<'_>) -> Pages {
    let mut f = Flow {
        m,
        pages: Vec::new(),
        y: TOP,
    };
    head(&mut f, doc);
    for (i, block) in doc.blocks.iter().enumerate() {
        let next_is_body = doc.blocks.get(i + 1).is_some();
        draw(&mut f, block, next_is_body);
    }
    // The QR code and the code under the title of the first page.
    if let Some(first) = f.pages.first_mut() {
        first.push(Op::Qr {
            x: RIGHT - QR_SIZE,
            y: TOP - QR_SIZE + 8.0,
            size: QR_SIZE,
        });
    }
    let label = format!("校验码 {}", grouped(&stamp.code));
    let lw = m.width(&label, 7.5);
    if let Some(first) = f.pages.first_mut() {
        first.push(Op::Text {
            x: RIGHT - QR_SIZE / 2.0 - lw / 2.0,
            y: TOP - QR_SIZE - 2.0,
            size: 7.5,
            text: label,
        });
    }
    let total = f.pages.len();
    for (n, page) in f.pages.iter_mut().enumerate() {
        foot(m, page, stamp, doc, n + 1, total);
    }
    Pages { pages: f.pages }
}

fn head(f: &mut Flow<'_, '_>, doc: &Document) {
    let m = f.m;
    let title_size = 20.0;
    let tw = m.width(&doc.title, title_size);
    f.y -= 30.0;
    f.text((PAGE_W - tw) / 2.0, f.y, title_size, &doc.title);
    let sub = format!("{}　案号 {}", doc.committee, doc.number);
    let sw = m.width(&sub, 10.5);
    f.y -= 24.0;
    f.text((PAGE_W - sw) / 2.0, f.y, 10.5, &sub);
    f.y -= 22.0;
    let y = f.y;
    f.line(LEFT, y, RIGHT, y, 0.8);
    f.y -= 6.0;
}

fn foot(
    m: &Metrics<'_>,
    page: &mut Vec<Op>,
    stamp: &Stamp,
    doc: &Document,
    n: usize,
    total: usize,
) {
    let y = 46.0;
    page.push(Op::Line {
        x1: LEFT,
        y1: y + 12.0,
        x2: RIGHT,
        y2: y + 12.0,
        width: 0.4,
    });
    let left = format!(
        "{} · 校验码 {} · 核验：{}",
        doc.title,
        grouped(&stamp.code),
        stamp.url
    );
    page.push(Op::Text {
        x: LEFT,
        y,
        size: 7.5,
        text: left,
    });
    let right = format!("第 {n} 页 共 {total} 页");
    let rw = m.width(&right, 7.5);
    page.push(Op::Text {
        x: RIGHT - rw,
        y,
        size: 7.5,
        text: right,
    });
}

fn draw(f: &mut Flow<'_, '_>, block: &Block, more: bool) {
    let width = RIGHT - LEFT;
    match block {
        Block::Heading { text } => {
            // Keep the heading with at least two lines of what follows.
            let need = 10.0 + LEADING + if more { 2.0 * LEADING } else { 0.0 };
            f.room(need);
            f.y -= 10.0;
            f.lines(LEFT, width, 0.0, 13.5, LEADING, text);
        }
        Block::Paragraph { text } => {
            f.lines(LEFT, width, 2.0 * BODY, BODY, LEADING, text);
            f.y -= 3.0;
        }
        Block::Field { label, value } => {
            let label = format!("{label}：");
            let lw = f.m.width(&label, BODY).min(width * 0.4);
            labelled(f, &label, lw, value);
        }
        Block::Items { items } => {
            let mw = f.m.width("00. ", BODY);
            for (i, item) in items.iter().enumerate() {
                labelled(f, &format!("{}. ", i + 1), mw, item);
            }
            f.y -= 3.0;
        }
        Block::Table { head, widths, rows } => table(f, head, widths, rows),
        Block::Signatures { lines } => {
            // The signatures stay together, on the page of the text when they fit.
            let need = 12.0 + LEADING * 1.4 * lines.len() as f32;
            f.room(need.min(TOP - BOTTOM));
            f.y -= 12.0;
            let x = LEFT + width * 0.08;
            let vx = LEFT + width * 0.5;
            for (who, when) in lines {
                f.room(LEADING * 1.4);
                f.y -= LEADING * 1.4;
                let y = f.y;
                let who_lines = wrap(f.m, who, BODY, vx - x - 8.0, 0.0);
                f.text(x, y, BODY, who_lines.first().map_or("", String::as_str));
                f.line(vx, y - 3.0, RIGHT, y - 3.0, 0.4);
                f.text(vx + 4.0, y, BODY, when);
            }
        }
    }
}

/// A label on the first line and the text wrapped beside it (a hanging indent).
fn labelled(f: &mut Flow<'_, '_>, label: &str, lw: f32, text: &str) {
    let width = RIGHT - LEFT - lw;
    for (i, line) in wrap(f.m, text, BODY, width, 0.0).iter().enumerate() {
        f.room(LEADING);
        f.y -= LEADING;
        let y = f.y + (LEADING - BODY) / 2.0;
        if i == 0 {
            f.text(LEFT, y, BODY, label);
        }
        f.text(LEFT + lw, y, BODY, line);
    }
}

fn table(f: &mut Flow<'_, '_>, head: &[String], widths: &[u8], rows: &[Vec<String>]) {
    let size = 10.0;
    let pad = 4.0;
    let total: f32 = widths.iter().map(|w| f32::from(*w)).sum::<f32>().max(1.0);
    let cols: Vec<f32> = widths
        .iter()
        .map(|w| f32::from(*w) / total * (RIGHT - LEFT))
        .collect();
    let measure = |f: &Flow<'_, '_>, cells: &[String]| {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(&cols)
            .map(|(c, w)| wrap(f.m, c, size, w - 2.0 * pad, 0.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (wrapped, lines as f32 * SMALL_LEADING + 2.0 * pad)
    };
    let paint = |f: &mut Flow<'_, '_>, wrapped: &[Vec<String>], h: f32| {
        let top = f.y;
        let mut x = LEFT;
        for (cell, w) in wrapped.iter().zip(&cols) {
            for (i, line) in cell.iter().enumerate() {
                let y = top - pad - (i as f32 + 1.0) * SMALL_LEADING + (SMALL_LEADING - size) / 2.0;
                f.text(x + pad, y, size, line);
            }
            x += w;
        }
        f.y -= h;
        let bottom = f.y;
        f.line(LEFT, top, RIGHT, top, 0.5);
        f.line(LEFT, bottom, RIGHT, bottom, 0.5);
        let mut x = LEFT;
        f.line(x, top, x, bottom, 0.5);
        for w in &cols {
            x += w;
            f.line(x, top, x, bottom, 0.5);
        }
    };
    let (hw, hh) = measure(f, head);
    f.room(hh * 2.0 + 4.0);
    f.y -= 4.0;
    paint(f, &hw, hh);
    for row in rows {
        let (w, h) = measure(f, row);
        if f.y - h < BOTTOM {
            // The header goes first on the next page too.
            f.new_page();
            paint(f, &hw, hh);
        }
        paint(f, &w, h);
    }
    f.y -= 6.0;
}
