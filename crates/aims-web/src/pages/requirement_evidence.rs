//! Evidence added from a requirement's page: it names the requirement (an ISO/IEC 42001
//! Annex A control as a control), and counts for the clause coverage and the SoA.

use aims_app::domain::evidence::EvidenceFacts;
use axum::extract::{Multipart, State};
use axum::response::Response;

use super::{PageId, app_error_page, done};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// `POST /frameworks/{framework}/items/{item}/evidence`.
pub async fn add(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId((framework, item)): PageId<(String, String)>,
    mut multipart: Multipart,
) -> Response {
    let target = match state.app.item_target(&actor, &framework, &item).await {
        Ok(target) => target,
        Err(err) => return app_error_page(err),
    };
    let mut facts = EvidenceFacts {
        targets: vec![target],
        ..Default::default()
    };
    let upload = match super::evidence_form::read_evidence_form(&mut multipart, &mut facts).await {
        Ok(upload) => upload,
        Err(page) => return page,
    };
    match state.app.add_evidence(&actor, facts, upload).await {
        Ok(_) => done(
            &format!(
                "/frameworks/{}/items/{}",
                super::encode(&framework),
                super::encode(&item)
            ),
            "evidence",
        ),
        Err(err) => app_error_page(err),
    }
}
