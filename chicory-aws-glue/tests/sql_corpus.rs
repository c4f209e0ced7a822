//! SQL analysis (`chicory_aws_glue::analyze`) on a corpus: the 22 TPC-H queries (copied from
//! Apache DataFusion, see `tests/data/sql/tpch/README.md`) and Athena statements (Trino DML,
//! Hive DDL, UNLOAD, MERGE, utility statements) whose expected kind, reads, writes and column
//! mappings are written out by hand below. Network-free.

use base64::Engine as _;
use chicory_aws_glue::{
    analyze, presto_view, presto_view_sql, QueryAnalysis, QueryContext, SqlErrorReason,
    StatementKind as K, WriteTarget,
};
use proptest::prelude::*;
use std::path::PathBuf;

/// What a statement is expected to give.
enum Expect {
    /// It parses: kind, reads (`catalog.db.table`), write target (`catalog.db.table`, or an
    /// `s3://` URI for a location) and column edges (`source table`, `source column`, `target
    /// column`).
    Ok {
        kind: K,
        reads: &'static [&'static str],
        writes: Option<&'static str>,
        columns: &'static [(&'static str, &'static str, &'static str)],
    },
    /// Valid Athena SQL that sqlparser 0.64 does not parse (a known gap, reported as an error).
    Gap,
}

struct Case {
    name: &'static str,
    /// `(catalog, database)` of the execution context.
    ctx: (Option<&'static str>, Option<&'static str>),
    sql: &'static str,
    expect: Expect,
}

const SALES: (Option<&str>, Option<&str>) = (None, Some("sales"));

const fn ok(kind: K, reads: &'static [&'static str], writes: Option<&'static str>) -> Expect {
    Expect::Ok {
        kind,
        reads,
        writes,
        columns: &[],
    }
}

const fn ok_cols(
    kind: K,
    reads: &'static [&'static str],
    writes: Option<&'static str>,
    columns: &'static [(&'static str, &'static str, &'static str)],
) -> Expect {
    Expect::Ok {
        kind,
        reads,
        writes,
        columns,
    }
}

const ORDERS: &str = "awsdatacatalog.sales.orders";
const CUSTOMERS: &str = "awsdatacatalog.sales.customers";

/// Athena statements with hand-written expectations.
const CASES: &[Case] = &[
    // --- Plain queries, names and context ---
    Case {
        name: "select_one_table",
        ctx: SALES,
        sql: "SELECT * FROM orders",
        expect: ok(K::Select, &[ORDERS], None),
    },
    Case {
        name: "two_part_names_join",
        ctx: SALES,
        sql: "SELECT o.id, c.name FROM crm.accounts c JOIN orders o ON c.id = o.customer_id",
        expect: ok(K::Select, &["awsdatacatalog.crm.accounts", ORDERS], None),
    },
    Case {
        name: "three_part_quoted_mixed_case",
        ctx: SALES,
        sql: r#"SELECT "Amount" FROM "Lakehouse"."Finance"."Ledger" WHERE "Amount" > 0"#,
        expect: ok(K::Select, &["lakehouse.finance.ledger"], None),
    },
    Case {
        name: "context_catalog_and_database",
        ctx: (Some("lakehouse"), Some("raw")),
        sql: "SELECT count(*) FROM events",
        expect: ok(K::Select, &["lakehouse.raw.events"], None),
    },
    Case {
        name: "no_context_database_is_default",
        ctx: (None, None),
        sql: "SELECT count(*) FROM events",
        expect: ok(K::Select, &["awsdatacatalog.default.events"], None),
    },
    Case {
        name: "cross_catalog_join",
        ctx: SALES,
        sql: "SELECT o.id, a.owner FROM awsdatacatalog.sales.orders o \
              JOIN mysql_crm.crm.accounts a ON a.id = o.account_id",
        expect: ok(K::Select, &["awsdatacatalog.sales.orders", "mysql_crm.crm.accounts"], None),
    },
    Case {
        name: "information_schema",
        ctx: SALES,
        sql: "SELECT table_name, column_name FROM information_schema.columns \
              WHERE table_schema = 'sales'",
        expect: ok(K::Select, &["awsdatacatalog.information_schema.columns"], None),
    },
    Case {
        name: "all_join_kinds",
        ctx: SALES,
        sql: "SELECT * FROM a LEFT JOIN b ON a.k = b.k RIGHT JOIN c ON b.k = c.k \
              FULL OUTER JOIN d ON c.k = d.k CROSS JOIN e",
        expect: ok(
            K::Select,
            &[
                "awsdatacatalog.sales.a",
                "awsdatacatalog.sales.b",
                "awsdatacatalog.sales.c",
                "awsdatacatalog.sales.d",
                "awsdatacatalog.sales.e",
            ],
            None,
        ),
    },
    // --- CTEs ---
    Case {
        name: "cte_is_not_a_table",
        ctx: SALES,
        sql: "WITH recent AS (SELECT * FROM orders WHERE dt > '2024-01-01') \
              SELECT r.id, c.name FROM recent r JOIN customers c ON r.customer_id = c.id",
        expect: ok(K::Select, &[CUSTOMERS, ORDERS], None),
    },
    Case {
        name: "cte_shadows_table_of_same_name",
        ctx: SALES,
        sql: "WITH orders AS (SELECT * FROM orders WHERE status = 'open') \
              SELECT count(*) FROM orders",
        expect: ok(K::Select, &[ORDERS], None),
    },
    Case {
        name: "cte_shadowing_qualified_name_still_a_table",
        ctx: SALES,
        sql: "WITH orders AS (SELECT id FROM archive.orders) \
              SELECT * FROM orders JOIN sales.orders s ON orders.id = s.id",
        expect: ok(K::Select, &["awsdatacatalog.archive.orders", ORDERS], None),
    },
    Case {
        name: "cte_chain",
        ctx: SALES,
        sql: "WITH a AS (SELECT * FROM t1), b AS (SELECT a.k FROM a JOIN t2 ON a.k = t2.k) \
              SELECT * FROM b",
        expect: ok(K::Select, &["awsdatacatalog.sales.t1", "awsdatacatalog.sales.t2"], None),
    },
    Case {
        name: "cte_body_does_not_see_later_cte",
        ctx: SALES,
        sql: "WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a, b",
        expect: ok(K::Select, &["awsdatacatalog.sales.b"], None),
    },
    Case {
        name: "cte_inside_derived_table",
        ctx: SALES,
        sql: "SELECT * FROM (WITH x AS (SELECT * FROM inner_t) SELECT * FROM x) sub \
              JOIN x ON sub.k = x.k",
        expect: ok(
            K::Select,
            &["awsdatacatalog.sales.inner_t", "awsdatacatalog.sales.x"],
            None,
        ),
    },
    Case {
        name: "recursive_cte",
        ctx: SALES,
        sql: "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) \
              SELECT * FROM r",
        expect: ok(K::Select, &[], None),
    },
    Case {
        name: "cte_in_where_subquery_quoted_mixed_case",
        ctx: SALES,
        sql: r#"WITH "Recent" AS (SELECT customer_id FROM orders WHERE dt > '2024-06-01')
              SELECT * FROM customers WHERE id IN (SELECT customer_id FROM recent)"#,
        expect: ok(K::Select, &[CUSTOMERS, ORDERS], None),
    },
    Case {
        name: "table_query",
        ctx: SALES,
        sql: "SELECT * FROM orders UNION ALL TABLE archive.orders",
        expect: ok(K::Select, &["awsdatacatalog.archive.orders", ORDERS], None),
    },
    // --- Subqueries, set operations, unnest, lateral ---
    Case {
        name: "subquery_in_where",
        ctx: SALES,
        sql: "SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE vip)",
        expect: ok(K::Select, &[CUSTOMERS, ORDERS], None),
    },
    Case {
        name: "scalar_subquery_in_select",
        ctx: SALES,
        sql: "SELECT o.id, (SELECT max(p.amount) FROM payments p WHERE p.order_id = o.id) \
              AS max_paid FROM orders o",
        expect: ok(K::Select, &[ORDERS, "awsdatacatalog.sales.payments"], None),
    },
    Case {
        name: "not_exists_and_having_subquery",
        ctx: SALES,
        sql: "SELECT o.customer_id, count(*) FROM orders o \
              WHERE NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id) \
              GROUP BY 1 HAVING count(*) > (SELECT avg(n) FROM stats.order_counts)",
        expect: ok(
            K::Select,
            &[
                ORDERS,
                "awsdatacatalog.sales.refunds",
                "awsdatacatalog.stats.order_counts",
            ],
            None,
        ),
    },
    Case {
        name: "union_all_and_union",
        ctx: SALES,
        sql: "SELECT id FROM a UNION ALL SELECT id FROM b UNION SELECT id FROM c",
        expect: ok(
            K::Select,
            &[
                "awsdatacatalog.sales.a",
                "awsdatacatalog.sales.b",
                "awsdatacatalog.sales.c",
            ],
            None,
        ),
    },
    Case {
        name: "intersect_except",
        ctx: SALES,
        sql: "(SELECT id FROM a INTERSECT SELECT id FROM b) EXCEPT SELECT id FROM c",
        expect: ok(
            K::Select,
            &[
                "awsdatacatalog.sales.a",
                "awsdatacatalog.sales.b",
                "awsdatacatalog.sales.c",
            ],
            None,
        ),
    },
    Case {
        name: "cross_join_unnest",
        ctx: SALES,
        sql: "SELECT o.id, item FROM orders o CROSS JOIN UNNEST(o.items) AS t(item)",
        expect: ok(K::Select, &[ORDERS], None),
    },
    Case {
        name: "unnest_with_ordinality",
        ctx: SALES,
        sql: "SELECT e.id, tag, pos FROM events e \
              CROSS JOIN UNNEST(e.tags) WITH ORDINALITY AS t(tag, pos)",
        expect: ok(K::Select, &["awsdatacatalog.sales.events"], None),
    },
    Case {
        name: "lateral_subquery",
        ctx: SALES,
        sql: "SELECT c.id, x.total FROM customers c, \
              LATERAL (SELECT sum(o.amount) AS total FROM orders o WHERE o.customer_id = c.id) x",
        expect: ok(K::Select, &[CUSTOMERS, ORDERS], None),
    },
    Case {
        name: "values_reads_nothing",
        ctx: SALES,
        sql: "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)",
        expect: ok(K::Select, &[], None),
    },
    Case {
        name: "trino_functions_lambdas_rows",
        ctx: SALES,
        sql: "SELECT date_trunc('day', ts), approx_distinct(user_id), \
              transform(scores, x -> x * 2), TRY_CAST(v AS integer), \
              CAST(ROW(1, 'a') AS ROW(a integer, b varchar)), ARRAY[1, 2], map(ARRAY['k'], ARRAY[1]) \
              FROM events WHERE ts > now() - interval '7' day",
        expect: ok(K::Select, &["awsdatacatalog.sales.events"], None),
    },
    Case {
        name: "grouping_sets_and_window",
        ctx: SALES,
        sql: "SELECT region, product, sum(amount), \
              rank() OVER (PARTITION BY region ORDER BY sum(amount) DESC) \
              FROM facts GROUP BY GROUPING SETS ((region, product), (region), ())",
        expect: ok(K::Select, &["awsdatacatalog.sales.facts"], None),
    },
    Case {
        name: "path_pseudo_column",
        ctx: SALES,
        sql: r#"SELECT "$path", count(*) FROM events GROUP BY 1"#,
        expect: ok(K::Select, &["awsdatacatalog.sales.events"], None),
    },
    Case {
        name: "tablesample",
        ctx: SALES,
        sql: "SELECT * FROM events TABLESAMPLE BERNOULLI (10)",
        expect: ok(K::Select, &["awsdatacatalog.sales.events"], None),
    },
    Case {
        name: "offset_fetch_first",
        ctx: SALES,
        sql: "SELECT id FROM orders ORDER BY id OFFSET 10 ROWS FETCH FIRST 5 ROWS ONLY",
        expect: ok(K::Select, &[ORDERS], None),
    },
    Case {
        name: "at_time_zone_and_is_distinct_from",
        ctx: SALES,
        sql: "SELECT ts AT TIME ZONE 'UTC' FROM events WHERE a IS DISTINCT FROM b",
        expect: ok(K::Select, &["awsdatacatalog.sales.events"], None),
    },
    Case {
        name: "iceberg_time_travel",
        ctx: SALES,
        sql: "SELECT * FROM orders FOR TIMESTAMP AS OF TIMESTAMP '2024-01-01 00:00:00 UTC'",
        expect: Expect::Gap,
    },
    Case {
        name: "iceberg_version_travel",
        ctx: SALES,
        sql: "SELECT * FROM orders FOR VERSION AS OF 949530903748831860",
        expect: Expect::Gap,
    },
    // --- INSERT ---
    Case {
        name: "insert_select",
        ctx: SALES,
        sql: "INSERT INTO sales.daily_totals SELECT dt, sum(amount) FROM orders GROUP BY dt",
        expect: ok(K::Insert, &[ORDERS], Some("awsdatacatalog.sales.daily_totals")),
    },
    Case {
        name: "insert_with_columns_maps_columns",
        ctx: SALES,
        sql: "INSERT INTO summary (order_id, total, note) SELECT id, amount, 'x' FROM orders",
        expect: ok_cols(
            K::Insert,
            &[ORDERS],
            Some("awsdatacatalog.sales.summary"),
            &[(ORDERS, "amount", "total"), (ORDERS, "id", "order_id")],
        ),
    },
    Case {
        name: "insert_values",
        ctx: SALES,
        sql: "INSERT INTO audit_log VALUES (1, 'created'), (2, 'deleted')",
        expect: ok(K::Insert, &[], Some("awsdatacatalog.sales.audit_log")),
    },
    Case {
        name: "insert_trino_with_inside",
        ctx: SALES,
        sql: "INSERT INTO t WITH x AS (SELECT * FROM src) SELECT * FROM x",
        expect: ok(K::Insert, &["awsdatacatalog.sales.src"], Some("awsdatacatalog.sales.t")),
    },
    Case {
        name: "with_then_insert",
        ctx: SALES,
        sql: "WITH x AS (SELECT id, v FROM src) INSERT INTO t (id, v) SELECT x.id, x.v FROM x",
        expect: ok(K::Insert, &["awsdatacatalog.sales.src"], Some("awsdatacatalog.sales.t")),
    },
    Case {
        name: "insert_into_other_catalog",
        ctx: (Some("lakehouse"), Some("raw")),
        sql: "INSERT INTO curated.events SELECT * FROM events WHERE valid",
        expect: ok(K::Insert, &["lakehouse.raw.events"], Some("lakehouse.curated.events")),
    },
    // --- CTAS ---
    Case {
        name: "ctas_with_properties",
        ctx: SALES,
        sql: "CREATE TABLE analytics.top_customers \
              WITH (format = 'PARQUET', external_location = 's3://bucket/top/', \
              partitioned_by = ARRAY['region']) AS \
              SELECT c.id, c.region AS region, sum(o.amount) AS total \
              FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY 1, 2",
        expect: ok_cols(
            K::CreateTableAs,
            &[CUSTOMERS, ORDERS],
            Some("awsdatacatalog.analytics.top_customers"),
            &[(CUSTOMERS, "id", "id"), (CUSTOMERS, "region", "region")],
        ),
    },
    Case {
        name: "ctas_from_cte_union",
        ctx: SALES,
        sql: "CREATE TABLE IF NOT EXISTS all_ids AS \
              WITH x AS (SELECT id FROM a) SELECT id FROM x UNION SELECT id FROM b",
        expect: ok(
            K::CreateTableAs,
            &["awsdatacatalog.sales.a", "awsdatacatalog.sales.b"],
            Some("awsdatacatalog.sales.all_ids"),
        ),
    },
    Case {
        name: "ctas_with_no_data",
        ctx: SALES,
        sql: "CREATE TABLE empty_copy AS SELECT * FROM orders WITH NO DATA",
        expect: ok(K::CreateTableAs, &[ORDERS], Some("awsdatacatalog.sales.empty_copy")),
    },
    // --- Views ---
    Case {
        name: "create_or_replace_view",
        ctx: SALES,
        sql: "CREATE OR REPLACE VIEW reporting.v_paid AS \
              SELECT o.id, o.amount AS total, upper(o.status) AS status \
              FROM orders o WHERE o.status = 'paid'",
        expect: ok_cols(
            K::CreateView,
            &[ORDERS],
            Some("awsdatacatalog.reporting.v_paid"),
            &[(ORDERS, "amount", "total"), (ORDERS, "id", "id")],
        ),
    },
    Case {
        name: "create_view_with_column_list_and_join",
        ctx: SALES,
        sql: "CREATE VIEW v_names (order_id, customer_name) AS \
              SELECT orders.id, c.name FROM orders JOIN customers c ON c.id = orders.customer_id",
        expect: ok_cols(
            K::CreateView,
            &[CUSTOMERS, ORDERS],
            Some("awsdatacatalog.sales.v_names"),
            &[
                (CUSTOMERS, "name", "customer_name"),
                (ORDERS, "id", "order_id"),
            ],
        ),
    },
    // --- UNLOAD ---
    Case {
        name: "unload_parquet",
        ctx: SALES,
        sql: "UNLOAD (SELECT * FROM orders WHERE dt = '2024-01-01') \
              TO 's3://exports/orders/2024-01-01/' WITH (format = 'PARQUET', compression = 'SNAPPY')",
        expect: ok(K::Unload, &[ORDERS], Some("s3://exports/orders/2024-01-01/")),
    },
    Case {
        name: "unload_partitioned_with_join",
        ctx: SALES,
        sql: "UNLOAD (SELECT o.id, c.region, o.dt FROM orders o JOIN customers c \
              ON c.id = o.customer_id) TO 's3://exports/by_region/' \
              WITH (format = 'JSON', partitioned_by = ARRAY['dt'])",
        expect: ok(K::Unload, &[CUSTOMERS, ORDERS], Some("s3://exports/by_region/")),
    },
    Case {
        name: "unload_with_cte",
        ctx: SALES,
        sql: "UNLOAD (WITH x AS (SELECT * FROM events WHERE dt = '2024-01-01') \
              SELECT x.id FROM x) TO 's3://exports/events/' WITH (format = 'AVRO')",
        expect: ok(K::Unload, &["awsdatacatalog.sales.events"], Some("s3://exports/events/")),
    },
    // --- MERGE, UPDATE, DELETE (Iceberg) ---
    Case {
        name: "merge_into_using_table",
        ctx: SALES,
        sql: "MERGE INTO customers t USING staging.customers_delta s ON t.id = s.id \
              WHEN MATCHED AND s.deleted THEN DELETE \
              WHEN MATCHED THEN UPDATE SET name = s.name \
              WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, s.name)",
        expect: ok(K::Merge, &["awsdatacatalog.staging.customers_delta"], Some(CUSTOMERS)),
    },
    Case {
        name: "merge_using_subquery",
        ctx: SALES,
        sql: "MERGE INTO orders t USING (SELECT * FROM incoming WHERE id IN \
              (SELECT id FROM approved)) s ON t.id = s.id \
              WHEN MATCHED THEN UPDATE SET amount = s.amount",
        expect: ok(
            K::Merge,
            &["awsdatacatalog.sales.approved", "awsdatacatalog.sales.incoming"],
            Some(ORDERS),
        ),
    },
    Case {
        name: "update_with_subquery",
        ctx: SALES,
        sql: "UPDATE orders SET status = 'void' WHERE id IN (SELECT order_id FROM fraud.flags)",
        expect: ok(K::Update, &["awsdatacatalog.fraud.flags"], Some(ORDERS)),
    },
    Case {
        name: "delete_where",
        ctx: SALES,
        sql: "DELETE FROM orders WHERE dt < DATE '2020-01-01'",
        expect: ok(K::Delete, &[], Some(ORDERS)),
    },
    // --- Hive DDL ---
    Case {
        name: "create_external_table_backticks",
        ctx: SALES,
        sql: "CREATE EXTERNAL TABLE IF NOT EXISTS `sales`.`Events` (`id` string, `ts` bigint) \
              PARTITIONED BY (`dt` string) \
              ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' \
              STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat' \
              OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' \
              LOCATION 's3://bucket/events/' TBLPROPERTIES ('has_encrypted_data'='false')",
        expect: ok(K::Ddl, &[], Some("awsdatacatalog.sales.events")),
    },
    Case {
        name: "create_external_table_parquet",
        ctx: SALES,
        sql: "CREATE EXTERNAL TABLE clicks (user_id string, url string) \
              STORED AS PARQUET LOCATION 's3://bucket/clicks/'",
        expect: ok(K::Ddl, &[], Some("awsdatacatalog.sales.clicks")),
    },
    Case {
        name: "create_iceberg_table",
        ctx: SALES,
        sql: "CREATE TABLE iceberg_orders (id bigint, dt date) PARTITIONED BY (day(dt)) \
              LOCATION 's3://bucket/iceberg/orders/' TBLPROPERTIES ('table_type' = 'ICEBERG')",
        expect: Expect::Gap,
    },
    Case {
        name: "alter_table_add_partition",
        ctx: SALES,
        sql: "ALTER TABLE orders ADD IF NOT EXISTS PARTITION (dt = '2024-01-01') \
              LOCATION 's3://bucket/orders/dt=2024-01-01/'",
        expect: ok(K::Ddl, &[], Some(ORDERS)),
    },
    Case {
        name: "alter_table_add_columns",
        ctx: SALES,
        sql: "ALTER TABLE orders ADD COLUMNS (coupon string)",
        expect: Expect::Gap,
    },
    Case {
        name: "msck_repair",
        ctx: SALES,
        sql: "MSCK REPAIR TABLE orders",
        expect: ok(K::Ddl, &[], Some(ORDERS)),
    },
    Case {
        name: "drop_table_backticks",
        ctx: SALES,
        sql: "DROP TABLE IF EXISTS `sales`.`tmp_orders`",
        expect: ok(K::Ddl, &[], Some("awsdatacatalog.sales.tmp_orders")),
    },
    Case {
        name: "drop_view",
        ctx: SALES,
        sql: "DROP VIEW IF EXISTS reporting.v_paid",
        expect: ok(K::Ddl, &[], Some("awsdatacatalog.reporting.v_paid")),
    },
    Case {
        name: "create_database",
        ctx: SALES,
        sql: "CREATE DATABASE IF NOT EXISTS staging LOCATION 's3://bucket/staging/'",
        expect: ok(K::Ddl, &[], None),
    },
    Case {
        name: "optimize_iceberg",
        ctx: SALES,
        sql: "OPTIMIZE orders REWRITE DATA USING BIN_PACK WHERE dt = '2024-01-01'",
        expect: Expect::Gap,
    },
    // --- Utility ---
    Case {
        name: "show_tables",
        ctx: SALES,
        sql: "SHOW TABLES IN sales",
        expect: ok(K::Utility, &[], None),
    },
    Case {
        name: "describe_table",
        ctx: SALES,
        sql: "DESCRIBE orders",
        expect: ok(K::Utility, &[], None),
    },
    Case {
        name: "show_partitions",
        ctx: SALES,
        sql: "SHOW PARTITIONS orders",
        expect: ok(K::Utility, &[], None),
    },
    Case {
        name: "explain_select",
        ctx: SALES,
        sql: "EXPLAIN SELECT * FROM orders WHERE id = 1",
        expect: ok(K::Utility, &[ORDERS], None),
    },
];

fn ctx_of(c: &Case) -> QueryContext {
    QueryContext {
        catalog: c.ctx.0.map(str::to_owned),
        database: c.ctx.1.map(str::to_owned),
    }
}

fn writes_str(a: &QueryAnalysis) -> Option<String> {
    a.writes.as_ref().map(|w| match w {
        WriteTarget::Table(t) => t.to_string(),
        WriteTarget::Location(uri) => uri.clone(),
    })
}

#[test]
fn hand_written_expectations() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in CASES {
        let got = analyze(case.sql, &ctx_of(case));
        match (&case.expect, got) {
            (
                Expect::Ok {
                    kind,
                    reads,
                    writes,
                    columns,
                },
                Ok(a),
            ) => {
                checked += 1;
                let got_reads: Vec<String> = a.reads.iter().map(|t| t.to_string()).collect();
                let got_cols: Vec<(String, String, String)> = a
                    .columns
                    .iter()
                    .map(|e| {
                        (
                            e.source_table.to_string(),
                            e.source_column.clone(),
                            e.target_column.clone(),
                        )
                    })
                    .collect();
                let want_cols: Vec<(String, String, String)> = columns
                    .iter()
                    .map(|(t, s, d)| (t.to_string(), s.to_string(), d.to_string()))
                    .collect();
                if a.kind != *kind
                    || got_reads != *reads
                    || writes_str(&a).as_deref() != *writes
                    || got_cols != want_cols
                {
                    failures.push(format!(
                        "{}: want {kind:?} {reads:?} -> {writes:?} {want_cols:?}\n    got {:?} {got_reads:?} -> {:?} {got_cols:?}",
                        case.name,
                        a.kind,
                        writes_str(&a)
                    ));
                }
            }
            (Expect::Ok { .. }, Err(e)) => {
                failures.push(format!("{}: want an analysis, got error {e}", case.name))
            }
            (Expect::Gap, Err(e)) => {
                checked += 1;
                assert_eq!(e.reason, SqlErrorReason::Parse, "{}", case.name);
                assert!(!e.message.is_empty(), "{}", case.name);
            }
            (Expect::Gap, Ok(a)) => failures.push(format!(
                "{}: marked as a parser gap but now parses: {a:?} (write its expectation)",
                case.name
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 30, "only {checked} expectations");
}

/// The UNLOAD location is a location, not a table.
#[test]
fn unload_target_is_a_location() {
    let a = analyze(
        "UNLOAD (SELECT 1) TO 's3://bucket/out/' WITH (format = 'ORC')",
        &QueryContext::default(),
    )
    .unwrap();
    assert_eq!(
        a.writes,
        Some(WriteTarget::Location("s3://bucket/out/".to_owned()))
    );
}

#[test]
fn unparsable_sql_is_an_error_with_a_reason() {
    let ctx = QueryContext::database("sales");
    let e = analyze("SELEC * FROM orders", &ctx).unwrap_err();
    assert_eq!(e.reason, SqlErrorReason::Parse);
    assert!(e.message.contains("SELEC"), "{e}");
    assert_eq!((e.line, e.column), (Some(1), Some(1)), "{e}");

    let e = analyze("SELECT a\n  FROM orders WHERE = 1", &ctx).unwrap_err();
    assert_eq!(e.reason, SqlErrorReason::Parse);
    assert_eq!((e.line, e.column), (Some(2), Some(21)), "{e}");

    // At the end of the text the parser gives no position.
    let e = analyze("SELECT * FROM orders WHERE (a = 1", &ctx).unwrap_err();
    assert_eq!(e.reason, SqlErrorReason::Parse, "{e}");
    assert!(e.message.contains("EOF"), "{e}");

    let e = analyze("  -- only a comment\n", &ctx).unwrap_err();
    assert_eq!(e.reason, SqlErrorReason::Empty, "{e}");
    let e = analyze("", &ctx).unwrap_err();
    assert_eq!(e.reason, SqlErrorReason::Empty, "{e}");

    let e = analyze("SELECT 1; SELECT 2", &ctx).unwrap_err();
    assert_eq!(e.reason, SqlErrorReason::MultipleStatements, "{e}");
    assert!(e.to_string().contains("2 statements"), "{e}");

    // One statement with a trailing semicolon is one statement.
    assert!(analyze("SELECT 1;", &ctx).is_ok());

    // Deep nesting is refused with a reason, not a stack overflow.
    let deep = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    let e = analyze(&deep, &ctx).unwrap_err();
    assert_eq!(e.reason, SqlErrorReason::Parse, "{e}");
}

/// Athena's own execution context converts, and resolves names as the fields would.
#[test]
fn context_from_athena_execution_context() {
    let athena = aws_sdk_athena::types::QueryExecutionContext::builder()
        .catalog("Lakehouse")
        .database("Raw")
        .build();
    let ctx = QueryContext::from(&athena);
    assert_eq!(ctx, QueryContext::new("Lakehouse", "Raw"));
    let a = analyze("SELECT * FROM events", &ctx).unwrap();
    assert_eq!(a.reads[0].to_string(), "lakehouse.raw.events");
}

fn presto_view_text(json: &serde_json::Value) -> String {
    format!(
        "/* Presto View: {} */",
        base64::engine::general_purpose::STANDARD.encode(json.to_string())
    )
}

#[test]
fn presto_view_decodes_and_analyses_in_its_own_context() {
    let sql = "SELECT o.id, c.name FROM orders o JOIN crm.customers c ON c.id = o.customer_id";
    let text = presto_view_text(&serde_json::json!({
        "originalSql": sql,
        "catalog": "awsdatacatalog",
        "schema": "sales",
        "columns": [{"name": "id", "type": "bigint"}, {"name": "name", "type": "varchar"}],
        "owner": "arn:aws:iam::123456789012:user/analyst",
        "runAsInvoker": false
    }));
    assert_eq!(presto_view_sql(&text).as_deref(), Some(sql));
    let view = presto_view(&text).unwrap();
    assert_eq!(view.schema.as_deref(), Some("sales"));
    let a = analyze(&view.original_sql, &view.context()).unwrap();
    assert_eq!(a.kind, K::Select);
    let reads: Vec<String> = a.reads.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        reads,
        [
            "awsdatacatalog.crm.customers",
            "awsdatacatalog.sales.orders"
        ]
    );

    // A Hive view's text is plain SQL.
    assert_eq!(
        presto_view_sql("  SELECT * FROM sales.orders\n").as_deref(),
        Some("SELECT * FROM sales.orders")
    );
    // Not decodable: none, rather than garbage.
    assert_eq!(presto_view_sql("/* Presto View: not base64! */"), None);
    assert_eq!(
        presto_view_sql(&format!(
            "/* Presto View: {} */",
            base64::engine::general_purpose::STANDARD.encode("{\"no\": \"sql\"}")
        )),
        None
    );
    assert_eq!(presto_view_sql("   "), None);
    assert!(presto_view("SELECT 1").is_none());
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sql")
}

/// The statements of the TPC-H files (`q15` holds three: create view, select, drop view).
fn tpch_statements() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in 1..=22 {
        let path = data_dir().join(format!("tpch/q{n:02}.sql"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let statements: Vec<&str> = text
            .split(';')
            .filter(|s| {
                s.lines()
                    .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
            })
            .collect();
        for (i, s) in statements.iter().enumerate() {
            let name = if statements.len() == 1 {
                format!("tpch q{n:02}")
            } else {
                format!("tpch q{n:02}.{}", i + 1)
            };
            out.push((name, s.trim().to_owned()));
        }
    }
    out
}

/// Every statement of the corpus: TPC-H, then the hand-written Athena statements.
fn corpus() -> Vec<(String, String, QueryContext)> {
    let tpch_ctx = QueryContext::database("tpch");
    let mut out: Vec<_> = tpch_statements()
        .into_iter()
        .map(|(name, sql)| (name, sql, tpch_ctx.clone()))
        .collect();
    out.extend(
        CASES
            .iter()
            .map(|c| (format!("athena {}", c.name), c.sql.to_owned(), ctx_of(c))),
    );
    out
}

/// Parse-rate floor of the corpus with the dialect `analyze` uses: a regression fails.
const MIN_PARSED: usize = 85;

#[test]
fn corpus_parse_rate_and_tables() {
    let corpus = corpus();
    let tpch = corpus
        .iter()
        .filter(|(n, ..)| n.starts_with("tpch"))
        .count();
    assert_eq!(tpch, 24, "22 TPC-H files, q15 holds three statements");
    let mut parsed = 0;
    for (name, sql, ctx) in &corpus {
        match analyze(sql, ctx) {
            Ok(a) => {
                parsed += 1;
                let reads: Vec<String> = a.reads.iter().map(|t| t.to_string()).collect();
                println!(
                    "{name:<48} {:?} reads [{}]{}",
                    a.kind,
                    reads.join(", "),
                    writes_str(&a)
                        .map(|w| format!(" writes {w}"))
                        .unwrap_or_default()
                );
            }
            Err(e) => println!("{name:<48} UNPARSED ({e})"),
        }
    }
    println!(
        "parsed {parsed}/{} ({:.1}%)",
        corpus.len(),
        100.0 * parsed as f64 / corpus.len() as f64
    );
    assert!(
        parsed >= MIN_PARSED,
        "parsed {parsed}/{}, below the measured {MIN_PARSED}",
        corpus.len()
    );
}

/// The tables of the TPC-H queries, by hand from the TPC-H specification's query texts.
#[test]
fn tpch_tables() {
    let want: &[(&str, &[&str])] = &[
        ("tpch q01", &["lineitem"]),
        (
            "tpch q02",
            &["nation", "part", "partsupp", "region", "supplier"],
        ),
        ("tpch q03", &["customer", "lineitem", "orders"]),
        ("tpch q04", &["lineitem", "orders"]),
        (
            "tpch q05",
            &[
                "customer", "lineitem", "nation", "orders", "region", "supplier",
            ],
        ),
        ("tpch q06", &["lineitem"]),
        (
            "tpch q07",
            &["customer", "lineitem", "nation", "orders", "supplier"],
        ),
        (
            "tpch q08",
            &[
                "customer", "lineitem", "nation", "orders", "part", "region", "supplier",
            ],
        ),
        (
            "tpch q09",
            &[
                "lineitem", "nation", "orders", "part", "partsupp", "supplier",
            ],
        ),
        ("tpch q10", &["customer", "lineitem", "nation", "orders"]),
        ("tpch q11", &["nation", "partsupp", "supplier"]),
        ("tpch q12", &["lineitem", "orders"]),
        ("tpch q13", &["customer", "orders"]),
        ("tpch q14", &["lineitem", "part"]),
        ("tpch q15.1", &["lineitem"]),
        ("tpch q15.2", &["revenue0", "supplier"]),
        ("tpch q15.3", &[]),
        ("tpch q16", &["part", "partsupp", "supplier"]),
        ("tpch q17", &["lineitem", "part"]),
        ("tpch q18", &["customer", "lineitem", "orders"]),
        ("tpch q19", &["lineitem", "part"]),
        (
            "tpch q20",
            &["lineitem", "nation", "part", "partsupp", "supplier"],
        ),
        ("tpch q21", &["lineitem", "nation", "orders", "supplier"]),
        ("tpch q22", &["customer", "orders"]),
    ];
    let ctx = QueryContext::database("tpch");
    let statements = tpch_statements();
    assert_eq!(statements.len(), want.len());
    for ((name, sql), (want_name, want_tables)) in statements.iter().zip(want) {
        assert_eq!(name, want_name);
        let a = analyze(sql, &ctx).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: Vec<String> = a
            .reads
            .iter()
            .map(|t| {
                assert_eq!(
                    (t.catalog.as_str(), t.database.as_str()),
                    ("awsdatacatalog", "tpch")
                );
                t.table.clone()
            })
            .collect();
        assert_eq!(got, *want_tables, "{name}");
    }
    // q15: the view is written, then read, then dropped.
    let q15: Vec<_> = statements
        .iter()
        .filter(|(n, _)| n.starts_with("tpch q15"))
        .map(|(_, sql)| analyze(sql, &ctx).unwrap())
        .collect();
    let kinds: Vec<K> = q15.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [K::CreateView, K::Select, K::Ddl]);
    assert_eq!(
        writes_str(&q15[0]).as_deref(),
        Some("awsdatacatalog.tpch.revenue0")
    );
    let edges: Vec<(String, String)> = q15[0]
        .columns
        .iter()
        .map(|e| (e.source_column.clone(), e.target_column.clone()))
        .collect();
    assert_eq!(edges, [("l_suppkey".to_owned(), "supplier_no".to_owned())]);
}

/// Parse rate of every sqlparser dialect on the corpus; run with
/// `cargo test -p chicory-aws-glue --test sql_corpus -- --ignored --nocapture dialect_parse_rates`.
#[test]
#[ignore]
fn dialect_parse_rates() {
    use sqlparser::parser::Parser;
    let tpch = tpch_statements();
    let athena: Vec<&str> = CASES.iter().map(|c| c.sql).collect();
    // Optionally, one more directory of `.sql` files (whole files) measured on the side,
    // e.g. a local copy of the TPC-DS queries: `SQL_EXTRA_DIR=/path/to/queries`.
    let extra: Vec<String> = std::env::var("SQL_EXTRA_DIR")
        .map(|dir| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "sql"))
                .collect();
            files.sort();
            files
                .iter()
                .map(|p| std::fs::read_to_string(p).unwrap())
                .collect()
        })
        .unwrap_or_default();
    let names = [
        "generic",
        "ansi",
        "hive",
        "databricks",
        "spark",
        "mysql",
        "postgresql",
        "redshift",
        "duckdb",
        "bigquery",
        "snowflake",
        "clickhouse",
        "mssql",
        "sqlite",
        "oracle",
        "teradata",
    ];
    let total = tpch.len() + athena.len();
    println!(
        "| dialect | TPC-H ({}) | Athena ({}) | all ({total}) |",
        tpch.len(),
        athena.len()
    );
    println!("|---|---|---|---|");
    let mut best = 0;
    for name in names {
        let dialect = sqlparser::dialect::dialect_from_str(name).unwrap();
        let one =
            |sql: &str| matches!(Parser::parse_sql(dialect.as_ref(), sql), Ok(s) if s.len() == 1);
        let t = tpch.iter().filter(|(_, sql)| one(sql)).count();
        let a = athena.iter().filter(|sql| one(sql)).count();
        let x = extra
            .iter()
            .filter(
                |sql| matches!(Parser::parse_sql(dialect.as_ref(), sql), Ok(s) if !s.is_empty()),
            )
            .count();
        if !extra.is_empty() {
            eprintln!("{name}: extra {x}/{}", extra.len());
        }
        let failed: Vec<&str> = CASES
            .iter()
            .filter(|c| !one(c.sql))
            .map(|c| c.name)
            .collect();
        println!(
            "| {name} | {t} | {a} | {} ({:.1}%) |",
            t + a,
            100.0 * (t + a) as f64 / total as f64
        );
        eprintln!("{name} fails: {}", failed.join(", "));
        best = best.max(t + a);
    }
    assert!(best > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any text, and any cut of a corpus statement, gives an analysis or an error: no panic.
    #[test]
    fn never_panics(text in ".{0,200}", case in 0..CASES.len(), cut in 0usize..400) {
        let ctx = QueryContext::database("sales");
        let _ = analyze(&text, &ctx);
        let sql = CASES[case].sql;
        let cut = sql.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(sql.len());
        if let Ok(a) = analyze(&sql[..cut], &ctx) {
            // A parsed prefix names only tables of the full statement's text.
            for t in &a.reads {
                prop_assert!(sql.to_lowercase().contains(&t.table), "{} not in {}", t.table, sql);
            }
        }
    }
}
