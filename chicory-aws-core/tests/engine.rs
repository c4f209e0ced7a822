//! The scan engine's completeness contract, on page requests answered by closures (no HTTP):
//! resume from the failed page's own token, exactly-once records, skipped vs incomplete, a
//! repeated token, and bounded walks at any depth.

use chicory_aws_core::scan::{paged, walk, Page, PageRetry, Part, ScanStream, ScanStreamExt, Step};
use chicory_aws_core::{actions, Concurrency, Error, ErrorKind, ErrorStatus, Incomplete, ScanItem};
use futures::StreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn fast() -> PageRetry {
    PageRetry::new(3, Duration::from_millis(1), Duration::from_millis(5))
}

fn part() -> Part {
    Part::new(actions::glue::GET_TABLES, "database=sales")
}

/// A listing of `pages` pages of 10 items; `fail(n, token)` decides whether request n fails.
fn listing(
    pages: usize,
    log: Arc<Mutex<Vec<Option<usize>>>>,
    fail: impl Fn(usize, Option<usize>) -> Option<Error> + Send + Sync + 'static,
) -> ScanStream<usize> {
    let n = Arc::new(AtomicUsize::new(0));
    paged(part(), fast(), move |token: Option<usize>| {
        let i = n.fetch_add(1, Ordering::SeqCst);
        log.lock().unwrap().push(token);
        let res = match fail(i, token) {
            Some(e) => Err(e),
            None => {
                let p = token.unwrap_or(0);
                let next = (p + 1 < pages).then_some(p + 1);
                Ok(Page::new((p * 10..p * 10 + 10).collect(), next))
            }
        };
        async move { res }
    })
}

async fn collect<T>(s: ScanStream<T>) -> (Vec<T>, Vec<String>, Vec<Error>) {
    let items: Vec<_> = s.collect().await;
    let (mut records, mut skipped, mut errors) = (vec![], vec![], vec![]);
    for i in items {
        match i {
            Ok(ScanItem::Record(r)) => records.push(r),
            Ok(ScanItem::Skipped(s)) => skipped.push(s.part),
            Err(e) => errors.push(e),
        }
    }
    (records, skipped, errors)
}

#[tokio::test]
async fn a_throttled_page_is_retried_from_its_own_token_and_nothing_is_emitted_twice() {
    let log = Arc::new(Mutex::new(Vec::new()));
    // Requests 2 and 3 (page 2, twice) are throttled; the page is asked again from its token.
    let s = listing(5, log.clone(), |i, _| {
        (i == 2 || i == 3).then(|| Error::new(ErrorKind::Throttled, "Rate exceeded"))
    });
    let (records, skipped, errors) = collect(s).await;
    assert_eq!(
        records,
        (0..50).collect::<Vec<_>>(),
        "every record exactly once"
    );
    assert!(skipped.is_empty() && errors.is_empty());
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        vec![None, Some(1), Some(2), Some(2), Some(2), Some(3), Some(4)],
        "resumed from page 2's own token, never from the start"
    );
}

#[tokio::test]
async fn a_page_failing_past_the_retries_makes_the_part_incomplete_not_skipped() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let s = listing(5, log.clone(), |_, t| {
        (t == Some(3)).then(|| Error::new(ErrorKind::Service, "InternalFailure"))
    });
    let (records, skipped, errors) = collect(s).await;
    assert_eq!(records.len(), 30);
    assert!(skipped.is_empty(), "a 5xx is never a skipped part");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].operation(), Some("glue:GetTables"));
    assert_eq!(errors[0].resource(), Some("database=sales"));
    // First try plus 3 further tries of the page.
    assert_eq!(
        log.lock()
            .unwrap()
            .iter()
            .filter(|t| **t == Some(3))
            .count(),
        4
    );
}

#[tokio::test]
async fn denied_and_vanished_parts_are_skipped_and_not_retried() {
    for kind in [ErrorKind::AccessDenied, ErrorKind::NotFound] {
        let log = Arc::new(Mutex::new(Vec::new()));
        let s = listing(3, log.clone(), move |i, _| {
            (i == 1).then(|| Error::new(kind, "no"))
        });
        let (records, skipped, errors) = collect(s).await;
        assert_eq!(records.len(), 10);
        assert_eq!(skipped, vec!["glue:GetTables database=sales".to_owned()]);
        assert!(errors.is_empty());
        assert_eq!(log.lock().unwrap().len(), 2, "{kind}: not retried");
    }
}

#[tokio::test]
async fn a_repeated_token_ends_the_part_as_incomplete_instead_of_looping() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    // The server answers page 2 with page 1's token again, forever.
    let s: ScanStream<usize> = paged(part(), fast(), move |token: Option<String>| {
        c.fetch_add(1, Ordering::SeqCst);
        let page = match token.as_deref() {
            None => Page::new(vec![1, 2], Some("t1".to_owned())),
            Some(_) => Page::new(vec![3, 4], Some("t1".to_owned())),
        };
        async move { Ok::<_, Error>(page) }
    });
    let (records, _, errors) = tokio::time::timeout(Duration::from_secs(5), collect(s))
        .await
        .expect("the listing ends");
    assert_eq!(
        records,
        vec![1, 2],
        "the repeated page's items are not emitted"
    );
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().contains("repeated"), "{}", errors[0]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_first_item_arrives_after_one_page_and_dropping_the_stream_stops_requests() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut s = listing(100, log.clone(), |_, _| None);
    assert_eq!(s.next().await.unwrap().unwrap(), ScanItem::Record(0));
    assert_eq!(log.lock().unwrap().len(), 1);
    drop(s);
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn records_map_and_flat_map_pass_skipped_and_incomplete_parts_through() {
    let s: ScanStream<u32> = futures::stream::iter(vec![
        Ok(ScanItem::Record(1)),
        part().outcome(Error::new(ErrorKind::AccessDenied, "no")),
        Err(Error::new(ErrorKind::Throttled, "slow down")),
        Ok(ScanItem::Record(2)),
    ])
    .boxed();
    let c = Concurrency::new("concurrency", 2).unwrap();
    let out = s.map_records(|n| n * 10).flat_map_records(c, |n| {
        futures::stream::iter([Ok(ScanItem::Record(n)), Ok(ScanItem::Record(n + 1))]).boxed()
    });
    let (mut records, skipped, errors) = collect(out).await;
    records.sort();
    assert_eq!(records, vec![10, 11, 20, 21]);
    assert_eq!(skipped.len(), 1);
    assert_eq!(errors.len(), 1);
}

#[test]
fn concurrency_is_checked_and_names_the_field() {
    assert_eq!(Concurrency::new("concurrency", 16).unwrap().get(), 16);
    for bad in [0, 65] {
        let e = Concurrency::new("options.concurrency", bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        assert_eq!(e.field(), Some("options.concurrency"));
    }
}

/// A tree of depth 4 with fan-out 6 (1,296 leaves): at most `limit` listings are open at any
/// time, whatever the depth (nested fan-outs would multiply to (fan-out)^depth).
#[tokio::test]
async fn a_walk_keeps_listings_bounded_at_any_depth() {
    let open = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let limit = Concurrency::new("concurrency", 4).unwrap();
    let (o, p) = (open.clone(), peak.clone());
    let s = walk(vec![String::new()], limit, move |prefix: String| {
        let depth = prefix.len();
        let (o, p) = (o.clone(), p.clone());
        let now = o.fetch_add(1, Ordering::SeqCst) + 1;
        p.fetch_max(now, Ordering::SeqCst);
        let items: Vec<_> = (0..6u8)
            .map(|i| {
                let child = format!("{prefix}{}", (b'a' + i) as char);
                Ok(ScanItem::Record(if depth + 1 == 4 {
                    Step::Record(child)
                } else {
                    Step::Visit(child)
                }))
            })
            .collect();
        futures::stream::once(async { tokio::time::sleep(Duration::from_millis(1)).await })
            .flat_map(move |_| futures::stream::iter(items.clone()))
            .chain(futures::stream::once(async move {
                o.fetch_sub(1, Ordering::SeqCst);
                Err(Error::new(ErrorKind::Service, "sentinel"))
            }))
            .filter(|i| futures::future::ready(i.is_ok()))
            .boxed()
    });
    let (records, _, errors) = collect(s).await;
    assert_eq!(records.len(), 6usize.pow(4));
    let unique: std::collections::HashSet<_> = records.iter().collect();
    assert_eq!(unique.len(), records.len());
    assert!(errors.is_empty());
    let peak = peak.load(Ordering::SeqCst);
    assert!(peak <= 4, "at most 4 listings open, saw {peak}");
}

#[tokio::test]
async fn a_part_that_ran_out_of_retries_is_persistent_and_names_its_context() {
    let part = Part::new(actions::glue::GET_PARTITIONS, "")
        .with("table", "sales.events")
        .with("segment", "2/10");
    assert_eq!(part.resource(), "table=sales.events segment=2/10");
    let throttled = || Error::new(ErrorKind::Throttled, "Rate exceeded");
    // A throttled error is temporary where it is made: nothing has given up on it yet.
    assert_eq!(throttled().error_status(), ErrorStatus::Temporary);
    assert!(throttled().is_temporary());
    // Denied is permanent: retrying would not help.
    let denied = Error::new(ErrorKind::AccessDenied, "no");
    assert_eq!(denied.error_status(), ErrorStatus::Permanent);
    assert_eq!(denied.persistent().error_status(), ErrorStatus::Permanent);

    let s = paged(part, fast(), move |_: Option<u8>| async move {
        Err::<Page<u8, u8>, _>(throttled())
    });
    let (records, skipped, errors) = collect(s).await;
    assert!(records.is_empty() && skipped.is_empty());
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    // Throttled on the first try and on every retry: persistent, not temporary.
    assert_eq!(e.error_status(), ErrorStatus::Persistent);
    assert!(e.is_persistent() && !e.is_temporary());
    assert_eq!(
        e.context(),
        &[
            ("table", "sales.events".to_owned()),
            ("segment", "2/10".to_owned())
        ]
    );
    assert_eq!(e.resource(), Some("table=sales.events segment=2/10"));
    let shown = e.to_string();
    assert!(shown.contains("retries ran out"), "{shown}");
    assert_eq!(
        shown.matches("segment=2/10").count(),
        1,
        "the context is shown once: {shown}"
    );
    let incomplete = Incomplete::from_error(e);
    assert_eq!(incomplete.status, ErrorStatus::Persistent);
    assert_eq!(incomplete.kind, ErrorKind::Throttled);
}

#[test]
fn context_is_shown_and_kept_structured() {
    let e = Error::new(ErrorKind::Service, "s3:PutObject failed: InternalError")
        .with_resource("arn:aws:s3:::logs/2024/a.gz")
        .with_context("bucket", "logs")
        .with_context("key", "2024/a.gz");
    assert_eq!(
        e.context(),
        &[
            ("bucket", "logs".to_owned()),
            ("key", "2024/a.gz".to_owned())
        ]
    );
    let shown = e.to_string();
    assert!(shown.contains("[bucket=logs, key=2024/a.gz]"), "{shown}");
    assert!(!shown.contains("retries ran out"), "{shown}");
    assert!(format!("{e:?}").contains("error_status: Temporary"));
}

/// A listing that has its last page gives its slot up before its records are handed out: with
/// one slot, the second listing is open (its request sent) when the first record of the first
/// listing reaches the caller; and at most `limit` listings wait to be drained, so with one
/// slot no more than two are open before the caller takes anything.
#[tokio::test]
async fn a_walk_opens_the_next_listing_when_one_has_its_last_page() {
    let opened = Arc::new(AtomicUsize::new(0));
    let limit = Concurrency::new("concurrency", 1).unwrap();
    let o = opened.clone();
    let mut s = walk(
        vec!["a", "b", "c", "d"],
        limit,
        move |node: &'static str| {
            let o = o.clone();
            futures::stream::once(async move {
                // The request: sent when the listing is first polled.
                o.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(1)).await;
            })
            .flat_map(move |_| {
                futures::stream::iter(
                    [
                        Step::LastPage,
                        Step::Record(format!("{node}1")),
                        Step::Record(format!("{node}2")),
                    ]
                    .map(|s| Ok(ScanItem::Record(s))),
                )
            })
            .boxed()
        },
    );
    let first = s.next().await.unwrap().unwrap();
    assert_eq!(first, ScanItem::Record("a1".to_string()));
    assert_eq!(
        opened.load(Ordering::SeqCst),
        2,
        "the second listing is open when the first hands out its first record, and no third"
    );
    let (mut records, _, errors) = collect(s).await;
    records.push("a1".into());
    records.sort();
    assert_eq!(records, ["a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2"]);
    assert!(errors.is_empty());
    assert_eq!(opened.load(Ordering::SeqCst), 4);
}

/// When several answers arrive together, a listing opened in a freed slot sends its request
/// before the next waiting answer is handled (parsed): requests of the next round go out one
/// by one between the answers of this one, instead of all together after them, so the rounds
/// do not stay in lockstep.
#[tokio::test]
async fn a_listing_opened_in_a_freed_slot_is_polled_before_the_other_answers() {
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let gate = futures::FutureExt::shared(rx);
    let limit = Concurrency::new("concurrency", 2).unwrap();
    let l = log.clone();
    let s = walk(
        vec!["a", "b", "c", "d"],
        limit,
        move |node: &'static str| {
            let (l, gate) = (l.clone(), gate.clone());
            futures::stream::once(async move {
                l.lock().unwrap().push(format!("request {node}"));
                let _ = gate.await;
                // The answer is handled (parsed) where the listing is polled.
                l.lock().unwrap().push(format!("answer {node}"));
            })
            .flat_map(move |_| {
                futures::stream::iter(
                    [Step::LastPage, Step::Record(node.to_string())]
                        .map(|s| Ok(ScanItem::Record(s))),
                )
            })
            .boxed()
        },
    );
    let scan = tokio::spawn(collect(s));
    // a and b are sent and wait; then both answers arrive at once.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(*log.lock().unwrap(), ["request a", "request b"]);
    tx.send(()).unwrap();
    let (mut records, _, errors) = scan.await.unwrap();
    records.sort();
    assert_eq!(records, ["a", "b", "c", "d"]);
    assert!(errors.is_empty());
    let log = log.lock().unwrap().clone();
    let at = |e: &str| log.iter().position(|x| x == e).unwrap();
    assert!(
        at("request c") < at("answer b"),
        "c's request goes out before b's answer is handled: {log:?}"
    );
}
