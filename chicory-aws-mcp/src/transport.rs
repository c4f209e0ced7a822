//! The transports: stdio, and Streamable HTTP behind a bearer token.

use crate::ChicoryMcp;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::{
    session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
};
use rmcp::ServiceExt;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The default HTTP address: loopback only.
pub const DEFAULT_HTTP_ADDRESS: &str = "127.0.0.1:8750";

/// The path the MCP endpoint is served on.
pub const MCP_PATH: &str = "/mcp";

/// Serves `server` over stdin/stdout (for a desktop agent that starts the server itself) until
/// the client closes the stream.
pub async fn serve_stdio(server: ChicoryMcp) -> std::io::Result<()> {
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(std::io::Error::other)?;
    running.waiting().await.map_err(std::io::Error::other)?;
    Ok(())
}

/// The secret a client of the HTTP transport sends as `Authorization: Bearer <token>`.
/// At least 32 characters; its `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct BearerToken(Arc<str>);

impl BearerToken {
    /// Checks the token: at least 32 visible ASCII characters (e.g. `openssl rand -hex 32`).
    pub fn new(token: impl Into<String>) -> chicory_aws_core::Result<Self> {
        let token = token.into();
        let token = token.trim();
        if token.len() < 32 || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(chicory_aws_core::Error::invalid(
                "token",
                "the bearer token must be at least 32 visible ASCII characters (e.g. from \
                 `openssl rand -hex 32`)",
            ));
        }
        Ok(BearerToken(Arc::from(token)))
    }

    /// Whether an `Authorization` header value carries this token (compared in constant time).
    pub fn accepts(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let Some(given) = value
            .strip_prefix(b"Bearer ")
            .or_else(|| value.strip_prefix(b"bearer "))
        else {
            return false;
        };
        let want = self.0.as_bytes();
        if given.len() != want.len() {
            return false;
        }
        given
            .iter()
            .zip(want)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(** redacted **)")
    }
}

/// Settings of the HTTP transport.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpOptions {
    /// The token clients must send.
    pub token: BearerToken,
    /// `Host` values accepted besides the loopback names (rmcp refuses others, against DNS
    /// rebinding).
    pub allowed_hosts: Vec<String>,
    /// Stops the server when cancelled.
    pub shutdown: CancellationToken,
}

impl HttpOptions {
    /// Options with `token`, loopback hosts only, and a shutdown token of their own.
    pub fn new(token: BearerToken) -> Self {
        HttpOptions {
            token,
            allowed_hosts: Vec::new(),
            shutdown: CancellationToken::new(),
        }
    }
}

async fn require_token(State(token): State<BearerToken>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    if token.accepts(given) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused: missing or wrong bearer token");
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "missing or wrong bearer token\n",
        )
            .into_response()
    }
}

/// The HTTP service: `server` on [`MCP_PATH`] (Streamable HTTP), every request checked for the
/// bearer token before rmcp sees it, so a request without the right token runs nothing (401).
pub fn http_router(server: ChicoryMcp, options: &HttpOptions) -> axum::Router {
    let mut config = StreamableHttpServerConfig::default();
    config.cancellation_token = options.shutdown.child_token();
    config
        .allowed_hosts
        .extend(options.allowed_hosts.iter().cloned());
    let service: StreamableHttpService<ChicoryMcp, LocalSessionManager> =
        StreamableHttpService::new(move || Ok(server.clone()), Default::default(), config);
    axum::Router::new()
        .nest_service(MCP_PATH, service)
        .layer(axum::middleware::from_fn_with_state(
            options.token.clone(),
            require_token,
        ))
}

/// Serves `server` over Streamable HTTP on `listener` until `options.shutdown` is cancelled.
pub async fn serve_http(
    server: ChicoryMcp,
    listener: tokio::net::TcpListener,
    options: HttpOptions,
) -> std::io::Result<()> {
    let router = http_router(server, &options);
    let shutdown = options.shutdown.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move { shutdown.cancelled_owned().await })
        .await
}

/// Whether `addr` is a loopback address (the default; anything else is a choice to expose
/// the server, which the binary logs).
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_exactly_and_never_shown() {
        assert!(BearerToken::new("short").is_err());
        let t = BearerToken::new("0123456789abcdef0123456789abcdef").unwrap();
        assert!(t.accepts(Some(b"Bearer 0123456789abcdef0123456789abcdef")));
        assert!(!t.accepts(Some(b"Bearer 0123456789abcdef0123456789abcdeX")));
        assert!(!t.accepts(Some(b"Bearer 0123456789abcdef0123456789abcdef0")));
        assert!(!t.accepts(Some(b"Basic 0123456789abcdef0123456789abcdef")));
        assert!(!t.accepts(None));
        assert!(!format!("{t:?}").contains("0123"));
    }
}
