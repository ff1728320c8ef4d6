//! Members of an organisation: invitations, roles, removal.

use aims_domain::account::{Email, Invitation, Member, Password, User};
use aims_domain::audit::AuditAction;
use aims_domain::{Actor, InvitationId, OrgId, Permission, Role, SecretHash, UserId, account};
use serde_json::json;

use crate::App;
use crate::auth::{Client, SignedIn};
use crate::credentials::{Credential, hash_password};
use crate::error::{AppError, Result, not_found};
use crate::setup::{add_membership, add_user};

/// An invitation as asked for.
#[derive(Clone, Debug)]
pub struct NewInvitation {
    pub email: String,
    pub role: String,
}

/// How the invitee answers: as the account they are signed in with, or as a new account.
#[derive(Clone)]
pub enum InvitationAnswer {
    /// The invitee is signed in with the invited email's account.
    SignedIn(UserId),
    /// The invitee has no account yet and creates one.
    NewAccount {
        display_name: String,
        password: String,
        client: Client,
    },
}

/// The outcome of accepting an invitation.
#[derive(Debug)]
pub struct Accepted {
    pub org: OrgId,
    /// The session of a newly created account.
    pub signed_in: Option<SignedIn>,
}

/// Checks, in `tx`, that every person a record is about to name is a current member of
/// `org`. Each reference is `(field, named now, named before)`: one left as it was is not
/// checked again, so that a member who left stays named until someone changes that field.
/// An unknown id and another organisation's member get the same answer, which tells nothing
/// of who exists elsewhere.
pub(crate) async fn require_new_members(
    tx: &mut aims_store::Tx,
    org: OrgId,
    references: impl IntoIterator<Item = (&'static str, Option<UserId>, Option<UserId>)>,
) -> Result<()> {
    for (field, named, before) in references {
        if let Some(user) = named
            && named != before
            && tx.role_of(org, user).await?.is_none()
        {
            return Err(aims_domain::ValidationError::new(
                field,
                format!("{user} is not a member of this organisation"),
            )
            .into());
        }
    }
    Ok(())
}

/// Checks that `actor` may give `role` to someone: never more than the actor holds, and the
/// owner role only by an owner.
fn require_may_grant(actor: &Actor, role: Role) -> Result<()> {
    actor.require(Permission::ManageMembers)?;
    if role == Role::Owner {
        actor.require(Permission::ManageOwners)?;
    }
    if !actor.role.covers(role) {
        return Err(AppError::Denied(aims_domain::Denied(
            Permission::ManageOwners,
        )));
    }
    Ok(())
}

/// The email that carries an invitation's link to the invitee.
fn invitation_email(invitation: &Invitation, org_name: &str, inviter: &str, link: &str) -> String {
    format!(
        "Hello,\n\n\
         {inviter} invited you to join {org_name} in aims, its AI management system, as \
         {role}: {summary}.\n\n\
         To accept, open this link. It works once, until {expires}:\n\n\
         {link}\n\n\
         If you did not expect this invitation, ignore this email.\n",
        role = invitation.role.label(),
        summary = invitation.role.summary(),
        expires = invitation.expires_at.human(),
    )
}

impl App {
    /// The members of the actor's organisation.
    pub async fn members(&self, actor: &Actor) -> Result<Vec<Member>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self.store.read().await?.members(actor.org).await?)
    }

    /// Invites someone by email with a role; returns the invitation and its link's secret.
    pub async fn invite(
        &self,
        actor: &Actor,
        new: NewInvitation,
    ) -> Result<(Invitation, Credential)> {
        actor.require(Permission::ManageMembers)?;
        let role: Role = new.role.parse()?;
        require_may_grant(actor, role)?;
        let email = Email::parse(&new.email)?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            if let Some(user) = c.user_by_email(&email).await?
                && c.role_of(actor.org, user.id).await?.is_some()
            {
                return Err(AppError::Invalid(aims_domain::ValidationError::new(
                    "email",
                    "is already a member",
                )));
            }
            let credential = Credential::generate("")?;
            let invitation = Invitation {
                id: InvitationId::new(),
                org: actor.org,
                email,
                role,
                invited_by: actor.user(),
                created_at: now,
                expires_at: now.plus_days(Invitation::VALID_DAYS),
                accepted_at: None,
                revoked_at: None,
            };
            c.insert_invitation(actor.org, &invitation, &credential.hash)
                .await?;
            let change = json!({"email": invitation.email.as_str(), "role": role.as_str()});
            c.record(AuditAction::InvitationCreated, invitation.id, change)
                .await?;
            // Sent when this change commits; the inviter is shown the link as well.
            if let Some(link) = self.link(&format!("/invitations/{}", credential.secret)) {
                let org_name = c.org(actor.org).await?.name;
                let subject = format!("You are invited to join {org_name} on aims");
                let body = invitation_email(&invitation, &org_name, &actor.label, &link);
                self.queue_email(&mut c.tx, &invitation.email, &subject, &body)
                    .await?;
            }
            Ok((invitation, credential))
        })
        .await
    }

    /// The open invitations of the actor's organisation.
    pub async fn invitations(&self, actor: &Actor) -> Result<Vec<Invitation>> {
        actor.require(Permission::ManageMembers)?;
        Ok(self
            .store
            .read()
            .await?
            .open_invitations(actor.org, self.now())
            .await?)
    }

    /// Withdraws an open invitation.
    pub async fn revoke_invitation(&self, actor: &Actor, id: InvitationId) -> Result<()> {
        actor.require(Permission::ManageMembers)?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            c.close_invitation(actor.org, id, false, now)
                .await
                .map_err(not_found("invitation"))?;
            c.record(AuditAction::InvitationRevoked, id, json!({}))
                .await?;
            Ok(())
        })
        .await
    }

    /// The invitation behind a link and the name of its organisation. Unknown, used and
    /// expired links all answer `NotFound`. Whether the invited address has an account is
    /// not said: the inviter sees the link too, and learns nothing of who exists elsewhere.
    pub async fn open_invitation(&self, secret: &str) -> Result<(Invitation, String)> {
        let mut tx = self.store.read().await?;
        let invitation = tx
            .invitation_by_token(&SecretHash::of(secret))
            .await?
            .filter(|i| i.is_open(self.now()))
            .ok_or(AppError::NotFound("invitation"))?;
        let org = tx.org(invitation.org).await?;
        Ok((invitation, org.name))
    }

    /// Accepts an invitation: the invitee becomes a member with the invited role.
    pub async fn accept_invitation(
        &self,
        secret: &str,
        answer: InvitationAnswer,
    ) -> Result<Accepted> {
        let (invitation, _) = self.open_invitation(secret).await?;
        let now = self.now();
        let new_account = match &answer {
            InvitationAnswer::NewAccount {
                display_name,
                password,
                ..
            } => {
                let display_name = account::display_name(display_name)?;
                let password = Password::new_for(
                    "password",
                    password,
                    &[invitation.email.as_str(), &display_name],
                )?;
                let hash = hash_password(&password).await?;
                Some(User::new(invitation.email.clone(), display_name, hash, now))
            }
            InvitationAnswer::SignedIn(_) => None,
        };
        let mut tx = self.store.write_for(invitation.org).await?;
        // Closing first makes a second, racing acceptance of the same link fail.
        tx.close_invitation(invitation.org, invitation.id, true, now)
            .await
            .map_err(not_found("invitation"))?;
        let signed_in = match (answer, new_account) {
            (InvitationAnswer::SignedIn(user_id), _) => {
                let user = tx.user(user_id).await?;
                if user.email != invitation.email {
                    return Err(AppError::NotFound("invitation"));
                }
                let actor = Actor {
                    kind: aims_domain::ActorKind::User(user.id),
                    org: invitation.org,
                    role: invitation.role,
                    label: user.email.to_string(),
                };
                add_membership(&mut tx, invitation.org, &user, invitation.role, &actor, now)
                    .await?;
                None
            }
            (InvitationAnswer::NewAccount { client, .. }, Some(user)) => {
                let actor = Actor {
                    kind: aims_domain::ActorKind::User(user.id),
                    org: invitation.org,
                    role: invitation.role,
                    label: user.email.to_string(),
                };
                if tx.user_by_email(&invitation.email).await?.is_some() {
                    // Told only to whoever holds the link, after they asked for an account.
                    return Err(AppError::Conflict(
                        "this email already has an aims account: sign in with it, then open \
                         the invitation link again to accept"
                            .into(),
                    ));
                }
                add_user(&mut tx, invitation.org, &user, invitation.role, &actor, now).await?;
                Some(
                    self.start_session(&mut tx, &user, Some(invitation.org), client)
                        .await?,
                )
            }
            (InvitationAnswer::NewAccount { .. }, None) => {
                unreachable!("a new account is built for this answer above")
            }
        };
        tx.commit().await?;
        Ok(Accepted {
            org: invitation.org,
            signed_in,
        })
    }

    /// Changes a member's role. Only owners make or unmake owners; the last owner stays.
    pub async fn change_role(&self, actor: &Actor, user: UserId, role: &str) -> Result<()> {
        actor.require(Permission::ManageMembers)?;
        let role: Role = role.parse()?;
        require_may_grant(actor, role)?;
        self.change(actor.org, actor, async |c| {
            let current = c
                .role_of(actor.org, user)
                .await?
                .ok_or(AppError::NotFound("member"))?;
            if current == Role::Owner {
                actor.require(Permission::ManageOwners)?;
                if role != Role::Owner && c.count_owners(actor.org).await? <= 1 {
                    return Err(AppError::Conflict(
                        "the last owner cannot lose the owner role".into(),
                    ));
                }
            }
            c.set_role(actor.org, user, role).await?;
            let change = json!({"from": current.as_str(), "to": role.as_str()});
            c.record(AuditAction::MemberRoleChanged, user, change)
                .await?;
            Ok(())
        })
        .await
    }

    /// Removes a member (and revokes their API tokens for this organisation). A member may
    /// also leave; the last owner may not.
    pub async fn remove_member(&self, actor: &Actor, user: UserId) -> Result<()> {
        if actor.user() != Some(user) {
            actor.require(Permission::ManageMembers)?;
        }
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let current = c
                .role_of(actor.org, user)
                .await?
                .ok_or(AppError::NotFound("member"))?;
            if current == Role::Owner {
                if actor.user() != Some(user) {
                    actor.require(Permission::ManageOwners)?;
                }
                if c.count_owners(actor.org).await? <= 1 {
                    return Err(AppError::Conflict(
                        "the last owner cannot be removed".into(),
                    ));
                }
            }
            c.remove_membership(actor.org, user, now).await?;
            let change = json!({"role": current.as_str()});
            c.record(AuditAction::MemberRemoved, user, change).await?;
            Ok(())
        })
        .await
    }
}
