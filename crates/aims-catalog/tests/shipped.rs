//! The shipped catalogues load, validate, and hold what their publishers published.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use aims_catalog::{IncidentCase, ItemKind, shipped};

#[test]
fn every_shipped_catalogue_loads_and_validates() {
    let library = shipped().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(library.catalogues().count(), aims_catalog::SHIPPED.len());
}

#[test]
fn iso_42001_has_its_published_structure() {
    let library = shipped().unwrap();
    let iso = library.catalogue("iso-iec-42001").unwrap();
    assert_eq!(iso.count(ItemKind::Control), 38);
    assert_eq!(iso.count(ItemKind::Objective), 10);
    assert_eq!(
        iso.children(Some("A"))
            .filter(|i| i.kind == ItemKind::Group)
            .count(),
        9,
        "nine Annex A groups"
    );
    let leaf_clauses = iso
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Clause && i.requirement)
        .count();
    assert_eq!(leaf_clauses, 32, "32 leaf requirements in clauses 4–10");
    for id in ["6.1.1", "6.1.2", "6.1.3", "6.1.4", "8.2", "8.3", "8.4"] {
        assert!(
            iso.item(id).is_some_and(|i| i.requirement),
            "{id} is its own requirement"
        );
    }
    assert_eq!(iso.count(ItemKind::AiObjective), 11);
    assert_eq!(iso.count(ItemKind::RiskSource), 7);
    // Every control names its Annex B guidance, numbered like the control.
    for control in iso.items.iter().filter(|i| i.kind == ItemKind::Control) {
        assert_eq!(
            control.guidance.as_deref(),
            Some(format!("B{}", &control.id[1..]).as_str())
        );
    }
    let per_group: Vec<usize> = [
        "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "A.10",
    ]
    .iter()
    .map(|g| {
        iso.items
            .iter()
            .filter(|i| i.kind == ItemKind::Control && i.id.starts_with(&format!("{g}.")))
            .count()
    })
    .collect();
    assert_eq!(per_group, [3, 2, 5, 4, 9, 5, 4, 3, 3]);
}

#[test]
fn nist_ai_rmf_has_4_functions_19_categories_72_subcategories() {
    let library = shipped().unwrap();
    let rmf = library.catalogue("nist-ai-rmf@1.0").unwrap();
    assert_eq!(
        (
            rmf.count(ItemKind::Function),
            rmf.count(ItemKind::Category),
            rmf.count(ItemKind::Subcategory)
        ),
        (4, 19, 72)
    );
    assert!(rmf.framework.original_text_included && rmf.framework.attribution.is_some());
    assert_eq!(
        rmf.item("GOVERN 1.1").unwrap().parent.as_deref(),
        Some("GOVERN 1")
    );
}

#[test]
fn iso_27001_has_93_controls_in_4_themes() {
    let library = shipped().unwrap();
    let iso = library.catalogue("iso-iec-27001").unwrap();
    let per_theme: Vec<usize> = ["A.5", "A.6", "A.7", "A.8"]
        .iter()
        .map(|t| iso.children(Some(t)).count())
        .collect();
    assert_eq!(per_theme, [37, 8, 14, 34]);
    assert_eq!(iso.count(ItemKind::Control), 93);
}

#[test]
fn the_other_frameworks_have_their_published_counts() {
    let library = shipped().unwrap();
    assert_eq!(
        library
            .catalogue("owasp-llm-top10")
            .unwrap()
            .count(ItemKind::Risk),
        10
    );
    let oecd = library.catalogue("oecd-ai-principles").unwrap();
    assert_eq!(
        (
            oecd.count(ItemKind::Principle),
            oecd.count(ItemKind::Recommendation)
        ),
        (5, 5)
    );
    assert_eq!(
        library
            .catalogue("uk-ai-cyber-security-code")
            .unwrap()
            .count(ItemKind::Principle),
        13
    );
}

#[test]
fn iso_items_carry_our_own_descriptions_and_no_iso_text() {
    let library = shipped().unwrap();
    for key in ["iso-iec-42001", "iso-iec-27001"] {
        let catalogue = library.catalogue(key).unwrap();
        assert!(!catalogue.framework.original_text_included);
        for item in &catalogue.items {
            assert!(item.text.is_none(), "{key} {} carries text", item.id);
            let (title, description) = (item.title.to_lowercase(), item.description.to_lowercase());
            assert!(
                !description.trim().is_empty() && description.trim_end_matches('.') != title,
                "{key} {}",
                item.id
            );
            // The standards' own phrasing of a control begins "The organization shall"; ours never does.
            assert!(
                !description.contains("the organization shall"),
                "{key} {} reads like the standard",
                item.id
            );
        }
    }
}

#[test]
fn search_finds_items_across_catalogues() {
    let library = shipped().unwrap();
    let hits = library.search("event logs");
    assert!(
        hits.iter().any(|h| h.item.id == "A.6.2.8"),
        "ISO/IEC 42001 A.6.2.8"
    );
    let injection: Vec<&str> = library
        .search("prompt injection")
        .iter()
        .map(|h| h.item.id.as_str())
        .collect();
    assert!(injection.contains(&"LLM01"));
    assert!(library.search("   ").is_empty());
}

#[test]
fn the_eu_ai_act_has_its_published_structure_and_dates() {
    let library = shipped().unwrap();
    let act = library.catalogue("eu-ai-act").unwrap();
    assert_eq!(
        act.children(Some("art-5")).count(),
        8,
        "Article 5(1)(a)–(h)"
    );
    assert_eq!(
        act.children(Some("annex-i-a")).count() + act.children(Some("annex-i-b")).count(),
        20
    );
    assert_eq!(act.count(ItemKind::Area), 8);
    let per_area: Vec<usize> = (1..=8)
        .map(|a| act.children(Some(&format!("annex-iii-{a}"))).count())
        .collect();
    assert_eq!(per_area, [3, 1, 4, 2, 4, 5, 4, 2], "25 Annex III points");
    assert_eq!(act.children(Some("art-6(3)")).count(), 4);
    assert_eq!(
        act.children(Some("art-17")).count(),
        13,
        "Article 17(1)(a)–(m)"
    );
    assert_eq!(act.children(Some("art-26")).count(), 12);
    assert_eq!(act.children(Some("art-27")).count(), 6);
    for id in (8..=15).map(|n| format!("art-{n}")) {
        assert!(act.item(&id).is_some_and(|a| a.requirement), "{id}");
    }
    let annex_iii = act.item("annex-iii").unwrap();
    assert_eq!(
        (
            annex_iii.applies_from.as_deref(),
            annex_iii.amended_applies_from.as_deref()
        ),
        (Some("2026-08-02"), Some("2027-12-02"))
    );
    assert!(annex_iii.amendment.as_deref().unwrap().contains("Omnibus"));
    assert_eq!(
        act.item("art-5").unwrap().applies_from.as_deref(),
        Some("2025-02-02")
    );
}

#[test]
fn the_serious_incident_reporting_periods_are_data_under_article_73() {
    let library = shipped().unwrap();
    let act = library.catalogue("eu-ai-act").unwrap();
    let periods: Vec<(&str, u32, IncidentCase)> = act
        .children(Some("art-73"))
        .filter_map(|i| {
            i.reporting_deadline
                .map(|d| (i.id.as_str(), d.days, d.case))
        })
        .collect();
    assert_eq!(
        periods,
        [
            ("art-73(2)", 15, IncidentCase::SeriousIncident),
            (
                "art-73(3)",
                2,
                IncidentCase::WidespreadOrCriticalInfrastructure
            ),
            ("art-73(4)", 10, IncidentCase::Death),
        ]
    );
    // Nothing else in any catalogue sets a reporting period.
    let elsewhere = library
        .catalogues()
        .flat_map(|c| c.items.iter())
        .filter(|i| i.reporting_deadline.is_some() && i.parent.as_deref() != Some("art-73"))
        .count();
    assert_eq!(elsewhere, 0);
}

#[test]
fn every_high_risk_requirement_of_the_act_is_mapped_or_named_as_a_gap() {
    let library = shipped().unwrap();
    let act = library.catalogue("eu-ai-act").unwrap();
    let mut ids: Vec<String> = (9..=15).map(|n| format!("art-{n}")).collect();
    ids.extend(
        ["art-17", "art-26", "art-27", "art-50", "art-72", "art-73"]
            .iter()
            .map(|s| s.to_string()),
    );
    for id in ids {
        let covered = |item: &str| {
            !library.map(act, item, 1).is_empty() || !library.gaps(act, item).is_empty()
        };
        let children: Vec<&str> = act.children(Some(&id)).map(|c| c.id.as_str()).collect();
        assert!(
            covered(&id) || children.iter().any(|c| covered(c)),
            "{id} has neither a mapping nor a recorded gap"
        );
    }
}

#[test]
fn iso_42001_lists_the_documented_information_its_clauses_require() {
    let library = shipped().unwrap();
    let iso = library.catalogue("iso-iec-42001").unwrap();
    let all: Vec<(&str, &str)> = iso
        .items
        .iter()
        .flat_map(|i| {
            i.documented_information
                .iter()
                .map(move |d| (i.id.as_str(), d.as_str()))
        })
        .collect();
    assert_eq!(all.len(), 19);
    assert!(
        all.iter()
            .any(|(id, d)| *id == "6.1.3" && d.starts_with("Statement of Applicability"))
    );
    assert!(all.iter().all(|(id, _)| {
        iso.item(id)
            .is_some_and(|i| i.kind == ItemKind::Clause && i.requirement)
    }));
}
