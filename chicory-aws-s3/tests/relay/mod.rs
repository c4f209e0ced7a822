//! A loopback HTTP/1.1 relay for tests (tokio only, so the crate needs no HTTP server
//! dependency): it forwards each request and its answer unchanged, one upstream connection per
//! client connection, and counts the requests in flight (forwarded, not yet answered) and
//! their peak.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Default)]
struct Stats {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    requests: AtomicUsize,
}

/// A running relay; it runs until the test's runtime ends.
#[derive(Debug)]
pub struct Relay {
    url: String,
    stats: Arc<Stats>,
}

/// Counts a request in flight until dropped.
struct InFlight(Arc<Stats>);

impl InFlight {
    fn new(stats: &Arc<Stats>) -> Self {
        stats.requests.fetch_add(1, Ordering::SeqCst);
        let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        stats.peak.fetch_max(now, Ordering::SeqCst);
        InFlight(stats.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Relay {
    /// Starts a relay on 127.0.0.1 forwarding to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let stats = Arc::new(Stats::default());
        let st = stats.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (st, upstream) = (st.clone(), upstream.clone());
                tokio::spawn(async move {
                    let _ = relay(client, &upstream, &st).await;
                });
            }
        });
        Relay { url, stats }
    }

    /// The relay's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The most requests that were in flight at once.
    pub fn peak(&self) -> usize {
        self.stats.peak.load(Ordering::SeqCst)
    }

    /// Requests relayed.
    pub fn requests(&self) -> usize {
        self.stats.requests.load(Ordering::SeqCst)
    }
}

async fn relay(mut client: TcpStream, upstream: &str, stats: &Arc<Stats>) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream).await?;
    // Heads and bodies go in separate writes: no Nagle delay between them.
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (cr, mut cw) = client.split();
    let (sr, mut sw) = server.split();
    let (mut cr, mut sr) = (BufReader::new(cr), BufReader::new(sr));
    loop {
        let Some(head) = read_head(&mut cr).await? else {
            return Ok(());
        };
        let method = head.split(' ').next().unwrap_or_default().to_owned();
        let in_flight = InFlight::new(stats);
        sw.write_all(head.as_bytes()).await?;
        copy_body(&mut cr, &mut sw, &head, false).await?;
        sw.flush().await?;
        let Some(answer) = read_head(&mut sr).await? else {
            return Ok(());
        };
        cw.write_all(answer.as_bytes()).await?;
        copy_body(&mut sr, &mut cw, &answer, method == "HEAD").await?;
        drop(in_flight);
        cw.flush().await?;
    }
}

/// A message's head up to and with its blank line; `None` at the end of the connection.
async fn read_head(r: &mut (impl AsyncBufRead + Unpin)) -> std::io::Result<Option<String>> {
    let mut head = String::new();
    loop {
        let n = r.read_line(&mut head).await?;
        if n == 0 {
            return Ok(None);
        }
        if head.ends_with("\r\n\r\n") || head == "\r\n" {
            return Ok(Some(head));
        }
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Copies the body the head announces (none for a HEAD request's answer, 1xx, 204, 304).
async fn copy_body(
    r: &mut (impl AsyncBufRead + Unpin),
    w: &mut (impl AsyncWrite + Unpin),
    head: &str,
    head_request: bool,
) -> std::io::Result<()> {
    let status = head
        .starts_with("HTTP/")
        .then(|| head.split(' ').nth(1).and_then(|s| s.parse::<u16>().ok()))
        .flatten();
    if head_request || status.is_some_and(|s| s < 200 || s == 204 || s == 304) {
        return Ok(());
    }
    if header(head, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await?;
            w.write_all(line.as_bytes()).await?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(std::io::Error::other)?;
            if size == 0 {
                // Trailers, up to the blank line.
                loop {
                    let mut t = String::new();
                    r.read_line(&mut t).await?;
                    w.write_all(t.as_bytes()).await?;
                    if t == "\r\n" || t.is_empty() {
                        return Ok(());
                    }
                }
            }
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).await?;
            w.write_all(&chunk).await?;
        }
    }
    let mut body = Vec::new();
    match header(head, "content-length") {
        Some(n) => {
            body.resize(n.parse().map_err(std::io::Error::other)?, 0);
            r.read_exact(&mut body).await?;
        }
        // A request without either has no body; an answer runs to the end of the connection.
        None if status.is_none() => return Ok(()),
        None => {
            r.read_to_end(&mut body).await?;
        }
    }
    w.write_all(&body).await
}
