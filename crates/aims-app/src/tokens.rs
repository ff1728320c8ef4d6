//! API tokens: made by a member for one organisation, with a role no wider than theirs.

use aims_domain::account::{ApiToken, Email};
use aims_domain::audit::AuditAction;
use aims_domain::{Actor, ApiTokenId, OrgId, Permission, Role, ValidationError, account};
use serde_json::json;

use crate::App;
use crate::credentials::{API_TOKEN_PREFIX, Credential};
use crate::error::{AppError, Result, not_found};

/// Longest lifetime a token may be given, in days.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// A token as asked for.
#[derive(Clone, Debug, Default)]
pub struct NewApiToken {
    pub name: String,
    /// The token's role; the creator's own role when `None`.
    pub role: Option<String>,
    /// Days until the token expires; never when `None`.
    pub expires_in_days: Option<i64>,
}

/// A new token and its secret, which is shown this once.
#[derive(Debug)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: Credential,
}

impl App {
    /// Creates an API token for the actor's organisation, owned by the person behind the actor.
    pub async fn create_token(&self, actor: &Actor, new: NewApiToken) -> Result<CreatedToken> {
        actor.require(Permission::ManageOwnAccount)?;
        let owner = actor.user().ok_or(AppError::NotFound("account"))?;
        self.insert_token(actor, owner, actor.role, new).await
    }

    /// `aims admin create-token`: a token for the member with `email` in `org`.
    pub async fn admin_create_token(
        &self,
        org: OrgId,
        email: &str,
        new: NewApiToken,
    ) -> Result<CreatedToken> {
        let email = Email::parse(email)?;
        let mut tx = self.store.read().await?;
        let user = tx
            .user_by_email(&email)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let role = tx
            .role_of(org, user.id)
            .await?
            .ok_or(AppError::NotFound("member"))?;
        drop(tx);
        let actor = crate::setup::system_actor(org);
        self.insert_token(&actor, user.id, role, new).await
    }

    async fn insert_token(
        &self,
        actor: &Actor,
        owner: aims_domain::UserId,
        ceiling: Role,
        new: NewApiToken,
    ) -> Result<CreatedToken> {
        let name = account::token_name(&new.name)?;
        let role = match new.role.as_deref().filter(|r| !r.trim().is_empty()) {
            Some(role) => role.parse()?,
            None => ceiling,
        };
        if !ceiling.covers(role) {
            return Err(AppError::Invalid(ValidationError::new(
                "role",
                format!("cannot be wider than your own role ({ceiling})"),
            )));
        }
        let now = self.now();
        let expires_at = match new.expires_in_days {
            Some(days) if !(1..=MAX_TOKEN_DAYS).contains(&days) => {
                return Err(AppError::Invalid(ValidationError::new(
                    "expires_in_days",
                    format!("must be between 1 and {MAX_TOKEN_DAYS}"),
                )));
            }
            Some(days) => Some(now.plus_days(days)),
            None => None,
        };
        let secret = Credential::generate(API_TOKEN_PREFIX)?;
        let token = ApiToken {
            id: ApiTokenId::new(),
            org: actor.org,
            created_by: owner,
            name,
            role,
            prefix: secret
                .secret
                .chars()
                .take(API_TOKEN_PREFIX.len() + 4)
                .collect(),
            created_at: now,
            expires_at,
            last_used_at: None,
            revoked_at: None,
        };
        self.change(actor.org, actor, async |c| {
        c.insert_api_token(actor.org, &token, &secret.hash).await?;
        let change = json!({"name": token.name, "role": role.as_str(), "expires_at": expires_at.map(|t| t.to_string())});
        c.record(AuditAction::TokenCreated, token.id, change).await?;
        Ok(CreatedToken { token, secret })
        })
        .await
    }

    /// The tokens the actor may see: all of the organisation's for those who manage them,
    /// otherwise the actor's own.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        actor.require(Permission::ManageOwnTokens)?;
        let only = if actor.role.grants(Permission::ManageAllTokens) {
            None
        } else {
            actor.user()
        };
        Ok(self.store.read().await?.api_tokens(actor.org, only).await?)
    }

    /// Revokes a token: one's own, or any for those who manage all tokens.
    pub async fn revoke_token(&self, actor: &Actor, id: ApiTokenId) -> Result<()> {
        actor.require(Permission::ManageOwnTokens)?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let token = c
                .api_token(actor.org, id)
                .await
                .map_err(not_found("token"))?;
            if Some(token.created_by) != actor.user() {
                actor
                    .require(Permission::ManageAllTokens)
                    .map_err(|_| AppError::NotFound("token"))?;
            }
            c.revoke_api_token(actor.org, id, now)
                .await
                .map_err(not_found("token"))?;
            c.record(AuditAction::TokenRevoked, id, json!({"name": token.name}))
                .await?;
            Ok(())
        })
        .await
    }
}
