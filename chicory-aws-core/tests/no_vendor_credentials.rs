//! A vendor service with no AWS credentials configured at all (the default chain finds
//! nothing): `connect()` says InvalidCredentials with the guide's remedy, not a service error.
//! A test binary of its own: it empties the process's AWS environment.

use chicory_aws_core::{BaseCredentials, Connection, ConnectionParams, ErrorKind};
use chicory_aws_testkit::{FakeSts, TestClock};
use std::time::Duration;

#[tokio::test]
async fn no_vendor_credentials_is_invalid_credentials_at_connect() {
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        std::env::remove_var(var);
    }
    let nowhere = std::env::temp_dir().join("chicory-no-such-aws-config");
    std::env::set_var("AWS_CONFIG_FILE", &nowhere);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &nowhere);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");

    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let params =
        ConnectionParams::assume_role(chicory_aws_testkit::FAKE_ROLE, "chicory-test-project")
            .unwrap();
    let e = Connection::builder(params)
        .endpoint_url(sts.uri())
        .base_credentials(BaseCredentials::DefaultChain)
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCredentials, "{e}");
    assert!(
        e.hint()
            .unwrap()
            .contains("vendor's AWS account credentials"),
        "{e}"
    );
    assert_eq!(sts.assume_role_calls().await, 0, "nothing could be signed");
}
