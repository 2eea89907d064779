//! Charts drawn on the server as SVG (no script): bars that keep their shape on a 360 px phone,
//! each with a text alternative; the page shows the same figures as a table beside it.

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One bar: its label, its value and the text written at its end.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// Horizontal bars, one per line, scaled to the largest (or to `max` when given).
pub fn bars(title: &str, items: &[Bar], max: Option<f64>) -> String {
    let line = 34.0;
    let height = 8.0 + line * items.len().max(1) as f64;
    let top = max
        .unwrap_or_else(|| items.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::MIN_POSITIVE);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 360 {height}" role="img" aria-label="{t}" preserveAspectRatio="xMinYMin meet"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, b) in items.iter().enumerate() {
        let y = 4.0 + line * i as f64;
        let w = (b.value / top * 190.0).clamp(0.0, 190.0);
        svg.push_str(&format!(
            r#"<text x="0" y="{ty}" class="label">{label}</text><rect x="110" y="{ry}" width="{w:.1}" height="20" class="bar"/><text x="{tx:.1}" y="{ty}" class="value">{text}</text>"#,
            ty = y + 19.0,
            ry = y + 4.0,
            tx = 114.0 + w,
            label = esc(&truncate(&b.label, 7)),
            text = esc(&b.text),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Columns over time: one per month, the month's number under it.
pub fn columns(title: &str, items: &[Bar]) -> String {
    let n = items.len().max(1) as f64;
    let slot = 340.0 / n;
    let top = items
        .iter()
        .map(|b| b.value)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 360 190" role="img" aria-label="{t}" preserveAspectRatio="xMinYMin meet"><title>{t}</title><line x1="10" y1="160" x2="350" y2="160" class="axis"/>"#,
        t = esc(title)
    );
    for (i, b) in items.iter().enumerate() {
        let h = (b.value / top * 130.0).clamp(0.0, 130.0);
        let x = 10.0 + slot * i as f64;
        svg.push_str(&format!(
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" class="bar"/><text x="{cx:.1}" y="{vy:.1}" class="value" text-anchor="middle">{text}</text><text x="{cx:.1}" y="180" class="label" text-anchor="middle">{label}</text>"#,
            y = 160.0 - h,
            w = (slot * 0.7).max(1.0),
            cx = x + slot * 0.35,
            vy = 155.0 - h,
            text = esc(&b.text),
            label = esc(&b.label),
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_the_largest() {
        let svg = bars(
            "t<",
            &[
                Bar {
                    label: "<b>".into(),
                    value: 2.0,
                    text: "2".into(),
                },
                Bar {
                    label: "a".into(),
                    value: 4.0,
                    text: "4".into(),
                },
            ],
            None,
        );
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"), "{svg}");
        assert!(
            svg.contains(r#"width="95.0""#) && svg.contains(r#"width="190.0""#),
            "{svg}"
        );
    }
}
