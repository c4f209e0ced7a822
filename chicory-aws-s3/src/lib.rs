//! Amazon S3 for chicory-aws: bucket, object and object-version scanners, and typed operations
//! (read and, on a ReadWrite connection, write) offered as MCP tools.
//!
//! ```no_run
//! use chicory_aws_core::{Connection, ConnectionParams, ScanItem, Scanner, ServiceProbe};
//! use chicory_aws_s3::{BucketScanner, ObjectOptions, ObjectScanner, S3Probe};
//! use futures::StreamExt;
//!
//! # async fn demo() -> chicory_aws_core::Result<()> {
//! let params = ConnectionParams::assume_role(
//!     "arn:aws:iam::123456789012:role/ChicoryS3Access",
//!     "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//! )?;
//! let conn = Connection::builder(params).connect().await?;
//! S3Probe.probe(&conn).await?; // can we list buckets?
//!
//! // Every bucket with its region, versioning, tags and policy.
//! let mut buckets = BucketScanner::new(&conn).scan();
//! while let Some(item) = buckets.next().await {
//!     if let ScanItem::Record(b) = item? {
//!         println!("{} in {:?}", b.name, b.region);
//!     }
//! }
//! // The objects under one prefix, fanning out over its common prefixes.
//! let objects = ObjectScanner::new(&conn, "data-lake", ObjectOptions::default().prefix("raw/"))?;
//! let n = objects.scan().count().await;
//! # let _ = n; Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod buckets;
mod client;
mod compat;
mod objects;
pub mod records;
mod scanning;
mod tags;
mod tools;
mod transfer;
mod validate;
mod versions;

pub use buckets::{
    normalise_location, BucketInput, BucketLocationOutput, BucketPolicyOutput, BucketScanner,
    BucketSummary, BucketVersioningOutput, CreateBucket, CreateBucketInput, DeleteBucket, Done,
    GetBucketLocation, GetBucketPolicy, GetBucketTagging, GetBucketVersioning, ListBuckets,
    ListBucketsInput, ListBucketsOutput, PutBucketTagging, PutBucketTaggingInput,
};
pub use client::{unchecked_s3_client, unchecked_s3_client_in, S3Probe};
pub use objects::{
    DeleteObject, DeleteObjectInput, DeleteObjectOutput, GetObjectTagging, HeadObject,
    HeadObjectOutput, ListObjects, ListObjectsInput, ListObjectsOutput, ListingMode, ObjectInput,
    ObjectOptions, ObjectScanner, PutObjectTagging, PutObjectTaggingInput,
};
pub use tags::TagsOutput;
pub use tools::tools;
pub use transfer::{
    get_object_stream, put_object_stream, GetObject, GetObjectInput, GetObjectOutput,
    GetObjectStream, PutObject, PutObjectInput, UploadOptions, UploadOutcome, DEFAULT_MAX_BYTES,
    MAX_MAX_BYTES,
};
pub use validate::{check_bucket_name, check_key, ByteRange};
pub use versions::{DeleteObjectVersion, DeleteObjectVersionInput, ObjectVersionScanner};

/// The AWS SDK crate this crate's records come from, for callers seeding or reading directly.
pub use aws_sdk_s3;
