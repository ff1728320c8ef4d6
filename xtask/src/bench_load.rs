//! Requests measured as the spine bench sends them: many GETs from concurrent clients with
//! their latency percentiles, a request right after a change, signing in for the pages, and the
//! pages' sizes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::bail;

pub(crate) const REQUESTS: usize = 2_000;
/// The longest one row of the table runs.
const MAX_RUN: std::time::Duration = std::time::Duration::from_secs(15);

pub(crate) struct Figures {
    pub(crate) per_second: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p95_ms: f64,
    pub(crate) errors: usize,
}

/// How the bench identifies itself: an API token, or a browser's session cookie for pages.
#[derive(Clone)]
pub(crate) enum Auth {
    Bearer(String),
    Cookie(String),
}

impl Auth {
    fn to(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::Cookie(cookie) => request.header("cookie", cookie),
        }
    }
}

/// Sends `REQUESTS` GETs spread over `urls` from `clients` concurrent clients.
pub(crate) async fn measure(
    http: &reqwest::Client,
    urls: &[String],
    auth: &Auth,
    clients: usize,
) -> Figures {
    let next = Arc::new(AtomicUsize::new(0));
    let urls = Arc::new(urls.to_vec());
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (http, next, urls, auth) = (http.clone(), next.clone(), urls.clone(), auth.clone());
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0);
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    // A slow page is measured for a while, not for its full count.
                    if n >= REQUESTS || started.elapsed() > MAX_RUN {
                        break;
                    }
                    let begun = Instant::now();
                    match auth.to(http.get(&urls[n % urls.len()])).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                        }
                        _ => errors += 1,
                    }
                    latencies.push(begun.elapsed());
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for worker in workers {
        if let Ok((l, e)) = worker.await {
            latencies.extend(l);
            errors += e;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        errors,
    }
}

/// Measures GET `/{path}` right after each of 20 renames of the organisation.
pub(crate) async fn after_change(
    http: &reqwest::Client,
    base: &str,
    auth: &Auth,
    owner_token: &str,
    name: &str,
    path: &str,
) {
    let mut latencies = Vec::new();
    for i in 0..20 {
        let renamed = http
            .patch(format!("{base}/api/v1/org"))
            .bearer_auth(owner_token)
            .json(&serde_json::json!({"name": format!("Bench {i}")}))
            .send()
            .await;
        if !renamed.is_ok_and(|r| r.status().is_success()) {
            println!("  (could not rename the organisation to measure {name})");
            return;
        }
        let begun = Instant::now();
        let ok = auth
            .to(http.get(format!("{base}/{path}")))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            latencies.push(begun.elapsed().as_secs_f64() * 1000.0);
        }
    }
    if latencies.is_empty() {
        return;
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "  {name:<32} {:>8} {:>10} {:>9.2} {:>9.2} {:>7}",
        1,
        "-",
        at(0.5),
        at(0.95),
        20 - latencies.len()
    );
}

/// Signs in as `email` (the bench's password) and returns the session cookie.
pub(crate) async fn sign_in(base: &str, email: &str) -> anyhow::Result<String> {
    // The session cookie comes with the redirect, which is not to be followed.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let answer = http
        .post(format!("{base}/sign-in"))
        .form(&[("email", email), ("password", "spine bench password")])
        .send()
        .await?;
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("aims_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    match cookie {
        Some(cookie) => Ok(cookie),
        None => bail!("signing in gave no session ({})", answer.status()),
    }
}

/// The size of each page's HTML, and of the stylesheet and script every page loads.
pub(crate) async fn page_sizes(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    pages: &[(&str, Vec<String>)],
) {
    let size = async |url: &str| {
        let body = http
            .get(url)
            .header("cookie", cookie)
            .send()
            .await
            .ok()?
            .bytes()
            .await
            .ok()?;
        Some(body.len() as f64 / 1024.0)
    };
    let css = size(&format!("{base}/assets/aims.css"))
        .await
        .unwrap_or(f64::NAN);
    let js = size(&format!("{base}/assets/aims.js"))
        .await
        .unwrap_or(f64::NAN);
    println!(
        "  sizes (KiB): stylesheet {css:.1}, script {js:.1} (each cached; the same on every page)"
    );
    for (name, urls) in pages {
        if let Some(url) = urls.first() {
            let html = size(url).await.unwrap_or(f64::NAN);
            println!(
                "    {name:<30} HTML {html:>7.1}, with stylesheet and script {:>7.1}",
                html + css + js
            );
        }
    }
}
