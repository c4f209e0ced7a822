//! Glue column statistics: a scanner over tables (and optionally partitions) and the get /
//! update / delete operators.

use crate::options::check_name;
use crate::unchecked_glue_client;
use crate::{options::CatalogOptions, partitions::partitions, reader::CatalogReader};
use crate::{records::time, tables::current_columns};
use async_trait::async_trait;
use aws_sdk_glue::types as sdk;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::{Blob, DateTime};
use chicory_aws_core::scan::{read, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Concurrency, Connection, Error, Operator,
    Result, ScanItem, Scanner,
};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Column names per `GetColumnStatisticsFor*` request (the API's maximum).
pub const COLUMNS_PER_REQUEST: usize = 100;
/// Statistics per `UpdateColumnStatisticsFor*` request (the API's maximum).
pub const UPDATES_PER_REQUEST: usize = 25;

/// The statistics of one column, by column type (Glue's `ColumnStatisticsData` union).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ColumnStatisticsData {
    /// Boolean column.
    Boolean {
        /// True values.
        number_of_trues: i64,
        /// False values.
        number_of_falses: i64,
        /// Nulls.
        number_of_nulls: i64,
    },
    /// Date column; values are RFC 3339 instants.
    Date {
        /// Lowest value.
        #[serde(default)]
        minimum_value: Option<String>,
        /// Highest value.
        #[serde(default)]
        maximum_value: Option<String>,
        /// Nulls.
        number_of_nulls: i64,
        /// Distinct values.
        number_of_distinct_values: i64,
    },
    /// Decimal column; values are decimal strings such as `"-12.50"` (the scale is the number
    /// of fractional digits).
    Decimal {
        /// Lowest value.
        #[serde(default)]
        minimum_value: Option<String>,
        /// Highest value.
        #[serde(default)]
        maximum_value: Option<String>,
        /// Nulls.
        number_of_nulls: i64,
        /// Distinct values.
        number_of_distinct_values: i64,
    },
    /// Double column.
    Double {
        /// Lowest value.
        minimum_value: f64,
        /// Highest value.
        maximum_value: f64,
        /// Nulls.
        number_of_nulls: i64,
        /// Distinct values.
        number_of_distinct_values: i64,
    },
    /// Long (integer) column.
    Long {
        /// Lowest value.
        minimum_value: i64,
        /// Highest value.
        maximum_value: i64,
        /// Nulls.
        number_of_nulls: i64,
        /// Distinct values.
        number_of_distinct_values: i64,
    },
    /// String column.
    String {
        /// Longest value.
        maximum_length: i64,
        /// Average length.
        average_length: f64,
        /// Nulls.
        number_of_nulls: i64,
        /// Distinct values.
        number_of_distinct_values: i64,
    },
    /// Binary column.
    Binary {
        /// Longest value.
        maximum_length: i64,
        /// Average length.
        average_length: f64,
        /// Nulls.
        number_of_nulls: i64,
    },
}

/// A Glue decimal (big-endian two's-complement unscaled value and scale) as an exact decimal
/// string: `-12.50`, or `12345E-60` when the scale is negative or above 38 (Hive's largest), so
/// a server-given scale never pads the text (a scale of 2^31 would be 2 GB of zeros). An
/// unscaled value over 128 bytes (308 digits, more than any Glue column holds) is shown exactly
/// as its two's-complement bytes in hex, `0x...E-2`, rather than converted digit by digit.
/// `None` only for an empty value: the server sent no number.
pub(crate) fn decimal_to_string(d: &sdk::DecimalNumber) -> Option<String> {
    const MAX_PLAIN_SCALE: i32 = 38;
    let bytes = d.unscaled_value.as_ref();
    if bytes.is_empty() {
        return None;
    }
    if bytes.len() > 128 {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        return Some(format!("0x{hex}E{}", -i64::from(d.scale)));
    }
    let negative = bytes[0] & 0x80 != 0;
    let mut magnitude = bytes.to_vec();
    if negative {
        // Two's complement: invert and add one.
        for b in magnitude.iter_mut() {
            *b = !*b;
        }
        for b in magnitude.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
    }
    let digits = big_endian_to_decimal(magnitude);
    let sign = if negative { "-" } else { "" };
    let scale = d.scale;
    if scale == 0 {
        return Some(format!("{sign}{digits}"));
    }
    if !(1..=MAX_PLAIN_SCALE).contains(&scale) {
        return Some(format!("{sign}{digits}E{}", -i64::from(scale)));
    }
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    Some(format!("{sign}{int}.{frac}"))
}

/// The decimal digits of an unsigned big-endian integer (long division by 10).
fn big_endian_to_decimal(mut n: Vec<u8>) -> String {
    let mut digits = Vec::new();
    let mut start = 0;
    while start < n.len() {
        let mut rem = 0u32;
        for b in &mut n[start..] {
            let cur = rem * 256 + u32::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        while start < n.len() && n[start] == 0 {
            start += 1;
        }
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).expect("ASCII digits")
}

/// Parses `"-12.50"` into Glue's decimal: minimal big-endian two's-complement bytes, scale 2.
pub(crate) fn decimal_from_str(field: &'static str, s: &str) -> Result<sdk::DecimalNumber> {
    let bad = || Error::invalid(field, "must be a decimal number such as -12.50");
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if int.len() + frac.len() > 38 {
        return Err(Error::invalid(field, "at most 38 digits"));
    }
    let mut v: i128 = format!("{int}{frac}").parse().map_err(|_| bad())?;
    if neg {
        v = -v;
    }
    let bytes = v.to_be_bytes();
    // Drop leading bytes that only repeat the sign.
    let mut start = 0;
    while start < 15 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    sdk::DecimalNumber::builder()
        .unscaled_value(Blob::new(bytes[start..].to_vec()))
        .scale(frac.len() as i32)
        .build()
        .map_err(|e| Error::invalid(field, e.to_string()))
}

fn rfc3339(field: &'static str, s: &str) -> Result<DateTime> {
    DateTime::from_str(s, Format::DateTime)
        .map_err(|_| Error::invalid(field, "must be an RFC 3339 instant"))
}

impl ColumnStatisticsData {
    /// The typed form of Glue's union; `None` when the union carries no member.
    pub(crate) fn from_sdk(d: &sdk::ColumnStatisticsData) -> Option<Self> {
        if let Some(b) = &d.boolean_column_statistics_data {
            return Some(ColumnStatisticsData::Boolean {
                number_of_trues: b.number_of_trues,
                number_of_falses: b.number_of_falses,
                number_of_nulls: b.number_of_nulls,
            });
        }
        if let Some(x) = &d.date_column_statistics_data {
            return Some(ColumnStatisticsData::Date {
                minimum_value: time(x.minimum_value.as_ref()),
                maximum_value: time(x.maximum_value.as_ref()),
                number_of_nulls: x.number_of_nulls,
                number_of_distinct_values: x.number_of_distinct_values,
            });
        }
        if let Some(x) = &d.decimal_column_statistics_data {
            return Some(ColumnStatisticsData::Decimal {
                minimum_value: x.minimum_value.as_ref().and_then(decimal_to_string),
                maximum_value: x.maximum_value.as_ref().and_then(decimal_to_string),
                number_of_nulls: x.number_of_nulls,
                number_of_distinct_values: x.number_of_distinct_values,
            });
        }
        if let Some(x) = &d.double_column_statistics_data {
            return Some(ColumnStatisticsData::Double {
                minimum_value: x.minimum_value,
                maximum_value: x.maximum_value,
                number_of_nulls: x.number_of_nulls,
                number_of_distinct_values: x.number_of_distinct_values,
            });
        }
        if let Some(x) = &d.long_column_statistics_data {
            return Some(ColumnStatisticsData::Long {
                minimum_value: x.minimum_value,
                maximum_value: x.maximum_value,
                number_of_nulls: x.number_of_nulls,
                number_of_distinct_values: x.number_of_distinct_values,
            });
        }
        if let Some(x) = &d.string_column_statistics_data {
            return Some(ColumnStatisticsData::String {
                maximum_length: x.maximum_length,
                average_length: x.average_length,
                number_of_nulls: x.number_of_nulls,
                number_of_distinct_values: x.number_of_distinct_values,
            });
        }
        d.binary_column_statistics_data
            .as_ref()
            .map(|x| ColumnStatisticsData::Binary {
                maximum_length: x.maximum_length,
                average_length: x.average_length,
                number_of_nulls: x.number_of_nulls,
            })
    }

    fn counts(&self) -> Vec<i64> {
        use ColumnStatisticsData::*;
        match self {
            Boolean {
                number_of_trues,
                number_of_falses,
                number_of_nulls,
            } => vec![*number_of_trues, *number_of_falses, *number_of_nulls],
            Date {
                number_of_nulls,
                number_of_distinct_values,
                ..
            }
            | Decimal {
                number_of_nulls,
                number_of_distinct_values,
                ..
            }
            | Double {
                number_of_nulls,
                number_of_distinct_values,
                ..
            }
            | Long {
                number_of_nulls,
                number_of_distinct_values,
                ..
            } => vec![*number_of_nulls, *number_of_distinct_values],
            String {
                maximum_length,
                number_of_nulls,
                number_of_distinct_values,
                ..
            } => vec![
                *maximum_length,
                *number_of_nulls,
                *number_of_distinct_values,
            ],
            Binary {
                maximum_length,
                number_of_nulls,
                ..
            } => vec![*maximum_length, *number_of_nulls],
        }
    }

    /// Glue's union, checked: counts non-negative, values well-formed.
    pub(crate) fn to_sdk(&self) -> Result<sdk::ColumnStatisticsData> {
        use sdk::ColumnStatisticsType as T;
        use ColumnStatisticsData::*;
        if self.counts().iter().any(|c| *c < 0) {
            return Err(Error::invalid(
                "statistics",
                "counts and lengths must not be negative",
            ));
        }
        let b = sdk::ColumnStatisticsData::builder();
        let b = match self {
            Boolean {
                number_of_trues,
                number_of_falses,
                number_of_nulls,
            } => b.r#type(T::Boolean).boolean_column_statistics_data(
                sdk::BooleanColumnStatisticsData::builder()
                    .number_of_trues(*number_of_trues)
                    .number_of_falses(*number_of_falses)
                    .number_of_nulls(*number_of_nulls)
                    .build(),
            ),
            Date {
                minimum_value,
                maximum_value,
                number_of_nulls,
                number_of_distinct_values,
            } => b.r#type(T::Date).date_column_statistics_data(
                sdk::DateColumnStatisticsData::builder()
                    .set_minimum_value(
                        minimum_value
                            .as_deref()
                            .map(|s| rfc3339("minimum_value", s))
                            .transpose()?,
                    )
                    .set_maximum_value(
                        maximum_value
                            .as_deref()
                            .map(|s| rfc3339("maximum_value", s))
                            .transpose()?,
                    )
                    .number_of_nulls(*number_of_nulls)
                    .number_of_distinct_values(*number_of_distinct_values)
                    .build(),
            ),
            Decimal {
                minimum_value,
                maximum_value,
                number_of_nulls,
                number_of_distinct_values,
            } => b.r#type(T::Decimal).decimal_column_statistics_data(
                sdk::DecimalColumnStatisticsData::builder()
                    .set_minimum_value(
                        minimum_value
                            .as_deref()
                            .map(|s| decimal_from_str("minimum_value", s))
                            .transpose()?,
                    )
                    .set_maximum_value(
                        maximum_value
                            .as_deref()
                            .map(|s| decimal_from_str("maximum_value", s))
                            .transpose()?,
                    )
                    .number_of_nulls(*number_of_nulls)
                    .number_of_distinct_values(*number_of_distinct_values)
                    .build(),
            ),
            Double {
                minimum_value,
                maximum_value,
                number_of_nulls,
                number_of_distinct_values,
            } => b.r#type(T::Double).double_column_statistics_data(
                sdk::DoubleColumnStatisticsData::builder()
                    .minimum_value(*minimum_value)
                    .maximum_value(*maximum_value)
                    .number_of_nulls(*number_of_nulls)
                    .number_of_distinct_values(*number_of_distinct_values)
                    .build(),
            ),
            Long {
                minimum_value,
                maximum_value,
                number_of_nulls,
                number_of_distinct_values,
            } => b.r#type(T::Long).long_column_statistics_data(
                sdk::LongColumnStatisticsData::builder()
                    .minimum_value(*minimum_value)
                    .maximum_value(*maximum_value)
                    .number_of_nulls(*number_of_nulls)
                    .number_of_distinct_values(*number_of_distinct_values)
                    .build(),
            ),
            String {
                maximum_length,
                average_length,
                number_of_nulls,
                number_of_distinct_values,
            } => b.r#type(T::String).string_column_statistics_data(
                sdk::StringColumnStatisticsData::builder()
                    .maximum_length(*maximum_length)
                    .average_length(*average_length)
                    .number_of_nulls(*number_of_nulls)
                    .number_of_distinct_values(*number_of_distinct_values)
                    .build(),
            ),
            Binary {
                maximum_length,
                average_length,
                number_of_nulls,
            } => b.r#type(T::Binary).binary_column_statistics_data(
                sdk::BinaryColumnStatisticsData::builder()
                    .maximum_length(*maximum_length)
                    .average_length(*average_length)
                    .number_of_nulls(*number_of_nulls)
                    .build(),
            ),
        };
        b.build()
            .map_err(|e| Error::invalid("statistics", e.to_string()))
    }
}

/// The statistics of one column of a table or partition.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_column_statistics")]
pub struct ColumnStatisticsRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Database name.
    pub database: String,
    /// Table name.
    pub table: String,
    /// Partition values, for partition statistics.
    pub partition_values: Option<Vec<String>>,
    /// Column name.
    pub column_name: String,
    /// Column type, e.g. `bigint`.
    pub column_type: String,
    /// When the statistics were computed (RFC 3339).
    pub analyzed_time: Option<String>,
    /// The statistics; `None` if Glue sent an empty union.
    pub statistics: Option<ColumnStatisticsData>,
}

impl ColumnStatisticsRecord {
    fn new(
        account_id: &str,
        region: &str,
        database: &str,
        table: &str,
        partition_values: Option<&[String]>,
        s: &sdk::ColumnStatistics,
    ) -> Self {
        ColumnStatisticsRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            database: database.to_owned(),
            table: table.to_owned(),
            partition_values: partition_values.map(<[String]>::to_vec),
            column_name: s.column_name.clone(),
            column_type: s.column_type.clone(),
            analyzed_time: time(Some(&s.analyzed_time)),
            statistics: s
                .statistics_data
                .as_ref()
                .and_then(ColumnStatisticsData::from_sdk),
        }
    }
}

/// A per-column failure Glue reported inside a successful response.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ColumnFailure {
    /// The column.
    pub column_name: Option<String>,
    /// Glue's error code, e.g. `EntityNotFoundException`.
    pub code: Option<String>,
    /// Glue's message.
    pub message: Option<String>,
}

impl ColumnFailure {
    fn from_detail(column: Option<String>, e: Option<&sdk::ErrorDetail>) -> Self {
        ColumnFailure {
            column_name: column,
            code: e.and_then(|e| e.error_code.clone()),
            message: e.and_then(|e| e.error_message.clone()),
        }
    }

    /// Glue reports a column without statistics as `EntityNotFoundException`: no failure.
    fn is_missing(&self) -> bool {
        self.code.as_deref() == Some("EntityNotFoundException")
    }

    fn to_error(&self) -> Error {
        let message = format!(
            "{}: {}",
            self.code.as_deref().unwrap_or("error"),
            self.message.as_deref().unwrap_or("")
        );
        match self.code.as_deref() {
            Some(code) => Error::from_code(code, message),
            None => Error::new(chicory_aws_core::ErrorKind::Service, message),
        }
    }
}

/// One `GetColumnStatisticsFor{Table,Partition}` request for up to 100 columns.
async fn fetch(
    client: &aws_sdk_glue::Client,
    catalog_id: Option<String>,
    database: &str,
    table: &str,
    partition: Option<&[String]>,
    columns: Vec<String>,
) -> Result<(Vec<sdk::ColumnStatistics>, Vec<ColumnFailure>)> {
    match partition {
        None => {
            let out = client
                .get_column_statistics_for_table()
                .set_catalog_id(catalog_id)
                .database_name(database)
                .table_name(table)
                .set_column_names(Some(columns))
                .send()
                .await
                .map_err(|e| {
                    Error::from_sdk(e, actions::glue::GET_COLUMN_STATISTICS_FOR_TABLE)
                        .with_resource(format!("{database}.{table}"))
                })?;
            let errors = out
                .errors
                .unwrap_or_default()
                .into_iter()
                .map(|e| ColumnFailure::from_detail(e.column_name, e.error.as_ref()))
                .collect();
            Ok((out.column_statistics_list.unwrap_or_default(), errors))
        }
        Some(values) => {
            let out = client
                .get_column_statistics_for_partition()
                .set_catalog_id(catalog_id)
                .database_name(database)
                .table_name(table)
                .set_partition_values(Some(values.to_vec()))
                .set_column_names(Some(columns))
                .send()
                .await
                .map_err(|e| {
                    Error::from_sdk(e, actions::glue::GET_COLUMN_STATISTICS_FOR_PARTITION)
                        .with_resource(format!("{database}.{table}"))
                })?;
            let errors = out
                .errors
                .unwrap_or_default()
                .into_iter()
                .map(|e| ColumnFailure::from_detail(e.column_name, e.error.as_ref()))
                .collect();
            Ok((out.column_statistics_list.unwrap_or_default(), errors))
        }
    }
}

/// The statistics of `columns` of one table or partition, 100 columns per request, in order.
/// A column the answer reports as failed is skipped if denied, incomplete for any other cause;
/// a column without statistics is simply absent.
fn stats_of(
    ctx: Arc<CatalogReader>,
    catalog: Option<String>,
    database: String,
    table: String,
    partition: Option<Vec<String>>,
    columns: Vec<String>,
) -> ScanStream<ColumnStatisticsRecord> {
    let batches: Vec<Vec<String>> = columns
        .chunks(COLUMNS_PER_REQUEST)
        .map(<[String]>::to_vec)
        .collect();
    stream::iter(batches)
        .then(move |batch| {
            let (ctx, catalog, database, table, partition) = (
                ctx.clone(),
                catalog.clone(),
                database.clone(),
                table.clone(),
                partition.clone(),
            );
            async move {
                let catalog = catalog.clone();
                let table_part =
                    |action| Part::new(action, "").with("table", format!("{database}.{table}"));
                let part = match &partition {
                    Some(v) => table_part(actions::glue::GET_COLUMN_STATISTICS_FOR_PARTITION)
                        .with("partition", v.join("/")),
                    None => table_part(actions::glue::GET_COLUMN_STATISTICS_FOR_TABLE),
                };
                let got = read(&part, ctx.retry, || {
                    fetch(
                        &ctx.client,
                        catalog.clone(),
                        &database,
                        &table,
                        partition.as_deref(),
                        batch.clone(),
                    )
                })
                .await;
                let items: Vec<Result<ScanItem<_>>> = match got {
                    Ok((stats, errors)) => stats
                        .iter()
                        .map(|s| {
                            Ok(ScanItem::Record(ColumnStatisticsRecord::new(
                                &ctx.account_id,
                                &ctx.region,
                                &database,
                                &table,
                                partition.as_deref(),
                                s,
                            )))
                        })
                        .chain(errors.iter().filter(|f| !f.is_missing()).map(|f| {
                            let column = part
                                .clone()
                                .with("column", f.column_name.as_deref().unwrap_or("?").to_owned());
                            column.outcome(f.to_error())
                        }))
                        .collect(),
                    Err(outcome) => vec![outcome.map(ScanItem::Skipped)],
                };
                stream::iter(items)
            }
        })
        .flatten()
        .boxed()
}

/// Scans the column statistics of every matching table (`GetColumnStatisticsForTable`, 100
/// columns per request) and, if asked, of every partition of partitioned tables
/// (`GetColumnStatisticsForPartition`). Denied or vanished tables are recorded as skipped.
#[derive(Debug, Clone)]
pub struct ColumnStatisticsScanner {
    ctx: Arc<CatalogReader>,
    partitions: bool,
}

impl ColumnStatisticsScanner {
    /// A scanner over `conn` with `options` (filters, catalog id, concurrency, incremental).
    pub fn new(conn: &Connection, options: CatalogOptions) -> Result<Self> {
        Ok(ColumnStatisticsScanner {
            ctx: CatalogReader::new(conn, options)?,
            partitions: false,
        })
    }

    /// Also reads the statistics of every partition (one request per partition per 100
    /// columns: costly on big tables).
    pub fn with_partitions(mut self, yes: bool) -> Self {
        self.partitions = yes;
        self
    }
}

/// The statistics a [`ColumnStatisticsScanner`] reads in one go: a table's, or a partition's.
struct Unit {
    catalog: Option<String>,
    database: String,
    table: String,
    partition: Option<Vec<String>>,
    columns: Vec<String>,
}

impl Scanner for ColumnStatisticsScanner {
    type Record = ColumnStatisticsRecord;
    fn name(&self) -> &'static str {
        "glue_column_statistics"
    }
    fn actions(&self) -> &'static [Action] {
        if self.partitions {
            self.ctx.actions(&[
                actions::glue::GET_DATABASES,
                actions::glue::GET_TABLES,
                actions::glue::GET_COLUMN_STATISTICS_FOR_TABLE,
                actions::glue::GET_PARTITIONS,
                actions::glue::GET_COLUMN_STATISTICS_FOR_PARTITION,
            ])
        } else {
            self.ctx.actions(&[
                actions::glue::GET_DATABASES,
                actions::glue::GET_TABLES,
                actions::glue::GET_COLUMN_STATISTICS_FOR_TABLE,
            ])
        }
    }
    fn scan(&self) -> ScanStream<ColumnStatisticsRecord> {
        // One stream of work units (a table, or one of its partitions), listed `concurrency`
        // databases at a time with each database's tables and partitions in order; then
        // `concurrency` units read at a time. So at most `concurrency` listings and
        // `concurrency` statistics requests are in flight, however deep the catalog.
        let with_partitions = self.partitions;
        let one = Concurrency::new("concurrency", 1).expect("1 is valid");
        let units = self.ctx.per_database(move |ctx, db| {
            let lister = ctx.clone();
            ctx.tables(db).flat_map_records(one, move |(db, t)| {
                // The current schema's columns: an Iceberg table's dropped columns have none.
                let (current, _) = current_columns(&t);
                let columns: Vec<String> = current.into_iter().map(|c| c.name).collect();
                if columns.is_empty() {
                    return stream::empty().boxed();
                }
                let table_unit = stream::iter([Ok(ScanItem::Record(Unit {
                    catalog: db.catalog.clone(),
                    database: db.name.clone(),
                    table: t.name.clone(),
                    partition: None,
                    columns: columns.clone(),
                }))]);
                if !with_partitions || t.partition_keys().is_empty() {
                    return table_unit.boxed();
                }
                let table = t.name.clone();
                let partition_units = partitions(lister.clone(), db.clone(), table.clone(), 1)
                    .map_records(move |p| Unit {
                        catalog: db.catalog.clone(),
                        database: db.name.clone(),
                        table: table.clone(),
                        partition: Some(p.values),
                        columns: columns.clone(),
                    });
                table_unit.chain(partition_units).boxed()
            })
        });
        let ctx = self.ctx.clone();
        units.flat_map_records(self.ctx.concurrency, move |u| {
            stats_of(
                ctx.clone(),
                u.catalog,
                u.database,
                u.table,
                u.partition,
                u.columns,
            )
        })
    }
}

/// An operator input naming a table or one of its partitions (`database`, `table`,
/// `partition_values`, `catalog_id`), with the operator's own fields between.
macro_rules! target_input {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Database name.
            pub database: String,
            /// Table name.
            pub table: String,
            /// Partition values; absent: the table's statistics.
            #[serde(default)]
            pub partition_values: Option<Vec<String>>,
            $($(#[$fdoc])* pub $field: $ty,)*
            /// Catalog id; default: the caller's account.
            #[serde(default)]
            pub catalog_id: Option<String>,
        }

        impl $name {
            /// Checks the database, table and partition values.
            fn check_target(&self) -> Result<()> {
                check_target(&self.database, &self.table, self.partition_values.as_deref())
            }
        }
    };
}

fn check_target(database: &str, table: &str, partition: Option<&[String]>) -> Result<()> {
    check_name("database", database)?;
    check_name("table", table)?;
    if let Some(values) = partition {
        if values.is_empty() {
            return Err(Error::invalid(
                "partition_values",
                "must name at least one value when given",
            ));
        }
    }
    Ok(())
}

target_input!(
    /// Input of `glue_get_column_statistics`.
    GetColumnStatisticsInput {
        /// Columns to read (any number; sent 100 per request).
        pub column_names: Vec<String>,
    }
);

/// Output of `glue_get_column_statistics`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GetColumnStatisticsOutput {
    /// Statistics found.
    pub statistics: Vec<ColumnStatisticsRecord>,
    /// Columns Glue reported errors for (incl. columns without statistics).
    pub errors: Vec<ColumnFailure>,
}

operator_struct!(
    /// Reads column statistics of a table or partition (ReadOnly).
    GetColumnStatistics
);

#[async_trait]
impl Operator for GetColumnStatistics {
    type Input = GetColumnStatisticsInput;
    type Output = GetColumnStatisticsOutput;
    const NAME: &'static str = "glue_get_column_statistics";
    const DESCRIPTION: &'static str =
        "Reads the column statistics of a Glue table or of one of its partitions.";
    const ACTIONS: &'static [Action] = &[
        actions::glue::GET_COLUMN_STATISTICS_FOR_TABLE,
        actions::glue::GET_COLUMN_STATISTICS_FOR_PARTITION,
    ];

    async fn execute(
        &self,
        input: GetColumnStatisticsInput,
        _: AccessChecked<Self>,
    ) -> Result<GetColumnStatisticsOutput> {
        input.check_target()?;
        if input.column_names.is_empty() {
            return Err(Error::invalid(
                "column_names",
                "must name at least one column",
            ));
        }
        for c in &input.column_names {
            check_name("column_names", c)?;
        }
        let client = unchecked_glue_client(&self.conn);
        let mut out = GetColumnStatisticsOutput {
            statistics: Vec::new(),
            errors: Vec::new(),
        };
        for batch in input.column_names.chunks(COLUMNS_PER_REQUEST) {
            let (stats, errors) = fetch(
                &client,
                input.catalog_id.clone(),
                &input.database,
                &input.table,
                input.partition_values.as_deref(),
                batch.to_vec(),
            )
            .await?;
            out.statistics.extend(stats.iter().map(|s| {
                ColumnStatisticsRecord::new(
                    self.conn.account_id(),
                    self.conn.region(),
                    &input.database,
                    &input.table,
                    input.partition_values.as_deref(),
                    s,
                )
            }));
            out.errors.extend(errors);
        }
        Ok(out)
    }
}

/// The statistics of one column to write.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnStatisticsInput {
    /// Column name.
    pub column_name: String,
    /// Column type, e.g. `bigint`.
    pub column_type: String,
    /// When the statistics were computed (RFC 3339); default: now.
    #[serde(default)]
    pub analyzed_time: Option<String>,
    /// The statistics.
    pub statistics: ColumnStatisticsData,
}

impl ColumnStatisticsInput {
    fn to_sdk(&self) -> Result<sdk::ColumnStatistics> {
        check_name("column_name", &self.column_name)?;
        if self.column_type.is_empty() || self.column_type.len() > 20_000 {
            return Err(Error::invalid(
                "column_type",
                "must be 1 to 20000 characters",
            ));
        }
        let analyzed = match &self.analyzed_time {
            Some(t) => rfc3339("analyzed_time", t)?,
            None => DateTime::from(std::time::SystemTime::now()),
        };
        sdk::ColumnStatistics::builder()
            .column_name(&self.column_name)
            .column_type(&self.column_type)
            .analyzed_time(analyzed)
            .statistics_data(self.statistics.to_sdk()?)
            .build()
            .map_err(|e| Error::invalid("statistics", e.to_string()))
    }
}

target_input!(
    /// Input of `glue_update_column_statistics`.
    UpdateColumnStatisticsInput {
        /// Statistics to write (any number; sent 25 per request).
        pub statistics: Vec<ColumnStatisticsInput>,
    }
);

/// Output of `glue_update_column_statistics`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UpdateColumnStatisticsOutput {
    /// Columns written.
    pub updated: Vec<String>,
    /// Columns Glue refused, with its reason.
    pub errors: Vec<ColumnFailure>,
}

operator_struct!(
    /// Writes column statistics of a table or partition (ReadWrite).
    UpdateColumnStatistics
);

#[async_trait]
impl Operator for UpdateColumnStatistics {
    type Input = UpdateColumnStatisticsInput;
    type Output = UpdateColumnStatisticsOutput;
    const NAME: &'static str = "glue_update_column_statistics";
    const DESCRIPTION: &'static str =
        "Creates or updates column statistics of a Glue table or of one of its partitions.";
    const ACTIONS: &'static [Action] = &[
        actions::glue::UPDATE_COLUMN_STATISTICS_FOR_TABLE,
        actions::glue::UPDATE_COLUMN_STATISTICS_FOR_PARTITION,
    ];

    async fn execute(
        &self,
        input: UpdateColumnStatisticsInput,
        _: AccessChecked<Self>,
    ) -> Result<UpdateColumnStatisticsOutput> {
        input.check_target()?;
        if input.statistics.is_empty() {
            return Err(Error::invalid(
                "statistics",
                "must hold at least one column",
            ));
        }
        let all: Vec<sdk::ColumnStatistics> = input
            .statistics
            .iter()
            .map(ColumnStatisticsInput::to_sdk)
            .collect::<Result<_>>()?;
        let client = unchecked_glue_client(&self.conn);
        let resource = format!("{}.{}", input.database, input.table);
        let mut out = UpdateColumnStatisticsOutput {
            updated: Vec::new(),
            errors: Vec::new(),
        };
        for batch in all.chunks(UPDATES_PER_REQUEST) {
            let errors = match &input.partition_values {
                None => client
                    .update_column_statistics_for_table()
                    .set_catalog_id(input.catalog_id.clone())
                    .database_name(&input.database)
                    .table_name(&input.table)
                    .set_column_statistics_list(Some(batch.to_vec()))
                    .send()
                    .await
                    .map_err(|e| {
                        Error::from_sdk(e, actions::glue::UPDATE_COLUMN_STATISTICS_FOR_TABLE)
                            .with_resource(resource.clone())
                    })?
                    .errors
                    .unwrap_or_default(),
                Some(values) => client
                    .update_column_statistics_for_partition()
                    .set_catalog_id(input.catalog_id.clone())
                    .database_name(&input.database)
                    .table_name(&input.table)
                    .set_partition_values(Some(values.clone()))
                    .set_column_statistics_list(Some(batch.to_vec()))
                    .send()
                    .await
                    .map_err(|e| {
                        Error::from_sdk(e, actions::glue::UPDATE_COLUMN_STATISTICS_FOR_PARTITION)
                            .with_resource(resource.clone())
                    })?
                    .errors
                    .unwrap_or_default(),
            };
            let failed: Vec<ColumnFailure> = errors
                .iter()
                .map(|e| {
                    ColumnFailure::from_detail(
                        e.column_statistics.as_ref().map(|c| c.column_name.clone()),
                        e.error.as_ref(),
                    )
                })
                .collect();
            out.updated.extend(
                batch
                    .iter()
                    .map(|c| c.column_name.clone())
                    .filter(|n| !failed.iter().any(|f| f.column_name.as_ref() == Some(n))),
            );
            out.errors.extend(failed);
        }
        Ok(out)
    }
}

target_input!(
    /// Input of `glue_delete_column_statistics`.
    DeleteColumnStatisticsInput {
        /// The column whose statistics are deleted.
        pub column_name: String,
    }
);

/// Output of `glue_delete_column_statistics`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeleteColumnStatisticsOutput {
    /// `database.table`.
    pub table: String,
    /// Partition values, if a partition's statistics were deleted.
    pub partition_values: Option<Vec<String>>,
    /// The column.
    pub column_name: String,
}

operator_struct!(
    /// Deletes the statistics of one column of a table or partition (ReadWrite).
    DeleteColumnStatistics
);

#[async_trait]
impl Operator for DeleteColumnStatistics {
    type Input = DeleteColumnStatisticsInput;
    type Output = DeleteColumnStatisticsOutput;
    const NAME: &'static str = "glue_delete_column_statistics";
    const DESCRIPTION: &'static str =
        "Deletes the statistics of one column of a Glue table or of one of its partitions.";
    const ACTIONS: &'static [Action] = &[
        actions::glue::DELETE_COLUMN_STATISTICS_FOR_TABLE,
        actions::glue::DELETE_COLUMN_STATISTICS_FOR_PARTITION,
    ];

    async fn execute(
        &self,
        input: DeleteColumnStatisticsInput,
        _: AccessChecked<Self>,
    ) -> Result<DeleteColumnStatisticsOutput> {
        input.check_target()?;
        check_name("column_name", &input.column_name)?;
        let client = unchecked_glue_client(&self.conn);
        let resource = format!("{}.{}", input.database, input.table);
        match &input.partition_values {
            None => {
                client
                    .delete_column_statistics_for_table()
                    .set_catalog_id(input.catalog_id.clone())
                    .database_name(&input.database)
                    .table_name(&input.table)
                    .column_name(&input.column_name)
                    .send()
                    .await
                    .map_err(|e| {
                        Error::from_sdk(e, actions::glue::DELETE_COLUMN_STATISTICS_FOR_TABLE)
                            .with_resource(resource.clone())
                    })?;
            }
            Some(values) => {
                client
                    .delete_column_statistics_for_partition()
                    .set_catalog_id(input.catalog_id.clone())
                    .database_name(&input.database)
                    .table_name(&input.table)
                    .set_partition_values(Some(values.clone()))
                    .column_name(&input.column_name)
                    .send()
                    .await
                    .map_err(|e| {
                        Error::from_sdk(e, actions::glue::DELETE_COLUMN_STATISTICS_FOR_PARTITION)
                            .with_resource(resource.clone())
                    })?;
            }
        }
        Ok(DeleteColumnStatisticsOutput {
            table: resource,
            partition_values: input.partition_values,
            column_name: input.column_name,
        })
    }
}

chicory_aws_core::record_kind!(
    ColumnStatisticsRecord => "glue_column_statistics",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip_through_twos_complement() {
        for s in [
            "0",
            "1",
            "-1",
            "127",
            "128",
            "-128",
            "-129",
            "12.50",
            "-0.05",
            "99999999999999999999999999999999999999",
        ] {
            let d = decimal_from_str("v", s).unwrap();
            assert_eq!(decimal_to_string(&d).as_deref(), Some(s), "{s}");
        }
        let d = decimal_from_str("v", "-1").unwrap();
        assert_eq!(d.unscaled_value.as_ref(), &[0xff]);
        // A server-given scale is never padded out: exponent form beyond 38, and for negative
        // scales; values beyond 128 bits are exact too.
        let dec = |bytes: &[u8], scale: i32| {
            decimal_to_string(
                &sdk::DecimalNumber::builder()
                    .unscaled_value(Blob::new(bytes.to_vec()))
                    .scale(scale)
                    .build()
                    .unwrap(),
            )
        };
        assert_eq!(
            dec(&[0x30, 0x39], i32::MAX).as_deref(),
            Some("12345E-2147483647")
        );
        assert_eq!(dec(&[0xcf, 0xc7], 2).as_deref(), Some("-123.45"));
        assert_eq!(dec(&[0x30, 0x39], -3).as_deref(), Some("12345E3"));
        assert_eq!(dec(&[0x00], 0).as_deref(), Some("0"));
        let two_to_the_136 = [&[0x01][..], &[0u8; 17][..]].concat();
        assert_eq!(
            dec(&two_to_the_136, 0).as_deref(),
            Some("87112285931760246646623899502532662132736")
        );
        assert_eq!(dec(&[], 0), None);
        let huge = [0xffu8; 129];
        let shown = dec(&huge, 2).unwrap();
        assert_eq!(shown.len(), 2 + 2 * 129 + 3, "{shown}");
        assert!(
            shown.starts_with("0xffff") && shown.ends_with("E-2"),
            "{shown}"
        );
        let d = decimal_from_str("v", "128").unwrap();
        assert_eq!(d.unscaled_value.as_ref(), &[0x00, 0x80]);
        assert_eq!(decimal_from_str("v", "1e5").unwrap_err().field(), Some("v"));
        assert_eq!(decimal_from_str("v", ".5").unwrap_err().field(), Some("v"));
    }
}
