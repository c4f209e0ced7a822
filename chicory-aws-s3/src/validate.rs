//! Input rules checked before any request.

use chicory_aws_core::{Error, Result};
use serde::Deserialize;

/// Checks a bucket name against S3's naming rules for new buckets: 3 to 63 characters of
/// lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit,
/// no `..`, not shaped like an IP address, no reserved prefix or suffix.
pub fn check_bucket_name(field: &'static str, name: &str) -> Result<()> {
    let rule = |r: &'static str| Err(Error::invalid(field, r));
    if !(3..=63).contains(&name.len()) {
        return rule("a bucket name is 3 to 63 characters long");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return rule("a bucket name has only lowercase letters, digits, dots and hyphens");
    }
    let edge = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !edge(name.as_bytes()[0]) || !edge(name.as_bytes()[name.len() - 1]) {
        return rule("a bucket name starts and ends with a letter or digit");
    }
    if name.contains("..") {
        return rule("a bucket name has no two adjacent dots");
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return rule("a bucket name is not formatted as an IP address");
    }
    if name.starts_with("xn--") || name.starts_with("sthree-") {
        return rule("a bucket name does not start with xn-- or sthree-");
    }
    if name.ends_with("-s3alias") || name.ends_with("--ol-s3") || name.ends_with(".mrap") {
        return rule("a bucket name does not end with -s3alias, --ol-s3 or .mrap");
    }
    Ok(())
}

/// Checks an object key: 1 to 1024 bytes of UTF-8.
pub fn check_key(field: &'static str, key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 1024 {
        return Err(Error::invalid(
            field,
            "an object key is 1 to 1024 bytes long",
        ));
    }
    Ok(())
}

/// Checks a key prefix: at most 1024 bytes.
pub fn check_prefix(field: &'static str, prefix: &str) -> Result<()> {
    if prefix.len() > 1024 {
        return Err(Error::invalid(
            field,
            "a key prefix is at most 1024 bytes long",
        ));
    }
    Ok(())
}

/// Checks a page size (keys, versions or buckets a page): 1 to `max`.
pub fn check_page_size(field: &'static str, n: i32, max: i32) -> Result<()> {
    if !(1..=max).contains(&n) {
        return Err(Error::invalid(
            field,
            format!("must be between 1 and {max}"),
        ));
    }
    Ok(())
}

/// Checks a region name such as `eu-west-1`.
pub fn check_region(field: &'static str, region: &str) -> Result<()> {
    chicory_aws_policy::validate::region(region).map_err(|e| Error::invalid(field, e))
}

/// Checks tags: at most `max` of them, keys 1 to 128 characters, values at most 256.
pub fn check_tags<'a>(
    field: &'static str,
    tags: impl ExactSizeIterator<Item = (&'a String, &'a String)>,
    max: usize,
) -> Result<()> {
    if tags.len() > max {
        return Err(Error::invalid(
            field,
            format!("at most {max} tags are allowed"),
        ));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            return Err(Error::invalid(
                field,
                "a tag key is 1 to 128 characters long",
            ));
        }
        if v.chars().count() > 256 {
            return Err(Error::invalid(
                field,
                "a tag value is at most 256 characters long",
            ));
        }
    }
    Ok(())
}

/// An inclusive byte range of an object, as in HTTP `Range: bytes=start-end`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ByteRange {
    /// First byte, 0-based.
    pub start: u64,
    /// Last byte, inclusive; absent means "to the end".
    #[serde(default)]
    pub end: Option<u64>,
}

impl ByteRange {
    /// Bytes `start..=end`.
    pub fn new(start: u64, end: Option<u64>) -> Result<Self> {
        let r = ByteRange { start, end };
        r.check()?;
        Ok(r)
    }

    /// Checks that `end` is not before `start`.
    pub fn check(&self) -> Result<()> {
        if let Some(end) = self.end {
            if end < self.start {
                return Err(Error::invalid(
                    "range",
                    "the range's end is before its start",
                ));
            }
        }
        Ok(())
    }

    /// The number of bytes, when bounded.
    pub fn len(&self) -> Option<u64> {
        self.end.map(|e| e - self.start + 1)
    }

    /// Whether the range is empty (never: ranges hold at least one byte).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The HTTP header value, `bytes=start-end`.
    pub fn header(&self) -> String {
        match self.end {
            Some(e) => format!("bytes={}-{e}", self.start),
            None => format!("bytes={}-", self.start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        for ok in ["abc", "my-bucket.logs", "a1b2c3", &"a".repeat(63)] {
            check_bucket_name("bucket", ok).unwrap();
        }
        for bad in [
            "ab",
            &"a".repeat(64),
            "My-Bucket",
            "-abc",
            "abc-",
            "a..b",
            "192.168.1.1",
            "xn--abc",
            "abc-s3alias",
            "under_score",
        ] {
            let e = check_bucket_name("bucket", bad).unwrap_err();
            assert_eq!(e.field(), Some("bucket"), "{bad}");
        }
    }

    #[test]
    fn keys_ranges_regions() {
        check_key("key", "a/b.txt").unwrap();
        assert!(check_key("key", "").is_err());
        assert!(check_key("key", &"k".repeat(1025)).is_err());
        check_key("key", &"k".repeat(1024)).unwrap();
        assert_eq!(
            ByteRange::new(5, Some(4)).unwrap_err().field(),
            Some("range")
        );
        assert_eq!(ByteRange::new(2, Some(4)).unwrap().header(), "bytes=2-4");
        assert_eq!(ByteRange::new(2, None).unwrap().header(), "bytes=2-");
        check_region("region", "eu-west-1").unwrap();
        check_region("region", "us-gov-west-1").unwrap();
        for bad in ["", "EU", "eu-west", "eu_west_1"] {
            assert!(check_region("region", bad).is_err(), "{bad}");
        }
    }
}
