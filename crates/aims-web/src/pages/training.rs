//! The training register: people's training, attestations, qualifications and AI literacy
//! records, filtered by person (one's own with `person=me`), kind and standing, those
//! lapsing soon or lapsed flagged in words; and one record's page.

use aims_app::domain::account::Member;
use aims_app::domain::competence::{TrainingKind, TrainingRecord, TrainingStanding};
use aims_app::domain::id::TrainingRecordId;
use aims_app::{AppError, TrainingFilter};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, PageId, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// Rows one page of the register shows.
const PAGE: i64 = 100;

/// A record as the pages show it.
pub struct TrainingLine {
    pub id: String,
    pub person: String,
    pub person_name: String,
    pub kind: &'static str,
    pub title: String,
    pub completed_on: String,
    pub expires_on: String,
    pub standing: TrainingStanding,
    pub provider: String,
    pub notes: String,
    pub evidence: Option<String>,
    pub competences: Vec<String>,
    pub recorded_by: String,
}

fn name_of(members: &[Member], user: aims_app::domain::UserId) -> String {
    members
        .iter()
        .find(|m| m.user == user)
        .map_or_else(|| "a former member".to_owned(), |m| m.display_name.clone())
}

fn line(members: &[Member], r: TrainingRecord, now: aims_app::domain::Timestamp) -> TrainingLine {
    TrainingLine {
        id: r.id.to_string(),
        person: r.person.to_string(),
        person_name: name_of(members, r.person),
        kind: r.facts.kind().label(),
        standing: r.standing(now),
        title: r.facts.title,
        completed_on: r.facts.completed_on.map(|d| d.date()).unwrap_or_default(),
        expires_on: r.facts.expires_on.map(|d| d.date()).unwrap_or_default(),
        provider: r.facts.provider,
        notes: r.facts.notes,
        evidence: r.facts.evidence.map(|e| e.to_string()),
        competences: r.facts.competences,
        recorded_by: r.recorded_by,
    }
}

/// The register's filters as the address carries them.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrainingQuery {
    /// A member's id, `me`, or blank for everyone.
    pub person: String,
    pub kind: String,
    /// `current`, `expires_soon`, `expired` or blank.
    pub standing: String,
    pub offset: i64,
    pub done: Option<String>,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    lines: Vec<TrainingLine>,
    total: i64,
    offset: i64,
    next: Option<String>,
    filter: TrainingQuery,
    members: Vec<Member>,
    kinds: &'static [TrainingKind],
    /// Whose records are shown, when one person's.
    whose: Option<String>,
}

/// `GET /training`.
pub async fn training_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(mut filter): Query<TrainingQuery>,
) -> Response {
    let loaded = async {
        let person = match filter.person.trim() {
            "" => None,
            "me" => actor.user(),
            id => Some(id.parse().map_err(|_| {
                aims_app::domain::ValidationError::new("person", "must be a member")
            })?),
        };
        let kind = match filter.kind.trim() {
            "" => None,
            k => Some(k.parse()?),
        };
        let standing = match filter.standing.trim() {
            "" => None,
            s => Some(s.parse()?),
        };
        let query = TrainingFilter {
            person,
            kind,
            standing,
        };
        let offset = filter.offset.clamp(0, aims_app::MAX_OFFSET);
        let (records, total) = state
            .app
            .training_records(&actor, &query, PAGE, offset)
            .await?;
        let members = state.app.members(&actor).await?;
        Ok::<_, AppError>((person, records, total, members, offset))
    };
    let (person, records, total, members, offset) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let now = state.app.now();
    let notice = match filter.done.as_deref() {
        Some("deleted") => Some("The training record was deleted.".to_owned()),
        _ => None,
    };
    let next = (offset + PAGE < total).then(|| {
        format!(
            "/training?person={}&kind={}&standing={}&offset={}",
            super::encode(&filter.person),
            super::encode(&filter.kind),
            super::encode(&filter.standing),
            offset + PAGE
        )
    });
    filter.offset = offset;
    render(
        StatusCode::OK,
        &TrainingPage {
            chrome: Some(Chrome::new(&context, "roles")),
            notice,
            whose: person.map(|p| name_of(&members, p)),
            lines: records
                .into_iter()
                .map(|r| line(&members, r, now))
                .collect(),
            total,
            offset,
            next,
            filter,
            members,
            kinds: TrainingKind::ALL,
        },
    )
}

#[derive(Template)]
#[template(path = "training_record.html")]
struct TrainingRecordPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    r: TrainingLine,
    /// An editor, or the person it is about.
    can_change: bool,
}

/// `GET /training/{id}`.
pub async fn record_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<TrainingRecordId>,
    Query(filter): Query<TrainingQuery>,
) -> Response {
    let loaded = async {
        let record = state.app.training_record(&actor, id).await?;
        let members = state.app.members(&actor).await?;
        Ok::<_, AppError>((record, members))
    };
    let (record, members) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let can_change = state.app.authorize_training_work(&actor, id).await.is_ok();
    let notice = match filter.done.as_deref() {
        Some("created") => Some("The training was recorded.".to_owned()),
        Some("saved") => Some("Your changes were saved.".to_owned()),
        _ => None,
    };
    render(
        StatusCode::OK,
        &TrainingRecordPage {
            chrome: Some(Chrome::new(&context, "roles")),
            notice,
            r: line(&members, record, state.app.now()),
            can_change,
        },
    )
}
