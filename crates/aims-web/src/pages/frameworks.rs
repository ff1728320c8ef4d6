//! Browsing the framework catalogues: the list, one framework as a tree, and search.

use std::sync::Arc;

use aims_app::SessionContext;
use aims_app::catalog::{Catalogue, Item, ItemKind};
use aims_app::domain::Actor;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, FormProblem, PageId, app_error_page, encode, form_error, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// The page of `item`, in the framework that links call `name`.
pub(super) fn item_href(name: &str, item: &Item) -> String {
    format!("/frameworks/{}/items/{}", encode(name), encode(&item.id))
}

/// What an item is, in words.
pub(crate) fn kind_label(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Clause => "Clause",
        ItemKind::Group => "Group of controls",
        ItemKind::Objective => "Control objective",
        ItemKind::Control => "Control",
        ItemKind::Function => "Function",
        ItemKind::Category => "Category",
        ItemKind::Subcategory => "Subcategory",
        ItemKind::Principle => "Principle",
        ItemKind::Recommendation => "Recommendation",
        ItemKind::Risk => "Risk",
        ItemKind::AiObjective => "AI objective",
        ItemKind::RiskSource => "Risk source",
        ItemKind::Phase => "Phase",
        ItemKind::Section => "Section",
        ItemKind::Article => "Article",
        ItemKind::Point => "Point",
        ItemKind::Area => "Area",
        ItemKind::Legislation => "Legislation",
    }
}

/// The name of a framework across its versions: the shortest of its versions' short names
/// (an imported version may carry a long title as its short name), without any of `versions`
/// at its end: `ISO/IEC 42001:2023` → `ISO/IEC 42001`.
pub(super) fn framework_name(short_names: &[&str], versions: &[&str]) -> String {
    let shortest = short_names
        .iter()
        .min_by_key(|n| n.chars().count())
        .copied()
        .unwrap_or_default();
    without_version(shortest, versions)
}

fn without_version(short_name: &str, versions: &[&str]) -> String {
    for version in versions.iter().filter(|v| !v.is_empty()) {
        for end in [
            format!(":{version}"),
            format!(" ({version})"),
            format!(" {version}"),
        ] {
            if let Some(name) = short_name.strip_suffix(&end)
                && !name.trim().is_empty()
            {
                return name.trim().to_owned();
            }
        }
    }
    short_name.to_owned()
}

/// One version of a framework in words: `ISO/IEC 42001, version 2023`.
pub(super) fn version_label(name: &str, version: &str) -> String {
    format!("{name}, version {version}")
}

/// How an import came, in words.
fn format_label(format: &str) -> &str {
    match format {
        "oscal-catalog" => "OSCAL catalog",
        "oscal-mapping-collection" => "OSCAL mapping collection",
        "yaml" => "aims YAML",
        "csv" => "CSV",
        other => other,
    }
}

/// What an import is, in words.
fn import_kind_label(kind: &str) -> &str {
    match kind {
        "catalogue" => "Framework",
        "crosswalk" => "Crosswalk",
        other => other,
    }
}

/// The versions of one framework the compare form offers: (key, label), oldest first.
pub(super) struct CompareGroup {
    pub name: String,
    pub versions: Vec<(String, String)>,
}

/// The import form as typed (a file must be chosen again: browsers do not let a page fill in
/// a file), with what was wrong with it.
#[derive(Default)]
pub(super) struct ImportForm {
    pub id: String,
    pub title: String,
    pub version: String,
    pub source: String,
    pub target: String,
    pub file_name: String,
    pub problem: FormProblem,
}

/// One catalogue of the list.
pub(super) struct FrameworkRow {
    /// Its page.
    pub href: String,
    pub short_name: String,
    /// `framework@version`.
    pub key: String,
    pub version: String,
    pub publisher: String,
    /// The framework it is a version of.
    pub framework_id: String,
    /// How many of its items are requirements.
    pub requirements: usize,
    pub original_text_included: bool,
    /// Whether the organisation imported it rather than aims shipping it.
    pub imported: bool,
}

#[derive(Template)]
#[template(path = "frameworks.html")]
struct FrameworksPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    query: String,
    frameworks: Vec<FrameworkRow>,
    /// Framework, link, id, title.
    hits: Option<Vec<(String, String, String, String)>>,
    /// The organisation's imports: key, kind, title, format, when, by whom.
    imports: Vec<aims_app::CustomFramework>,
    can_import: bool,
    /// The frameworks of which there are two versions or more, to compare.
    compare: Vec<CompareGroup>,
    /// The import form, as typed when it was refused.
    import: ImportForm,
}

impl FrameworksPage {
    /// Where the form that deletes the import `key` posts to.
    fn delete_action(&self, key: &str) -> String {
        format!("/frameworks/imports/{}/delete", encode(key))
    }

    fn format_label<'a>(&self, format: &'a str) -> &'a str {
        format_label(format)
    }

    fn kind_label<'a>(&self, kind: &'a str) -> &'a str {
        import_kind_label(kind)
    }
}

/// The search terms, and the `done` code.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    done: Option<String>,
}

/// `GET /frameworks` and `GET /frameworks/search?q=`.
pub async fn frameworks_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(search): Query<SearchQuery>,
) -> Response {
    let notice = match search.done.as_deref() {
        Some("imported") => Some("The import was added to your frameworks.".to_owned()),
        Some("deleted") => Some("The import was deleted.".to_owned()),
        _ => None,
    };
    frameworks_view(
        &state,
        &context,
        &actor,
        search.q.unwrap_or_default(),
        notice,
        ImportForm::default(),
    )
    .await
}

/// The list of frameworks, with search hits for `query` and the import form as typed.
pub(super) async fn frameworks_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    query: String,
    notice: Option<String>,
    import: ImportForm,
) -> Response {
    let library = match state.app.library(actor).await {
        Ok(library) => library,
        Err(err) => return app_error_page(err),
    };
    let frameworks = library
        .catalogues()
        .map(|c| FrameworkRow {
            href: format!("/frameworks/{}", encode(&library.name_of(c))),
            short_name: c.framework.short_name.clone(),
            key: c.key(),
            framework_id: c.framework.id.clone(),
            version: c.framework.version.clone(),
            publisher: c.framework.publisher.clone(),
            requirements: c.items.iter().filter(|i| i.requirement).count(),
            original_text_included: c.framework.original_text_included,
            imported: library.is_added(&c.key()),
        })
        .collect::<Vec<_>>();
    let compare = compare_groups(&frameworks);
    let imports = match state.app.custom_frameworks(actor).await {
        Ok(imports) => imports,
        Err(err) => return app_error_page(err),
    };
    let (mut status, error, hits) = if query.trim().is_empty() {
        (StatusCode::OK, None, None)
    } else {
        match state.app.search_frameworks(actor, &query, 200).await {
            Ok(found) => {
                let rows = found
                    .into_iter()
                    .map(|(c, i)| {
                        (
                            c.framework.short_name.clone(),
                            item_href(&library.name_of(&c), &i),
                            i.id.clone(),
                            i.title.clone(),
                        )
                    })
                    .collect();
                (StatusCode::OK, None, Some(rows))
            }
            Err(err) => match form_error(err) {
                Ok((status, message)) => (status, Some(message), None),
                Err(other) => return app_error_page(other),
            },
        }
    };
    if !import.problem.is_empty() {
        status = import.problem.status();
    }
    render(
        status,
        &FrameworksPage {
            chrome: Some(Chrome::new(context, "frameworks")),
            notice,
            error,
            query,
            frameworks,
            hits,
            imports,
            can_import: actor
                .role
                .grants(aims_app::domain::Permission::ManageOrganisation),
            compare,
            import,
        },
    )
}

/// The frameworks of which the library holds two versions or more, each with its versions.
fn compare_groups(frameworks: &[FrameworkRow]) -> Vec<CompareGroup> {
    let mut ids: Vec<&str> = frameworks.iter().map(|f| f.framework_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let rows: Vec<&FrameworkRow> =
                frameworks.iter().filter(|f| f.framework_id == id).collect();
            let versions: Vec<&str> = rows.iter().map(|f| f.version.as_str()).collect();
            let names: Vec<&str> = rows.iter().map(|f| f.short_name.as_str()).collect();
            (rows.len() > 1).then(|| {
                let name = framework_name(&names, &versions);
                CompareGroup {
                    versions: rows
                        .iter()
                        .map(|f| {
                            let mut label = version_label(&name, &f.version);
                            if f.imported {
                                label.push_str(" (imported)");
                            }
                            (f.key.clone(), label)
                        })
                        .collect(),
                    name,
                }
            })
        })
        .collect()
}

/// One row of a framework's tree.
struct Row {
    item: Item,
    depth: usize,
    href: String,
    /// What the item is, in words.
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "framework.html")]
struct FrameworkPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    catalogue: Arc<Catalogue>,
    rows: Vec<Row>,
    /// Imported by the organisation rather than shipped.
    imported: bool,
    /// The source as a link, only when it is a web address (an import may say anything).
    source_link: Option<String>,
    /// Other versions of the same framework, as (label, compare link).
    versions: Vec<(String, String)>,
}

fn tree(
    catalogue: &Catalogue,
    name: &str,
    parent: Option<&str>,
    depth: usize,
    rows: &mut Vec<Row>,
) {
    for item in catalogue.children(parent) {
        rows.push(Row {
            item: item.clone(),
            depth: depth.min(5),
            href: item_href(name, item),
            kind: kind_label(item.kind),
        });
        tree(catalogue, name, Some(item.id.as_str()), depth + 1, rows);
    }
}

/// `GET /frameworks/{framework}`.
pub async fn framework_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(name): PageId<String>,
) -> Response {
    let library = match state.app.library(&actor).await {
        Ok(library) => library,
        Err(err) => return app_error_page(err),
    };
    let Some(catalogue) = library.shared(&name) else {
        return app_error_page(aims_app::AppError::NotFound("framework"));
    };
    let mut rows = Vec::new();
    tree(&catalogue, &library.name_of(&catalogue), None, 0, &mut rows);
    let others: Vec<&Catalogue> = library
        .catalogues()
        .filter(|c| c.framework.id == catalogue.framework.id && c.key() != catalogue.key())
        .collect();
    let mut all_versions: Vec<&str> = others
        .iter()
        .map(|c| c.framework.version.as_str())
        .collect();
    all_versions.push(&catalogue.framework.version);
    let mut names: Vec<&str> = others
        .iter()
        .map(|c| c.framework.short_name.as_str())
        .collect();
    names.push(&catalogue.framework.short_name);
    let name = framework_name(&names, &all_versions);
    let versions = others
        .iter()
        .map(|c| {
            (
                version_label(&name, &c.framework.version),
                format!(
                    "/frameworks/compare?old={}&new={}",
                    encode(&c.key()),
                    encode(&catalogue.key())
                ),
            )
        })
        .collect();
    render(
        StatusCode::OK,
        &FrameworkPage {
            chrome: Some(Chrome::new(&context, "frameworks")),
            notice: None,
            imported: library.is_added(&catalogue.key()),
            source_link: Some(catalogue.framework.source.clone())
                .filter(|s| s.starts_with("https://") || s.starts_with("http://")),
            catalogue,
            rows,
            versions,
        },
    )
}
