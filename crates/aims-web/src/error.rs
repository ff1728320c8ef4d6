//! The one place where use-case errors become HTTP: a status for each kind, a problem+json
//! body for the API, an error page for people. Internal details go to the log only.

use aims_app::AppError;
use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in words a person can act on.
    pub detail: String,
    /// The input field at fault, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answered by the API as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    pub field: Option<String>,
    pub retry_after: Option<i64>,
}

impl ApiError {
    /// An error with `status` and `detail`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            field: None,
            retry_after: None,
        }
    }
}

/// When a client should try again after the database could not be reached.
const UNAVAILABLE_RETRY_AFTER_SECONDS: i64 = 5;

/// The status and wording for each kind of use-case error.
impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let (status, detail, field) = match &err {
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "sign in, or send a valid API token".into(),
                None,
            ),
            AppError::Denied(aims_app::domain::Denied(
                aims_app::domain::Permission::ManageOwnAccount,
            )) => (
                StatusCode::FORBIDDEN,
                "only a person signed in may do this, not an API token".into(),
                None,
            ),
            AppError::Denied(_) => (
                StatusCode::FORBIDDEN,
                "your role does not allow this".into(),
                None,
            ),
            AppError::NotFound(what) => (StatusCode::NOT_FOUND, format!("{what} not found"), None),
            AppError::Invalid(v) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{}: {}", v.field, v.message),
                Some(v.field.to_string()),
            ),
            AppError::Conflict(what) => (StatusCode::CONFLICT, what.clone(), None),
            AppError::Throttled { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed attempts: try again later".into(),
                None,
            ),
            AppError::Busy { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy checking passwords; try again shortly".into(),
                None,
            ),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = %aims_app::causes(cause), "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database cannot be reached just now; try again shortly".into(),
                    None,
                )
            }
            AppError::Storage(cause) => {
                tracing::error!(error = %aims_app::causes(cause), "storage failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; it has been logged".into(),
                    None,
                )
            }
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; it has been logged".into(),
                    None,
                )
            }
        };
        let retry_after = match err {
            AppError::Throttled {
                retry_after_seconds,
            }
            | AppError::Busy {
                retry_after_seconds,
            } => Some(retry_after_seconds),
            AppError::Unavailable(_) => Some(UNAVAILABLE_RETRY_AFTER_SECONDS),
            _ => None,
        };
        Self {
            status,
            detail,
            field,
            retry_after,
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = match &rejection {
            JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            JsonRejection::JsonDataError(_) => StatusCode::UNPROCESSABLE_ENTITY,
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        // A malformed id names no object of this organisation.
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("not found ({})", rejection.body_text()),
        )
    }
}

impl From<FormRejection> for ApiError {
    fn from(rejection: FormRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

fn title(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Error").to_owned()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            kind: "about:blank".into(),
            title: title(self.status),
            status: self.status.as_u16(),
            detail: self.detail,
            field: self.field,
        };
        let mut response = (self.status, Json(problem)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after
            && let Ok(value) = header::HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// Unknown routes: a problem under `/api`, a page elsewhere.
pub async fn not_found_fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "no such route").into_response()
    } else {
        crate::pages::error_page(StatusCode::NOT_FOUND, "This page does not exist.")
    }
}
