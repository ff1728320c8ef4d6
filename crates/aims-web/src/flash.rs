//! A value shown once on the page a form redirects to (post/redirect/get): a new token's
//! secret, an invitation's link. It travels in a short-lived cookie scoped to that page's
//! path, read and cleared by the page, so that reloading never repeats the form.

use axum::http::{HeaderMap, HeaderValue, header};

const NAME: &str = "aims_once";
/// Long enough for the redirect, short enough not to linger.
const SECONDS: u32 = 120;

/// The `Set-Cookie` value that holds `value` for the page at `path`.
pub fn hold(path: &str, value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{NAME}={}; Path={path}; HttpOnly; SameSite=Strict; Max-Age={SECONDS}{secure}",
        crate::pages::encode(value)
    )
}

/// The value a request carries, and the `Set-Cookie` that clears it (for `path`).
pub fn take(headers: &HeaderMap, path: &str) -> Option<(String, HeaderValue)> {
    let raw = crate::identity::cookie(headers, NAME)?;
    let value = percent_decoded(raw)?;
    let clear = HeaderValue::from_str(&format!(
        "{NAME}=; Path={path}; HttpOnly; SameSite=Strict; Max-Age=0"
    ))
    .ok()?;
    Some((value, clear))
}

fn percent_decoded(text: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&format!("v={text}")).ok()?;
    pairs.into_iter().next().map(|(_, v)| v)
}

/// Adds `clear` to a response's headers.
pub fn cleared(
    mut response: axum::response::Response,
    clear: HeaderValue,
) -> axum::response::Response {
    response.headers_mut().append(header::SET_COOKIE, clear);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_comes_back_once_from_its_cookie() {
        let set = hold("/tokens", "aims_ab+c/d", false);
        assert!(
            set.starts_with("aims_once=aims_ab%2Bc%2Fd; Path=/tokens; HttpOnly; SameSite=Strict")
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; aims_once=aims_ab%2Bc%2Fd"),
        );
        let (value, clear) = take(&headers, "/tokens").unwrap();
        assert_eq!(value, "aims_ab+c/d");
        assert!(clear.to_str().unwrap().contains("Max-Age=0"));
        assert!(take(&HeaderMap::new(), "/tokens").is_none());
    }
}
