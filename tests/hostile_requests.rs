//! Every route in `app.rs`, public and (signed in, with valid form tokens) admin, walked with a
//! corpus of malformed requests: invalid UTF-8 and broken percent-escapes in paths and queries,
//! absurdly long segments, wrong methods, wrong and missing content types, truncated, oversized and
//! binary bodies, duplicate and unknown fields, huge numbers, NUL bytes, multipart without a
//! boundary, and raw bytes no HTTP client would send. Nothing may answer 5xx, and the server must
//! stay healthy. Routes join the walk by being routes: the list is read from `src/app.rs`.
#[path = "common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{TestApp, attrs};

/// The route patterns of `app::routes`.
fn routes() -> Vec<String> {
    common::routes()
        .into_iter()
        .map(|(route, _)| route)
        .collect()
}

/// A pattern with its `{segments}` filled: plausible values, or `hostile` for every segment.
fn fill(route: &str, hostile: Option<&str>) -> String {
    let mut out = String::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        let name = &rest[open + 1..close];
        out.push_str(hostile.unwrap_or(match name {
            "lang" => "en",
            "slug" => "llm-evaluation-guide",
            "token" => "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            _ => "1",
        }));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

const HOSTILE_SEGMENTS: &[&str] = &[
    "%FF%FE",
    "%C3%28",
    "%",
    "%zz",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "99999999999999999999999999",
    "-1",
    "%F0%9F%99%82",
    "%3Cscript%3E",
];

const HOSTILE_QUERIES: &[&str] = &[
    "?%FF=%FE",
    "?page=99999999999999999999999&whitepaper=-9223372036854775809",
    "?a=%00&b=%",
    "?status=%C3%28&from=2026-13-45&to=garbage&tz=..%2F..",
    "?next=%2F%2Fevil.example&category=%FF&tag=%00",
];

/// Bodies sent to every route with every method that takes one: (content type, bytes).
fn bodies(token: &str) -> Vec<(Option<&'static str>, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded";
    let t = format!("csrf_token={token}");
    let huge_number = "9".repeat(40);
    vec![
        (None, Vec::new()),
        (Some(form), Vec::new()),
        (Some(form), format!("{t}&a=%E").into_bytes()),
        (Some(form), [t.as_bytes(), b"&name=\xff\xfe\x00"].concat()),
        (Some(form), format!("{t}&csrf_token=other&email=a&email=b&surprise=1").into_bytes()),
        (
            Some(form),
            format!("{t}&id={huge_number}&capacity={huge_number}&count=-{huge_number}&page_count=1e309&version={huge_number}&position={huge_number}&status=%00&role=%FF&starts_at=9999-99-99T99:99&published_on=0000-00-00").into_bytes(),
        ),
        (Some(form), format!("{t}&first_name=%00&email=%00%40x&title.en={}", "x".repeat(200_000)).into_bytes()),
        (Some(form), vec![b'a'; 300 * 1024]),
        // Fields that become a redirect's address: a CR/LF must not split the header (or answer 500).
        (
            Some(form),
            format!("{t}&back=%2Fadmin%2Fleads%0D%0ASet-Cookie%3A%20x%3D1&next=%2Fadmin%0D%0AX%3A%201&return=%0A").into_bytes(),
        ),
        (Some("application/json"), br#"{"csrf_token": 1, "email": null}"#.to_vec()),
        (Some("text/plain; charset=utf-16"), b"\xff\xfe\x00\x00".to_vec()),
        (Some("multipart/form-data"), b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx".to_vec()),
        (
            Some("multipart/form-data; boundary=x"),
            format!("--x\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../a.pdf\"\r\n\r\n%PDF-truncated").into_bytes(),
        ),
        (Some("multipart/form-data; boundary=\"\""), b"----\r\n".to_vec()),
        (Some("application/x-www-form-urlencoded; charset=%FF"), format!("{t}&x=1").into_bytes()),
    ]
}

/// Raw requests no HTTP library sends: (label, bytes).
fn raw_requests() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("invalid UTF-8 in the path", b"GET /en/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        ("a NUL in the path", b"GET /en/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        ("invalid UTF-8 in the query", b"GET /en/?q=\xc3\x28 HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        ("a header with binary", b"GET /en/ HTTP/1.1\r\nHost: x\r\nAccept-Language: \xff\xfe\r\nCookie: lang=\xff; mq_reader=\x00\r\n\r\n".to_vec()),
        ("a truncated body", b"POST /en/book HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nname=a".to_vec()),
        ("a lying content length", b"POST /en/whitepapers/llm-evaluation-guide/request HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n".to_vec()),
        ("a long path", [b"GET /".as_slice(), &vec![b'a'; 20_000], b" HTTP/1.1\r\nHost: x\r\n\r\n"].concat()),
        ("an unknown method", b"BREW /en/ HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
    ]
}

/// Sends `bytes` on a fresh connection; the status code, or `None` when the server just closed it.
fn raw(addr: std::net::SocketAddr, bytes: &[u8]) -> Option<u16> {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let line = String::from_utf8_lossy(&answer);
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Walks every route with the corpus; returns how many requests were sent and the ones that got
/// a 5xx (method, path, what was sent, status).
async fn walk(app: &TestApp, token: &str, routes: &[String]) -> (usize, Vec<String>) {
    let mut sent = 0;
    let mut failures = Vec::new();
    let methods = [
        reqwest::Method::GET,
        reqwest::Method::POST,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ];
    for route in routes {
        // Signing out or deleting the walker's own account would end the walk early.
        if route == "/admin/logout" {
            continue;
        }
        let mut paths: Vec<String> = vec![fill(route, None)];
        if route.contains('{') {
            paths.extend(HOSTILE_SEGMENTS.iter().map(|h| fill(route, Some(h))));
            paths.push(fill(route, Some(&"a".repeat(5000))));
        }
        let plain = fill(route, None);
        paths.extend(HOSTILE_QUERIES.iter().map(|q| format!("{plain}{q}")));
        for path in &paths {
            for method in &methods {
                let response = app
                    .client
                    .request(method.clone(), app.url(path))
                    .send()
                    .await;
                sent += 1;
                if let Ok(r) = response
                    && r.status().is_server_error()
                {
                    failures.push(format!("{method} {path}: {}", r.status()));
                }
            }
        }
        for (content_type, body) in bodies(token) {
            for method in [reqwest::Method::POST, reqwest::Method::PUT] {
                let mut request = app.client.request(method.clone(), app.url(&plain));
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                let response = request.body(body.clone()).send().await;
                sent += 1;
                if let Ok(r) = response
                    && r.status().is_server_error()
                {
                    let shown: String = String::from_utf8_lossy(&body).chars().take(60).collect();
                    failures.push(format!(
                        "{method} {plain} ({content_type:?}, {shown:?}…): {}",
                        r.status()
                    ));
                }
            }
        }
    }
    (sent, failures)
}

#[tokio::test]
async fn no_route_answers_a_malformed_request_with_a_5xx() {
    let app = TestApp::spawn_with(|c| c.booking_limit = 1_000_000).await;
    let routes = routes();
    for expected in [
        "/admin/pages/{id}/blocks/{block}",
        "/admin/whitepapers/leads/{id}/delete",
        "/{lang}/whitepapers/{slug}/request",
        "/{lang}/webinars/{slug}/register",
        "/{lang}/book",
        "/download/{token}",
        "/sitemap.xml",
    ] {
        assert!(
            routes.contains(&expected.to_owned()),
            "{expected} in {routes:?}"
        );
    }
    assert!(
        routes.len() > 70,
        "{} routes read from app.rs",
        routes.len()
    );

    // As a visitor (with the visitor's form token, so forms are read past their first check).
    let html = app.page("/en/whitepapers/llm-evaluation-guide").await;
    let visitor_token = attrs(&html, "form input[name=csrf_token]", "value").remove(0);
    let (public_sent, mut failures) = walk(&app, &visitor_token, &routes).await;

    // Signed in as an admin, with the session's token: every admin form is read, too.
    app.sign_in_as("admin").await;
    let admin_token = app.csrf_token("/admin/pages").await;
    assert!(!admin_token.is_empty());
    let (admin_sent, admin_failures) = walk(&app, &admin_token, &routes).await;
    failures.extend(admin_failures);

    let mut raw_sent = 0;
    for (label, bytes) in raw_requests() {
        raw_sent += 1;
        if let Some(status) = raw(app.addr, &bytes)
            && status >= 500
        {
            failures.push(format!("raw request with {label}: {status}"));
        }
    }
    eprintln!(
        "{} routes, {} requests ({public_sent} as a visitor, {admin_sent} signed in, {raw_sent} raw)",
        routes.len(),
        public_sent + admin_sent + raw_sent
    );
    assert!(
        failures.is_empty(),
        "{} answers were 5xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Still healthy, still serving (the home page among all: it cannot be deleted), still signed in.
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/en/").await.status(), 200);
    assert_eq!(app.get("/admin").await.status(), 200);
}
