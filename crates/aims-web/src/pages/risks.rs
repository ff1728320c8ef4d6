//! The risk register's list: the heat map, the table (sortable, columns to choose, the view as
//! CSV or XLSX), the active filter named, and the quick form that records a risk.

use aims_app::domain::risk::{Risk, RiskFacts, RiskMethod, RiskStatus, TreatmentOption};
use aims_app::domain::{Actor, AiSystemId, Permission, ValidationError};
use aims_app::{AppError, Register, RiskFilter, SessionContext};
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::response::Response;
use serde::Deserialize;

use super::risk_form::required_score;
use super::table_view::{Column, ExportFormat, TableView, answer};
use super::{Chrome, FormFields, FormProblem, PageForm, app_error_page, done, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// A risk as a row of the list.
pub struct RiskRow {
    pub risk: Risk,
    pub inherent: String,
    pub residual: String,
    pub overdue: bool,
    pub action_overdue: bool,
    pub needs_sign_off: bool,
    /// The names of its systems, with their ids.
    pub systems: Vec<(String, String)>,
    pub owner: String,
}

pub(super) fn row(risk: Risk, m: &RiskMethod, now: aims_app::domain::Timestamp) -> RiskRow {
    let residual = risk.residual_level(m);
    RiskRow {
        inherent: m.level_label(risk.inherent_level(m)).to_owned(),
        residual: m.level_label(residual).to_owned(),
        overdue: risk.review_overdue(now),
        action_overdue: risk.action_overdue(now),
        needs_sign_off: risk.needs_sign_off(m),
        systems: Vec::new(),
        owner: String::new(),
        risk,
    }
}

const COLUMNS: &[Column] = &[
    Column {
        key: "risk",
        label: "Risk",
        sort: Some(("number", "-number")),
        default: true,
    },
    Column {
        key: "systems",
        label: "AI systems",
        sort: None,
        default: true,
    },
    Column {
        key: "owner",
        label: "Owner",
        sort: None,
        default: true,
    },
    Column {
        key: "status",
        label: "Status",
        sort: None,
        default: true,
    },
    Column {
        key: "treatment",
        label: "Treatment",
        sort: None,
        default: false,
    },
    Column {
        key: "inherent",
        label: "Inherent",
        sort: None,
        default: false,
    },
    Column {
        key: "residual",
        label: "Residual",
        sort: Some(("level", "-level")),
        default: true,
    },
    Column {
        key: "review",
        label: "Next review",
        sort: Some(("review_due", "-review_due")),
        default: true,
    },
    Column {
        key: "changed",
        label: "Changed",
        sort: Some(("updated", "-updated")),
        default: false,
    },
    Column {
        key: "attention",
        label: "Attention",
        sort: None,
        default: true,
    },
];

/// The quick form's fields.
const NEW_FIELDS: FormFields = FormFields {
    prefix: "n-",
    labels: &[
        ("title", "Title"),
        ("inherent_likelihood", "Likelihood"),
        ("inherent_impact", "Impact"),
        ("system", "AI system"),
    ],
};

#[derive(Template)]
#[template(path = "risks.html")]
struct RisksPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    filter: ListQuery,
    /// The active filter in words, if any narrows the list.
    narrowed: Vec<String>,
    rows: Vec<RiskRow>,
    total: i64,
    total_capped: bool,
    heat_map: String,
    levels: Vec<String>,
    statuses: &'static [RiskStatus],
    method: RiskMethod,
    can_edit: bool,
    view: TableView,
    first_shown: i64,
    previous: Option<String>,
    next: Option<String>,
    new_risk: NewRisk,
    problem: FormProblem,
}

/// The list's filters as a query string carries them.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    min_level: String,
    #[serde(default)]
    system: String,
    #[serde(default)]
    sort: String,
    open: Option<bool>,
    overdue: Option<bool>,
    actions_overdue: Option<bool>,
    likelihood: Option<u8>,
    impact: Option<u8>,
    #[serde(default)]
    basis: String,
    offset: Option<i64>,
    done: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> RiskFilter {
        let some = |s: &String| Some(s.clone()).filter(|s| !s.trim().is_empty());
        RiskFilter {
            q: some(&self.q),
            status: some(&self.status),
            min_level: some(&self.min_level),
            system: some(&self.system),
            sort: some(&self.sort),
            open: self.open,
            overdue: self.overdue,
            actions_overdue: self.actions_overdue,
            likelihood: self.likelihood,
            impact: self.impact,
            basis: some(&self.basis),
            ..Default::default()
        }
    }
}

/// The filter in words, for the line above the table.
fn narrowed(q: &ListQuery, system_name: Option<&str>, statuses: &[RiskStatus]) -> Vec<String> {
    let mut said = Vec::new();
    if let Some(name) = system_name {
        said.push(format!("risks of {name}"));
    }
    if q.open == Some(true) {
        said.push("open risks only".into());
    }
    if q.overdue == Some(true) {
        said.push("reviews overdue".into());
    }
    if q.actions_overdue == Some(true) {
        said.push("treatment actions overdue".into());
    }
    if let Some(s) = statuses.iter().find(|s| s.as_str() == q.status) {
        said.push(format!("status {}", s.label()));
    }
    if !q.min_level.is_empty() {
        said.push(format!("residual level {} or above", q.min_level));
    }
    if let (Some(l), Some(i)) = (q.likelihood, q.impact) {
        let basis = if q.basis == "residual" {
            "residual"
        } else {
            "inherent"
        };
        said.push(format!(
            "the heat-map cell likelihood {l}, impact {i} ({basis})"
        ));
    }
    if !q.q.trim().is_empty() {
        said.push(format!("matching \u{201c}{}\u{201d}", q.q.trim()));
    }
    said
}

async fn list_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    q: ListQuery,
    pairs: Vec<(String, String)>,
    new_risk: NewRisk,
    problem: FormProblem,
) -> Response {
    let view = TableView::new("/risks", &pairs, &q.sort, COLUMNS);
    let system = q.system.parse::<AiSystemId>().ok();
    let loaded = async {
        let filter = RiskFilter {
            limit: Some(view.limit),
            offset: q.offset,
            ..q.filter()
        };
        let page = state.app.risks(actor, &filter).await?;
        let heat_map = state
            .app
            .risk_heat_map(actor, system, Some(&crate::addresses::open_risks(system)))
            .await?;
        let mut ids: Vec<String> = page
            .risks
            .iter()
            .flat_map(|r| r.facts.systems.iter().map(ToString::to_string))
            .collect();
        ids.extend(system.map(|s| s.to_string()));
        let names = state.app.names_of(actor, Register::Systems, &ids).await?;
        let members = state.app.members(actor).await?;
        Ok::<_, AppError>((page, heat_map, names, members))
    };
    let (page, heat_map, names, members) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let now = state.app.now();
    let method = page.method.clone();
    let offset = page.offset;
    let shown = page.risks.len() as i64;
    let (previous, next) = view.pager(offset, shown, page.total);
    let rows = page
        .risks
        .into_iter()
        .map(|r| {
            let mut shown = row(r, &method, now);
            shown.systems = shown
                .risk
                .facts
                .systems
                .iter()
                .map(|s| {
                    let id = s.to_string();
                    let name = names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| "a deleted AI system".into());
                    (id, name)
                })
                .collect();
            shown.owner = shown
                .risk
                .facts
                .owner
                .and_then(|o| members.iter().find(|m| m.user == o))
                .map(|m| m.display_name.clone())
                .unwrap_or_default();
            shown
        })
        .collect();
    render(
        problem.status(),
        &RisksPage {
            chrome: Some(Chrome::new(context, "risks")),
            notice: match q.done.as_deref() {
                Some("created") => Some("The risk was recorded.".into()),
                Some("deleted") => Some("The risk was deleted.".into()),
                _ => None,
            },
            narrowed: narrowed(
                &q,
                system
                    .and_then(|s| names.get(&s.to_string()))
                    .map(String::as_str),
                RiskStatus::ALL,
            ),
            total: page.total,
            total_capped: page.total_capped,
            first_shown: offset + 1,
            previous,
            next,
            rows,
            heat_map,
            levels: method.risk_levels.iter().map(|l| l.label.clone()).collect(),
            statuses: RiskStatus::ALL,
            method,
            can_edit: actor.role.grants(Permission::EditContent),
            view,
            new_risk: NewRisk {
                system: if new_risk.system.is_empty() {
                    q.system.clone()
                } else {
                    new_risk.system
                },
                ..new_risk
            },
            problem,
            filter: q,
        },
    )
}

/// `GET /risks`.
pub async fn risks_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<ListQuery>,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs = super::table_view::query_pairs(raw.as_deref());
    list_view(
        &state,
        &context,
        &actor,
        q,
        pairs,
        NewRisk::default(),
        FormProblem::default(),
    )
    .await
}

/// `GET /risks/export.csv` and `.xlsx`: the current view, every page.
pub async fn export(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    Query(q): Query<ListQuery>,
    format: ExportFormat,
) -> Response {
    answer(
        state.app.risks_table(&actor, &q.filter()).await,
        format,
        state.app.now(),
    )
}

/// A new risk as the short form on the list posts it; kept as typed for a form with a mistake.
#[derive(Deserialize, Default)]
pub struct NewRisk {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    inherent_likelihood: String,
    #[serde(default)]
    inherent_impact: String,
    #[serde(default)]
    system: String,
}

impl NewRisk {
    fn facts(&self, actor: &Actor) -> Result<RiskFacts, ValidationError> {
        let systems = match self.system.trim() {
            "" => Vec::new(),
            s => vec![
                s.parse::<AiSystemId>()
                    .map_err(|_| ValidationError::new("system", "must be an AI system"))?,
            ],
        };
        Ok(RiskFacts {
            title: self.title.clone(),
            description: self.description.clone(),
            systems,
            risk_source: None,
            affected_objective: None,
            lifecycle_stage: None,
            owner: actor.user(),
            inherent_likelihood: required_score("inherent_likelihood", &self.inherent_likelihood)?,
            inherent_impact: required_score("inherent_impact", &self.inherent_impact)?,
            treatment: TreatmentOption::default(),
            treatment_plan: String::new(),
            controls: Vec::new(),
            actions: Vec::new(),
            residual_likelihood: None,
            residual_impact: None,
            review_due: None,
            status: RiskStatus::default(),
        })
    }
}

/// `POST /risks`.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<NewRisk>,
) -> Response {
    let result = match form.facts(&actor) {
        Ok(facts) => state.app.create_risk(&actor, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok((risk, _)) => done(&format!("/risks/{}", risk.id), "created"),
        Err(err) => match FormProblem::from_error(err, &NEW_FIELDS) {
            Ok(problem) => {
                // The list the form was on: that of its system, if it had one.
                let q = ListQuery {
                    system: form.system.clone(),
                    ..Default::default()
                };
                let pairs = match form.system.is_empty() {
                    true => Vec::new(),
                    false => vec![("system".to_owned(), form.system.clone())],
                };
                list_view(&state, &context, &actor, q, pairs, form, problem).await
            }
            Err(other) => app_error_page(other),
        },
    }
}
