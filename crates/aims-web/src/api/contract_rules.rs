//! The rules of particular fields and query parameters, written into the OpenAPI document
//! from the domain's own lists and limits, so that the document and the service never
//! disagree on what a value may be. Rules JSON Schema cannot state (a residual rating not
//! above the inherent one, an owner who is a member, a document that must parse) stay the
//! service's: it answers 422 naming the field.

use aims_app::domain::Role;
use aims_app::domain::competence::TrainingKind;
use aims_app::domain::context::{AiRole as ContextRole, IssueCategory, IssueOrigin, PartyKind};
use aims_app::domain::document::templates::STARTER_TEMPLATES;
use aims_app::domain::document::{DocumentKind, DocumentStatus};
use aims_app::domain::evidence::TargetKind;
use aims_app::domain::improvement::{
    CauseCategory, Grade, NonconformitySource, NonconformityStatus,
};
use aims_app::domain::inventory::{
    AiRole, Autonomy, ComponentKind, DecisionsAboutPeople, LifecycleStage, SystemStatus,
};
use aims_app::domain::measurement::{Cadence, Direction, MetricSource, ObjectiveStatus};
use aims_app::domain::risk::{RiskStatus, TreatmentOption};
use aims_app::domain::soa::{Decision, ImplementationStatus};
use aims_app::domain::work::TaskStatus;
use serde_json::{Value, json};

/// A single line of text of `min` to `max` characters once trimmed, no control character.
fn line(min: usize, max: usize) -> Value {
    let mut rule = json!({
        "type": "string",
        "maxLength": max,
        "pattern": if min == 0 {
            "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        } else {
            "^[\\t\\n\\r ]*[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*[\\t\\n\\r ]*$"
        },
    });
    if min > 0 {
        rule["minLength"] = json!(min);
    }
    rule
}

/// A text of an address (query), `min` to `max` characters, no control character at all.
fn address_line(min: usize, max: usize) -> Value {
    json!({
        "type": "string",
        "minLength": min,
        "maxLength": max,
        "pattern": if min == 0 {
            "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        } else {
            "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
    })
}

/// Prose of at most `max` characters: line breaks and tabs, no other control character.
fn prose(max: usize) -> Value {
    json!({
        "type": "string",
        "maxLength": max,
        "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$",
    })
}

/// One of `names`; with `blank`, an empty value (no filter) too.
fn one_of<'a>(names: impl IntoIterator<Item = &'a str>, blank: bool) -> Value {
    let mut names: Vec<&str> = names.into_iter().collect();
    if blank {
        names.push("");
    }
    json!({"type": "string", "enum": names})
}

fn nullable(mut rule: Value) -> Value {
    if let Some(kind) = rule.get("type").cloned() {
        rule["type"] = json!([kind, "null"]);
    }
    if let Some(names) = rule.get_mut("enum").and_then(Value::as_array_mut) {
        names.push(Value::Null);
    }
    rule
}

fn int(min: i64, max: i64) -> Value {
    json!({"type": "integer", "minimum": min, "maximum": max})
}

fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

/// A value of `format`, or an empty string (which the service reads as none).
fn or_blank(format: &str) -> Value {
    json!({"type": "string", "anyOf": [{"format": format}, {"maxLength": 0}]})
}

/// A set of choices: a repeated one counts once, so the list's length needs no bound of
/// its own beyond the request's size.
fn set_of(item: Value) -> Value {
    json!({"type": "array", "items": item})
}

fn list_of(item: Value, max: usize) -> Value {
    json!({"type": "array", "items": item, "maxItems": max})
}

fn sort(keys: &[&str]) -> Value {
    let names: Vec<String> = keys
        .iter()
        .flat_map(|k| [k.to_string(), format!("-{k}")])
        .chain([String::new()])
        .collect();
    json!({"type": "string", "enum": names})
}

const EMAIL: &str = "^\\s*[^@\\s\\u0000-\\u001f\\u007f-\\u009f]{1,64}@([^@\\s.\\u0000-\\u001f\\u007f-\\u009f]{1,63}\\.)+[^@\\s.\\u0000-\\u001f\\u007f-\\u009f]{1,63}\\s*$";

fn roles() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

/// Rules of properties of the schemas in `components/schemas`: (schema, property, rule).
pub fn properties() -> Vec<(&'static str, &'static str, Value)> {
    let names = |all: &[&'static str]| all.to_vec();
    let stages: Vec<&str> = LifecycleStage::ALL.iter().map(|c| c.as_str()).collect();
    vec![
        ("RenameOrgForm", "name", line(1, 120)),
        ("RoleForm", "role", one_of(roles(), false)),
        ("InvitationForm", "role", one_of(roles(), false)),
        (
            "InvitationForm",
            "email",
            json!({"type": "string", "maxLength": 254, "pattern": EMAIL}),
        ),
        ("TokenForm", "name", line(1, 80)),
        ("TokenForm", "role", nullable(one_of(roles(), true))),
        ("TokenForm", "expires_in_days", nullable(int(1, 3650))),
        (
            "PasswordForm",
            "new_password",
            json!({"type": "string", "minLength": 12, "maxLength": 256}),
        ),
        ("OwnControlForm", "title", line(1, 200)),
        ("OwnControlForm", "description", prose(10_000)),
        (
            "ImplementationForm",
            "decision",
            one_of(Decision::ALL.iter().map(|c| c.as_str()), false),
        ),
        (
            "ImplementationForm",
            "status",
            one_of(ImplementationStatus::ALL.iter().map(|c| c.as_str()), false),
        ),
        ("ImplementationForm", "justification", prose(10_000)),
        ("ImplementationForm", "notes", prose(10_000)),
        ("ImplementationForm", "owner", nullable(or_blank("uuid"))),
        (
            "ComponentForm",
            "kind",
            nullable(one_of(ComponentKind::ALL.iter().map(|c| c.as_str()), false)),
        ),
        ("ComponentForm", "name", line(1, 200)),
        ("SystemForm", "name", line(1, 200)),
        ("SystemForm", "purpose", line(1, 1_000)),
        ("SystemForm", "owner", nullable(or_blank("uuid"))),
        (
            "SystemForm",
            "lifecycle_stage",
            nullable(one_of(stages.clone(), false)),
        ),
        (
            "SystemForm",
            "status",
            nullable(one_of(SystemStatus::ALL.iter().map(|c| c.as_str()), false)),
        ),
        (
            "SystemForm",
            "autonomy",
            nullable(one_of(Autonomy::ALL.iter().map(|c| c.as_str()), false)),
        ),
        (
            "SystemForm",
            "decisions_about_people",
            nullable(one_of(
                DecisionsAboutPeople::ALL.iter().map(|c| c.as_str()),
                false,
            )),
        ),
        (
            "SystemForm",
            "roles",
            list_of(
                one_of(AiRole::ALL.iter().map(|c| c.as_str()), false),
                AiRole::ALL.len(),
            ),
        ),
        ("SystemForm", "tags", list_of(line(1, 40), 20)),
        ("RiskForm", "title", line(1, 200)),
        (
            "RiskForm",
            "treatment",
            nullable(one_of(
                TreatmentOption::ALL.iter().map(|c| c.as_str()),
                false,
            )),
        ),
        (
            "RiskForm",
            "status",
            nullable(one_of(RiskStatus::ALL.iter().map(|c| c.as_str()), false)),
        ),
        (
            "RiskForm",
            "lifecycle_stage",
            nullable(one_of(stages, false)),
        ),
        ("RiskForm", "owner", nullable(or_blank("uuid"))),
        ("RiskForm", "systems", list_of(uuid(), 50)),
        ("RiskForm", "inherent_likelihood", int(1, 7)),
        ("RiskForm", "inherent_impact", int(1, 7)),
        ("RiskForm", "residual_likelihood", nullable(int(1, 7))),
        ("RiskForm", "residual_impact", nullable(int(1, 7))),
        (
            "RiskForm",
            "review_due",
            nullable(json!({"type": "string", "format": "date-time"})),
        ),
        ("AcceptForm", "note", line(1, 2_000)),
        ("ApproveForm", "version", int(1, i64::MAX)),
        ("SaveForm", "version", int(1, i64::MAX)),
        ("RequirementTextForm", "text", prose(20_000)),
        (
            "FrameworkImportForm",
            "format",
            nullable(one_of(
                names(&["oscal-catalog", "oscal-mapping-collection", "yaml", "csv"]),
                true,
            )),
        ),
        // Roles and training records (competence).
        ("AimsRoleForm", "name", line(1, 120)),
        ("AimsRoleForm", "responsibilities", prose(20_000)),
        ("AimsRoleForm", "competences", list_of(line(0, 100), 30)),
        ("AimsRoleForm", "holders", list_of(uuid(), 200)),
        ("AimsRoleForm", "references", list_of(line(0, 200), 50)),
        ("TrainingForm", "person", nullable(or_blank("uuid"))),
        (
            "TrainingForm",
            "kind",
            nullable(one_of(TrainingKind::ALL.iter().map(|c| c.as_str()), true)),
        ),
        ("TrainingForm", "title", line(1, 200)),
        (
            "TrainingForm",
            "completed_on",
            json!({"type": "string", "format": "date-time"}),
        ),
        (
            "TrainingForm",
            "expires_on",
            nullable(json!({"type": "string", "format": "date-time"})),
        ),
        ("TrainingForm", "provider", line(0, 200)),
        ("TrainingForm", "notes", prose(10_000)),
        ("TrainingForm", "evidence", nullable(or_blank("uuid"))),
        ("TrainingForm", "competences", list_of(line(0, 100), 30)),
        // Tasks.
        ("TaskForm", "title", line(1, 200)),
        ("TaskForm", "description", prose(10_000)),
        ("TaskForm", "assignee", nullable(or_blank("uuid"))),
        ("TaskForm", "due", nullable(instant())),
        (
            "TaskForm",
            "status",
            nullable(choices(TaskStatus::ALL, true)),
        ),
        ("CommentForm", "body", line(1, 10_000)),
        // Documents.
        ("DocumentForm", "kind", choices(DocumentKind::ALL, false)),
        ("DocumentForm", "title", line(1, 200)),
        (
            "DocumentForm",
            "body",
            prose(aims_app::domain::document::MAX_BODY_CHARS),
        ),
        ("DocumentForm", "owner", nullable(or_blank("uuid"))),
        ("DocumentForm", "review_months", nullable(int(1, 36))),
        (
            "DocumentForm",
            "acknowledge_roles",
            set_of(one_of(roles(), false)),
        ),
        ("RetireForm", "reason", line(1, 2_000)),
        (
            "FromTemplateForm",
            "template",
            one_of(STARTER_TEMPLATES.iter().map(|t| t.key), false),
        ),
        ("FromTemplateForm", "owner", nullable(or_blank("uuid"))),
        (
            "ApproversView",
            "roles",
            json!({
                "type": "array",
                "items": one_of(["owner", "admin", "editor"], false),
                "minItems": 1,
            }),
        ),
        // Objectives, metrics and measurements.
        ("ObjectiveForm", "statement", line(1, 300)),
        ("ObjectiveForm", "commitment", prose(4_000)),
        ("ObjectiveForm", "measure", prose(4_000)),
        ("ObjectiveForm", "target", prose(1_000)),
        ("ObjectiveForm", "resources", prose(4_000)),
        ("ObjectiveForm", "evaluation", prose(4_000)),
        ("ObjectiveForm", "deadline", nullable(instant())),
        ("ObjectiveForm", "metric", nullable(or_blank("uuid"))),
        ("ObjectiveForm", "owner", nullable(or_blank("uuid"))),
        ("ObjectiveForm", "policy", nullable(or_blank("uuid"))),
        (
            "ObjectiveForm",
            "status",
            nullable(choices(ObjectiveStatus::ALL, true)),
        ),
        ("MetricForm", "name", line(1, 200)),
        ("MetricForm", "description", prose(10_000)),
        ("MetricForm", "unit", line(0, 40)),
        (
            "MetricForm",
            "cadence",
            nullable(choices(Cadence::ALL, true)),
        ),
        (
            "MetricForm",
            "direction",
            nullable(choices(Direction::ALL, true)),
        ),
        (
            "MetricForm",
            "source",
            nullable(choices(MetricSource::ALL, true)),
        ),
        ("MetricForm", "owner", nullable(or_blank("uuid"))),
        ("MetricForm", "system", nullable(or_blank("uuid"))),
        ("MeasurementForm", "at", nullable(instant())),
        ("MeasurementForm", "note", prose(2_000)),
        // Nonconformities and their corrective actions.
        ("NonconformityForm", "title", line(1, 200)),
        ("NonconformityForm", "description", prose(10_000)),
        ("NonconformityForm", "location", prose(300)),
        ("NonconformityForm", "source_ref", prose(200)),
        ("NonconformityForm", "containment", prose(10_000)),
        ("NonconformityForm", "correction", prose(10_000)),
        ("NonconformityForm", "root_cause", prose(10_000)),
        ("NonconformityForm", "system", nullable(or_blank("uuid"))),
        ("NonconformityForm", "owner", nullable(or_blank("uuid"))),
        ("NonconformityForm", "detected_on", nullable(instant())),
        (
            "NonconformityForm",
            "source",
            nullable(choices(NonconformitySource::ALL, true)),
        ),
        (
            "NonconformityForm",
            "grade",
            nullable(choices(Grade::ALL, true)),
        ),
        (
            "NonconformityForm",
            "cause_category",
            nullable(choices(CauseCategory::ALL, true)),
        ),
        ("ActionForm", "title", line(1, 200)),
        ("ActionForm", "description", prose(10_000)),
        ("ActionForm", "assignee", nullable(or_blank("uuid"))),
        ("ActionForm", "due", nullable(instant())),
        ("VerificationForm", "note", line(1, 10_000)),
        ("VerificationForm", "evidence", list_of(uuid(), 20)),
        ("WithdrawalForm", "reason", line(1, 2_000)),
        // Context and scope.
        ("ContextForm", "scope_statement", prose(20_000)),
        ("ContextForm", "boundaries", prose(20_000)),
        ("ContextForm", "climate_statement", prose(20_000)),
        ("ContextForm", "ai_roles_note", prose(20_000)),
        (
            "ContextForm",
            "ai_roles",
            set_of(choices(ContextRole::ALL, false)),
        ),
        ("ContextForm", "sites", rows("SiteBody")),
        ("ContextForm", "exclusions", rows("ExclusionBody")),
        ("ContextForm", "issues", rows("IssueBody")),
        ("ContextForm", "parties", rows("PartyBody")),
        ("SiteBody", "name", line(1, 200)),
        ("SiteBody", "reason", prose(2_000)),
        ("ExclusionBody", "what", line(1, 2_000)),
        ("ExclusionBody", "reason", line(1, 2_000)),
        ("IssueBody", "origin", choices(IssueOrigin::ALL, false)),
        ("IssueBody", "category", choices(IssueCategory::ALL, false)),
        ("IssueBody", "description", line(1, 2_000)),
        ("IssueBody", "effect", line(1, 2_000)),
        ("PartyBody", "name", line(1, 200)),
        ("PartyBody", "kind", choices(PartyKind::ALL, false)),
        ("PartyBody", "requirements", line(1, 2_000)),
        ("PartyBody", "how", line(1, 2_000)),
    ]
}

/// An instant in RFC 3339.
fn instant() -> Value {
    json!({"type": "string", "format": "date-time"})
}

/// One of a closed list of the domain's choices; with `blank`, an empty value too.
fn choices<T: std::fmt::Display>(all: &[T], blank: bool) -> Value {
    let names: Vec<String> = all.iter().map(ToString::to_string).collect();
    one_of(names.iter().map(String::as_str), blank)
}

/// The rows of a table of the context, each a `schema`.
fn rows(schema: &str) -> Value {
    list_of(
        json!({"$ref": format!("#/components/schemas/{schema}")}),
        aims_app::domain::context::MAX_ROWS,
    )
}

/// Rules of query parameters: (operation path, parameter, rule).
pub fn query_parameters() -> Vec<(&'static str, &'static str, Value)> {
    let blank = |all: Vec<&'static str>| one_of(all, true);
    let page = int(1, 200);
    let offset = int(0, aims_app::MAX_OFFSET);
    vec![
        ("/api/v1/systems", "limit", page.clone()),
        ("/api/v1/systems", "offset", offset.clone()),
        (
            "/api/v1/systems",
            "sort",
            sort(&["name", "updated", "lifecycle_stage", "class"]),
        ),
        (
            "/api/v1/systems",
            "class",
            blank(vec![
                "prohibited",
                "high_risk",
                "transparency",
                "minimal",
                "unclassified",
            ]),
        ),
        (
            "/api/v1/systems",
            "lifecycle_stage",
            blank(LifecycleStage::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        (
            "/api/v1/systems",
            "status",
            blank(SystemStatus::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        (
            "/api/v1/systems",
            "role",
            blank(AiRole::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        ("/api/v1/systems", "owner", or_blank("uuid")),
        ("/api/v1/systems", "q", address_line(0, 200)),
        ("/api/v1/risks", "limit", page.clone()),
        ("/api/v1/risks", "offset", offset),
        (
            "/api/v1/risks",
            "sort",
            sort(&["number", "level", "updated", "review_due"]),
        ),
        (
            "/api/v1/risks",
            "status",
            blank(RiskStatus::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        (
            "/api/v1/risks",
            "treatment",
            blank(TreatmentOption::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        ("/api/v1/risks", "system", or_blank("uuid")),
        ("/api/v1/risks", "q", address_line(0, 200)),
        ("/api/v1/risks/heat-map", "system", or_blank("uuid")),
        ("/api/v1/audit-events", "limit", page),
        ("/api/v1/audit-events", "from", or_blank("date-time")),
        ("/api/v1/audit-events", "to", or_blank("date-time")),
        ("/api/v1/frameworks/search", "q", address_line(2, 200)),
        (
            "/api/v1/evidence",
            "kind",
            one_of(TargetKind::ALL.iter().map(|c| c.as_str()), false),
        ),
        ("/api/v1/evidence", "id", address_line(1, 200)),
        (
            "/api/v1/frameworks/search",
            "limit",
            int(1, aims_app::MAX_SEARCH_HITS as i64),
        ),
        (
            "/api/v1/frameworks/{framework}/items/{item}",
            "hops",
            int(1, aims_app::MAX_HOPS as i64),
        ),
        ("/api/v1/training-records", "person", or_blank("uuid")),
        (
            "/api/v1/training-records",
            "kind",
            one_of(TrainingKind::ALL.iter().map(|c| c.as_str()), true),
        ),
        (
            "/api/v1/training-records",
            "standing",
            one_of(["current", "expires_soon", "expired"], true),
        ),
        ("/api/v1/training-records", "limit", int(1, 200)),
        (
            "/api/v1/documents",
            "kind",
            choices(DocumentKind::ALL, true),
        ),
        (
            "/api/v1/documents",
            "status",
            choices(DocumentStatus::ALL, true),
        ),
        ("/api/v1/documents", "owner", or_blank("uuid")),
        ("/api/v1/documents", "limit", int(1, 200)),
        ("/api/v1/documents", "offset", int(0, aims_app::MAX_OFFSET)),
        ("/api/v1/tasks", "assignee", or_blank("uuid")),
        ("/api/v1/tasks", "status", choices(TaskStatus::ALL, true)),
        ("/api/v1/tasks", "limit", int(1, 200)),
        ("/api/v1/tasks", "offset", int(0, aims_app::MAX_OFFSET)),
        (
            "/api/v1/nonconformities",
            "status",
            choices(NonconformityStatus::ALL, true),
        ),
        ("/api/v1/nonconformities", "owner", or_blank("uuid")),
        ("/api/v1/nonconformities", "limit", int(1, 200)),
        (
            "/api/v1/nonconformities",
            "offset",
            int(0, aims_app::MAX_OFFSET),
        ),
        ("/api/v1/metrics/{id}/measurements", "limit", int(1, 200)),
        (
            "/api/v1/metrics/{id}/measurements",
            "offset",
            int(0, aims_app::MAX_OFFSET),
        ),
        ("/api/v1/metrics/{id}/trend", "since", or_blank("date-time")),
        (
            "/api/v1/training-records",
            "offset",
            int(0, aims_app::MAX_OFFSET),
        ),
    ]
}
