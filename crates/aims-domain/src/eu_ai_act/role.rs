//! The operator roles of the EU AI Act (Article 3): which role an organisation plays for a
//! system decides whose obligation a rule is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

/// The part an organisation plays for one AI system; it may play several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorRole {
    /// Develops the system or model, or has it developed, and puts it on the market under its
    /// own name.
    Provider,
    /// Uses the system under its own authority in a professional activity.
    Deployer,
    /// Brings onto the EU market a system carrying the name of a provider outside the EU.
    Importer,
    /// Makes the system available further down the supply chain without being its provider
    /// or importer.
    Distributor,
    /// Places a product on the market with the system built in, under the manufacturer's name.
    ProductManufacturer,
    /// Acts in the EU on the written mandate of a provider established outside the EU.
    AuthorisedRepresentative,
}

impl OperatorRole {
    /// Every role, in the order obligations are grouped.
    pub const ALL: [OperatorRole; 6] = [
        OperatorRole::Provider,
        OperatorRole::Deployer,
        OperatorRole::Importer,
        OperatorRole::Distributor,
        OperatorRole::ProductManufacturer,
        OperatorRole::AuthorisedRepresentative,
    ];

    /// The name used in the API, in forms and in stored answers.
    pub const fn as_str(self) -> &'static str {
        match self {
            OperatorRole::Provider => "provider",
            OperatorRole::Deployer => "deployer",
            OperatorRole::Importer => "importer",
            OperatorRole::Distributor => "distributor",
            OperatorRole::ProductManufacturer => "product_manufacturer",
            OperatorRole::AuthorisedRepresentative => "authorised_representative",
        }
    }

    /// A short name for people.
    pub const fn label(self) -> &'static str {
        match self {
            OperatorRole::Provider => "Provider",
            OperatorRole::Deployer => "Deployer",
            OperatorRole::Importer => "Importer",
            OperatorRole::Distributor => "Distributor",
            OperatorRole::ProductManufacturer => "Product manufacturer",
            OperatorRole::AuthorisedRepresentative => "Authorised representative",
        }
    }
}

impl fmt::Display for OperatorRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OperatorRole {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OperatorRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| ValidationError::new("roles", format!("unknown role {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for role in OperatorRole::ALL {
            assert_eq!(role.as_str().parse::<OperatorRole>(), Ok(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!("vendor".parse::<OperatorRole>().unwrap_err().field, "roles");
    }
}
