//! A scripted HTTP/1.1 server on 127.0.0.1 for wire-level and fault-injection tests: it records
//! every request it receives and answers each with the next scripted reply.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// How to answer one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A whole response: status, extra headers, body.
    Full(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// Headers claiming `declared` body bytes, then only `body`, then the connection closes.
    Truncated { declared: usize, body: Vec<u8> },
    /// Headers, then the body after a pause.
    Stall(Duration, Vec<u8>),
    /// A `text/event-stream` sent in pieces, each after a pause; the connection then closes.
    Chunks(Vec<(Duration, Vec<u8>)>),
    /// A `text/event-stream` with extra headers, sent in pieces like `Chunks`.
    Events(Vec<(&'static str, String)>, Vec<(Duration, Vec<u8>)>),
    /// Headers, then `piece` repeated until `total` bytes (`None`: forever, chunked encoding) or
    /// until the client hangs up; `content_type` names what the bytes claim to be.
    Endless { content_type: &'static str, total: Option<u64>, piece: Vec<u8> },
    /// Reads the request and sends nothing for this long, then closes.
    Silent(Duration),
}

pub fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply::Full(status, vec![("content-type", "application/json".into())], body.to_string().into_bytes())
}

/// The running server: its base URL and what it has received.
pub struct Server {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Starts a server answering request `n` with `script(n, &request)`.
    pub async fn start(script: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let script = Arc::new(script);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // A reply is written in pieces (head, then body): with Nagle's algorithm on, the
                // second piece waits for the client's delayed ACK, 40 ms per call on a reused connection.
                let _ = stream.set_nodelay(true);
                let (log, script) = (log.clone(), script.clone());
                tokio::spawn(async move { serve(stream, log, script).await });
            }
        });
        Server { url, received }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// What the test says to answer to the n-th request.
type Script = Arc<dyn Fn(usize, &Received) -> Reply + Send + Sync>;

async fn serve(mut stream: TcpStream, log: Arc<Mutex<Vec<Received>>>, script: Script) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else { return };
        let index = {
            let mut log = log.lock().unwrap();
            log.push(request.clone());
            log.len() - 1
        };
        let keep_open = match script(index, &request) {
            Reply::Full(status, headers, body) => {
                let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                true
            }
            Reply::Truncated { declared, body } => {
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                false
            }
            Reply::Stall(pause, body) => {
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes()).await;
                tokio::time::sleep(pause).await;
                let _ = stream.write_all(&body).await;
                true
            }
            Reply::Chunks(chunks) => {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n").await;
                for (pause, bytes) in chunks {
                    tokio::time::sleep(pause).await;
                    if stream.write_all(&bytes).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                }
                false
            }
            Reply::Events(headers, chunks) => {
                let mut head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n".to_string();
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                for (pause, bytes) in chunks {
                    tokio::time::sleep(pause).await;
                    if stream.write_all(&bytes).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                }
                false
            }
            Reply::Endless { content_type, total, piece } => {
                let framing = match total {
                    Some(total) => format!("content-length: {total}"),
                    None => "transfer-encoding: chunked".to_string(),
                };
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\n{framing}\r\n\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let framed = match total {
                    Some(_) => piece.clone(),
                    None => [format!("{:x}\r\n", piece.len()).into_bytes(), piece.clone(), b"\r\n".to_vec()].concat(),
                };
                let mut sent = 0u64;
                while total.is_none_or(|total| sent < total) {
                    let take = total.map_or(framed.len() as u64, |total| (total - sent).min(framed.len() as u64)) as usize;
                    // A write error means the client gave up, which is what the limits are for.
                    if stream.write_all(&framed[..take]).await.is_err() {
                        return;
                    }
                    sent += take as u64;
                }
                false
            }
            Reply::Silent(pause) => {
                tokio::time::sleep(pause).await;
                false
            }
        };
        if !keep_open {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Received> {
    let header_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let body_start = header_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(Received { method, target, headers, body })
}
