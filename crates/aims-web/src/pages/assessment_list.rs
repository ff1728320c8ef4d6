//! `GET /impact-assessments`: every impact assessment of the organisation, with its system,
//! version, approval and review date, so that none has to be found through its system.

use aims_app::AssessmentListing;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

const PAGE: i64 = 50;

/// An assessment as a row of the list.
pub struct AssessmentRow {
    pub listing: AssessmentListing,
    /// Approved in its latest version and before its review date.
    pub current: bool,
    pub class: &'static str,
}

#[derive(Template)]
#[template(path = "assessments.html")]
struct AssessmentsPage {
    chrome: Option<super::Chrome>,
    notice: Option<String>,
    rows: Vec<AssessmentRow>,
    total: i64,
    offset: i64,
    previous: Option<i64>,
    next: Option<i64>,
}

/// Where in the list.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    offset: Option<i64>,
}

/// `GET /impact-assessments`.
pub async fn list(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<ListQuery>,
) -> Response {
    let offset = q.offset.unwrap_or(0).max(0);
    let (list, total) = match state.app.impact_assessment_list(&actor, PAGE, offset).await {
        Ok(page) => page,
        Err(err) => return app_error_page(err),
    };
    let now = state.app.now();
    let shown = list.len() as i64;
    let rows = list
        .into_iter()
        .map(|listing| AssessmentRow {
            current: listing.approved_version == Some(listing.version)
                && listing.next_review.is_none_or(|due| due > now),
            class: super::systems::class_label(listing.system_class.as_deref().unwrap_or("")),
            listing,
        })
        .collect();
    render(
        StatusCode::OK,
        &AssessmentsPage {
            chrome: Some(Chrome::new(&context, "assessments")),
            notice: None,
            rows,
            total,
            offset,
            previous: (offset > 0).then(|| (offset - PAGE).max(0)),
            next: (offset + shown < total).then_some(offset + PAGE),
        },
    )
}
