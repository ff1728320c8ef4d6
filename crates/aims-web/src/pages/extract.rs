//! What a page request carries, read so that anything malformed answers a page that says so
//! rather than a bare status.

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::error_page;
use crate::state::WebState;

/// An id in a page's path; one that is not a valid id answers the not-found page.
pub struct PageId<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<WebState> for PageId<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PageId(value)),
            Err(_) => Err(error_page(
                StatusCode::NOT_FOUND,
                "This page does not exist.",
            )),
        }
    }
}

/// A submitted form; a malformed one answers a page that says so.
pub struct PageForm<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<WebState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let form_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form_type {
            return Err(error_page(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The form must be sent as application/x-www-form-urlencoded.",
            ));
        }
        let bytes = match axum::body::Bytes::from_request(request, state).await {
            Ok(bytes) => bytes,
            Err(rejection) => {
                return Err(error_page(
                    rejection.status(),
                    &format!("The form could not be read: {}", rejection.body_text()),
                ));
            }
        };
        // Every field is text a person typed: line breaks and tabs pass, other control
        // characters do not.
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        if let Some((name, _)) = fields.iter().find(|(name, value)| {
            crate::boundary::holds_control(value, true)
                || crate::boundary::holds_control(name, false)
        }) {
            return Err(error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!(
                    "The field {name:?} holds a control character; remove it and send the form again."
                ),
            ));
        }
        serde_urlencoded::from_bytes::<T>(&bytes)
            .map(PageForm)
            .map_err(|e| {
                error_page(
                    StatusCode::BAD_REQUEST,
                    &format!("The form could not be read: {e}"),
                )
            })
    }
}
