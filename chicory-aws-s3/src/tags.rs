//! Tags of buckets and objects: S3's tag sets as the sorted maps records and operators carry,
//! and those maps back as checked tag sets.

use crate::validate::check_tags;
use aws_sdk_s3::types::{Tag, Tagging};
use chicory_aws_core::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// Tags of a bucket or object.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TagsOutput {
    /// Tags (empty when none).
    pub tags: BTreeMap<String, String>,
    /// The object version the tags belong to.
    pub version_id: Option<String>,
}

/// An S3 tag set as a map.
pub(crate) fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

/// `tags` (field `tags`, at most `max` of them) checked against S3's rules, as a tag set.
pub(crate) fn tagging(tags: &BTreeMap<String, String>, max: usize) -> Result<Tagging> {
    check_tags("tags", tags.iter(), max)?;
    let set = tags
        .iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| Error::invalid("tags", e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| Error::invalid("tags", e.to_string()))
}
