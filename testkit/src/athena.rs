//! An Athena query history of any size for a [`FakeServer`](crate::http::FakeServer), answered
//! from arithmetic, not from stored executions: `ListQueryExecutions` (pages of up to 50,
//! `NextToken` the next index) and `BatchGetQueryExecution` (each id's execution rebuilt from
//! its index). The fake's cost per request is the page it renders, and it keeps nothing per
//! request, so a run's memory growth is the client's: for the query-activity scanners over
//! 100,000 executions and more.
//!
//! Execution `i` (`q00000000`-style ids) runs [`history_query`]`(i, tables)`: a mix of selects
//! with joins, subqueries, CTEs and windows, `INSERT ... SELECT`, CTAS, `UNLOAD`, `MERGE`,
//! `CREATE VIEW`, and (one execution in 20) an Iceberg time-travel select the SQL parser does
//! not take. Every table read or written is one of `tables` tables of database `sales`
//! (`t0000`..), so a history of any length names exactly `tables` distinct tables once it holds
//! `10 * tables` executions or more.

use crate::http::{Answer, Fake};
use std::fmt::Write;

/// Seconds since the epoch of execution 0's submission; execution `i` is `i` seconds later.
const EPOCH: u64 = 1_700_000_000;

/// Executions whose SQL the parser does not take: one in 20 ([`history_query`]).
pub fn unparsable_among(executions: usize) -> usize {
    // Execution i is unparsable when i % 20 == 9.
    executions / 20 + usize::from(executions % 20 > 9)
}

/// The SQL of execution `i` of a history over `tables` tables (context: database `sales`).
/// Ten statement shapes in turn (`i % 10`); the main table is `(i / 10) % tables`, so every
/// shape reaches every table.
pub fn history_query(i: usize, tables: usize) -> String {
    let tables = tables.max(1);
    let a = (i / 10) % tables;
    let b = (a * 7 + 1) % tables;
    let c = (a * 13 + 5) % tables;
    let (a, b, c) = (format!("t{a:04}"), format!("t{b:04}"), format!("t{c:04}"));
    match i % 10 {
        0 => format!(
            "SELECT o.region, c.segment, sum(o.amount) AS revenue, count(*) AS orders \
             FROM {a} o JOIN {b} c ON o.customer_id = c.id \
             WHERE o.dt BETWEEN DATE '2024-01-01' AND DATE '2024-03-31' AND c.active \
             GROUP BY o.region, c.segment ORDER BY revenue DESC LIMIT 100"
        ),
        1 => format!(
            "SELECT o.id, o.amount FROM {a} o \
             WHERE o.customer_id IN (SELECT id FROM {b} WHERE tier = 'gold') \
             AND o.amount > (SELECT avg(amount) FROM {c} x WHERE x.dt = o.dt) \
             AND NOT EXISTS (SELECT 1 FROM {b} r WHERE r.order_id = o.id)"
        ),
        2 => format!(
            "WITH recent AS (SELECT customer_id, amount, dt FROM {a} \
             WHERE dt > current_date - interval '7' day) \
             SELECT r.customer_id, sum(r.amount) OVER (PARTITION BY r.customer_id ORDER BY r.dt) \
             AS running FROM recent r JOIN {b} c ON c.id = r.customer_id"
        ),
        3 => format!(
            "INSERT INTO {c} (dt, region, total) SELECT o.dt, o.region, sum(o.amount) \
             FROM {a} o LEFT JOIN {b} r ON r.id = o.refund_id WHERE r.id IS NULL GROUP BY 1, 2"
        ),
        4 => format!(
            "CREATE TABLE {c} WITH (format = 'PARQUET', \
             external_location = 's3://lake/ctas/{i}/', partitioned_by = ARRAY['region']) AS \
             SELECT c.id, count(*) AS orders, c.region FROM {b} c JOIN {a} o \
             ON o.customer_id = c.id GROUP BY c.id, c.region"
        ),
        5 => format!(
            "UNLOAD (SELECT o.id, o.amount, o.dt FROM {a} o WHERE o.dt = '2024-06-01') \
             TO 's3://exports/{a}/{i}/' WITH (format = 'PARQUET', compression = 'SNAPPY')"
        ),
        6 => format!(
            "MERGE INTO {a} t USING (SELECT * FROM {b} WHERE dt = '2024-06-01') s \
             ON t.id = s.id WHEN MATCHED THEN UPDATE SET amount = s.amount \
             WHEN NOT MATCHED THEN INSERT (id, amount) VALUES (s.id, s.amount)"
        ),
        7 => format!(
            "CREATE OR REPLACE VIEW {c} AS SELECT o.id, o.amount AS total, c.name \
             FROM {a} o JOIN {b} c ON c.id = o.customer_id WHERE o.status = 'paid'"
        ),
        8 => format!(
            "SELECT region, sum(amount) AS amount FROM (SELECT region, amount FROM {a} \
             UNION ALL SELECT region, amount FROM {b}) u GROUP BY region \
             HAVING sum(amount) > 1000"
        ),
        _ if (i / 10).is_multiple_of(2) => {
            format!("SELECT * FROM {a} FOR TIMESTAMP AS OF TIMESTAMP '2024-01-01 00:00:00 UTC'")
        }
        _ => format!("SELECT count(*) FROM {a} WHERE dt = '2024-06-01'"),
    }
}

/// A history of `executions` executions over `tables` tables (see the module documentation),
/// for a [`FakeServer`](crate::http::FakeServer). Send `athena` to the server's URL.
pub fn large_history(executions: usize, tables: usize) -> Box<dyn Fake> {
    Box::new(LargeHistory { executions, tables })
}

struct LargeHistory {
    executions: usize,
    tables: usize,
}

fn id(i: usize) -> String {
    format!("q{i:08}")
}

impl Fake for LargeHistory {
    fn answer(
        &self,
        method: &str,
        _: &str,
        _: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Option<Answer> {
        let target = headers.get("x-amz-target")?.to_str().ok()?;
        if method != "POST" {
            return None;
        }
        let body: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let out = match target {
            "AmazonAthena.ListQueryExecutions" => {
                let max = body["MaxResults"].as_u64().map_or(50, |m| m.min(50)) as usize;
                let start: usize = body["NextToken"]
                    .as_str()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0);
                let end = (start + max).min(self.executions);
                let mut out = String::with_capacity(14 * (end.saturating_sub(start)) + 64);
                out.push_str(r#"{"QueryExecutionIds":["#);
                for i in start..end {
                    let sep = if i == start { "" } else { "," };
                    let _ = write!(out, r#"{sep}"{}""#, id(i));
                }
                out.push(']');
                if end < self.executions {
                    let _ = write!(out, r#","NextToken":"{end}""#);
                }
                out.push('}');
                out
            }
            "AmazonAthena.BatchGetQueryExecution" => {
                let ids: Vec<usize> = body["QueryExecutionIds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str()?.strip_prefix('q')?.parse().ok())
                    .collect();
                let mut out = String::with_capacity(900 * ids.len() + 64);
                out.push_str(r#"{"QueryExecutions":["#);
                for (k, &i) in ids.iter().enumerate() {
                    let sep = if k == 0 { "" } else { "," };
                    let submitted = EPOCH + i as u64;
                    // The SQL holds no `"` or `\`: it is a JSON string as it is.
                    let _ = write!(
                        out,
                        r#"{sep}{{"QueryExecutionId":"{}","Query":"{}","StatementType":"DML","WorkGroup":"primary","QueryExecutionContext":{{"Database":"sales","Catalog":"AwsDataCatalog"}},"Status":{{"State":"SUCCEEDED","SubmissionDateTime":{submitted},"CompletionDateTime":{}}},"Statistics":{{"DataScannedInBytes":{},"EngineExecutionTimeInMillis":{}}}}}"#,
                        id(i),
                        history_query(i, self.tables),
                        submitted + 2,
                        1024 * (i % 1000 + 1),
                        100 + i % 900,
                    );
                }
                out.push_str(r#"],"UnprocessedQueryExecutionIds":[]}"#);
                out
            }
            _ => return None,
        };
        Some(Answer {
            status: 200,
            content_type: "application/x-amz-json-1.1",
            body: out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_json_safe_and_every_shape_reaches_every_table() {
        let tables = 7;
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..10 * tables * 2 {
            let q = history_query(i, tables);
            assert!(!q.contains('"') && !q.contains('\\'), "{q}");
            for t in 0..tables {
                if q.contains(&format!("t{t:04}")) {
                    seen.insert((i % 10, t));
                }
            }
        }
        assert_eq!(seen.len(), 10 * tables, "every shape names every table");
    }

    #[test]
    fn unparsable_count_matches_the_shapes() {
        for n in [0, 9, 10, 19, 20, 29, 30, 100, 1234] {
            let counted = (0..n)
                .filter(|&i| history_query(i, 5).contains("FOR TIMESTAMP AS OF"))
                .count();
            assert_eq!(unparsable_among(n), counted, "{n}");
        }
    }

    #[test]
    fn pages_follow_the_token_and_batches_rebuild_each_id() {
        let fake = large_history(120, 3);
        let mut headers = hyper::HeaderMap::new();
        headers.insert(
            "x-amz-target",
            "AmazonAthena.ListQueryExecutions".parse().unwrap(),
        );
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let body = match &token {
                Some(t) => format!(r#"{{"MaxResults":50,"NextToken":"{t}"}}"#),
                None => r#"{"MaxResults":50}"#.to_owned(),
            };
            let a = fake
                .answer("POST", "/", "", &headers, body.as_bytes())
                .unwrap();
            let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
            let page = v["QueryExecutionIds"].as_array().unwrap();
            assert!(page.len() <= 50);
            ids.extend(page.iter().map(|i| i.as_str().unwrap().to_owned()));
            match v["NextToken"].as_str() {
                Some(t) => token = Some(t.to_owned()),
                None => break,
            }
        }
        assert_eq!(ids.len(), 120);
        assert_eq!(ids[119], "q00000119");
        headers.insert(
            "x-amz-target",
            "AmazonAthena.BatchGetQueryExecution".parse().unwrap(),
        );
        let body = serde_json::json!({ "QueryExecutionIds": ["q00000003", "q00000119"] });
        let a = fake
            .answer("POST", "/", "", &headers, body.to_string().as_bytes())
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        let execs = v["QueryExecutions"].as_array().unwrap();
        assert_eq!(execs.len(), 2);
        assert_eq!(execs[1]["QueryExecutionId"], "q00000119");
        assert_eq!(execs[1]["Query"], history_query(119, 3));
        assert_eq!(
            execs[1]["Status"]["SubmissionDateTime"],
            EPOCH + 119,
            "submission times follow the index"
        );
        headers.insert("x-amz-target", "AWSGlue.GetTables".parse().unwrap());
        assert!(fake.answer("POST", "/", "", &headers, b"{}").is_none());
    }
}
