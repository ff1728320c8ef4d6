//! Signing in and out, resolving who is behind a request (a session cookie or a bearer
//! token), and a person's own password and sessions.

use aims_domain::account::{Email, OrgMembership, Password, Session, User};
use aims_domain::audit::{AuditAction, AuditActor, NewAuditEvent};
use aims_domain::{Actor, ActorKind, OrgId, Permission, SecretHash, SessionId, Timestamp};
use aims_store::Tx;
use serde_json::json;

use crate::App;
use crate::credentials::{API_TOKEN_PREFIX, Credential, hash_password, verify_password};
use crate::error::{AppError, Result, not_found};

/// Failed sign-ins counted against one account before it is throttled.
pub const ACCOUNT_FAILURE_LIMIT: i64 = 5;
/// Failed sign-ins counted against one address before it is throttled.
pub const ADDRESS_FAILURE_LIMIT: i64 = 30;
/// How far back failures count, in seconds.
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

/// Where a request comes from, recorded with a session.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub user_agent: String,
    pub address: String,
}

/// What a person typed on the sign-in form.
#[derive(Clone)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    pub client: Client,
}

/// A new session and the secret for its cookie.
#[derive(Debug)]
pub struct SignedIn {
    pub session: Session,
    pub cookie: Credential,
}

/// The person behind a session and the organisation they work in.
#[derive(Clone, Debug)]
pub struct SessionContext {
    pub session: Session,
    pub user: User,
    pub orgs: Vec<OrgMembership>,
    /// The actor in the active organisation; `None` when the person belongs to none.
    pub actor: Option<Actor>,
    /// What waits on the person, for the pages' navigation; filled in by the pages.
    pub counts: Option<crate::WorkCounts>,
}

impl SessionContext {
    /// The actor, or `Unauthenticated` for a person with no organisation.
    pub fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or(AppError::Unauthenticated)
    }
}

pub(crate) fn account_subject(email: &str) -> String {
    // Hashed so that the table of failures holds no email addresses.
    format!(
        "account:{}",
        SecretHash::of(&email.trim().to_lowercase()).as_str()
    )
}

pub(crate) fn address_subject(address: &str) -> String {
    format!("address:{address}")
}

/// The organisations of `user`, in the order their locks are taken when one change is
/// recorded in several (by id): two such changes then never wait on each other crosswise.
pub(crate) async fn orgs_in_lock_order(
    tx: &mut Tx,
    user: aims_domain::UserId,
) -> Result<Vec<OrgId>> {
    let mut orgs: Vec<OrgId> = tx.orgs_of(user).await?.iter().map(|m| m.org).collect();
    orgs.sort_unstable();
    Ok(orgs)
}

pub(crate) fn trimmed(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

impl App {
    /// Checks an email and password and starts a session. Every failure answers alike,
    /// whether or not the account exists, and takes as long. The attempt is counted before
    /// the password is checked, so that guesses sent at once meet the limit like guesses
    /// sent one after another; a failure against an existing account is recorded in the
    /// audit trail of each of its organisations.
    pub async fn sign_in(&self, input: SignIn) -> Result<SignedIn> {
        let account = account_subject(&input.email);
        let address = address_subject(&input.client.address);
        let subjects = [
            (account.as_str(), ACCOUNT_FAILURE_LIMIT),
            (address.as_str(), ADDRESS_FAILURE_LIMIT),
        ];
        let attempt = self.claim_attempt(&subjects).await?;
        let user = match Email::parse(&input.email) {
            Ok(email) => {
                self.store
                    .read_once(|tx| {
                        let email = email.clone();
                        Box::pin(async move { tx.user_by_email(&email).await })
                    })
                    .await?
            }
            Err(_) => None,
        };
        let checked = verify_password(
            &input.password,
            user.as_ref().and_then(|u| u.password_hash.as_deref()),
        )
        .await;
        let ok = match checked {
            Ok(ok) => ok,
            Err(busy) => {
                // Not checked at all: this attempt does not count against anyone.
                self.forget_attempt(&attempt, subjects.len()).await?;
                return Err(busy);
            }
        };
        let mut tx = self.store.write().await?;
        let user = match user {
            Some(user) if ok => user,
            wrong => {
                if let Some(user) = wrong {
                    self.record_failed_sign_in(&mut tx, &user, &input.client)
                        .await?;
                    tx.commit().await?;
                }
                return Err(AppError::Invalid(aims_domain::ValidationError::new(
                    "email",
                    "the email or the password is wrong",
                )));
            }
        };
        tx.forget_sign_in_attempt(&attempt, subjects.len()).await?;
        tx.clear_sign_in_failures(&account).await?;
        let org = tx.orgs_of(user.id).await?.first().map(|m| m.org);
        let signed_in = self
            .start_session(&mut tx, &user, org, input.client)
            .await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    /// Counts one password check against each subject, or refuses it as throttled when
    /// one of them has met its limit; answers the attempt's id.
    pub(crate) async fn claim_attempt(&self, subjects: &[(&str, i64)]) -> Result<String> {
        let attempt = uuid::Uuid::now_v7().to_string();
        let mut tx = self.store.write().await?;
        let now = self.now();
        let since = now.plus_seconds(-FAILURE_WINDOW_SECONDS);
        if !tx
            .claim_sign_in_attempt(&attempt, subjects, since, now)
            .await?
        {
            return Err(AppError::Throttled {
                retry_after_seconds: FAILURE_WINDOW_SECONDS,
            });
        }
        tx.commit().await?;
        Ok(attempt)
    }

    /// Takes back an attempt counted by [`App::claim_attempt`].
    async fn forget_attempt(&self, attempt: &str, subjects: usize) -> Result<()> {
        let mut tx = self.store.write().await?;
        tx.forget_sign_in_attempt(attempt, subjects).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a wrong password for `user` in each of their organisations' trails; the
    /// address and browser are kept, never what was typed.
    async fn record_failed_sign_in(&self, tx: &mut Tx, user: &User, client: &Client) -> Result<()> {
        let actor = AuditActor::user(user.id, user.email.as_str());
        let change = json!({
            "address": trimmed(&client.address, 64),
            "user_agent": trimmed(&client.user_agent, 200),
        });
        for org in orgs_in_lock_order(tx, user.id).await? {
            tx.append_audit(
                org,
                NewAuditEvent::new(
                    actor.clone(),
                    AuditAction::AccountSignInFailed,
                    user.id,
                    change.clone(),
                ),
                self.now(),
            )
            .await?;
        }
        Ok(())
    }

    /// Starts a session for `user` in the open transaction, working in `org`.
    pub(crate) async fn start_session(
        &self,
        tx: &mut Tx,
        user: &User,
        org: Option<OrgId>,
        client: Client,
    ) -> Result<SignedIn> {
        let now = self.now();
        let cookie = Credential::generate("")?;
        let session = Session {
            id: SessionId::new(),
            user: user.id,
            active_org: org,
            created_at: now,
            last_seen_at: now,
            expires_at: self.session_expiry(now, now),
            user_agent: trimmed(&client.user_agent, 200),
            address: trimmed(&client.address, 64),
        };
        tx.insert_session(&session, &cookie.hash).await?;
        if let Some(org) = org {
            let actor = AuditActor::user(user.id, user.email.as_str());
            let change = json!({"address": session.address, "user_agent": session.user_agent});
            tx.append_audit(
                org,
                NewAuditEvent::new(actor, AuditAction::SessionStarted, session.id, change),
                now,
            )
            .await?;
        }
        Ok(SignedIn { session, cookie })
    }

    /// When a session begun at `created_at` and used at `now` ends: after
    /// [`Session::IDLE_DAYS`] unused, and never later than its absolute lifetime.
    fn session_expiry(&self, created_at: Timestamp, now: Timestamp) -> Timestamp {
        let idle = now.plus_days(Session::IDLE_DAYS);
        let absolute = created_at.plus_days(self.session_max_days);
        idle.min(absolute)
    }

    /// The session behind a cookie, its person and their actor in the active organisation.
    pub async fn session(&self, cookie: &str) -> Result<SessionContext> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let session = tx
            .live_session(&SecretHash::of(cookie), now)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let user = tx
            .user(session.user)
            .await
            .map_err(|_| AppError::Unauthenticated)?;
        let orgs = tx.orgs_of(user.id).await?;
        drop(tx);
        if now.as_micros() - session.last_seen_at.as_micros() > 60_000_000 {
            // Sliding expiry, written at most once a minute so reads stay reads.
            let mut tx = self.store.write().await?;
            let expires_at = self.session_expiry(session.created_at, now);
            tx.touch_session(session.id, now, expires_at).await?;
            tx.commit().await?;
        }
        let active = session
            .active_org
            .and_then(|org| orgs.iter().find(|m| m.org == org))
            .or_else(|| orgs.first());
        let actor = active.map(|m| Actor {
            kind: ActorKind::User(user.id),
            org: m.org,
            role: m.role,
            label: user.email.to_string(),
        });
        Ok(SessionContext {
            session,
            user,
            orgs,
            actor,
            counts: None,
        })
    }

    /// The actor behind a bearer API token.
    pub async fn token_actor(&self, bearer: &str) -> Result<Actor> {
        if !bearer.starts_with(API_TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let now = self.now();
        let hash = SecretHash::of(bearer);
        let (token, creator_role) = self
            .store
            .read_once(|tx| {
                let hash = hash.clone();
                Box::pin(async move { tx.api_token_by_hash(&hash).await })
            })
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !token.is_usable(now) {
            return Err(AppError::Unauthenticated);
        }
        // The token never outranks its creator's current role, and dies with the membership.
        let member_role = creator_role.ok_or(AppError::Unauthenticated)?;
        let role = if member_role.covers(token.role) {
            token.role
        } else {
            member_role
        };
        if token
            .last_used_at
            .is_none_or(|at| now.as_micros() - at.as_micros() > 60_000_000)
        {
            let mut tx = self.store.write().await?;
            tx.touch_api_token(token.id, now).await?;
            tx.commit().await?;
        }
        Ok(Actor {
            kind: ActorKind::Token {
                token: token.id,
                owner: token.created_by,
            },
            org: token.org,
            role,
            label: format!("token {}", token.name),
        })
    }

    /// Ends the session of `context`, recorded in the organisation it worked in.
    pub async fn sign_out(&self, context: &SessionContext) -> Result<()> {
        let mut tx = self.store.write().await?;
        tx.delete_session(context.user.id, context.session.id)
            .await
            .map_err(not_found("session"))?;
        if let Some(actor) = &context.actor {
            tx.append_audit(
                actor.org,
                NewAuditEvent::new(
                    actor,
                    AuditAction::SessionEnded,
                    context.session.id,
                    json!({}),
                ),
                self.now(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Makes `org` the organisation the session works in; the person must belong to it.
    pub async fn switch_org(&self, context: &SessionContext, org: OrgId) -> Result<()> {
        if !context.orgs.iter().any(|m| m.org == org) {
            return Err(AppError::NotFound("organisation"));
        }
        let mut tx = self.store.write().await?;
        tx.set_session_org(context.session.id, org).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the actor's own password after checking the current one; ends every other
    /// session of the person. Checks of the current password count against the account's
    /// sign-in limit, so that this form is no way round it.
    pub async fn change_password(
        &self,
        actor: &Actor,
        keep: Option<SessionId>,
        current: &str,
        new: &str,
    ) -> Result<()> {
        actor.require(Permission::ManageOwnAccount)?;
        let user_id = actor.user().ok_or(AppError::NotFound("account"))?;
        let user = self
            .store
            .read()
            .await?
            .user(user_id)
            .await
            .map_err(not_found("account"))?;
        let new = Password::new_for(
            "new_password",
            new,
            &[user.email.as_str(), &user.display_name],
        )?;
        let account = account_subject(user.email.as_str());
        let subjects = [(account.as_str(), ACCOUNT_FAILURE_LIMIT)];
        let attempt = self.claim_attempt(&subjects).await?;
        let ok = match verify_password(current, user.password_hash.as_deref()).await {
            Ok(ok) => ok,
            Err(busy) => {
                self.forget_attempt(&attempt, subjects.len()).await?;
                return Err(busy);
            }
        };
        if !ok {
            return Err(AppError::Invalid(aims_domain::ValidationError::new(
                "current_password",
                "is not your current password",
            )));
        }
        let hash = hash_password(&new).await?;
        let mut tx = self.store.write().await?;
        tx.forget_sign_in_attempt(&attempt, subjects.len()).await?;
        // The hash checked above must still be the stored one: two changes racing with the
        // same current password must not both succeed.
        let stored = tx.user(user_id).await.map_err(not_found("account"))?;
        if stored.password_hash != user.password_hash {
            return Err(AppError::Conflict(
                "your password was changed meanwhile; sign in again".into(),
            ));
        }
        self.replace_password(&mut tx, &user, &hash, keep, Some(actor))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a new password hash, ends the person's other sessions, and records the change
    /// in every organisation the person belongs to.
    pub(crate) async fn replace_password(
        &self,
        tx: &mut Tx,
        user: &User,
        hash: &str,
        keep: Option<SessionId>,
        actor: Option<&Actor>,
    ) -> Result<()> {
        let now = self.now();
        tx.set_password_hash(user.id, hash, now).await?;
        let ended = tx.delete_other_sessions(user.id, keep).await?;
        for org in orgs_in_lock_order(tx, user.id).await? {
            let who = match actor {
                Some(actor) => Actor {
                    org,
                    ..actor.clone()
                },
                None => crate::setup::system_actor(org),
            };
            let change = json!({"email": user.email.as_str(), "sessions_ended": ended});
            tx.append_audit(
                org,
                NewAuditEvent::new(&who, AuditAction::AccountPasswordChanged, user.id, change),
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// The live sessions of the person behind `actor`.
    pub async fn my_sessions(&self, actor: &Actor) -> Result<Vec<Session>> {
        actor.require(Permission::ManageOwnAccount)?;
        let user = actor.user().ok_or(AppError::NotFound("account"))?;
        Ok(self
            .store
            .read()
            .await?
            .sessions_of(user, self.now())
            .await?)
    }

    /// Ends one of the sessions of the person behind `actor`.
    pub async fn revoke_session(&self, actor: &Actor, id: SessionId) -> Result<()> {
        actor.require(Permission::ManageOwnAccount)?;
        let user = actor.user().ok_or(AppError::NotFound("session"))?;
        self.change(actor.org, actor, async |c| {
            c.delete_session(user, id)
                .await
                .map_err(not_found("session"))?;
            c.record(AuditAction::SessionRevoked, id, json!({})).await?;
            Ok(())
        })
        .await
    }
}
