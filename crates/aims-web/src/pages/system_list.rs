//! `GET /systems`: the inventory as a table (sortable, columns to choose, the view as CSV or
//! XLSX), with its filters named and, for a new organisation, what the inventory is for.

use aims_app::SystemFilter;
use aims_app::domain::Permission;
use aims_app::domain::inventory::{AiRole, AiSystem, LifecycleStage, SystemStatus};
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::systems::{class_label, system_notice};
use super::table_view::{Column, ExportFormat, TableView, answer};
use super::{Chrome, app_error_page, form_error, render};
use crate::identity::PageMember;
use crate::state::WebState;

const COLUMNS: &[Column] = &[
    Column {
        key: "name",
        label: "Name",
        sort: Some(("name", "-name")),
        default: true,
    },
    Column {
        key: "purpose",
        label: "Purpose",
        sort: None,
        default: true,
    },
    Column {
        key: "stage",
        label: "Stage",
        sort: Some(("lifecycle_stage", "-lifecycle_stage")),
        default: true,
    },
    Column {
        key: "status",
        label: "Status",
        sort: None,
        default: false,
    },
    Column {
        key: "roles",
        label: "Our roles",
        sort: None,
        default: true,
    },
    Column {
        key: "class",
        label: "EU AI Act",
        sort: Some(("class", "-class")),
        default: true,
    },
    Column {
        key: "owner",
        label: "Owner",
        sort: None,
        default: true,
    },
    Column {
        key: "changed",
        label: "Changed",
        sort: Some(("updated", "-updated")),
        default: true,
    },
];

#[derive(Template)]
#[template(path = "systems.html")]
struct SystemsPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    filter: ListParams,
    narrowed: Vec<String>,
    systems: Vec<AiSystem>,
    total: i64,
    total_capped: bool,
    previous: Option<String>,
    next: Option<String>,
    first_shown: i64,
    last_shown: i64,
    can_edit: bool,
    stages: &'static [LifecycleStage],
    statuses: &'static [SystemStatus],
    roles: &'static [AiRole],
    view: TableView,
}

impl SystemsPage {
    fn class_of(&self, s: &AiSystem) -> &'static str {
        class_label(s.classification.as_ref().map_or("", |c| c.class.as_str()))
    }
}

/// The inventory's filters as a query string carries them.
#[derive(Deserialize, Default, Clone)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    lifecycle_stage: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    sort: String,
    needs_review: Option<bool>,
    missing_assessment: Option<bool>,
    in_scope: Option<bool>,
    offset: Option<i64>,
    done: Option<String>,
}

impl ListParams {
    fn filter(&self) -> SystemFilter {
        let some = |s: &String| Some(s.clone()).filter(|s| !s.trim().is_empty());
        SystemFilter {
            q: some(&self.q),
            lifecycle_stage: some(&self.lifecycle_stage),
            status: some(&self.status),
            role: some(&self.role),
            tag: some(&self.tag),
            class: some(&self.class),
            sort: some(&self.sort),
            needs_review: self.needs_review,
            missing_assessment: self.missing_assessment,
            in_scope: self.in_scope,
            offset: self.offset,
            ..Default::default()
        }
    }

    /// The filter in words.
    fn narrowed(&self) -> Vec<String> {
        let mut said = Vec::new();
        if self.needs_review == Some(true) {
            said.push("systems whose classification needs review".to_owned());
        }
        if self.missing_assessment == Some(true) {
            said.push(
                "high-risk systems without an approved, current impact assessment".to_owned(),
            );
        }
        match self.in_scope {
            Some(false) => said.push("systems outside the management system's scope".to_owned()),
            Some(true) => said.push("systems inside the management system's scope".to_owned()),
            None => {}
        }
        if !self.class.is_empty() {
            said.push(format!("EU AI Act class: {}", class_label(&self.class)));
        }
        if let Some(s) = LifecycleStage::ALL
            .iter()
            .find(|s| s.as_str() == self.lifecycle_stage)
        {
            said.push(format!("stage: {}", s.label()));
        }
        if let Some(s) = SystemStatus::ALL.iter().find(|s| s.as_str() == self.status) {
            said.push(format!("status: {}", s.label()));
        }
        if let Some(r) = AiRole::ALL.iter().find(|r| r.as_str() == self.role) {
            said.push(format!("our role: {}", r.label()));
        }
        if !self.tag.is_empty() {
            said.push(format!("tag: {}", self.tag));
        }
        if !self.q.trim().is_empty() {
            said.push(format!("matching \u{201c}{}\u{201d}", self.q.trim()));
        }
        said
    }
}

/// `GET /systems`.
pub async fn systems_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(params): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs = super::table_view::query_pairs(raw.as_deref());
    let view = TableView::new("/systems", &pairs, &params.sort, COLUMNS);
    let notice =
        super::notice_for(params.done.as_deref()).or_else(|| system_notice(params.done.as_deref()));
    let filter = SystemFilter {
        limit: Some(view.limit),
        ..params.filter()
    };
    let (status, error, page) = match state.app.ai_systems(&actor, &filter).await {
        Ok(page) => (StatusCode::OK, None, Some(page)),
        Err(err) => match form_error(err) {
            Ok((status, message)) => (status, Some(message), None),
            Err(other) => return app_error_page(other),
        },
    };
    let (systems, total, total_capped, offset) = page.map_or((Vec::new(), 0, false, 0), |p| {
        (p.systems, p.total, p.total_capped, p.offset)
    });
    let shown = systems.len() as i64;
    let (previous, next) = view.pager(offset, shown, total);
    render(
        status,
        &SystemsPage {
            chrome: Some(Chrome::new(&context, "systems")),
            notice,
            error,
            previous,
            next,
            first_shown: if shown > 0 { offset + 1 } else { 0 },
            last_shown: offset + shown,
            narrowed: params.narrowed(),
            filter: params,
            systems,
            total,
            total_capped,
            can_edit: actor.role.grants(Permission::EditContent),
            stages: LifecycleStage::ALL,
            statuses: SystemStatus::ALL,
            roles: AiRole::ALL,
            view,
        },
    )
}

/// `GET /systems/export.csv` and `.xlsx`: the current view, every page.
pub async fn export(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    Query(params): Query<ListParams>,
    format: ExportFormat,
) -> Response {
    answer(
        state.app.systems_table(&actor, &params.filter()).await,
        format,
        state.app.now(),
    )
}
