//! The SoA's forms that change control records: one row (decision, status, justification,
//! owner), and several selected rows at once. Both return to the row or list the person was
//! on, with the filter they had; a row form saves in place where scripts run.

use aims_app::ControlUpdate;
use aims_app::domain::UserId;
use aims_app::domain::ValidationError;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::soa::{SoaQuery, page_view};
use super::{PageForm, app_error_page, form_error};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The list's filter sent back by a form, read again so that only a filter goes into the
/// address (never another path or host).
fn back_to(back: &str) -> SoaQuery {
    serde_urlencoded::from_str(back).unwrap_or_default()
}

/// `/soa` with the filter, the notice and the row to scroll to.
fn soa_address(filter: &SoaQuery, done: &str, anchor: Option<&str>) -> String {
    let query = filter.query();
    let mut address = match query.is_empty() {
        true => format!("/soa?done={done}"),
        false => format!("/soa?{query}&done={done}"),
    };
    if let Some(anchor) = anchor {
        address.push_str(&format!("#control-{}", super::encode(anchor)));
    }
    address
}

/// An owner as a form sends it: `""` keeps it, `none` clears it, else a member's id.
fn owner_choice(text: &str) -> Result<Option<Option<UserId>>, ValidationError> {
    match text.trim() {
        "" => Ok(None),
        "none" => Ok(Some(None)),
        id => id
            .parse()
            .map(|u| Some(Some(u)))
            .map_err(|_| ValidationError::new("owner", "must be a member")),
    }
}

/// One control's record as posted from its row.
#[derive(Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    back: String,
}

/// `POST /soa/controls/{control}`.
pub async fn save_record(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    Path(control): Path<String>,
    PageForm(form): PageForm<RecordForm>,
) -> Response {
    let filter = back_to(&form.back);
    let result = async {
        let update = ControlUpdate {
            decision: Some(form.decision.parse()?),
            status: Some(form.status.parse()?),
            justification: Some(form.justification.clone()),
            owner: owner_choice(&form.owner)?,
        };
        state
            .app
            .update_controls(&actor, std::slice::from_ref(&control), &update)
            .await
    };
    match result.await {
        Ok(_) => Redirect::to(&soa_address(&filter, "saved", Some(&control))).into_response(),
        Err(err) => match form_error(err) {
            Ok((status, message)) => {
                page_view(
                    &state,
                    &context,
                    &actor,
                    filter,
                    Some((status, format!("{control}: {message}"))),
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /soa/bulk`: the selected controls (`controls`, repeated) and what to set on them.
pub async fn bulk(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let filter = back_to(&value("back"));
    let controls: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "controls")
        .map(|(_, v)| v.clone())
        .collect();
    let optional = |text: String| Some(text).filter(|t| !t.is_empty());
    let result = async {
        let update = ControlUpdate {
            decision: optional(value("set_decision"))
                .map(|d| d.parse())
                .transpose()?,
            status: optional(value("set_status"))
                .map(|s| s.parse())
                .transpose()?,
            justification: None,
            owner: owner_choice(&value("set_owner"))?,
        };
        if update.decision.is_none() && update.status.is_none() && update.owner.is_none() {
            return Err(ValidationError::new(
                "bulk",
                "choose a decision, a status or an owner to set",
            )
            .into());
        }
        state.app.update_controls(&actor, &controls, &update).await
    };
    match result.await {
        Ok(0) => Redirect::to(&soa_address(&filter, "unchanged", None)).into_response(),
        Ok(_) => Redirect::to(&soa_address(&filter, "bulk", None)).into_response(),
        Err(err) => match form_error(err) {
            Ok((status, message)) => {
                page_view(&state, &context, &actor, filter, Some((status, message))).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_keeps_the_filter_and_nothing_else() {
        let filter = back_to("status=planned&group=A.6&evil=//x");
        assert_eq!(
            soa_address(&filter, "saved", Some("A.6.2.4")),
            "/soa?status=planned&group=A.6&done=saved#control-A.6.2.4"
        );
        assert_eq!(
            soa_address(&back_to("https://x.example"), "bulk", None),
            "/soa?done=bulk"
        );
    }

    #[test]
    fn owner_choices_keep_clear_or_name() {
        assert_eq!(owner_choice("").unwrap(), None);
        assert_eq!(owner_choice("none").unwrap(), Some(None));
        assert!(owner_choice("x").is_err());
        let id = UserId::new();
        assert_eq!(owner_choice(&id.to_string()).unwrap(), Some(Some(id)));
    }
}
