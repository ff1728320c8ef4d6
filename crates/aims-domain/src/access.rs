//! Who may do what: roles, the permissions they grant, and the actor behind every request.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::id::{ApiTokenId, OrgId, UserId};
use crate::validation::ValidationError;

/// A member's role in one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including managing owners and deleting the organisation.
    Owner,
    /// Everything but managing owners.
    Admin,
    /// Edits the management system's content.
    Editor,
    /// Reads everything, including the audit trail; writes audit records.
    Auditor,
    /// Reads the management system's content.
    Viewer,
}

/// Something an actor may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the organisation, its members and its content.
    ReadOrganisation,
    /// Rename the organisation and change its settings.
    ManageOrganisation,
    /// Invite members, change their roles, remove them.
    ManageMembers,
    /// Give or take away the owner role.
    ManageOwners,
    /// See and revoke one's own API tokens.
    ManageOwnTokens,
    /// Change one's own password, create API tokens, see and end one's sessions: only a
    /// person signed in, never an API token, so that a leaked token cannot take over the
    /// account or outlive its own revocation through tokens it made.
    ManageOwnAccount,
    /// See and revoke every API token of the organisation.
    ManageAllTokens,
    /// Read the organisation's audit trail.
    ReadAuditTrail,
    /// Change the management system's content (systems, risks, controls, ...).
    EditContent,
    /// Read the service's operational metrics.
    ReadMetrics,
    /// Approve management-system documents (impact assessments, the SoA) as accountable.
    ApproveContent,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Editor,
        Role::Auditor,
        Role::Viewer,
    ];

    /// The name used in the API, the CLI and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Auditor => "auditor",
            Role::Viewer => "viewer",
        }
    }

    /// The role's name for people, with what it may do.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Editor => "Editor",
            Role::Auditor => "Auditor",
            Role::Viewer => "Viewer",
        }
    }

    /// What the role may do, in a few words.
    pub const fn summary(self) -> &'static str {
        match self {
            Role::Owner => "everything, owners included",
            Role::Admin => "everything but owners: members, settings, approvals",
            Role::Editor => "records and changes the registers",
            Role::Auditor => "reads everything and the audit trail",
            Role::Viewer => "reads the registers",
        }
    }

    /// Whether this role grants `permission`.
    pub const fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ReadOrganisation | ManageOwnTokens | ManageOwnAccount => true,
            ManageOrganisation | ManageMembers | ManageAllTokens | ReadMetrics | ApproveContent => {
                matches!(self, Role::Owner | Role::Admin)
            }
            ManageOwners => matches!(self, Role::Owner),
            ReadAuditTrail => matches!(self, Role::Owner | Role::Admin | Role::Auditor),
            EditContent => matches!(self, Role::Owner | Role::Admin | Role::Editor),
        }
    }

    /// Whether every permission of `other` is also granted by this role, so that this role
    /// may hand `other` out (to a token or an invitee) without widening anyone's access.
    pub fn covers(self, other: Role) -> bool {
        ALL_PERMISSIONS
            .iter()
            .all(|p| !other.grants(*p) || self.grants(*p))
    }
}

const ALL_PERMISSIONS: [Permission; 11] = [
    Permission::ReadOrganisation,
    Permission::ManageOwnAccount,
    Permission::ManageOrganisation,
    Permission::ManageMembers,
    Permission::ManageOwners,
    Permission::ManageOwnTokens,
    Permission::ManageAllTokens,
    Permission::ReadAuditTrail,
    Permission::EditContent,
    Permission::ReadMetrics,
    Permission::ApproveContent,
];

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "role",
                    "must be one of owner, admin, editor, auditor, viewer",
                )
            })
    }
}

/// How an actor proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    /// A person signed in through a browser session.
    User(UserId),
    /// A bearer API token, created by `owner`.
    Token { token: ApiTokenId, owner: UserId },
    /// The command line on the server itself (`aims admin ...`), trusted like an owner.
    System,
}

/// The one who asks for a use case, in one organisation, with one role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// How the actor signed in.
    pub kind: ActorKind,
    /// The organisation the request acts in.
    pub org: OrgId,
    /// The role that applies to this request (a token's own role, not its creator's).
    pub role: Role,
    /// A human-readable name for the audit trail (an email, a token name).
    pub label: String,
}

/// The actor lacks a permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("your role does not allow this ({0:?})")]
pub struct Denied(pub Permission);

impl Actor {
    /// Succeeds when the actor's role grants `permission` (and, for account management,
    /// when the actor is a person signed in).
    pub fn require(&self, permission: Permission) -> Result<(), Denied> {
        let person_only = permission == Permission::ManageOwnAccount;
        if person_only && !matches!(self.kind, ActorKind::User(_)) {
            return Err(Denied(permission));
        }
        if self.role.grants(permission) {
            Ok(())
        } else {
            Err(Denied(permission))
        }
    }

    /// The person behind the actor: the signed-in user or the token's creator.
    pub fn user(&self) -> Option<UserId> {
        match self.kind {
            ActorKind::User(user) | ActorKind::Token { owner: user, .. } => Some(user),
            ActorKind::System => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_names_only() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        let err = "root".parse::<Role>().unwrap_err();
        assert_eq!(err.field, "role");
    }

    #[test]
    fn owner_covers_every_role_and_viewer_only_itself() {
        for role in Role::ALL {
            assert!(Role::Owner.covers(role));
            assert_eq!(Role::Viewer.covers(role), role == Role::Viewer);
        }
    }

    #[test]
    fn editor_cannot_hand_out_the_auditor_role() {
        // An auditor reads the audit trail, which an editor may not.
        assert!(!Role::Editor.covers(Role::Auditor));
        assert!(Role::Editor.covers(Role::Viewer));
        assert!(!Role::Admin.covers(Role::Owner));
    }

    #[test]
    fn require_refuses_what_the_role_does_not_grant() {
        let actor = Actor {
            kind: ActorKind::System,
            org: OrgId::new(),
            role: Role::Viewer,
            label: "t".into(),
        };
        assert!(actor.require(Permission::ReadOrganisation).is_ok());
        assert_eq!(
            actor.require(Permission::ManageMembers),
            Err(Denied(Permission::ManageMembers))
        );
    }

    #[test]
    fn only_a_person_signed_in_manages_the_account() {
        let user = UserId::new();
        let mut actor = Actor {
            kind: ActorKind::User(user),
            org: OrgId::new(),
            role: Role::Viewer,
            label: "t".into(),
        };
        assert!(actor.require(Permission::ManageOwnAccount).is_ok());
        actor.role = Role::Owner;
        actor.kind = ActorKind::Token {
            token: ApiTokenId::new(),
            owner: user,
        };
        assert!(actor.require(Permission::ManageOwnAccount).is_err());
        assert!(actor.require(Permission::ManageOwnTokens).is_ok());
        actor.kind = ActorKind::System;
        assert!(actor.require(Permission::ManageOwnAccount).is_err());
    }
}
