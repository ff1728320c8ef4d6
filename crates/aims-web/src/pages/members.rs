//! The members page: who belongs to the organisation with what role, the open invitations,
//! and the forms that invite, change a role, remove and withdraw. A new invitation's link is
//! shown once, on the page the form redirects to.

use aims_app::domain::account::{Invitation, Member};
use aims_app::domain::{Actor, InvitationId, Permission, Role, UserId};
use aims_app::{NewInvitation, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{
    Chrome, Done, FormFields, FormProblem, PageForm, PageId, app_error_page, done, notice_for,
    render,
};
use crate::allowed::{ManageMembers, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    new_link: Option<String>,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
    /// The roles the person may hand out, lowest first.
    roles: Vec<Role>,
    can_manage: bool,
    /// Whether invitations are emailed; without mail the inviter passes the link on.
    mail_on: bool,
    form: InviteForm,
    problem: FormProblem,
}

const FIELDS: FormFields = FormFields {
    prefix: "invite-",
    labels: &[("email", "Email"), ("role", "Role")],
};

async fn members_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    form: InviteForm,
    problem: FormProblem,
    new_link: Option<String>,
) -> Response {
    let can_manage = actor.role.grants(Permission::ManageMembers);
    let loaded = async {
        let members = state.app.members(actor).await?;
        let invitations = match can_manage {
            true => state.app.invitations(actor).await?,
            false => Vec::new(),
        };
        Ok::<_, aims_app::AppError>((members, invitations))
    };
    let (members, invitations) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &MembersPage {
            chrome: Some(Chrome::new(context, "members")),
            notice,
            new_link,
            members,
            invitations,
            roles: Role::ALL
                .into_iter()
                .rev()
                .filter(|r| actor.role.covers(*r))
                .collect(),
            can_manage,
            mail_on: state.app.mail_enabled(),
            form,
            problem,
        },
    )
}

/// `GET /members`: with a new invitation's link, once, after it was made.
pub async fn members_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
    headers: HeaderMap,
) -> Response {
    let once = crate::flash::take(&headers, "/members");
    let notice = match q.done.as_deref() {
        Some("invited") if once.is_some() && state.app.mail_enabled() => {
            Some("The invitation was created; its link is being emailed to the invitee.".to_owned())
        }
        Some("invited") if once.is_some() => Some("The invitation was created.".to_owned()),
        Some("invited") => None,
        other => notice_for(other),
    };
    let (secret, clear) = once.unzip();
    let link = secret.map(|s| format!("{}/invitations/{s}", state.config.public_url));
    let page = members_view(
        &state,
        &context,
        &actor,
        notice,
        InviteForm::default(),
        FormProblem::default(),
        link,
    )
    .await;
    match clear {
        Some(clear) => crate::flash::cleared(page, clear),
        None => page,
    }
}

/// An invitation as the members page posts it; kept as typed for a form with a mistake.
#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// `POST /members/invite`: makes the invitation and sends the browser to the members page,
/// which shows its link once.
pub async fn invite(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageMembers>,
    headers: HeaderMap,
    PageForm(form): PageForm<InviteForm>,
) -> Response {
    let new = NewInvitation {
        email: form.email.clone(),
        role: form.role.clone(),
    };
    match state.app.invite(&actor, new).await {
        Ok((_, credential)) => {
            let secure = crate::identity::is_secure(&headers, &state);
            let cookie = crate::flash::hold("/members", &credential.secret, secure);
            (
                [(header::SET_COOKIE, cookie)],
                Redirect::to("/members?done=invited"),
            )
                .into_response()
        }
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => members_view(&state, &context, &actor, None, form, problem, None).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// A member's new role.
#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /members/{user_id}/role`.
pub async fn change_role(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageMembers>,
    PageId(user): PageId<UserId>,
    PageForm(form): PageForm<RoleForm>,
) -> Response {
    match state.app.change_role(&actor, user, &form.role).await {
        Ok(()) => done("/members", "role"),
        Err(err) => refused(&state, &context, &actor, err).await,
    }
}

/// `POST /members/{user_id}/remove`.
pub async fn remove(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(user): PageId<UserId>,
) -> Response {
    match state.app.remove_member(&actor, user).await {
        Ok(()) if actor.user() == Some(user) => Redirect::to("/").into_response(),
        Ok(()) => done("/members", "removed"),
        Err(err) => refused(&state, &context, &actor, err).await,
    }
}

/// The members page saying why a change was refused.
async fn refused(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    err: aims_app::AppError,
) -> Response {
    match FormProblem::from_error(err, &FIELDS) {
        Ok(problem) => {
            members_view(
                state,
                context,
                actor,
                None,
                InviteForm::default(),
                problem,
                None,
            )
            .await
        }
        Err(other) => app_error_page(other),
    }
}

/// `POST /members/invitations/{id}/revoke`.
pub async fn revoke_invitation(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<ManageMembers>,
    PageId(id): PageId<InvitationId>,
) -> Response {
    match state.app.revoke_invitation(&actor, id).await {
        Ok(()) => done("/members", "withdrawn"),
        Err(err) => app_error_page(err),
    }
}
