//! The audit trail page: every change, newest first, each naming who acted and the record it
//! is about (linked where the record has a page), the change read as before → after, with
//! filters, paging both ways and the filtered trail as CSV or XLSX.

use std::collections::HashMap;

use aims_app::domain::Actor;
use aims_app::domain::account::Member;
use aims_app::domain::audit::{AuditAction, AuditEvent, ChangeLine, change_lines, field_words};
use aims_app::{AppError, ChainReport, Register};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::table_view::{ExportFormat, answer};
use super::{Chrome, app_error_page, encode, form_error, render};
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

/// An event as the page shows it.
pub struct EventView {
    pub event: AuditEvent,
    pub action: String,
    pub actor_kind: &'static str,
    /// The actor's events, for a person or a token.
    pub actor_href: Option<String>,
    pub object_kind: String,
    pub object_label: String,
    pub object_href: Option<String>,
    pub lines: Vec<ChangeLine>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    chain: Option<ChainReport>,
    filter: Filter,
    events: Vec<EventView>,
    object_types: Vec<(&'static str, String)>,
    members: Vec<Member>,
    /// Whether the actor filtered on is a current member (else a token or a former member).
    actor_is_member: bool,
    newest_link: Option<String>,
    newer_link: Option<String>,
    older_link: Option<String>,
    csv_href: String,
    xlsx_href: String,
}

/// The kinds of record the trail names, each once, with its name in words.
fn object_types() -> Vec<(&'static str, String)> {
    let mut kinds: Vec<&'static str> = AuditAction::ALL.iter().map(|a| a.object_type()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds.into_iter().map(|k| (k, kind_words(k))).collect()
}

/// A kind of record in words, as the rest of aims names it.
fn kind_words(kind: &str) -> String {
    match kind {
        "ai_system" => "AI system".to_owned(),
        "soa" => "Statement of Applicability".to_owned(),
        "redteam_run" => "Red-team run".to_owned(),
        "token" => "API token".to_owned(),
        "job" => "Background job".to_owned(),
        other => field_words(other),
    }
}

/// Where a record has a page, by its kind and id.
fn object_href(kind: &str, id: &str) -> Option<String> {
    let path = match kind {
        "ai_system" => format!("/systems/{id}"),
        "risk" => format!("/risks/{id}"),
        "impact_assessment" => format!("/impact-assessments/{id}"),
        "evidence" => format!("/evidence?focus={id}"),
        "redteam_run" => format!("/redteam-runs/{id}"),
        "token" => "/tokens".to_owned(),
        "member" | "invitation" => "/members".to_owned(),
        "organisation" => "/settings".to_owned(),
        "soa" => "/soa".to_owned(),
        "framework" => format!("/frameworks/{}", encode(id)),
        "control" if id.starts_with("A.") => {
            format!("/frameworks/iso-iec-42001/items/{}", encode(id))
        }
        "control" => format!("/soa#control-{}", encode(id)),
        "requirement" => {
            let (framework, item) = id.split_once(':')?;
            format!("/frameworks/{}/items/{}", encode(framework), encode(item))
        }
        _ => return None,
    };
    Some(path)
}

/// A name the change itself records, for records that are gone.
fn named_in_change(change: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(change).ok()?;
    ["name", "title", "email"]
        .iter()
        .find_map(|k| value.get(k).and_then(|v| v.as_str()).map(str::to_owned))
}

/// The names of the records the events are about, read once per kind for the whole page.
async fn record_names(
    state: &WebState,
    actor: &Actor,
    events: &[AuditEvent],
    members: &[Member],
) -> Result<HashMap<(String, String), String>, AppError> {
    let mut names = HashMap::new();
    for (kind, register) in [
        ("ai_system", Register::Systems),
        ("risk", Register::Risks),
        ("evidence", Register::Evidence),
        ("impact_assessment", Register::ImpactAssessments),
        ("component", Register::Components),
        ("redteam_run", Register::RedTeamRuns),
        ("token", Register::ApiTokens),
    ] {
        let ids: Vec<String> = events
            .iter()
            .filter(|e| e.object_type == kind)
            .map(|e| e.object_id.clone())
            .collect();
        if ids.is_empty() {
            continue;
        }
        for (id, name) in state.app.names_of(actor, register, &ids).await? {
            names.insert((kind.to_owned(), id), name);
        }
    }
    for m in members {
        names.insert(
            ("member".to_owned(), m.user.to_string()),
            m.display_name.clone(),
        );
    }
    Ok(names)
}

fn view(event: AuditEvent, names: &HashMap<(String, String), String>, org_name: &str) -> EventView {
    let kind = event.object_type.clone();
    let object_label = names
        .get(&(kind.clone(), event.object_id.clone()))
        .cloned()
        .or_else(|| (kind == "organisation").then(|| org_name.to_owned()))
        .or_else(|| named_in_change(&event.change))
        .unwrap_or_else(|| match kind.as_str() {
            "control" | "framework" | "requirement" | "soa" => event.object_id.clone(),
            "session" => "a sign-in session".to_owned(),
            "account" => event.actor.label.clone(),
            "job" => "a background job".to_owned(),
            _ => "a record no longer held".to_owned(),
        });
    let (actor_kind, actor_href) = match event.actor.kind.as_str() {
        "user" if !event.actor.id.is_empty() => (
            "person",
            Some(format!("/audit?actor_id={}", encode(&event.actor.id))),
        ),
        "token" if !event.actor.id.is_empty() => (
            "API token",
            Some(format!("/audit?actor_id={}", encode(&event.actor.id))),
        ),
        _ => ("aims itself", None),
    };
    EventView {
        action: event
            .action
            .parse::<AuditAction>()
            .map_or_else(|_| event.action.clone(), |a| a.label().to_owned()),
        actor_kind,
        actor_href,
        object_kind: kind_words(&kind),
        object_href: object_href(&kind, &event.object_id),
        object_label,
        lines: change_lines(&event.change),
        event,
    }
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
    let (status, error, page) = match page {
        Ok(page) => (StatusCode::OK, None, Some(page)),
        Err(err) => match form_error(err) {
            Ok((status, message)) => (status, Some(message), None),
            Err(other) => return app_error_page(other),
        },
    };
    let (events, next_cursor, previous_cursor) = page.map_or((Vec::new(), None, None), |p| {
        (p.events, p.next_cursor, p.previous_cursor)
    });
    let loaded = async {
        // Verifying walks the whole chain: only on the first page, where people look.
        let chain = match params.cursor.is_none() {
            true => Some(state.app.verify_my_chain(&actor).await?),
            false => None,
        };
        let members = state.app.members(&actor).await?;
        let names = record_names(&state, &actor, &events, &members).await?;
        let org = state.app.organisation(&actor).await?;
        Ok::<_, AppError>((chain, members, names, org.name))
    };
    let (chain, members, names, org_name) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let link = |cursor: Option<String>| {
        #[derive(Serialize)]
        struct Paged<'a> {
            #[serde(flatten)]
            filter: &'a Filter,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<String>,
        }
        let query = serde_urlencoded::to_string(Paged {
            filter: &filter,
            cursor,
        })
        .unwrap_or_default();
        format!("/audit?{query}")
    };
    let exported = |format: &str| {
        let query = serde_urlencoded::to_string(&filter).unwrap_or_default();
        format!("/audit/export.{format}?{query}")
    };
    render(
        status,
        &AuditPage {
            chrome: Some(Chrome::new(&context, "audit")),
            notice: None,
            error,
            chain,
            newest_link: params.cursor.is_some().then(|| link(None)),
            newer_link: previous_cursor.map(|c| link(Some(c))),
            older_link: next_cursor.map(|c| link(Some(c))),
            csv_href: exported("csv"),
            xlsx_href: exported("xlsx"),
            events: events
                .into_iter()
                .map(|e| view(e, &names, &org_name))
                .collect(),
            object_types: object_types(),
            actor_is_member: members
                .iter()
                .any(|m| m.user.to_string() == filter.actor_id),
            members,
            filter,
        },
    )
}

/// `GET /audit/export.csv` and `.xlsx`: the filtered trail, newest first.
pub async fn export(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<ReadAudit>,
    Query(params): Query<AuditParams>,
    format: ExportFormat,
) -> Response {
    let table = match params.to_query() {
        Ok(query) => state.app.audit_table(&actor, &query).await,
        Err(err) => Err(err),
    };
    answer(table, format, state.app.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_with_pages_are_linked_and_others_are_not() {
        assert_eq!(object_href("risk", "x").as_deref(), Some("/risks/x"));
        assert_eq!(
            object_href("requirement", "eu-ai-act:art-9").as_deref(),
            Some("/frameworks/eu-ai-act/items/art-9")
        );
        assert_eq!(
            object_href("control", "A.6.2.4").as_deref(),
            Some("/frameworks/iso-iec-42001/items/A.6.2.4")
        );
        assert_eq!(object_href("session", "x"), None);
        assert_eq!(object_href("requirement", "no-colon"), None);
    }

    #[test]
    fn every_kind_of_record_is_offered_once_in_words() {
        let kinds = object_types();
        assert!(
            kinds
                .iter()
                .any(|(k, w)| *k == "ai_system" && w == "AI system")
        );
        assert!(
            kinds
                .iter()
                .any(|(k, w)| *k == "impact_assessment" && w == "Impact assessment")
        );
        let mut keys: Vec<_> = kinds.iter().map(|(k, _)| *k).collect();
        keys.dedup();
        assert_eq!(keys.len(), kinds.len());
    }
}
