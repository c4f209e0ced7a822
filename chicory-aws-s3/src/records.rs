//! Every record type of this crate, in one place for sinks that route by kind
//! ([`chicory_aws_core::Record::kind`]); each is defined with its concept's scanner.

pub use crate::buckets::BucketRecord;
pub use crate::objects::ObjectRecord;
pub use crate::versions::ObjectVersionRecord;

/// The one timestamp rule of every record.
pub(crate) use chicory_aws_core::record_time as time;
