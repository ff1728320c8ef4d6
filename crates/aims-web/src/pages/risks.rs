//! The risk register pages: the list with its heat map, one risk, and the forms that record,
//! change and accept risks.

use aims_app::domain::risk::{Risk, RiskFacts, RiskMethod, RiskStatus, TreatmentOption};
use aims_app::domain::{Actor, AiSystemId, Permission, ValidationError};
use aims_app::{AppError, RiskFilter, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, PageForm, app_error_page, done, form_error, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// A risk as a row of the list.
pub struct RiskRow {
    pub risk: Risk,
    pub inherent: String,
    pub residual: String,
    pub overdue: bool,
    pub needs_sign_off: bool,
}

pub(super) fn row(risk: Risk, m: &RiskMethod, now: aims_app::domain::Timestamp) -> RiskRow {
    let residual = risk.residual_level(m);
    RiskRow {
        inherent: m.level_label(risk.inherent_level(m)).to_owned(),
        residual: m.level_label(residual).to_owned(),
        overdue: risk.is_overdue(now),
        needs_sign_off: risk.needs_sign_off(m),
        risk,
    }
}

#[derive(Template)]
#[template(path = "risks.html")]
struct RisksPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    filter: ListQuery,
    rows: Vec<RiskRow>,
    total: i64,
    total_capped: bool,
    heat_map: String,
    levels: Vec<String>,
    statuses: &'static [RiskStatus],
    can_edit: bool,
    next: Option<i64>,
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
    likelihood: Option<u8>,
    impact: Option<u8>,
    #[serde(default)]
    basis: String,
    offset: Option<i64>,
    done: Option<String>,
}

async fn list_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    q: ListQuery,
    error: Option<(StatusCode, String)>,
) -> Response {
    let some = |s: &String| Some(s.clone()).filter(|s| !s.trim().is_empty());
    let filter = RiskFilter {
        q: some(&q.q),
        status: some(&q.status),
        min_level: some(&q.min_level),
        system: some(&q.system),
        sort: some(&q.sort),
        open: q.open,
        overdue: q.overdue,
        likelihood: q.likelihood,
        impact: q.impact,
        basis: some(&q.basis),
        offset: q.offset,
        limit: Some(50),
        ..Default::default()
    };
    let system = q.system.parse::<AiSystemId>().ok();
    let loaded = async {
        let page = state.app.risks(actor, &filter).await?;
        let heat_map = state
            .app
            .risk_heat_map(actor, system, Some(&crate::addresses::open_risks(system)))
            .await?;
        Ok::<_, AppError>((page, heat_map))
    };
    let (page, heat_map) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => match form_error(err) {
            Ok(message) => return super::error_page(message.0, &message.1),
            Err(other) => return app_error_page(other),
        },
    };
    let now = state.app.now();
    let method = page.method.clone();
    let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    let offset = page.offset;
    render(
        status,
        &RisksPage {
            chrome: Some(Chrome::new(context, "risks")),
            notice: match q.done.as_deref() {
                Some("created") => Some("The risk was recorded.".into()),
                Some("deleted") => Some("The risk was deleted.".into()),
                _ => None,
            },
            error,
            total: page.total,
            total_capped: page.total_capped,
            next: (offset + (page.risks.len() as i64) < page.total).then_some(offset + 50),
            rows: page
                .risks
                .into_iter()
                .map(|r| row(r, &method, now))
                .collect(),
            heat_map,
            levels: method.risk_levels.iter().map(|l| l.label.clone()).collect(),
            statuses: RiskStatus::ALL,
            can_edit: actor.role.grants(Permission::EditContent),
            filter: q,
        },
    )
}

/// `GET /risks`.
pub async fn risks_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<ListQuery>,
) -> Response {
    list_view(&state, &context, &actor, q, None).await
}

/// A new risk as the short form on the list posts it.
#[derive(Deserialize)]
pub struct NewRisk {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    inherent_likelihood: Option<u8>,
    inherent_impact: Option<u8>,
    #[serde(default)]
    system: String,
}

/// `POST /risks`.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<NewRisk>,
) -> Response {
    let systems = match form.system.trim() {
        "" => Ok(Vec::new()),
        s => s
            .parse::<AiSystemId>()
            .map(|id| vec![id])
            .map_err(|_| ValidationError::new("system", "must be an AI system")),
    };
    let result = match systems {
        Ok(systems) => {
            let facts = RiskFacts {
                title: form.title,
                description: form.description,
                systems,
                risk_source: None,
                affected_objective: None,
                lifecycle_stage: None,
                owner: actor.user(),
                inherent_likelihood: form.inherent_likelihood.unwrap_or(0),
                inherent_impact: form.inherent_impact.unwrap_or(0),
                treatment: TreatmentOption::default(),
                treatment_plan: String::new(),
                controls: Vec::new(),
                actions: Vec::new(),
                residual_likelihood: None,
                residual_impact: None,
                review_due: None,
                status: RiskStatus::default(),
            };
            state.app.create_risk(&actor, facts).await
        }
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok((risk, _)) => done(&format!("/risks/{}", risk.id), "created"),
        Err(err) => match form_error(err) {
            Ok(message) => {
                list_view(
                    &state,
                    &context,
                    &actor,
                    ListQuery::default(),
                    Some(message),
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}
