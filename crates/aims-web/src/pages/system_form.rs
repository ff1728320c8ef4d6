//! The AI system form as the browser posts it, and its translation into the system's facts.

use aims_app::domain::ValidationError;
use aims_app::domain::inventory::{AiRole, SystemFacts};
use serde::Deserialize;

/// The system form as the browser posts it: lists as comma-separated text, each role a box.
#[derive(Deserialize, Default, Clone)]
pub struct SystemPageForm {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) purpose: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) intended_use: String,
    #[serde(default)]
    pub(crate) foreseeable_misuse: String,
    #[serde(default)]
    pub(crate) users: String,
    #[serde(default)]
    pub(crate) affected_persons: String,
    #[serde(default)]
    pub(crate) deployment_context: String,
    #[serde(default)]
    pub(crate) geography: String,
    #[serde(default)]
    pub(crate) lifecycle_stage: String,
    pub(crate) role_provider: Option<String>,
    pub(crate) role_developer: Option<String>,
    pub(crate) role_deployer: Option<String>,
    pub(crate) role_importer: Option<String>,
    pub(crate) role_distributor: Option<String>,
    pub(crate) role_user: Option<String>,
    #[serde(default)]
    pub(crate) owner: String,
    #[serde(default)]
    pub(crate) autonomy: String,
    #[serde(default)]
    pub(crate) human_oversight: String,
    #[serde(default)]
    pub(crate) decisions_about_people: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) tags: String,
    pub(crate) revision: Option<i64>,
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

impl SystemPageForm {
    pub(crate) fn from_facts(f: &SystemFacts, revision: i64) -> Self {
        let has = |r: AiRole| f.roles.contains(&r).then(|| "on".to_owned());
        Self {
            name: f.name.clone(),
            purpose: f.purpose.clone(),
            description: f.description.clone(),
            intended_use: f.intended_use.clone(),
            foreseeable_misuse: f.foreseeable_misuse.clone(),
            users: f.users.clone(),
            affected_persons: f.affected_persons.clone(),
            deployment_context: f.deployment_context.clone(),
            geography: f.geography.join(", "),
            lifecycle_stage: f.lifecycle_stage.as_str().into(),
            role_provider: has(AiRole::Provider),
            role_developer: has(AiRole::Developer),
            role_deployer: has(AiRole::Deployer),
            role_importer: has(AiRole::Importer),
            role_distributor: has(AiRole::Distributor),
            role_user: has(AiRole::User),
            owner: f.owner.map(|o| o.to_string()).unwrap_or_default(),
            autonomy: f.autonomy.as_str().into(),
            human_oversight: f.human_oversight.clone(),
            decisions_about_people: f.decisions_about_people.as_str().into(),
            status: f.status.as_str().into(),
            tags: f.tags.join(", "),
            revision: Some(revision),
        }
    }

    pub(crate) fn has_role(&self, role: &AiRole) -> bool {
        match role {
            AiRole::Provider => self.role_provider.is_some(),
            AiRole::Developer => self.role_developer.is_some(),
            AiRole::Deployer => self.role_deployer.is_some(),
            AiRole::Importer => self.role_importer.is_some(),
            AiRole::Distributor => self.role_distributor.is_some(),
            AiRole::User => self.role_user.is_some(),
        }
    }

    pub(crate) fn facts(&self) -> Result<SystemFacts, ValidationError> {
        Ok(SystemFacts {
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            description: self.description.clone(),
            intended_use: self.intended_use.clone(),
            foreseeable_misuse: self.foreseeable_misuse.clone(),
            users: self.users.clone(),
            affected_persons: self.affected_persons.clone(),
            deployment_context: self.deployment_context.clone(),
            geography: split_list(&self.geography),
            lifecycle_stage: self.lifecycle_stage.parse()?,
            roles: AiRole::ALL
                .iter()
                .copied()
                .filter(|r| self.has_role(r))
                .collect(),
            owner: match self.owner.trim() {
                "" => None,
                o => Some(
                    o.parse()
                        .map_err(|_| ValidationError::new("owner", "must be a member"))?,
                ),
            },
            autonomy: self.autonomy.parse()?,
            human_oversight: self.human_oversight.clone(),
            decisions_about_people: self.decisions_about_people.parse()?,
            status: self.status.parse()?,
            tags: split_list(&self.tags),
        })
    }
}
