//! Streaming transfers: a GetObject body as a `ByteStream`, and uploads that switch to a
//! multipart upload above a threshold; and the operators that move an object's body on them
//! (get object up to a maximum, put object).

use crate::client::{at_object, unchecked_s3_client};
use crate::objects::read_action;
use crate::records::time;
use crate::validate::{check_bucket_name, check_key, ByteRange};
use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_smithy_types::base64;
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, ErrorKind, Operator, Result,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt};

/// S3's smallest part of a multipart upload (but the last).
pub const MIN_PART_SIZE: usize = 5 << 20;
/// S3's largest part.
pub const MAX_PART_SIZE: usize = 5 << 30;
/// S3's largest number of parts.
pub const MAX_PARTS: i32 = 10_000;

/// A GetObject answer whose body is still streaming.
#[derive(Debug)]
#[non_exhaustive]
pub struct GetObjectStream {
    /// The body; read it with `collect()`, `next()` or `into_async_read()`.
    pub body: ByteStream,
    /// Bytes in this answer (the range's length for a ranged read).
    pub content_length: Option<i64>,
    /// `bytes start-end/total` for a ranged read.
    pub content_range: Option<String>,
    /// Content type.
    pub content_type: Option<String>,
    /// Content encoding.
    pub content_encoding: Option<String>,
    /// ETag.
    pub etag: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
    /// Last modified (RFC 3339).
    pub last_modified: Option<String>,
}

/// Gets an object (or a byte range of it) with its body as a stream (IAM `s3:GetObject`, or
/// `s3:GetObjectVersion` with a version id). Bad input fails before any request.
pub async fn get_object_stream(
    conn: &Connection,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
    range: Option<ByteRange>,
) -> Result<GetObjectStream> {
    let action = read_action(version_id.is_some());
    conn.ensure_allowed("s3_get_object_stream", &[action])?;
    check_bucket_name("bucket", bucket)?;
    check_key("key", key)?;
    if let Some(r) = &range {
        r.check()?;
    }
    let out = unchecked_s3_client(conn)
        .get_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version_id.map(str::to_owned))
        .set_range(range.map(|r| r.header()))
        .send()
        .await
        .map_err(|e| at_object(Error::from_sdk(e, action), bucket, key, version_id))?;
    Ok(GetObjectStream {
        content_length: out.content_length,
        content_range: out.content_range,
        content_type: out.content_type,
        content_encoding: out.content_encoding,
        etag: out.e_tag,
        version_id: out.version_id,
        last_modified: time(out.last_modified.as_ref()),
        body: out.body,
    })
}

/// How [`put_object_stream`] uploads.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UploadOptions {
    /// Bodies longer than this go up in a multipart upload (default 8 MiB, at least 5 MiB).
    pub multipart_threshold: usize,
    /// Size of the parts after the first (default 8 MiB; 5 MiB to 5 GiB).
    pub part_size: usize,
    /// Content type.
    pub content_type: Option<String>,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            multipart_threshold: 8 << 20,
            part_size: 8 << 20,
            content_type: None,
        }
    }
}

impl UploadOptions {
    /// Sets the multipart threshold.
    pub fn multipart_threshold(mut self, bytes: usize) -> Self {
        self.multipart_threshold = bytes;
        self
    }
    /// Sets the part size.
    pub fn part_size(mut self, bytes: usize) -> Self {
        self.part_size = bytes;
        self
    }
    /// Sets the content type.
    pub fn content_type(mut self, ct: impl Into<String>) -> Self {
        self.content_type = Some(ct.into());
        self
    }

    fn validate(&self) -> Result<()> {
        if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&self.multipart_threshold) {
            return Err(Error::invalid(
                "multipart_threshold",
                "must be between 5 MiB and 5 GiB (the first part is this size)",
            ));
        }
        if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&self.part_size) {
            return Err(Error::invalid(
                "part_size",
                "must be between 5 MiB and 5 GiB",
            ));
        }
        Ok(())
    }
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct UploadOutcome {
    /// The object's ETag.
    pub etag: Option<String>,
    /// The version id, on a versioned bucket.
    pub version_id: Option<String>,
    /// Bytes uploaded.
    pub size: u64,
    /// Parts of the multipart upload; 0 for a single PutObject.
    pub parts: u32,
}

/// Reads until `buf` holds `want` bytes or the reader ends.
async fn fill<R: AsyncRead + Unpin>(reader: &mut R, want: usize) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(want.min(64 << 20));
    (&mut *reader)
        .take(want as u64)
        .read_to_end(&mut buf)
        .await
        .map_err(|e| {
            Error::new(ErrorKind::Service, "reading the upload body failed").with_source(e)
        })?;
    Ok(buf)
}

/// Aborts its multipart upload when dropped armed: the upload failed, or the caller dropped
/// the upload's future (cancelled it). Best effort: aborting needs
/// `s3:AbortMultipartUpload`, which the guide's policies do not grant, so an upload that
/// cannot be aborted is left to the bucket's lifecycle rules.
struct AbortOnDrop {
    client: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    upload_id: String,
    armed: bool,
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            let (bucket, key) = (
                std::mem::take(&mut self.bucket),
                std::mem::take(&mut self.key),
            );
            let upload_id = std::mem::take(&mut self.upload_id);
            rt.spawn(async move {
                let sent = client
                    .abort_multipart_upload()
                    .bucket(&bucket)
                    .key(&key)
                    .upload_id(&upload_id)
                    .send()
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(bucket, key, upload_id,
                        error = %Error::from_sdk(e, "s3:AbortMultipartUpload"),
                        "could not abort an abandoned multipart upload");
                }
            });
        }
    }
}

/// Uploads `body` to `s3://bucket/key` (IAM `s3:PutObject`), streaming: a body up to the
/// threshold goes up in one PutObject, a longer one in a multipart upload whose parts are read
/// one at a time (memory: one part, plus the byte that tells a body longer than the threshold).
/// A multipart upload that fails, or whose future is dropped, is aborted (best effort; that
/// needs `s3:AbortMultipartUpload`, which the guide's policies do not grant, so an abandoned
/// upload is left to the bucket's lifecycle rules).
pub async fn put_object_stream<R: AsyncRead + Unpin + Send>(
    conn: &Connection,
    bucket: &str,
    key: &str,
    mut body: R,
    options: &UploadOptions,
) -> Result<UploadOutcome> {
    conn.ensure_allowed("s3_put_object_stream", &[actions::s3::PUT_OBJECT])?;
    check_bucket_name("bucket", bucket)?;
    check_key("key", key)?;
    options.validate()?;
    let client = unchecked_s3_client(conn);
    let resource = format!("s3://{bucket}/{key}");
    let first = fill(&mut body, options.multipart_threshold).await?;
    // One byte more tells whether the body is longer than the threshold, without reading a
    // second part before the first is sent.
    let carry = if first.len() == options.multipart_threshold {
        fill(&mut body, 1).await?
    } else {
        Vec::new()
    };
    if carry.is_empty() {
        let size = first.len() as u64;
        let out = client
            .put_object()
            .bucket(bucket)
            .key(key)
            .set_content_type(options.content_type.clone())
            .body(ByteStream::from(first))
            .send()
            .await
            .map_err(|e| {
                at_object(
                    Error::from_sdk(e, actions::s3::PUT_OBJECT),
                    bucket,
                    key,
                    None,
                )
            })?;
        return Ok(UploadOutcome {
            etag: out.e_tag,
            version_id: out.version_id,
            size,
            parts: 0,
        });
    }
    let upload = client
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .set_content_type(options.content_type.clone())
        .send()
        .await
        .map_err(|e| {
            Error::from_sdk(e, actions::s3::PUT_OBJECT)
                .with_operation("s3:PutObject (CreateMultipartUpload)")
                .with_resource(resource.clone())
                .with_context("bucket", bucket)
                .with_context("key", key)
        })?;
    let upload_id = upload.upload_id.ok_or_else(|| {
        Error::new(
            ErrorKind::Service,
            "CreateMultipartUpload returned no upload id",
        )
    })?;
    let mut guard = AbortOnDrop {
        client: client.clone(),
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        upload_id: upload_id.clone(),
        armed: true,
    };
    let mut parts = Vec::new();
    let mut size = 0u64;
    let mut next = Some(first);
    let mut carry = carry;
    let mut number = 0i32;
    while let Some(chunk) = next.take() {
        number += 1;
        if number > MAX_PARTS {
            return Err(Error::invalid(
                "part_size",
                "the body needs more than 10,000 parts; use a larger part size",
            ));
        }
        size += chunk.len() as u64;
        let out = client
            .upload_part()
            .bucket(bucket)
            .key(key)
            .upload_id(&upload_id)
            .part_number(number)
            .body(ByteStream::from(chunk))
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::s3::PUT_OBJECT)
                    .with_operation("s3:PutObject (UploadPart)")
                    .with_resource(resource.clone())
                    .with_context("bucket", bucket)
                    .with_context("key", key)
            })?;
        parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(out.e_tag)
                .build(),
        );
        // The next part: the carried byte, then the rest of a part from the body.
        let mut c = std::mem::take(&mut carry);
        let want = options.part_size - c.len();
        c.extend(fill(&mut body, want).await?);
        next = (!c.is_empty()).then_some(c);
    }
    let n = parts.len() as u32;
    let out = client
        .complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(&upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await
        .map_err(|e| {
            Error::from_sdk(e, actions::s3::PUT_OBJECT)
                .with_operation("s3:PutObject (CompleteMultipartUpload)")
                .with_resource(resource.clone())
                .with_context("bucket", bucket)
                .with_context("key", key)
        })?;
    guard.armed = false;
    Ok(UploadOutcome {
        etag: out.e_tag,
        version_id: out.version_id,
        size,
        parts: n,
    })
}

// ---------------------------------------------------------------------------------------------
// Operators on object bodies

/// Input of `s3_get_object`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetObjectInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Version id; default: the latest version.
    #[serde(default)]
    pub version_id: Option<String>,
    /// Only these bytes.
    #[serde(default)]
    pub range: Option<ByteRange>,
    /// The most bytes returned (default 1 MiB, at most 16 MiB); a longer object or range is an
    /// error asking for a range.
    #[serde(default)]
    pub max_bytes: Option<u64>,
}

/// The default of [`GetObjectInput::max_bytes`].
pub const DEFAULT_MAX_BYTES: u64 = 1 << 20;
/// The largest [`GetObjectInput::max_bytes`].
pub const MAX_MAX_BYTES: u64 = 16 << 20;

/// An object's content.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GetObjectOutput {
    /// The bytes as text, when they are UTF-8.
    pub text: Option<String>,
    /// The bytes as base64, when they are not UTF-8.
    pub base64: Option<String>,
    /// Bytes returned.
    pub length: u64,
    /// `bytes start-end/total` for a ranged read.
    pub content_range: Option<String>,
    /// Content type.
    pub content_type: Option<String>,
    /// ETag.
    pub etag: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
}

/// Input of `s3_put_object`. Give the body as `text` or as `base64`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PutObjectInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// The body as text.
    #[serde(default)]
    pub text: Option<String>,
    /// The body as base64.
    #[serde(default)]
    pub base64: Option<String>,
    /// Content type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Bodies longer than this go up in parts (default 8 MiB, at least 5 MiB).
    #[serde(default)]
    pub multipart_threshold: Option<usize>,
    /// Part size for multipart uploads (default 8 MiB, at least 5 MiB).
    #[serde(default)]
    pub part_size: Option<usize>,
}

operator_struct! {
    /// Reads an object's bytes, or a byte range of them, up to a maximum (ReadOnly). For
    /// large bodies use [`get_object_stream`](crate::get_object_stream).
    GetObject
}

#[async_trait]
impl Operator for GetObject {
    type Input = GetObjectInput;
    type Output = GetObjectOutput;
    const NAME: &'static str = "s3_get_object";
    const DESCRIPTION: &'static str = "Reads an S3 object's content (or a byte range of it), up \
         to max_bytes; returns text when it is UTF-8, else base64.";
    const ACTIONS: &'static [Action] = &[actions::s3::GET_OBJECT, actions::s3::GET_OBJECT_VERSION];
    async fn execute(
        &self,
        input: GetObjectInput,
        _: AccessChecked<Self>,
    ) -> Result<GetObjectOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        check_key("key", &input.key)?;
        let max = input.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
        if !(1..=MAX_MAX_BYTES).contains(&max) {
            return Err(Error::invalid("max_bytes", "must be between 1 and 16 MiB"));
        }
        if let Some(r) = &input.range {
            r.check()?;
            if r.len().is_some_and(|n| n > max) {
                return Err(Error::invalid(
                    "range",
                    "the range is longer than max_bytes",
                ));
            }
        }
        let out = get_object_stream(
            &self.conn,
            &input.bucket,
            &input.key,
            input.version_id.as_deref(),
            input.range,
        )
        .await?;
        let len = out.content_length.unwrap_or(0).max(0) as u64;
        if len > max {
            // The body is dropped unread: the connection is closed, not drained.
            return Err(Error::invalid(
                "max_bytes",
                format!(
                    "the object (or range) is {len} bytes, more than max_bytes {max}; read a \
                     byte range or stream it"
                ),
            )
            .with_resource(format!("s3://{}/{}", input.bucket, input.key))
            .with_context("bucket", input.bucket.as_str())
            .with_context("key", input.key.as_str()));
        }
        // Read to max_bytes at most, whatever Content-Length said (or if it said nothing: a
        // chunked answer).
        let mut body = out.body;
        let mut bytes = Vec::with_capacity(len.min(max) as usize);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                Error::new(ErrorKind::Service, "reading the object failed").with_source(e)
            })?;
            if (bytes.len() + chunk.len()) as u64 > max {
                return Err(Error::invalid(
                    "max_bytes",
                    format!(
                        "the object (or range) is more than max_bytes {max} bytes; read a byte \
                         range or stream it"
                    ),
                )
                .with_resource(format!("s3://{}/{}", input.bucket, input.key))
                .with_context("bucket", input.bucket.as_str())
                .with_context("key", input.key.as_str()));
            }
            bytes.extend_from_slice(&chunk);
        }
        let length = bytes.len() as u64;
        let (text, base64) = match std::str::from_utf8(&bytes) {
            Ok(t) => (Some(t.to_owned()), None),
            Err(_) => (None, Some(base64::encode(&bytes))),
        };
        Ok(GetObjectOutput {
            text,
            base64,
            length,
            content_range: out.content_range,
            content_type: out.content_type,
            etag: out.etag,
            version_id: out.version_id,
        })
    }
}

operator_struct! {
    /// Writes an object; above the multipart threshold it goes up in parts (ReadWrite). For
    /// streaming bodies use [`put_object_stream`](crate::put_object_stream).
    PutObject
}

#[async_trait]
impl Operator for PutObject {
    type Input = PutObjectInput;
    type Output = UploadOutcome;
    const NAME: &'static str = "s3_put_object";
    const DESCRIPTION: &'static str = "Writes an S3 object from text or base64; large bodies go \
         up as a multipart upload.";
    const ACTIONS: &'static [Action] = &[actions::s3::PUT_OBJECT];
    const REQUIRES_ONE_OF: &'static [&'static [&'static str]] = &[&["text", "base64"]];
    async fn execute(
        &self,
        input: PutObjectInput,
        _: AccessChecked<Self>,
    ) -> Result<UploadOutcome> {
        check_bucket_name("bucket", &input.bucket)?;
        check_key("key", &input.key)?;
        let body = match (input.text, input.base64) {
            (Some(t), None) => t.into_bytes(),
            (None, Some(b)) => {
                base64::decode(&b).map_err(|_| Error::invalid("base64", "is not valid base64"))?
            }
            _ => {
                return Err(Error::invalid(
                    "text",
                    "give the body as exactly one of text or base64",
                ))
            }
        };
        let mut options = UploadOptions::default();
        if let Some(t) = input.multipart_threshold {
            options = options.multipart_threshold(t);
        }
        if let Some(p) = input.part_size {
            options = options.part_size(p);
        }
        if let Some(ct) = input.content_type {
            options = options.content_type(ct);
        }
        put_object_stream(
            &self.conn,
            &input.bucket,
            &input.key,
            std::io::Cursor::new(body),
            &options,
        )
        .await
    }
}
