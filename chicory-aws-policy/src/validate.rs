//! The input rules every crate shares, in one place: the policy crate has no AWS SDK
//! dependency, so core (connection parameters), the service crates (a bucket's region) and the
//! policy builders all check a region, an account id and an External ID with these functions.
//! Each returns the reason a value is refused; the caller wraps it in its own error, naming
//! its field.

/// An AWS region name: `<2 lowercase letters>-<lowercase word>[-<word>...]-<1 or 2 digits>`,
/// e.g. `us-east-1`, `us-gov-west-1`, `cn-north-1`.
pub fn region(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "must be an AWS region name such as us-east-1 or eu-west-2, got {s:?}"
        ))
    }
}

/// A 12-digit AWS account id.
pub fn account_id(s: &str) -> Result<(), String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("must be a 12-digit AWS account id, got {s:?}"))
    }
}

/// An External ID as STS checks it: 2 to 1,224 characters of `[\w+=,.@:/-]`.
pub fn external_id(s: &str) -> Result<(), String> {
    let len = s.chars().count();
    if !(2..=1224).contains(&len) {
        return Err(format!("must be 2 to 1224 characters, has {len}"));
    }
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(*c)))
    {
        Some(c) => Err(format!(
            "{c:?} is not allowed (letters, digits and _+=,.@:/- only)"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-2",
            "eu-central-10",
        ] {
            assert!(region(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "useast-1",
            "US-east-1",
            "us-east-100",
            "us--1",
            "u-east-1",
        ] {
            assert!(region(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn external_ids() {
        assert!(external_id("chicory-proj-abc123").is_ok());
        assert!(external_id(&"a".repeat(1224)).is_ok());
        for bad in ["a", "has space", &"a".repeat(1225)] {
            assert!(external_id(bad).is_err(), "{bad}");
        }
    }
}
