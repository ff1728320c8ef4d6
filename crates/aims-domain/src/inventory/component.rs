//! The parts an AI system is made of: models, datasets, and the suppliers behind them.

use serde::{Deserialize, Serialize};

use crate::id::{AiSystemId, ComponentId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// What kind of part a component is.
    pub enum ComponentKind ("kind") {
        Model = "model": "Model",
        Dataset = "dataset": "Dataset",
        Supplier = "supplier": "Supplier or third party",
    }
}

/// What a person states about a component. Fields that do not fit its kind stay empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentFacts {
    pub name: String,
    pub version: String,
    /// Who makes or supplies it.
    pub provider: String,
    pub licence: String,
    pub description: String,
    /// Models: the kind of model (`classification`, `large language model`...).
    pub model_type: String,
    /// Models: a link to the model card.
    pub model_card_url: String,
    /// Models: where it runs (`self-hosted`, a cloud service...).
    pub hosting: String,
    /// Datasets: where the data comes from.
    pub source: String,
    /// Datasets: how it was collected and processed.
    pub provenance: String,
    /// Datasets: whether it holds personal data.
    pub personal_data: bool,
    /// Datasets: the quality checks applied.
    pub quality_checks: String,
    /// The identifier of the component in the CycloneDX document it came from, if any.
    pub bom_ref: String,
}

impl ComponentFacts {
    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.name = bounded_text("name", &self.name, 1, 200)?;
        for (field, value, max) in [
            ("version", &mut self.version, 100),
            ("provider", &mut self.provider, 200),
            ("licence", &mut self.licence, 200),
            ("model_type", &mut self.model_type, 200),
            ("hosting", &mut self.hosting, 200),
            ("bom_ref", &mut self.bom_ref, 500),
        ] {
            *value = if value.trim().is_empty() {
                String::new()
            } else {
                bounded_text(field, value, 1, max)?
            };
        }
        for (field, value) in [
            ("description", &mut self.description),
            ("source", &mut self.source),
            ("provenance", &mut self.provenance),
            ("quality_checks", &mut self.quality_checks),
        ] {
            *value = long_text(field, value, 10_000)?;
        }
        self.model_card_url = self.model_card_url.trim().to_owned();
        if !self.model_card_url.is_empty() && !is_web_link(&self.model_card_url) {
            return Err(ValidationError::new(
                "model_card_url",
                "must be an http:// or https:// link",
            ));
        }
        Ok(self)
    }
}

/// Whether `text` is an absolute http(s) link without spaces; other schemes (javascript:,
/// data:) never become clickable links in aims.
pub fn is_web_link(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && text.len() <= 2_000 && !text.chars().any(|c| c.is_whitespace() || c.is_control()))
}

/// A component as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    pub id: ComponentId,
    pub system: AiSystemId,
    pub kind: ComponentKind,
    pub facts: ComponentFacts,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_component_needs_a_name_and_a_web_link_for_its_model_card() {
        let ok = ComponentFacts {
            name: " bert ".into(),
            model_card_url: "https://huggingface.co/bert-base-uncased".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.name, "bert");
        assert_eq!(
            ComponentFacts::default().validate().unwrap_err().field,
            "name"
        );
        for bad in ["javascript:alert(1)", "https://", "ftp://x", "https://a b"] {
            let err = ComponentFacts {
                name: "m".into(),
                model_card_url: bad.into(),
                ..Default::default()
            }
            .validate()
            .unwrap_err();
            assert_eq!(err.field, "model_card_url", "{bad}");
        }
    }
}
