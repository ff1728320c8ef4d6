//! Reading a CycloneDX JSON document into component facts (mapping in the parent module).

use serde_json::Value;

use super::clean::{clean, short};
use super::json::{
    Object, Read, array_field, as_object, brief, first_text, object_field, text_field,
};
use super::{
    BomError, BomImport, PROP_HOSTING, PROP_QUALITY_CHECKS, PROP_SOURCE, PROP_SUPPLIER,
    same_component,
};
use crate::inventory::{ComponentFacts, ComponentKind, is_web_link};

/// Spec versions whose JSON form aims reads.
const SPEC_VERSIONS: [&str; 3] = ["1.4", "1.5", "1.6"];

/// Parses a CycloneDX JSON document and takes its models, datasets and suppliers.
///
/// # Errors
///
/// A [`BomError`] naming where the document is not JSON, not a CycloneDX BOM of a version
/// from 1.4 to 1.6, or not shaped as the specification says in a part aims reads.
pub fn read_ml_bom(json: &str) -> Result<BomImport, BomError> {
    let text = json.strip_prefix('\u{feff}').unwrap_or(json);
    let document: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let location = format!(" at line {} column {}", e.line(), e.column());
        let what = full.strip_suffix(&location).unwrap_or(&full);
        BomError::new(
            "",
            format!(
                "not valid JSON at line {}, column {}: {what}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let root = document
        .as_object()
        .ok_or_else(|| BomError::new("", "must be a JSON object (a CycloneDX BOM)"))?;

    match root.get("bomFormat") {
        Some(Value::String(format)) if format == "CycloneDX" => {}
        Some(other) => {
            return Err(BomError::new(
                "/bomFormat",
                format!("must be \"CycloneDX\", not {}", brief(other)),
            ));
        }
        None => {
            return Err(BomError::new(
                "/bomFormat",
                "is missing: not a CycloneDX BOM",
            ));
        }
    }
    let spec_version = match root.get("specVersion") {
        Some(Value::String(v)) if SPEC_VERSIONS.contains(&v.as_str()) => v.clone(),
        Some(other) => {
            return Err(BomError::new(
                "/specVersion",
                format!(
                    "CycloneDX version {} is not supported; aims reads 1.4 to 1.6",
                    brief(other)
                ),
            ));
        }
        None => return Err(BomError::new("/specVersion", "is missing")),
    };
    let serial_number = text_field(root, "serialNumber", "")?
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);

    let mut reader = Reader::default();
    if let Some(metadata) = object_field(root, "metadata", "")? {
        for (name, value) in properties(metadata, "/metadata")? {
            if name == PROP_SUPPLIER {
                reader.supplier(value, "");
            }
        }
        if let Some(component) = metadata.get("component") {
            reader.component(component, "/metadata/component", "metadata.component")?;
        }
    }
    for (i, component) in array_field(root, "components", "")?.iter().enumerate() {
        reader.component(
            component,
            &format!("/components/{i}"),
            &format!("components[{i}]"),
        )?;
    }
    let Reader {
        mut components,
        suppliers,
        skipped,
    } = reader;
    components.extend(
        suppliers
            .into_iter()
            .map(|facts| (ComponentKind::Supplier, facts)),
    );
    Ok(BomImport {
        spec_version,
        serial_number,
        components,
        skipped,
    })
}

#[derive(Default)]
struct Reader {
    components: Vec<(ComponentKind, ComponentFacts)>,
    /// Kept apart, deduplicated by name, and listed after the models and datasets.
    suppliers: Vec<ComponentFacts>,
    skipped: Vec<String>,
}

impl Reader {
    /// Reads one entry of a `components` array (`at` is its JSON Pointer, `label` how notes
    /// name it), then its nested components.
    fn component(&mut self, value: &Value, at: &str, label: &str) -> Read<()> {
        let object = as_object(value, at)?;
        let kind = match object.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(_) => return Err(BomError::new(&format!("{at}/type"), "must be a string")),
            None => return Err(BomError::new(&format!("{at}/type"), "is missing")),
        };
        let name = text_field(object, "name", at)?.unwrap_or("");
        let what = if name.trim().is_empty() {
            format!("{label} ({kind}, no name)")
        } else {
            format!("{label} ({kind} {:?})", name.trim())
        };
        match kind {
            "machine-learning-model" => self.model(object, at, &what)?,
            "data" => self.dataset(object, at, &what)?,
            _ => self.skipped.push(format!("{what}: not a model or dataset")),
        }
        for (i, nested) in array_field(object, "components", at)?.iter().enumerate() {
            self.component(
                nested,
                &format!("{at}/components/{i}"),
                &format!("{label}.components[{i}]"),
            )?;
        }
        Ok(())
    }

    fn model(&mut self, object: &Object, at: &str, what: &str) -> Read<()> {
        let mut facts = self.common(object, at)?;
        facts.model_card_url = model_card_link(object, at)?;
        let mut inline = Vec::new();
        if let Some(card) = object_field(object, "modelCard", at)? {
            let card_at = format!("{at}/modelCard");
            if let Some(parameters) = object_field(card, "modelParameters", &card_at)? {
                let at = format!("{card_at}/modelParameters");
                let approach = match object_field(parameters, "approach", &at)? {
                    Some(approach) => text_field(approach, "type", &format!("{at}/approach"))?,
                    None => None,
                };
                facts.model_type = first_text([
                    text_field(parameters, "task", &at)?,
                    text_field(parameters, "architectureFamily", &at)?,
                    approach,
                ]);
                for (i, dataset) in array_field(parameters, "datasets", &at)?.iter().enumerate() {
                    let at = format!("{at}/datasets/{i}");
                    let entry = as_object(dataset, &at)?;
                    match text_field(entry, "type", &at)? {
                        Some(_) => {}
                        // A reference to a dataset listed elsewhere in the document.
                        None if entry.contains_key("ref") => continue,
                        None => {
                            return Err(BomError::new(
                                &format!("{at}/type"),
                                "is missing: an inline dataset needs a type, a reference a ref",
                            ));
                        }
                    }
                    inline.push((entry, at, format!("{what} dataset [{i}]")));
                }
            }
        }
        Self::properties_into(&mut facts, object, at)?;
        self.push(ComponentKind::Model, facts, what);
        for (entry, at, what) in inline {
            let data = component_data(entry, &at)?;
            let name = text_field(entry, "name", &at)?.unwrap_or("");
            let facts = ComponentFacts {
                name: name.to_owned(),
                bom_ref: text_field(entry, "bom-ref", &at)?.unwrap_or("").to_owned(),
                source: data.url.unwrap_or_default(),
                provenance: data.provenance,
                personal_data: data.personal,
                ..Default::default()
            };
            self.push(ComponentKind::Dataset, facts, &what);
        }
        Ok(())
    }

    fn dataset(&mut self, object: &Object, at: &str, what: &str) -> Read<()> {
        let mut facts = self.common(object, at)?;
        let entries = array_field(object, "data", at)?;
        let mut urls: Vec<String> = Vec::new();
        let mut provenance: Vec<String> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let entry_at = format!("{at}/data/{i}");
            let entry = as_object(entry, &entry_at)?;
            let data = component_data(entry, &entry_at)?;
            if let Some(url) = data.url
                && !urls.contains(&url)
            {
                urls.push(url);
            }
            if !data.provenance.is_empty() {
                let name = text_field(entry, "name", &entry_at)?.unwrap_or("").trim();
                provenance.push(if entries.len() > 1 && !name.is_empty() {
                    format!("{name}: {}", data.provenance)
                } else {
                    data.provenance
                });
            }
            facts.personal_data |= data.personal;
        }
        if urls.is_empty() {
            urls = external_links(object, at, &["distribution"])?;
        }
        facts.source = urls.join("\n");
        facts.provenance = provenance.join("\n");
        Self::properties_into(&mut facts, object, at)?;
        self.push(ComponentKind::Dataset, facts, what);
        Ok(())
    }

    /// The fields models and datasets share; notes their supplier and manufacturer.
    fn common(&mut self, object: &Object, at: &str) -> Read<ComponentFacts> {
        let mut organisations = Vec::new();
        for key in ["supplier", "manufacturer"] {
            if let Some(entity) = object_field(object, key, at)? {
                let entity_at = format!("{at}/{key}");
                let name = text_field(entity, "name", &entity_at)?.unwrap_or("").trim();
                if !name.is_empty() {
                    let reference = text_field(entity, "bom-ref", &entity_at)?.unwrap_or("");
                    organisations.push((name.to_owned(), reference.to_owned()));
                }
            }
        }
        let mut author_names = None;
        if let Some(first) = array_field(object, "authors", at)?.first() {
            let first_at = format!("{at}/authors/0");
            author_names = text_field(as_object(first, &first_at)?, "name", &first_at)?;
        }
        let provider = first_text([
            organisations.first().map(|(name, _)| name.as_str()),
            text_field(object, "publisher", at)?,
            text_field(object, "author", at)?,
            author_names,
            text_field(object, "group", at)?,
        ]);
        for (name, reference) in organisations {
            self.supplier(&name, &reference);
        }
        Ok(ComponentFacts {
            name: text_field(object, "name", at)?.unwrap_or("").to_owned(),
            version: text_field(object, "version", at)?.unwrap_or("").to_owned(),
            description: text_field(object, "description", at)?
                .unwrap_or("")
                .to_owned(),
            bom_ref: text_field(object, "bom-ref", at)?.unwrap_or("").to_owned(),
            licence: licences(object, at)?,
            provider,
            ..Default::default()
        })
    }

    /// Fills empty fields from aims's own properties.
    fn properties_into(facts: &mut ComponentFacts, object: &Object, at: &str) -> Read<()> {
        for (name, value) in properties(object, at)? {
            let field = match name {
                PROP_HOSTING => &mut facts.hosting,
                PROP_SOURCE => &mut facts.source,
                PROP_QUALITY_CHECKS => &mut facts.quality_checks,
                _ => continue,
            };
            if field.trim().is_empty() {
                *field = value.to_owned();
            }
        }
        Ok(())
    }

    fn supplier(&mut self, name: &str, reference: &str) {
        let name = short(name, 200);
        if name.is_empty() {
            return;
        }
        let key = name.to_lowercase();
        if let Some(known) = self
            .suppliers
            .iter_mut()
            .find(|s| s.name.to_lowercase() == key)
        {
            if known.bom_ref.is_empty() {
                known.bom_ref = short(reference, 500);
            }
            return;
        }
        self.suppliers.push(ComponentFacts {
            name,
            bom_ref: short(reference, 500),
            ..Default::default()
        });
    }

    /// Cleans `facts` so that they validate, and keeps them unless they repeat an earlier entry.
    fn push(&mut self, kind: ComponentKind, facts: ComponentFacts, what: &str) {
        let mut facts = clean(facts);
        if facts.name.is_empty() {
            if facts.bom_ref.is_empty() {
                self.skipped.push(format!("{what}: no name and no bom-ref"));
                return;
            }
            facts.name = short(&facts.bom_ref, 200);
        }
        let facts = match facts.validate() {
            Ok(facts) => facts,
            Err(e) => {
                self.skipped.push(format!("{what}: {e}"));
                return;
            }
        };
        if self
            .components
            .iter()
            .any(|(k, f)| *k == kind && same_component(f, &facts))
        {
            self.skipped
                .push(format!("{what}: the same component as an earlier entry"));
            return;
        }
        self.components.push((kind, facts));
    }
}

/// What a CycloneDX `componentData` object says about where data comes from.
struct DataFacts {
    url: Option<String>,
    provenance: String,
    personal: bool,
}

fn component_data(entry: &Object, at: &str) -> Read<DataFacts> {
    let mut url = None;
    if let Some(contents) = object_field(entry, "contents", at)? {
        url = text_field(contents, "url", &format!("{at}/contents"))?
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
    }
    let mut lines = Vec::new();
    if let Some(description) = text_field(entry, "description", at)? {
        lines.push(description.trim().to_owned());
    }
    if let Some(governance) = object_field(entry, "governance", at)? {
        let governance_at = format!("{at}/governance");
        let mut roles = Vec::new();
        for (key, label) in [
            ("owners", "Owners"),
            ("stewards", "Stewards"),
            ("custodians", "Custodians"),
        ] {
            let mut names = Vec::new();
            for (i, party) in array_field(governance, key, &governance_at)?
                .iter()
                .enumerate()
            {
                let party_at = format!("{governance_at}/{key}/{i}");
                let party = as_object(party, &party_at)?;
                for holder in ["organization", "contact"] {
                    if let Some(who) = object_field(party, holder, &party_at)? {
                        let who_at = format!("{party_at}/{holder}");
                        let name = first_text([
                            text_field(who, "name", &who_at)?,
                            text_field(who, "email", &who_at)?,
                        ]);
                        if !name.is_empty() {
                            names.push(name);
                        }
                    }
                }
            }
            if !names.is_empty() {
                roles.push(format!("{label}: {}", names.join(", ")));
            }
        }
        if !roles.is_empty() {
            lines.push(format!("Governance: {}", roles.join("; ")));
        }
    }
    let classification = text_field(entry, "classification", at)?
        .unwrap_or("")
        .trim();
    if !classification.is_empty() {
        lines.push(format!("Classification: {classification}"));
    }
    let sensitive = array_field(entry, "sensitiveData", at)?
        .iter()
        .any(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()));
    lines.retain(|l| !l.is_empty());
    Ok(DataFacts {
        url,
        provenance: lines.join("\n"),
        personal: sensitive || mentions_personal_data(classification),
    })
}

fn mentions_personal_data(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("personal")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| matches!(word, "pii" | "spi"))
}

/// The `licenses` of a component, as one line.
fn licences(object: &Object, at: &str) -> Read<String> {
    let mut names = Vec::new();
    for (i, choice) in array_field(object, "licenses", at)?.iter().enumerate() {
        let choice_at = format!("{at}/licenses/{i}");
        let choice = as_object(choice, &choice_at)?;
        let name = if let Some(license) = object_field(choice, "license", &choice_at)? {
            let license_at = format!("{choice_at}/license");
            first_text([
                text_field(license, "id", &license_at)?,
                text_field(license, "name", &license_at)?,
            ])
        } else {
            first_text([text_field(choice, "expression", &choice_at)?])
        };
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names.join(", "))
}

fn model_card_link(object: &Object, at: &str) -> Read<String> {
    for kind in ["model-card", "documentation"] {
        if let Some(link) = external_links(object, at, &[kind])?
            .into_iter()
            .find(|l| is_web_link(l))
        {
            return Ok(link);
        }
    }
    Ok(String::new())
}

/// The URLs of a component's external references of the given types, in document order.
fn external_links(object: &Object, at: &str, types: &[&str]) -> Read<Vec<String>> {
    let mut links = Vec::new();
    for (i, reference) in array_field(object, "externalReferences", at)?
        .iter()
        .enumerate()
    {
        let reference_at = format!("{at}/externalReferences/{i}");
        let reference = as_object(reference, &reference_at)?;
        let kind = text_field(reference, "type", &reference_at)?.unwrap_or("");
        let url = text_field(reference, "url", &reference_at)?
            .unwrap_or("")
            .trim();
        if types.contains(&kind) && !url.is_empty() && !links.iter().any(|l| l == url) {
            links.push(url.to_owned());
        }
    }
    Ok(links)
}

/// The `(name, value)` pairs of an object's `properties`.
fn properties<'a>(object: &'a Object, at: &str) -> Read<Vec<(&'a str, &'a str)>> {
    let mut pairs = Vec::new();
    for (i, property) in array_field(object, "properties", at)?.iter().enumerate() {
        let property_at = format!("{at}/properties/{i}");
        let property = as_object(property, &property_at)?;
        let name = text_field(property, "name", &property_at)?.unwrap_or("");
        let value = text_field(property, "value", &property_at)?.unwrap_or("");
        pairs.push((name, value));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_words_that_mean_personal_data() {
        assert!(mentions_personal_data("Personal data"));
        assert!(mentions_personal_data("contains PII"));
        assert!(!mentions_personal_data("public"));
        assert!(!mentions_personal_data("pipii"));
    }
}
