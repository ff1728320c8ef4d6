//! The identifier of a risk. It has the same shape as the ids in `crate::id` and belongs there;
//! it lives here until that file can take it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A risk of the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RiskId(Uuid);

impl RiskId {
    /// A new, time-ordered identifier.
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    /// Wraps an existing UUID.
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The UUID inside.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for RiskId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for RiskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

impl FromStr for RiskId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_ids_round_trip_through_text_and_json_and_are_time_ordered() {
        let a = RiskId::new();
        let b = RiskId::new();
        assert!(a < b);
        assert_eq!(a.to_string().parse::<RiskId>().unwrap(), a);
        assert!("R-12".parse::<RiskId>().is_err());
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            format!("\"{a}\""),
            "stored as a bare string, like the other ids"
        );
    }
}
