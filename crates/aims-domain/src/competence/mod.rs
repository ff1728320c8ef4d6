//! Roles of the management system and the competence of the people who hold them: what
//! each role answers for and needs to know, the training, attestations and qualifications
//! people hold, and the AI literacy measures the EU AI Act asks of everyone who deals with
//! AI on the organisation's behalf.

mod coverage;
mod role;
mod training;

pub use coverage::{
    CompetenceGap, LiteracyCount, RoleCoverage, literacy_of_members, role_coverage,
};
pub use role::{AimsRole, AimsRoleFacts, MAX_COMPETENCES, MAX_HOLDERS, MAX_REFERENCES};
pub use training::{
    EXPIRY_NOTICE_DAYS, TrainingFacts, TrainingKind, TrainingRecord, TrainingStanding,
};

use crate::validation::{ValidationError, bounded_text};

/// Trims and checks a list of competences (short phrases such as "Risk assessment"): each 1
/// to 100 characters, at most `max`, repeats (compared without regard to case) dropped in
/// their first spelling.
pub fn competence_list(
    field: &'static str,
    items: &[String],
    max: usize,
) -> Result<Vec<String>, ValidationError> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if item.trim().is_empty() {
            continue;
        }
        let text = bounded_text(field, item, 1, 100)?;
        if !out.iter().any(|o| same_competence(o, &text)) {
            out.push(text);
        }
    }
    if out.len() > max {
        return Err(ValidationError::new(
            field,
            format!("at most {max} entries"),
        ));
    }
    Ok(out)
}

/// Whether two competences are the same one: people write "Risk assessment" and "risk
/// assessment" for one thing.
pub fn same_competence(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competences_are_trimmed_deduplicated_without_case_and_bounded() {
        let list = competence_list(
            "competences",
            &[
                " Risk assessment ".into(),
                "".into(),
                "risk ASSESSMENT".into(),
                "Data quality".into(),
            ],
            5,
        )
        .unwrap();
        assert_eq!(list, vec!["Risk assessment", "Data quality"]);
        let err = competence_list("competences", &["x".repeat(101)], 5).unwrap_err();
        assert_eq!(err.field, "competences");
        let many: Vec<String> = (0..6).map(|i| format!("c{i}")).collect();
        assert!(competence_list("competences", &many, 5).is_err());
        assert!(competence_list("competences", &["a\u{7}b".into()], 5).is_err());
    }
}
