//! A metric's trend as inline SVG drawn on the server: the line of its values over time and
//! its target and thresholds as labelled lines of different dash patterns, so that it reads
//! without colour; every text escaped, no style attribute (the CSP forbids inline style).

use aims_app::domain::measurement::{MetricFacts, MetricValue, TrendPoint};

use super::charts::escape_xml;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 96.0;
const TOP: f64 = 12.0;
const PLOT_H: f64 = 150.0;
/// Above this many points the markers would touch; the line alone shows the trend.
const MARKED_POINTS: usize = 60;

/// The reference lines a metric draws: label, value and dash pattern.
fn references(facts: &MetricFacts) -> Vec<(&'static str, MetricValue, &'static str)> {
    [
        ("target", facts.target, "2 3"),
        ("warning", facts.warning, "6 3"),
        ("breach", facts.breach, "12 4"),
    ]
    .into_iter()
    .filter_map(|(label, v, dash)| v.map(|v| (label, v, dash)))
    .collect()
}

/// The trend of metric `metric` (its id, which names the chart on the page) defined by
/// `facts`, titled `title`.
pub fn metric_trend_svg(
    metric: &str,
    title: &str,
    facts: &MetricFacts,
    points: &[TrendPoint],
) -> String {
    let id: String = format!("trend-{metric}")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>",
        escape_xml(title)
    );
    let unit = escape_xml(&facts.unit);
    let refs = references(facts);
    let values = points
        .iter()
        .flat_map(|p| [p.low.as_f64(), p.high.as_f64()])
        .chain(refs.iter().map(|(_, v, _)| v.as_f64()));
    let (mut low, mut high) =
        values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if low > high {
        (low, high) = (0.0, 1.0);
    }
    if (high - low).abs() < f64::EPSILON {
        (low, high) = (low - 1.0, high + 1.0);
    }
    // A little room above and below, and zero kept in view for values that start near it.
    let pad = (high - low) * 0.08;
    let (low, high) = (
        if low >= 0.0 && low - pad < 0.0 {
            0.0
        } else {
            low - pad
        },
        high + pad,
    );
    let y_of = |v: f64| TOP + PLOT_H * (1.0 - (v - low) / (high - low));
    let plot_w = WIDTH - LEFT - RIGHT;
    for v in [low, (low + high) / 2.0, high] {
        let y = y_of(v);
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d4dc\"/><text x=\"{tx}\" y=\"{ty:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#1d2330\">{} {unit}</text>",
            short(v),
            x2 = LEFT + plot_w,
            tx = LEFT - 6.0,
            ty = y + 4.0,
        ));
    }
    for (label, v, dash) in &refs {
        let y = y_of(v.as_f64());
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#1d2330\" stroke-width=\"1.5\" stroke-dasharray=\"{dash}\"/><text x=\"{tx}\" y=\"{ty:.1}\" font-size=\"11\" fill=\"#1d2330\">{label} {v}</text>",
            x2 = LEFT + plot_w,
            tx = LEFT + plot_w + 6.0,
            ty = y + 4.0,
        ));
    }
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        svg.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" font-size=\"13\" fill=\"#1d2330\">No measurements yet</text></svg>",
            x = LEFT + 10.0,
            y = TOP + PLOT_H / 2.0
        ));
        return svg;
    };
    let (t0, t1) = (first.at.as_micros() as f64, last.at.as_micros() as f64);
    let x_of = |p: &TrendPoint| {
        if t1 > t0 {
            LEFT + plot_w * (p.at.as_micros() as f64 - t0) / (t1 - t0)
        } else {
            LEFT + plot_w / 2.0
        }
    };
    if points.len() > 1 {
        let line: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x_of(p), y_of(p.mean.as_f64())))
            .collect();
        svg.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5fae\" stroke-width=\"2\"/>",
            line.join(" ")
        ));
    }
    if points.len() <= MARKED_POINTS {
        for p in points {
            svg.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#1f5fae\"><title>{}: {} {unit}</title></circle>",
                x_of(p),
                y_of(p.mean.as_f64()),
                p.at.date(),
                p.mean,
            ));
        }
    }
    let base = TOP + PLOT_H + 18.0;
    svg.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"{base}\" font-size=\"11\" fill=\"#1d2330\">{}</text><text x=\"{x}\" y=\"{base}\" font-size=\"11\" text-anchor=\"end\" fill=\"#1d2330\">{}</text></svg>",
        first.at.date(),
        last.at.date(),
        x = LEFT + plot_w,
    ));
    svg
}

/// A value for an axis label: no more places than it needs, at most two.
fn short(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use aims_app::domain::Timestamp;
    use aims_app::domain::measurement::{Cadence, Direction, MetricSource};

    use super::*;

    fn facts() -> MetricFacts {
        MetricFacts {
            name: "ASR".into(),
            description: String::new(),
            unit: "<%>".into(),
            direction: Direction::LowerIsBetter,
            target: Some(MetricValue::count(2)),
            warning: None,
            breach: Some(MetricValue::count(10)),
            cadence: Cadence::Weekly,
            source: MetricSource::Manual,
            system: None,
            owner: None,
        }
    }

    fn point(day: i64, v: i64) -> TrendPoint {
        let v = MetricValue::count(v);
        TrendPoint {
            at: Timestamp::from_micros(1_800_000_000_000_000).plus_days(day),
            mean: v,
            low: v,
            high: v,
            count: 1,
        }
    }

    #[test]
    fn the_line_runs_through_time_with_labelled_thresholds_and_escaped_text() {
        let svg = metric_trend_svg(
            "m1",
            "Attack <success>",
            &facts(),
            &[point(0, 12), point(10, 1)],
        );
        assert!(svg.contains("Attack &lt;success&gt;"));
        assert!(svg.contains("&lt;%&gt;") && !svg.contains("<%>"));
        assert!(svg.contains(">target 2</text>") && svg.contains(">breach 10</text>"));
        // Thresholds differ by dash pattern, not only by colour.
        assert!(
            svg.contains("stroke-dasharray=\"2 3\"") && svg.contains("stroke-dasharray=\"12 4\"")
        );
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<polyline"));
        assert!(!svg.contains("style="));
        // The higher value sits higher on the chart (smaller y).
        let ys: Vec<f64> = svg
            .match_indices("cy=\"")
            .map(|(i, _)| svg[i + 4..].split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(ys[0] < ys[1], "{ys:?}");
    }

    #[test]
    fn an_empty_series_says_so_and_a_dense_one_drops_markers() {
        assert!(metric_trend_svg("m1", "t", &facts(), &[]).contains("No measurements yet"));
        let many: Vec<_> = (0..200).map(|d| point(d, d % 7)).collect();
        let svg = metric_trend_svg("m1", "t", &facts(), &many);
        assert_eq!(svg.matches("<circle").count(), 0);
        assert!(svg.contains("<polyline"));
    }
}
