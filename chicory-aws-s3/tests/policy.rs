//! Every S3 scanner's and operator's declared actions are granted by the policy crate's S3
//! policy of the level they need; the ReadOnly policy grants no write an operator calls.

use chicory_aws_core::{AccessLevel, Action, Operator, Scanner};
use chicory_aws_policy::permissions::Integration;
use chicory_aws_s3::*;
use chicory_aws_testkit::assert_declared_actions_granted;

macro_rules! ops {
    ($($op:ident),* $(,)?) => { vec![$(($op::NAME, $op::ACTIONS)),*] };
}

#[tokio::test]
async fn scanners_and_operators_declare_actions_their_level_grants() {
    let reads: Vec<(&str, &[Action])> = ops![
        ListBuckets,
        ListObjects,
        HeadObject,
        GetObject,
        GetObjectTagging,
        GetBucketLocation,
        GetBucketVersioning,
        GetBucketTagging,
        GetBucketPolicy,
    ];
    let writes: Vec<(&str, &[Action])> = ops![
        PutObject,
        DeleteObject,
        DeleteObjectVersion,
        PutObjectTagging,
        CreateBucket,
        DeleteBucket,
        PutBucketTagging,
    ];
    assert_declared_actions_granted(Integration::S3, &reads, &writes);

    let sts = chicory_aws_testkit::FakeSts::start(
        chicory_aws_testkit::TestClock::new(),
        std::time::Duration::from_secs(900),
    )
    .await;
    let conn = sts.connection(AccessLevel::ReadOnly).build().await.unwrap();
    let scanners: Vec<(&str, &[Action])> = vec![
        ("buckets", BucketScanner::new(&conn).actions()),
        (
            "objects",
            ObjectScanner::new(&conn, "bucket-a", ObjectOptions::default())
                .unwrap()
                .actions(),
        ),
        (
            "versions",
            ObjectVersionScanner::new(&conn, "bucket-a", None)
                .unwrap()
                .actions(),
        ),
    ];
    assert_declared_actions_granted(Integration::S3, &scanners, &[]);
}
