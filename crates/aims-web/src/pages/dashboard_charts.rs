//! The dashboard's charts: systems by EU AI Act class, Annex A implementation by group, and
//! clauses 4–10 by evidence; every bar links to what it counts.

/// The systems-by-class chart of the dashboard.
pub(super) fn class_chart(r: &aims_app::Readiness) -> String {
    let hrefs: Vec<String> = r
        .by_class
        .iter()
        .map(|(c, _)| format!("/systems?class={c}"))
        .collect();
    let bars: Vec<super::charts::Bar<'_>> = r
        .by_class
        .iter()
        .zip(&hrefs)
        .map(|((class, n), href)| super::charts::Bar {
            label: super::systems::class_label(class),
            value: *n,
            href,
            colour: match class.as_str() {
                "prohibited" => "#7a0019",
                "high_risk" => "#b3261e",
                "transparency" => "#b26a00",
                "minimal" => "#2e7d32",
                _ => "#7b8190",
            },
        })
        .collect();
    super::charts::bar_chart_svg("AI systems by EU AI Act class", &bars)
}

/// The Annex A coverage chart: per group, the share of applicable controls implemented.
pub(super) fn coverage_chart(r: &aims_app::Readiness) -> String {
    let labels: Vec<String> = r
        .coverage
        .iter()
        .map(|g| {
            format!(
                "{} ({} of {} applicable)",
                g.group, g.implemented, g.applicable
            )
        })
        .collect();
    let bars: Vec<super::charts::Bar<'_>> = r
        .coverage
        .iter()
        .zip(&labels)
        .map(|(g, label)| super::charts::Bar {
            label,
            value: g.percent().unwrap_or(0) as i64,
            href: "/soa",
            colour: "#2e5aac",
        })
        .collect();
    super::charts::percent_bar_chart_svg("Annex A controls implemented, per cent, by group", &bars)
}

/// The clauses 4–10 chart: per clause, the share of requirements current evidence names.
pub(super) fn clause_chart(r: &aims_app::Readiness) -> String {
    let labels: Vec<(String, String)> = r
        .clauses
        .iter()
        .map(|c| {
            (
                format!(
                    "{} {} ({} of {})",
                    c.clause,
                    c.title,
                    c.covered(),
                    c.requirements.len()
                ),
                format!("#clause-{}", c.clause),
            )
        })
        .collect();
    let bars: Vec<super::charts::Bar<'_>> = r
        .clauses
        .iter()
        .zip(&labels)
        .map(|(c, (label, href))| super::charts::Bar {
            label,
            value: c.percent().unwrap_or(0) as i64,
            href,
            colour: "#5b4b8a",
        })
        .collect();
    super::charts::percent_bar_chart_svg(
        "ISO/IEC 42001 clause requirements covered by current evidence or documents, per cent",
        &bars,
    )
}
