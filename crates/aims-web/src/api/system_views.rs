//! What the inventory API answers and accepts.

use aims_app::domain::ValidationError;
use aims_app::domain::inventory::{
    AiSystem, Component, ComponentFacts, ComponentKind, SystemFacts,
};
use aims_app::{ClassificationRecord, SystemFilter, SystemOverview, SystemPage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An AI system as the organisation describes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemForm {
    pub name: String,
    pub purpose: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub intended_use: String,
    #[serde(default)]
    pub foreseeable_misuse: String,
    /// The people who operate or use it.
    #[serde(default)]
    pub users: String,
    /// The people its output affects.
    #[serde(default)]
    pub affected_persons: String,
    #[serde(default)]
    pub deployment_context: String,
    /// Countries or regions, e.g. `eu`, `uk`.
    #[serde(default)]
    pub geography: Vec<String>,
    /// `inception` (default), `design_development`, `verification_validation`, `deployment`,
    /// `operation_monitoring` or `retirement`.
    pub lifecycle_stage: Option<String>,
    /// Any of `provider`, `developer`, `deployer`, `importer`, `distributor`, `user`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The user id of the member accountable for the system.
    pub owner: Option<String>,
    /// `human_in_the_loop` (default), `human_on_the_loop` or `autonomous`.
    pub autonomy: Option<String>,
    #[serde(default)]
    pub human_oversight: String,
    /// `no` (default), `supports` or `makes`.
    pub decisions_about_people: Option<String>,
    /// `proposed` (default), `active`, `suspended` or `retired`.
    pub status: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Why the system is outside the AI management system's scope; empty (default) when it
    /// is inside.
    #[serde(default)]
    pub out_of_scope: String,
    /// For a change: the revision the change starts from.
    pub revision: Option<i64>,
}

impl SystemForm {
    /// The facts the form states, each choice checked and named when wrong.
    pub fn facts(self) -> Result<SystemFacts, ValidationError> {
        let choice = |value: Option<String>, default: &str| value.unwrap_or_else(|| default.into());
        Ok(SystemFacts {
            name: self.name,
            purpose: self.purpose,
            description: self.description,
            intended_use: self.intended_use,
            foreseeable_misuse: self.foreseeable_misuse,
            users: self.users,
            affected_persons: self.affected_persons,
            deployment_context: self.deployment_context,
            geography: self.geography,
            lifecycle_stage: choice(self.lifecycle_stage, "inception").parse()?,
            roles: self
                .roles
                .iter()
                .map(|r| r.parse())
                .collect::<Result<_, _>>()?,
            owner: match self.owner.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(o) => Some(
                    o.parse()
                        .map_err(|_| ValidationError::new("owner", "must be a member's user id"))?,
                ),
            },
            autonomy: choice(self.autonomy, "human_in_the_loop").parse()?,
            human_oversight: self.human_oversight,
            decisions_about_people: choice(self.decisions_about_people, "no").parse()?,
            status: choice(self.status, "proposed").parse()?,
            tags: self.tags,
            out_of_scope: self.out_of_scope,
        })
    }
}

/// The inventory's filters, sorting and page.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct SystemParams {
    /// Words that must all appear in the name, purpose, description or tags.
    pub q: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub status: Option<String>,
    pub role: Option<String>,
    pub tag: Option<String>,
    /// `prohibited`, `high_risk`, `transparency`, `minimal` or `unclassified`.
    pub class: Option<String>,
    pub needs_review: Option<bool>,
    /// `true`: only high-risk systems without an approved, current impact assessment;
    /// `false`: only the others.
    pub missing_assessment: Option<bool>,
    /// A member's user id.
    pub owner: Option<String>,
    /// `true`: only systems inside the management system's scope; `false`: only those
    /// outside it.
    pub in_scope: Option<bool>,
    /// `name` (default), `updated`, `lifecycle_stage` or `class`; `-` first sorts descending.
    pub sort: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl From<SystemParams> for SystemFilter {
    fn from(p: SystemParams) -> Self {
        SystemFilter {
            q: p.q,
            lifecycle_stage: p.lifecycle_stage,
            status: p.status,
            role: p.role,
            tag: p.tag,
            class: p.class,
            needs_review: p.needs_review,
            missing_assessment: p.missing_assessment,
            owner: p.owner,
            in_scope: p.in_scope,
            sort: p.sort,
            limit: p.limit,
            offset: p.offset,
        }
    }
}

/// The EU AI Act result last recorded for a system.
#[derive(Serialize, ToSchema)]
pub struct ClassificationSummaryView {
    pub class: String,
    pub version: i64,
    pub decided_at: String,
    /// The system's facts changed since it was classified.
    pub needs_review: bool,
}

/// An AI system.
#[derive(Serialize, ToSchema)]
pub struct SystemView {
    pub id: String,
    pub name: String,
    pub purpose: String,
    pub description: String,
    pub intended_use: String,
    pub foreseeable_misuse: String,
    pub users: String,
    pub affected_persons: String,
    pub deployment_context: String,
    pub geography: Vec<String>,
    pub lifecycle_stage: String,
    pub roles: Vec<String>,
    pub owner: Option<String>,
    pub owner_name: Option<String>,
    pub autonomy: String,
    pub human_oversight: String,
    pub decisions_about_people: String,
    pub status: String,
    pub tags: Vec<String>,
    /// Why it is outside the management system's scope; empty when inside.
    pub out_of_scope: String,
    pub classification: Option<ClassificationSummaryView>,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<AiSystem> for SystemView {
    fn from(s: AiSystem) -> Self {
        let f = s.facts;
        Self {
            id: s.id.to_string(),
            name: f.name,
            purpose: f.purpose,
            description: f.description,
            intended_use: f.intended_use,
            foreseeable_misuse: f.foreseeable_misuse,
            users: f.users,
            affected_persons: f.affected_persons,
            deployment_context: f.deployment_context,
            geography: f.geography,
            lifecycle_stage: f.lifecycle_stage.as_str().into(),
            roles: f.roles.iter().map(|r| r.as_str().into()).collect(),
            owner: f.owner.map(|o| o.to_string()),
            owner_name: s.owner_name,
            autonomy: f.autonomy.as_str().into(),
            human_oversight: f.human_oversight,
            decisions_about_people: f.decisions_about_people.as_str().into(),
            status: f.status.as_str().into(),
            tags: f.tags,
            out_of_scope: f.out_of_scope,
            classification: s.classification.map(|c| ClassificationSummaryView {
                class: c.class,
                version: c.version,
                decided_at: c.decided_at.to_string(),
                needs_review: c.needs_review,
            }),
            revision: s.revision,
            created_at: s.created_at.to_string(),
            updated_at: s.updated_at.to_string(),
        }
    }
}

/// One page of the inventory.
#[derive(Serialize, ToSchema)]
pub struct SystemPageView {
    pub systems: Vec<SystemView>,
    /// How many systems match the filters in all (up to 10,001; see `total_capped`).
    pub total: i64,
    /// More than 10,000 match: `total` is a lower bound.
    pub total_capped: bool,
    pub limit: i64,
    pub offset: i64,
}

impl From<SystemPage> for SystemPageView {
    fn from(p: SystemPage) -> Self {
        Self {
            systems: p.systems.into_iter().map(Into::into).collect(),
            total: p.total,
            total_capped: p.total_capped,
            limit: p.limit,
            offset: p.offset,
        }
    }
}

/// A component of a system, as stated or imported.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentForm {
    /// `model`, `dataset` or `supplier`; fixed once the component exists.
    pub kind: Option<String>,
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub licence: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub model_type: String,
    #[serde(default)]
    pub model_card_url: String,
    #[serde(default)]
    pub hosting: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub provenance: String,
    #[serde(default)]
    pub personal_data: bool,
    #[serde(default)]
    pub quality_checks: String,
    #[serde(default)]
    pub bom_ref: String,
}

impl ComponentForm {
    /// The kind named in the form (required when adding).
    pub fn kind(&self) -> Result<ComponentKind, ValidationError> {
        self.kind
            .as_deref()
            .ok_or_else(|| ValidationError::new("kind", "must be model, dataset or supplier"))?
            .parse()
    }

    /// The facts of the form.
    pub fn facts(self) -> ComponentFacts {
        ComponentFacts {
            name: self.name,
            version: self.version,
            provider: self.provider,
            licence: self.licence,
            description: self.description,
            model_type: self.model_type,
            model_card_url: self.model_card_url,
            hosting: self.hosting,
            source: self.source,
            provenance: self.provenance,
            personal_data: self.personal_data,
            quality_checks: self.quality_checks,
            bom_ref: self.bom_ref,
        }
    }
}

/// A component with its id.
#[derive(Serialize, ToSchema)]
pub struct ComponentView {
    pub id: String,
    pub system: String,
    #[serde(flatten)]
    pub facts: ComponentForm,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Component> for ComponentView {
    fn from(c: Component) -> Self {
        let f = c.facts;
        Self {
            id: c.id.to_string(),
            system: c.system.to_string(),
            facts: ComponentForm {
                kind: Some(c.kind.as_str().into()),
                name: f.name,
                version: f.version,
                provider: f.provider,
                licence: f.licence,
                description: f.description,
                model_type: f.model_type,
                model_card_url: f.model_card_url,
                hosting: f.hosting,
                source: f.source,
                provenance: f.provenance,
                personal_data: f.personal_data,
                quality_checks: f.quality_checks,
                bom_ref: f.bom_ref,
            },
            created_at: c.created_at.to_string(),
            updated_at: c.updated_at.to_string(),
        }
    }
}

/// One recorded classification: the answers, the result and its reasons.
#[derive(Serialize, ToSchema)]
pub struct ClassificationView {
    pub id: String,
    pub version: i64,
    pub class: String,
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    pub decided_at: String,
    pub decided_by: String,
}

impl From<ClassificationRecord> for ClassificationView {
    fn from(c: ClassificationRecord) -> Self {
        Self {
            id: c.id.to_string(),
            version: c.version,
            class: c.class,
            answers: c.answers,
            result: c.result,
            decided_at: c.decided_at.to_string(),
            decided_by: c.decided_by,
        }
    }
}

/// A system with everything linked to it.
#[derive(Serialize, ToSchema)]
pub struct SystemDetailView {
    pub system: SystemView,
    pub components: Vec<ComponentView>,
    /// Every recorded classification, newest first.
    pub classifications: Vec<ClassificationView>,
}

impl From<SystemOverview> for SystemDetailView {
    fn from(o: SystemOverview) -> Self {
        Self {
            system: o.system.into(),
            components: o.components.into_iter().map(Into::into).collect(),
            classifications: o.classifications.into_iter().map(Into::into).collect(),
        }
    }
}
