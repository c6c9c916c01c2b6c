//! A mail server that accepts everything and keeps each message's text, for tests of the outbox.
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Accepts SMTP on `listener` until the test ends; the messages received so far.
pub async fn smtp_sink(listener: TcpListener) -> Arc<Mutex<Vec<String>>> {
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ready\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap());
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    received
}

/// A message the test mail server accepted (answered "250" to its end of data).
#[derive(Clone, Debug)]
pub struct Accepted {
    /// The addresses of its `RCPT TO` commands.
    pub recipients: Vec<String>,
    pub data: String,
}

impl Accepted {
    /// The value of header `name` (unfolded), if the message has it.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\n\n").next().unwrap_or("");
        let mut value: Option<String> = None;
        let mut found = false;
        for line in head.lines() {
            if found && (line.starts_with(' ') || line.starts_with('\t')) {
                if let Some(v) = value.as_mut() {
                    v.push_str(line.trim_start());
                }
                continue;
            }
            if found {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_owned());
                found = true;
            }
        }
        value
    }
}

impl Accepted {
    /// The decoded body of the part of `content_type` (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> Option<String> {
        let start = self.data.find(&format!("Content-Type: {content_type}"))?;
        let part = &self.data[start..];
        let (head, rest) = part.split_once("\n\n")?;
        let boundary = self
            .data
            .split_once("boundary=\"")
            .and_then(|(_, b)| b.split_once('"'))
            .map(|(b, _)| format!("\n--{b}"))
            .unwrap_or_else(|| "\n--".to_owned());
        let body = rest.split(boundary.as_str()).next().unwrap_or("");
        let encoding = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
            .unwrap_or("7bit")
            .trim()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "quoted-printable" => quoted_printable(body),
            "base64" => base64(body),
            _ => body.as_bytes().to_vec(),
        };
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else {
            continue;
        };
        buffer = (buffer << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// What the test mail server does besides accepting.
#[derive(Default)]
pub struct SmtpBehaviour {
    /// Recipients refused for good at `RCPT TO` (550).
    pub refuse: Vec<String>,
    /// Refused for now at `RCPT TO` (451).
    pub defer: Vec<String>,
    /// Never answers the end of data of the message with this number (0-based, counted over all
    /// connections): the sender is left waiting and the message is never accepted.
    pub hold: Option<usize>,
}

/// A mail server on 127.0.0.1 that records each accepted message with its `RCPT TO` addresses.
pub struct SmtpServer {
    pub port: u16,
    pub accepted: Arc<Mutex<Vec<Accepted>>>,
    /// Messages whose data arrived (accepted, held or not).
    pub arrived: Arc<std::sync::atomic::AtomicUsize>,
}

impl SmtpServer {
    pub async fn start(behaviour: SmtpBehaviour) -> SmtpServer {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(AtomicUsize::new(0));
        let behaviour = Arc::new(behaviour);
        let (store, count) = (accepted.clone(), arrived.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (store, count, behaviour) = (store.clone(), count.clone(), behaviour.clone());
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    if write.write_all(b"220 test ready\r\n").await.is_err() {
                        return;
                    }
                    let mut recipients: Vec<String> = Vec::new();
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(body) = data.as_mut() {
                            if line == "." {
                                let number = count.fetch_add(1, Ordering::SeqCst);
                                if behaviour.hold == Some(number) {
                                    // Waits until the sender goes away; nothing is accepted.
                                    while let Ok(Some(_)) = lines.next_line().await {}
                                    return;
                                }
                                store.lock().unwrap().push(Accepted {
                                    recipients: std::mem::take(&mut recipients),
                                    data: data.take().unwrap(),
                                });
                                if write.write_all(b"250 queued\r\n").await.is_err() {
                                    return;
                                }
                            } else {
                                body.push_str(line.strip_prefix('.').unwrap_or(&line));
                                body.push('\n');
                            }
                            continue;
                        }
                        let verb = line
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_ascii_uppercase();
                        let reply: Vec<u8> = match verb.as_str() {
                            "EHLO" => b"250-test\r\n250-8BITMIME\r\n250 PIPELINING\r\n".to_vec(),
                            "MAIL" => {
                                recipients.clear();
                                b"250 OK\r\n".to_vec()
                            }
                            "RCPT" => {
                                let address = line
                                    .split_once('<')
                                    .and_then(|(_, rest)| rest.split_once('>'))
                                    .map(|(a, _)| a.to_lowercase())
                                    .unwrap_or_default();
                                if behaviour.refuse.contains(&address) {
                                    b"550 5.1.1 No such user here\r\n".to_vec()
                                } else if behaviour.defer.contains(&address) {
                                    b"451 4.3.0 Try again later\r\n".to_vec()
                                } else {
                                    recipients.push(address);
                                    b"250 OK\r\n".to_vec()
                                }
                            }
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go ahead\r\n".to_vec()
                            }
                            "RSET" => {
                                recipients.clear();
                                b"250 OK\r\n".to_vec()
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 OK\r\n".to_vec(),
                        };
                        if write.write_all(&reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        SmtpServer {
            port,
            accepted,
            arrived,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn accepted(&self) -> Vec<Accepted> {
        self.accepted.lock().unwrap().clone()
    }

    /// How many accepted messages each recipient got.
    pub fn counts(&self) -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for m in self.accepted() {
            for r in m.recipients {
                *counts.entry(r).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Waits until `done` holds for the accepted messages (or `limit` passes).
    pub async fn wait_for(
        &self,
        limit: std::time::Duration,
        done: impl Fn(&[Accepted]) -> bool,
    ) -> Vec<Accepted> {
        let started = std::time::Instant::now();
        loop {
            let now = self.accepted();
            if done(&now) || started.elapsed() > limit {
                return now;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}
