//! The scan engine: a page request becomes a lazy stream of scan items, and the completeness
//! contract is applied here, once, for every scanner of every service crate.
//!
//! A scanner is a page request plus a record mapping:
//!
//! ```no_run
//! use chicory_aws_core::scan::{paged, Page, Part, ScanStream, ScanStreamExt};
//! use chicory_aws_core::{actions, Connection};
//!
//! fn tables(conn: &Connection, glue: aws_sdk_glue::Client, db: String) -> ScanStream<String> {
//!     let part = Part::new(actions::glue::GET_TABLES, format!("database={db}"));
//!     paged(part, conn.page_retry(), move |token| {
//!         let req = glue.get_tables().database_name(&db).set_next_token(token);
//!         async move {
//!             let out = req.send().await?;
//!             let names = out.table_list().iter().map(|t| t.name.clone()).collect();
//!             Ok::<_, aws_sdk_glue::error::SdkError<_, _>>(Page::new(names, out.next_token))
//!         }
//!     })
//!     .map_records(|name| name.to_uppercase())
//! }
//! ```

use super::{ScanItem, Skipped};
use crate::error::{Error, ErrorKind, Result};
use crate::Action;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::stream::{self, BoxStream, FuturesUnordered, Stream, StreamExt, StreamFuture};
use futures::FutureExt;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The stream every scanner returns: records, skipped parts, and (as `Err`) incomplete parts.
pub type ScanStream<R> = BoxStream<'static, Result<ScanItem<R>>>;

/// How many requests a scanner runs at once: 1 to [`Concurrency::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Concurrency(NonZeroUsize);

impl Concurrency {
    /// The largest concurrency a scanner accepts.
    pub const MAX: usize = 64;

    /// `n`, checked to be within 1..=[`MAX`](Self::MAX); the error names `field`.
    pub fn new(field: &'static str, n: usize) -> Result<Self> {
        match NonZeroUsize::new(n) {
            Some(v) if n <= Self::MAX => Ok(Concurrency(v)),
            _ => Err(Error::invalid(
                field,
                format!("must be between 1 and {}, got {n}", Self::MAX),
            )),
        }
    }

    /// The number.
    pub fn get(self) -> usize {
        self.0.get()
    }
}

impl fmt::Display for Concurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How a page that still fails after the SDK's own retries is retried, from its own
/// continuation token, before its part is given up as incomplete. Only temporary failures
/// (throttling, timeouts, 5xx, dropped connections) are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageRetry {
    /// Further tries of the page (0: none).
    pub attempts: u32,
    /// Wait before the first further try; doubled each time, with full jitter.
    pub initial_backoff: Duration,
    /// Longest wait.
    pub max_backoff: Duration,
}

impl Default for PageRetry {
    /// 3 further tries, 1 s then 2 s then 4 s (jittered).
    fn default() -> Self {
        PageRetry {
            attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl PageRetry {
    /// No further tries: a page that fails after the SDK's retries is incomplete at once.
    pub fn none() -> Self {
        PageRetry {
            attempts: 0,
            ..PageRetry::default()
        }
    }

    /// `attempts` further tries, waiting from `initial_backoff` up to `max_backoff`.
    pub fn new(attempts: u32, initial_backoff: Duration, max_backoff: Duration) -> Self {
        PageRetry {
            attempts,
            initial_backoff,
            max_backoff,
        }
    }

    /// The jittered wait before further try `n` (1-based).
    fn backoff(&self, n: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << (n - 1).min(16))
            .min(self.max_backoff);
        exp.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

/// A part of a scan: the action it calls and what it reads, e.g.
/// `glue:GetTables database=sales`. Skipped and incomplete outcomes are named by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    action: Action,
    resource: String,
    context: Vec<(&'static str, String)>,
    vanished: &'static [&'static str],
}

impl Part {
    /// The part reading `resource` (e.g. `database=sales`, may be empty) with `action`.
    pub fn new(action: Action, resource: impl Into<String>) -> Self {
        Part {
            action,
            resource: resource.into(),
            context: Vec::new(),
            vanished: &[],
        }
    }

    /// Adds `key=value` to what the part reads: kept structured in its errors'
    /// [`context`](Error::context), and written into its resource text (`database=sales
    /// segment=2/10`).
    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        if !self.resource.is_empty() {
            self.resource.push(' ');
        }
        self.resource.push_str(key);
        self.resource.push('=');
        self.resource.push_str(&value);
        self.context.push((key, value));
        self
    }

    /// AWS error codes that mean, for this call, that the resource is gone (e.g. Athena's
    /// `InvalidRequestException` for a catalog deleted mid-scan): skipped, like NotFound.
    pub fn vanished_when(mut self, codes: &'static [&'static str]) -> Self {
        self.vanished = codes;
        self
    }

    /// The action the part calls.
    pub fn action(&self) -> Action {
        self.action
    }

    /// What the part reads.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The outcome of this part failing with `err`, by the completeness contract: denied or
    /// vanished is [`ScanItem::Skipped`]; anything else, and any failure to assume the
    /// customer's role, is incomplete (`Err`).
    pub fn outcome<R>(&self, err: Error) -> Result<ScanItem<R>> {
        let err = self.named(err);
        let vanished = err.code().is_some_and(|c| self.vanished.contains(&c));
        if err.operation() == Some("sts:AssumeRole") {
            // The connection's credentials failed, not this part: nothing of the account can
            // be read, so nothing may pass for denied by the customer.
            return Err(err);
        }
        match err.kind() {
            ErrorKind::AccessDenied | ErrorKind::NotFound => Ok(ScanItem::Skipped(
                Skipped::from_error(self.to_string(), &err),
            )),
            _ if vanished => Ok(ScanItem::Skipped(Skipped::from_error(
                self.to_string(),
                &err,
            ))),
            _ => Err(err),
        }
    }

    /// `err` as this part's error (operation and resource set).
    pub fn error<E: IntoScanError>(&self, err: E) -> Error {
        self.named(err.into_scan_error(self.action))
    }

    /// `err` with this part's resource and context, unless it names its own resource.
    fn named(&self, err: Error) -> Error {
        if err.resource().is_some() || self.resource.is_empty() {
            return err;
        }
        let err = err.with_resource(self.resource.clone());
        self.context
            .iter()
            .fold(err, |e, (k, v)| e.with_context(k, v.clone()))
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.resource.is_empty() {
            write!(f, "{}", self.action)
        } else {
            write!(f, "{} {}", self.action, self.resource)
        }
    }
}

/// An error a page request can fail with: an SDK error (mapped by
/// [`Error::from_sdk`] with the part's action) or a chicory-aws [`Error`].
pub trait IntoScanError {
    /// The error as a chicory-aws error of `action`.
    fn into_scan_error(self, action: Action) -> Error;
}

impl IntoScanError for Error {
    fn into_scan_error(self, action: Action) -> Error {
        if self.operation().is_none() {
            self.with_operation(action.to_string())
        } else {
            self
        }
    }
}

impl<E> IntoScanError for SdkError<E, HttpResponse>
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    fn into_scan_error(self, action: Action) -> Error {
        Error::from_sdk(self, action)
    }
}

/// One page of a listing: its items and the token of the next page (`None`: the last page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, K = String> {
    /// The page's items.
    pub items: Vec<T>,
    /// The next page's continuation token or marker.
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// A page of `items`, followed by the page at `next`.
    pub fn new(items: Vec<T>, next: Option<K>) -> Self {
        Page { items, next }
    }

    /// The only (or last) page.
    pub fn last(items: Vec<T>) -> Self {
        Page { items, next: None }
    }
}

/// The error of a server that gave a continuation token it had given before.
fn repeated_token(part: &Part) -> Error {
    Error::new(
        ErrorKind::Service,
        format!(
            "{} failed: the server repeated a continuation token; the listing stops here instead \
             of looping, and this part is incomplete",
            part.action
        ),
    )
    .with_operation(part.action.to_string())
    .with_resource(part.resource.clone())
}

fn token_hash<K: Hash>(k: &K) -> u64 {
    let mut h = DefaultHasher::new();
    k.hash(&mut h);
    h.finish()
}

/// Turns one page request into a lazy stream of the part's items.
///
/// `fetch(token)` requests the page at `token` (`None`: the first page). Pages are requested
/// only as the stream is polled, one at a time, and only one page is held. A page that fails
/// with a temporary error after the SDK's retries is requested again from its own token, as
/// `retry` says, so nothing already emitted is emitted twice; then the part ends as
/// [`Part::outcome`] decides (skipped if denied or vanished, else incomplete). A server that
/// repeats a token ends the part as incomplete instead of looping (the items of the page that
/// repeated it are not emitted: they may be a replay).
pub fn paged<T, K, E, F, Fut>(part: Part, retry: PageRetry, fetch: F) -> ScanStream<T>
where
    T: Send + 'static,
    K: Hash + Clone + Send + 'static,
    E: IntoScanError + Send + 'static,
    F: FnMut(Option<K>) -> Fut + Send + 'static,
    Fut: Future<Output = std::result::Result<Page<T, K>, E>> + Send + 'static,
{
    struct State<K, F> {
        fetch: F,
        next: Option<K>,
        seen: HashSet<u64>,
        done: bool,
        part: Part,
        retry: PageRetry,
    }
    let state = State {
        fetch,
        next: None,
        seen: HashSet::new(),
        done: false,
        part,
        retry,
    };
    stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        let mut failures = 0;
        loop {
            match Spawned::new((st.fetch)(st.next.clone())).await {
                Ok(page) => {
                    let mut items: Vec<Result<ScanItem<T>>> =
                        page.items.into_iter().map(|t| Ok(ScanItem::Record(t))).collect();
                    match page.next {
                        None => st.done = true,
                        // A page answered with a token given before may be a replay of an
                        // earlier page: its items are not emitted (they could be duplicates),
                        // and the part is incomplete.
                        Some(k) if !st.seen.insert(token_hash(&k)) => {
                            st.done = true;
                            items = vec![Err(repeated_token(&st.part))];
                        }
                        Some(k) => st.next = Some(k),
                    }
                    return Some((stream::iter(items), st));
                }
                Err(e) => {
                    let err = st.part.error(e);
                    if err.is_temporary() && failures < st.retry.attempts {
                        failures += 1;
                        let wait = st.retry.backoff(failures);
                        tracing::debug!(part = %st.part, error = %err, ?wait, "page failed; retrying from its token");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    st.done = true;
                    return Some((stream::iter(vec![st.part.outcome(err.persistent())]), st));
                }
            }
        }
    })
    .flatten()
    .boxed()
}

/// A page's request on a task of its own: the answer is received and parsed (the SDK parses in
/// the request's future) on whichever of the runtime's threads is free, so the pages of
/// concurrent listings are parsed in parallel instead of one after another on the task that
/// consumes the scan. Aborted when dropped, so a dropped scan sends nothing more; a panic in
/// the request is resumed where it is awaited.
struct Spawned<O>(tokio::task::JoinHandle<O>);

impl<O: Send + 'static> Spawned<O> {
    fn new(fut: impl Future<Output = O> + Send + 'static) -> Self {
        use tracing::Instrument;
        Spawned(tokio::spawn(fut.in_current_span()))
    }
}

impl<O> Drop for Spawned<O> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<O> Future for Spawned<O> {
    type Output = O;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O> {
        match Pin::new(&mut self.0).poll(cx) {
            Poll::Ready(Ok(out)) => Poll::Ready(out),
            Poll::Ready(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Cancelled: only by our own `drop`, after which nobody polls.
            Poll::Ready(Err(e)) => unreachable!("a page request cancelled while awaited: {e}"),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// One request that is a whole part (e.g. `GetBucketVersioning`), as a stream of at most one
/// record, with the same retry and outcome rules as [`paged`].
pub fn single<T, E, F, Fut>(part: Part, retry: PageRetry, mut fetch: F) -> ScanStream<T>
where
    T: Send + 'static,
    E: IntoScanError + Send + 'static,
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = std::result::Result<T, E>> + Send + 'static,
{
    paged(part, retry, move |_: Option<()>| {
        let fut = fetch();
        async move { fut.await.map(|t| Page::last(vec![t])) }
    })
}

/// Reads one value of a part with the engine's retry rules, for an enrichment of a record:
/// `Ok(value)`, or the part's outcome (skipped or incomplete) when it could not be read.
pub async fn read<T, E, F, Fut>(
    part: &Part,
    retry: PageRetry,
    mut fetch: F,
) -> std::result::Result<T, Result<Skipped>>
where
    E: IntoScanError,
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, E>>,
{
    let mut failures = 0;
    loop {
        match fetch().await {
            Ok(v) => return Ok(v),
            Err(e) => {
                let err = part.error(e);
                if err.is_temporary() && failures < retry.attempts {
                    failures += 1;
                    tokio::time::sleep(retry.backoff(failures)).await;
                    continue;
                }
                return Err(match part.outcome::<()>(err.persistent()) {
                    Ok(ScanItem::Skipped(s)) => Ok(s),
                    Ok(ScanItem::Record(())) => unreachable!("outcome is never a record"),
                    Err(e) => Err(e),
                });
            }
        }
    }
}

/// Reads one record of a part (e.g. `GetGlossary` for a listed id) with the engine's retry
/// rules: `map(value)` as a record, or the part's outcome (skipped or incomplete).
pub async fn read_record<T, U, E, F, Fut>(
    part: &Part,
    retry: PageRetry,
    fetch: F,
    map: impl FnOnce(T) -> U,
) -> Result<ScanItem<U>>
where
    E: IntoScanError,
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, E>>,
{
    match read(part, retry, fetch).await {
        Ok(v) => Ok(ScanItem::Record(map(v))),
        Err(outcome) => outcome.map(ScanItem::Skipped),
    }
}

impl<R> ScanItem<R> {
    /// The record, or this item (skipped) re-typed for a stream of `U`.
    fn split<U>(self) -> std::result::Result<R, ScanItem<U>> {
        match self {
            ScanItem::Record(r) => Ok(r),
            ScanItem::Skipped(s) => Err(ScanItem::Skipped(s)),
        }
    }
}

/// A non-record item of a stream of `T` as an item of a stream of `U`; `Ok(record)` otherwise.
fn pass<T, U>(item: Result<ScanItem<T>>) -> std::result::Result<T, Result<ScanItem<U>>> {
    match item {
        Ok(i) => i.split().map_err(Ok),
        Err(e) => Err(Err(e)),
    }
}

/// Record-level combinators of scan streams: each maps records and passes skipped and
/// incomplete parts through unchanged.
pub trait ScanStreamExt<T: Send + 'static>:
    Stream<Item = Result<ScanItem<T>>> + Send + Sized + 'static
{
    /// Maps each record.
    fn map_records<U: Send + 'static>(
        self,
        mut f: impl FnMut(T) -> U + Send + 'static,
    ) -> ScanStream<U> {
        self.map(move |item| {
            pass(item)
                .map(|t| Ok(ScanItem::Record(f(t))))
                .unwrap_or_else(|o| o)
        })
        .boxed()
    }

    /// Maps each record to zero or one record.
    fn filter_map_records<U: Send + 'static>(
        self,
        mut f: impl FnMut(T) -> Option<U> + Send + 'static,
    ) -> ScanStream<U> {
        self.filter_map(move |item| {
            let out = match pass(item) {
                Ok(t) => f(t).map(|u| Ok(ScanItem::Record(u))),
                Err(o) => Some(o),
            };
            futures::future::ready(out)
        })
        .boxed()
    }

    /// Replaces each record by the records `f` makes of it, in order (`f` may keep state, e.g.
    /// column types read from a first page).
    fn expand_records<U: Send + 'static>(
        self,
        mut f: impl FnMut(T) -> Vec<U> + Send + 'static,
    ) -> ScanStream<U> {
        self.flat_map(move |item| {
            let items: Vec<Result<ScanItem<U>>> = match pass(item) {
                Ok(t) => f(t).into_iter().map(|u| Ok(ScanItem::Record(u))).collect(),
                Err(o) => vec![o],
            };
            stream::iter(items)
        })
        .boxed()
    }

    /// Replaces each record by the stream `f` makes of it, running up to `limit` of those
    /// streams at once (their items interleave).
    fn flat_map_records<U: Send + 'static>(
        self,
        limit: Concurrency,
        mut f: impl FnMut(T) -> ScanStream<U> + Send + 'static,
    ) -> ScanStream<U> {
        self.flat_map_unordered(Some(limit.get()), move |item| match pass(item) {
            Ok(t) => f(t),
            Err(o) => stream::iter([o]).boxed(),
        })
        .boxed()
    }

    /// Replaces each record by the items `f` resolves to (e.g. the record with an enrichment,
    /// or a skipped part beside it), running up to `limit` of those futures at once.
    fn then_records<U: Send + 'static, Fut>(
        self,
        limit: Concurrency,
        mut f: impl FnMut(T) -> Fut + Send + 'static,
    ) -> ScanStream<U>
    where
        Fut: Future<Output = Vec<Result<ScanItem<U>>>> + Send + 'static,
    {
        self.map(move |item| match pass(item) {
            Ok(t) => futures::future::Either::Left(f(t)),
            Err(o) => futures::future::Either::Right(futures::future::ready(vec![o])),
        })
        .buffer_unordered(limit.get())
        .flat_map(stream::iter)
        .boxed()
    }
}

impl<T: Send + 'static, S> ScanStreamExt<T> for S where
    S: Stream<Item = Result<ScanItem<T>>> + Send + Sized + 'static
{
}

/// What a node of a [`walk`] yields: a record, a node to visit, or the word that its listing
/// has made its last request.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<N, R> {
    /// A record of the scan.
    Record(R),
    /// A node to expand (e.g. a common prefix, a database).
    Visit(N),
    /// The node's listing has its last page in hand and will send no more requests: its
    /// listing slot goes to the next node at once, while the steps of that page are still
    /// being drained. Without it a slot frees only when the page has been consumed, so when
    /// many answers arrive together, each round of requests waits for the previous round's
    /// records to be parsed and handed out instead of overlapping with them.
    LastPage,
}

/// Walks a tree (prefixes of a bucket, catalogs and their databases, ...) with at most `limit`
/// nodes being listed at once, at any depth: discovered nodes wait in a stack (depth first, so
/// the waiting set stays near depth x width of a level) until a listing slot frees up. A
/// listing that says [`Step::LastPage`] gives its slot up and is drained beside the others; a
/// new listing opens only while fewer than `2 x limit` listings are open in all. Each listing
/// holds at most its current page, so requests (at most `limit` listings sending) and memory
/// (at most `2 x limit` pages) stay bounded however deep the tree is.
pub fn walk<N, R>(
    roots: Vec<N>,
    limit: Concurrency,
    expand: impl FnMut(N) -> ScanStream<Step<N, R>> + Send + 'static,
) -> ScanStream<R>
where
    N: Send + 'static,
    R: Send + 'static,
{
    Walk {
        pending: roots.into_iter().rev().collect(),
        active: FuturesUnordered::new(),
        draining: FuturesUnordered::new(),
        limit: limit.get(),
        expand: Box::new(expand),
    }
    .boxed()
}

type Listings<N, R> = FuturesUnordered<StreamFuture<ScanStream<Step<N, R>>>>;

/// What a listing's [`StreamFuture`] resolves to: its next step (`None`: it ended) and the rest.
type Next<N, R> = (Option<Result<ScanItem<Step<N, R>>>>, ScanStream<Step<N, R>>);

struct Walk<N, R> {
    pending: Vec<N>,
    /// Listings that may still send requests.
    active: Listings<N, R>,
    /// Listings past their last request, with steps left to hand out.
    draining: Listings<N, R>,
    limit: usize,
    expand: Box<dyn FnMut(N) -> ScanStream<Step<N, R>> + Send>,
}

impl<N, R> Unpin for Walk<N, R> {}

impl<N, R> Walk<N, R> {
    /// What a sending listing's next step becomes: its slot given up ([`Step::LastPage`], the
    /// listing drained beside), its end, or an item for the caller.
    fn arrived(&mut self, (item, rest): Next<N, R>) -> Option<Result<ScanItem<R>>> {
        match item {
            // A listing ended: its slot goes to the next node waiting.
            None => None,
            Some(Ok(ScanItem::Record(Step::LastPage))) => {
                self.draining.push(rest.into_future());
                None
            }
            Some(item) => {
                self.active.push(rest.into_future());
                self.step(item)
            }
        }
    }

    /// What a step becomes: an item for the caller, or nothing (a node to visit is stacked).
    fn step(&mut self, item: Result<ScanItem<Step<N, R>>>) -> Option<Result<ScanItem<R>>> {
        match item {
            Ok(ScanItem::Record(Step::Visit(n))) => {
                self.pending.push(n);
                None
            }
            Ok(ScanItem::Record(Step::LastPage)) => None,
            Ok(ScanItem::Record(Step::Record(r))) => Some(Ok(ScanItem::Record(r))),
            Ok(ScanItem::Skipped(s)) => Some(Ok(ScanItem::Skipped(s))),
            Err(e) => Some(Err(e)),
        }
    }
}

impl<N: Send + 'static, R: Send + 'static> Stream for Walk<N, R> {
    type Item = Result<ScanItem<R>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let me = &mut *self;
        loop {
            while me.active.len() < me.limit && me.active.len() + me.draining.len() < 2 * me.limit {
                let Some(n) = me.pending.pop() else { break };
                // Polled at once, so its request goes out before any answer already waiting is
                // handled: a `FuturesUnordered` would poll it after every future woken before
                // it, and when many answers arrive together, the next round of requests would
                // wait for all of them to be parsed and go out together again.
                let mut listing = (me.expand)(n).into_future();
                match listing.poll_unpin(cx) {
                    Poll::Pending => me.active.push(listing),
                    Poll::Ready(first) => {
                        if let Some(out) = me.arrived(first) {
                            return Poll::Ready(Some(out));
                        }
                    }
                }
            }
            // Listings still sending before those being drained: an answer that is its
            // listing's last frees the slot for the next node before its records are handed
            // out.
            match me.active.poll_next_unpin(cx) {
                Poll::Ready(Some(next)) => match me.arrived(next) {
                    Some(out) => return Poll::Ready(Some(out)),
                    None => continue,
                },
                Poll::Ready(None) | Poll::Pending => {}
            }
            match me.draining.poll_next_unpin(cx) {
                Poll::Ready(Some((Some(item), rest))) => {
                    me.draining.push(rest.into_future());
                    match me.step(item) {
                        Some(out) => return Poll::Ready(Some(out)),
                        None => continue,
                    }
                }
                Poll::Ready(Some((None, _))) => continue,
                Poll::Ready(None) | Poll::Pending => {}
            }
            if me.active.is_empty() && me.draining.is_empty() {
                if me.pending.is_empty() {
                    return Poll::Ready(None);
                }
                // Nodes wait and every slot is free: open them.
                continue;
            }
            return Poll::Pending;
        }
    }
}
