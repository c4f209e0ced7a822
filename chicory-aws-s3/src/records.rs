//! Every record type of this crate, in one place for sinks that route by kind
//! ([`chicory_aws_core::Record::kind`]); each is defined with its concept's scanner.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

pub use crate::buckets::BucketRecord;
pub use crate::objects::ObjectRecord;
pub use crate::versions::ObjectVersionRecord;

/// An AWS timestamp as RFC 3339 text.
pub(crate) fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}
