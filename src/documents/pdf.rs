//! Draws a laid-out document as a PDF: one Type 0 font (the CJK font subsetted to the glyphs
//! used, embedded as CIDFontType2 with Identity-H and a ToUnicode map so the text can be
//! searched and copied), deflated streams, no clock and no random identifier anywhere, so the
//! same document and verify code always give the same bytes.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};

use super::font::{DocumentFont, FontError, Metrics};
use super::layout::{self, Op, PAGE_H, PAGE_W};
use super::{Document, Stamp, qr};

pub fn render(doc: &Document, stamp: &Stamp, font: &DocumentFont) -> Result<Vec<u8>, FontError> {
    let m = Metrics::new(font.face()?);
    let pages = layout::lay_out(doc, stamp, &m);

    // Every glyph drawn, in a stable order, numbered anew for the subset.
    let mut used: BTreeMap<char, u16> = BTreeMap::new();
    for page in &pages.pages {
        for op in page {
            if let Op::Text { text, .. } = op {
                for c in text.chars() {
                    used.entry(c).or_insert_with(|| m.glyph(c));
                }
            }
        }
    }
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut glyph_of: BTreeMap<char, u16> = BTreeMap::new();
    for (c, gid) in &used {
        glyph_of.insert(*c, remapper.remap(*gid));
    }
    let subset = subsetter::subset(&font.data, font.index, &remapper)
        .map_err(|e| FontError::Subset(e.to_string()))?;

    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = id();
    let tree = id();
    let type0 = id();
    let cid = id();
    let descriptor = id();
    let file = id();
    let cmap_ref = id();
    let info = id();
    let page_ids: Vec<(Ref, Ref)> = pages.pages.iter().map(|_| (id(), id())).collect();

    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(page_ids.len() as i32);
    pdf.document_info(info)
        .title(TextStr(&format!("{} {}", doc.title, doc.number)))
        .creator(TextStr("Fengqiao"))
        .producer(TextStr("Fengqiao"));

    // A subset tag from the glyphs it holds, so it too is the same for the same document.
    let digest = Sha256::digest(
        glyph_of
            .keys()
            .flat_map(|c| (*c as u32).to_be_bytes())
            .collect::<Vec<u8>>(),
    );
    let tag: String = digest
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let base = format!("{tag}+{}", font.name);
    let base = Name(base.as_bytes());

    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_ref);
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let face = m.face();
    let unit = m.per_unit() * 1000.0;
    let mut widths: Vec<(u16, f32)> = used
        .iter()
        .filter_map(|(c, old)| {
            let new = *glyph_of.get(c)?;
            let adv = face
                .glyph_hor_advance(ttf_parser::GlyphId(*old))
                .unwrap_or(0);
            Some((new, f32::from(adv) * unit))
        })
        .collect();
    widths.sort_by_key(|(g, _)| *g);
    widths.dedup_by_key(|(g, _)| *g);
    {
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(1000.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut w = cid_font.widths();
        for (g, width) in &widths {
            w.consecutive(*g, [*width]);
        }
        w.finish();
    }
    let bbox = face.global_bounding_box();
    let scale = |v: i16| f32::from(v) * unit;
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(face.ascender()))
        .descent(scale(face.descender()))
        .cap_height(scale(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(80.0)
        .font_file2(file);
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    pdf.stream(file, &packed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.len() as i32);

    let mut cmap = UnicodeCmap::new(Name(b"Fengqiao-UCS"), system);
    for (c, g) in &glyph_of {
        cmap.pair(*g, *c);
    }
    let cmap = cmap.finish();
    pdf.cmap(cmap_ref, cmap.as_slice());

    let qr = qr::runs(&stamp.url);
    for ((page_id, content_id), ops) in page_ids.iter().zip(&pages.pages) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(*content_id);
        page.resources().fonts().pair(Name(b"F1"), type0);
        page.finish();
        let content = draw(ops, &glyph_of, qr.as_ref());
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&content, 6);
        pdf.stream(*content_id, &packed).filter(Filter::FlateDecode);
    }
    Ok(pdf.finish())
}

type Runs = (usize, Vec<qr::Run>);

fn draw(ops: &[Op], glyph_of: &BTreeMap<char, u16>, qr: Option<&Runs>) -> Vec<u8> {
    let mut c = Content::new();
    for op in ops {
        match op {
            Op::Text { x, y, size, text } => {
                let bytes: Vec<u8> = text
                    .chars()
                    .flat_map(|ch| glyph_of.get(&ch).copied().unwrap_or(0).to_be_bytes())
                    .collect();
                c.begin_text();
                c.set_font(Name(b"F1"), *size);
                c.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                c.show(Str(&bytes));
                c.end_text();
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                c.set_line_width(*width);
                c.move_to(*x1, *y1);
                c.line_to(*x2, *y2);
                c.stroke();
            }
            Op::Qr { x, y, size } => {
                if let Some((modules, runs)) = qr {
                    let cell = size / *modules as f32;
                    for (row, col, len) in runs {
                        let top = y + size - (*row as f32 + 1.0) * cell;
                        c.rect(x + *col as f32 * cell, top, *len as f32 * cell, cell);
                    }
                    c.fill_nonzero();
                }
            }
        }
    }
    c.finish().into_vec()
}
