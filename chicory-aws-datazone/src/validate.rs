//! Input checks, run before any request.

use chicory_aws_core::{Error, Result};

fn id_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A domain id: `dzd[-_][a-zA-Z0-9_-]{1,36}`.
pub(crate) fn check_domain_id(field: &'static str, v: &str) -> Result<()> {
    let ok = v.len() > 4
        && v.len() <= 40
        && v.starts_with("dzd")
        && matches!(v.as_bytes()[3], b'-' | b'_')
        && id_chars(&v[4..]);
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            "must be a DataZone domain id matching dzd[-_][a-zA-Z0-9_-]{1,36}",
        ))
    }
}

/// A resource id (project, asset, listing, glossary, term, data source...): `[a-zA-Z0-9_-]{1,36}`.
pub(crate) fn check_id(field: &'static str, v: &str) -> Result<()> {
    if v.is_empty() || v.len() > 36 || !id_chars(v) {
        return Err(Error::invalid(field, "must match [a-zA-Z0-9_-]{1,36}"));
    }
    Ok(())
}

/// A lineage node identifier: DataZone's node id or the node's `sourceIdentifier` (an ARN, a
/// URI...), 1 to 2086 characters, not blank.
pub(crate) fn check_node_id(field: &'static str, v: &str) -> Result<()> {
    let n = v.chars().count();
    if n == 0 || n > 2086 || v.trim().is_empty() || v.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "must be a lineage node id or source identifier of 1 to 2086 characters, without \
             control characters",
        ));
    }
    Ok(())
}

/// An optional RFC 3339 timestamp (`2024-05-01T10:00:00Z`).
pub(crate) fn check_timestamp(
    field: &'static str,
    v: Option<&str>,
) -> Result<Option<aws_smithy_types::DateTime>> {
    v.map(|s| {
        aws_smithy_types::DateTime::from_str(s, aws_smithy_types::date_time::Format::DateTime)
            .map_err(|_| {
                Error::invalid(
                    field,
                    "must be an RFC 3339 timestamp such as 2024-05-01T10:00:00Z",
                )
            })
    })
    .transpose()
}

/// A name of 1 to `max` characters.
pub(crate) fn check_name(field: &'static str, v: &str, max: usize) -> Result<()> {
    let n = v.chars().count();
    if n == 0 || n > max || v.trim().is_empty() {
        return Err(Error::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(())
}

/// An optional text of at most `max` characters.
pub(crate) fn check_text(field: &'static str, v: Option<&str>, max: usize) -> Result<()> {
    match v {
        Some(v) if v.chars().count() > max => Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

/// A page size of 1 to 50.
pub(crate) fn check_page(field: &'static str, v: Option<i32>) -> Result<()> {
    match v {
        Some(n) if !(1..=50).contains(&n) => Err(Error::invalid(field, "must be between 1 and 50")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_ids() {
        assert!(check_domain_id("d", "dzd_abc123").is_ok());
        assert!(check_domain_id("d", "dzd-a").is_ok());
        for bad in [
            "",
            "dzd_",
            "dzdx",
            "abc_123",
            "dzd_a b",
            &format!("dzd_{}", "a".repeat(37)),
        ] {
            assert_eq!(
                check_domain_id("d", bad).unwrap_err().field(),
                Some("d"),
                "{bad}"
            );
        }
        assert!(check_id("asset_id", "").is_err());
        assert!(check_id("asset_id", "a/b").is_err());
        assert!(check_name("name", &"x".repeat(257), 256).is_err());
        assert!(check_name("name", "   ", 256).is_err());
        assert!(check_node_id("node_id", "arn:aws:glue:us-east-1:1:table/db/t").is_ok());
        assert!(check_node_id("node_id", &"n".repeat(2087)).is_err());
        assert!(check_node_id("node_id", "a\nb").is_err());
        assert!(check_timestamp("at", Some("2024-05-01T10:00:00Z"))
            .unwrap()
            .is_some());
        assert_eq!(
            check_timestamp("at", Some("yesterday"))
                .unwrap_err()
                .field(),
            Some("at")
        );
    }
}
