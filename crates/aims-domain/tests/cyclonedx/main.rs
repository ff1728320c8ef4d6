//! CycloneDX ML-BOM import and export: the official example documents import with the
//! expected facts, exports validate against the official CycloneDX 1.6 JSON schema and read
//! back unchanged, and bad documents are refused naming where. The examples and the schema are
//! read from the shared fixtures folder (`AIMS_FIXTURES`, default `../shared/fixtures` beside
//! the repository).

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

mod export;
mod import;
mod reading;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aims_domain::inventory::{ComponentFacts, ComponentKind};
use serde_json::Value;

/// The CycloneDX fixtures folder, or `None` (said, and refused under `AIMS_REQUIRE_ALL`).
pub fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("AIMS_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        });
    if dir.join("cyclonedx").is_dir() {
        return Some(dir.join("cyclonedx"));
    }
    let reason = format!(
        "CycloneDX fixture tests: no fixtures folder at {} (set AIMS_FIXTURES)",
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

/// One fixture file's text.
pub fn read_fixture(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Serves the two schemas the BOM schema refers to from the fixtures folder; anything else
/// is refused, so validation never reaches for the network.
struct LocalSchemas(HashMap<String, Value>);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("{uri} is not in the fixtures folder; no network here").into())
    }
}

/// The official CycloneDX 1.6 schema, resolved from the fixtures folder alone.
pub fn schema(dir: &Path) -> jsonschema::Validator {
    let load = |name: &str| -> Value {
        serde_json::from_str(&read_fixture(dir, &format!("schema/{name}"))).unwrap()
    };
    let mut local = HashMap::new();
    for name in ["spdx.schema.json", "jsf-0.82.schema.json"] {
        local.insert(format!("http://cyclonedx.org/schema/{name}"), load(name));
    }
    jsonschema::options()
        .with_retriever(LocalSchemas(local))
        .build(&load("bom-1.6.schema.json"))
        .unwrap_or_else(|e| panic!("the CycloneDX schema does not build: {e}"))
}

/// Fails naming the first schema errors of `document`.
pub fn assert_valid(validator: &jsonschema::Validator, what: &str, document: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid CycloneDX 1.6:\n{}",
        errors.join("\n")
    );
}

/// The facts of the components of one kind.
pub fn only(
    components: &[(ComponentKind, ComponentFacts)],
    kind: ComponentKind,
) -> Vec<&ComponentFacts> {
    components
        .iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, f)| f)
        .collect()
}
