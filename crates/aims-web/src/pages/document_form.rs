//! The document form's model: what the browser posts, kept as typed so that a refused form
//! comes back unchanged, its translation into a [`DocumentInput`], and the clauses and
//! controls it offers to serve.

use std::collections::HashMap;

use aims_app::catalog::{Catalogue, ItemKind};
use aims_app::domain::document::{DEFAULT_REVIEW_MONTHS, DocumentContent, DocumentSettings};
use aims_app::domain::evidence::{Target, TargetKind};
use aims_app::domain::{Actor, Role, UserId, ValidationError};
use aims_app::{AppError, DocumentInput, DocumentRecord, ISO_42001, Register};

use super::{FormFields, FormProblem, encode};
use crate::state::WebState;

/// The form's fields: each input's id is `d-` and the field's name.
pub const FIELDS: FormFields = FormFields {
    prefix: "d-",
    labels: &[
        ("kind", "Kind"),
        ("title", "Title"),
        ("body", "Text"),
        ("serves", "What it serves"),
        ("owner", "Owner"),
        ("review_months", "Review cycle in months"),
        ("acknowledge_roles", "Who confirms reading it"),
        ("version", "Version"),
    ],
};

/// The problem a use case reported about the form. A served record the use case refused is
/// named `serves.id`; the form has one picker for all of them, which the message points at.
pub fn form_problem(err: AppError) -> Result<FormProblem, AppError> {
    let mut problem = FormProblem::from_error(err, &FIELDS)?;
    for p in &mut problem.fields {
        if p.field == "serves.id" {
            p.field = "serves";
            p.input = "d-serves".into();
        }
    }
    Ok(problem)
}

/// The document form as the browser posts it: every field as text, lists as repeated keys.
#[derive(Clone, Default)]
pub struct DocumentPageForm {
    pub kind: String,
    pub title: String,
    pub body: String,
    /// What it serves, each as `kind:id` (`requirement:iso-iec-42001:5.2`, `control:A.2.2`).
    pub serves: Vec<String>,
    pub owner: String,
    pub review_months: String,
    pub acknowledge_roles: Vec<String>,
    /// The version the change starts from; empty for a new document.
    pub version: String,
    /// The document's revision the change starts from; empty for a new document.
    pub revision: String,
}

/// A served record as the form's value for it.
fn serve_value(t: &Target) -> String {
    format!("{}:{}", t.kind, t.id)
}

impl DocumentPageForm {
    /// A blank form for a new document, owned by `owner` (the person writing it).
    pub fn blank(owner: Option<UserId>) -> Self {
        Self {
            owner: owner.map(|o| o.to_string()).unwrap_or_default(),
            review_months: DEFAULT_REVIEW_MONTHS.to_string(),
            ..Default::default()
        }
    }

    /// The form filled in from a document's latest version and its settings.
    pub fn of(record: &DocumentRecord) -> Self {
        let d = &record.document;
        let mut form = Self {
            owner: d.settings.owner.map(|o| o.to_string()).unwrap_or_default(),
            review_months: d.settings.review_months.to_string(),
            acknowledge_roles: d
                .settings
                .acknowledge_roles
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            version: d.latest.to_string(),
            revision: d.revision.to_string(),
            ..Default::default()
        };
        if let Some(latest) = record.latest() {
            let c = &latest.content;
            form.kind = c.kind().as_str().to_owned();
            form.title = c.title.clone();
            form.body = c.body.clone();
            form.serves = c.serves.iter().map(serve_value).collect();
            form.version = latest.version.to_string();
        }
        form
    }

    /// The form as posted, read from its pairs so that repeated keys make lists.
    pub fn posted(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "kind" => form.kind = value,
                "title" => form.title = value,
                "body" => form.body = value,
                "serves" => form.serves.push(value),
                "owner" => form.owner = value,
                "review_months" => form.review_months = value,
                "acknowledge_roles" => form.acknowledge_roles.push(value),
                "version" => form.version = value,
                "revision" => form.revision = value,
                _ => {}
            }
        }
        form
    }

    /// Whether `value` (`kind:id`) is among what the form says the document serves.
    pub fn serves_value(&self, value: &str) -> bool {
        self.serves.iter().any(|s| s == value)
    }

    /// Whether the box of `role` is ticked.
    pub fn asks(&self, role: &Role) -> bool {
        self.acknowledge_roles.iter().any(|r| r == role.as_str())
    }

    /// The version the change starts from; names the field when it is not a number.
    pub fn base(&self) -> Result<i64, ValidationError> {
        self.version
            .trim()
            .parse()
            .map_err(|_| ValidationError::new("version", "is missing: reload the document"))
    }

    /// What the form states, each choice and id checked and named when wrong.
    pub fn input(&self) -> Result<DocumentInput, ValidationError> {
        let kind = match self.kind.trim() {
            "" => return Err(ValidationError::new("kind", "must be chosen")),
            k => k.parse()?,
        };
        let serves = self
            .serves
            .iter()
            .map(|value| {
                let (kind, id) = value.split_once(':').unwrap_or(("", value));
                let kind: TargetKind = kind.parse().map_err(|_| {
                    ValidationError::new("serves", format!("{value:?} is not a record to serve"))
                })?;
                Ok(Target {
                    kind,
                    id: id.to_owned(),
                })
            })
            .collect::<Result<_, ValidationError>>()?;
        let owner = match self.owner.trim() {
            "" => None,
            o => Some(
                o.parse()
                    .map_err(|_| ValidationError::new("owner", "must be a member"))?,
            ),
        };
        let review_months = self.review_months.trim().parse().map_err(|_| {
            ValidationError::new("review_months", "must be a whole number of months, 1 to 36")
        })?;
        let acknowledge_roles = self
            .acknowledge_roles
            .iter()
            .map(|r| {
                r.parse::<Role>()
                    .map_err(|e| ValidationError::new("acknowledge_roles", e.message))
            })
            .collect::<Result<_, _>>()?;
        Ok(DocumentInput {
            content: DocumentContent {
                kind: Some(kind),
                title: self.title.clone(),
                body: self.body.clone(),
                serves,
                attachment: None,
            },
            settings: DocumentSettings {
                owner,
                review_months,
                acknowledge_roles,
            },
            revision: self.revision.trim().parse().ok(),
        })
    }
}

/// A clause or control the form offers.
pub struct ServeChoice {
    /// The form's value: `requirement:iso-iec-42001:5.2` or `control:A.2.2`.
    pub value: String,
    pub id: String,
    pub title: String,
}

/// The choices under one clause or Annex A group.
pub struct ServeGroup {
    pub heading: String,
    pub choices: Vec<ServeChoice>,
}

/// The clauses 4 to 10 a document can serve, grouped by clause, then the Annex A controls,
/// grouped as the annex groups them.
pub fn serve_groups(library: &Catalogue) -> Vec<ServeGroup> {
    let under = |top: &str, kind: ItemKind, value: &dyn Fn(&str) -> String| -> Vec<ServeChoice> {
        let prefix = format!("{top}.");
        library
            .items
            .iter()
            .filter(|i| i.requirement && i.kind == kind && i.id.starts_with(&prefix))
            .map(|i| ServeChoice {
                value: value(&i.id),
                id: i.id.clone(),
                title: i.title.clone(),
            })
            .collect()
    };
    let clause = |id: &str| format!("requirement:{ISO_42001}:{id}");
    let control = |id: &str| format!("control:{id}");
    let clauses = library
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Clause && i.parent.is_none())
        .map(|top| ServeGroup {
            heading: format!("Clause {} {}", top.id, top.title),
            choices: under(&top.id, ItemKind::Clause, &clause),
        });
    let annex = library
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Group && i.parent.as_deref() == Some("A"))
        .map(|group| ServeGroup {
            heading: format!("Annex {} {}", group.id, group.title),
            choices: under(&group.id, ItemKind::Control, &control),
        });
    clauses
        .chain(annex)
        .filter(|g| !g.choices.is_empty())
        .collect()
}

/// A record a document serves, as a link.
pub struct Served {
    /// The form's value for it (`kind:id`).
    pub value: String,
    pub kind: &'static str,
    pub label: String,
    pub href: String,
}

/// `targets` named and linked: clauses and controls with their titles from the catalogue,
/// AI systems and risks by their names, read once for the whole list.
pub async fn served(
    state: &WebState,
    actor: &Actor,
    targets: &[Target],
) -> Result<Vec<Served>, AppError> {
    let ids = |kind: TargetKind| -> Vec<String> {
        targets
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.id.clone())
            .collect()
    };
    let systems = state
        .app
        .names_of(actor, Register::Systems, &ids(TargetKind::System))
        .await?;
    let risks = state
        .app
        .names_of(actor, Register::Risks, &ids(TargetKind::Risk))
        .await?;
    let library = state.app.library_framework(actor, ISO_42001).await?;
    let titled = |id: &str| {
        library
            .item(id)
            .map_or_else(|| id.to_owned(), |i| format!("{id} {}", i.title))
    };
    let named = |names: &HashMap<String, String>, id: &str, gone: &str| {
        names.get(id).cloned().unwrap_or_else(|| gone.to_owned())
    };
    Ok(targets
        .iter()
        .map(|t| {
            let (label, href) = match t.kind {
                TargetKind::System => (
                    named(&systems, &t.id, "a deleted AI system"),
                    format!("/systems/{}", t.id),
                ),
                TargetKind::Risk => (
                    named(&risks, &t.id, "a deleted risk"),
                    format!("/risks/{}", t.id),
                ),
                TargetKind::Control => (
                    titled(&t.id),
                    format!("/frameworks/{ISO_42001}/items/{}", encode(&t.id)),
                ),
                TargetKind::Requirement => {
                    let (framework, item) = t.id.split_once(':').unwrap_or(("", &t.id));
                    let label = match framework == ISO_42001 {
                        true => titled(item),
                        false => t.id.clone(),
                    };
                    let href = format!("/frameworks/{}/items/{}", encode(framework), encode(item));
                    (label, href)
                }
            };
            Served {
                value: serve_value(t),
                kind: t.kind.label(),
                label,
                href,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(q).unwrap_or_default()
    }

    #[test]
    fn a_posted_form_reads_lists_and_names_the_field_at_fault() {
        let form = DocumentPageForm::posted(pairs(
            "kind=policy&title=AI+policy&serves=requirement%3Aiso-iec-42001%3A5.2\
             &serves=control%3AA.2.2&review_months=6&acknowledge_roles=viewer&version=3",
        ));
        let input = form.input().ok();
        let input = input.as_ref();
        assert_eq!(input.map(|i| i.content.serves.len()), Some(2));
        assert_eq!(
            input.map(|i| i.content.serves[0].id.as_str()),
            Some("iso-iec-42001:5.2")
        );
        assert_eq!(input.map(|i| i.settings.review_months), Some(6));
        assert_eq!(form.base().ok(), Some(3));
        assert!(form.asks(&Role::Viewer) && !form.asks(&Role::Editor));
        let field = |q: &str| {
            DocumentPageForm::posted(pairs(q))
                .input()
                .err()
                .map(|e| e.field)
        };
        assert_eq!(field("title=x&review_months=12"), Some("kind"));
        assert_eq!(
            field("kind=policy&review_months=a+year"),
            Some("review_months")
        );
        assert_eq!(
            field("kind=policy&review_months=1&serves=nothing"),
            Some("serves")
        );
        assert_eq!(field("kind=policy&review_months=1&owner=me"), Some("owner"));
    }
}
