//! `chicory-aws`: one command line over the chicory-aws crates.
//!
//! ```sh
//! cargo install --locked --path examples               # installs `chicory-aws`
//! chicory-aws test-connection --params customer.json --expect-table sales.orders
//! chicory-aws scan --params customer.json --out scan.jsonl --json
//! chicory-aws onboarding --service glue --level ReadOnly --vendor-account 123456789012 \
//!     --external-id chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a
//! chicory-aws mcp --config accounts.toml      # MCP server, stdio (or --http)
//! chicory-aws scan --demo                     # the local emulator's demo account
//! ```
//!
//! Exit codes, the same for every subcommand:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | complete: every part read (or skipped because the customer denied it or it vanished); the connection is healthy |
//! | 2 | incomplete: the run finished, but parts failed after every retry and records may be missing (named on stderr, and as `scan_incomplete` lines) |
//! | 1 | failed: the run could not be done (bad parameters, no connection, an unhealthy connection test, an expected table not visible) |
//! | 64 | usage: the command line is wrong |
//!
//! Progress goes to stderr: a live line per scanner (records, requests, skipped and
//! incomplete parts, rate) when stderr is a terminal, plain lines otherwise. `--json` prints a
//! machine-readable summary on stdout.

mod mcp;
mod onboarding;
mod progress;
mod scan;
mod test_connection;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Reach into customer AWS accounts safely: test a connection, scan Glue, Athena, S3 and
/// DataZone, print onboarding material, serve MCP.
#[derive(Debug, Parser)]
#[command(name = "chicory-aws", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Test a customer connection: assume the role, read each service, check the External ID.
    TestConnection(test_connection::Args),
    /// Scan Glue, Athena, query activity, S3 and DataZone into JSON Lines.
    Scan(Box<scan::Args>),
    /// Print a customer's onboarding material (policies, template, link, CLI commands).
    Onboarding(onboarding::Args),
    /// Serve the operators and scans as MCP tools (stdio, or Streamable HTTP).
    Mcp(mcp::Args),
}

/// How a run ended; the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was read or skipped for a reason the customer controls.
    Complete,
    /// Parts failed after every retry: records may be missing.
    Incomplete,
    /// The run could not be done, or the check it ran failed.
    Failed,
}

impl Outcome {
    /// The exit code of this outcome.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Complete => 0,
            Outcome::Failed => 1,
            Outcome::Incomplete => 2,
        }
    }
}

/// The exit code of a wrong command line (BSD's EX_USAGE), apart from clap's 2, which is
/// "incomplete" here.
const EXIT_USAGE: u8 = 64;

fn init_logging() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "error,chicory_aws_mcp=info".into()),
        )
        .init();
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version print to stdout and succeed.
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    init_logging();
    let result = match cli.command {
        // No runtime needed: onboarding is offline.
        Command::Onboarding(args) => {
            onboarding::print(&args, &mut std::io::stdout().lock()).map(|()| Outcome::Complete)
        }
        command => tokio::runtime::Runtime::new()
            .map_err(Into::into)
            .and_then(|rt| {
                rt.block_on(async move {
                    match command {
                        Command::TestConnection(args) => test_connection::run(args).await,
                        Command::Scan(args) => scan::run(*args).await,
                        Command::Mcp(args) => mcp::run(args).await.map(|()| Outcome::Complete),
                        Command::Onboarding(_) => unreachable!("handled above"),
                    }
                })
            }),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            // Display, never Debug: the error's own message names the field and the fix.
            eprintln!("chicory-aws: error: {e}");
            ExitCode::from(Outcome::Failed.code())
        }
    }
}
