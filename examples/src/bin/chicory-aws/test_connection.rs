//! `chicory-aws test-connection`: tests a customer connection as the integration guides' setup ends: assumes the role, asks
//! STS who we are, checks read access to Glue, Athena, S3 and DataZone, and checks that the
//! role cannot be assumed without the External ID. With `--expect-table DB.TABLE` (or
//! `--expect-table DB`), also says for each whether the role sees it, and if not whether IAM
//! denies it, Lake Formation hides it, or it does not exist, with the remedy. Prints a report
//! (`--json`: as JSON, with `healthy`); exits 1 if unhealthy or an expected table is not
//! visible.
//!
//! `chicory-aws test-connection --params customer.json`
//! `chicory-aws test-connection --demo` (local emulator)

use crate::Outcome;
use chicory_aws_core::Operator;
use chicory_aws_core::{ConfusedDeputyCheck, ServiceProbe};
use chicory_aws_datazone::DataZoneProbe;
use chicory_aws_examples::ConnectArgs;
use chicory_aws_glue::{AthenaProbe, CheckVisibility, GlueProbe, Visibility, VisibilityInput};
use chicory_aws_s3::S3Probe;

/// Test a chicory-aws customer connection.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// The services to probe.
    #[arg(long, value_delimiter = ',', default_value = "glue,athena,s3,datazone")]
    services: Vec<Probe>,
    /// A Glue table (`DATABASE.TABLE`) or database (`DATABASE`) the customer expects the scan
    /// to see; repeatable.
    #[arg(long)]
    expect_table: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Probe {
    Glue,
    Athena,
    S3,
    Datazone,
}

/// Runs the test `args` describe: `Complete` when healthy and every expected table visible.
pub async fn run(args: Args) -> Result<Outcome, Box<dyn std::error::Error>> {
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
    let mut visibility = Vec::new();
    for expected in &args.expect_table {
        let (database, table) = match expected.split_once('.') {
            Some((d, t)) => (d.to_owned(), Some(t.to_owned())),
            None => (expected.clone(), None),
        };
        let input = VisibilityInput {
            database,
            table,
            catalog_id: None,
        };
        visibility.push(CheckVisibility::new(&conn).call(input).await?);
    }
    let all_visible = visibility
        .iter()
        .all(|v| v.visibility == Visibility::Visible);
    if args.json {
        let mut json = serde_json::to_value(&report)?;
        json["healthy"] = (report.is_healthy() && all_visible).into();
        json["visibility"] = serde_json::to_value(&visibility)?;
        println!("{}", serde_json::to_string_pretty(&json)?);
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
        for v in &visibility {
            match v.visibility {
                Visibility::Visible => println!("visible   OK  {}", v.resource),
                other => {
                    let verdict = match other {
                        Visibility::DeniedByIam => "DENIED BY IAM",
                        Visibility::HiddenByLakeFormation => "HIDDEN BY LAKE FORMATION",
                        _ => "NOT FOUND",
                    };
                    println!("visible   {verdict}  {}", v.resource);
                    for step in &v.remedy {
                        println!("          - {step}");
                    }
                }
            }
        }
    }
    Ok(if report.is_healthy() && all_visible {
        Outcome::Complete
    } else {
        Outcome::Failed
    })
}
