//! The edge of the service: control characters are refused in every string a request
//! carries (path, query, form, JSON, multipart), and every error leaves in the house style:
//! `application/problem+json` for programs (`/api`, metrics, health), the error page for
//! people, whichever layer (a
//! rejection, a limit, a timeout, the router) made it.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// Whether `text` holds a control character; line breaks and tabs pass where `multiline`.
pub fn holds_control(text: &str, multiline: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// Where in a JSON value a string holds a control character other than a line break or tab,
/// as a dotted path (`targets.0.id`), or `None`.
pub fn control_in_json(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => holds_control(text, true).then(String::new),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| control_in_json(item).map(|inner| join(&i.to_string(), &inner))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            if holds_control(key, false) {
                return Some(String::from("(a key)"));
            }
            control_in_json(item).map(|inner| join(key, &inner))
        }),
        _ => None,
    }
}

fn join(head: &str, tail: &str) -> String {
    if tail.is_empty() {
        head.to_owned()
    } else {
        format!("{head}.{tail}")
    }
}

/// The refusal of a value holding a control character.
fn control_refused(field: &str) -> ApiError {
    let mut err = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("{field}: must not contain control characters other than line breaks and tabs"),
    );
    err.field = Some(field.to_owned());
    err
}

/// `value` with every number that is a whole number written as a fraction (`520.0`) made an
/// integer: JSON Schema counts it as one, and so do the fields that take integers.
fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Reads JSON text into `T`, refusing control characters in its strings first.
pub fn parse_json<T: DeserializeOwned>(what: &str, text: &[u8]) -> Result<T, ApiError> {
    let mut value: Value = serde_json::from_slice(text)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("{what}: {e}")))?;
    whole_numbers(&mut value);
    if let Some(path) = control_in_json(&value) {
        return Err(control_refused(if path.is_empty() { what } else { &path }));
    }
    // The path of the value that does not fit names the field, not the body as a whole.
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = match (what, path.as_str()) {
            (_, ".") => what.to_owned(),
            ("body", inner) => inner.to_owned(),
            (part, inner) => format!("{part}.{inner}"),
        };
        let mut err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{field}: {}", e.inner()),
        );
        err.field = Some(field);
        err
    })
}

/// Reads the JSON text of one field of a form (a multipart part) into `T`: anything wrong
/// with it, its syntax included, is that field's fault (422 naming it).
pub fn parse_json_field<T: DeserializeOwned>(field: &str, text: &[u8]) -> Result<T, ApiError> {
    parse_json(field, text).map_err(|mut err| {
        err.status = StatusCode::UNPROCESSABLE_ENTITY;
        err.field = err.field.or_else(|| Some(field.to_owned()));
        err
    })
}

/// Refuses a text field of a form or multipart body that holds a control character other
/// than a line break or tab.
pub fn check_text(field: &str, text: &str) -> Result<(), ApiError> {
    if holds_control(text, true) {
        return Err(control_refused(field));
    }
    Ok(())
}

/// Refuses a request whose path or query, once decoded, holds any control character:
/// nothing an address names may (a NUL would otherwise reach the database).
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let decoded = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8_lossy()
            .into_owned()
    };
    let path_bad = holds_control(&decoded(uri.path()), false);
    let query_bad = uri
        .query()
        .is_some_and(|q| holds_control(&decoded(q), false));
    if path_bad || query_bad {
        let where_ = if path_bad { "path" } else { "query" };
        let message = format!(
            "the address's {where_} holds a control character (such as %00 or %0A), which no name, id or filter may contain"
        );
        return if is_api(uri.path()) {
            ApiError::new(StatusCode::BAD_REQUEST, message).into_response()
        } else {
            crate::pages::error_page(StatusCode::BAD_REQUEST, &capitalise(&message))
        };
    }
    next.run(request).await
}

/// Whether `path` is for programs (the API, metrics, health) rather than people.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || matches!(path, "/metrics" | "/healthz" | "/readyz")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Most of a foreign error body kept as the problem's detail.
const DETAIL_BYTES: usize = 2048;

/// Turns every error response that is not yet in the house style into it: under `/api` a
/// problem document (keeping `Retry-After` and `Allow`), elsewhere the error page. The text
/// a lower layer gave (axum's rejections, the body limit) becomes the detail.
pub async fn errors_in_house_style(request: Request, next: Next) -> Response {
    let api = is_api(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let styled = if api {
        content_type.starts_with("application/problem+json")
    } else {
        content_type.starts_with("text/html")
    };
    if styled {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, DETAIL_BYTES).await {
        Ok(bytes) if content_type.starts_with("text/plain") => {
            String::from_utf8_lossy(&bytes).trim().to_owned()
        }
        _ => String::new(),
    };
    let detail = if text.is_empty() {
        default_detail(status)
    } else {
        text
    };
    let mut styled = if api {
        ApiError::new(status, detail).into_response()
    } else {
        crate::pages::error_page(status, &capitalise(&detail))
    };
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = parts.headers.get(&name) {
            styled.headers_mut().insert(name, value.clone());
        }
    }
    styled
}

fn default_detail(status: StatusCode) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "this address does not take that method".into(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than this address takes".into()
        }
        StatusCode::REQUEST_TIMEOUT => "the request took too long to arrive".into(),
        StatusCode::SERVICE_UNAVAILABLE => "the service could not answer in time; try again".into(),
        other => other
            .canonical_reason()
            .unwrap_or("the request could not be served")
            .to_lowercase(),
    }
}
