//! A plain HTTP fake server that keeps nothing per request, for runs whose memory is measured:
//! wiremock keeps every request a mock matched (`MountedMock::matched_requests`, whatever
//! `disable_request_recording` says), about 10 KiB per signed request, which a run of 10,000
//! requests would report as its own growth.
//!
//! For runs whose CPU is measured, the fake should not share the client's cores or cost: a
//! [`FakeServer::start_apart`] runs on a thread and runtime of its own, and a [`Memo`] renders
//! each distinct answer once and then answers from memory; [`replay`] sends the requests a
//! `Memo` saw without signing or parsing (what the HTTP exchange alone costs).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

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
    task: AbortHandle,
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
        FakeServer {
            url,
            task: task.abort_handle(),
        }
    }

    /// Starts a server like [`start`](Self::start), on a thread with a single-threaded runtime
    /// of its own: the client measured keeps its threads to itself (its thread CPU time is its
    /// own), and the fake uses one core at most. The thread ends when the server is dropped.
    pub fn start_apart(fakes: Vec<Box<dyn Fake>>, delay: Duration) -> FakeServer {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("fake-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the fake's runtime");
                rt.block_on(async move {
                    let server = FakeServer::start(fakes, delay).await;
                    let (url, task) = (server.url.clone(), server.task.clone());
                    std::mem::forget(server);
                    let _ = tx.send((url, task.clone()));
                    // Until the handle's owner aborts the accept loop.
                    while !task.is_finished() {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                });
            })
            .expect("the fake's thread");
        let (url, task) = rx.recv().expect("the fake server starts");
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

/// A request as a [`Memo`] keys it: what the fakes of this module answer by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query string (undecoded, without `?`).
    pub query: String,
    /// `x-amz-target` (JSON protocols), empty when absent.
    pub target: String,
    /// Body.
    pub body: Vec<u8>,
}

/// A fake in front of another that renders each distinct request's answer once and answers it
/// from memory afterwards, so a CPU measurement is not of the fake's rendering. It keeps every
/// distinct answer: not for runs whose memory is measured. Clones share the memory.
#[derive(Clone)]
pub struct Memo(Arc<MemoState>);

struct MemoState {
    inner: Box<dyn Fake>,
    answers: Mutex<HashMap<Recorded, Answer>>,
    order: Mutex<Vec<Recorded>>,
}

impl Memo {
    /// `inner`, remembered.
    pub fn new(inner: Box<dyn Fake>) -> Memo {
        Memo(Arc::new(MemoState {
            inner,
            answers: Mutex::new(HashMap::new()),
            order: Mutex::new(Vec::new()),
        }))
    }

    /// The distinct requests answered so far, in the order first seen.
    pub fn requests(&self) -> Vec<Recorded> {
        self.0.order.lock().expect("memo").clone()
    }
}

impl Fake for Memo {
    fn answer(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Option<Answer> {
        let key = Recorded {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            target: headers
                .get("x-amz-target")
                .and_then(|t| t.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            body: body.to_vec(),
        };
        if let Some(a) = self.0.answers.lock().expect("memo").get(&key) {
            return Some(a.clone());
        }
        let answer = self.0.inner.answer(method, path, query, headers, body)?;
        self.0.order.lock().expect("memo").push(key.clone());
        self.0
            .answers
            .lock()
            .expect("memo")
            .insert(key, answer.clone());
        Some(answer)
    }
}

/// Sends `requests` to the server at `url` one after another, unsigned, over one kept-alive
/// connection, and reads each answer's body without parsing it: what the HTTP exchange of a
/// scan costs alone. Returns the body bytes received; panics on an answer other than 200.
pub async fn replay(url: &str, requests: &[Recorded]) -> usize {
    use hyper_util::client::legacy::Client;
    let client: Client<_, Full<Bytes>> =
        Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let mut bytes = 0;
    for r in requests {
        let uri = if r.query.is_empty() {
            format!("{url}{}", r.path)
        } else {
            format!("{url}{}?{}", r.path, r.query)
        };
        let mut req = Request::builder().method(r.method.as_str()).uri(uri);
        if !r.target.is_empty() {
            req = req
                .header("x-amz-target", &r.target)
                .header("content-type", "application/x-amz-json-1.1");
        }
        let req = req
            .body(Full::new(Bytes::from(r.body.clone())))
            .expect("a valid request");
        let res = client.request(req).await.expect("the fake answers");
        assert_eq!(res.status(), 200, "{} {}", r.method, r.path);
        bytes += res
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes()
            .len();
    }
    bytes
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
