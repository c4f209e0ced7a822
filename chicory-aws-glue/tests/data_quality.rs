//! Glue Data Quality against a Glue fake (wiremock; JSON 1.1 member names from the AWS Glue API
//! model as serialized by aws-sdk-glue's protocol_serde): moto has no data quality.

use chicory_aws_core::{AccessLevel, ErrorKind, Operator, ScanItem, Scanner, Tool};
use chicory_aws_glue::{
    CreateDataQualityRuleset, DataQualityRulesetScanner, DataQualityTable,
    DeleteDataQualityRuleset, GetDataQualityEvaluationRun, GetDataQualityRecommendationRun,
    GetDataQualityRuleset, ListDataQualityResults, ListDataQualityRulesets,
    StartDataQualityEvaluationRun, StartDataQualityRecommendationRun, UpdateDataQualityRuleset,
};
use chicory_aws_testkit::glue::{
    error as glue_error, glue_op as op, ok, one_attempt as connect, requests, sts as fake,
};
use chicory_aws_testkit::FakeSts;
use futures::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::body_partial_json;

async fn glue_requests(sts: &FakeSts) -> Vec<(String, Value)> {
    requests(sts, "AWSGlue.").await
}

fn input<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

const DQDL: &str = "Rules = [ IsComplete \"order_id\", ColumnValues \"amount\" > 0 ]";

#[tokio::test]
async fn a_ruleset_is_created_read_updated_and_deleted() {
    let sts = fake().await;
    op("CreateDataQualityRuleset")
        .and(body_partial_json(json!({"Name": "denied"})))
        .respond_with(glue_error(
            "AccessDeniedException",
            "User is not authorized",
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("CreateDataQualityRuleset")
        .respond_with(ok(json!({"Name": "orders_checks"})))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("GetDataQualityRuleset")
        .and(body_partial_json(json!({"Name": "orders_checks"})))
        .respond_with(ok(json!({
            "Name": "orders_checks", "Description": "orders", "Ruleset": DQDL,
            "TargetTable": {"TableName": "orders", "DatabaseName": "sales", "CatalogId": "123456789012"},
            "CreatedOn": 1.7e9, "LastModifiedOn": 1.7000036e9, "RecommendationRunId": "dqrun-1"
        })))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("GetDataQualityRuleset")
        .respond_with(glue_error("EntityNotFoundException", "Cannot find ruleset"))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("UpdateDataQualityRuleset")
        .respond_with(ok(json!({"Name": "orders_checks", "Description": "v2", "Ruleset": "Rules = [ RowCount > 0 ]"})))
        .mount(sts.server())
        .await;
    op("DeleteDataQualityRuleset")
        .and(body_partial_json(json!({"Name": "orders_checks"})))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(sts.server())
        .await;

    let rw = connect(&sts, AccessLevel::ReadWrite).await;
    let created = CreateDataQualityRuleset::new(&rw)
        .call(input(json!({
            "name": "orders_checks", "ruleset": DQDL, "description": "orders",
            "target_table": {"database": "sales", "table": "orders"}, "tags": {"team": "data"}
        })))
        .await
        .unwrap();
    assert_eq!(created.name, "orders_checks");
    let got = GetDataQualityRuleset::new(&rw)
        .call(input(json!({"name": "orders_checks"})))
        .await
        .unwrap();
    assert_eq!(got.ruleset.as_deref(), Some(DQDL));
    assert_eq!(
        got.target_table,
        Some(DataQualityTable {
            database: "sales".into(),
            table: "orders".into(),
            catalog_id: Some("123456789012".into())
        })
    );
    assert_eq!(got.created_on.as_deref(), Some("2023-11-14T22:13:20Z"));
    assert_eq!(
        got.last_modified_on.as_deref(),
        Some("2023-11-14T23:13:20Z")
    );
    assert_eq!(got.recommendation_run_id.as_deref(), Some("dqrun-1"));
    let updated = UpdateDataQualityRuleset::new(&rw)
        .call(input(json!({"name": "orders_checks", "ruleset": "Rules = [ RowCount > 0 ]", "description": "v2"})))
        .await
        .unwrap();
    assert_eq!(updated.ruleset.as_deref(), Some("Rules = [ RowCount > 0 ]"));
    let deleted = DeleteDataQualityRuleset::new(&rw)
        .call(input(json!({"name": "orders_checks"})))
        .await
        .unwrap();
    assert_eq!(deleted.name, "orders_checks");

    let err = GetDataQualityRuleset::new(&rw)
        .call(input(json!({"name": "gone"})))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.resource(), Some("gone"));
    let err = CreateDataQualityRuleset::new(&rw)
        .call(input(json!({"name": "denied", "ruleset": DQDL})))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    assert_eq!(err.code(), Some("AccessDeniedException"));

    // The requests carry the model's member names.
    let reqs = glue_requests(&sts).await;
    let body = |name: &str| reqs.iter().find(|(o, _)| o == name).unwrap().1.clone();
    assert_eq!(
        body("CreateDataQualityRuleset"),
        json!({"Name": "orders_checks", "Description": "orders", "Ruleset": DQDL,
               "Tags": {"team": "data"},
               "TargetTable": {"TableName": "orders", "DatabaseName": "sales"}})
    );
    assert_eq!(
        body("UpdateDataQualityRuleset"),
        json!({"Name": "orders_checks", "Description": "v2", "Ruleset": "Rules = [ RowCount > 0 ]"})
    );
}

fn ruleset_item(name: &str, rules: i32) -> Value {
    json!({"Name": name, "CreatedOn": 1.7e9, "RuleCount": rules,
           "TargetTable": {"TableName": "orders", "DatabaseName": "sales"}})
}

#[tokio::test]
async fn rulesets_are_listed_page_by_page_and_scanned_across_pages() {
    let sts = fake().await;
    op("ListDataQualityRulesets")
        .and(body_partial_json(json!({"NextToken": "r2"})))
        .respond_with(ok(json!({"Rulesets": [ruleset_item("c", 1)]})))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("ListDataQualityRulesets")
        .respond_with(ok(
            json!({"Rulesets": [ruleset_item("a", 3), ruleset_item("b", 2)], "NextToken": "r2"}),
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    let ro = connect(&sts, AccessLevel::ReadOnly).await;
    let list = ListDataQualityRulesets::new(&ro);
    let page1 = list
        .call(input(
            json!({"target_table": {"database": "sales", "table": "orders"}, "max_results": 2}),
        ))
        .await
        .unwrap();
    let names: Vec<_> = page1
        .rulesets
        .iter()
        .map(|r| r.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(page1.rulesets[0].rule_count, Some(3));
    assert_eq!(page1.next_token.as_deref(), Some("r2"));
    let page2 = list.call(input(json!({"next_token": "r2"}))).await.unwrap();
    assert_eq!(page2.rulesets.len(), 1);
    assert_eq!(page2.next_token, None);
    let reqs = glue_requests(&sts).await;
    assert_eq!(
        reqs[0].1,
        json!({"Filter": {"TargetTable": {"TableName": "orders", "DatabaseName": "sales"}}, "MaxResults": 2})
    );

    // The scanner follows NextToken lazily; the same tool answers as JSON too.
    let scanner = DataQualityRulesetScanner::new(&ro, None).unwrap();
    let names: Vec<String> = scanner
        .scan()
        .map(|i| match i.unwrap() {
            ScanItem::Record(r) => {
                assert_eq!(r.account_id, ro.account_id());
                r.name.unwrap()
            }
            ScanItem::Skipped(s) => panic!("{s:?}"),
        })
        .collect()
        .await;
    assert_eq!(names, ["a", "b", "c"]);
    let v = list.call_json(json!({})).await.unwrap();
    assert_eq!(v["rulesets"][0]["kind"], "glue_data_quality_ruleset");
    assert_eq!(v["next_token"], "r2");

    // Throttling past the retries ends the scan with a Throttled error.
    sts.server().reset().await;
    op("ListDataQualityRulesets")
        .respond_with(glue_error("ThrottlingException", "Rate exceeded"))
        .mount(sts.server())
        .await;
    let items: Vec<_> = scanner.scan().collect().await;
    assert_eq!(items.len(), 1);
    let err = items.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled, "{err}");

    // Denied (the ReadOnly Glue policy grants no data quality): skipped with the reason.
    sts.server().reset().await;
    op("ListDataQualityRulesets")
        .respond_with(glue_error(
            "AccessDeniedException",
            "not authorized to perform: glue:ListDataQualityRulesets",
        ))
        .mount(sts.server())
        .await;
    let items: Vec<_> = scanner.scan().collect().await;
    assert_eq!(items.len(), 1);
    match items.into_iter().next().unwrap().unwrap() {
        ScanItem::Skipped(s) => {
            assert_eq!(s.part, "glue:ListDataQualityRulesets");
            assert_eq!(s.kind, ErrorKind::AccessDenied);
            assert!(s.reason.contains("not authorized"), "{}", s.reason);
        }
        ScanItem::Record(r) => panic!("{r:?}"),
    }
}

#[tokio::test]
async fn recommendation_and_evaluation_runs_start_report_status_and_list_results() {
    let sts = fake().await;
    op("StartDataQualityRuleRecommendationRun")
        .respond_with(ok(json!({"RunId": "dqrun-rec"})))
        .mount(sts.server())
        .await;
    op("GetDataQualityRuleRecommendationRun")
        .and(body_partial_json(json!({"RunId": "dqrun-rec"})))
        .respond_with(ok(json!({
            "RunId": "dqrun-rec", "Status": "SUCCEEDED", "ExecutionTime": 95,
            "StartedOn": 1.7e9, "CompletedOn": 1.70000001e9,
            "DataSource": {"GlueTable": {"DatabaseName": "sales", "TableName": "orders"}},
            "Role": "GlueDQRole", "RecommendedRuleset": "Rules = [ RowCount between 10 and 20 ]",
            "CreatedRulesetName": "orders_recommended"
        })))
        .mount(sts.server())
        .await;
    op("StartDataQualityRulesetEvaluationRun")
        .and(body_partial_json(json!({"RulesetNames": ["missing"]})))
        .respond_with(glue_error(
            "EntityNotFoundException",
            "Ruleset missing not found",
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("StartDataQualityRulesetEvaluationRun")
        .respond_with(ok(json!({"RunId": "dqrun-eval"})))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("GetDataQualityRulesetEvaluationRun")
        .respond_with(ok(json!({
            "RunId": "dqrun-eval", "Status": "FAILED", "ErrorString": "Table sales.orders has no data",
            "RulesetNames": ["orders_checks", "orders_recommended"], "ResultIds": ["dqresult-1"],
            "DataSource": {"GlueTable": {"DatabaseName": "sales", "TableName": "orders"}}
        })))
        .mount(sts.server())
        .await;
    op("ListDataQualityResults")
        .and(body_partial_json(json!({"NextToken": "res2"})))
        .respond_with(ok(json!({"Results": [{"ResultId": "dqresult-0", "JobName": "nightly", "JobRunId": "jr_1"}]})))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("ListDataQualityResults")
        .respond_with(ok(json!({"Results": [{"ResultId": "dqresult-1", "StartedOn": 1.7e9,
            "DataSource": {"GlueTable": {"DatabaseName": "sales", "TableName": "orders"}}}], "NextToken": "res2"})))
        .with_priority(2)
        .mount(sts.server())
        .await;

    let rw = connect(&sts, AccessLevel::ReadWrite).await;
    let table = json!({"database": "sales", "table": "orders"});
    let run = StartDataQualityRecommendationRun::new(&rw)
        .call(input(
            json!({"table": table, "role": "GlueDQRole", "number_of_workers": 2,
                            "timeout_minutes": 60, "created_ruleset_name": "orders_recommended"}),
        ))
        .await
        .unwrap();
    assert_eq!(run.run_id, "dqrun-rec");
    let st = GetDataQualityRecommendationRun::new(&rw)
        .call(input(json!({"run_id": run.run_id})))
        .await
        .unwrap();
    assert_eq!(st.status.as_deref(), Some("SUCCEEDED"));
    assert_eq!(st.execution_time_secs, 95);
    assert_eq!(
        st.recommended_ruleset.as_deref(),
        Some("Rules = [ RowCount between 10 and 20 ]")
    );
    assert_eq!(st.table.as_ref().map(|t| t.table.as_str()), Some("orders"));
    assert_eq!(st.completed_on.as_deref(), Some("2023-11-14T22:13:30Z"));

    let run = StartDataQualityEvaluationRun::new(&rw)
        .call(input(json!({"table": table, "role": "GlueDQRole",
                            "ruleset_names": ["orders_checks", "orders_recommended"]})))
        .await
        .unwrap();
    assert_eq!(run.run_id, "dqrun-eval");
    let st = GetDataQualityEvaluationRun::new(&rw)
        .call(input(json!({"run_id": "dqrun-eval"})))
        .await
        .unwrap();
    assert_eq!(st.status.as_deref(), Some("FAILED"));
    assert_eq!(st.error.as_deref(), Some("Table sales.orders has no data"));
    assert_eq!(st.result_ids, ["dqresult-1"]);
    assert_eq!(st.ruleset_names.len(), 2);
    let err = StartDataQualityEvaluationRun::new(&rw)
        .call(input(
            json!({"table": table, "role": "GlueDQRole", "ruleset_names": ["missing"]}),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");

    let results = ListDataQualityResults::new(&rw);
    let p1 = results.call(input(json!({"table": table}))).await.unwrap();
    assert_eq!(p1.results[0].result_id.as_deref(), Some("dqresult-1"));
    assert_eq!(p1.results[0].table.as_ref().unwrap().database, "sales");
    let p2 = results
        .call(input(json!({"next_token": p1.next_token})))
        .await
        .unwrap();
    assert_eq!(p2.results[0].job_name.as_deref(), Some("nightly"));
    assert_eq!(p2.next_token, None);

    let reqs = glue_requests(&sts).await;
    let body = |name: &str| reqs.iter().find(|(o, _)| o == name).unwrap().1.clone();
    assert_eq!(
        body("StartDataQualityRuleRecommendationRun"),
        json!({"DataSource": {"GlueTable": {"DatabaseName": "sales", "TableName": "orders"}},
               "Role": "GlueDQRole", "NumberOfWorkers": 2, "Timeout": 60,
               "CreatedRulesetName": "orders_recommended"})
    );
    assert_eq!(
        body("StartDataQualityRulesetEvaluationRun"),
        json!({"DataSource": {"GlueTable": {"DatabaseName": "sales", "TableName": "orders"}},
               "Role": "GlueDQRole", "RulesetNames": ["orders_checks", "orders_recommended"]})
    );
    assert_eq!(
        body("ListDataQualityResults"),
        json!({"Filter": {"DataSource": {"GlueTable": {"DatabaseName": "sales", "TableName": "orders"}}}})
    );
}

#[tokio::test]
async fn writes_are_refused_on_read_only_and_bad_input_before_any_request() {
    let sts = fake().await;
    let ro = connect(&sts, AccessLevel::ReadOnly).await;
    let table = json!({"database": "sales", "table": "orders"});
    let refused = [
        CreateDataQualityRuleset::new(&ro)
            .call(input(json!({"name": "x", "ruleset": DQDL})))
            .await
            .unwrap_err(),
        UpdateDataQualityRuleset::new(&ro)
            .call(input(json!({"name": "x", "ruleset": DQDL})))
            .await
            .unwrap_err(),
        DeleteDataQualityRuleset::new(&ro)
            .call(input(json!({"name": "x"})))
            .await
            .unwrap_err(),
        StartDataQualityRecommendationRun::new(&ro)
            .call(input(json!({"table": table, "role": "r"})))
            .await
            .unwrap_err(),
        StartDataQualityEvaluationRun::new(&ro)
            .call(input(
                json!({"table": table, "role": "r", "ruleset_names": ["x"]}),
            ))
            .await
            .unwrap_err(),
    ];
    for err in refused {
        assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    }

    let rw = connect(&sts, AccessLevel::ReadWrite).await;
    let create = CreateDataQualityRuleset::new(&rw);
    for (v, field) in [
        (json!({"name": "", "ruleset": DQDL}), "name"),
        (json!({"name": "n".repeat(256), "ruleset": DQDL}), "name"),
        (json!({"name": "ok", "ruleset": "  "}), "ruleset"),
        (
            json!({"name": "ok", "ruleset": DQDL, "target_table": {"database": "", "table": "t"}}),
            "database",
        ),
        (
            json!({"name": "ok", "ruleset": DQDL, "description": "d".repeat(2049)}),
            "description",
        ),
    ] {
        let err = create.call(input(v.clone())).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{v}: {err}");
    }
    let err = UpdateDataQualityRuleset::new(&rw)
        .call(input(json!({"name": "ok"})))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("ruleset"));
    let err = UpdateDataQualityRuleset::new(&rw)
        .call(input(json!({"name": "ok", "ruleset": ""})))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("ruleset"));
    let err = GetDataQualityRuleset::new(&rw)
        .call(input(json!({"name": ""})))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("name"));
    let eleven: Vec<String> = (0..11).map(|i| format!("r{i}")).collect();
    let eval = StartDataQualityEvaluationRun::new(&rw);
    for (v, field) in [
        (
            json!({"table": table, "role": "r", "ruleset_names": []}),
            "ruleset_names",
        ),
        (
            json!({"table": table, "role": "r", "ruleset_names": eleven}),
            "ruleset_names",
        ),
        (
            json!({"table": table, "role": "", "ruleset_names": ["a"]}),
            "role",
        ),
        (
            json!({"table": table, "role": "r", "ruleset_names": ["a"], "number_of_workers": 1}),
            "number_of_workers",
        ),
    ] {
        let err = eval.call(input(v.clone())).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{v}: {err}");
    }
    let err = ListDataQualityRulesets::new(&rw)
        .call(input(json!({"max_results": 0})))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("max_results"));
    let err = GetDataQualityEvaluationRun::new(&rw)
        .call(input(json!({"run_id": ""})))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("run_id"));
    assert!(
        glue_requests(&sts).await.is_empty(),
        "no request reached Glue"
    );
}
