//! Starter documents for the documented information ISO/IEC 42001 requires, written in our
//! own words.
//!
//! Each [`StarterTemplate`] answers one `documented_information` entry of a clause in the
//! shipped ISO/IEC 42001:2023 catalogue: the AIMS scope, the AI policy, the risk and impact
//! assessment processes, the Statement of Applicability, the records of results, and so on.
//! The bodies are Markdown files kept next to this module (`templates/<key>.md`) and compiled
//! in. None of them reproduces text of the standard: they give structure, author guidance in
//! italics and placeholders in square brackets for the organisation to fill in.

use super::DocumentKind;

/// A starter document for one piece of documented information ISO/IEC 42001 requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StarterTemplate {
    /// Stable key used in the API and forms (`ai-policy`, `aims-scope`, ...).
    pub key: &'static str,
    /// The ISO/IEC 42001 clause of the shipped catalogue it answers (`5.2`).
    pub clause: &'static str,
    /// The clause's documented-information entry it answers, spelt as the catalogue spells it.
    pub documented_information: &'static str,
    pub kind: DocumentKind,
    pub title: &'static str,
    /// The starting text, in Markdown.
    pub body: &'static str,
}

/// Every starter template, in clause order.
pub const STARTER_TEMPLATES: &[StarterTemplate] = &[
    StarterTemplate {
        key: "aims-scope",
        clause: "4.3",
        documented_information: "Scope of the AI management system",
        kind: DocumentKind::Other,
        title: "Scope of the AI management system",
        body: include_str!("templates/aims-scope.md"),
    },
    StarterTemplate {
        key: "ai-policy",
        clause: "5.2",
        documented_information: "AI policy",
        kind: DocumentKind::Policy,
        title: "AI policy",
        body: include_str!("templates/ai-policy.md"),
    },
    StarterTemplate {
        key: "risk-opportunity-actions",
        clause: "6.1.1",
        documented_information: "Planning of actions to address risks and opportunities",
        kind: DocumentKind::Plan,
        title: "Actions to address risks and opportunities",
        body: include_str!("templates/risk-opportunity-actions.md"),
    },
    StarterTemplate {
        key: "ai-risk-assessment-process",
        clause: "6.1.2",
        documented_information: "AI risk assessment process, including the risk criteria",
        kind: DocumentKind::Procedure,
        title: "AI risk assessment process",
        body: include_str!("templates/ai-risk-assessment-process.md"),
    },
    StarterTemplate {
        key: "ai-risk-treatment-process",
        clause: "6.1.3",
        documented_information: "AI risk treatment process",
        kind: DocumentKind::Procedure,
        title: "AI risk treatment process",
        body: include_str!("templates/ai-risk-treatment-process.md"),
    },
    StarterTemplate {
        key: "statement-of-applicability",
        clause: "6.1.3",
        documented_information: "Statement of Applicability, with justifications for including or excluding controls",
        kind: DocumentKind::Other,
        title: "Statement of Applicability",
        body: include_str!("templates/statement-of-applicability.md"),
    },
    StarterTemplate {
        key: "ai-risk-treatment-plan",
        clause: "6.1.3",
        documented_information: "AI risk treatment plan",
        kind: DocumentKind::Plan,
        title: "AI risk treatment plan",
        body: include_str!("templates/ai-risk-treatment-plan.md"),
    },
    StarterTemplate {
        key: "ai-impact-assessment-process",
        clause: "6.1.4",
        documented_information: "AI system impact assessment process",
        kind: DocumentKind::Procedure,
        title: "AI system impact assessment process",
        body: include_str!("templates/ai-impact-assessment-process.md"),
    },
    StarterTemplate {
        key: "ai-objectives",
        clause: "6.2",
        documented_information: "AI objectives",
        kind: DocumentKind::Plan,
        title: "AI objectives",
        body: include_str!("templates/ai-objectives.md"),
    },
    StarterTemplate {
        key: "competence-record",
        clause: "7.2",
        documented_information: "Evidence of competence",
        kind: DocumentKind::RecordTemplate,
        title: "Competence record",
        body: include_str!("templates/competence-record.md"),
    },
    StarterTemplate {
        key: "documented-information-register",
        clause: "7.5.1",
        documented_information: "Documented information the organisation determines necessary for the management system",
        kind: DocumentKind::Other,
        title: "Register of AIMS documented information",
        body: include_str!("templates/documented-information-register.md"),
    },
    StarterTemplate {
        key: "operational-control-record",
        clause: "8.1",
        documented_information: "Evidence that processes were carried out as planned",
        kind: DocumentKind::RecordTemplate,
        title: "Operational control record",
        body: include_str!("templates/operational-control-record.md"),
    },
    StarterTemplate {
        key: "ai-risk-assessment-report",
        clause: "8.2",
        documented_information: "Results of AI risk assessments",
        kind: DocumentKind::RecordTemplate,
        title: "AI risk assessment report",
        body: include_str!("templates/ai-risk-assessment-report.md"),
    },
    StarterTemplate {
        key: "ai-risk-treatment-report",
        clause: "8.3",
        documented_information: "Results of AI risk treatment",
        kind: DocumentKind::RecordTemplate,
        title: "AI risk treatment report",
        body: include_str!("templates/ai-risk-treatment-report.md"),
    },
    StarterTemplate {
        key: "ai-impact-assessment-report",
        clause: "8.4",
        documented_information: "Results of AI system impact assessments",
        kind: DocumentKind::RecordTemplate,
        title: "AI system impact assessment report",
        body: include_str!("templates/ai-impact-assessment-report.md"),
    },
    StarterTemplate {
        key: "monitoring-results",
        clause: "9.1",
        documented_information: "Results of monitoring and measurement",
        kind: DocumentKind::RecordTemplate,
        title: "Monitoring and measurement results",
        body: include_str!("templates/monitoring-results.md"),
    },
    StarterTemplate {
        key: "internal-audit-programme",
        clause: "9.2.2",
        documented_information: "Evidence of the audit programme and the audit results",
        kind: DocumentKind::Plan,
        title: "Internal audit programme and results",
        body: include_str!("templates/internal-audit-programme.md"),
    },
    StarterTemplate {
        key: "management-review-record",
        clause: "9.3.3",
        documented_information: "Results of management reviews",
        kind: DocumentKind::RecordTemplate,
        title: "Management review record",
        body: include_str!("templates/management-review-record.md"),
    },
    StarterTemplate {
        key: "nonconformity-corrective-action",
        clause: "10.2",
        documented_information: "Nonconformities, actions taken and results of corrective action",
        kind: DocumentKind::RecordTemplate,
        title: "Nonconformity and corrective action record",
        body: include_str!("templates/nonconformity-corrective-action.md"),
    },
];

/// The starter template with `key`.
pub fn starter_template(key: &str) -> Option<&'static StarterTemplate> {
    STARTER_TEMPLATES
        .iter()
        .find(|template| template.key == key)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn is_kebab_case(key: &str) -> bool {
        !key.is_empty()
            && key.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    }

    /// The clause id as numbers, so `9.2.2` sorts before `10.2`.
    fn clause_numbers(clause: &str) -> Vec<u32> {
        clause
            .split('.')
            .map(|part| part.parse().unwrap())
            .collect()
    }

    /// Number of cell separators in a table row, ignoring escaped pipes.
    fn pipes(row: &str) -> usize {
        row.replace("\\|", "").matches('|').count()
    }

    #[test]
    fn there_is_one_template_per_catalogue_entry() {
        assert_eq!(STARTER_TEMPLATES.len(), 19);
        let entries: HashSet<_> = STARTER_TEMPLATES
            .iter()
            .map(|t| (t.clause, t.documented_information))
            .collect();
        assert_eq!(entries.len(), STARTER_TEMPLATES.len());
        let risk_treatment = STARTER_TEMPLATES
            .iter()
            .filter(|t| t.clause == "6.1.3")
            .count();
        assert_eq!(risk_treatment, 3);
    }

    #[test]
    fn keys_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for template in STARTER_TEMPLATES {
            assert!(
                is_kebab_case(template.key),
                "{} is not kebab-case",
                template.key
            );
            assert!(seen.insert(template.key), "{} appears twice", template.key);
        }
    }

    #[test]
    fn templates_are_in_clause_order() {
        for pair in STARTER_TEMPLATES.windows(2) {
            assert!(
                clause_numbers(pair[0].clause) <= clause_numbers(pair[1].clause),
                "{} comes before {}",
                pair[0].clause,
                pair[1].clause
            );
        }
    }

    #[test]
    fn lookup_by_key_finds_each_template() {
        for template in STARTER_TEMPLATES {
            assert_eq!(starter_template(template.key), Some(template));
        }
        assert_eq!(starter_template("no-such-template"), None);
        assert_eq!(starter_template("AI-POLICY"), None);
    }

    #[test]
    fn fields_are_filled_in() {
        for t in STARTER_TEMPLATES {
            assert!(!t.clause.trim().is_empty(), "{}", t.key);
            assert!(!t.documented_information.trim().is_empty(), "{}", t.key);
            assert!(!t.title.trim().is_empty(), "{}", t.key);
            assert!(!t.body.trim().is_empty(), "{}", t.key);
        }
    }

    #[test]
    fn every_body_starts_with_its_title_as_a_heading() {
        for t in STARTER_TEMPLATES {
            let first = t.body.lines().next().unwrap_or_default();
            assert!(
                first.starts_with('#'),
                "{} does not start with a heading",
                t.key
            );
            assert_eq!(first, format!("# {}", t.title), "{}", t.key);
        }
    }

    #[test]
    fn bodies_are_of_starter_length() {
        for t in STARTER_TEMPLATES {
            let lines = t.body.lines().count();
            assert!((40..=150).contains(&lines), "{} has {lines} lines", t.key);
        }
    }

    #[test]
    fn bodies_carry_guidance_and_placeholders() {
        for t in STARTER_TEMPLATES {
            assert!(t.body.contains("\n## "), "{} has no sections", t.key);
            assert!(t.body.contains("\n_"), "{} has no italic guidance", t.key);
            assert!(t.body.contains('['), "{} has no placeholders", t.key);
        }
    }

    #[test]
    fn bodies_have_no_raw_html() {
        for t in STARTER_TEMPLATES {
            let bytes = t.body.as_bytes();
            for (i, window) in bytes.windows(2).enumerate() {
                let tag = window[0] == b'<'
                    && (window[1].is_ascii_alphabetic() || window[1] == b'/' || window[1] == b'!');
                assert!(!tag, "{} has raw HTML at byte {i}", t.key);
            }
        }
    }

    #[test]
    fn links_are_https_only() {
        for t in STARTER_TEMPLATES {
            assert!(
                !t.body.contains("http://"),
                "{} links over plain http",
                t.key
            );
            for (i, _) in t.body.match_indices("](") {
                let target = &t.body[i + 2..];
                assert!(
                    target.starts_with("https://"),
                    "{} has a non-https link",
                    t.key
                );
            }
        }
    }

    #[test]
    fn table_rows_match_their_header() {
        for t in STARTER_TEMPLATES {
            let mut columns: Option<usize> = None;
            for (n, line) in t.body.lines().enumerate() {
                if line.starts_with('|') {
                    let count = pipes(line);
                    match columns {
                        None => columns = Some(count),
                        Some(expected) => assert_eq!(
                            count,
                            expected,
                            "{} line {}: table row has the wrong number of cells",
                            t.key,
                            n + 1
                        ),
                    }
                } else {
                    columns = None;
                }
            }
        }
    }

    #[test]
    fn ai_policy_covers_what_the_clause_asks_for() {
        let policy = starter_template("ai-policy").unwrap();
        assert_eq!(policy.clause, "5.2");
        assert_eq!(policy.kind, DocumentKind::Policy);
        let body = policy.body.to_lowercase();
        for needed in [
            "purpose",
            "objectives",
            "requirements",
            "continual improvement",
            "interested parties",
            "information security",
            "privacy",
            "quality",
            "approv",
            "review",
        ] {
            assert!(body.contains(needed), "AI policy does not mention {needed}");
        }
    }

    #[test]
    fn scope_covers_boundaries_roles_and_issues() {
        let scope = starter_template("aims-scope").unwrap();
        assert_eq!(scope.clause, "4.3");
        let body = scope.body.to_lowercase();
        for needed in [
            "boundaries",
            "exclusions",
            "interfaces",
            "dependencies",
            "provider",
            "deployer",
            "iso/iec 22989",
            "eu ai act",
            "external issues",
            "internal issues",
            "climate change",
        ] {
            assert!(body.contains(needed), "scope does not mention {needed}");
        }
    }

    #[test]
    fn statement_of_applicability_lists_every_annex_a_control() {
        let soa = starter_template("statement-of-applicability").unwrap();
        let rows = soa
            .body
            .lines()
            .filter(|line| line.starts_with("| A."))
            .count();
        assert_eq!(rows, 38);
    }
}
