//! The audit trail page.

use aims_app::ChainReport;
use aims_app::domain::audit::AuditEvent;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::{Chrome, app_error_page, form_error, render};
use crate::allowed::{PageAllowed, ReadAudit};
use crate::queries::AuditParams;
use crate::state::WebState;

/// The filter as typed, to show back in the form.
#[derive(Default, Serialize)]
struct Filter {
    object_type: String,
    object_id: String,
    actor_id: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    chain: Option<ChainReport>,
    filter: Filter,
    events: Vec<AuditEvent>,
    next_link: Option<String>,
}

/// `GET /audit`: filterable by object, actor and time; newest first, a page at a time.
pub async fn audit_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ReadAudit>,
    Query(params): Query<AuditParams>,
) -> Response {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let filter = Filter {
        object_type: text(&params.object_type),
        object_id: text(&params.object_id),
        actor_id: text(&params.actor_id),
        from: text(&params.from),
        to: text(&params.to),
    };
    let page = match params.to_query() {
        Ok(query) => {
            state
                .app
                .audit_events(&actor, query, params.cursor.as_deref())
                .await
        }
        Err(err) => Err(err),
    };
    let (status, error, events, next_cursor) = match page {
        Ok(page) => (StatusCode::OK, None, page.events, page.next_cursor),
        Err(err) => match form_error(err) {
            Ok((status, message)) => (status, Some(message), Vec::new(), None),
            Err(other) => return app_error_page(other),
        },
    };
    // Verifying walks the whole chain: only on the first page, where people look.
    let chain = if params.cursor.is_none() {
        match state.app.verify_my_chain(&actor).await {
            Ok(report) => Some(report),
            Err(err) => return app_error_page(err),
        }
    } else {
        None
    };
    let next_link = next_cursor.map(|cursor| {
        #[derive(Serialize)]
        struct Next<'a> {
            #[serde(flatten)]
            filter: &'a Filter,
            cursor: String,
        }
        let query = serde_urlencoded::to_string(Next {
            filter: &filter,
            cursor,
        })
        .unwrap_or_default();
        format!("/audit?{query}")
    });
    render(
        status,
        &AuditPage {
            chrome: Some(Chrome::new(&context, "audit")),
            notice: None,
            error,
            chain,
            filter,
            events,
            next_link,
        },
    )
}
