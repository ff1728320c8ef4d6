//! The official example documents import with the facts they hold.

use aims_domain::inventory::{ComponentKind, read_ml_bom};
use serde_json::{Value, json};

use crate::{assert_valid, fixtures, only, read_fixture, schema};

#[test]
fn the_stable_diffusion_example_imports_its_model_and_training_data() {
    let Some(dir) = fixtures() else { return };
    for (file, version, provider) in [
        ("valid-machine-learning-1.6.json", "1.6", "Acme Inc"),
        // 1.5 names no publisher: the group is the provider.
        ("valid-machine-learning-1.5.json", "1.5", "CompVis"),
    ] {
        let import = read_ml_bom(&read_fixture(&dir, file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(import.spec_version, version);
        assert_eq!(
            import.serial_number.as_deref(),
            Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
        );
        assert!(import.skipped.is_empty(), "{:?}", import.skipped);
        assert_eq!(
            import.components.len(),
            2,
            "{file}: {:?}",
            import.components
        );
        let (kind, model) = &import.components[0];
        assert_eq!(*kind, ComponentKind::Model);
        assert_eq!(model.name, "stable-diffusion");
        assert_eq!(model.version, "1.4");
        assert_eq!(model.bom_ref, "component-a");
        assert_eq!(model.provider, provider, "{file}");
        assert_eq!(model.model_type, "task goes here");
        assert!(
            model
                .description
                .starts_with("Stable Diffusion is a latent text-to-image diffusion model")
        );
        assert!(model.description.contains('🤗'), "surrogate pairs decode");
        assert_eq!(model.licence, "");
        assert_eq!(model.model_card_url, "");
        let (kind, data) = &import.components[1];
        assert_eq!(*kind, ComponentKind::Dataset);
        assert_eq!(data.name, "Training Data");
        assert_eq!(data.source, "https://example.com/path/to/dataset");
        assert_eq!(data.provenance, "Classification: public");
        assert!(!data.personal_data);
        assert_eq!(data.bom_ref, "");
    }
}

#[test]
fn the_llama_example_names_its_supplier() {
    let Some(dir) = fixtures() else { return };
    let text = read_fixture(&dir, "valid-machine-learning-considerations-env-1.6.json");
    let import = read_ml_bom(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        import.serial_number.as_deref(),
        Some("urn:uuid:ed5c5ba0-2be6-4b58-ac29-01a7fd375123")
    );
    let models = only(&import.components, ComponentKind::Model);
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].name, "Llama-2-7b");
    assert_eq!(models[0].bom_ref, "huggingface.co-meta-llama-Llama-2-7b");
    // The supplier comes before the publisher ("meta").
    assert_eq!(models[0].provider, "Hugging Face");
    // A distribution link is not a model card.
    assert_eq!(models[0].model_card_url, "");
    assert_eq!(models[0].model_type, "");
    let suppliers = only(&import.components, ComponentKind::Supplier);
    assert_eq!(suppliers.len(), 1);
    assert_eq!(suppliers[0].name, "Hugging Face");
    // The energy provider of the model card is not a supplier of the system.
    assert!(only(&import.components, ComponentKind::Dataset).is_empty());
}

#[test]
fn a_data_component_lists_every_location_of_its_data() {
    let Some(dir) = fixtures() else { return };
    let import = read_ml_bom(&read_fixture(&dir, "valid-component-data-1.6.json")).unwrap();
    assert_eq!(import.components.len(), 1);
    let (kind, data) = &import.components[0];
    assert_eq!(*kind, ComponentKind::Dataset);
    assert_eq!(data.name, "my-configs");
    assert_eq!(data.version, "1337");
    assert_eq!(
        data.source,
        "https://example.com/cfg/1337/app.ini\nhttps://example.com/cfg/1337/env"
    );
    assert_eq!(data.provenance, "");
    assert!(!data.personal_data);
}

#[test]
fn the_schema_accepts_the_official_examples_and_refuses_a_broken_one() {
    let Some(dir) = fixtures() else { return };
    let validator = schema(&dir);
    for file in [
        "valid-machine-learning-1.6.json",
        "valid-machine-learning-considerations-env-1.6.json",
        "valid-component-data-1.6.json",
    ] {
        let document: Value = serde_json::from_str(&read_fixture(&dir, file)).unwrap();
        assert_valid(&validator, file, &document);
    }
    let mut broken: Value =
        serde_json::from_str(&read_fixture(&dir, "valid-component-data-1.6.json")).unwrap();
    broken["components"][0]["type"] = json!("dataset");
    assert!(!validator.is_valid(&broken));
    // The SPDX list the schema refers to is loaded from the fixtures folder.
    let mut licensed: Value =
        serde_json::from_str(&read_fixture(&dir, "valid-component-data-1.6.json")).unwrap();
    licensed["components"][0]["licenses"] = json!([{"license": {"id": "Apache-2.0"}}]);
    assert_valid(&validator, "an SPDX licence", &licensed);
    licensed["components"][0]["licenses"] = json!([{"license": {"id": "Not-A-Licence"}}]);
    assert!(!validator.is_valid(&licensed));
}
