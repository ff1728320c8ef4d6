//! Permission before anything else: a route that needs a permission names it in its first
//! extractor, which asks the use-case layer whether the caller holds it before the path, the
//! query or the body is read. A caller without it gets 403 (a page: the error page) and
//! learns nothing of whether what it sent would have been accepted.

use std::marker::PhantomData;

use aims_app::SessionContext;
use aims_app::domain::{Actor, Permission};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;

use crate::error::ApiError;
use crate::identity::{ApiActor, PageMember};
use crate::state::WebState;

/// A permission a route needs, as a type.
pub trait Need: Send + Sync {
    const PERMISSION: Permission;
}

macro_rules! needs {
    ($($(#[$doc:meta])* $name:ident => $permission:ident,)+) => {$(
        $(#[$doc])*
        pub struct $name;
        impl Need for $name {
            const PERMISSION: Permission = Permission::$permission;
        }
    )+};
}

needs! {
    /// Change the management system's content.
    Edit => EditContent,
    /// Approve documents (impact assessments, the SoA).
    Approve => ApproveContent,
    /// Change the organisation's settings, method, frameworks and server-side runs.
    ManageOrganisation => ManageOrganisation,
    /// Invite members and change their roles.
    ManageMembers => ManageMembers,
    /// Read the audit trail.
    ReadAudit => ReadAuditTrail,
    /// Manage one's own account: a person signed in, never a token.
    OwnAccount => ManageOwnAccount,
}

/// The actor of an API request, once it holds `P`'s permission.
pub struct Allowed<P>(pub Actor, pub PhantomData<P>);

impl<P: Need> FromRequestParts<WebState> for Allowed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let ApiActor(actor) = ApiActor::from_request_parts(parts, state).await?;
        state.app.authorize(&actor, P::PERMISSION)?;
        Ok(Allowed(actor, PhantomData))
    }
}

/// The signed-in person of a page request and their actor, once it holds `P`'s permission.
pub struct PageAllowed<P>(pub SessionContext, pub Actor, pub PhantomData<P>);

impl<P: Need> FromRequestParts<WebState> for PageAllowed<P> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let PageMember { context, actor } = PageMember::from_request_parts(parts, state).await?;
        if let Err(denied) = state.app.authorize(&actor, P::PERMISSION) {
            return Err(crate::pages::app_error_page(denied));
        }
        Ok(PageAllowed(context, actor, PhantomData))
    }
}

/// What a document lifecycle route needs beyond a permission: a role the organisation chose
/// to approve documents, or (to send a version back) that or the right to edit.
pub trait DocumentStep: Send + Sync {
    /// Whether a caller who may edit content also qualifies.
    const EDITORS_TOO: bool;
}

/// Approve or retire a document.
pub struct ApproveDocument;
impl DocumentStep for ApproveDocument {
    const EDITORS_TOO: bool = false;
}

/// Send a document in review back to draft.
pub struct ReturnDocument;
impl DocumentStep for ReturnDocument {
    const EDITORS_TOO: bool = true;
}

/// The actor of an API request that takes a document lifecycle step `S`, checked against the
/// organisation's approver roles before the body is read.
pub struct DocumentAllowed<S>(pub Actor, pub PhantomData<S>);

impl<S: DocumentStep> FromRequestParts<WebState> for DocumentAllowed<S> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let ApiActor(actor) = ApiActor::from_request_parts(parts, state).await?;
        state
            .app
            .authorize_document_step(&actor, S::EDITORS_TOO)
            .await?;
        Ok(DocumentAllowed(actor, PhantomData))
    }
}
