//! The person's notifications, newest first, the unread marked; marking them read; and how
//! they want to hear of them by email.

use aims_app::domain::NotificationId;
use aims_app::domain::work::{EmailPreference, Notification};
use aims_app::{AppError, MAX_NOTIFICATIONS, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{
    Chrome, Done, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render,
};
use crate::allowed::{OwnAccount, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// The email preference form's field.
const EMAIL_FIELDS: FormFields = FormFields {
    prefix: "m-",
    labels: &[("email", "Email")],
};

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    notifications: Vec<Notification>,
    unread: i64,
    preferences: &'static [EmailPreference],
    /// The preference chosen, or as a refused form sent it.
    preference: String,
    problem: FormProblem,
    mail_enabled: bool,
}

impl NotificationsPage {
    /// Where `n` leads, when it is a page of this site (aims writes them; the check keeps a
    /// stored address from ever becoming a link elsewhere).
    fn href<'a>(&self, n: &'a Notification) -> Option<&'a str> {
        let link = n.link.as_str();
        (link.starts_with('/') && !link.starts_with("//") && !link.starts_with("/\\"))
            .then_some(link)
    }
}

async fn inbox_view(
    state: &WebState,
    context: &SessionContext,
    actor: &aims_app::domain::Actor,
    notice: Option<&str>,
    preference: Option<String>,
    problem: FormProblem,
) -> Response {
    let loaded = async {
        let inbox = state.app.inbox(actor, MAX_NOTIFICATIONS).await?;
        let chosen = state.app.email_preference(actor).await?;
        Ok::<_, AppError>((inbox, chosen))
    };
    let (inbox, chosen) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &NotificationsPage {
            chrome: Some(Chrome::new(context, "notifications")),
            notice: notice.map(str::to_owned),
            notifications: inbox.notifications,
            unread: inbox.unread,
            preferences: EmailPreference::ALL,
            preference: preference.unwrap_or_else(|| chosen.as_str().to_owned()),
            problem,
            mail_enabled: state.app.mail_enabled(),
        },
    )
}

/// `GET /notifications`.
pub async fn notifications_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("read") => Some("The notification was marked read."),
        Some("all-read") => Some("Every notification was marked read."),
        Some("email") => Some("Your email preference was saved."),
        _ => None,
    };
    inbox_view(
        &state,
        &context,
        &actor,
        notice,
        None,
        FormProblem::default(),
    )
    .await
}

/// `POST /notifications/read`: marks every notification of the person's read.
pub async fn mark_all_read(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
) -> Response {
    match state.app.mark_read(&actor, None).await {
        Ok(_) => done("/notifications", "all-read"),
        Err(err) => app_error_page(err),
    }
}

/// `POST /notifications/{id}/read`: marks one notification read; another person's is left
/// alone by the use case, and the page says nothing of it.
pub async fn mark_read(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    PageId(id): PageId<NotificationId>,
) -> Response {
    match state.app.mark_read(&actor, Some(id)).await {
        Ok(_) => done("/notifications", "read"),
        Err(err) => app_error_page(err),
    }
}

/// The email preference as its form posts it.
#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /notifications/email`: the person signed in chooses how to hear by email.
pub async fn set_email(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<OwnAccount>,
    PageForm(form): PageForm<EmailForm>,
) -> Response {
    let result = match form.email.parse::<EmailPreference>() {
        Ok(preference) => state.app.set_email_preference(&actor, preference).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(()) => done("/notifications", "email"),
        Err(err) => match FormProblem::from_error(err, &EMAIL_FIELDS) {
            Ok(problem) => {
                inbox_view(&state, &context, &actor, None, Some(form.email), problem).await
            }
            Err(other) => app_error_page(other),
        },
    }
}
