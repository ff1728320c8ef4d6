//! The organisation's risk method: its scales, levels and matrix shown, and edited (owner and
//! admin) in an editor of rows and choices, or pasted as JSON; every risk is re-scored on save.

use aims_app::SessionContext;
use aims_app::domain::risk::RiskMethod;
use aims_app::domain::{Actor, Permission, Role};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::risk_method_form::{MethodForm, Read};
use super::{Chrome, Done, FormFields, FormProblem, PageForm, app_error_page, done, render};
use crate::allowed::{ManageOrganisation, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "risk_method.html")]
struct MethodPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    method: RiskMethod,
    /// The matrix as rows of (risk level label, colour), highest likelihood first.
    grid: Vec<(String, Vec<(String, String)>)>,
    form: MethodForm,
    json: String,
    problem: FormProblem,
    can_change: bool,
    roles: &'static [Role],
}

const FIELDS: FormFields = FormFields {
    prefix: "m-",
    labels: &[
        ("likelihood", "Likelihood scale"),
        ("impact", "Impact scale"),
        ("risk_levels", "Risk levels"),
        ("risk_levels.label", "A risk level's name"),
        ("risk_levels.colour", "A risk level's colour"),
        ("matrix", "Matrix"),
        (
            "acceptable_up_to",
            "May be accepted without treatment up to",
        ),
        ("requires_sign_off_from", "The owner signs off from"),
        ("accept_above_appetite", "Who may accept above the appetite"),
        ("method", "The pasted method"),
    ],
};

async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    posted: Option<(MethodForm, String)>,
    problem: FormProblem,
) -> Response {
    let method = match state.app.risk_method(actor).await {
        Ok(method) => method,
        Err(err) => return app_error_page(err),
    };
    let grid = (0..method.likelihood.size())
        .rev()
        .map(|l| {
            let cells = (0..method.impact.size())
                .map(|i| {
                    let risk_level = &method.risk_levels[method.matrix[l][i]];
                    (risk_level.label.clone(), risk_level.colour.clone())
                })
                .collect();
            (method.likelihood.levels[l].label.clone(), cells)
        })
        .collect();
    let (form, json) = posted.unwrap_or_else(|| {
        (
            MethodForm::of(&method),
            serde_json::to_string_pretty(&method).unwrap_or_default(),
        )
    });
    render(
        problem.status(),
        &MethodPage {
            chrome: Some(Chrome::new(context, "risks")),
            notice,
            grid,
            form,
            json,
            problem,
            can_change: actor.role.grants(Permission::ManageOrganisation),
            roles: &Role::ALL,
            method,
        },
    )
}

/// `GET /risks/method`.
pub async fn method_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let notice = (q.done.as_deref() == Some("method"))
        .then(|| "The method was saved and the risks re-scored on it.".to_owned());
    page_view(
        &state,
        &context,
        &actor,
        notice,
        None,
        FormProblem::default(),
    )
    .await
}

/// `POST /risks/method`: the editor's fields, or `method` as JSON with `from_json`, or
/// `reset` for the default five-by-five.
pub async fn change(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let has = |name: &str| pairs.iter().any(|(k, _)| k == name);
    let json = pairs
        .iter()
        .find(|(k, _)| k == "method")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let form = MethodForm::posted(&pairs);
    let read = if has("reset") {
        Ok(Read::Method(RiskMethod::default_five_by_five()))
    } else if has("from_json") {
        serde_json::from_str::<RiskMethod>(&json)
            .map(Read::Method)
            .map_err(|e| {
                aims_app::domain::ValidationError::new(
                    "method",
                    format!("is not a method in JSON of the expected shape: {e}"),
                )
            })
    } else {
        form.clone().read()
    };
    let result = match read {
        Ok(Read::Resized(resized)) => {
            let problem = FormProblem::general(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The scales changed size: check the matrix below, then save again. Nothing was saved yet.",
            );
            return page_view(
                &state,
                &context,
                &actor,
                None,
                Some((resized, json)),
                problem,
            )
            .await;
        }
        Ok(Read::Method(method)) => state.app.set_risk_method(&actor, method).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(_) => done("/risks/method", "method"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => {
                page_view(&state, &context, &actor, None, Some((form, json)), problem).await
            }
            Err(other) => app_error_page(other),
        },
    }
}
