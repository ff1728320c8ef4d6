//! "Roles & competence": the roles of the management system with their holders, the share
//! of each role's holders with a current AI literacy measure (count and percent, readable
//! without colour), and the competences they lack; and one role's page.

use aims_app::CompetenceReport;
use aims_app::domain::competence::RoleCoverage;
use aims_app::domain::id::AimsRoleId;
use aims_app::domain::{Permission, UserId};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Chrome, Done, PageId, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// A person as a row shows them.
pub struct PersonLine {
    pub id: String,
    pub name: String,
    pub literate: bool,
    /// Required competences they lack a current record of.
    pub missing: Vec<String>,
}

/// A role as the pages show it.
pub struct RoleLine {
    pub id: String,
    pub name: String,
    pub responsibilities_html: String,
    pub competences: Vec<String>,
    pub references: Vec<String>,
    pub people: Vec<PersonLine>,
    pub former: Vec<String>,
    /// "2 of 3 (66%)", or "nobody holds it".
    pub share: String,
    /// Gaps as "competence: names".
    pub gaps: Vec<String>,
}

fn share(people: usize, literate: usize, percent: Option<u32>) -> String {
    match percent {
        Some(p) => format!("{literate} of {people} ({p}%)"),
        None => "nobody to count".to_owned(),
    }
}

fn line(report: &CompetenceReport, c: &RoleCoverage) -> RoleLine {
    let names = |list: &[UserId]| {
        list.iter()
            .map(|u| report.name_of(*u))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let count = c.literacy();
    RoleLine {
        id: c.role.id.to_string(),
        name: c.role.facts.name.clone(),
        responsibilities_html: crate::markdown::render(&c.role.facts.responsibilities),
        competences: c.role.facts.competences.clone(),
        references: c.role.facts.references.clone(),
        people: c
            .holders
            .iter()
            .map(|h| PersonLine {
                id: h.to_string(),
                name: report.name_of(*h),
                literate: c.literate.contains(h),
                missing: c
                    .gaps
                    .iter()
                    .filter(|g| g.missing.contains(h))
                    .map(|g| g.competence.clone())
                    .collect(),
            })
            .collect(),
        former: c
            .former_members
            .iter()
            .map(|u| report.name_of(*u))
            .collect(),
        share: share(count.people, count.literate, count.percent()),
        gaps: c
            .gaps
            .iter()
            .map(|g| format!("{}: {}", g.competence, names(&g.missing)))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    roles: Vec<RoleLine>,
    /// Across every member.
    members_share: String,
    not_literate: Vec<String>,
    can_edit: bool,
}

/// `GET /roles`.
pub async fn roles_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(done): Query<Done>,
) -> Response {
    let report = match state.app.competence_report(&actor).await {
        Ok(report) => report,
        Err(err) => return app_error_page(err),
    };
    let notice = match done.done.as_deref() {
        Some("deleted") => Some("The role was deleted.".to_owned()),
        _ => None,
    };
    let m = report.members;
    render(
        StatusCode::OK,
        &RolesPage {
            chrome: Some(Chrome::new(&context, "roles")),
            notice,
            roles: report.roles.iter().map(|c| line(&report, c)).collect(),
            members_share: share(m.people, m.literate, m.percent()),
            not_literate: report
                .members_not_literate
                .iter()
                .map(|u| report.name_of(*u))
                .collect(),
            can_edit: actor.role.grants(Permission::EditContent),
        },
    )
}

#[derive(Template)]
#[template(path = "role.html")]
struct RolePage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    role: RoleLine,
    can_edit: bool,
}

/// `GET /roles/{id}`.
pub async fn role_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<AimsRoleId>,
    Query(done): Query<Done>,
) -> Response {
    // Read first: an unknown role (or another organisation's) answers 404.
    if let Err(err) = state.app.aims_role(&actor, id).await {
        return app_error_page(err);
    }
    let report = match state.app.competence_report(&actor).await {
        Ok(report) => report,
        Err(err) => return app_error_page(err),
    };
    let Some(coverage) = report.roles.iter().find(|c| c.role.id == id) else {
        return app_error_page(aims_app::AppError::NotFound("role"));
    };
    let notice = match done.done.as_deref() {
        Some("created") => Some("The role was created; its holders were told.".to_owned()),
        Some("saved") => Some("Your changes were saved.".to_owned()),
        _ => None,
    };
    render(
        StatusCode::OK,
        &RolePage {
            chrome: Some(Chrome::new(&context, "roles")),
            notice,
            role: line(&report, coverage),
            can_edit: actor.role.grants(Permission::EditContent),
        },
    )
}
