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
    /// Description.
    pub description: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Columns.
    pub columns: Vec<Column>,
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
}

impl TableRecord {
    pub(crate) fn new(
        account_id: &str,
        region: &str,
        database: &str,
        t: &aws_sdk_glue::types::Table,
    ) -> Self {
        let sd = t.storage_descriptor.as_ref();
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
            description: t.description.clone(),
            owner: t.owner.clone(),
            columns: sd
                .map(|s| s.columns().iter().map(Column::from).collect())
                .unwrap_or_default(),
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
    /// `GLUE`, `LAMBDA`, `HIVE`, ...
    pub catalog_type: Option<String>,
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
