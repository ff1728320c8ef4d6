//! Reading details: skipped and nested components, over-long values, bad and cut-off documents, and any document at all.

use aims_domain::inventory::{ComponentKind, read_ml_bom};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::{fixtures, read_fixture};

fn bom(components: Value) -> String {
    json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components}).to_string()
}

#[test]
fn other_components_are_skipped_with_a_note_and_nested_ones_are_read() {
    let text = bom(json!([
        {"type": "library", "name": "numpy", "components": [
            {"type": "machine-learning-model", "bom-ref": "pkg:huggingface/bert", "publisher": "Google"},
        ]},
        {"type": "machine-learning-model"},
        {"type": "data", "name": "Faces", "data": [
            {"type": "dataset", "name": "a", "classification": "PII", "description": "Photos",
             "governance": {"owners": [{"organization": {"name": "Acme"}}],
                            "stewards": [{"contact": {"email": "dpo@example.com"}}]}},
            {"type": "dataset", "name": "b", "sensitiveData": []},
        ]},
        {"type": "machine-learning-model", "name": "Face matcher",
         "manufacturer": {"name": "Acme"}, "supplier": {"name": "Reseller GmbH"},
         "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}}],
         "externalReferences": [
            {"type": "documentation", "url": "https://docs.example.com"},
            {"type": "model-card", "url": "ftp://cards.example.com"},
         ],
         "modelCard": {"modelParameters": {
            "approach": {"type": "supervised"},
            "datasets": [{"ref": "faces"}, {"type": "dataset", "name": "faces"}],
         }}},
    ]));
    let import = read_ml_bom(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        import.skipped,
        [
            "components[0] (library \"numpy\"): not a model or dataset",
            "components[1] (machine-learning-model, no name): no name and no bom-ref",
            "components[3] (machine-learning-model \"Face matcher\") dataset [1]: the same component as an earlier entry",
        ]
    );
    let names: Vec<(ComponentKind, &str)> = import
        .components
        .iter()
        .map(|(k, f)| (*k, f.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (ComponentKind::Model, "pkg:huggingface/bert"),
            (ComponentKind::Dataset, "Faces"),
            (ComponentKind::Model, "Face matcher"),
            (ComponentKind::Supplier, "Reseller GmbH"),
            (ComponentKind::Supplier, "Acme"),
        ]
    );
    let bert = &import.components[0].1;
    assert_eq!(bert.provider, "Google");
    assert_eq!(bert.bom_ref, "pkg:huggingface/bert");
    let faces = &import.components[1].1;
    assert!(faces.personal_data);
    assert_eq!(
        faces.provenance,
        "a: Photos\nGovernance: Owners: Acme; Stewards: dpo@example.com\nClassification: PII"
    );
    let matcher = &import.components[2].1;
    assert_eq!(matcher.provider, "Reseller GmbH");
    assert_eq!(matcher.licence, "MIT, Custom");
    assert_eq!(matcher.model_type, "supervised");
    // The model card link is not http(s); the documentation is.
    assert_eq!(matcher.model_card_url, "https://docs.example.com");
}

#[test]
fn over_long_and_messy_values_are_cut_to_fit() {
    let text = bom(json!([{
        "type": "data",
        "name": format!("{}\u{0007}", "n".repeat(300)),
        "version": "1\n2",
        "description": "d".repeat(20_000),
        "properties": [{"name": "aims:quality_checks", "value": "checked\u{0000}"}],
    }]));
    let import = read_ml_bom(&text).unwrap();
    let facts = &import.components[0].1;
    assert_eq!(facts.name.chars().count(), 200);
    assert!(facts.name.ends_with('…'));
    assert_eq!(facts.version, "1 2");
    assert_eq!(facts.description.chars().count(), 10_000);
    assert_eq!(facts.quality_checks, "checked");
    assert_eq!(facts.clone().validate().as_ref(), Ok(facts));
}

#[test]
fn bad_documents_are_refused_naming_where() {
    let cases: Vec<(String, &str, &str)> = vec![
        ("{\n  \"bomFormat\": }".into(), "/", "line 2, column 16"),
        ("".into(), "/", "line 1"),
        ("[]".into(), "/", "JSON object"),
        (
            json!({"specVersion": "1.6"}).to_string(),
            "/bomFormat",
            "missing",
        ),
        (
            json!({"bomFormat": "SPDX", "specVersion": "1.6"}).to_string(),
            "/bomFormat",
            "\"SPDX\"",
        ),
        (
            json!({"bomFormat": "CycloneDX"}).to_string(),
            "/specVersion",
            "missing",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.3"}).to_string(),
            "/specVersion",
            "1.4 to 1.6",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": 1.6}).to_string(),
            "/specVersion",
            "the number 1.6",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": 7}).to_string(),
            "/serialNumber",
            "string",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": []}).to_string(),
            "/metadata",
            "object",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.5",
                   "metadata": {"component": {"name": "app"}}})
            .to_string(),
            "/metadata/component/type",
            "missing",
        ),
        (bom(json!({})), "/components", "array"),
        (bom(json!(["model"])), "/components/0", "object"),
        (
            bom(
                json!([{"type": "library", "name": "a"}, {"type": "data", "name": "b"}, {"name": "c"}]),
            ),
            "/components/2/type",
            "missing",
        ),
        (
            bom(json!([{"type": "library", "name": "a", "components": [{"type": 3}]}])),
            "/components/0/components/0/type",
            "string",
        ),
        (
            bom(json!([{"type": "machine-learning-model", "name": "m", "licenses": {}}])),
            "/components/0/licenses",
            "array",
        ),
        (
            bom(json!([{"type": "machine-learning-model", "name": "m", "version": 2}])),
            "/components/0/version",
            "string",
        ),
        (
            bom(json!([{"type": "machine-learning-model", "name": "m",
                        "modelCard": {"modelParameters": {"datasets": [{"name": "x"}]}}}])),
            "/components/0/modelCard/modelParameters/datasets/0/type",
            "missing",
        ),
        (
            bom(
                json!([{"type": "data", "name": "d", "data": [{"type": "dataset", "contents": {"url": 5}}]}]),
            ),
            "/components/0/data/0/contents/url",
            "string",
        ),
        (
            bom(json!([{"type": "data", "name": "d", "supplier": "Acme"}])),
            "/components/0/supplier",
            "object",
        ),
    ];
    for (text, path, words) in cases {
        let err = read_ml_bom(&text).expect_err(&text);
        assert_eq!(err.path, path, "{text}: {err}");
        assert!(err.message.contains(words), "{text}: {err}");
        assert_eq!(err.to_string(), format!("{}: {}", err.path, err.message));
    }
}

#[test]
fn cut_off_documents_are_refused_without_a_panic() {
    let Some(dir) = fixtures() else { return };
    let text = read_fixture(&dir, "valid-machine-learning-1.6.json");
    let mut refused = 0;
    for end in (0..text.len()).step_by(211) {
        if text.is_char_boundary(end) && read_ml_bom(&text[..end]).is_err() {
            refused += 1;
        }
    }
    assert!(refused > 400, "{refused}");
}

/// Member names the reader looks at.
fn any_key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "type",
        "name",
        "bom-ref",
        "version",
        "components",
        "data",
        "modelCard",
        "modelParameters",
        "datasets",
        "contents",
        "url",
        "supplier",
        "publisher",
        "licenses",
        "license",
        "expression",
        "properties",
        "externalReferences",
        "governance",
        "owners",
        "classification",
        "sensitiveData",
    ])
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        prop_oneof![
            Just("machine-learning-model".to_owned()),
            Just("data".to_owned()),
            Just("https://example.com/x".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::vec((any_key(), inner), 0..6).prop_map(|pairs| Value::Object(
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// Components of a model, dataset or other type with a name and members of any shape.
fn any_components() -> impl Strategy<Value = Value> {
    let component = (
        prop::sample::select(vec!["machine-learning-model", "data", "library"]),
        ".{0,12}",
        prop::collection::vec((any_key(), any_json()), 0..4),
    )
        .prop_map(|(kind, name, members)| {
            let mut object = serde_json::Map::new();
            object.insert("type".into(), json!(kind));
            object.insert("name".into(), json!(name));
            for (key, value) in members {
                object.insert(key.to_owned(), value);
            }
            Value::Object(object)
        });
    prop::collection::vec(component, 0..4).prop_map(Value::from)
}

proptest! {
    #[test]
    fn any_document_is_read_or_refused_and_what_is_read_is_valid(
        components in prop_oneof![any_json(), any_components()],
    ) {
        let text = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components})
            .to_string();
        if let Ok(import) = read_ml_bom(&text) {
            for (_, facts) in &import.components {
                prop_assert_eq!(facts.clone().validate(), Ok(facts.clone()));
            }
        }
    }
}
