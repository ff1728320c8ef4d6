//! The shipped catalogues load, validate, and hold what their publishers published.

use aims_catalog::{ItemKind, shipped};

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
