//! What the API answers and accepts: plain data shapes with their OpenAPI schemas.

use aims_app::ChainReport;
use aims_app::domain::account::{
    ApiToken, Invitation, Member, OrgMembership, Organisation, Session,
};
use aims_app::domain::audit::AuditEvent;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An organisation.
#[derive(Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name,
            created_at: o.created_at.to_string(),
            updated_at: o.updated_at.to_string(),
        }
    }
}

/// An organisation the caller belongs to, with the caller's role there.
#[derive(Serialize, ToSchema)]
pub struct OrgMembershipView {
    pub id: String,
    pub name: String,
    pub role: String,
}

impl From<OrgMembership> for OrgMembershipView {
    fn from(m: OrgMembership) -> Self {
        Self {
            id: m.org.to_string(),
            name: m.org_name,
            role: m.role.to_string(),
        }
    }
}

/// A member of the organisation.
#[derive(Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub joined_at: String,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self {
            user_id: m.user.to_string(),
            email: m.email.to_string(),
            display_name: m.display_name,
            role: m.role.to_string(),
            joined_at: m.joined_at.to_string(),
        }
    }
}

/// An open invitation. `link` is present only in the answer that created it.
#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: String,
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl From<Invitation> for InvitationView {
    fn from(i: Invitation) -> Self {
        Self {
            id: i.id.to_string(),
            email: i.email.to_string(),
            role: i.role.to_string(),
            created_at: i.created_at.to_string(),
            expires_at: i.expires_at.to_string(),
            link: None,
        }
    }
}

/// An API token; the secret itself is never shown again after creation.
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub role: String,
    /// The first characters of the secret, to recognise it by.
    pub prefix: String,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            role: t.role.to_string(),
            prefix: t.prefix,
            created_by: t.created_by.to_string(),
            created_at: t.created_at.to_string(),
            expires_at: t.expires_at.map(|at| at.to_string()),
            last_used_at: t.last_used_at.map(|at| at.to_string()),
        }
    }
}

/// A token just created, with its secret: shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedTokenView {
    pub token: TokenView,
    pub secret: String,
}

/// A signed-in browser session of the caller.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    pub user_agent: String,
    pub address: String,
}

impl From<Session> for SessionView {
    fn from(s: Session) -> Self {
        Self {
            id: s.id.to_string(),
            created_at: s.created_at.to_string(),
            last_seen_at: s.last_seen_at.to_string(),
            expires_at: s.expires_at.to_string(),
            user_agent: s.user_agent,
            address: s.address,
        }
    }
}

/// Who the caller is.
#[derive(Serialize, ToSchema)]
pub struct MeView {
    /// `user` or `token`.
    pub kind: String,
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub org_id: String,
    pub role: String,
    pub label: String,
}

/// One event of the audit trail.
#[derive(Serialize, ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    pub id: String,
    pub occurred_at: String,
    pub actor_kind: String,
    pub actor_id: String,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The change, as recorded.
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditEvent> for AuditEventView {
    fn from(e: AuditEvent) -> Self {
        Self {
            seq: e.seq,
            id: e.id.to_string(),
            occurred_at: e.occurred_at.to_string(),
            actor_kind: e.actor.kind,
            actor_id: e.actor.id,
            actor_label: e.actor.label,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            change: serde_json::from_str(&e.change).unwrap_or(serde_json::Value::String(e.change)),
            prev_hash: e.prev_hash.to_string(),
            hash: e.hash.to_string(),
        }
    }
}

/// A page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPageView {
    pub events: Vec<AuditEventView>,
    /// Pass as `cursor` for the next page (older events); absent on the last page.
    pub next_cursor: Option<String>,
    /// Pass as `cursor` for the page before (newer events); absent on the newest page.
    pub previous_cursor: Option<String>,
}

/// The outcome of verifying the organisation's audit chain and its signed checkpoints.
#[derive(Serialize, ToSchema)]
pub struct ChainReportView {
    /// The chain and every checkpoint verified.
    pub intact: bool,
    pub verified_events: u64,
    pub head_hash: Option<String>,
    /// The first event that does not verify, and why.
    pub first_broken: Option<String>,
    /// Positions (up to 20) of events timed before the event they follow.
    pub timed_before_predecessor: Vec<i64>,
    pub checkpoints: CheckpointsView,
}

/// What the signed checkpoints say of the chain.
#[derive(Serialize, ToSchema)]
pub struct CheckpointsView {
    /// Whether a trusted key was configured to check them with.
    pub checked: bool,
    pub verified: usize,
    /// The latest verified checkpoint as a signed-head line an auditor can keep.
    pub latest: Option<String>,
    /// Events recorded after the latest checkpoint.
    pub events_after_latest: i64,
    /// The first checkpoint the trail does not match (cut, rewritten or forged).
    pub broken: Option<String>,
}

impl From<ChainReport> for ChainReportView {
    fn from(r: ChainReport) -> Self {
        let c = &r.checkpoints;
        Self {
            intact: r.intact(),
            verified_events: r.verified,
            checkpoints: CheckpointsView {
                checked: c.checked,
                verified: c.verified,
                latest: c.latest.as_ref().map(|l| l.to_line()),
                events_after_latest: c.events_after_latest,
                broken: c.broken.clone(),
            },
            head_hash: r.head,
            first_broken: r.broken.map(|b| b.to_string()),
            timed_before_predecessor: r.timed_before_predecessor,
        }
    }
}

/// The organisation's latest signed head, and the key that signed it.
#[derive(Serialize, ToSchema)]
pub struct SignedHeadView {
    /// One line to keep outside aims; `aims verify-audit --against LINE` checks it later.
    pub line: String,
    pub seq: i64,
    pub head_hash: String,
    pub signed_at: String,
    pub key_id: String,
    /// The public key of the signer (`ed25519:` and 64 hexadecimal digits), if trusted here.
    pub public_key: Option<String>,
}

/// A new name for the organisation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameOrgForm {
    pub name: String,
}

/// A new role for a member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleForm {
    /// owner, admin, editor, auditor or viewer.
    pub role: String,
}

/// An invitation to send.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationForm {
    pub email: String,
    /// owner, admin, editor, auditor or viewer.
    pub role: String,
}

/// A token to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenForm {
    pub name: String,
    /// The token's role; the caller's own when absent. Never wider than the caller's.
    pub role: Option<String>,
    /// Days until it expires; never when absent.
    pub expires_in_days: Option<i64>,
}

/// A password change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
}
