//! What changed between two versions of an impact assessment, field by field and harm by harm.

use serde_json::Value;

use super::assessment::AssessmentContent;

/// One difference between two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentChange {
    /// The field (`scope`, `fria.processes`, `harms[2]`...).
    pub field: String,
    pub before: String,
    pub after: String,
}

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The differences from `old` to `new`, in the order of the fields.
pub fn compare(old: &AssessmentContent, new: &AssessmentContent) -> Vec<ContentChange> {
    let a = serde_json::to_value(old).unwrap_or_default();
    let b = serde_json::to_value(new).unwrap_or_default();
    let mut changes = Vec::new();
    for field in [
        "title",
        "scope",
        "period_of_use",
        "affected_groups",
        "benefits",
        "human_oversight",
        "residual_impact",
        "next_review",
    ] {
        if a.get(field) != b.get(field) {
            changes.push(ContentChange {
                field: field.into(),
                before: text(a.get(field)),
                after: text(b.get(field)),
            });
        }
    }
    // Harms are compared by position: editing one shows as a change of that harm.
    let count = old.harms.len().max(new.harms.len());
    for i in 0..count {
        let before = old.harms.get(i);
        let after = new.harms.get(i);
        if before != after {
            let show = |h: Option<&super::Harm>| {
                h.map(|h| {
                    format!(
                        "{}: {} (severity {}, likelihood {}; after mitigation {}, {})",
                        h.kind.label(),
                        h.description,
                        h.severity.label(),
                        h.likelihood.label(),
                        h.residual_severity.label(),
                        h.residual_likelihood.label()
                    )
                })
                .unwrap_or_default()
            };
            changes.push(ContentChange {
                field: format!("harms[{}]", i + 1),
                before: show(before),
                after: show(after),
            });
        }
    }
    let fa = a.get("fria").cloned().unwrap_or(Value::Null);
    let fb = b.get("fria").cloned().unwrap_or(Value::Null);
    if fa.is_null() != fb.is_null() {
        changes.push(ContentChange {
            field: "fria".into(),
            before: if fa.is_null() {
                "not required"
            } else {
                "required"
            }
            .into(),
            after: if fb.is_null() {
                "not required"
            } else {
                "required"
            }
            .into(),
        });
    }
    for point in [
        "processes",
        "period_and_frequency",
        "affected_categories",
        "specific_risks",
        "human_oversight",
        "measures_if_risks_materialise",
    ] {
        if text(fa.get(point)) != text(fb.get(point)) {
            changes.push(ContentChange {
                field: format!("fria.{point}"),
                before: text(fa.get(point)),
                after: text(fb.get(point)),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::super::{Fria, Harm, HarmKind, Rating};
    use super::*;

    #[test]
    fn changes_are_listed_by_field_harm_and_fria_point() {
        let old = AssessmentContent {
            title: "A".into(),
            scope: "Retail loans".into(),
            ..Default::default()
        };
        assert!(compare(&old, &old).is_empty());
        let mut new = old.clone();
        new.scope = "Retail and SME loans".into();
        new.harms.push(Harm {
            kind: HarmKind::Privacy,
            description: "Inference of health from spending".into(),
            affected: String::new(),
            severity: Rating::High,
            likelihood: Rating::Low,
            mitigations: String::new(),
            residual_severity: Rating::High,
            residual_likelihood: Rating::Low,
        });
        new.fria = Some(Fria {
            processes: "Origination".into(),
            ..Default::default()
        });
        let fields: Vec<String> = compare(&old, &new).into_iter().map(|c| c.field).collect();
        assert_eq!(fields, ["scope", "harms[1]", "fria", "fria.processes"]);
        let scope = &compare(&old, &new)[0];
        assert_eq!(
            (scope.before.as_str(), scope.after.as_str()),
            ("Retail loans", "Retail and SME loans")
        );
    }
}
