//! `/static/...`: the theme's assets, compiled into the binary and answered from memory with
//! fingerprinted links, plus files an operator puts in `{data dir}/static/`. Every path is checked
//! against a strict pattern first, so nothing outside those folders, no dotfile and no odd path is
//! ever served: anything else is the localized 404.
use std::collections::HashMap;

use actix_files::NamedFile;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::embedded::STATIC_FILES;
use crate::error::AppError;
use crate::web::caching::{client_has, etag_of};
use crate::web::state::AppState;

pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    etag: String,
    /// Short content hash, the `v` of fingerprinted links.
    fingerprint: String,
    href: String,
}

pub struct StaticAssets {
    files: HashMap<&'static str, Asset>,
}

impl StaticAssets {
    pub fn embedded() -> StaticAssets {
        let files = STATIC_FILES
            .iter()
            .map(|(name, bytes)| {
                let etag = etag_of(bytes);
                let fingerprint: String = etag
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .take(10)
                    .collect();
                let href = format!("/static/{name}?v={fingerprint}");
                (
                    *name,
                    Asset {
                        bytes,
                        content_type: content_type(name),
                        etag,
                        fingerprint,
                        href,
                    },
                )
            })
            .collect();
        StaticAssets { files }
    }

    /// The fingerprinted link to an embedded asset; it changes whenever the file does.
    pub fn href(&self, name: &str) -> &str {
        self.files
            .get(name)
            .map_or("/static/missing", |a| a.href.as_str())
    }
}

/// GET `/static/{path}`.
pub async fn serve(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let Some(path) = req
        .path()
        .strip_prefix("/static/")
        .filter(|p| is_plain_path(p))
    else {
        return Err(AppError::NotFound);
    };
    if let Some(asset) = state.assets.files.get(path) {
        let fingerprinted = web::Query::<HashMap<String, String>>::from_query(req.query_string())
            .is_ok_and(|q| q.get("v") == Some(&asset.fingerprint));
        let cache = if fingerprinted {
            CacheControl(vec![
                CacheDirective::Public,
                CacheDirective::MaxAge(31_536_000),
                CacheDirective::Extension("immutable".into(), None),
            ])
        } else {
            CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(3600)])
        };
        let not_modified = client_has(&req, &asset.etag);
        let mut response = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header(cache)
            .insert_header((header::ETAG, asset.etag.as_str()));
        if not_modified {
            return Ok(response.finish());
        }
        return Ok(response.content_type(asset.content_type).body(asset.bytes));
    }
    let file = state.config.data_dir.join("static").join(path);
    match web::block(move || NamedFile::open(file)).await {
        Ok(Ok(named)) if named.metadata().is_file() => {
            let mut response = named
                .use_etag(true)
                .use_last_modified(true)
                .into_response(&req);
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("public, max-age=3600"),
            );
            Ok(response)
        }
        _ => Err(AppError::NotFound),
    }
}

/// At most four segments of letters, digits, `.`, `_` and `-`, none starting with a dot, none empty:
/// no traversal, no dotfiles, no encoded characters, no backslashes, nothing over 255 bytes.
fn is_plain_path(path: &str) -> bool {
    path.len() <= 255
        && path.split('/').count() <= 4
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg.len() <= 100
                && !seg.starts_with('.')
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_pass() {
        for good in ["site.css", "img/hero-1.webp", "a/b/c/d.png"] {
            assert!(is_plain_path(good), "{good} refused");
        }
        let long = "a".repeat(300);
        for bad in [
            "",
            "../Cargo.toml",
            "img/../../x",
            "%2e%2e/x",
            ".env",
            "img/.hidden",
            "a\\b",
            "x%00.css",
            "a//b",
            "a/b/c/d/e",
            "site.css/",
            long.as_str(),
            "ä.css",
        ] {
            assert!(!is_plain_path(bad), "{bad:?} accepted");
        }
    }
}
