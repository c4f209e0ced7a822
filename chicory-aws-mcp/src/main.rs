//! `chicory-aws-mcp`: the MCP server over the customer accounts of a config file.
//!
//! ```sh
//! chicory-aws-mcp --config accounts.toml                        # stdio (a desktop agent)
//! CHICORY_MCP_TOKEN=... chicory-aws-mcp --config accounts.toml --http 127.0.0.1:8750
//! ```
//!
//! The vendor's own AWS credentials come from the SDK's default chain (environment, profile,
//! instance role), never from the config file. Logs go to stderr (`RUST_LOG`), never stdout,
//! which is the stdio transport's. The emulator's demo account: `cargo run -p
//! chicory-aws-examples -- mcp --demo` (the `chicory-aws` CLI).

use chicory_aws_mcp::cli::{init_logging, run, ServeArgs, TokenSource};
use chicory_aws_mcp::{ChicoryMcp, Config};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// An MCP server over AWS Glue, Athena, S3 and DataZone of customer accounts.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The config file naming the accounts (TOML, or JSON when it ends in .json).
    #[arg(long)]
    config: PathBuf,
    #[command(flatten)]
    serve: ServeArgs,
}

async fn main_result(args: Args) -> Result<(), String> {
    let config = Config::from_file(&args.config).map_err(|e| e.to_string())?;
    let server = ChicoryMcp::builder()
        .accounts(config.accounts().map_err(|e| e.to_string())?)
        .build()
        .await
        .map_err(|e| e.to_string())?;
    run(server, &args.serve, &config.http, TokenSource::Required).await
}

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    match main_result(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chicory-aws-mcp: {e}");
            ExitCode::FAILURE
        }
    }
}
