//! The command line of the server binaries (`chicory-aws-mcp`, and `chicory-aws mcp`):
//! stdio by default, Streamable HTTP with `--http`.

use crate::config::HttpConfig;
use crate::{
    is_loopback, serve_http, serve_stdio, BearerToken, ChicoryMcp, HttpOptions,
    DEFAULT_HTTP_ADDRESS, MCP_PATH,
};
use std::net::SocketAddr;

/// The transport options of the command line.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Serve Streamable HTTP instead of stdio, on this address (default: the config file's
    /// [http] address, else 127.0.0.1:8750). The bearer token comes from the config's
    /// token_file or the CHICORY_MCP_TOKEN environment variable.
    #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "ADDRESS")]
    pub http: Option<String>,
}

/// Where the HTTP transport's bearer token comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSource {
    /// The config's `token_file`, else `CHICORY_MCP_TOKEN`; an error when neither is set.
    Required,
    /// As `Required`, but a fresh random token (printed on stderr) when neither is set: for
    /// the local demo only.
    GenerateIfMissing,
}

fn token(http: &HttpConfig, source: TokenSource) -> Result<BearerToken, String> {
    let text = match &http.token_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?,
        None => match std::env::var("CHICORY_MCP_TOKEN") {
            Ok(t) => t,
            Err(_) if source == TokenSource::GenerateIfMissing => {
                let t = format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                );
                eprintln!("chicory-aws-mcp: demo bearer token (CHICORY_MCP_TOKEN unset): {t}");
                t
            }
            Err(_) => {
                return Err(
                    "HTTP needs a bearer token: set CHICORY_MCP_TOKEN or [http] token_file"
                        .to_owned(),
                )
            }
        },
    };
    BearerToken::new(text).map_err(|e| e.to_string())
}

/// Serves `server` as the command line says: stdio, or HTTP until Ctrl-C.
pub async fn run(
    server: ChicoryMcp,
    args: &ServeArgs,
    http: &HttpConfig,
    source: TokenSource,
) -> Result<(), String> {
    tracing::info!(
        accounts = ?server.account_names(),
        tools = server.tools().len(),
        "chicory-aws-mcp ready"
    );
    let Some(address) = &args.http else {
        return serve_stdio(server).await.map_err(|e| e.to_string());
    };
    let addr: SocketAddr = match (address.as_str(), http.address) {
        ("", Some(a)) => a,
        ("", None) => DEFAULT_HTTP_ADDRESS.parse().expect("valid default"),
        (s, _) => s
            .parse()
            .map_err(|e| format!("--http: expected an address like 127.0.0.1:8750: {e}"))?,
    };
    let mut options = HttpOptions::new(token(http, source)?);
    options.allowed_hosts = http.allowed_hosts.clone();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    if !is_loopback(&local) {
        tracing::warn!(%local, "listening beyond loopback: put TLS in front of this server");
    }
    // On stderr, so a caller that asked for port 0 learns the port.
    eprintln!("chicory-aws-mcp: listening on http://{local}{MCP_PATH}");
    let shutdown = options.shutdown.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        shutdown.cancel();
    });
    serve_http(server, listener, options)
        .await
        .map_err(|e| e.to_string())
}

/// Logs to stderr (`RUST_LOG`, default `chicory_aws_mcp=info`): stdout is the stdio
/// transport's.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "chicory_aws_mcp=info".into()),
        )
        .init();
}
