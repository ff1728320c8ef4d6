//! A role of the management system: what it answers for, the competences it needs, and the
//! people who hold it.

use serde::{Deserialize, Serialize};

use super::competence_list;
use crate::id::{AimsRoleId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

/// Most competences one role may require.
pub const MAX_COMPETENCES: usize = 30;
/// Most people who may hold one role.
pub const MAX_HOLDERS: usize = 200;
/// Most clauses and controls one role may name.
pub const MAX_REFERENCES: usize = 50;

/// What a person states about a role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AimsRoleFacts {
    pub name: String,
    /// What the role answers for, in Markdown.
    pub responsibilities: String,
    /// What a holder must know or be able to do, each a short phrase.
    pub competences: Vec<String>,
    /// The members who hold it.
    pub holders: Vec<UserId>,
    /// Clauses and controls the role serves, as `framework:item` (`iso-iec-42001:A.3.2`).
    pub references: Vec<String>,
}

impl AimsRoleFacts {
    /// Checks and normalises every field, naming the first one that is wrong; holders and
    /// references are kept in their first order, each once.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.name = bounded_text("name", &self.name, 1, 120)?;
        self.responsibilities = long_text("responsibilities", &self.responsibilities, 20_000)?;
        self.competences = competence_list("competences", &self.competences, MAX_COMPETENCES)?;
        let mut holders: Vec<UserId> = Vec::new();
        for h in &self.holders {
            if !holders.contains(h) {
                holders.push(*h);
            }
        }
        if holders.len() > MAX_HOLDERS {
            return Err(ValidationError::new(
                "holders",
                format!("at most {MAX_HOLDERS} people"),
            ));
        }
        self.holders = holders;
        let mut references: Vec<String> = Vec::new();
        for r in &self.references {
            if r.trim().is_empty() {
                continue;
            }
            let r = bounded_text("references", r, 1, 200)?;
            match r.split_once(':') {
                Some((framework, item))
                    if !framework.trim().is_empty() && !item.trim().is_empty() => {}
                _ => {
                    return Err(ValidationError::new(
                        "references",
                        format!("{r:?} is not framework:item, such as iso-iec-42001:A.3.2"),
                    ));
                }
            }
            if !references.contains(&r) {
                references.push(r);
            }
        }
        if references.len() > MAX_REFERENCES {
            return Err(ValidationError::new(
                "references",
                format!("at most {MAX_REFERENCES} entries"),
            ));
        }
        self.references = references;
        Ok(self)
    }
}

/// A role as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AimsRole {
    pub id: AimsRoleId,
    pub facts: AimsRoleFacts,
    /// Who made it, as the audit trail names them.
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts changes, so that two people editing at once do not overwrite each other.
    pub revision: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_needs_a_name_and_keeps_each_holder_and_reference_once() {
        assert_eq!(
            AimsRoleFacts::default().validate().unwrap_err().field,
            "name"
        );
        let a = UserId::new();
        let facts = AimsRoleFacts {
            name: " Risk owner ".into(),
            holders: vec![a, a],
            references: vec![
                "iso-iec-42001:A.3.2".into(),
                " iso-iec-42001:A.3.2 ".into(),
                "".into(),
            ],
            competences: vec!["Risk assessment".into()],
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(facts.name, "Risk owner");
        assert_eq!(facts.holders, vec![a]);
        assert_eq!(facts.references, vec!["iso-iec-42001:A.3.2"]);
    }

    #[test]
    fn references_name_a_framework_and_an_item() {
        for bad in ["A.3.2", ":A.3.2", "iso-iec-42001:", " : "] {
            let err = AimsRoleFacts {
                name: "Owner".into(),
                references: vec![bad.into()],
                ..Default::default()
            }
            .validate()
            .unwrap_err();
            assert_eq!(err.field, "references", "{bad}");
        }
    }

    #[test]
    fn too_many_holders_are_refused() {
        let err = AimsRoleFacts {
            name: "Everyone".into(),
            holders: (0..=MAX_HOLDERS).map(|_| UserId::new()).collect(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "holders");
    }
}
