//! HTTP methods as monitors, load balancers and link checkers use them: `HEAD` wherever `GET`
//! works, with the same status and headers and no body, and 405 with `Allow` for a method an
//! address does not answer. Every route of `src/app.rs` is walked, as a visitor and signed in.
#[path = "common/mod.rs"]
mod common;

use common::TestApp;

/// A pattern with plausible values in its `{segments}`.
fn fill(route: &str) -> String {
    let mut out = String::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(match &rest[open + 1..close] {
            "lang" => "en",
            "slug" => "llm-evaluation-guide",
            // The articles section's address (a site setting, so its routes are guarded).
            "section" => "articles",
            "token" => "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            _ => "1",
        });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The headers a `HEAD` must repeat from its `GET`.
const SAME: [&str; 8] = [
    "content-type",
    "content-length",
    "etag",
    "last-modified",
    "cache-control",
    "location",
    "content-encoding",
    "vary",
];

async fn compare(app: &TestApp, routes: &[(String, Vec<String>)]) -> (usize, Vec<String>) {
    let mut differences = Vec::new();
    let mut walked = 0;
    for (route, methods) in routes {
        if !methods.iter().any(|m| m == "GET") {
            continue;
        }
        assert!(
            methods.iter().any(|m| m == "HEAD"),
            "{route}: GET without HEAD"
        );
        let path = fill(route);
        for encoding in ["", "gzip, deflate, br, zstd"] {
            let get = app
                .client
                .get(app.url(&path))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            let head = app
                .client
                .head(app.url(&path))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            walked += 1;
            if get.status() != head.status() {
                differences.push(format!(
                    "{path}: GET {} but HEAD {}",
                    get.status(),
                    head.status()
                ));
                continue;
            }
            for name in SAME {
                let (g, h) = (get.headers().get(name), head.headers().get(name));
                // A fresh answer (not from the page cache) is compressed for GET only: the length
                // of a HEAD is then the plain body's, announced without the work.
                let freshly_compressed = get.headers().contains_key("content-encoding")
                    && !head.headers().contains_key("content-encoding");
                if g != h
                    && !(freshly_compressed
                        && matches!(name, "content-length" | "content-encoding" | "vary"))
                    // A page with a form carries a fresh token, so its length may differ.
                    && !(name == "content-length" && get.headers().get("cache-control").is_some_and(|c| c == "no-store"))
                {
                    differences.push(format!(
                        "{path} ({encoding:?}): {name} GET {g:?} HEAD {h:?}"
                    ));
                }
            }
            if head.status().is_success() {
                assert!(
                    head.headers().contains_key("content-length"),
                    "{path}: HEAD without Content-Length"
                );
            }
            let body = head.bytes().await.unwrap();
            assert!(body.is_empty(), "{path}: HEAD with a body");
        }
    }
    (walked, differences)
}

#[tokio::test]
async fn head_answers_like_get_everywhere_without_a_body() {
    let app = TestApp::spawn().await;
    let routes = common::routes();
    assert!(routes.len() > 70, "{} routes", routes.len());
    let (public, mut differences) = compare(&app, &routes).await;
    app.sign_in_as("admin").await;
    let (admin, admin_differences) = compare(&app, &routes).await;
    differences.extend(admin_differences);
    eprintln!("{public} + {admin} GET/HEAD pairs compared");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // What monitors ask first.
    for path in [
        "/",
        "/en/",
        "/de/",
        "/en/about",
        "/healthz",
        "/sitemap.xml",
        "/robots.txt",
        "/en/book",
    ] {
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert!(
            matches!(head.status().as_u16(), 200 | 303),
            "{path}: {}",
            head.status()
        );
    }
}

#[tokio::test]
async fn a_method_an_address_does_not_answer_gets_405_with_allow() {
    let app = TestApp::spawn().await;
    for (route, methods) in common::routes() {
        let path = fill(&route);
        let allow = methods.join(", ");
        for method in ["PUT", "DELETE", "PATCH", "POST", "GET"] {
            if methods.iter().any(|m| m == method) {
                continue;
            }
            let r = app
                .client
                .request(method.parse().unwrap(), app.url(&path))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 405, "{method} {path}");
            assert_eq!(r.headers()["allow"], allow.as_str(), "{method} {path}");
        }
    }
}
