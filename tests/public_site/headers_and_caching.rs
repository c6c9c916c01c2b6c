use crate::common::TestApp;

fn assert_security_headers(response: &reqwest::Response, what: &str) {
    let h = response.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{what}: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["x-frame-options"], "DENY", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/en/",
        "/en/nope",
        "/static/site.css",
        "/static/../x",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
    ] {
        let response = app.get(path).await;
        assert_security_headers(&response, path);
        // Plain http here: no HSTS.
        assert!(!response.headers().contains_key("strict-transport-security"));
    }
}

#[tokio::test]
async fn a_repeated_page_request_with_the_etag_gets_304() {
    let app = TestApp::spawn().await;
    let first = app.get("/en/about").await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let second = app.get_with("/en/about", &[("If-None-Match", &etag)]).await;
    assert_eq!(second.status(), 304);
    assert!(second.text().await.unwrap().is_empty());
    let other = app
        .get_with("/en/about", &[("If-None-Match", "W/\"0000\"")])
        .await;
    assert_eq!(other.status(), 200);
    // Another language is another representation.
    let de = app
        .get_with("/de/ueber-uns", &[("If-None-Match", &etag)])
        .await;
    assert_eq!(de.status(), 200);
}

#[tokio::test]
async fn compression_is_negotiated_with_the_client() {
    let app = TestApp::spawn().await;
    for (accept, expected) in [("gzip", "gzip"), ("br", "br"), ("br;q=0.1, gzip", "gzip")] {
        let response = app.get_with("/en/", &[("Accept-Encoding", accept)]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            Some(expected),
            "{accept}"
        );
    }
    let plain = app
        .get_with("/en/", &[("Accept-Encoding", "identity")])
        .await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.text().await.unwrap().starts_with("<!DOCTYPE html>"));
}
