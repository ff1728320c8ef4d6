//! Getting started: the one-time setup that creates the first organisation, the operator's
//! `aims admin` commands, and the demo organisation.

use aims_domain::account::{self, Email, Membership, Organisation, Password, User};
use aims_domain::audit::{AuditAction, NewAuditEvent};
use aims_domain::{Actor, ActorKind, OrgId, Role, SetupTokenId, Timestamp};
use aims_store::Tx;
use serde_json::json;

use crate::App;
use crate::auth::{Client, SignedIn};
use crate::credentials::{Credential, hash_password, verify_password};
use crate::error::{AppError, Result};

/// Days a setup link stays valid; a server start on an empty database issues a new one.
const SETUP_TOKEN_DAYS: i64 = 7;

/// The first organisation and its owner, as entered on the setup page.
#[derive(Clone, Debug)]
pub struct NewOrganisationOwner {
    pub org_name: String,
    pub email: String,
    pub display_name: String,
    pub password: String,
}

/// The demo organisation's owner account.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub org: OrgId,
    pub email: Email,
    /// Whether this call created the demo organisation.
    pub created: bool,
}

/// The actor of operator commands run on the server itself.
pub(crate) fn system_actor(org: OrgId) -> Actor {
    Actor {
        kind: ActorKind::System,
        org,
        role: Role::Owner,
        label: "aims admin".into(),
    }
}

impl App {
    /// Whether the service still has no organisation.
    pub async fn needs_setup(&self) -> Result<bool> {
        Ok(self.store.read().await?.count_orgs().await? == 0)
    }

    /// Issues a one-time setup token while no organisation exists; `None` once set up.
    pub async fn issue_setup_token(&self) -> Result<Option<Credential>> {
        let mut tx = self.store.write().await?;
        if tx.count_orgs().await? > 0 {
            return Ok(None);
        }
        let credential = Credential::generate("")?;
        let now = self.now();
        tx.insert_setup_token(
            SetupTokenId::new(),
            &credential.hash,
            now,
            now.plus_days(SETUP_TOKEN_DAYS),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(credential))
    }

    /// Whether `secret` is a setup token that can still be used.
    pub async fn setup_token_is_valid(&self, secret: &str) -> Result<bool> {
        let mut tx = self.store.read().await?;
        Ok(tx
            .setup_token_is_valid(&aims_domain::SecretHash::of(secret), self.now())
            .await?)
    }

    /// Uses up the setup token, creates the first organisation and its owner, and signs in.
    pub async fn complete_setup(
        &self,
        secret: &str,
        form: NewOrganisationOwner,
        client: Client,
    ) -> Result<SignedIn> {
        let name = account::org_name(&form.org_name)?;
        let email = Email::parse(&form.email)?;
        let display_name = account::display_name(&form.display_name)?;
        let password = Password::new_for(
            "password",
            &form.password,
            &[email.as_str(), &display_name, &name],
        )?;
        let hash = hash_password(&password).await?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        tx.use_setup_token(&aims_domain::SecretHash::of(secret), now)
            .await
            .map_err(|_| AppError::NotFound("setup link (it may have been used already)"))?;
        let user = User::new(email, display_name, hash, now);
        let org = create_org_with_owner(&mut tx, &name, &user, "setup", now).await?;
        let signed_in = self
            .start_session(&mut tx, &user, Some(org.id), client)
            .await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    /// `aims admin create-org`: a new organisation with no members yet.
    pub async fn admin_create_org(&self, name: &str) -> Result<Organisation> {
        let name = account::org_name(name)?;
        let mut tx = self.store.write().await?;
        let org = create_org(&mut tx, &name, self.now(), "aims admin").await?;
        tx.commit().await?;
        Ok(org)
    }

    /// `aims admin create-user`: adds a person to `org` with `role`, creating the account
    /// when the email is new (an existing account keeps its password).
    pub async fn admin_create_user(
        &self,
        org: OrgId,
        email: &str,
        role: &str,
        password: &str,
    ) -> Result<User> {
        let email = Email::parse(email)?;
        let role: Role = role.parse()?;
        let password = Password::new_for("password", password, &[email.as_str()])?;
        let hash = hash_password(&password).await?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        tx.org(org)
            .await
            .map_err(crate::error::not_found("organisation"))?;
        let user = match tx.user_by_email(&email).await? {
            Some(existing) => {
                if tx.role_of(org, existing.id).await?.is_some() {
                    return Err(AppError::Conflict(format!("{email} is already a member")));
                }
                add_membership(&mut tx, org, &existing, role, &system_actor(org), now).await?;
                existing
            }
            None => {
                let display_name = email
                    .as_str()
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let user = User::new(email, display_name, hash, now);
                add_user(&mut tx, org, &user, role, &system_actor(org), now).await?;
                user
            }
        };
        tx.commit().await?;
        Ok(user)
    }

    /// `aims admin set-password`: replaces a person's password and ends their sessions.
    pub async fn admin_set_password(&self, email: &str, password: &str) -> Result<()> {
        let email = Email::parse(email)?;
        let password = Password::new_for("password", password, &[email.as_str()])?;
        let hash = hash_password(&password).await?;
        let mut tx = self.store.write().await?;
        let user = tx
            .user_by_email(&email)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        self.replace_password(&mut tx, &user, &hash, None, None)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates the demo organisation and its owner once; afterwards makes sure the owner's
    /// password is `password` (kept by the caller so it can be shown at every start).
    pub async fn ensure_demo(&self, password: &str) -> Result<DemoAccount> {
        let email = Email::parse("demo@example.org")?;
        let password = Password::new("password", password)?;
        let existing = self.store.read().await?.user_by_email(&email).await?;
        // Passwords are hashed before the write transaction: it would otherwise hold the
        // database's write lock for as long as a hash takes (or waits for a hashing slot).
        if let Some(user) = existing {
            let org = self
                .store
                .read()
                .await?
                .orgs_of(user.id)
                .await?
                .first()
                .ok_or_else(|| {
                    AppError::Conflict("the demo account belongs to no organisation".into())
                })?
                .org;
            if !verify_password(password.expose(), user.password_hash.as_deref()).await? {
                let hash = hash_password(&password).await?;
                let mut tx = self.store.write().await?;
                self.replace_password(&mut tx, &user, &hash, None, None)
                    .await?;
                tx.commit().await?;
            }
            self.seed_demo_content(org).await?;
            return Ok(DemoAccount {
                org,
                email,
                created: false,
            });
        }
        let hash = hash_password(&password).await?;
        let mut tx = self.store.write().await?;
        let now = self.now();
        let user = User::new(email.clone(), "Demo owner".into(), hash, now);
        let org = create_org_with_owner(
            &mut tx,
            "Demo organisation",
            &user,
            "aims serve --demo",
            now,
        )
        .await?;
        tx.commit().await?;
        self.seed_demo_content(org.id).await?;
        Ok(DemoAccount {
            org: org.id,
            email,
            created: true,
        })
    }
}

/// Creates an organisation; its chain starts with its creation.
async fn create_org(tx: &mut Tx, name: &str, now: Timestamp, by: &str) -> Result<Organisation> {
    let org = Organisation {
        id: OrgId::new(),
        name: name.to_owned(),
        created_at: now,
        updated_at: now,
    };
    tx.insert_org(&org).await?;
    let actor = Actor {
        label: by.to_owned(),
        ..system_actor(org.id)
    };
    tx.append_audit(
        org.id,
        NewAuditEvent::new(
            &actor,
            AuditAction::OrganisationCreated,
            org.id,
            json!({"name": name}),
        ),
        now,
    )
    .await?;
    Ok(org)
}

/// Creates an organisation and the account of its first owner.
async fn create_org_with_owner(
    tx: &mut Tx,
    name: &str,
    owner: &User,
    by: &str,
    now: Timestamp,
) -> Result<Organisation> {
    let org = create_org(tx, name, now, by).await?;
    add_user(tx, org.id, owner, Role::Owner, &system_actor(org.id), now).await?;
    Ok(org)
}

/// Creates an account and makes it a member of `org`.
pub(crate) async fn add_user(
    tx: &mut Tx,
    org: OrgId,
    user: &User,
    role: Role,
    actor: &Actor,
    now: Timestamp,
) -> Result<()> {
    tx.insert_user(user).await.map_err(|e| match e {
        aims_store::StoreError::Conflict(_) => {
            AppError::Conflict(format!("an account with {} exists already", user.email))
        }
        other => other.into(),
    })?;
    add_membership(tx, org, user, role, actor, now).await
}

/// Makes an existing account a member of `org`.
pub(crate) async fn add_membership(
    tx: &mut Tx,
    org: OrgId,
    user: &User,
    role: Role,
    actor: &Actor,
    now: Timestamp,
) -> Result<()> {
    tx.insert_membership(
        org,
        &Membership {
            org,
            user: user.id,
            role,
            created_at: now,
        },
    )
    .await?;
    let change = json!({"email": user.email.as_str(), "role": role.as_str()});
    tx.append_audit(
        org,
        NewAuditEvent::new(actor, AuditAction::MemberAdded, user.id, change),
        now,
    )
    .await?;
    Ok(())
}
