//! A plain HTTP fake server that keeps nothing per request, for runs whose memory is measured:
//! wiremock keeps every request a mock matched (`MountedMock::matched_requests`, whatever
//! `disable_request_recording` says), about 10 KiB per signed request, which a run of 10,000
//! requests would report as its own growth.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// An answer of a [`Fake`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `content-type`.
    pub content_type: &'static str,
    /// Body.
    pub body: String,
}

/// One service of a [`FakeServer`]: answers the requests it knows, `None` for the others.
pub trait Fake: Send + Sync + 'static {
    /// The answer to a request of `method` to `path` with `query` (undecoded, without `?`),
    /// `headers` and `body`, or `None` to leave it to the next fake.
    fn answer(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Option<Answer>;
}

/// A loopback HTTP/1 server asking its fakes in order; a request none answers gets a 404.
/// Every answer is sent after the server's delay (a stand-in for the network round trip).
/// Stops when dropped.
pub struct FakeServer {
    url: String,
    task: JoinHandle<()>,
}

impl FakeServer {
    /// Starts a server on 127.0.0.1 serving `fakes`, answering after `delay`.
    pub async fn start(fakes: Vec<Box<dyn Fake>>, delay: Duration) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let fakes: Arc<Vec<Box<dyn Fake>>> = Arc::new(fakes);
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let fakes = fakes.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let fakes = fakes.clone();
                        async move {
                            let answer = handle(req, &fakes).await;
                            if !delay.is_zero() {
                                tokio::time::sleep(delay).await;
                            }
                            Ok::<_, hyper::Error>(answer)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tcp), service)
                        .await;
                });
            }
        });
        FakeServer { url, task }
    }

    /// The server's URL, for `service_endpoint_url`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(req: Request<Incoming>, fakes: &[Box<dyn Fake>]) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let method = parts.method.as_str();
    let (path, query) = (parts.uri.path(), parts.uri.query().unwrap_or(""));
    let answer = fakes
        .iter()
        .find_map(|f| f.answer(method, path, query, &parts.headers, &body))
        .unwrap_or(Answer {
            status: 404,
            content_type: "text/plain",
            body: format!("no fake answers {method} {path}?{query}"),
        });
    Response::builder()
        .status(answer.status)
        .header("content-type", answer.content_type)
        .body(Full::new(Bytes::from(answer.body)))
        .expect("a valid response")
}
