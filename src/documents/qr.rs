//! The QR code of a verify address: as SVG for the pages, as dark squares for the PDF.

use qrcode::{Color, EcLevel, QrCode};

/// A run of dark modules in one row: (row, first column, length).
pub type Run = (usize, usize, usize);

/// The side length in modules and the dark modules, row by row, as runs. `None` only for an
/// address too long for a QR code.
pub fn runs(url: &str) -> Option<(usize, Vec<Run>)> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == Color::Dark {
                let start = col;
                while col < width && colors[row * width + col] == Color::Dark {
                    col += 1;
                }
                runs.push((row, start, col - start));
            } else {
                col += 1;
            }
        }
    }
    Some((width, runs))
}

/// An SVG of the code with a quiet zone, scaled by its container.
pub fn svg(url: &str) -> Option<String> {
    let (width, runs) = runs(url)?;
    let side = width + 8;
    let mut path = String::new();
    for (row, col, len) in runs {
        path.push_str(&format!("M{} {}h{}v1h-{}z", col + 4, row + 4, len, len));
    }
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}
