//! One risk's page: what it is, its ratings on the method's scales, and the forms that edit
//! and accept it. A form with a mistake comes back as it was sent, the error beside its field.

use aims_app::domain::account::Member;
use aims_app::domain::risk::{RiskMethod, RiskStatus, TreatmentOption};
use aims_app::domain::{Actor, Permission, RiskId};
use aims_app::{AppError, Register, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::risk_form::{ActionRow, FIELDS, RiskForm};
use super::risks::{RiskRow, row};
use super::{Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// A control the picker offers.
pub struct ControlChoice {
    pub id: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "risk.html")]
struct RiskPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    row: RiskRow,
    method: RiskMethod,
    can_edit: bool,
    is_owner: bool,
    form: RiskForm,
    action_rows: Vec<ActionRow>,
    problem: FormProblem,
    accept_note: String,
    accept_problem: FormProblem,
    members: Vec<Member>,
    owner_name: Option<String>,
    systems: Vec<(String, String)>,
    controls: Vec<ControlChoice>,
    /// The Annex C risk source and objective, by id and title.
    source: Option<(String, String)>,
    objective: Option<(String, String)>,
    statuses: &'static [RiskStatus],
    treatments: &'static [TreatmentOption],
}

impl RiskPage {
    fn chosen(&self, control: &str) -> bool {
        self.form.controls.iter().any(|c| c == control)
    }
}

/// What the page shows besides the risk: the form as typed, and the problems of either form.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    form: Option<RiskForm>,
    problem: FormProblem,
    accept_note: String,
    accept_problem: FormProblem,
}

const ACCEPT_FIELDS: FormFields = FormFields {
    prefix: "a-",
    labels: &[("note", "Why the residual risk may stand")],
};

async fn risk_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: RiskId,
    shown: Shown,
) -> Response {
    let loaded = async {
        let (risk, method) = state.app.risk(actor, id).await?;
        let members = state.app.members(actor).await?;
        let ids: Vec<String> = risk.facts.systems.iter().map(ToString::to_string).collect();
        let names = state.app.names_of(actor, Register::Systems, &ids).await?;
        let library = state.app.library_framework(actor, "iso-iec-42001").await?;
        let titled = |id: &Option<String>| {
            id.as_ref().map(|id| {
                let title = library
                    .items
                    .iter()
                    .find(|i| &i.id == id)
                    .map_or_else(String::new, |i| i.title.clone());
                (id.clone(), title)
            })
        };
        let (source, objective) = (
            titled(&risk.facts.risk_source),
            titled(&risk.facts.affected_objective),
        );
        let controls = library
            .items
            .iter()
            .filter(|i| i.requirement && i.id.starts_with("A."))
            .map(|i| ControlChoice {
                id: i.id.clone(),
                title: i.title.clone(),
            })
            .collect();
        let systems = ids
            .into_iter()
            .map(|id| {
                let name = names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| "a deleted AI system".into());
                (id, name)
            })
            .collect();
        Ok::<_, AppError>((risk, method, members, systems, controls, source, objective))
    };
    let (risk, method, members, systems, controls, source, objective) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let status = shown.problem.status().max(shown.accept_problem.status());
    let is_owner = risk.facts.owner.is_some() && risk.facts.owner == actor.user();
    let owner_name = risk.facts.owner.map(|o| {
        members
            .iter()
            .find(|m| m.user == o)
            .map_or_else(|| "a former member".to_owned(), |m| m.display_name.clone())
    });
    let form = shown
        .form
        .unwrap_or_else(|| RiskForm::of(&risk.facts, risk.revision));
    render(
        status,
        &RiskPage {
            chrome: Some(Chrome::new(context, "risks")),
            notice: shown.notice,
            action_rows: form.action_rows(),
            form,
            problem: shown.problem,
            accept_note: shown.accept_note,
            accept_problem: shown.accept_problem,
            row: row(risk, &method, state.app.now()),
            method,
            can_edit: actor.role.grants(Permission::EditContent),
            is_owner,
            members,
            owner_name,
            systems,
            controls,
            source,
            objective,
            statuses: RiskStatus::ALL,
            treatments: TreatmentOption::ALL,
        },
    )
}

/// The `done` code of the page.
#[derive(Deserialize, Default)]
pub struct RiskQuery {
    done: Option<String>,
}

/// `GET /risks/{id}`.
pub async fn risk_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<RiskId>,
    Query(q): Query<RiskQuery>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("created") => {
            Some("The risk was recorded; rate its treatment and residual risk below.".into())
        }
        Some("saved") => Some("Your changes were saved.".into()),
        Some("accepted") => Some("Your acceptance was recorded.".into()),
        _ => None,
    };
    let shown = Shown {
        notice,
        ..Default::default()
    };
    risk_view(&state, &context, &actor, id, shown).await
}

/// `POST /risks/{id}`.
pub async fn update(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<RiskId>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = RiskForm::posted(pairs);
    let result = async {
        let (risk, _) = state.app.risk(&actor, id).await?;
        let facts = form.facts(&risk.facts)?;
        state
            .app
            .update_risk(&actor, id, form.revision()?, facts)
            .await
    };
    match result.await {
        Ok(_) => done(&format!("/risks/{id}"), "saved"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => {
                let shown = Shown {
                    form: Some(form),
                    problem,
                    ..Default::default()
                };
                risk_view(&state, &context, &actor, id, shown).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// The owner's reason for accepting.
#[derive(Deserialize)]
pub struct AcceptNote {
    #[serde(default)]
    note: String,
}

/// `POST /risks/{id}/accept`.
pub async fn accept(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<RiskId>,
    PageForm(form): PageForm<AcceptNote>,
) -> Response {
    match state.app.accept_risk(&actor, id, &form.note).await {
        Ok(_) => done(&format!("/risks/{id}"), "accepted"),
        Err(err) => match FormProblem::from_error(err, &ACCEPT_FIELDS) {
            Ok(accept_problem) => {
                let shown = Shown {
                    accept_note: form.note,
                    accept_problem,
                    ..Default::default()
                };
                risk_view(&state, &context, &actor, id, shown).await
            }
            Err(other) => app_error_page(other),
        },
    }
}
