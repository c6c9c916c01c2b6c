//! Pages and assets as browsers ask for them: compressed once, answered in the coding the request
//! accepts, with a validator per coding, and never compressed for a HEAD or a 304.
use crate::common::{TestApp, decoded_body, texts};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

const CHROMIUM: &str = "gzip, deflate, br, zstd";

#[tokio::test]
async fn each_page_answer_is_in_the_coding_the_request_accepts() {
    let app = TestApp::spawn().await;
    let plain = app.get("/en/about").await.text().await.unwrap();
    assert!(plain.contains("<h1"), "{plain}");
    for path in ["/en/services", "/en/about"] {
        // The first of these renders the page for a waiting visitor and compresses it in gzip, the
        // faster; the rest come from the cache, brotli made when a client prefers it, and from
        // then on chosen when a client takes both.
        for (accept, expected) in [
            (CHROMIUM, Some("gzip")),
            ("gzip", Some("gzip")),
            ("br;q=0.1, gzip", Some("gzip")),
            ("gzip;q=0.5, br;q=0.9", Some("br")),
            (CHROMIUM, Some("br")),
            ("identity;q=0, gzip", Some("gzip")),
            ("*", Some("br")),
            ("br;q=0, gzip;q=0", None),
            ("identity", None),
            ("deflate, zstd", None),
        ] {
            let response = app.get_with(path, &[("Accept-Encoding", accept)]).await;
            assert_eq!(response.status(), 200, "{path} {accept}");
            assert_eq!(
                header(&response, "content-encoding"),
                expected,
                "{path} {accept}"
            );
            assert_eq!(header(&response, "vary"), Some("Accept-Encoding"));
            let html = decoded_body(response).await;
            if path == "/en/about" {
                assert_eq!(
                    html, plain,
                    "{accept}: decoded bytes differ from the plain page"
                );
            }
        }
    }
    // Without any Accept-Encoding (curl, wrk): the plain bytes.
    let bare = app.get_as_new_visitor("/en/about", &[]).await;
    assert_eq!(header(&bare, "content-encoding"), None);
}

#[tokio::test]
async fn every_coding_has_its_own_validator_and_a_304_carries_no_body() {
    let app = TestApp::spawn().await;
    let mut etags = Vec::new();
    for accept in ["br", "gzip", "identity"] {
        let response = app.get_with("/en/", &[("Accept-Encoding", accept)]).await;
        etags.push(header(&response, "etag").unwrap().to_owned());
    }
    assert!(
        etags[0] != etags[1] && etags[1] != etags[2] && etags[0] != etags[2],
        "{etags:?}"
    );
    let revalidated = app
        .get_with(
            "/en/",
            &[("Accept-Encoding", "br"), ("If-None-Match", &etags[0])],
        )
        .await;
    assert_eq!(revalidated.status(), 304);
    assert_eq!(header(&revalidated, "content-encoding"), None);
    assert_eq!(header(&revalidated, "etag"), Some(etags[0].as_str()));
    assert!(revalidated.bytes().await.unwrap().is_empty());
    // The brotli validator does not stand for the gzip bytes.
    let other = app
        .get_with(
            "/en/",
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &etags[0])],
        )
        .await;
    assert_eq!(other.status(), 200);
    assert_eq!(header(&other, "content-encoding"), Some("gzip"));
}

#[tokio::test]
async fn a_head_request_gets_the_headers_of_the_cached_page_and_no_body() {
    let app = TestApp::spawn().await;
    let get = app.get_with("/en/", &[("Accept-Encoding", CHROMIUM)]).await;
    let length = header(&get, "content-length").unwrap().to_owned();
    let etag = header(&get, "etag").unwrap().to_owned();
    let head = app
        .client
        .head(app.url("/en/"))
        .header("Accept-Encoding", CHROMIUM)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(header(&head, "etag"), Some(etag.as_str()));
    assert_eq!(header(&head, "content-length"), Some(length.as_str()));
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_edit_reaches_every_coding_at_once() {
    let app = TestApp::signed_in("editor").await;
    for accept in ["br", "gzip", "identity"] {
        let before = decoded_body(
            app.get_with("/en/about", &[("Accept-Encoding", accept)])
                .await,
        )
        .await;
        assert!(!before.contains("Engineers, always"), "{accept}");
    }
    app.edit_first_heading("about", "Engineers, always", "Immer Ingenieure")
        .await;
    for accept in ["br", "gzip", "identity"] {
        let response = app
            .get_with("/en/about", &[("Accept-Encoding", accept)])
            .await;
        let html = scraper::Html::parse_document(&decoded_body(response).await);
        assert_eq!(
            texts(&html, ".block-heading h2"),
            vec!["Engineers, always"],
            "{accept}"
        );
    }
}

#[tokio::test]
async fn style_sheets_are_compressed_once_and_kept_for_a_year() {
    let app = TestApp::spawn().await;
    let home = app.page("/en/").await;
    let css = crate::common::attrs(&home, "link[rel=stylesheet]", "href").remove(0);
    let plain = app.get(&css).await;
    assert_eq!(
        header(&plain, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let plain = plain.text().await.unwrap();
    let mut etags = Vec::new();
    for (accept, expected) in [(CHROMIUM, Some("br")), ("gzip", Some("gzip")), ("", None)] {
        let response = app.get_with(&css, &[("Accept-Encoding", accept)]).await;
        assert_eq!(header(&response, "content-encoding"), expected, "{accept}");
        assert_eq!(header(&response, "vary"), Some("Accept-Encoding"));
        etags.push(header(&response, "etag").unwrap().to_owned());
        let length: usize = header(&response, "content-length")
            .unwrap()
            .parse()
            .unwrap();
        let body = decoded_body(response).await;
        assert_eq!(body, plain);
        if expected.is_some() {
            assert!(
                length < plain.len() / 3,
                "{accept}: {length} of {}",
                plain.len()
            );
        }
    }
    assert!(etags[0] != etags[1] && etags[1] != etags[2]);
    // An image is sent as it is, whatever the browser accepts.
    let svg = app
        .get_with("/static/favicon.svg", &[("Accept-Encoding", CHROMIUM)])
        .await;
    assert_eq!(svg.status(), 200);
}

#[tokio::test]
async fn answers_made_per_request_are_compressed_too() {
    let app = TestApp::signed_in("editor").await;
    // Pages made for one visitor are compressed as they are sent, preferring gzip (the faster at a fast
    // level); error pages are the same for everyone and kept compressed, like pages.
    for (path, chromium_gets) in [
        ("/admin/pages", "gzip"),
        ("/en/book", "gzip"),
        ("/en/no-such-page", "br"),
        ("/de/no-such-page", "br"),
    ] {
        let plain = app.get_with(path, &[("Accept-Encoding", "identity")]).await;
        let status = plain.status();
        let plain = plain.text().await.unwrap();
        for (accept, expected) in [(CHROMIUM, chromium_gets), ("br", "br"), ("gzip", "gzip")] {
            let response = app.get_with(path, &[("Accept-Encoding", accept)]).await;
            assert_eq!(response.status(), status, "{path}");
            assert_eq!(
                header(&response, "content-encoding"),
                Some(expected),
                "{path} {accept}"
            );
            assert!(
                header(&response, "vary")
                    .unwrap()
                    .contains("Accept-Encoding"),
                "{path}"
            );
            let html = decoded_body(response).await;
            // Forms carry a fresh token each time; compare the parts that do not change.
            assert!(html.len().abs_diff(plain.len()) < 64, "{path} {accept}");
            assert!(html.contains("</html>"), "{path} {accept}");
        }
    }
    let missing = app
        .get_with("/de/no-such-page", &[("Accept-Encoding", "br")])
        .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(header(&missing, "cache-control"), Some("no-store"));
    let html = decoded_body(missing).await;
    assert!(html.contains("lang=\"de\""), "{html}");
}
