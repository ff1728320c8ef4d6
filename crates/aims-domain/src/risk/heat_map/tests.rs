use super::*;
use crate::risk::RiskId;
use crate::risk::register::{RiskFacts, RiskStatus, TreatmentOption};
use crate::time::Timestamp;

fn risk(inherent: (u8, u8), residual: Option<(u8, u8)>) -> Risk {
    Risk {
        id: RiskId::new(),
        number: 1,
        facts: RiskFacts {
            title: "A risk".into(),
            description: String::new(),
            systems: Vec::new(),
            risk_source: None,
            affected_objective: None,
            lifecycle_stage: None,
            owner: None,
            inherent_likelihood: inherent.0,
            inherent_impact: inherent.1,
            treatment: TreatmentOption::Retain,
            treatment_plan: String::new(),
            controls: Vec::new(),
            actions: Vec::new(),
            residual_likelihood: residual.map(|r| r.0),
            residual_impact: residual.map(|r| r.1),
            review_due: None,
            status: RiskStatus::Assessed,
        },
        acceptance: None,
        rated_by: None,
        created_at: Timestamp::from_micros(0),
        updated_at: Timestamp::from_micros(0),
        revision: 1,
    }
}

/// Checks that every element opened is closed in order, and that every `&` starts an entity.
pub(crate) fn assert_well_formed(svg: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("an unterminated tag") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "a tag inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name.trim()), "closing {name} out of order");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or_default());
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "left open: {open:?}");
    for (n, _) in svg.match_indices('&') {
        let entity = &svg[n..svg[n..].find(';').map_or(svg.len(), |e| n + e + 1)];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity),
            "a bare ampersand at {n}: {entity}"
        );
    }
}

#[test]
fn the_stack_check_catches_what_it_should() {
    for bad in ["<a><b></a></b>", "<a>", "<a>&</a>", "<a>x</b>"] {
        assert!(
            std::panic::catch_unwind(|| assert_well_formed(bad)).is_err(),
            "{bad}"
        );
    }
    assert_well_formed(r#"<a x="1"><b/><c>&amp;</c></a>"#);
}

#[test]
fn every_special_character_is_escaped_and_control_characters_dropped() {
    assert_eq!(escape_xml(r#"<>&"'"#), "&lt;&gt;&amp;&quot;&apos;");
    assert_eq!(escape_xml("a\u{0}b\u{1b}c\td\ne"), "abc\td\ne");
    assert_eq!(escape_xml("Risiko ≥ Hoch"), "Risiko ≥ Hoch");
}

#[test]
fn counts_place_each_risk_in_its_inherent_and_residual_cell() {
    let m = RiskMethod::default_five_by_five();
    let risks = [
        risk((5, 5), Some((2, 2))),
        risk((5, 5), None),
        risk((1, 3), Some((1, 1))),
        // Stale scores from an older, larger method count at the nearest step.
        risk((7, 0), None),
    ];
    let counts = HeatMapCounts::from_risks(&m, &risks);
    assert_eq!(counts.inherent[4][4], 2);
    assert_eq!(counts.inherent[0][2], 1);
    assert_eq!(counts.inherent[4][0], 1);
    assert_eq!(counts.residual[1][1], 1);
    assert_eq!(counts.residual[4][4], 1);
    assert_eq!(counts.residual[0][0], 1);
    assert_eq!(counts.residual[4][0], 1);
    let total = |g: &Vec<Vec<u32>>| g.iter().flatten().sum::<u32>();
    assert_eq!((total(&counts.inherent), total(&counts.residual)), (4, 4));
    assert_eq!(counts.inherent.len(), 5);
    assert!(counts.inherent.iter().all(|row| row.len() == 5));
}

#[test]
fn the_picture_is_well_formed_accessible_and_shows_every_count() {
    let m = RiskMethod::default_five_by_five();
    let risks = [
        risk((5, 5), Some((3, 2))),
        risk((5, 5), Some((3, 2))),
        risk((2, 4), None),
    ];
    let svg = heat_map_svg(
        &m,
        &HeatMapCounts::from_risks(&m, &risks),
        "Risks <script>alert(1)</script>",
    );
    assert_well_formed(&svg);
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ")
    );
    assert!(svg.contains("<title>Risks &lt;script&gt;alert(1)&lt;/script&gt;</title>"));
    assert!(!svg.contains("<script"));
    assert!(
        svg.contains("Inherent: 0 Low, 1 Medium, 0 High, 2 Critical."),
        "{svg}"
    );
    assert!(
        svg.contains("Residual: 0 Low, 3 Medium, 0 High, 0 Critical."),
        "{svg}"
    );
    assert!(svg.contains("impact 5 (Severe): Critical, 2 risks</title>"));
    assert!(svg.contains("impact 4 (Major): Medium, 1 risk</title>"));
    assert!(svg.contains("1 Rare</text>") && svg.contains("5 Severe</text>"));
    assert_eq!(
        svg.matches("<rect").count(),
        2 * 25 + 4,
        "two grids and the legend"
    );
    for (n, _) in svg.match_indices(" on") {
        let after = svg[n + 3..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
        assert!(!after.starts_with('='), "an event handler at {n}");
    }
    for needle in ["href", "url(", "http://", "https://", "xlink"] {
        let found = svg
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
            .contains(needle);
        assert!(!found, "{needle} in {svg}");
    }
}

#[test]
fn cells_link_to_the_register_only_on_the_same_site() {
    let m = RiskMethod::default_five_by_five();
    let counts = HeatMapCounts::from_risks(&m, &[risk((2, 3), None)]);
    let svg = heat_map_svg_linked(&m, &counts, "Risks", Some("/risks?status=open&\"x"));
    assert_well_formed(&svg);
    assert!(svg.contains(
        r#"<a href="/risks?status=open&amp;&quot;x&amp;likelihood=2&amp;impact=3&amp;basis=residual" aria-label="Likelihood 2 (Unlikely), impact 3 (Moderate): Medium, 1 risk">"#
    ), "{svg}");
    assert_eq!(svg.matches("<a href").count(), 50);
    assert!(svg.contains(r#"role="group""#));
    for base in [
        "javascript:alert(1)",
        "//evil.example/x?",
        "/\\evil.example",
        "https://evil.example/?",
    ] {
        let svg = heat_map_svg_linked(&m, &counts, "Risks", Some(base));
        assert!(
            !svg.contains("<a ") && svg.contains(r#"role="img""#),
            "{base}"
        );
    }
}

#[test]
fn labels_are_shortened_and_numbers_readable_on_every_colour() {
    assert_eq!(short("Almost certain", 16), "Almost certain");
    assert_eq!(short("Almost certainly, every day", 10), "Almost ce…");
    assert_eq!(text_colour("#f9a825"), "#1a1a1a");
    assert_eq!(text_colour("#c62828"), "#ffffff");
    assert_eq!(text_colour("#ffffff"), "#1a1a1a");
    assert_eq!(text_colour("#000000"), "#ffffff");
}
