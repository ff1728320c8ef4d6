//! OSCAL exports validate against NIST's OSCAL 1.2.3 JSON schema and are snapshot-tested; NIST's
//! own example catalogs import. The schema and examples are read from the shared fixtures
//! folder (`AIMS_FIXTURES`, default `../shared/fixtures` beside the repository).

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use aims_catalog::{ItemKind, catalog_to_oscal, catalogue_from_oscal, crosswalk_to_oscal, shipped};
use serde_json::Value;

fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("AIMS_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        });
    if dir.join("oscal").is_dir() {
        return Some(dir);
    }
    let reason = format!(
        "OSCAL fixture tests: no fixtures folder at {} (set AIMS_FIXTURES)",
        dir.display()
    );
    assert!(
        std::env::var_os("AIMS_REQUIRE_ALL").is_none(),
        "skipping is not allowed here: {reason}"
    );
    eprintln!("skipped: {reason}");
    if let Some(log) = std::env::var_os("AIMS_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(file, "{reason}");
        }
    }
    None
}

fn schema(dir: &std::path::Path) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(dir.join("oscal/schema/oscal_complete_schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, document: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid OSCAL:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_export_is_valid_oscal() {
    let Some(dir) = fixtures() else { return };
    let validator = schema(&dir);
    let library = shipped().unwrap();
    for catalogue in library.catalogues() {
        assert_valid(&validator, &catalogue.key(), &catalog_to_oscal(catalogue));
    }
    for crosswalk in library.crosswalks() {
        let source = library.catalogue(&crosswalk.crosswalk.source).unwrap();
        let target = library.catalogue(&crosswalk.crosswalk.target).unwrap();
        assert_valid(
            &validator,
            &crosswalk.crosswalk.id,
            &crosswalk_to_oscal(crosswalk, source, target),
        );
    }
    // The validator is not a rubber stamp.
    let mut broken = catalog_to_oscal(library.catalogue("owasp-llm-top10").unwrap());
    broken["catalog"]["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("title");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn exports_are_stable() {
    let library = shipped().unwrap();
    let owasp = library.catalogue("owasp-llm-top10").unwrap();
    insta::assert_json_snapshot!("owasp-catalog", catalog_to_oscal(owasp));
    let crosswalk = library
        .crosswalks()
        .iter()
        .find(|c| c.crosswalk.id == "owasp-llm-top10-to-iso-iec-42001")
        .unwrap();
    let iso = library.catalogue("iso-iec-42001").unwrap();
    insta::assert_json_snapshot!(
        "owasp-to-42001-mapping",
        crosswalk_to_oscal(crosswalk, owasp, iso)
    );
    assert_eq!(
        catalog_to_oscal(iso),
        catalog_to_oscal(iso),
        "the same input gives the same document"
    );
}

#[test]
fn nist_example_catalogs_import() {
    let Some(dir) = fixtures() else { return };
    let basic = std::fs::read_to_string(dir.join("oscal/examples/basic-catalog.json")).unwrap();
    let catalogue =
        catalogue_from_oscal("basic-catalog.json", &basic).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        catalogue.count(ItemKind::Control) >= 4,
        "{:?}",
        catalogue.items.iter().map(|i| &i.id).collect::<Vec<_>>()
    );
    assert!(catalogue.count(ItemKind::Group) >= 2);
    let low =
        std::fs::read_to_string(dir.join(
            "oscal/examples/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json",
        ))
        .unwrap();
    let catalogue = catalogue_from_oscal("800-53-low.json", &low).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        catalogue.count(ItemKind::Control) > 100,
        "{} controls",
        catalogue.count(ItemKind::Control)
    );
    assert!(
        catalogue
            .item("AC-2")
            .is_some_and(|c| c.requirement && c.title == "Account Management")
    );
    // Both import as an organisation's own frameworks, under ids made from their titles.
    let library = aims_catalog::shipped().unwrap();
    let mut keys = Vec::new();
    for (file, text) in [("basic-catalog.json", &basic), ("800-53-low.json", &low)] {
        let imported = aims_catalog::read_import(
            file,
            text,
            aims_catalog::import_format(file, text),
            &aims_catalog::ImportOptions::default(),
            &library,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let aims_catalog::Imported::Catalogue(catalogue) = imported else {
            panic!("{file} is a catalog")
        };
        library
            .extend(vec![catalogue.clone()], Vec::new())
            .unwrap_or_else(|e| panic!("{e}"));
        keys.push(catalogue.key());
    }
    assert_eq!(
        keys,
        [
            "sample-security-catalog-for-demonstration-and-testing@1.1",
            "nist-special-publication-800-53-revision-5-1-1-low-impact@5.1.1+u4"
        ]
    );
}

#[test]
fn an_exported_catalogue_reads_back_with_the_same_items() {
    let library = shipped().unwrap();
    let iso = library.catalogue("iso-iec-27001").unwrap();
    let text = serde_json::to_string(&catalog_to_oscal(iso)).unwrap();
    let back = catalogue_from_oscal("27001.json", &text).unwrap();
    let ids = |c: &aims_catalog::Catalogue| {
        let mut ids: Vec<_> = c
            .items
            .iter()
            .filter(|i| i.requirement)
            .map(|i| (i.id.clone(), i.title.clone()))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&back), ids(iso));
    // Every shipped catalogue comes back under its own id with the same wording, so that a
    // later version exported elsewhere compares item by item, objectives (carried as parts of
    // their group or control) included.
    for catalogue in library.catalogues() {
        let text = catalog_to_oscal(catalogue).to_string();
        let back = catalogue_from_oscal("x.json", &text).unwrap();
        assert_eq!(back.key(), catalogue.key());
        let diff = aims_catalog::diff(catalogue, &back);
        assert!(
            diff.is_empty(),
            "{}: {:?}",
            catalogue.key(),
            diff.changed
                .iter()
                .map(|c| (&c.id, c.what()))
                .collect::<Vec<_>>()
        );
    }
    assert!(
        catalogue_from_oscal("x.json", "{\"profile\": {}}")
            .unwrap_err()
            .message
            .contains("not an OSCAL catalog")
    );
    assert_eq!(
        catalogue_from_oscal("x.json", "{").unwrap_err().line,
        Some(1)
    );
}
