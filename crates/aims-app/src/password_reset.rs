//! Self-service password reset: a person who forgot their password asks for a link by email,
//! and the link lets them choose a new one. Asking answers alike whether or not the address
//! has an account, and counts against the sign-in throttle so that the form cannot be used to
//! flood a mailbox. A link works once, for an hour; only the hash of its secret is stored.
//! Setting the password ends every session of the person, and both steps are recorded in the
//! audit trail of each organisation the person belongs to.

use aims_domain::account::{Email, Password, User};
use aims_domain::audit::{AuditAction, AuditActor, NewAuditEvent};
use aims_domain::{SecretHash, Timestamp};
use aims_store::Tx;
use serde_json::{Value, json};

use crate::App;
use crate::auth::{
    ADDRESS_FAILURE_LIMIT, Client, account_subject, address_subject, orgs_in_lock_order, trimmed,
};
use crate::credentials::{Credential, hash_password};
use crate::error::{AppError, Result, not_found};

/// Minutes a reset link works after it was asked for.
pub const RESET_LINK_MINUTES: i64 = 60;

/// Links that may be asked for one email address within the sign-in throttle's window
/// (15 minutes); further asks are refused until it passes, whether or not the address has
/// an account, so no mailbox gets more than a few a quarter of an hour.
pub const RESET_REQUEST_LIMIT: i64 = 3;

/// What a broken, used or expired link is called in errors.
const LINK: &str = "password reset link";

/// The throttle's subject for reset requests to `email`: hashed like the sign-in
/// failures' subjects, and apart from them, so that asking for links does not lock the
/// account out of signing in.
fn reset_subject(email: &Email) -> String {
    format!("reset:{}", SecretHash::of(email.as_str()).as_str())
}

/// The email that carries a reset link.
fn reset_email(user: &User, link: &str, client: &Client) -> String {
    let from = match client.address.trim() {
        "" => String::new(),
        address => format!(
            " The request came from the address {}.",
            trimmed(address, 64)
        ),
    };
    format!(
        "Hello {name},\n\n\
         someone, hopefully you, asked to reset the password of your aims account \
         {email}.{from}\n\n\
         To choose a new password, open this link within {RESET_LINK_MINUTES} minutes. It \
         works once, and signs you out everywhere:\n\n\
         {link}\n\n\
         If you did not ask for this, ignore this email: your password stays as it is.\n",
        name = user.display_name,
        email = user.email,
    )
}

/// Appends `action` by the person `user` about their own account to the trail of every
/// organisation they belong to (none for a person without one).
async fn record_for_account(
    tx: &mut Tx,
    user: &User,
    action: AuditAction,
    change: Value,
    now: Timestamp,
) -> Result<()> {
    let actor = AuditActor::user(user.id, user.email.as_str());
    for org in orgs_in_lock_order(tx, user.id).await? {
        let event = NewAuditEvent::new(actor.clone(), action, user.id, change.clone());
        tx.append_audit(org, event, now).await?;
    }
    Ok(())
}

impl App {
    /// Emails a link that resets the password of the account with `email`, if there is one.
    /// The answer is the same either way (and so is what the throttle counts), so the form
    /// tells no one which addresses have accounts. Refused as throttled past
    /// [`RESET_REQUEST_LIMIT`] asks for the address, or past the sign-in limit of the
    /// client's network address; refused as a conflict when mail is off.
    pub async fn request_password_reset(&self, email: &str, client: Client) -> Result<()> {
        if !self.mail_enabled() {
            return Err(AppError::Conflict(
                "email is not set up on this aims: ask the administrator who runs it to set a \
                 new password for you"
                    .into(),
            ));
        }
        let email = Email::parse(email)?;
        let account = reset_subject(&email);
        let address = address_subject(&client.address);
        // Every ask counts, and stays counted: a link sent is not a mistake to take back.
        self.claim_attempt(&[
            (account.as_str(), RESET_REQUEST_LIMIT),
            (address.as_str(), ADDRESS_FAILURE_LIMIT),
        ])
        .await?;
        let mut tx = self.store.write().await?;
        let Some(user) = tx.user_by_email(&email).await? else {
            return Ok(());
        };
        let now = self.now();
        let credential = Credential::generate("")?;
        let expires_at = now.plus_seconds(RESET_LINK_MINUTES * 60);
        tx.insert_password_reset(user.id, &credential.hash, now, expires_at)
            .await?;
        let link = self
            .link(&format!("/password-reset/{}", credential.secret))
            .ok_or_else(|| AppError::Internal("mail was switched off".into()))?;
        let body = reset_email(&user, &link, &client);
        self.queue_email(&mut tx, &user.email, "Reset your aims password", &body)
            .await?;
        let change = json!({
            "address": trimmed(&client.address, 64),
            "user_agent": trimmed(&client.user_agent, 200),
        });
        record_for_account(
            &mut tx,
            &user,
            AuditAction::AccountPasswordResetRequested,
            change,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The address whose password the link with `secret` resets; `NotFound` for a link that
    /// is unknown, used or expired (they are not told apart).
    pub async fn open_password_reset(&self, secret: &str) -> Result<Email> {
        Ok(self.reset_owner(secret).await?.email)
    }

    async fn reset_owner(&self, secret: &str) -> Result<User> {
        let mut tx = self.store.read().await?;
        let reset = tx
            .open_password_reset(&SecretHash::of(secret), self.now())
            .await?
            .ok_or(AppError::NotFound(LINK))?;
        tx.user(reset.user).await.map_err(not_found(LINK))
    }

    /// Sets the password of the person the link with `secret` was sent to, if it still
    /// works: the link and every other one of theirs are used up, every session of theirs
    /// ends, and failed sign-ins counted against the account are forgotten (they proved
    /// they read its mail). The new password meets the same rules as a changed one.
    pub async fn reset_password(&self, secret: &str, new_password: &str) -> Result<()> {
        let user = self.reset_owner(secret).await?;
        let password = Password::new_for(
            "new_password",
            new_password,
            &[user.email.as_str(), &user.display_name],
        )?;
        let hash = hash_password(&password).await?;
        let mut tx = self.store.write().await?;
        let now = self.now();
        // Used up in the statement that checks it, so that of two uses racing only one wins.
        let owner = tx
            .use_password_reset(&SecretHash::of(secret), now)
            .await
            .map_err(not_found(LINK))?;
        if owner != user.id {
            return Err(AppError::NotFound(LINK));
        }
        tx.close_password_resets(user.id, now).await?;
        tx.set_password_hash(user.id, &hash, now).await?;
        let ended = tx.delete_other_sessions(user.id, None).await?;
        tx.clear_sign_in_failures(&account_subject(user.email.as_str()))
            .await?;
        let change = json!({"email": user.email.as_str(), "sessions_ended": ended});
        record_for_account(
            &mut tx,
            &user,
            AuditAction::AccountPasswordReset,
            change,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
