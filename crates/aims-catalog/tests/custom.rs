//! An organisation's own frameworks and crosswalks: every form is told apart and read, OSCAL
//! mapping collections come back as the crosswalks they were exported from, and a library
//! extended with them keeps every check of the shipped one.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use aims_catalog::{
    ImportFormat, ImportOptions, Imported, MappingEnds, Relation, crosswalk_from_oscal,
    crosswalk_to_oscal, import_format, read_import, shipped,
};
use serde_json::json;

const POLICY_CSV: &str = "id,parent,kind,title,description\n\
    P1,,group,Governance,How AI work is governed here\n\
    P1.1,P1,control,AI owner named,Every AI system has a named accountable owner\n\
    P1.2,P1,control,Review board,A board reviews every high-risk use before launch\n";

fn policy_options() -> ImportOptions {
    ImportOptions {
        id: Some("acme-ai-policy".into()),
        title: Some("Acme AI policy".into()),
        version: Some("2026".into()),
        ..ImportOptions::default()
    }
}

#[test]
fn every_shipped_crosswalk_survives_a_round_trip_through_oscal() {
    let library = shipped().unwrap();
    for crosswalk in library.crosswalks() {
        let info = &crosswalk.crosswalk;
        let (source, target) = (
            library.catalogue(&info.source).unwrap(),
            library.catalogue(&info.target).unwrap(),
        );
        let text = crosswalk_to_oscal(crosswalk, source, target).to_string();
        let back = crosswalk_from_oscal("x.json", &text, &library, &MappingEnds::default())
            .unwrap_or_else(|e| panic!("{}: {e}", info.id));
        assert_eq!(
            (&back.crosswalk.source, &back.crosswalk.target),
            (&info.source, &info.target)
        );
        let pairs = |c: &aims_catalog::Crosswalk| {
            let mut all: Vec<_> = c
                .mappings
                .iter()
                .map(|m| (m.from.clone(), m.to.clone(), m.relation))
                .collect();
            all.sort();
            all
        };
        assert_eq!(pairs(&back), pairs(crosswalk), "{}", info.id);
        let rationales = crosswalk
            .mappings
            .iter()
            .filter(|m| m.to.is_some())
            .all(|m| back.mappings.iter().any(|b| b.rationale == m.rationale));
        assert!(rationales, "{}: rationales are carried over", info.id);
    }
}

fn collection(maps: serde_json::Value) -> String {
    json!({"mapping-collection": {
        "uuid": "5d2e7f4a-0000-4000-8000-000000000001",
        "metadata": {"title": "Policy to ISO/IEC 42001", "version": "1", "oscal-version": "1.2.3", "last-modified": "2026-11-01T00:00:00Z"},
        "provenance": {"method": "human", "matching-rationale": "semantic", "status": "complete", "mapping-description": "Written by the AI office."},
        "mappings": [{
            "uuid": "5d2e7f4a-0000-4000-8000-000000000002",
            "source-resource": {"type": "catalog", "href": "https://acme.example/policy.json"},
            "target-resource": {"type": "catalog", "href": "#iso"},
            "maps": maps,
        }],
    }})
    .to_string()
}

#[test]
fn a_custom_framework_and_its_crosswalk_join_the_library_and_map_through_it() {
    let shipped = shipped().unwrap();
    let imported = read_import(
        "policy.csv",
        POLICY_CSV,
        ImportFormat::Csv,
        &policy_options(),
        &shipped,
    )
    .unwrap();
    let Imported::Catalogue(policy) = imported else {
        panic!("a CSV is a catalogue")
    };
    assert_eq!(policy.key(), "acme-ai-policy@2026");
    let library = shipped.extend(vec![policy], Vec::new()).unwrap();
    assert!(library.is_added("acme-ai-policy@2026"));
    assert!(!library.is_added("iso-iec-42001@2023"));

    let text = collection(json!([
        {"uuid": "5d2e7f4a-0000-4000-8000-000000000003", "relationship": "subset-of",
         "sources": [{"type": "control", "id-ref": "p1.1"}],
         "targets": [{"type": "control", "id-ref": "iso-iec-42001_A.3.2"}],
         "remarks": "Naming an owner is one part of assigning AI roles."},
        {"uuid": "5d2e7f4a-0000-4000-8000-000000000004", "relationship": "no-relationship",
         "sources": [{"type": "control", "id-ref": "P1.2"}],
         "targets": [{"type": "control", "id-ref": "A.3.2"}]},
    ]));
    let options = ImportOptions {
        target: Some("iso-iec-42001".into()),
        ..ImportOptions::default()
    };
    assert_eq!(
        import_format("map.json", &text),
        ImportFormat::OscalMappingCollection
    );
    let err = read_import(
        "map.json",
        &text,
        ImportFormat::OscalMappingCollection,
        &ImportOptions::default(),
        &library,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("matches no loaded catalogue"), "{err}");
    let with_source = ImportOptions {
        source: Some("acme-ai-policy".into()),
        ..options
    };
    let Imported::Crosswalk(crosswalk) = read_import(
        "map.json",
        &text,
        ImportFormat::OscalMappingCollection,
        &with_source,
        &library,
    )
    .unwrap() else {
        panic!("a mapping collection is a crosswalk")
    };
    assert_eq!(crosswalk.crosswalk.id, "policy-to-iso-iec-42001");
    assert_eq!(crosswalk.mappings.len(), 2);
    let library = library.extend(Vec::new(), vec![crosswalk.clone()]).unwrap();
    let policy = library.catalogue("acme-ai-policy").unwrap();
    let reached = library.map(policy, "P1.1", 2);
    let direct = reached
        .iter()
        .find(|r| r.node.1 == "A.3.2")
        .expect("maps to A.3.2");
    assert_eq!(direct.relation, Relation::Subset);
    assert!(
        reached.iter().any(|r| r.path.len() == 2),
        "a second hop goes on through the shipped crosswalks: {reached:?}"
    );
    assert_eq!(library.gaps(policy, "P1.2").len(), 1);

    let again = library.extend(Vec::new(), vec![crosswalk]).unwrap_err();
    assert!(again.message.contains("already loaded"), "{again}");
}

#[test]
fn a_broken_mapping_collection_is_refused_naming_where() {
    let library = shipped().unwrap();
    let options = ImportOptions {
        source: Some("owasp-llm-top10".into()),
        target: Some("iso-iec-42001".into()),
        ..ImportOptions::default()
    };
    let read = |maps| {
        read_import(
            "map.json",
            &collection(maps),
            ImportFormat::OscalMappingCollection,
            &options,
            &library,
        )
        .unwrap_err()
        .to_string()
    };
    let unknown = read(json!([{"uuid": "u", "relationship": "sort-of",
        "sources": [{"type": "control", "id-ref": "LLM01"}], "targets": [{"type": "control", "id-ref": "A.6.2.4"}]}]));
    assert!(
        unknown.contains("/mapping-collection/mappings/0/maps/0: unknown relationship \"sort-of\""),
        "{unknown}"
    );
    let missing = read(json!([{"uuid": "u", "relationship": "intersects-with",
        "sources": [{"type": "control", "id-ref": "LLM01"}], "targets": [{"type": "control", "id-ref": "A.99"}]}]));
    assert!(
        missing.contains("maps/0/targets/0: iso-iec-42001@2023 has no item \"A.99\""),
        "{missing}"
    );
    let twice = read(json!([
        {"uuid": "u", "relationship": "intersects-with", "sources": [{"type": "control", "id-ref": "LLM01"}], "targets": [{"type": "control", "id-ref": "A.6.2.4"}], "remarks": "Overlap on verification."},
        {"uuid": "v", "relationship": "equal-to", "sources": [{"type": "control", "id-ref": "LLM01"}], "targets": [{"type": "control", "id-ref": "A.6.2.4"}], "remarks": "Overlap on verification."},
    ]));
    assert!(twice.contains("twice"), "{twice}");
}

#[test]
fn a_custom_framework_may_not_take_a_shipped_key_or_a_bad_id() {
    let library = shipped().unwrap();
    let clash = ImportOptions {
        id: Some("iso-iec-42001".into()),
        title: Some("Our copy".into()),
        version: Some("2023".into()),
        ..ImportOptions::default()
    };
    let catalogue = match read_import("p.csv", POLICY_CSV, ImportFormat::Csv, &clash, &library) {
        Ok(Imported::Catalogue(c)) => c,
        other => panic!("{other:?}"),
    };
    let err = library.extend(vec![catalogue], Vec::new()).unwrap_err();
    assert!(err.message.contains("already loaded"), "{err}");

    let bad = ImportOptions {
        id: Some("Acme Policy!".into()),
        ..policy_options()
    };
    let err = read_import("p.csv", POLICY_CSV, ImportFormat::Csv, &bad, &library)
        .unwrap_err()
        .to_string();
    assert!(err.contains("lower-case letters"), "{err}");

    let err = read_import(
        "p.csv",
        POLICY_CSV,
        ImportFormat::Csv,
        &ImportOptions::default(),
        &library,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("needs an id and a title"), "{err}");
}

#[test]
fn a_newer_version_of_a_framework_takes_its_name_and_the_older_keeps_its_key() {
    let library = shipped().unwrap();
    let mut next = library.catalogue("owasp-llm-top10").unwrap().clone();
    next.framework.version = "2027".into();
    next.framework.published = "2027-01-01".into();
    next.items.retain(|i| i.id != "LLM10");
    next.file = "next.yaml".into();
    let old = library.catalogue("owasp-llm-top10").unwrap().clone();
    // The shipped crosswalk names the old version by key, so it keeps working.
    let library = library.extend(vec![next], Vec::new()).unwrap();
    assert_eq!(
        library.catalogue("owasp-llm-top10").unwrap().key(),
        "owasp-llm-top10@2027"
    );
    assert_eq!(library.name_of(&old), old.key());
    let newest = library.catalogue("owasp-llm-top10").unwrap();
    assert_eq!(library.name_of(newest), "owasp-llm-top10");
    let diff = aims_catalog::diff(&old, newest);
    assert_eq!(diff.removed.len(), 1);
}

#[test]
fn what_the_importer_says_replaces_what_the_document_says_and_is_checked() {
    let library = shipped().unwrap();
    let iso = library.catalogue("iso-iec-42001").unwrap();
    let exported = aims_catalog::catalog_to_oscal(iso).to_string();
    let read = |options: &ImportOptions| {
        read_import(
            "42001.json",
            &exported,
            ImportFormat::OscalCatalog,
            options,
            &library,
        )
    };
    // A copy under the organisation's own id, title and version.
    let ours = ImportOptions {
        id: Some("acme-42001".into()),
        title: Some("ISO/IEC 42001 as Acme reads it".into()),
        version: Some("Rev 2".into()),
        ..ImportOptions::default()
    };
    match read(&ours).unwrap() {
        Imported::Catalogue(c) => {
            assert_eq!(c.key(), "acme-42001@rev-2");
            assert_eq!(c.framework.title, "ISO/IEC 42001 as Acme reads it");
            assert_eq!(c.items.len(), iso.items.len());
        }
        other => panic!("{other:?}"),
    }
    for version in ["a@b", "x:1", &"9".repeat(33)] {
        let err = read(&ImportOptions {
            version: Some(version.into()),
            ..ImportOptions::default()
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("must be 1 to 32"), "{version}: {err}");
    }
    for id in ["imports", "x", "Acme"] {
        let err = read(&ImportOptions {
            id: Some(id.into()),
            ..ImportOptions::default()
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains(id) && err.contains("--id"), "{id}: {err}");
    }

    // A crosswalk's id is held to the same rule, and may be given too.
    let owasp = library.catalogue("owasp-llm-top10").unwrap();
    let crosswalk = library
        .crosswalks()
        .iter()
        .find(|c| c.crosswalk.source == owasp.key())
        .unwrap();
    let target = library.catalogue(&crosswalk.crosswalk.target).unwrap();
    let mut collection = aims_catalog::crosswalk_to_oscal(crosswalk, owasp, target);
    collection["mapping-collection"]["metadata"]["title"] = json!("概要");
    let text = collection.to_string();
    let err = read_import(
        "map.json",
        &text,
        ImportFormat::OscalMappingCollection,
        &ImportOptions::default(),
        &library,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("crosswalk id \"\""), "{err}");
    let named = ImportOptions {
        id: Some("acme-owasp-map".into()),
        ..ImportOptions::default()
    };
    match read_import(
        "map.json",
        &text,
        ImportFormat::OscalMappingCollection,
        &named,
        &library,
    )
    .unwrap()
    {
        Imported::Crosswalk(c) => assert_eq!(c.crosswalk.id, "acme-owasp-map"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bare_framework_id_means_the_latest_and_the_shipped_one_on_a_tie() {
    let library = shipped().unwrap();
    let mut copy = library.catalogue("owasp-llm-top10").unwrap().clone();
    copy.framework.version = "2025-acme".into();
    copy.file = "copy.yaml".into();
    let library = library.extend(vec![copy], Vec::new()).unwrap();
    assert_eq!(
        library.catalogue("owasp-llm-top10").unwrap().key(),
        "owasp-llm-top10@2025",
        "same publication date: the shipped version keeps the name"
    );
    let csv = |version: &str| {
        let options = ImportOptions {
            version: Some(version.into()),
            ..policy_options()
        };
        match read_import("p.csv", POLICY_CSV, ImportFormat::Csv, &options, &library) {
            Ok(Imported::Catalogue(c)) => c,
            other => panic!("{other:?}"),
        }
    };
    let library = library
        .extend(vec![csv("9"), csv("10"), csv("1.2")], Vec::new())
        .unwrap();
    assert_eq!(
        library.catalogue("acme-ai-policy").unwrap().key(),
        "acme-ai-policy@10",
        "versions compare as numbers"
    );
}

#[test]
fn a_link_names_the_catalogue_whose_key_it_holds_longest() {
    let library = shipped().unwrap();
    let mut copy = library.catalogue("iso-iec-42001").unwrap().clone();
    copy.framework.version = "2023-acme".into();
    copy.file = "copy.yaml".into();
    let library = library.extend(vec![copy], Vec::new()).unwrap();
    let owasp = library.catalogue("owasp-llm-top10").unwrap();
    let to_42001 = library
        .crosswalks()
        .iter()
        .find(|c| {
            c.crosswalk.source == owasp.key() && c.crosswalk.target.starts_with("iso-iec-42001")
        })
        .unwrap();
    let mut collection = aims_catalog::crosswalk_to_oscal(
        to_42001,
        owasp,
        library.catalogue("iso-iec-42001@2023").unwrap(),
    );
    for (link, expected) in [
        (
            "https://acme.example/iso-iec-42001@2023-acme.json",
            "iso-iec-42001@2023-acme",
        ),
        (
            "https://acme.example/iso-iec-42001@2023.json",
            "iso-iec-42001@2023",
        ),
        (
            "https://acme.example/iso-iec-42001-2023-acme.oscal.json",
            "iso-iec-42001@2023-acme",
        ),
    ] {
        for mapping in collection["mapping-collection"]["mappings"]
            .as_array_mut()
            .unwrap()
        {
            mapping["target-resource"]["href"] = json!(link);
        }
        let back = crosswalk_from_oscal(
            "x.json",
            &collection.to_string(),
            &library,
            &MappingEnds::default(),
        )
        .unwrap();
        assert_eq!(back.crosswalk.target, expected, "{link}");
    }
}
