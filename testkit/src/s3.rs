//! A ListObjectsV2 fake (REST-XML, as S3 answers) over a fixed key space, for listings larger
//! than the emulator can seed in a test's time: `GET /bucket?list-type=2` with `prefix`,
//! `delimiter`, `max-keys` (at most 1,000) and `continuation-token`; keys and common prefixes
//! count together toward `max-keys`, as in S3.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

struct ListObjectsV2Fake {
    bucket: String,
    keys: Arc<Vec<String>>,
    delay: Duration,
    answered: Arc<AtomicUsize>,
}

enum Entry<'a> {
    Key(&'a str),
    Prefix(String),
}

impl Respond for ListObjectsV2Fake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/xml")
            .set_body_string(self.list(&q))
            .set_delay(self.delay)
    }
}

impl crate::http::Fake for ListObjectsV2Fake {
    fn answer(
        &self,
        method: &str,
        path: &str,
        query: &str,
        _: &hyper::HeaderMap,
        _: &[u8],
    ) -> Option<crate::http::Answer> {
        let q: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let ours = method == "GET"
            && path.trim_start_matches('/').trim_end_matches('/') == self.bucket
            && q.get("list-type").map(String::as_str) == Some("2");
        ours.then(|| crate::http::Answer {
            status: 200,
            content_type: "application/xml",
            body: self.list(&q),
        })
    }
}

impl ListObjectsV2Fake {
    /// The ListObjectsV2 answer to the query `q`.
    fn list(&self, q: &HashMap<String, String>) -> String {
        self.answered.fetch_add(1, Ordering::Relaxed);
        let prefix = q.get("prefix").cloned().unwrap_or_default();
        let delimiter = q.get("delimiter").filter(|d| !d.is_empty());
        let max: usize = q
            .get("max-keys")
            .and_then(|m| m.parse().ok())
            .unwrap_or(1000)
            .min(1000);
        // The token is the last key the previous page consumed (S3's tokens are opaque; this
        // one lets a page start by binary search, so a page costs its own size, not the
        // bucket's).
        let after = q.get("continuation-token").cloned();
        // The keys under the prefix: a contiguous run of the sorted key space.
        let lo = self.keys.partition_point(|k| k.as_str() < prefix.as_str());
        let hi = lo + self.keys[lo..].partition_point(|k| k.starts_with(&prefix));
        let mut i = match &after {
            Some(t) => lo + self.keys[lo..hi].partition_point(|k| k <= t),
            None => lo,
        };
        let mut page: Vec<Entry<'_>> = Vec::new();
        while i < hi && page.len() < max {
            let k = &self.keys[i];
            let rest = &k[prefix.len()..];
            match delimiter.and_then(|d| rest.find(d.as_str()).map(|at| at + d.len())) {
                Some(end) => {
                    // A common prefix stands for every key under it: skip them all.
                    let cp = &k[..prefix.len() + end];
                    i += self.keys[i..hi].partition_point(|k| k.starts_with(cp));
                    page.push(Entry::Prefix(cp.to_owned()));
                }
                None => {
                    page.push(Entry::Key(k));
                    i += 1;
                }
            }
        }
        let truncated = i < hi;
        let mut xml = String::with_capacity(200 * page.len() + 512);
        xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#);
        let _ = write!(
            xml,
            "<Name>{}</Name><Prefix>{prefix}</Prefix><KeyCount>{}</KeyCount><MaxKeys>{max}</MaxKeys><IsTruncated>{truncated}</IsTruncated>",
            self.bucket,
            page.len()
        );
        if let Some(d) = delimiter {
            let _ = write!(xml, "<Delimiter>{d}</Delimiter>");
        }
        for e in &page {
            match e {
                Entry::Key(k) => {
                    let _ = write!(
                        xml,
                        "<Contents><Key>{k}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>"
                    );
                }
                Entry::Prefix(p) => {
                    let _ = write!(xml, "<CommonPrefixes><Prefix>{p}</Prefix></CommonPrefixes>");
                }
            }
        }
        if truncated {
            let last = &self.keys[i - 1];
            let _ = write!(xml, "<NextContinuationToken>{last}</NextContinuationToken>");
        }
        xml.push_str("</ListBucketResult>");
        xml
    }
}

/// Mounts on `server` a bucket `bucket` (path-style) holding `keys` (sorted here), answering
/// each ListObjectsV2 request after `delay` (a stand-in for the network round trip). Returns
/// the count of listings answered.
pub async fn mount_listing(
    server: &MockServer,
    bucket: &str,
    mut keys: Vec<String>,
    delay: Duration,
) -> Arc<AtomicUsize> {
    keys.sort();
    let answered = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path_regex(format!("^/{bucket}/?$")))
        .and(query_param("list-type", "2"))
        .respond_with(ListObjectsV2Fake {
            bucket: bucket.to_owned(),
            keys: Arc::new(keys),
            delay,
            answered: answered.clone(),
        })
        .mount(server)
        .await;
    answered
}

/// A bucket `bucket` holding `keys` (sorted here) for a [`FakeServer`](crate::http::FakeServer),
/// answering ListObjectsV2 at once and keeping nothing per request.
pub fn listing(bucket: &str, mut keys: Vec<String>) -> Box<dyn crate::http::Fake> {
    keys.sort();
    Box::new(ListObjectsV2Fake {
        bucket: bucket.to_owned(),
        keys: Arc::new(keys),
        delay: Duration::ZERO,
        answered: Arc::new(AtomicUsize::new(0)),
    })
}
