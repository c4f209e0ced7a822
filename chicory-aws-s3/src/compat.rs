//! Tolerance for S3-compatible servers whose answers the SDK cannot parse.
//!
//! moto (the test emulator) answers GetBucketVersioning with the root element
//! `<GetBucketVersioningResponse>` where S3 sends `<VersioningConfiguration>`; the SDK rejects
//! the root and fails the call although the server said 200. For that case only (a 200 answer
//! the SDK could not deserialize) the `Status` and `MfaDelete` elements are read from the body.

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningError;
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDeleteStatus};

/// The text of `<name>...</name>` in `xml`, if present.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].trim())
}

/// Versioning status and MFA delete of a GetBucketVersioning answer, read from the raw body
/// when the SDK could not parse a 200 answer; other errors are mapped (the caller names the
/// bucket).
pub(crate) fn versioning(
    res: Result<
        aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput,
        SdkError<GetBucketVersioningError, HttpResponse>,
    >,
) -> chicory_aws_core::Result<(Option<BucketVersioningStatus>, Option<MfaDeleteStatus>)> {
    match res {
        Ok(v) => Ok((v.status, v.mfa_delete)),
        Err(e) => versioning_from_unparsed(&e).ok_or_else(|| {
            chicory_aws_core::Error::from_sdk(
                e,
                chicory_aws_core::actions::s3::GET_BUCKET_VERSIONING,
            )
        }),
    }
}

fn versioning_from_unparsed(
    err: &SdkError<GetBucketVersioningError, HttpResponse>,
) -> Option<(Option<BucketVersioningStatus>, Option<MfaDeleteStatus>)> {
    let raw = err.raw_response()?;
    if raw.status().as_u16() != 200 {
        return None;
    }
    let body = std::str::from_utf8(raw.body().bytes()?).ok()?;
    if !body.contains("GetBucketVersioningResponse") && !body.contains("VersioningConfiguration") {
        return None;
    }
    Some((
        element(body, "Status").map(BucketVersioningStatus::from),
        element(body, "MfaDelete").map(MfaDeleteStatus::from),
    ))
}

#[cfg(test)]
mod tests {
    use super::element;

    #[test]
    fn elements_are_found() {
        let xml = r#"<?xml version="1.0"?><GetBucketVersioningResponse xmlns="x"><Status>Enabled</Status></GetBucketVersioningResponse>"#;
        assert_eq!(element(xml, "Status"), Some("Enabled"));
        assert_eq!(element(xml, "MfaDelete"), None);
    }
}
