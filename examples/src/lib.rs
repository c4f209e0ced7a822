//! Shared pieces of the example binaries: connection options and the demo account on the
//! local emulator.

// The README's code blocks compile as doctests of this crate, so the README cannot drift.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use chicory_aws_core::{BaseCredentials, Connection, ConnectionBuilder, ConnectionParams};
use std::path::PathBuf;

/// Where a binary gets its connection from.
#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// A JSON file with the customer's connection parameters (role_arn, external_id, region,
    /// access_level, ...). The vendor's own credentials come from the default AWS chain.
    #[arg(long, conflicts_with = "demo", required_unless_present = "demo")]
    pub params: Option<PathBuf>,
    /// Send every request to this endpoint (e.g. a local emulator; with --demo, e.g. a fault
    /// proxy in front of it).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Send one service's requests to their own endpoint, as `SERVICE=URL` (e.g.
    /// `datazone=https://vpce-...`); repeatable.
    #[arg(long, value_parser = parse_service_endpoint)]
    pub service_endpoint: Vec<(String, String)>,
    /// Provision a demo vendor and customer role on the local emulator (started if needed
    /// with scripts/emulator.sh) and connect to it; DataZone, which the emulator lacks, is
    /// served by the DataZone fake of the test kit on another loopback port.
    #[arg(long)]
    pub demo: bool,
}

fn parse_service_endpoint(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(service, url)| (service.to_owned(), url.to_owned()))
        .ok_or_else(|| format!("expected SERVICE=URL, got {s:?}"))
}

impl ConnectArgs {
    /// The connection builder these arguments describe.
    pub async fn builder(&self) -> Result<ConnectionBuilder, Box<dyn std::error::Error>> {
        let mut b = if self.demo {
            let demo = demo::provision().await;
            let mut b = demo
                .builder()
                .service_endpoint_url("datazone", demo::datazone_endpoint().await);
            if let Some(url) = &self.endpoint_url {
                b = b.endpoint_url(url);
            }
            b
        } else {
            self.customer_builder()?
        };
        for (service, url) in &self.service_endpoint {
            b = b.service_endpoint_url(service, url);
        }
        Ok(b)
    }

    fn customer_builder(&self) -> Result<ConnectionBuilder, Box<dyn std::error::Error>> {
        let path = self
            .params
            .as_ref()
            .expect("clap requires --params without --demo");
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --params {}: {e}", path.display()))?;
        let params = ConnectionParams::from_json(&text)?;
        let mut b = Connection::builder(params).base_credentials(BaseCredentials::DefaultChain);
        if let Some(url) = &self.endpoint_url {
            b = b.endpoint_url(url);
        }
        Ok(b)
    }
}

/// The demo account on the local emulator.
pub mod demo {
    use super::*;
    use chicory_aws_glue::aws_sdk_athena;
    use chicory_aws_glue::aws_sdk_glue::{
        self,
        types::{Column, DatabaseInput, PartitionInput, SerDeInfo, StorageDescriptor, TableInput},
    };
    use chicory_aws_s3::aws_sdk_s3;
    use chicory_aws_testkit::{Emulator, Vendor};

    /// The External ID of the demo project.
    pub const EXTERNAL_ID: &str = "chicory-00000000-0000-4000-8000-00000000d3m0";

    /// A vendor principal and a customer role on the emulator.
    #[derive(Debug)]
    pub struct Demo {
        /// The vendor principal.
        pub vendor: Vendor,
        /// The customer's connection parameters.
        pub params: ConnectionParams,
    }

    impl Demo {
        /// A connection builder for the demo customer, as the demo vendor.
        pub fn builder(&self) -> ConnectionBuilder {
            Emulator::get().connection(&self.vendor, self.params.clone())
        }
    }

    /// The endpoint of the demo DataZone domains: the test kit's DataZone fake, started once
    /// on loopback for the life of the process. It answers requests signed by an assumed-role
    /// session (`ASIA...` keys, as the emulator issues them) and nothing else.
    pub async fn datazone_endpoint() -> String {
        use chicory_aws_testkit::datazone::{serve, MockServer};
        static SERVER: tokio::sync::OnceCell<MockServer> = tokio::sync::OnceCell::const_new();
        SERVER.get_or_init(|| serve("ASIA")).await.uri()
    }

    /// Seeds the demo catalog (Glue databases, tables and partitions, a view, an Athena
    /// workgroup) and the demo bucket on the emulator, with its admin credentials; idempotent.
    pub async fn seed() -> Result<(), Box<dyn std::error::Error>> {
        seed_catalog().await?;
        seed_s3().await
    }

    /// The demo bucket.
    pub const BUCKET: &str = "chicory-demo-lake";

    /// Seeds the demo bucket on the emulator; idempotent.
    async fn seed_s3() -> Result<(), Box<dyn std::error::Error>> {
        let admin = chicory_aws_testkit::Emulator::get().admin_config().await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&admin)
                .force_path_style(true)
                .build(),
        );
        if let Err(e) = s3.create_bucket().bucket(BUCKET).send().await {
            let code = aws_sdk_s3::error::ProvideErrorMetadata::code(&e).map(str::to_owned);
            if !matches!(
                code.as_deref(),
                Some("BucketAlreadyOwnedByYou" | "BucketAlreadyExists")
            ) {
                return Err(e.into());
            }
        }
        s3.put_bucket_tagging()
            .bucket(BUCKET)
            .tagging(
                aws_sdk_s3::types::Tagging::builder()
                    .tag_set(
                        aws_sdk_s3::types::Tag::builder()
                            .key("purpose")
                            .value("demo")
                            .build()?,
                    )
                    .build()?,
            )
            .send()
            .await?;
        for table in ["orders", "customers"] {
            for day in 1..=3 {
                let key = format!("raw/{table}/dt=2024-06-{day:02}/part-0000.csv");
                s3.put_object()
                    .bucket(BUCKET)
                    .key(key)
                    .content_type("text/csv")
                    .body(aws_sdk_s3::primitives::ByteStream::from(
                        format!("id,{table}\n1,demo\n").into_bytes(),
                    ))
                    .send()
                    .await?;
            }
        }
        s3.put_object()
            .bucket(BUCKET)
            .key("curated/summary.json")
            .content_type("application/json")
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                b"{\"rows\":6}",
            ))
            .send()
            .await?;
        Ok(())
    }

    /// The demo databases.
    pub const DATABASES: [&str; 2] = ["demo_sales", "demo_marketing"];

    /// The demo's lakehouse tables: an Iceberg table whose `legacy_flag` column was dropped (Glue
    /// keeps listing it, marked `iceberg.field.current = false`), a table resource link in
    /// `demo_marketing` to `demo_sales.orders`, and a database resource link `demo_shared_link`
    /// to `demo_sales` (as Lake Formation sharing creates them); idempotent.
    async fn seed_lakehouse(glue: &aws_sdk_glue::Client) -> Result<(), Box<dyn std::error::Error>> {
        use aws_sdk_glue::types::{DatabaseIdentifier, TableIdentifier};
        let exists = |code: Option<&str>| code == Some("AlreadyExistsException");
        let account = chicory_aws_testkit::Emulator::get().account_id().to_owned();
        let iceberg_col = |name: &str, ty: &str, id: u32, current: bool| {
            Column::builder()
                .name(name)
                .r#type(ty)
                .parameters("iceberg.field.id", id.to_string())
                .parameters("iceberg.field.current", current.to_string())
                .build()
        };
        let iceberg = TableInput::builder()
            .name("events_iceberg")
            .table_type("EXTERNAL_TABLE")
            .parameters("table_type", "ICEBERG")
            .parameters(
                "metadata_location",
                "s3://demo-lake/demo_sales/events_iceberg/metadata/00002-demo.metadata.json",
            )
            .parameters(
                "previous_metadata_location",
                "s3://demo-lake/demo_sales/events_iceberg/metadata/00001-demo.metadata.json",
            )
            .storage_descriptor(
                StorageDescriptor::builder()
                    .columns(iceberg_col("id", "bigint", 1, true)?)
                    .columns(iceberg_col("legacy_flag", "boolean", 2, false)?)
                    .columns(iceberg_col("payload", "string", 3, true)?)
                    .location("s3://demo-lake/demo_sales/events_iceberg")
                    .build(),
            )
            .build()?;
        let link = TableInput::builder()
            .name("orders_link")
            .target_table(
                TableIdentifier::builder()
                    .catalog_id(&account)
                    .database_name("demo_sales")
                    .name("orders")
                    .build(),
            )
            .build()?;
        for (db, input) in [("demo_sales", iceberg), ("demo_marketing", link)] {
            let r = glue
                .create_table()
                .database_name(db)
                .table_input(input)
                .send()
                .await;
            if let Err(e) = r {
                if !exists(aws_sdk_glue::error::ProvideErrorMetadata::code(&e)) {
                    return Err(e.into());
                }
            }
        }
        let r = glue
            .create_database()
            .database_input(
                DatabaseInput::builder()
                    .name("demo_shared_link")
                    .target_database(
                        DatabaseIdentifier::builder()
                            .catalog_id(&account)
                            .database_name("demo_sales")
                            .build(),
                    )
                    .build()?,
            )
            .send()
            .await;
        if let Err(e) = r {
            if !exists(aws_sdk_glue::error::ProvideErrorMetadata::code(&e)) {
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// Seeds the demo catalog on the emulator; idempotent (existing entities are kept).
    async fn seed_catalog() -> Result<(), Box<dyn std::error::Error>> {
        let admin = chicory_aws_testkit::Emulator::get().admin_config().await;
        let glue = aws_sdk_glue::Client::new(&admin);
        let athena = aws_sdk_athena::Client::new(&admin);
        let exists = |code: Option<&str>| code == Some("AlreadyExistsException");
        let col = |n: &str, t: &str| Column::builder().name(n).r#type(t).build();
        for db in DATABASES {
            let r = glue
                .create_database()
                .database_input(
                    DatabaseInput::builder()
                        .name(db)
                        .description(format!("{db} (demo)"))
                        .location_uri(format!("s3://demo-lake/{db}/"))
                        .build()?,
                )
                .send()
                .await;
            if let Err(e) = r {
                if !exists(aws_sdk_glue::error::ProvideErrorMetadata::code(&e)) {
                    return Err(e.into());
                }
            }
            for table in ["orders", "customers", "events"] {
                let mut input = TableInput::builder()
                    .name(table)
                    .table_type("EXTERNAL_TABLE")
                    .parameters("classification", "parquet")
                    .storage_descriptor(
                        StorageDescriptor::builder()
                            .columns(col("id", "bigint")?)
                            .columns(col("payload", "string")?)
                            .location(format!("s3://demo-lake/{db}/{table}/"))
                            .input_format(
                                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                            )
                            .output_format(
                                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                            )
                            .serde_info(
                                SerDeInfo::builder()
                                    .serialization_library(
                                        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                                    )
                                    .build(),
                            )
                            .build(),
                    );
                if table == "events" {
                    input = input.partition_keys(col("dt", "string")?);
                }
                let r = glue
                    .create_table()
                    .database_name(db)
                    .table_input(input.build()?)
                    .send()
                    .await;
                match r {
                    Ok(_) if table == "events" => {
                        let parts: Vec<_> = (1..=30)
                            .map(|d| {
                                PartitionInput::builder()
                                    .values(format!("2024-06-{d:02}"))
                                    .storage_descriptor(
                                        StorageDescriptor::builder()
                                            .location(format!(
                                                "s3://demo-lake/{db}/events/dt=2024-06-{d:02}/"
                                            ))
                                            .build(),
                                    )
                                    .build()
                            })
                            .collect();
                        glue.batch_create_partition()
                            .database_name(db)
                            .table_name("events")
                            .set_partition_input_list(Some(parts))
                            .send()
                            .await?;
                    }
                    Ok(_) => {}
                    Err(e) if exists(aws_sdk_glue::error::ProvideErrorMetadata::code(&e)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        seed_lakehouse(&glue).await?;
        seed_view(&glue).await?;
        let r = athena
            .create_work_group()
            .name(WORKGROUP)
            .description("demo workgroup")
            .send()
            .await;
        if let Err(e) = r {
            let code = aws_sdk_athena::error::ProvideErrorMetadata::code(&e).map(str::to_owned);
            // moto answers a duplicate workgroup with InvalidRequestException.
            if code.as_deref() != Some("InvalidRequestException") {
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// The demo workgroup: the demo queries run in it, and the demo scan's query activity,
    /// popularity and lineage read its history.
    pub const WORKGROUP: &str = "demo-analysts";

    /// Where the demo queries' results go.
    pub const RESULTS: &str = "s3://chicory-demo-lake/athena-results/";

    /// The demo's view, `demo_sales.orders_enriched`, and the query that defines it.
    pub const VIEW: (&str, &str) = (
        "orders_enriched",
        "SELECT o.id, c.payload FROM orders o JOIN customers c ON o.id = c.id",
    );

    /// The demo's Athena queries, in the context database `demo_sales`: a join, a CTAS, an
    /// `INSERT INTO ... SELECT` with a join, and the `CREATE VIEW` of [`VIEW`].
    pub const QUERIES: [&str; 4] = [
        "SELECT o.id, c.payload FROM orders o JOIN customers c ON o.id = c.id",
        "CREATE TABLE demo_marketing.orders_summary AS \
         SELECT id, count(*) AS n FROM demo_sales.orders GROUP BY id",
        "INSERT INTO demo_marketing.events \
         SELECT e.id, e.payload FROM events e JOIN customers c ON e.id = c.id",
        "CREATE OR REPLACE VIEW orders_enriched AS \
         SELECT o.id, c.payload FROM orders o JOIN customers c ON o.id = c.id",
    ];

    /// The demo queries as run: their execution ids (in the order of [`QUERIES`]) and a window
    /// holding exactly the executions submitted while they ran.
    #[derive(Debug, Clone)]
    pub struct DemoQueries {
        /// The query execution id of each of [`QUERIES`].
        pub ids: Vec<String>,
        /// From just before the first query was submitted to just after the last finished.
        pub window: chicory_aws_glue::TimeWindow,
    }

    /// Runs [`QUERIES`] in [`WORKGROUP`] through the library's `athena_run_query` operator
    /// ([`RunAthenaQuery`](chicory_aws_glue::RunAthenaQuery)) on a ReadWrite connection: a
    /// demo customer role holding the Glue ReadWrite policy (the demo scan itself stays
    /// ReadOnly). The emulator records each execution (moto executes no SQL; the view the
    /// `CREATE VIEW` makes on AWS is seeded in Glue by [`seed`]).
    pub async fn run_queries() -> Result<DemoQueries, Box<dyn std::error::Error>> {
        use chicory_aws_core::{AccessLevel, Operator};
        use chicory_aws_glue::aws_sdk_athena::primitives::DateTime;
        use chicory_aws_glue::{RunAthenaQuery, RunQueryInput, TimeWindow};
        use chicory_aws_policy::permissions::Integration;
        use std::time::{Duration, SystemTime};
        let conn = Emulator::get()
            .connect_to_role(
                Integration::Glue,
                AccessLevel::ReadWrite,
                AccessLevel::ReadWrite,
            )
            .await;
        let since = DateTime::from(SystemTime::now() - Duration::from_secs(1));
        let mut ids = Vec::new();
        for sql in QUERIES {
            let input = RunQueryInput {
                query: sql.to_owned(),
                workgroup: Some(WORKGROUP.to_owned()),
                database: Some("demo_sales".to_owned()),
                output_location: Some(RESULTS.to_owned()),
                timeout_secs: Some(60),
                max_rows: Some(10),
            };
            ids.push(
                RunAthenaQuery::new(&conn)
                    .call(input)
                    .await?
                    .query_execution_id,
            );
        }
        let until = DateTime::from(SystemTime::now() + Duration::from_secs(1));
        Ok(DemoQueries {
            ids,
            window: TimeWindow::new("window", Some(since), Some(until))?,
        })
    }

    /// `demo_sales.orders_enriched`, an Athena (Presto) view as Athena's `CREATE VIEW` registers
    /// it in Glue (`ViewOriginalText` is `/* Presto View: <base64 JSON> */`); idempotent.
    async fn seed_view(glue: &aws_sdk_glue::Client) -> Result<(), Box<dyn std::error::Error>> {
        let (name, sql) = VIEW;
        let doc = serde_json::json!({
            "originalSql": sql,
            "catalog": "awsdatacatalog",
            "schema": "demo_sales",
            "columns": [{"name": "id", "type": "bigint"}, {"name": "payload", "type": "varchar"}],
        });
        let col = |n: &str, t: &str| Column::builder().name(n).r#type(t).build();
        let input = TableInput::builder()
            .name(name)
            .table_type("VIRTUAL_VIEW")
            .parameters("presto_view", "true")
            .view_original_text(format!(
                "/* Presto View: {} */",
                base64(doc.to_string().as_bytes())
            ))
            .view_expanded_text("/* Presto View */")
            .storage_descriptor(
                StorageDescriptor::builder()
                    .columns(col("id", "bigint")?)
                    .columns(col("payload", "string")?)
                    .build(),
            )
            .build()?;
        let r = glue
            .create_table()
            .database_name("demo_sales")
            .table_input(input)
            .send()
            .await;
        match r {
            Err(e)
                if aws_sdk_glue::error::ProvideErrorMetadata::code(&e)
                    != Some("AlreadyExistsException") =>
            {
                Err(e.into())
            }
            _ => Ok(()),
        }
    }

    /// Standard base64 with padding (the encoding of a Presto view's definition).
    fn base64(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Creates a vendor user and a customer role trusting it with [`EXTERNAL_ID`], holding
    /// the ReadOnly policies of Glue (with Athena and S3), S3 and DataZone.
    pub async fn provision() -> Demo {
        let emulator = Emulator::get();
        let policies = demo_policies();
        let named: Vec<(&str, &str)> = policies
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_str()))
            .collect();
        let (vendor, params) = emulator.customer(EXTERNAL_ID, &named).await;
        Demo { vendor, params }
    }

    /// The guide's ReadOnly permission policies (with the library's documented extras) for
    /// Glue (with Athena and S3), S3 and DataZone, as the customer would attach them.
    pub fn demo_policies() -> Vec<(String, String)> {
        use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
        use chicory_aws_policy::AccessLevel;
        [Integration::Glue, Integration::S3, Integration::DataZone]
            .into_iter()
            .map(|i| {
                let doc = permission_policy(i, AccessLevel::ReadOnly, &PolicyOptions::default())
                    .expect("the built-in policies render");
                (i.policy_name(AccessLevel::ReadOnly), doc.to_json_compact())
            })
            .collect()
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn base64_is_the_standard_alphabet_with_padding() {
            assert_eq!(super::base64(b""), "");
            assert_eq!(super::base64(b"f"), "Zg==");
            assert_eq!(super::base64(b"fo"), "Zm8=");
            assert_eq!(super::base64(b"foo"), "Zm9v");
            assert_eq!(super::base64(b"foob>?"), "Zm9vYj4/");
            // What the glue crate decodes a Presto view with.
            let text = format!(
                "/* Presto View: {} */",
                super::base64("SELECT é".as_bytes())
            );
            let doc = format!(
                "/* Presto View: {} */",
                super::base64(
                    serde_json::json!({"originalSql": "SELECT é", "schema": "s"})
                        .to_string()
                        .as_bytes()
                )
            );
            assert!(chicory_aws_glue::presto_view(&text).is_none(), "not JSON");
            let view = chicory_aws_glue::presto_view(&doc).expect("decodes");
            assert_eq!(view.original_sql, "SELECT é");
        }
    }
}
