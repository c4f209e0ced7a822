//! What the S3 scanners share on the scan engine of `chicory_aws_core::scan` and its
//! completeness contract: a denied or vanished part is skipped, any other failure after the
//! retries is an incomplete part (an `Err` item), and a record names the fields it could not
//! read (`unread`).

use chicory_aws_core::scan::{Concurrency, Part};
use chicory_aws_core::{Error, ErrorKind, Result, ScanItem, Skipped};

/// The concurrency the scanners start with.
pub(crate) const DEFAULT_CONCURRENCY: usize = 16;

pub(crate) fn default_concurrency() -> Concurrency {
    Concurrency::new("concurrency", DEFAULT_CONCURRENCY).expect("16 is within 1..=64")
}

/// The reads of one record that failed: their outcomes (skipped or incomplete), to yield
/// beside the record, and the record's fields they leave unread.
pub(crate) struct Failed<R> {
    items: Vec<Result<ScanItem<R>>>,
    pub(crate) fields: Vec<String>,
}

impl<R> Failed<R> {
    pub(crate) fn new() -> Self {
        Failed {
            items: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// The value `read` got, or `None` with its outcome kept and `fields` noted as unread.
    pub(crate) fn value<T>(
        &mut self,
        read: std::result::Result<T, Result<Skipped>>,
        fields: &[&str],
    ) -> Option<T> {
        match read {
            Ok(v) => Some(v),
            Err(outcome) => {
                self.items.push(outcome.map(ScanItem::Skipped));
                self.fields.extend(fields.iter().map(|f| (*f).to_owned()));
                None
            }
        }
    }

    /// The outcomes followed by `record`.
    pub(crate) fn with(mut self, record: R) -> Vec<Result<ScanItem<R>>> {
        self.items.push(Ok(ScanItem::Record(record)));
        self.items
    }
}

/// An answer the listing cannot go on from (it would loop or stop early): the part is
/// incomplete.
pub(crate) fn bad_answer(part: &Part, what: &str) -> Error {
    part.error(Error::new(
        ErrorKind::Service,
        format!("{} failed: {what}", part.action()),
    ))
}
