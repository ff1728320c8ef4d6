//! The JSON API under `/api/v1`, and its OpenAPI document generated from the handlers.

mod account;
mod assessments;
mod audit;
mod classification;
mod competence;
mod context;
mod contract;
mod contract_rules;
mod custom_frameworks;
mod document_files;
mod document_lifecycle;
mod documents;
mod evidence;
mod form_values;
mod frameworks;
pub mod health;
mod members;
mod metrics;
mod nonconformities;
mod objectives;
mod org;
mod readiness;
mod redteam;
mod risks;
mod soa;
mod system_views;
mod systems;
mod tokens;
mod training;
mod views;
mod work;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

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
        let headers = request.headers().clone();
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        read_body(&headers, &bytes).map(Body)
    }
}

/// Reads `bytes` sent with `headers` as a JSON body, as [`Body`] does: for a handler whose
/// permission depends on the record, which it checks before it reads the body.
pub fn read_body<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    bytes: &[u8],
) -> Result<T, ApiError> {
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json_media_type);
    if !is_json {
        return Err(ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as application/json",
        ));
    }
    crate::boundary::parse_json("body", bytes)
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

/// Every documented route (the API under `/api/v1` and the health checks), each added with
/// its OpenAPI entry from the handler's annotation: a route cannot exist undocumented, and the
/// permission matrix, which reads the document, sees every route. Handlers of one path are
/// listed together.
fn documented() -> OpenApiRouter<WebState> {
    let upload = crate::UPLOAD_LIMIT;
    // An imported catalogue travels as a JSON string, escaped: room enough for the app to
    // say that it is larger than it takes.
    let import = 2 * aims_app::MAX_IMPORT_BYTES + crate::BODY_LIMIT;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(account::me))
        .routes(routes!(account::change_password))
        .routes(routes!(account::sessions))
        .routes(routes!(account::revoke_session))
        .routes(routes!(org::my_orgs))
        .routes(routes!(org::show, org::rename))
        .routes(routes!(members::list))
        .routes(routes!(members::change_role, members::remove))
        .routes(routes!(members::invitations, members::invite))
        .routes(routes!(members::revoke_invitation))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(audit::verify))
        .routes(routes!(audit::head))
        .routes(routes!(frameworks::list))
        .routes(routes!(frameworks::search))
        .routes(routes!(custom_frameworks::compare))
        .routes(body_limit(
            routes!(custom_frameworks::list, custom_frameworks::import),
            import,
        ))
        .routes(routes!(custom_frameworks::delete))
        .routes(routes!(frameworks::show))
        .routes(routes!(frameworks::item))
        .routes(routes!(
            frameworks::get_text,
            frameworks::put_text,
            frameworks::delete_text
        ))
        .routes(routes!(frameworks::import_texts))
        .routes(routes!(systems::list, systems::create))
        .routes(routes!(systems::show, systems::update, systems::delete))
        .routes(routes!(systems::add_component))
        .routes(routes!(
            systems::update_component,
            systems::remove_component
        ))
        .routes(routes!(classification::show, classification::classify))
        .routes(body_limit(
            routes!(classification::export_bom, classification::import_bom),
            upload,
        ))
        .routes(routes!(classification::list_questions))
        .routes(routes!(assessments::create))
        .routes(routes!(assessments::show, assessments::save))
        .routes(routes!(assessments::approve))
        .routes(routes!(assessments::diff))
        .routes(routes!(readiness::show))
        .routes(routes!(soa::show))
        .routes(routes!(soa::versions, soa::generate))
        .routes(routes!(soa::approve))
        .routes(routes!(soa::diff))
        .routes(routes!(soa::csv))
        .routes(routes!(soa::xlsx))
        .routes(routes!(soa::add_control))
        .routes(routes!(soa::set_implementation))
        .routes(routes!(risks::method, risks::set_method))
        .routes(routes!(risks::list, risks::create))
        .routes(routes!(risks::heat_map))
        .routes(routes!(risks::show, risks::update, risks::delete))
        .routes(routes!(risks::accept))
        .routes(routes!(evidence::list, evidence::add_link))
        .routes(body_limit(routes!(evidence::add_file), upload))
        .routes(routes!(evidence::show, evidence::delete))
        .routes(routes!(evidence::download))
        .routes(body_limit(
            routes!(documents::list, documents::create),
            crate::DOCUMENT_BODY_LIMIT,
        ))
        .routes(body_limit(
            routes!(documents::show, documents::save),
            crate::DOCUMENT_BODY_LIMIT,
        ))
        .routes(body_limit(
            routes!(document_files::attach, document_files::remove),
            upload,
        ))
        .routes(routes!(document_files::download))
        .routes(routes!(document_lifecycle::submit))
        .routes(routes!(document_lifecycle::send_back))
        .routes(routes!(document_lifecycle::approve))
        .routes(routes!(document_lifecycle::retire))
        .routes(routes!(document_lifecycle::acknowledge))
        .routes(routes!(documents::diff))
        .routes(routes!(documents::templates_list))
        .routes(routes!(documents::from_template))
        .routes(routes!(
            document_lifecycle::approvers,
            document_lifecycle::set_approvers
        ))
        // A large organisation's context (a hundred rows to a list) outgrows the usual body.
        .routes(body_limit(
            routes!(context::show, context::save),
            crate::CONTEXT_BODY_LIMIT,
        ))
        .routes(routes!(context::submit))
        .routes(routes!(context::approve))
        .routes(routes!(context::send_back))
        .routes(routes!(context::versions))
        .routes(routes!(context::version))
        .routes(routes!(context::diff))
        .routes(routes!(competence::list_roles, competence::create_role))
        .routes(routes!(
            competence::show_role,
            competence::update_role,
            competence::delete_role
        ))
        .routes(routes!(training::list_training, training::create_training))
        .routes(routes!(
            training::show_training,
            training::update_training,
            training::delete_training
        ))
        .routes(routes!(training::create_training_for))
        .routes(routes!(competence::report))
        .routes(routes!(work::list, work::create))
        .routes(routes!(work::show, work::update))
        .routes(routes!(work::comment))
        .routes(routes!(work::my_work))
        .routes(routes!(work::notifications))
        .routes(routes!(work::read_all))
        .routes(routes!(work::read_one))
        .routes(routes!(work::email_preference, work::set_email_preference))
        .routes(routes!(metrics::list, metrics::create))
        .routes(routes!(metrics::show, metrics::update, metrics::delete))
        .routes(routes!(metrics::measurements, metrics::record))
        .routes(routes!(metrics::delete_measurement))
        .routes(routes!(metrics::measure_now))
        .routes(routes!(metrics::trend))
        .routes(routes!(objectives::list, objectives::create))
        .routes(routes!(
            objectives::show,
            objectives::update,
            objectives::delete
        ))
        .routes(routes!(nonconformities::list, nonconformities::create))
        .routes(routes!(nonconformities::show, nonconformities::update))
        .routes(routes!(nonconformities::add_action))
        .routes(routes!(nonconformities::verify))
        .routes(routes!(nonconformities::withdraw))
        .routes(body_limit(routes!(redteam::list, redteam::record), upload))
        .routes(routes!(redteam::show))
        .routes(routes!(redteam::jobs, redteam::start))
        .routes(routes!(redteam::cancel))
}

/// The routes of one path, taking bodies of up to `bytes`.
fn body_limit(
    (schemas, paths, method_router): UtoipaMethodRouter<WebState>,
    bytes: usize,
) -> UtoipaMethodRouter<WebState> {
    let limit = axum::extract::DefaultBodyLimit::max(bytes);
    (schemas, paths, method_router.layer(limit))
}

/// The documented routes, to serve.
pub fn routes() -> Router<WebState> {
    documented().split_for_parts().0
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
    components(schemas(Problem, redteam::StartRun)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

/// The OpenAPI document of every API route, with the responses every operation shares.
pub fn openapi_document() -> serde_json::Value {
    let generated = serde_json::to_value(documented().into_openapi()).unwrap_or_default();
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
