//! Charts as inline SVG drawn on the server: no script, no style attribute (the CSP forbids
//! inline style), every text escaped, every bar a link to the list it counts.

/// One bar: its label, value, the list it links to, and its colour (`#rrggbb`).
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: i64,
    pub href: &'a str,
    pub colour: &'a str,
}

/// `text` safe inside SVG/XML text and attribute values.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

fn safe_colour(colour: &str) -> &str {
    let ok = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok { colour } else { "#666666" }
}

/// A horizontal bar chart titled `title`.
pub fn bar_chart_svg(title: &str, bars: &[Bar<'_>]) -> String {
    const ROW: i64 = 28;
    const LABEL: i64 = 190;
    const WIDTH: i64 = 520;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as i64 + 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">{}</title>",
        escape_xml(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i as i64 * ROW + 5;
        let length = (WIDTH - LABEL - 50) * bar.value.max(0) / max;
        svg.push_str(&format!(
            "<a href=\"{href}\"><text x=\"0\" y=\"{ty}\" font-size=\"13\" fill=\"#1d2330\">{label}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"{colour}\"><title>{label}: {value}</title></rect><text x=\"{tx}\" y=\"{ty}\" font-size=\"13\" fill=\"#1d2330\">{value}</text></a>",
            href = escape_xml(bar.href),
            ty = y + 14,
            label = escape_xml(bar.label),
            w = length.max(1),
            colour = safe_colour(bar.colour),
            value = bar.value,
            tx = LABEL + length.max(1) + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_escaped_and_linked() {
        let svg = bar_chart_svg(
            "Systems <by> class",
            &[
                Bar {
                    label: "High-risk",
                    value: 4,
                    href: "/systems?class=high_risk&x=\"",
                    colour: "#b3261e",
                },
                Bar {
                    label: "<script>",
                    value: 2,
                    href: "/",
                    colour: "red;fill:url(x)",
                },
            ],
        );
        assert!(svg.contains("Systems &lt;by&gt; class"));
        assert!(svg.contains("href=\"/systems?class=high_risk&amp;x=&quot;\""));
        assert!(!svg.contains("<script>"));
        assert!(
            svg.contains("fill=\"#666666\""),
            "an invalid colour falls back"
        );
        assert!(
            svg.contains("width=\"280\""),
            "the largest bar takes the whole width"
        );
        assert!(
            svg.contains("width=\"140\""),
            "half the value, half the bar"
        );
        assert!(!svg.contains("style="));
    }
}
