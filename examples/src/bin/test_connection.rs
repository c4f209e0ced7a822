//! Tests a customer connection as the integration guides' setup ends: assumes the role, asks
//! STS who we are, checks read access to Glue, Athena, S3 and DataZone, and checks that the
//! role cannot be assumed without the External ID. Prints a report; exits 1 if unhealthy.
//!
//! `cargo run -p chicory-aws-examples --bin test_connection -- --params customer.json`
//! `cargo run -p chicory-aws-examples --bin test_connection -- --demo` (local emulator)

use chicory_aws_core::{ConfusedDeputyCheck, ServiceProbe};
use chicory_aws_datazone::DataZoneProbe;
use chicory_aws_examples::ConnectArgs;
use chicory_aws_glue::{AthenaProbe, GlueProbe};
use chicory_aws_s3::S3Probe;
use clap::Parser;

#[derive(Parser)]
#[command(about = "Test a chicory-aws customer connection")]
struct Args {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// The services to probe.
    #[arg(long, value_delimiter = ',', default_value = "glue,athena,s3,datazone")]
    services: Vec<Probe>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Probe {
    Glue,
    Athena,
    S3,
    Datazone,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let conn = args.connect.builder().await?.build().await?;
    let probes: Vec<&dyn ServiceProbe> = args
        .services
        .iter()
        .map(|p| -> &dyn ServiceProbe {
            match p {
                Probe::Glue => &GlueProbe,
                Probe::Athena => &AthenaProbe,
                Probe::S3 => &S3Probe,
                Probe::Datazone => &DataZoneProbe,
            }
        })
        .collect();
    let report = conn.test_connection(&probes).await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "account   {} ({}), access level {}",
            report.account_id, report.region, report.access_level
        );
        match (&report.caller_arn, &report.identity_error) {
            (Some(arn), _) => println!("identity  OK  {arn}"),
            (None, Some(e)) => println!("identity  FAILED  {e}"),
            (None, None) => println!("identity  unknown"),
        }
        for s in &report.services {
            match &s.error {
                None => println!("{:<9} OK  {}", s.service, s.action),
                Some(e) => println!("{:<9} FAILED  {}: {e}", s.service, s.action),
            }
        }
        match &report.confused_deputy {
            ConfusedDeputyCheck::Protected => {
                println!("external id  OK  AssumeRole without the External ID is denied")
            }
            ConfusedDeputyCheck::Vulnerable => println!(
                "external id  !!! WARNING !!!  the role can be assumed WITHOUT the External ID; \
                 the trust policy must require sts:ExternalId (confused-deputy risk)"
            ),
            ConfusedDeputyCheck::Inconclusive(why) => println!("external id  inconclusive: {why}"),
            ConfusedDeputyCheck::NotApplicable => println!("external id  n/a (access keys)"),
            _ => {}
        }
    }
    if !report.is_healthy() {
        std::process::exit(1);
    }
    Ok(())
}
