//! Framework catalogues and their crosswalks, read-only.

use aims_app::catalog::{Catalogue, Item, Library, Reached};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Id, Params};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A framework catalogue: one version of a standard, law or code.
#[derive(Serialize, ToSchema)]
pub struct FrameworkView {
    /// Stable across versions (`iso-iec-42001`); use it in URLs.
    pub id: String,
    pub version: String,
    /// `id@version`.
    pub key: String,
    pub title: String,
    pub short_name: String,
    pub publisher: String,
    pub published: String,
    pub source: String,
    pub licence: String,
    pub original_text_included: bool,
    pub attribution: Option<String>,
    pub items: usize,
    pub requirements: usize,
    /// Imported by the organisation rather than shipped with aims.
    pub imported: bool,
}

impl FrameworkView {
    /// The view of `c`, a catalogue of `library`.
    pub fn new(library: &Library, c: &Catalogue) -> Self {
        let f = &c.framework;
        Self {
            id: f.id.clone(),
            version: f.version.clone(),
            key: c.key(),
            title: f.title.clone(),
            short_name: f.short_name.clone(),
            publisher: f.publisher.clone(),
            published: f.published.clone(),
            source: f.source.clone(),
            licence: f.licence.clone(),
            original_text_included: f.original_text_included,
            attribution: f.attribution.clone(),
            items: c.items.len(),
            requirements: c.items.iter().filter(|i| i.requirement).count(),
            imported: library.is_added(&c.key()),
        }
    }
}

/// One requirement, control or grouping node of a framework.
#[derive(Serialize, ToSchema)]
pub struct ItemView {
    pub id: String,
    pub parent: Option<String>,
    pub kind: String,
    pub title: String,
    /// What it asks for; for ISO/IEC items in aims' own words.
    pub description: String,
    /// The publisher's wording, where its licence allows carrying it.
    pub text: Option<String>,
    pub requirement: bool,
    pub guidance: Option<String>,
    pub applies_from: Option<String>,
    pub amended_applies_from: Option<String>,
    pub amendment: Option<String>,
    /// Documents and records the item requires be kept.
    pub documented_information: Vec<String>,
}

impl From<&Item> for ItemView {
    fn from(i: &Item) -> Self {
        Self {
            id: i.id.clone(),
            parent: i.parent.clone(),
            kind: i.kind.as_str().into(),
            title: i.title.clone(),
            description: i.description.clone(),
            text: i.text.clone(),
            requirement: i.requirement,
            guidance: i.guidance.clone(),
            applies_from: i.applies_from.clone(),
            amended_applies_from: i.amended_applies_from.clone(),
            amendment: i.amendment.clone(),
            documented_information: i.documented_information.clone(),
        }
    }
}

/// A framework with all its items, in document order.
#[derive(Serialize, ToSchema)]
pub struct FrameworkDetailView {
    pub framework: FrameworkView,
    pub items: Vec<ItemView>,
}

/// One crosswalk step.
#[derive(Serialize, ToSchema)]
pub struct StepView {
    pub from_framework: String,
    pub from_item: String,
    pub to_framework: String,
    pub to_item: String,
    /// NIST IR 8477 / OSCAL relationship: equal-to, subset-of, superset-of, intersects-with.
    pub relation: String,
    pub rationale: String,
    pub crosswalk: String,
}

/// An item reached from the one asked about, with the path taken.
#[derive(Serialize, ToSchema)]
pub struct MappingView {
    pub framework: String,
    pub item: String,
    /// The relation composed along the path.
    pub relation: String,
    /// The weakest relation on the path.
    pub weakest: String,
    pub path: Vec<StepView>,
}

impl From<&Reached> for MappingView {
    fn from(r: &Reached) -> Self {
        Self {
            framework: r.node.0.clone(),
            item: r.node.1.clone(),
            relation: r.relation.oscal().into(),
            weakest: r.weakest.oscal().into(),
            path: r
                .path
                .iter()
                .map(|s| StepView {
                    from_framework: s.from.0.clone(),
                    from_item: s.from.1.clone(),
                    to_framework: s.to.0.clone(),
                    to_item: s.to.1.clone(),
                    relation: s.relation.oscal().into(),
                    rationale: s.rationale.clone(),
                    crosswalk: s.crosswalk.clone(),
                })
                .collect(),
        }
    }
}

/// A framework with no counterpart for the item, and why.
#[derive(Serialize, ToSchema)]
pub struct GapView {
    pub framework: String,
    pub rationale: String,
}

/// An item with what sits under it, what it maps to, and its recorded gaps.
#[derive(Serialize, ToSchema)]
pub struct RequirementDetailView {
    pub framework: String,
    pub item: ItemView,
    pub children: Vec<ItemView>,
    pub mappings: Vec<MappingView>,
    pub gaps: Vec<GapView>,
}

/// A search hit.
#[derive(Serialize, ToSchema)]
pub struct FrameworkHitView {
    pub framework: String,
    pub item: ItemView,
}

/// How far to follow crosswalks.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HopsParams {
    /// Crosswalk steps to follow, 1 (direct) to 4; every answer beyond 1 shows its path.
    pub hops: Option<usize>,
}

/// What to search for.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words that must all appear in the id, title or description.
    pub q: String,
    /// At most this many hits (default 50, at most 500).
    pub limit: Option<usize>,
}

/// Every framework catalogue.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "frameworks", responses(
    (status = 200, body = Vec<FrameworkView>), (status = 401, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<FrameworkView>>, ApiError> {
    let library = state.app.library(&actor).await?;
    Ok(Json(
        library
            .catalogues()
            .map(|c| FrameworkView::new(&library, c))
            .collect(),
    ))
}

/// Items of every framework matching all the words given.
#[utoipa::path(get, path = "/api/v1/frameworks/search", tag = "frameworks", params(SearchParams), responses(
    (status = 200, body = Vec<FrameworkHitView>), (status = 422, body = Problem), (status = 401, body = Problem),
))]
pub async fn search(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<SearchParams>,
) -> Result<Json<Vec<FrameworkHitView>>, ApiError> {
    let hits = state
        .app
        .search_frameworks(&actor, &params.q, params.limit.unwrap_or(50))
        .await?;
    Ok(Json(
        hits.into_iter()
            .map(|(c, i)| FrameworkHitView {
                framework: c.key(),
                item: (&i).into(),
            })
            .collect(),
    ))
}

/// One framework with all its items.
#[utoipa::path(get, path = "/api/v1/frameworks/{framework}", tag = "frameworks", params(("framework" = String, Path, description = "Framework id, or id@version")), responses(
    (status = 200, body = FrameworkDetailView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(name): Id<String>,
) -> Result<Json<FrameworkDetailView>, ApiError> {
    let library = state.app.library(&actor).await?;
    let catalogue = library
        .catalogue(&name)
        .ok_or(aims_app::AppError::NotFound("framework"))?;
    Ok(Json(FrameworkDetailView {
        framework: FrameworkView::new(&library, catalogue),
        items: catalogue.items.iter().map(ItemView::from).collect(),
    }))
}

/// One item with its mappings in both directions and its recorded gaps.
#[utoipa::path(get, path = "/api/v1/frameworks/{framework}/items/{item}", tag = "frameworks", params(
    ("framework" = String, Path, description = "Framework id, or id@version"), ("item" = String, Path, description = "The item's published id"), HopsParams,
), responses(
    (status = 200, body = RequirementDetailView), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn item(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id((framework, item)): Id<(String, String)>,
    Params(params): Params<HopsParams>,
) -> Result<Json<RequirementDetailView>, ApiError> {
    let view = state
        .app
        .requirement(&actor, &framework, &item, params.hops.unwrap_or(1))
        .await?;
    Ok(Json(RequirementDetailView {
        framework: view.catalogue.key(),
        item: (&view.item).into(),
        children: view.children.iter().map(ItemView::from).collect(),
        mappings: view.mappings.iter().map(MappingView::from).collect(),
        gaps: view
            .gaps
            .into_iter()
            .map(|(framework, rationale)| GapView {
                framework,
                rationale,
            })
            .collect(),
    }))
}

/// An organisation's own licensed text of a requirement.
#[derive(Serialize, ToSchema)]
pub struct RequirementTextView {
    pub framework: String,
    pub item: String,
    pub text: String,
    pub updated_at: String,
    pub updated_by: String,
}

impl From<aims_app::RequirementText> for RequirementTextView {
    fn from(t: aims_app::RequirementText) -> Self {
        Self {
            framework: t.framework,
            item: t.item_id,
            text: t.text,
            updated_at: t.updated_at.to_string(),
            updated_by: t.updated_by,
        }
    }
}

/// The text to attach.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementTextForm {
    pub text: String,
}

/// Texts to attach in bulk: CSV with `id` and `text` columns.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementTextsImport {
    pub csv: String,
}

/// How many texts an import attached.
#[derive(Serialize, ToSchema)]
pub struct ImportedView {
    pub imported: usize,
}

/// The organisation's own licensed text of one requirement.
#[utoipa::path(get, path = "/api/v1/frameworks/{framework}/items/{item}/text", tag = "frameworks", params(("framework" = String, Path), ("item" = String, Path)), responses(
    (status = 200, body = RequirementTextView), (status = 404, body = Problem),
))]
pub async fn get_text(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id((framework, item)): Id<(String, String)>,
) -> Result<Json<RequirementTextView>, ApiError> {
    let text = state
        .app
        .requirement_text(&actor, &framework, &item)
        .await?
        .ok_or(aims_app::AppError::NotFound("requirement text"))?;
    Ok(Json(text.into()))
}

/// Attaches the organisation's licensed text to one requirement (owner, admin, editor). It is
/// kept per organisation and never exported unless asked for.
#[utoipa::path(put, path = "/api/v1/frameworks/{framework}/items/{item}/text", tag = "frameworks", params(("framework" = String, Path), ("item" = String, Path)), request_body = RequirementTextForm, responses(
    (status = 200, body = RequirementTextView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn put_text(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id((framework, item)): Id<(String, String)>,
    super::Body(form): super::Body<RequirementTextForm>,
) -> Result<Json<RequirementTextView>, ApiError> {
    Ok(Json(
        state
            .app
            .set_requirement_text(&actor, &framework, &item, &form.text)
            .await?
            .into(),
    ))
}

/// Removes the organisation's text of one requirement.
#[utoipa::path(delete, path = "/api/v1/frameworks/{framework}/items/{item}/text", tag = "frameworks", params(("framework" = String, Path), ("item" = String, Path)), responses(
    (status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn delete_text(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id((framework, item)): Id<(String, String)>,
) -> Result<axum::http::StatusCode, ApiError> {
    state
        .app
        .clear_requirement_text(&actor, &framework, &item)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Attaches texts to many requirements from CSV, all rows or none (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/frameworks/{framework}/texts", tag = "frameworks", params(("framework" = String, Path)), request_body = RequirementTextsImport, responses(
    (status = 200, body = ImportedView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn import_texts(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(framework): Id<String>,
    super::Body(form): super::Body<RequirementTextsImport>,
) -> Result<Json<ImportedView>, ApiError> {
    Ok(Json(ImportedView {
        imported: state
            .app
            .import_requirement_texts(&actor, &framework, &form.csv)
            .await?,
    }))
}
