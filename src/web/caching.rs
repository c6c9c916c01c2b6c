//! Validators for conditional requests: cheap ETags and the `If-None-Match` check.
use std::hash::{Hash, Hasher};

use actix_web::HttpRequest;
use actix_web::http::header;

/// A weak ETag for a representation's bytes (weak because compression changes the bytes on the wire).
pub fn etag_of(bytes: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// Whether the client already holds the representation with `etag` (weak comparison, `*` matches).
pub fn client_has(req: &HttpRequest, etag: &str) -> bool {
    let wanted = etag.trim_start_matches("W/");
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .any(|list| {
            list.split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.trim_start_matches("W/") == wanted)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_none_match_uses_weak_comparison() {
        let etag = etag_of(b"hello");
        assert!(etag.starts_with("W/\""));
        let strong = etag.trim_start_matches("W/").to_owned();
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, format!("\"x\", {strong}")))
            .to_http_request();
        assert!(client_has(&req, &etag));
        let other = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, etag_of(b"bye")))
            .to_http_request();
        assert!(!client_has(&other, &etag));
        assert!(!client_has(
            &TestRequest::default().to_http_request(),
            &etag
        ));
    }
}
