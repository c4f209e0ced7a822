//! `chicory-aws mcp`: the MCP server (chicory-aws-mcp) over a config file's accounts, or over
//! the demo account of the local emulator in one command:
//!
//! ```sh
//! chicory-aws mcp --demo              # stdio
//! chicory-aws mcp --demo --http       # http://127.0.0.1:8750/mcp
//! ```
//!
//! With `--demo`, the demo catalog and bucket are seeded on the emulator (started if needed)
//! as `scripts/demo.sh` seeds them, a demo vendor and a customer role holding exactly the
//! ReadOnly policies are provisioned, and the server serves that role as the account `demo`
//! (DataZone from the test kit's fake, as in the demo scan). Over HTTP without
//! `CHICORY_MCP_TOKEN`, a random token is made and printed on stderr.

use chicory_aws_examples::demo;
use chicory_aws_mcp::cli::{ServeArgs, TokenSource};
use chicory_aws_mcp::config::HttpConfig;
use chicory_aws_mcp::{Account, ChicoryMcp, Config};
use std::path::PathBuf;

/// An MCP server over AWS Glue, Athena, S3 and DataZone of customer accounts.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file naming the accounts (TOML, or JSON when it ends in .json).
    #[arg(long, conflicts_with = "demo", required_unless_present = "demo")]
    config: Option<PathBuf>,
    /// Serve the demo account of the local emulator (seeded and provisioned first).
    #[arg(long)]
    demo: bool,
    #[command(flatten)]
    serve: ServeArgs,
}

/// Serves until stdin closes (stdio) or Ctrl-C (HTTP).
pub async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let builder = ChicoryMcp::builder();
    let (server, http, source) = if args.demo {
        eprintln!("mcp: seeding and provisioning the demo account on the emulator...");
        demo::seed().await?;
        let d = demo::provision().await;
        let endpoint = chicory_aws_testkit::Emulator::get().endpoint().to_owned();
        let datazone = demo::datazone_endpoint().await;
        let vendor = d.vendor.clone();
        let account = Account::new("demo", d.params.clone())?.configure(move |b| {
            b.endpoint_url(&endpoint)
                .service_endpoint_url("datazone", &datazone)
                .base_credentials(vendor.base_credentials())
        });
        let server = builder.account(account).build().await?;
        (
            server,
            HttpConfig::default(),
            TokenSource::GenerateIfMissing,
        )
    } else {
        let path = args
            .config
            .as_ref()
            .expect("clap requires --config without --demo");
        let config = Config::from_file(path)?;
        let server = builder.accounts(config.accounts()?).build().await?;
        (server, config.http, TokenSource::Required)
    };
    chicory_aws_mcp::cli::run(server, &args.serve, &http, source).await?;
    Ok(())
}
