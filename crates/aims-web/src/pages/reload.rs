//! A form's address opened as a page: after a form with a mistake is shown again, its address
//! is the one the form posted to, and reloading or bookmarking it asks with GET. Rather than
//! "method not allowed", the person is sent to the page the form belongs to.

use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::error_page;

/// The page a form's `path` belongs to.
pub fn page_behind(path: &str) -> String {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["frameworks", framework, "items", item, ..] => {
            format!("/frameworks/{framework}/items/{item}")
        }
        ["frameworks", ..] => "/frameworks".to_owned(),
        ["monitoring", "metrics", id, ..] => format!("/monitoring/metrics/{id}"),
        ["context", ..] => "/context".to_owned(),
        [
            section @ ("risks" | "systems" | "impact-assessments" | "documents" | "tasks"
            | "objectives" | "roles" | "training" | "nonconformities"),
            id,
            ..,
        ] => {
            format!("/{section}/{id}")
        }
        [
            section @ ("members" | "tokens" | "account" | "soa" | "evidence" | "settings"
            | "notifications"),
            ..,
        ] => {
            format!("/{section}")
        }
        ["components" | "redteam-jobs", ..] => "/systems".to_owned(),
        _ => "/".to_owned(),
    }
}

/// The pages' answer to a method a route does not take.
pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    if method == Method::GET || method == Method::HEAD {
        return Redirect::to(&page_behind(uri.path())).into_response();
    }
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "This address does not take that kind of request.",
    )
}

#[cfg(test)]
mod tests {
    use super::page_behind;

    #[test]
    fn each_form_address_leads_back_to_its_page() {
        for (form, page) in [
            ("/members/invite", "/members"),
            ("/members/0190/role", "/members"),
            ("/risks/0190/accept", "/risks/0190"),
            ("/soa/controls/A.6.2.4", "/soa"),
            ("/frameworks/imports", "/frameworks"),
            (
                "/frameworks/eu-ai-act/items/art-9/text",
                "/frameworks/eu-ai-act/items/art-9",
            ),
            ("/systems/0190/components", "/systems/0190"),
            (
                "/impact-assessments/0190/approve",
                "/impact-assessments/0190",
            ),
            ("/account/password", "/account"),
            ("/documents/0190/approve", "/documents/0190"),
            (
                "/nonconformities/0190/verification",
                "/nonconformities/0190",
            ),
            ("/documents/0190/acknowledge", "/documents/0190"),
            ("/settings/document-approvers", "/settings"),
            ("/tasks/0190/comments", "/tasks/0190"),
            (
                "/monitoring/metrics/0190/measurements",
                "/monitoring/metrics/0190",
            ),
            (
                "/monitoring/metrics/0190/measurements/0191/delete",
                "/monitoring/metrics/0190",
            ),
            ("/objectives/0190/delete", "/objectives/0190"),
            ("/context/approve", "/context"),
            ("/roles/0190/delete", "/roles/0190"),
            ("/training/0190/delete", "/training/0190"),
            ("/notifications/read", "/notifications"),
            ("/notifications/0190/read", "/notifications"),
            ("/notifications/email", "/notifications"),
            ("/components/0190/remove", "/systems"),
            ("/switch-org", "/"),
        ] {
            assert_eq!(page_behind(form), page, "{form}");
        }
    }
}
