//! Charts as inline SVG drawn on the server: no script, no style attribute (the CSP forbids
//! inline style), every text escaped, every bar a link to the list it counts.

/// One bar: its label, value, the list it links to, and its colour (`#rrggbb`).
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: i64,
    pub href: &'a str,
    pub colour: &'a str,
}

/// `text` safe inside SVG/XML text and attribute values (quick-xml's escaping).
pub fn escape_xml(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

fn safe_colour(colour: &str) -> &str {
    let ok = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok { colour } else { "#666666" }
}

/// An id for a chart's title, distinct for charts of different titles on one page.
fn title_id(title: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("chart-{}", slug.trim_matches('-'))
}

/// A horizontal bar chart titled `title`, scaled to its largest bar.
pub fn bar_chart_svg(title: &str, bars: &[Bar<'_>]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    scaled_bar_chart_svg(title, bars, max)
}

/// A horizontal bar chart of percentages: a full bar is 100.
pub fn percent_bar_chart_svg(title: &str, bars: &[Bar<'_>]) -> String {
    scaled_bar_chart_svg(title, bars, 100)
}

fn scaled_bar_chart_svg(title: &str, bars: &[Bar<'_>], max: i64) -> String {
    // Each label sits on its own line above its bar, so that long labels (clause titles,
    // category names) are never clipped or drawn over the bar.
    const ROW: i64 = 44;
    const WIDTH: i64 = 520;
    const VALUE: i64 = 60;
    let height = ROW * bars.len() as i64 + 6;
    // A group, not an image: its bars are links that screen readers must reach.
    let id = title_id(title);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>",
        escape_xml(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i as i64 * ROW;
        let length = (WIDTH - VALUE) * bar.value.max(0) / max;
        svg.push_str(&format!(
            "<a href=\"{href}\"><text x=\"0\" y=\"{ty}\" font-size=\"13\" fill=\"#1d2330\">{label}</text><rect x=\"0\" y=\"{by}\" width=\"{w}\" height=\"16\" rx=\"2\" fill=\"{colour}\"><title>{label}: {value}</title></rect><text x=\"{tx}\" y=\"{vy}\" font-size=\"13\" fill=\"#1d2330\">{value}</text></a>",
            href = escape_xml(bar.href),
            ty = y + 14,
            by = y + 20,
            vy = y + 33,
            label = escape_xml(bar.label),
            w = length.max(1),
            colour = safe_colour(bar.colour),
            value = bar.value,
            tx = length.max(1) + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A line of percentages over time (oldest first), each point a link; `title` names it.
pub fn trend_svg(title: &str, points: &[(String, f64, String)]) -> String {
    const WIDTH: f64 = 520.0;
    const HEIGHT: f64 = 160.0;
    const LEFT: f64 = 40.0;
    const TOP: f64 = 10.0;
    const PLOT_H: f64 = 120.0;
    let id = title_id(title);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>",
        escape_xml(title)
    );
    for percent in [0.0, 50.0, 100.0] {
        let y = TOP + PLOT_H * (1.0 - percent / 100.0);
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d4dc\"/><text x=\"0\" y=\"{ty:.1}\" font-size=\"11\" fill=\"#1d2330\">{percent:.0}%</text>",
            ty = y + 4.0
        ));
    }
    let step = if points.len() > 1 {
        (WIDTH - LEFT - 20.0) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let at = |i: usize, value: f64| {
        let x = LEFT + 10.0 + step * i as f64;
        let y = TOP + PLOT_H * (1.0 - value.clamp(0.0, 100.0) / 100.0);
        (x, y)
    };
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, value, _))| {
            let (x, y) = at(i, *value);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    if points.len() > 1 {
        svg.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#b3261e\" stroke-width=\"2\"/>",
            line.join(" ")
        ));
    }
    for (i, (label, value, href)) in points.iter().enumerate() {
        let (x, y) = at(i, *value);
        svg.push_str(&format!(
            "<a href=\"{}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"#b3261e\"><title>{}: {value:.1}%</title></circle></a>",
            escape_xml(href),
            escape_xml(label)
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
            svg.contains("width=\"460\""),
            "the largest bar takes the whole width"
        );
        assert!(
            svg.contains("width=\"230\""),
            "half the value, half the bar"
        );
        assert!(!svg.contains("style="));
    }

    #[test]
    fn trends_plot_each_point_as_an_escaped_link() {
        let svg = trend_svg(
            "Attack success",
            &[
                ("run <1>".into(), 80.0, "/redteam-runs/a".into()),
                ("run 2".into(), 20.0, "/redteam-runs/b?x=\"".into()),
            ],
        );
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("run &lt;1&gt;: 80.0%"));
        assert!(svg.contains("/redteam-runs/b?x=&quot;"));
        // 80% sits higher (smaller y) than 20%.
        let ys: Vec<f64> = svg
            .match_indices("cy=\"")
            .map(|(i, _)| svg[i + 4..].split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(ys[0] < ys[1], "{ys:?}");
    }
}
