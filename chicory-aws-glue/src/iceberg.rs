//! Iceberg's own view of a table, read from its current metadata file on S3 with the
//! connection's S3 access (`CatalogOptions::read_iceberg_metadata`): the current schema and
//! partition spec, compared with the columns Glue lists.
//!
//! Cost: one `s3:GetObject` per Iceberg table (on the customer's S3 request quota), reading the
//! whole metadata file, which grows with the table's snapshot history; files over
//! [`MAX_METADATA_BYTES`] are refused rather than held.

use crate::tables::TableRecord;
use chicory_aws_core::scan::{read, PageRetry, Part};
use chicory_aws_core::{actions, Error, ErrorKind, Result, ScanItem, Skipped};
use serde::Serialize;
use serde_json::Value;

/// Where an Iceberg table's metadata is, from the table's parameters (as Iceberg's Glue
/// catalog writes them) or Glue's Iceberg table metadata.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IcebergTable {
    /// The current metadata file (`metadata_location`).
    pub metadata_location: Option<String>,
    /// The metadata file before the last commit (`previous_metadata_location`).
    pub previous_metadata_location: Option<String>,
    /// The table format version (`format-version`), from Glue or the metadata file.
    pub format_version: Option<String>,
    /// The current schema, from the metadata file (with
    /// `CatalogOptions::read_iceberg_metadata`; `None` otherwise or when it could not be read).
    pub schema: Option<Vec<IcebergField>>,
    /// The default partition spec, from the metadata file (as `schema`).
    pub partition_spec: Option<Vec<IcebergPartitionField>>,
    /// Whether Glue's current columns are the metadata file's schema, by name and order (as
    /// `schema`).
    pub matches_glue: Option<bool>,
}

/// A field of an Iceberg schema.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IcebergField {
    /// Field id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Iceberg type, e.g. `long`, `timestamptz`, or a nested type as JSON.
    #[serde(rename = "type")]
    pub data_type: String,
    /// Whether the field is required.
    pub required: bool,
}

/// A field of an Iceberg partition spec.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IcebergPartitionField {
    /// Partition field name.
    pub name: String,
    /// Transform, e.g. `day`, `bucket[16]`, `identity`.
    pub transform: String,
    /// The schema field it is derived from.
    pub source_id: Option<i64>,
}

impl IcebergTable {
    pub(crate) fn of(t: &aws_sdk_glue::types::Table) -> Self {
        let param = |k: &str| t.parameters.as_ref().and_then(|p| p.get(k)).cloned();
        let meta = t.iceberg_table_metadata.as_ref();
        IcebergTable {
            metadata_location: param("metadata_location"),
            previous_metadata_location: param("previous_metadata_location"),
            format_version: param("format-version")
                .or_else(|| meta.and_then(|m| m.format_version.clone())),
            schema: None,
            partition_spec: None,
            matches_glue: None,
        }
    }
}

/// The largest metadata file read (32 MiB).
pub const MAX_METADATA_BYTES: u64 = 32 << 20;

/// What the current metadata file says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Metadata {
    pub(crate) format_version: Option<String>,
    pub(crate) schema: Vec<IcebergField>,
    pub(crate) partition_spec: Vec<IcebergPartitionField>,
}

fn type_name(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses an Iceberg table metadata file (format v1 or v2): the current schema
/// (`current-schema-id` in `schemas`, or v1's `schema`) and the default partition spec
/// (`default-spec-id` in `partition-specs`, or v1's `partition-spec`).
pub(crate) fn parse(json: &[u8]) -> std::result::Result<Metadata, String> {
    let v: Value = serde_json::from_slice(json).map_err(|e| format!("not JSON: {e}"))?;
    let schema = match v.get("current-schema-id").and_then(Value::as_i64) {
        Some(id) => v["schemas"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["schema-id"].as_i64() == Some(id)))
            .ok_or_else(|| format!("no schema {id} in `schemas`"))?,
        None => v
            .get("schema")
            .ok_or("no `schema` and no `current-schema-id`")?,
    };
    let fields = schema["fields"]
        .as_array()
        .ok_or("the current schema has no `fields`")?
        .iter()
        .map(|f| {
            Ok(IcebergField {
                id: f["id"].as_i64().ok_or("a field without `id`")?,
                name: f["name"]
                    .as_str()
                    .ok_or("a field without `name`")?
                    .to_owned(),
                data_type: type_name(&f["type"]),
                required: f["required"].as_bool().unwrap_or(false),
            })
        })
        .collect::<std::result::Result<Vec<_>, &str>>()?;
    let spec = match v.get("default-spec-id").and_then(Value::as_i64) {
        Some(id) => v["partition-specs"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["spec-id"].as_i64() == Some(id)))
            .map(|s| s["fields"].clone())
            .ok_or_else(|| format!("no partition spec {id} in `partition-specs`"))?,
        None => v.get("partition-spec").cloned().unwrap_or(Value::Null),
    };
    let partition_spec = spec
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| IcebergPartitionField {
                    name: f["name"].as_str().unwrap_or_default().to_owned(),
                    transform: f["transform"].as_str().unwrap_or_default().to_owned(),
                    source_id: f["source-id"].as_i64(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Metadata {
        format_version: v["format-version"].as_i64().map(|n| n.to_string()),
        schema: fields,
        partition_spec,
    })
}

/// `s3://bucket/key` (or `s3a://`, `s3n://`) as bucket and key.
fn split_location(location: &str) -> Option<(&str, &str)> {
    let rest = ["s3://", "s3a://", "s3n://"]
        .iter()
        .find_map(|p| location.strip_prefix(p))?;
    let (bucket, key) = rest.split_once('/')?;
    (!bucket.is_empty() && !key.is_empty()).then_some((bucket, key))
}

/// Reads `location` whole, at most [`MAX_METADATA_BYTES`]; a bucket in another region is read
/// there (the region S3 names in its redirect).
async fn get(s3: &S3Clients, bucket: &str, key: &str) -> std::result::Result<Vec<u8>, Error> {
    let fetch = |client: aws_sdk_s3::Client| async move {
        client.get_object().bucket(bucket).key(key).send().await
    };
    let out = match fetch(s3.home()).await {
        Ok(out) => out,
        Err(e) => {
            let region = e
                .raw_response()
                .and_then(|r| r.headers().get("x-amz-bucket-region"))
                .map(str::to_owned);
            match region {
                Some(r) if r != s3.home_region() => fetch(s3.get(&r))
                    .await
                    .map_err(|e| Error::from_sdk(e, actions::s3::GET_OBJECT))?,
                _ => return Err(Error::from_sdk(e, actions::s3::GET_OBJECT)),
            }
        }
    };
    let too_big = || {
        Error::new(
            ErrorKind::Service,
            format!("the Iceberg metadata file is larger than {MAX_METADATA_BYTES} bytes"),
        )
    };
    if out
        .content_length
        .is_some_and(|n| n as u64 > MAX_METADATA_BYTES)
    {
        return Err(too_big());
    }
    let mut body = out.body;
    let mut bytes = Vec::new();
    while let Some(chunk) = body.try_next().await.map_err(|e| {
        Error::new(
            ErrorKind::Timeout,
            "s3:GetObject failed: the body stopped mid-way",
        )
        .with_source(e)
    })? {
        if (bytes.len() + chunk.len()) as u64 > MAX_METADATA_BYTES {
            return Err(too_big());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Adds Iceberg's own schema and partition spec to an Iceberg table's record, and whether
/// Glue's current columns match the schema. A file that cannot be read or parsed leaves
/// `iceberg.schema` unread (named in the record's `unread`) and its outcome is returned to
/// emit beside the record: skipped when denied or gone, incomplete otherwise.
pub(crate) async fn enrich(
    s3: &S3Clients,
    retry: PageRetry,
    record: &mut TableRecord,
) -> Option<Result<Skipped>> {
    let location = record.iceberg.as_ref()?.metadata_location.clone()?;
    let part = Part::new(actions::s3::GET_OBJECT, "")
        .with("table", format!("{}.{}", record.database, record.name))
        .with("metadata", location.as_str());
    let outcome = match split_location(&location) {
        None => Err(Err(part.error(Error::new(
            ErrorKind::Service,
            format!("the Iceberg metadata location {location:?} is not an s3:// URI"),
        )))),
        Some((bucket, key)) => {
            read(&part, retry, || get(s3, bucket, key))
                .await
                .and_then(|bytes| {
                    parse(&bytes).map_err(|why| {
                        Err(part.error(Error::new(
                            ErrorKind::Service,
                            format!("unreadable Iceberg metadata: {why}"),
                        )))
                    })
                })
        }
    };
    match outcome {
        Ok(meta) => {
            let glue: Vec<&str> = record.columns.iter().map(|c| c.name.as_str()).collect();
            let own: Vec<&str> = meta.schema.iter().map(|f| f.name.as_str()).collect();
            let iceberg = record.iceberg.as_mut().expect("checked above");
            iceberg.matches_glue = Some(glue == own);
            iceberg.format_version = iceberg.format_version.take().or(meta.format_version);
            iceberg.schema = Some(meta.schema);
            iceberg.partition_spec = Some(meta.partition_spec);
            None
        }
        Err(outcome) => {
            record.unread.push("iceberg.schema".to_owned());
            Some(outcome)
        }
    }
}

/// [`enrich`] as scan items: the outcome (if any), then the record.
pub(crate) async fn enriched<R>(
    s3: &S3Clients,
    retry: PageRetry,
    mut record: TableRecord,
    wrap: impl FnOnce(TableRecord) -> R,
) -> Vec<Result<ScanItem<R>>> {
    let outcome = enrich(s3, retry, &mut record).await;
    let mut items: Vec<Result<ScanItem<R>>> = outcome
        .into_iter()
        .map(|o| o.map(ScanItem::Skipped))
        .collect();
    items.push(Ok(ScanItem::Record(wrap(record))));
    items
}

/// S3 clients per region, built once each, sharing the connection's credentials and budget.
#[derive(Debug)]
pub(crate) struct S3Clients {
    conn: chicory_aws_core::Connection,
    by_region: std::sync::Mutex<std::collections::HashMap<String, aws_sdk_s3::Client>>,
}

impl S3Clients {
    pub(crate) fn new(conn: &chicory_aws_core::Connection) -> Self {
        S3Clients {
            conn: conn.clone(),
            by_region: Default::default(),
        }
    }

    fn home_region(&self) -> &str {
        self.conn.region()
    }

    fn home(&self) -> aws_sdk_s3::Client {
        self.get(self.conn.region())
    }

    fn get(&self, region: &str) -> aws_sdk_s3::Client {
        let mut map = self.by_region.lock().expect("not poisoned");
        map.entry(region.to_owned())
            .or_insert_with(|| chicory_aws_s3::unchecked_s3_client_in(&self.conn, region))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_v1_schema_and_partition_spec() {
        let v1 = br#"{"format-version": 1, "schema": {"type": "struct", "fields": [
            {"id": 1, "name": "ts", "required": true, "type": "timestamptz"}]},
            "partition-spec": [{"name": "ts_day", "transform": "day", "source-id": 1}]}"#;
        let m = parse(v1).unwrap();
        assert_eq!(m.format_version.as_deref(), Some("1"));
        assert_eq!(m.schema[0].name, "ts");
        assert_eq!(m.schema[0].data_type, "timestamptz");
        assert!(m.schema[0].required);
        assert_eq!(m.partition_spec[0].transform, "day");
    }

    #[test]
    fn unreadable_metadata_says_why() {
        assert!(parse(b"not json").unwrap_err().starts_with("not JSON"));
        let missing = br#"{"current-schema-id": 7, "schemas": []}"#;
        assert_eq!(parse(missing).unwrap_err(), "no schema 7 in `schemas`");
        assert_eq!(split_location("s3://b/k/m.json"), Some(("b", "k/m.json")));
        assert_eq!(split_location("s3a://b/k"), Some(("b", "k")));
        assert_eq!(split_location("hdfs://b/k"), None);
        assert_eq!(split_location("s3://b/"), None);
    }
}
