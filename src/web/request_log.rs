//! Where the request log lines go. A line per request is cheap only if the worker that answered
//! does not format through a generic subscriber and make a system call for it: here the worker
//! writes the finished line into a shared buffer (a copy under a lock nobody holds for long), and
//! a writer thread hands the buffer to stderr every [`FLUSH_EVERY`] in one write. If stderr stalls
//! (a full pipe) and the buffer passes [`MAX_BUFFERED`], lines are dropped and counted, and the
//! writer says how many — a slow log never slows the site or fills memory.
//!
//! The lines look like tracing's (`MAGNETIQ_LOG_FORMAT=json` gives its JSON shape, target
//! `magnetiq::request`), so one log reads as one whatever wrote each line. `RUST_LOG` still decides
//! whether they are written (`magnetiq::request=off`).
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// How often the writer thread hands the buffered lines to stderr.
pub const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// Lines beyond this many buffered bytes are dropped (and counted) until the writer catches up.
pub const MAX_BUFFERED: usize = 8 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// One answered request, as the log records it: nothing a visitor typed, no path, no query.
pub struct Line<'a> {
    pub request_id: &'a str,
    pub method: &'a str,
    pub route: &'a str,
    pub status: u16,
    pub duration: Duration,
    pub bytes: u64,
    pub client: &'a str,
}

struct Sink {
    format: Format,
    buffer: Mutex<Vec<u8>>,
    dropped: AtomicU64,
}

static SINK: OnceLock<Sink> = OnceLock::new();

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(256));
}

/// Starts the writer thread; request lines go through it from now on. Once per process (the
/// binary's `main`); later calls change nothing.
pub fn install(format: Format) {
    let mut installed = false;
    SINK.get_or_init(|| {
        installed = true;
        Sink {
            format,
            buffer: Mutex::new(Vec::with_capacity(64 << 10)),
            dropped: AtomicU64::new(0),
        }
    });
    if installed {
        let spawned = std::thread::Builder::new()
            .name("magnetiq-request-log".into())
            .spawn(|| {
                let mut spare = Vec::with_capacity(64 << 10);
                loop {
                    std::thread::sleep(FLUSH_EVERY);
                    write_out(&mut spare);
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no request log writer; request lines stay in memory until flushed");
        }
    }
}

/// Writes what is buffered now (at shutdown, so the last requests are in the log).
pub fn flush() {
    write_out(&mut Vec::new());
}

fn write_out(spare: &mut Vec<u8>) {
    let Some(sink) = SINK.get() else { return };
    {
        let mut buffer = sink.buffer.lock().unwrap_or_else(|e| e.into_inner());
        if buffer.is_empty() {
            return;
        }
        std::mem::swap(&mut *buffer, spare);
    }
    let mut stderr = std::io::stderr().lock();
    // Nothing sensible to do if stderr is gone; the site keeps serving.
    let _ = stderr.write_all(spare);
    let _ = stderr.flush();
    drop(stderr);
    spare.clear();
    let dropped = sink.dropped.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        tracing::warn!(dropped, "request log lines dropped: stderr did not keep up");
    }
}

/// Buffers the line; false when no sink is installed (the caller then logs through tracing).
pub fn record(line: &Line<'_>) -> bool {
    let Some(sink) = SINK.get() else {
        return false;
    };
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        let now = jiff::Timestamp::now();
        match sink.format {
            Format::Text => write_text(scratch, now, line),
            Format::Json => write_json(scratch, now, line),
        }
        let mut buffer = sink.buffer.lock().unwrap_or_else(|e| e.into_inner());
        if buffer.len() + scratch.len() > MAX_BUFFERED {
            sink.dropped.fetch_add(1, Ordering::Relaxed);
        } else {
            buffer.extend_from_slice(scratch);
        }
    });
    true
}

/// `2026-11-26T02:41:47.123456Z`: the part up to the second is formatted once per second and
/// thread, the microseconds are appended.
struct Time(jiff::Timestamp);

thread_local! {
    static SECOND: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let second = self.0.as_second();
        SECOND.with_borrow_mut(|(cached, prefix)| {
            if *cached != second {
                *cached = second;
                prefix.clear();
                let whole = jiff::Timestamp::from_second(second).unwrap_or(self.0);
                use std::fmt::Write as _;
                let _ = write!(prefix, "{whole:.0}");
                // "…:47Z" → "…:47"
                prefix.pop();
            }
            write!(f, "{prefix}.{:06}Z", self.0.subsec_microsecond())
        })
    }
}

/// `2026-11-26T02:41:47.123456Z  INFO magnetiq::request: request request_id=… method=GET …`,
/// as tracing's text format writes its lines. Written piece by piece (no formatting machinery:
/// this runs for every request).
fn write_text(out: &mut Vec<u8>, now: jiff::Timestamp, line: &Line<'_>) {
    write_time(out, now);
    out.extend_from_slice(b"  INFO magnetiq::request: request request_id=");
    plain(out, line.request_id);
    out.extend_from_slice(b" method=");
    plain(out, line.method);
    out.extend_from_slice(b" route=");
    plain(out, line.route);
    out.extend_from_slice(b" status=");
    decimal(out, u64::from(line.status));
    out.extend_from_slice(b" duration_ms=");
    millis(out, line.duration);
    out.extend_from_slice(b" bytes=");
    decimal(out, line.bytes);
    out.extend_from_slice(b" client=");
    plain(out, line.client);
    out.push(b'\n');
}

/// tracing's JSON shape: `{"timestamp":…,"level":"INFO","fields":{"message":"request",…},"target":"magnetiq::request"}`.
fn write_json(out: &mut Vec<u8>, now: jiff::Timestamp, line: &Line<'_>) {
    out.extend_from_slice(b"{\"timestamp\":\"");
    write_time(out, now);
    out.extend_from_slice(
        b"\",\"level\":\"INFO\",\"fields\":{\"message\":\"request\",\"request_id\":\"",
    );
    json(out, line.request_id);
    out.extend_from_slice(b"\",\"method\":\"");
    json(out, line.method);
    out.extend_from_slice(b"\",\"route\":\"");
    json(out, line.route);
    out.extend_from_slice(b"\",\"status\":");
    decimal(out, u64::from(line.status));
    out.extend_from_slice(b",\"duration_ms\":");
    millis(out, line.duration);
    out.extend_from_slice(b",\"bytes\":");
    decimal(out, line.bytes);
    out.extend_from_slice(b",\"client\":\"");
    json(out, line.client);
    out.extend_from_slice(b"\"},\"target\":\"magnetiq::request\"}\n");
}

fn write_time(out: &mut Vec<u8>, now: jiff::Timestamp) {
    let _ = write!(out, "{}", Time(now));
}

fn decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Milliseconds with three decimals.
fn millis(out: &mut Vec<u8>, duration: Duration) {
    let micros = duration.as_micros() as u64;
    decimal(out, micros / 1000);
    let frac = micros % 1000;
    out.extend_from_slice(&[
        b'.',
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ]);
}

fn plain(out: &mut Vec<u8>, value: &str) {
    if value
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        out.extend_from_slice(value.as_bytes());
    } else {
        let _ = write!(out, "{}", Plain(value));
    }
}

fn json(out: &mut Vec<u8>, value: &str) {
    let _ = write!(out, "{}", Json(value));
}

/// A value in a text line: spaces, quotes and control characters escaped, so one request is
/// one line and its fields split on spaces.
struct Plain<'a>(&'a str);

impl std::fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self
            .0
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        {
            return f.write_str(self.0);
        }
        write!(f, "{:?}", self.0)
    }
}

/// A JSON string's contents.
struct Json<'a>(&'a str);

impl std::fmt::Display for Json<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        if !self
            .0
            .bytes()
            .any(|b| b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f)
        {
            return f.write_str(self.0);
        }
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c if (c as u32) < 0x20 || c == '\u{7f}' => write!(f, "\\u{:04x}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(route: &'a str, client: &'a str) -> Line<'a> {
        Line {
            request_id: "0123456789ab",
            method: "GET",
            route,
            status: 200,
            duration: Duration::from_micros(1234),
            bytes: 5120,
            client,
        }
    }

    #[test]
    fn json_lines_parse_and_carry_every_field() {
        let mut out = Vec::new();
        let now = jiff::Timestamp::from_second(1_790_000_000).unwrap();
        write_json(&mut out, now, &line("/{lang}/{slug}", "2001:db8::1"));
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with('\n'));
        let value: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(value["target"], "magnetiq::request");
        assert_eq!(value["level"], "INFO");
        assert_eq!(value["fields"]["route"], "/{lang}/{slug}");
        assert_eq!(value["fields"]["status"], 200);
        assert_eq!(value["fields"]["bytes"], 5120);
        assert_eq!(value["fields"]["duration_ms"], 1.234);
        assert_eq!(value["fields"]["client"], "2001:db8::1");
        assert!(value["timestamp"].as_str().unwrap().starts_with("2026-"));
    }

    #[test]
    fn json_escapes_what_would_break_the_object() {
        let mut out = Vec::new();
        write_json(
            &mut out,
            jiff::Timestamp::UNIX_EPOCH,
            &line("a\"b\\c\nd", "x\u{1}"),
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        let value: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(value["fields"]["route"], "a\"b\\c\nd");
        assert_eq!(value["fields"]["client"], "x\u{1}");
    }

    #[test]
    fn times_and_durations_are_written_exactly() {
        let t = jiff::Timestamp::new(1_790_000_000, 123_456_789).unwrap();
        assert_eq!(Time(t).to_string(), format!("{:.6}", t));
        let next = jiff::Timestamp::new(1_790_000_001, 5_000).unwrap();
        assert_eq!(Time(next).to_string(), format!("{:.6}", next));
        let ms = |d: Duration| {
            let mut out = Vec::new();
            millis(&mut out, d);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(ms(Duration::from_micros(1_234)), "1.234");
        assert_eq!(ms(Duration::from_micros(20)), "0.020");
        assert_eq!(ms(Duration::from_secs(2)), "2000.000");
        let mut out = Vec::new();
        decimal(&mut out, 0);
        decimal(&mut out, u64::MAX);
        assert_eq!(out, b"018446744073709551615");
    }

    #[test]
    fn text_lines_are_one_line_of_key_value_pairs() {
        let mut out = Vec::new();
        write_text(
            &mut out,
            jiff::Timestamp::UNIX_EPOCH,
            &line("(no route)", "127.0.0.1"),
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "1970-01-01T00:00:00.000000Z  INFO magnetiq::request: request request_id=0123456789ab \
             method=GET route=\"(no route)\" status=200 duration_ms=1.234 bytes=5120 client=127.0.0.1\n"
        );
    }
}
