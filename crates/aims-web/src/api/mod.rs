//! The JSON API under `/api/v1`, and its OpenAPI document generated from the handlers.

mod account;
mod assessments;
mod audit;
mod classification;
mod contract;
mod contract_rules;
mod custom_frameworks;
mod evidence;
mod frameworks;
pub mod health;
mod members;
mod org;
mod readiness;
mod redteam;
mod risks;
mod soa;
mod system_views;
mod systems;
mod tokens;
mod views;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts};
use axum::routing::{delete, get, patch};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ApiError, Problem};
use crate::state::WebState;

/// A JSON body; a malformed one, or one with a control character in a string, is answered
/// with a problem naming what is wrong.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_media_type);
        if !is_json {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        crate::boundary::parse_json("body", &bytes).map(Body)
    }
}

/// Whether a `Content-Type` names JSON: `application/json` or an `application/…+json` type.
fn is_json_media_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A query string; a malformed one is answered with a problem.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Params<T>(pub T);

/// A path parameter; one that is not a valid id answers 404.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Id<T>(pub T);

/// The routes of `/api/v1`.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/me", get(account::me))
        .route("/me/password", axum::routing::put(account::change_password))
        .route("/orgs", get(org::my_orgs))
        .route("/org", get(org::show).patch(org::rename))
        .route("/members", get(members::list))
        .route(
            "/members/{user_id}",
            patch(members::change_role).delete(members::remove),
        )
        .route(
            "/invitations",
            get(members::invitations).post(members::invite),
        )
        .route("/invitations/{id}", delete(members::revoke_invitation))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}", delete(tokens::revoke))
        .route("/sessions", get(account::sessions))
        .route("/sessions/{id}", delete(account::revoke_session))
        .route("/audit-events", get(audit::list))
        .route("/audit-events/verify", get(audit::verify))
        .route("/audit-events/head", get(audit::head))
        .route("/frameworks", get(frameworks::list))
        .route("/frameworks/search", get(frameworks::search))
        .route("/frameworks/compare", get(custom_frameworks::compare))
        .route(
            "/frameworks/imports",
            get(custom_frameworks::list)
                .post(custom_frameworks::import)
                // The document travels as a JSON string, escaped: room enough for the app to
                // say that it is larger than it takes.
                .layer(axum::extract::DefaultBodyLimit::max(
                    2 * aims_app::MAX_IMPORT_BYTES + crate::BODY_LIMIT,
                )),
        )
        .route(
            "/frameworks/imports/{key}",
            axum::routing::delete(custom_frameworks::delete),
        )
        .route("/frameworks/{framework}", get(frameworks::show))
        .route(
            "/frameworks/{framework}/items/{item}",
            get(frameworks::item),
        )
        .route(
            "/frameworks/{framework}/items/{item}/text",
            get(frameworks::get_text)
                .put(frameworks::put_text)
                .delete(frameworks::delete_text),
        )
        .route(
            "/frameworks/{framework}/texts",
            axum::routing::post(frameworks::import_texts),
        )
        .route("/systems", get(systems::list).post(systems::create))
        .route(
            "/systems/{id}",
            get(systems::show)
                .put(systems::update)
                .delete(systems::delete),
        )
        .route(
            "/systems/{id}/components",
            axum::routing::post(systems::add_component),
        )
        .route(
            "/systems/{id}/classification",
            get(classification::show).post(classification::classify),
        )
        .route(
            "/systems/{id}/ml-bom",
            get(classification::export_bom)
                .post(classification::import_bom)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route("/eu-ai-act/questions", get(classification::list_questions))
        .route(
            "/systems/{id}/impact-assessments",
            axum::routing::post(assessments::create),
        )
        .route(
            "/impact-assessments/{id}",
            get(assessments::show).put(assessments::save),
        )
        .route(
            "/impact-assessments/{id}/approval",
            axum::routing::post(assessments::approve),
        )
        .route("/impact-assessments/{id}/diff", get(assessments::diff))
        .route("/readiness", get(readiness::show))
        .route("/soa", get(soa::show))
        .route("/soa/versions", get(soa::versions).post(soa::generate))
        .route(
            "/soa/versions/{version}/approval",
            axum::routing::post(soa::approve),
        )
        .route("/soa/diff", get(soa::diff))
        .route("/soa/export.csv", get(soa::csv))
        .route("/soa/export.xlsx", get(soa::xlsx))
        .route("/controls", axum::routing::post(soa::add_control))
        .route(
            "/controls/{control}/implementation",
            axum::routing::put(soa::set_implementation),
        )
        .route("/risk-method", get(risks::method).put(risks::set_method))
        .route("/risks", get(risks::list).post(risks::create))
        .route("/risks/heat-map", get(risks::heat_map))
        .route(
            "/risks/{id}",
            get(risks::show).put(risks::update).delete(risks::delete),
        )
        .route("/risks/{id}/acceptance", axum::routing::post(risks::accept))
        .route("/evidence", get(evidence::list).post(evidence::add_link))
        .route(
            "/evidence/files",
            axum::routing::post(evidence::add_file)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/evidence/{id}",
            get(evidence::show).delete(evidence::delete),
        )
        .route("/evidence/{id}/file", get(evidence::download))
        .route(
            "/systems/{id}/redteam-runs",
            get(redteam::list)
                .post(redteam::record)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route("/redteam-runs/{id}", get(redteam::show))
        .route(
            "/systems/{id}/redteam-jobs",
            get(redteam::jobs).post(redteam::start),
        )
        .route(
            "/redteam-jobs/{id}/cancel",
            axum::routing::post(redteam::cancel),
        )
        .route(
            "/components/{id}",
            axum::routing::put(systems::update_component).delete(systems::remove_component),
        )
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (aims_...)"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "aims API", description = "The JSON API of aims, the AI management system for ISO/IEC 42001."),
    paths(
        health::healthz, health::readyz,
        account::me, account::change_password, account::sessions, account::revoke_session,
        org::my_orgs, org::show, org::rename,
        members::list, members::change_role, members::remove,
        members::invitations, members::invite, members::revoke_invitation,
        tokens::list, tokens::create, tokens::revoke,
        audit::list, audit::verify, audit::head,
        frameworks::list, frameworks::search, frameworks::show, frameworks::item,
        frameworks::get_text, frameworks::put_text, frameworks::delete_text, frameworks::import_texts,
        custom_frameworks::import, custom_frameworks::list, custom_frameworks::delete, custom_frameworks::compare,
        systems::list, systems::create, systems::show, systems::update, systems::delete,
        systems::add_component, systems::update_component, systems::remove_component,
        classification::list_questions, classification::classify, classification::show,
        classification::export_bom, classification::import_bom,
        assessments::create, assessments::show, assessments::save, assessments::approve, assessments::diff,
        readiness::show,
        soa::show, soa::versions, soa::generate, soa::approve, soa::diff, soa::csv, soa::xlsx,
        soa::add_control, soa::set_implementation,
        risks::method, risks::set_method, risks::list, risks::create, risks::show, risks::update,
        risks::delete, risks::accept, risks::heat_map,
        evidence::add_link, evidence::add_file, evidence::list, evidence::show, evidence::download, evidence::delete,
        redteam::record, redteam::list, redteam::show, redteam::start, redteam::jobs, redteam::cancel,
    ),
    components(schemas(Problem, redteam::StartRun)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

/// The OpenAPI document of every API route, with the responses every operation shares.
pub fn openapi_document() -> serde_json::Value {
    let generated = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    contract::finish(generated)
}

/// The served document, built and serialised once per process: building it allocates
/// several megabytes, so `aims serve` does it before it listens and then hands the
/// allocator's free pages back (see the binary's start-up).
pub fn openapi_document_bytes() -> &'static axum::body::Bytes {
    static DOCUMENT: std::sync::OnceLock<axum::body::Bytes> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        serde_json::to_vec(&openapi_document())
            .map(axum::body::Bytes::from)
            .unwrap_or_default()
    })
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_document_bytes().clone(),
    )
        .into_response()
}
