//! A self-contained HTML report: no scripts, no outside files; charts are inline SVG.

use std::fmt::Write;

use super::xml::escape;
use super::{GroupSummary, Summary, Verdict};
use crate::detector::truncate;
use crate::journal::JournalContents;
use crate::result::Outcome;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#1a7f37}.fail{color:#cf222e}\
.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;color:#fff;font-weight:600}\
.badge.pass{background:#1a7f37;color:#fff}.badge.fail{background:#cf222e;color:#fff}.badge.err{background:#9a6700}\
.label{display:inline-block;background:#eef1f4;border-radius:.3rem;padding:0 .35rem;margin:.1rem;font-size:.8rem}\
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:.6rem;border-radius:.3rem}\
details{border-bottom:1px solid #d8dee4;padding:.3rem 0}.muted{color:#57606a}";

/// The HTML report of a run.
pub fn html_report(contents: &JournalContents, summary: &Summary) -> String {
    let run = &summary.run;
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Red-team report: {name}</title><style>{STYLE}</style></head><body>\
         <h1>Red-team report: {name}</h1>",
        name = escape(&run.name)
    );
    let (class, label) = match summary.verdict {
        Verdict::Pass => ("pass", "passed"),
        Verdict::ThresholdsExceeded => ("fail", "thresholds exceeded"),
        Verdict::RunErrors => ("err", "run errors"),
    };
    let totals = &summary.totals;
    let _ = write!(
        out,
        "<p><span class=\"badge {class}\">{label}</span></p>\
         <table><tbody>\
         <tr><th>Target</th><td>{target}</td></tr>\
         <tr><th>Started</th><td>{started}</td></tr>\
         <tr><th>Run</th><td>{run_id} ({tool}, seed {seed})</td></tr>\
         <tr><th>Attempts</th><td>{judged} judged of {planned} planned; {failed} attacks succeeded; {errors} errors; {missing} not carried out</td></tr>\
         <tr><th>Attack success rate</th><td>{asr} (95% interval {low}–{high})</td></tr>\
         <tr><th>Tokens</th><td>{input} in, {output} out{estimated}{cost}; {retries} retries</td></tr>\
         <tr><th>Journal SHA-256</th><td><code>{sha}</code></td></tr>\
         </tbody></table>",
        target = escape(&run.target),
        started = escape(&run.started_at),
        run_id = escape(&run.run_id),
        tool = escape(&run.tool),
        seed = run.seed,
        judged = totals.judged,
        planned = totals.planned,
        failed = totals.failed,
        errors = totals.errors,
        missing = totals.missing,
        asr = percent(totals.attack_success.value),
        low = percent(totals.attack_success.low),
        high = percent(totals.attack_success.high),
        input = summary.usage.input_tokens,
        output = summary.usage.output_tokens,
        estimated = if summary.usage.estimated {
            " (partly estimated)"
        } else {
            ""
        },
        cost = summary
            .usage
            .cost
            .map(|c| format!(
                ", cost {c:.4} {}",
                summary.usage.currency.as_deref().unwrap_or("")
            ))
            .unwrap_or_default(),
        retries = summary.usage.retries,
        sha = escape(&summary.journal_sha256),
    );
    if !summary.reasons.is_empty() {
        out.push_str("<ul>");
        for reason in &summary.reasons {
            let _ = write!(out, "<li>{}</li>", escape(reason));
        }
        out.push_str("</ul>");
    }
    out.push_str("<h2>Attack success by category</h2>");
    out.push_str(&bar_chart(&summary.categories));
    out.push_str("<h2>Probes</h2><table><thead><tr><th>Probe</th><th>Severity</th><th>Tags</th>\
                  <th class=\"n\">Judged</th><th class=\"n\">Succeeded</th><th class=\"n\">Errors</th><th class=\"n\">Rate</th></tr></thead><tbody>");
    for probe in &summary.probes {
        let tags: String = probe
            .taxonomy
            .tags()
            .iter()
            .map(|t| format!("<span class=\"label\">{}</span>", escape(t)))
            .collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{tags}</td><td class=\"n\">{}</td><td class=\"n {}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&probe.name),
            probe.severity.map_or("", |s| s.name()),
            probe.judged,
            if probe.failed > 0 { "fail" } else { "pass" },
            probe.failed,
            probe.errors,
            percent(probe.attack_success.value)
        );
    }
    out.push_str("</tbody></table><h2>Successful attacks</h2>");
    let failures: Vec<_> = contents
        .attempts
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .collect();
    if failures.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>");
    }
    // A report of tens of thousands of failures stays readable and small: the journal has all.
    for record in failures.iter().take(500) {
        let title = match record.outcome {
            Outcome::Error => format!("error: {}", record.error.as_deref().unwrap_or("")),
            _ => format!("{} via {}", record.severity.name(), record.converter),
        };
        let _ = write!(
            out,
            "<details><summary><code>{}</code> — {}</summary>",
            escape(&record.id),
            escape(&title)
        );
        for (index, turn) in record.turns.iter().enumerate() {
            let hits: Vec<String> = turn
                .detections
                .iter()
                .filter(|d| d.hit)
                .map(|d| format!("{}: {}", d.detector, d.evidence.as_deref().unwrap_or("")))
                .collect();
            let _ = write!(
                out,
                "<p class=\"muted\">Turn {}{}</p><pre>{}</pre><pre>{}</pre>",
                index + 1,
                if hits.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", escape(&truncate(&hits.join("; "), 300)))
                },
                escape(&truncate(&turn.prompt, 4000)),
                escape(&truncate(&turn.answer, 4000))
            );
        }
        out.push_str("</details>");
    }
    if failures.len() > 500 {
        let _ = write!(
            out,
            "<p class=\"muted\">{} more in the journal.</p>",
            failures.len() - 500
        );
    }
    out.push_str("</body></html>\n");
    out
}

fn percent(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

/// Horizontal bars of attack success per category with their confidence intervals.
fn bar_chart(groups: &[GroupSummary]) -> String {
    let (label_width, bar_width, row) = (220.0, 420.0, 26.0);
    let height = row * groups.len() as f64 + 30.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" role=\"img\" \
         aria-label=\"Attack success rate by category\" font-size=\"13\">",
        w = label_width + bar_width + 80.0
    );
    for (i, group) in groups.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let rate = group.attack_success;
        let colour = if group.failed == 0 {
            "#1a7f37"
        } else {
            "#cf222e"
        };
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{name}</text>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{bw:.1}\" height=\"18\" fill=\"#eef1f4\"/>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{vw:.1}\" height=\"18\" fill=\"{colour}\"/>\
             <line x1=\"{x1:.1}\" x2=\"{x2:.1}\" y1=\"{my}\" y2=\"{my}\" stroke=\"#1b1f24\" stroke-width=\"1.5\"/>\
             <text x=\"{tx}\" y=\"{ty}\">{value}</text>",
            lx = label_width - 8.0,
            ty = y + 14.0,
            name = escape(&group.name),
            bw = bar_width,
            vw = bar_width * rate.value,
            x1 = label_width + bar_width * rate.low,
            x2 = label_width + bar_width * rate.high,
            my = y + 9.0,
            tx = label_width + bar_width + 8.0,
            value = percent(rate.value),
        );
        if let Some(limit) = group.threshold {
            let x = label_width + bar_width * limit;
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y}\" y2=\"{y2}\" stroke=\"#9a6700\" stroke-dasharray=\"3 2\"/>",
                y2 = y + 18.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}
