//! The heat map of the register: how many risks sit in each likelihood × impact cell, before
//! treatment and after, drawn as a self-contained SVG that pages embed and reports print.

use serde::{Deserialize, Serialize};

use super::method::RiskMethod;
use super::register::Risk;

/// Risks per cell, `grid[l - 1][i - 1]` for likelihood `l` and impact `i`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatMapCounts {
    pub inherent: Vec<Vec<u32>>,
    /// Where the risks sit once treated; a risk without a residual rating counts at its
    /// inherent cell, as [`Risk::residual_level`] does.
    pub residual: Vec<Vec<u32>>,
}

impl HeatMapCounts {
    /// Counts every risk given; the caller chooses which (the register leaves out closed ones).
    /// A score left outside the scales by a method change counts at the nearest step.
    pub fn from_risks(method: &RiskMethod, risks: &[Risk]) -> Self {
        let empty = vec![vec![0_u32; method.impact.size()]; method.likelihood.size()];
        let mut counts = HeatMapCounts {
            inherent: empty.clone(),
            residual: empty,
        };
        for risk in risks {
            let f = &risk.facts;
            let inherent = (f.inherent_likelihood, f.inherent_impact);
            let residual = match (f.residual_likelihood, f.residual_impact) {
                (Some(l), Some(i)) => (l, i),
                _ => inherent,
            };
            for (grid, (l, i)) in [
                (&mut counts.inherent, inherent),
                (&mut counts.residual, residual),
            ] {
                let (l, i) = method.clamp(l, i);
                if let Some(cell) = grid
                    .get_mut(usize::from(l) - 1)
                    .and_then(|row| row.get_mut(usize::from(i) - 1))
                {
                    *cell += 1;
                }
            }
        }
        counts
    }
}

/// Escapes text for XML content and attribute values (quick-xml's escaping), and drops the
/// characters XML 1.0 cannot hold at all (control characters other than tab and line breaks).
pub fn escape_xml(text: &str) -> String {
    let holdable = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
    };
    if text.chars().all(holdable) {
        quick_xml::escape::escape(text).into_owned()
    } else {
        quick_xml::escape::escape(text.chars().filter(|&c| holdable(c)).collect::<String>())
            .into_owned()
    }
}

/// The heat map as SVG: an Inherent and a Residual grid side by side, highest likelihood at
/// the top, each cell painted in its risk level's colour and showing its count.
pub fn heat_map_svg(method: &RiskMethod, counts: &HeatMapCounts, title: &str) -> String {
    heat_map_svg_linked(method, counts, title, None)
}

const CELL: usize = 56;
const LEFT: usize = 150;
const GAP: usize = 40;
const TOP: usize = 64;
const BELOW: usize = 112;
const LEGEND_ITEM: usize = 140;

/// [`heat_map_svg`] with every cell a link to
/// `{link_base}&likelihood=L&impact=I&basis=inherent|residual`. Only a base on the same site
/// (starting with `/` or `?`, not `//`) is used, so the picture never points elsewhere and
/// never runs script; another base draws no links. With links the picture is a `group` of
/// labelled links rather than one `img`, so that screen readers can reach them.
pub fn heat_map_svg_linked(
    method: &RiskMethod,
    counts: &HeatMapCounts,
    title: &str,
    link_base: Option<&str>,
) -> String {
    let link_base = link_base.filter(|b| same_site(b));
    let (rows, columns) = (method.likelihood.size(), method.impact.size());
    let panel = LEFT + columns * CELL;
    let width = (2 * panel + GAP + 16).max(method.risk_levels.len() * LEGEND_ITEM + 32);
    let bottom = TOP + rows * CELL;
    let height = bottom + BELOW + 40;
    let role = if link_base.is_some() { "group" } else { "img" };
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="{role}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="system-ui, sans-serif" font-size="12">"#
    );
    out.push_str(&format!("<title>{}</title>", escape_xml(title)));
    out.push_str(&format!(
        "<desc>{}</desc>",
        escape_xml(&summary(method, counts))
    ));
    out.push_str(&format!(
        r##"<text x="16" y="24" font-size="16" font-weight="bold" fill="#1a1a1a">{}</text>"##,
        escape_xml(title)
    ));
    for (n, (heading, basis, grid)) in [
        ("Inherent (before treatment)", "inherent", &counts.inherent),
        ("Residual (after treatment)", "residual", &counts.residual),
    ]
    .into_iter()
    .enumerate()
    {
        let left = n * (panel + GAP);
        draw_panel(&mut out, method, grid, left, heading, basis, link_base);
    }
    for (n, level) in method.risk_levels.iter().enumerate() {
        let x = 16 + n * LEGEND_ITEM;
        let y = bottom + BELOW + 8;
        out.push_str(&format!(
            r##"<rect x="{x}" y="{y}" width="16" height="16" fill="{}" stroke="#1a1a1a" stroke-width="0.5"/><text x="{}" y="{}" fill="#1a1a1a">{}</text>"##,
            escape_xml(&level.colour),
            x + 22,
            y + 12,
            escape_xml(&short(&level.label, 16))
        ));
    }
    out.push_str("</svg>");
    out
}

fn draw_panel(
    out: &mut String,
    method: &RiskMethod,
    grid: &[Vec<u32>],
    left: usize,
    heading: &str,
    basis: &str,
    link_base: Option<&str>,
) {
    let (rows, columns) = (method.likelihood.size(), method.impact.size());
    let x0 = left + LEFT;
    let bottom = TOP + rows * CELL;
    out.push_str(&format!(
        r##"<g><text x="{x0}" y="{}" font-size="14" font-weight="bold" fill="#1a1a1a">{heading}</text>"##,
        TOP - 10
    ));
    out.push_str(&format!(
        r##"<text transform="translate({} {}) rotate(-90)" text-anchor="middle" fill="#1a1a1a">Likelihood</text>"##,
        left + 14,
        TOP + rows * CELL / 2
    ));
    out.push_str(&format!(
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#1a1a1a">Impact</text>"##,
        x0 + columns * CELL / 2,
        bottom + BELOW - 6
    ));
    for (r, level) in method.likelihood.levels.iter().enumerate() {
        // The highest likelihood is drawn at the top, as people expect of a heat map.
        let y = TOP + (rows - 1 - r) * CELL + CELL / 2;
        out.push_str(&format!(
            r##"<text x="{}" y="{y}" text-anchor="end" dominant-baseline="central" fill="#1a1a1a">{} {}</text>"##,
            x0 - 8,
            r + 1,
            escape_xml(&short(&level.label, 16))
        ));
    }
    for (c, level) in method.impact.levels.iter().enumerate() {
        let x = x0 + c * CELL + CELL / 2;
        let y = bottom + 14;
        out.push_str(&format!(
            r##"<text transform="translate({x} {y}) rotate(-40)" text-anchor="end" fill="#1a1a1a">{} {}</text>"##,
            c + 1,
            escape_xml(&short(&level.label, 14))
        ));
    }
    for (r, row) in method.matrix.iter().enumerate().take(rows) {
        for (c, &index) in row.iter().enumerate().take(columns) {
            let (l, i) = (r + 1, c + 1);
            let count = grid.get(r).and_then(|row| row.get(c)).copied().unwrap_or(0);
            let colour = method
                .risk_levels
                .get(index)
                .map_or("#9e9e9e", |lv| lv.colour.as_str());
            let words = format!(
                "Likelihood {l} ({}), impact {i} ({}): {}, {count} {}",
                method.likelihood.levels[r].label,
                method.impact.levels[c].label,
                method.level_label(index),
                if count == 1 { "risk" } else { "risks" }
            );
            let (x, y) = (x0 + c * CELL, TOP + (rows - 1 - r) * CELL);
            let (open, close) = match link_base {
                Some(base) => (
                    format!(
                        r#"<a href="{}" aria-label="{}">"#,
                        escape_xml(&format!("{base}&likelihood={l}&impact={i}&basis={basis}")),
                        escape_xml(&words)
                    ),
                    "</a>",
                ),
                None => ("<g>".to_owned(), "</g>"),
            };
            out.push_str(&open);
            out.push_str(&format!(
                r##"<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{}" stroke="#ffffff" stroke-width="2"><title>{}</title></rect>"##,
                escape_xml(colour),
                escape_xml(&words)
            ));
            out.push_str(&format!(
                // Zero is drawn lighter in weight, never in lower contrast (WCAG 1.4.3).
                r#"<text class="on-cell" x="{}" y="{}" text-anchor="middle" dominant-baseline="central" font-size="16" font-weight="{}" fill="{}">{count}</text>"#,
                x + CELL / 2,
                y + CELL / 2,
                if count == 0 { "normal" } else { "bold" },
                text_colour(colour),
            ));
            out.push_str(close);
        }
    }
    out.push_str("</g>");
}

/// Links stay on the same site: a path or a query, never `//host`, `/\host` or a scheme.
fn same_site(base: &str) -> bool {
    (base.starts_with('/') && !base.starts_with("//") && !base.starts_with("/\\"))
        || base.starts_with('?')
}

/// `text` cut to `max` characters with an ellipsis, so that long labels do not overlap; the
/// full labels are in each cell's title.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Black or white, whichever reads better on `background` (WCAG relative luminance).
fn text_colour(background: &str) -> &'static str {
    let channel = |n: usize| {
        let v = background
            .get(1 + 2 * n..3 + 2 * n)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.6, |v| f64::from(v) / 255.0);
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
    if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) {
        "#1a1a1a"
    } else {
        "#ffffff"
    }
}

/// The counts in words, per risk level, for people who cannot see the picture.
fn summary(method: &RiskMethod, counts: &HeatMapCounts) -> String {
    let per_level = |grid: &[Vec<u32>]| {
        let mut totals = vec![0_u32; method.risk_levels.len()];
        for (row, cells) in method.matrix.iter().zip(grid) {
            for (&index, &count) in row.iter().zip(cells) {
                if let Some(total) = totals.get_mut(index) {
                    *total += count;
                }
            }
        }
        let parts: Vec<String> = method
            .risk_levels
            .iter()
            .zip(&totals)
            .map(|(level, n)| format!("{n} {}", level.label))
            .collect();
        parts.join(", ")
    };
    format!(
        "Risks by likelihood and impact. Inherent: {}. Residual: {}.",
        per_level(&counts.inherent),
        per_level(&counts.residual)
    )
}

#[cfg(test)]
mod tests;
