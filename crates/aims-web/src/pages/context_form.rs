//! The form that writes the context and scope: the scope statement, boundaries, sites,
//! exclusions, issues, interested parties and AI roles, as rows that repeat (blank rows are
//! left out when saved). A refused form comes back as it was typed.

use aims_app::domain::context::{
    AiRole, ContextContent, ContextIssue, Exclusion, InterestedParty, IssueCategory, IssueOrigin,
    PartyKind, Site,
};
use aims_app::domain::{Actor, ValidationError};
use aims_app::{AppError, ContextInput, SessionContext};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{Chrome, FormFields, FormProblem, PageForm, app_error_page, done, render};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The form's fields, with the labels their messages use. Row fields link to the first row.
const FIELDS: FormFields = FormFields {
    prefix: "x-",
    labels: &[
        ("scope_statement", "Scope statement"),
        ("boundaries", "Boundaries"),
        ("sites", "Sites"),
        ("sites.name", "Site"),
        ("sites.reason", "Why a site is left out"),
        ("exclusions", "Exclusions"),
        ("exclusions.what", "What is left out"),
        ("exclusions.reason", "Why it is left out"),
        ("issues", "Issues"),
        ("issues.origin", "Issue origin"),
        ("issues.category", "Issue category"),
        ("issues.description", "Issue"),
        ("issues.effect", "How the issue affects the AIMS"),
        ("climate_statement", "Climate change"),
        ("parties", "Interested parties"),
        ("parties.name", "Interested party"),
        ("parties.kind", "Kind of party"),
        ("parties.requirements", "Their requirements"),
        ("parties.how", "How the AIMS addresses them"),
        ("ai_roles", "AI roles"),
        ("ai_roles_note", "About the roles"),
    ],
};

/// Blank rows offered after the filled ones.
const SPARE_ROWS: usize = 2;

#[derive(Template)]
#[template(path = "context_form.html")]
struct ContextFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    c: ContextContent,
    revision: String,
    problem: FormProblem,
    origins: &'static [IssueOrigin],
    categories: &'static [IssueCategory],
    kinds: &'static [PartyKind],
    roles: &'static [AiRole],
    /// Whether a version is in force, so that saving starts a revision beside it.
    has_approved: bool,
}

impl ContextFormPage {
    /// Row numbers to show for a list of `n` filled rows.
    fn rows(&self, n: usize) -> std::ops::Range<usize> {
        0..n + SPARE_ROWS
    }

    /// The input id of row `i`'s `field`: the first row carries the id error links reach.
    fn id(&self, field: &str, i: usize) -> String {
        if i == 0 {
            format!("x-{field}")
        } else {
            format!("x-{field}-{i}")
        }
    }
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    form: Option<(ContextContent, String)>,
    problem: FormProblem,
) -> Response {
    let record = match state.app.context(actor).await {
        Ok(record) => record,
        Err(err) => return app_error_page(err),
    };
    let (c, revision) = form.unwrap_or_else(|| {
        // A revision starts from the newest version, draft or in force.
        let newest = record.versions.first().map(|v| v.content.clone());
        let revision = record.context.as_ref().map(|c| c.revision.to_string());
        (newest.unwrap_or_default(), revision.unwrap_or_default())
    });
    render(
        problem.status(),
        &ContextFormPage {
            chrome: Some(Chrome::new(context, "context")),
            notice: None,
            c,
            revision,
            problem,
            origins: IssueOrigin::ALL,
            categories: IssueCategory::ALL,
            kinds: PartyKind::ALL,
            roles: AiRole::ALL,
            has_approved: record.in_force().is_some(),
        },
    )
}

/// `GET /context/edit`.
pub async fn edit_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
) -> Response {
    form_view(&state, &context, &actor, None, FormProblem::default()).await
}

/// The posted form's value of `name`, or empty.
fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The row numbers the form posted for fields starting `prefix.`.
fn row_numbers(pairs: &[(String, String)], prefixes: &[&str]) -> Vec<usize> {
    let mut rows: Vec<usize> = pairs
        .iter()
        .filter_map(|(k, _)| {
            let (name, n) = k.rsplit_once('.')?;
            prefixes.contains(&name).then(|| n.parse().ok()).flatten()
        })
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows.truncate(1_000);
    rows
}

/// The content the form states, with the first choice that is not one of the offered values
/// (the text is kept as typed either way and checked by the use case).
fn content_of(pairs: &[(String, String)]) -> (ContextContent, Option<ValidationError>) {
    let mut wrong = None;
    let c = read_content(pairs, &mut wrong);
    (c, wrong)
}

fn parsed<T: std::str::FromStr<Err = ValidationError>>(
    text: &str,
    wrong: &mut Option<ValidationError>,
) -> Option<T> {
    match text.trim() {
        "" => None,
        t => t.parse().map_err(|e| wrong.get_or_insert(e).clone()).ok(),
    }
}

fn read_content(pairs: &[(String, String)], wrong: &mut Option<ValidationError>) -> ContextContent {
    let at = |field: &str, n: usize| value(pairs, &format!("{field}.{n}")).to_owned();
    let mut c = ContextContent {
        scope_statement: value(pairs, "scope_statement").to_owned(),
        boundaries: value(pairs, "boundaries").to_owned(),
        climate_statement: value(pairs, "climate_statement").to_owned(),
        ai_roles_note: value(pairs, "ai_roles_note").to_owned(),
        ..Default::default()
    };
    for n in row_numbers(pairs, &["site_name", "site_reason"]) {
        c.sites.push(Site {
            name: at("site_name", n),
            in_scope: at("site_in", n) != "out",
            reason: at("site_reason", n),
        });
    }
    for n in row_numbers(pairs, &["exclusion_what", "exclusion_reason"]) {
        c.exclusions.push(Exclusion {
            what: at("exclusion_what", n),
            reason: at("exclusion_reason", n),
        });
    }
    for n in row_numbers(pairs, &["issue_description", "issue_effect"]) {
        c.issues.push(ContextIssue {
            origin: parsed(&at("issue_origin", n), wrong),
            category: parsed(&at("issue_category", n), wrong),
            description: at("issue_description", n),
            effect: at("issue_effect", n),
        });
    }
    for n in row_numbers(pairs, &["party_name", "party_requirements", "party_how"]) {
        c.parties.push(InterestedParty {
            name: at("party_name", n),
            kind: parsed(&at("party_kind", n), wrong),
            requirements: at("party_requirements", n),
            addressed: at("party_addressed", n) == "yes",
            how: at("party_how", n),
        });
    }
    for (k, v) in pairs {
        if k == "ai_roles"
            && let Some(role) = parsed(v, wrong)
        {
            c.ai_roles.push(role);
        }
    }
    c
}

/// `POST /context`: saves the working draft from the revision the form was read at.
pub async fn save(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let revision = value(&pairs, "revision").to_owned();
    let (typed, wrong) = content_of(&pairs);
    let result = async {
        if let Some(wrong) = wrong {
            return Err(wrong.into());
        }
        let input = ContextInput {
            content: typed.clone(),
            revision: match revision.trim() {
                "" => None,
                r => Some(r.parse().map_err(|_| {
                    ValidationError::new("revision", "must be the record's revision")
                })?),
            },
        };
        state.app.save_context(&actor, input).await
    };
    let Err(err) = result.await else {
        return done("/context", "saved");
    };
    let problem = match err {
        AppError::Conflict(message) => FormProblem::general(
            StatusCode::CONFLICT,
            format!(
                "{message}. Your changes were not saved but are still in the form: check them \
                 against the context as it is now and send it again."
            ),
        ),
        other => match FormProblem::from_error(other, &FIELDS) {
            Ok(problem) => problem,
            Err(other) => return app_error_page(other),
        },
    };
    // After a conflict the form keeps what was typed against the revision that stands now.
    let revision = match (problem.status(), state.app.context(&actor).await) {
        (StatusCode::CONFLICT, Ok(record)) => {
            record.context.map_or(revision, |c| c.revision.to_string())
        }
        _ => revision,
    };
    form_view(&state, &context, &actor, Some((typed, revision)), problem).await
}
