//! What every handler shares: the application, the web settings and the metrics.

use std::sync::Arc;

use aims_app::App;

use crate::metrics::Metrics;

/// When the session cookie carries the `Secure` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CookiePolicy {
    /// When the request arrived over TLS, as told by a trusted proxy's `X-Forwarded-Proto`.
    #[default]
    Auto,
    /// Always (the service is only reachable over HTTPS).
    Always,
}

/// Settings of the HTTP interface.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The address people use to reach the service, for links (`http://127.0.0.1:8080`).
    pub public_url: String,
    pub cookies: CookiePolicy,
    /// Whether `X-Forwarded-For` and `X-Forwarded-Proto` from the peer are believed.
    pub trust_proxy: bool,
    /// Whether `/metrics` answers requests from loopback without a token.
    pub metrics_from_loopback: bool,
    /// How long each part of a request may take.
    pub limits: crate::ServeLimits,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            cookies: CookiePolicy::Auto,
            trust_proxy: false,
            metrics_from_loopback: true,
            limits: crate::ServeLimits::default(),
        }
    }
}

/// The state of the HTTP interface.
#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
}

impl WebState {
    /// State for serving `app` with `config`.
    pub fn new(app: App, config: WebConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }
}
