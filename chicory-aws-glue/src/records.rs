//! The records the scanners yield: one serde struct per resource kind, each carrying the
//! account and region it came from.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::Serialize;
use std::collections::HashMap;

pub(crate) fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// A column: name, type, comment.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Hive type, e.g. `bigint`.
    #[serde(rename = "type")]
    pub data_type: Option<String>,
    /// Comment.
    pub comment: Option<String>,
}

impl From<&aws_sdk_glue::types::Column> for Column {
    fn from(c: &aws_sdk_glue::types::Column) -> Self {
        Column {
            name: c.name.clone(),
            data_type: c.r#type.clone(),
            comment: c.comment.clone(),
        }
    }
}

/// A SerDe: name, library, parameters.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SerDe {
    /// Name.
    pub name: Option<String>,
    /// Serialization library class.
    pub serialization_library: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
}

/// A Glue database.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_database")]
pub struct DatabaseRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Catalog id.
    pub catalog_id: Option<String>,
    /// Database name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Location URI.
    pub location: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
    /// Creation time (RFC 3339).
    pub create_time: Option<String>,
    /// For a resource link (a database shared from another catalog, e.g. through Lake
    /// Formation): the database it points to. Its tables live there, not in this catalog.
    pub link_target: Option<DatabaseLink>,
}

/// The database a resource link points to.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DatabaseLink {
    /// The catalog (account) holding the database.
    pub catalog_id: Option<String>,
    /// The database's name there.
    pub database: Option<String>,
    /// Its region, when another than the link's.
    pub region: Option<String>,
}

/// The table a resource link points to.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TableLink {
    /// The catalog (account) holding the table.
    pub catalog_id: Option<String>,
    /// The table's database there.
    pub database: Option<String>,
    /// The table's name there.
    pub name: Option<String>,
    /// Its region, when another than the link's.
    pub region: Option<String>,
}

impl DatabaseRecord {
    pub(crate) fn new(account_id: &str, region: &str, d: &aws_sdk_glue::types::Database) -> Self {
        DatabaseRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id: d.catalog_id.clone(),
            name: d.name.clone(),
            description: d.description.clone(),
            location: d.location_uri.clone(),
            parameters: d.parameters.clone().unwrap_or_default(),
            create_time: time(d.create_time.as_ref()),
            link_target: d.target_database.as_ref().map(|t| DatabaseLink {
                catalog_id: t.catalog_id.clone(),
                database: t.database_name.clone(),
                region: t.region.clone(),
            }),
        }
    }
}

/// A Glue table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_table")]
pub struct TableRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Catalog id.
    pub catalog_id: Option<String>,
    /// Database name.
    pub database: String,
    /// Table name.
    pub name: String,
    /// Table type, e.g. `EXTERNAL_TABLE`, `VIRTUAL_VIEW`.
    pub table_type: Option<String>,
    /// The table's format (rules on [`TableFormat`]); `None` for a resource link, which has
    /// no format of its own (see `link_target`).
    pub format: Option<TableFormat>,
    /// Iceberg tables: where the current and previous metadata files are.
    pub iceberg: Option<IcebergTable>,
    /// For a resource link (a table shared from another catalog, e.g. through Lake
    /// Formation): the table it points to.
    pub link_target: Option<TableLink>,
    /// Description.
    pub description: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Columns of the current schema. For Iceberg tables, the columns Glue still lists after
    /// they were dropped (`iceberg.field.current = false`) are in `dropped_columns` instead.
    pub columns: Vec<Column>,
    /// Iceberg columns dropped from the current schema, which Glue keeps listing.
    pub dropped_columns: Vec<Column>,
    /// Partition keys.
    pub partition_keys: Vec<Column>,
    /// Storage location.
    pub location: Option<String>,
    /// Input format class.
    pub input_format: Option<String>,
    /// Output format class.
    pub output_format: Option<String>,
    /// SerDe.
    pub serde: Option<SerDe>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Last update time.
    pub update_time: Option<String>,
    /// Last access time.
    pub last_access_time: Option<String>,
    /// View text (original), for views.
    pub view_text: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
    /// The fields that could not be read (left out of the JSON when empty): `iceberg.schema`
    /// (with `partition_spec` and `matches_glue`) when the Iceberg metadata file could not be
    /// read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

impl TableRecord {
    pub(crate) fn new(
        account_id: &str,
        region: &str,
        database: &str,
        t: &aws_sdk_glue::types::Table,
    ) -> Self {
        let sd = t.storage_descriptor.as_ref();
        let format = TableFormat::of(t);
        let (columns, dropped_columns) = columns_of(sd, format);
        TableRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id: t.catalog_id.clone(),
            database: t
                .database_name
                .clone()
                .unwrap_or_else(|| database.to_owned()),
            name: t.name.clone(),
            table_type: t.table_type.clone(),
            format,
            iceberg: (format == Some(TableFormat::Iceberg)).then(|| IcebergTable::of(t)),
            link_target: t.target_table.as_ref().map(|l| TableLink {
                catalog_id: l.catalog_id.clone(),
                database: l.database_name.clone(),
                name: l.name.clone(),
                region: l.region.clone(),
            }),
            description: t.description.clone(),
            owner: t.owner.clone(),
            columns,
            dropped_columns,
            partition_keys: t.partition_keys().iter().map(Column::from).collect(),
            location: sd.and_then(|s| s.location.clone()),
            input_format: sd.and_then(|s| s.input_format.clone()),
            output_format: sd.and_then(|s| s.output_format.clone()),
            serde: sd.and_then(|s| s.serde_info.as_ref()).map(|s| SerDe {
                name: s.name.clone(),
                serialization_library: s.serialization_library.clone(),
                parameters: s.parameters.clone().unwrap_or_default(),
            }),
            parameters: t.parameters.clone().unwrap_or_default(),
            create_time: time(t.create_time.as_ref()),
            update_time: time(t.update_time.as_ref()),
            last_access_time: time(t.last_access_time.as_ref()),
            view_text: t.view_original_text.clone(),
            version_id: t.version_id.clone(),
            unread: Vec::new(),
        }
    }
}

/// A table's format, decided from its Glue definition in this order (the first rule that
/// holds wins; names and values compare without case):
///
/// 1. a resource link (`TargetTable` set) has no format: `TableRecord::format` is `None`;
/// 2. `view`: `TableType` is `VIRTUAL_VIEW`, or the table is a multi-dialect or materialized
///    view;
/// 3. `iceberg`: parameter `table_type` is `ICEBERG` (as Athena, Spark and Glue write it), or
///    Glue returns Iceberg table metadata (S3 Tables);
/// 4. `delta`: parameter `table_type` is `DELTA` or `spark.sql.sources.provider` is `delta`,
///    or the input format or SerDe library is a Delta Lake class (`io.delta.`);
/// 5. `hudi`: parameter `table_type` is `HUDI` or `spark.sql.sources.provider` is `hudi`, or
///    the input format is a Hudi class (`org.apache.hudi.`, `com.uber.hoodie.`);
/// 6. `hive`: anything else (Hive-style tables over Parquet, ORC, CSV, JSON, ...).
///
/// The `classification` parameter is not used: crawlers set it to the file format (e.g.
/// `parquet` for a Delta table's files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    /// A Hive-style table.
    Hive,
    /// An Apache Iceberg table.
    Iceberg,
    /// A Delta Lake table.
    Delta,
    /// An Apache Hudi table.
    Hudi,
    /// A view.
    View,
}

impl TableFormat {
    /// The format of `t` by the rules above; `None` for a resource link.
    pub fn of(t: &aws_sdk_glue::types::Table) -> Option<TableFormat> {
        if t.target_table.is_some() {
            return None;
        }
        let param = |k: &str| {
            t.parameters
                .as_ref()
                .and_then(|p| p.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
                .map(|(_, v)| v.to_ascii_lowercase())
        };
        let table_type = param("table_type");
        let provider = param("spark.sql.sources.provider");
        let sd = t.storage_descriptor.as_ref();
        let input = sd.and_then(|s| s.input_format.as_deref()).unwrap_or("");
        let serde = sd
            .and_then(|s| s.serde_info.as_ref())
            .and_then(|s| s.serialization_library.as_deref())
            .unwrap_or("");
        let is = |v: &Option<String>, want: &str| v.as_deref() == Some(want);
        Some(
            if t.table_type
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case("VIRTUAL_VIEW"))
                || t.is_multi_dialect_view == Some(true)
                || t.is_materialized_view == Some(true)
            {
                TableFormat::View
            } else if is(&table_type, "iceberg") || t.iceberg_table_metadata.is_some() {
                TableFormat::Iceberg
            } else if is(&table_type, "delta")
                || is(&provider, "delta")
                || input.starts_with("io.delta.")
                || serde.starts_with("io.delta.")
            {
                TableFormat::Delta
            } else if is(&table_type, "hudi")
                || is(&provider, "hudi")
                || input.starts_with("org.apache.hudi.")
                || input.starts_with("com.uber.hoodie.")
            {
                TableFormat::Hudi
            } else {
                TableFormat::Hive
            },
        )
    }
}

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
    fn of(t: &aws_sdk_glue::types::Table) -> Self {
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

/// A table's current and dropped columns (see [`TableRecord::columns`]).
pub(crate) fn current_columns(t: &aws_sdk_glue::types::Table) -> (Vec<Column>, Vec<Column>) {
    columns_of(t.storage_descriptor.as_ref(), TableFormat::of(t))
}

/// Glue's columns split into current and dropped ones: Iceberg's Glue catalog keeps a dropped
/// column in the storage descriptor with the parameter `iceberg.field.current = false`.
fn columns_of(
    sd: Option<&aws_sdk_glue::types::StorageDescriptor>,
    format: Option<TableFormat>,
) -> (Vec<Column>, Vec<Column>) {
    let all = sd.map(|s| s.columns()).unwrap_or_default();
    if format != Some(TableFormat::Iceberg) {
        return (all.iter().map(Column::from).collect(), Vec::new());
    }
    let dropped = |c: &aws_sdk_glue::types::Column| {
        c.parameters
            .as_ref()
            .and_then(|p| p.get("iceberg.field.current"))
            .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    };
    let (gone, current): (Vec<_>, Vec<_>) = all.iter().partition(|c| dropped(c));
    (
        current.into_iter().map(Column::from).collect(),
        gone.into_iter().map(Column::from).collect(),
    )
}

/// A Glue catalog: the account's default catalog, a federated catalog, an S3 Tables catalog or
/// one of its children, a Redshift-managed catalog.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_data_catalog")]
pub struct GlueCatalogRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// The catalog id to pass as `CatalogId` (e.g. `123456789012:s3tablescatalog/bucket`).
    pub catalog_id: Option<String>,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
    /// For a federated catalog (e.g. S3 Tables' `s3tablescatalog`): what it federates.
    pub federated: Option<FederatedCatalog>,
    /// For a catalog over a Redshift namespace: the namespace's ARN.
    pub redshift_catalog_arn: Option<String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Last update time.
    pub update_time: Option<String>,
}

/// What a federated catalog federates.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FederatedCatalog {
    /// The federated entity's identifier (e.g. an S3 Tables ARN).
    pub identifier: Option<String>,
    /// The Glue connection, when one is used.
    pub connection_name: Option<String>,
    /// The connection type (e.g. `aws:s3tables`).
    pub connection_type: Option<String>,
}

impl GlueCatalogRecord {
    pub(crate) fn new(account_id: &str, region: &str, c: &aws_sdk_glue::types::Catalog) -> Self {
        GlueCatalogRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id: c.catalog_id.clone(),
            name: c.name.clone(),
            arn: c.resource_arn.clone(),
            description: c.description.clone(),
            parameters: c.parameters.clone().unwrap_or_default(),
            federated: c.federated_catalog.as_ref().map(|f| FederatedCatalog {
                identifier: f.identifier.clone(),
                connection_name: f.connection_name.clone(),
                connection_type: f.connection_type.clone(),
            }),
            redshift_catalog_arn: c
                .target_redshift_catalog
                .as_ref()
                .map(|r| r.catalog_arn.clone()),
            create_time: time(c.create_time.as_ref()),
            update_time: time(c.update_time.as_ref()),
        }
    }
}

/// A Glue partition (column schema excluded: it is the table's).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_partition")]
pub struct PartitionRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Catalog id.
    pub catalog_id: Option<String>,
    /// Database name.
    pub database: String,
    /// Table name.
    pub table: String,
    /// Partition values, in partition-key order.
    pub values: Vec<String>,
    /// Storage location.
    pub location: Option<String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Last access time.
    pub last_access_time: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
}

impl PartitionRecord {
    pub(crate) fn new(
        account_id: &str,
        region: &str,
        database: &str,
        table: &str,
        p: &aws_sdk_glue::types::Partition,
    ) -> Self {
        PartitionRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id: p.catalog_id.clone(),
            database: database.to_owned(),
            table: table.to_owned(),
            values: p.values().to_vec(),
            location: p
                .storage_descriptor
                .as_ref()
                .and_then(|s| s.location.clone()),
            create_time: time(p.creation_time.as_ref()),
            last_access_time: time(p.last_access_time.as_ref()),
            parameters: p.parameters.clone().unwrap_or_default(),
        }
    }
}

/// One version of a Glue table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_table_version")]
pub struct TableVersionRecord {
    /// Version id.
    pub version_id: Option<String>,
    /// The table as of this version.
    pub table: Option<TableRecord>,
}

/// An Athena workgroup.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_workgroup")]
pub struct WorkGroupRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Name.
    pub name: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub state: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Creation time.
    pub creation_time: Option<String>,
}

/// An Athena data catalog.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_data_catalog")]
pub struct DataCatalogRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Name.
    pub name: Option<String>,
    /// `GLUE`, `LAMBDA`, `HIVE`, `FEDERATED`, ...
    pub catalog_type: Option<String>,
    /// Description (GetDataCatalog).
    pub description: Option<String>,
    /// Parameters (GetDataCatalog): e.g. `catalog-id` for a `GLUE` catalog, `function` or
    /// `metadata-function` for a `LAMBDA` one; `None` when they could not be read (see
    /// `unread`).
    pub parameters: Option<HashMap<String, String>>,
    /// For a `GLUE` catalog: the Glue catalog it reads (its `catalog-id` parameter), which
    /// may be another account's; scan it with `CatalogOptions::catalog_id`.
    pub glue_catalog_id: Option<String>,
    /// Status, e.g. `CREATE_COMPLETE` (federated catalogs).
    pub status: Option<String>,
    /// Connection type of a federated catalog, e.g. `DYNAMODB`.
    pub connection_type: Option<String>,
    /// The fields that could not be read (left out of the JSON when empty): `parameters`
    /// (with `description` and `glue_catalog_id`) when GetDataCatalog failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

/// A Glue user-defined function.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_user_defined_function")]
pub struct UdfRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Database name.
    pub database: String,
    /// Function name.
    pub name: Option<String>,
    /// Implementing Java class.
    pub class_name: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Resource URIs (JARs, files, archives).
    pub resource_uris: Vec<String>,
    /// Creation time.
    pub create_time: Option<String>,
}

chicory_aws_core::record_kind!(
    DatabaseRecord => "glue_database",
    TableRecord => "glue_table",
    GlueCatalogRecord => "glue_data_catalog",
    PartitionRecord => "glue_partition",
    TableVersionRecord => "glue_table_version",
    WorkGroupRecord => "athena_workgroup",
    DataCatalogRecord => "athena_data_catalog",
    UdfRecord => "glue_user_defined_function",
);
