//! The nonconformity register (ISO/IEC 42001 10.2) and one nonconformity's page: what was
//! found, its corrective actions, and the forms of its handling (`nonconformity_steps.rs`),
//! shown again with what was typed when a step is refused.

use std::collections::HashMap;

use aims_app::domain::account::Member;
use aims_app::domain::improvement::{Grade, Nonconformity, NonconformityStatus, Phase};
use aims_app::domain::{Actor, NonconformityId, Permission, Timestamp, ValidationError};
use aims_app::{AppError, NonconformityFilter, NonconformityRecord, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::nonconformity_form::requirements_text;
use super::{Chrome, FormProblem, PageId, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// Most nonconformities the register shows on one page.
const PAGE: i64 = 100;

/// The badge class of a phase.
pub fn phase_class(phase: &Phase) -> &'static str {
    match *phase {
        Phase::NeedsAction => "danger",
        Phase::ActionsOpen => "warn",
        Phase::AwaitingVerification => "info",
        Phase::Closed => "ok",
        Phase::Withdrawn => "neutral",
    }
}

/// The badge class of a grade.
pub fn grade_class(grade: &Grade) -> &'static str {
    match *grade {
        Grade::Major => "danger",
        Grade::Minor => "warn",
    }
}

fn name_of(members: &[Member], user: Option<aims_app::domain::UserId>) -> Option<String> {
    let user = user?;
    members
        .iter()
        .find(|m| m.user == user)
        .map(|m| m.display_name.clone())
}

/// The register's filters, as the address carries them.
#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    older_than_days: String,
}

/// One nonconformity as the register lists it.
pub struct RegisterLine {
    pub n: Nonconformity,
    pub owner: Option<String>,
    pub age_days: i64,
}

#[derive(Template)]
#[template(path = "nonconformities.html")]
struct RegisterPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    lines: Vec<RegisterLine>,
    total: i64,
    status: String,
    older_than_days: String,
    statuses: &'static [NonconformityStatus],
    counts: aims_app::NonconformityCounts,
    can_edit: bool,
}

/// `GET /nonconformities`: the register, the longest open first, filtered by status and age.
pub async fn list(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<RegisterQuery>,
) -> Response {
    let loaded = async {
        let filter = NonconformityFilter {
            status: match q.status.trim() {
                "" => None,
                s => Some(s.parse::<NonconformityStatus>()?),
            },
            older_than_days: match q.older_than_days.trim() {
                "" => None,
                d => Some(d.parse::<u32>().map_err(|_| {
                    ValidationError::new("older_than_days", "must be a whole number of days")
                })?),
            },
            owner: None,
        };
        let (list, total) = state
            .app
            .nonconformity_list(&actor, &filter, PAGE, 0)
            .await?;
        let counts = state.app.nonconformity_counts(&actor).await?;
        let members = state.app.members(&actor).await?;
        Ok::<_, AppError>((list, total, counts, members))
    };
    let (list, total, counts, members) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let now = state.app.now();
    let lines = list
        .into_iter()
        .map(|n| RegisterLine {
            owner: name_of(&members, n.facts.owner),
            age_days: n.age_days(now),
            n,
        })
        .collect();
    render(
        StatusCode::OK,
        &RegisterPage {
            chrome: Some(Chrome::new(&context, "nonconformities")),
            notice: None,
            lines,
            total,
            status: q.status,
            older_than_days: q.older_than_days,
            statuses: NonconformityStatus::ALL,
            counts,
            can_edit: actor.role.grants(Permission::EditContent),
        },
    )
}

/// What was typed in one of the page's step forms, shown again when the step is refused.
#[derive(Default, Clone)]
pub struct StepTyped {
    /// `action`, `verify` or `withdraw`.
    pub step: &'static str,
    pub title: String,
    pub assignee: String,
    pub due: String,
    pub effective: String,
    pub note: String,
    pub evidence: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "nonconformity.html")]
struct NonconformityPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    typed: StepTyped,
    r: NonconformityRecord,
    phase: Phase,
    open_actions: usize,
    requirements: String,
    owner: Option<String>,
    system: Option<(String, String)>,
    /// Names of the people actions are given to, by user id.
    assignees: HashMap<String, String>,
    members: Vec<Member>,
    age_days: i64,
    now: Timestamp,
    can_edit: bool,
    /// The reader may verify: they may edit and do not own it.
    can_verify: bool,
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "The nonconformity was recorded; its owner was told.",
            "saved" => "Your changes were saved.",
            "action" => "The corrective action was given; its assignee was told.",
            "closed" => "The actions were found to work: the nonconformity is closed.",
            "reopened" => {
                "The actions were found not to work: the nonconformity is open again for new ones."
            }
            "withdrawn" => "The nonconformity was withdrawn.",
            _ => return None,
        }
        .to_owned(),
    )
}

pub(super) async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: NonconformityId,
    notice: Option<String>,
    problem: FormProblem,
    typed: StepTyped,
) -> Response {
    let loaded = async {
        let r = state.app.nonconformity(actor, id).await?;
        let members = state.app.members(actor).await?;
        let system = match r.nonconformity.facts.system {
            Some(s) => state
                .app
                .names_of(actor, aims_app::Register::Systems, &[s.to_string()])
                .await?
                .remove(&s.to_string())
                .map(|name| (s.to_string(), name)),
            None => None,
        };
        Ok::<_, AppError>((r, members, system))
    };
    let (r, members, system) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let now = state.app.now();
    let n = &r.nonconformity;
    let can_edit = actor.role.grants(Permission::EditContent);
    let (open_actions, _) = r.action_counts();
    render(
        problem.status(),
        &NonconformityPage {
            chrome: Some(Chrome::new(context, "nonconformities")),
            notice,
            problem,
            typed,
            phase: r.phase(),
            open_actions,
            requirements: requirements_text(&n.facts.requirements),
            owner: name_of(&members, n.facts.owner),
            system,
            assignees: members
                .iter()
                .map(|m| (m.user.to_string(), m.display_name.clone()))
                .collect(),
            age_days: n.age_days(now),
            can_verify: can_edit && n.facts.owner != actor.user(),
            can_edit,
            now,
            members,
            r,
        },
    )
}

/// `GET /nonconformities/{id}`.
pub async fn nonconformity_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<NonconformityId>,
    Query(q): Query<super::Done>,
) -> Response {
    let notice = notice(q.done.as_deref());
    page_view(
        &state,
        &context,
        &actor,
        id,
        notice,
        FormProblem::default(),
        StepTyped::default(),
    )
    .await
}
