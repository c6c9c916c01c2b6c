//! `/static/...`: the theme's assets, compiled into the binary and answered from memory with
//! fingerprinted links, plus files an operator puts in `{data dir}/static/`. Every path is checked
//! against a strict pattern first, so nothing outside those folders, no dotfile and no odd path is
//! ever served: anything else is the localized 404.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::embedded::STATIC_FILES;
use crate::error::AppError;
use crate::web::caching::{client_has, etag_of};
use crate::web::compression::{
    BEST_BROTLI_QUALITY, BEST_GZIP_LEVEL, Encoded, KEPT_BROTLI_QUALITY, KEPT_GZIP_LEVEL,
    is_compressible,
};

pub struct Asset {
    pub content_type: &'static str,
    /// Plain, and for text also brotli and gzip at their best levels, made once at start-up.
    encoded: Encoded,
    /// Short content hash, the `v` of fingerprinted links.
    fingerprint: String,
    href: String,
}

pub struct StaticAssets {
    files: HashMap<&'static str, Asset>,
    /// `{data dir}/static`, where an operator's own files are.
    operator_dir: PathBuf,
    operator_files: RwLock<HashMap<String, Arc<OperatorFile>>>,
}

impl StaticAssets {
    /// The theme's assets, and an operator's files under `{data_dir}/static/`.
    pub fn embedded(data_dir: &std::path::Path) -> StaticAssets {
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
                let content_type = content_type(name);
                let encoded = Encoded::new(
                    Bytes::from_static(bytes),
                    &etag,
                    is_compressible(content_type),
                    BEST_BROTLI_QUALITY,
                    BEST_GZIP_LEVEL,
                );
                (
                    *name,
                    Asset {
                        content_type,
                        encoded,
                        fingerprint,
                        href,
                    },
                )
            })
            .collect();
        StaticAssets {
            files,
            operator_dir: data_dir.join("static"),
            operator_files: RwLock::new(HashMap::new()),
        }
    }

    /// The fingerprinted link to an embedded asset; it changes whenever the file does.
    pub fn href(&self, name: &str) -> &str {
        self.files
            .get(name)
            .map_or("/static/missing", |a| a.href.as_str())
    }
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const AN_HOUR: &str = "public, max-age=3600";

/// GET `/static/{path}`.
pub async fn serve(
    req: HttpRequest,
    assets: web::Data<StaticAssets>,
) -> Result<HttpResponse, AppError> {
    let Some(path) = req
        .path()
        .strip_prefix("/static/")
        .filter(|p| is_plain_path(p))
    else {
        return Err(AppError::NotFound);
    };
    if let Some(asset) = assets.files.get(path) {
        return Ok(answer_asset(&req, asset));
    }
    let earlier = assets.operator_file(path);
    // Fresh, or stale while another request reads the file again: answered from memory. Only one
    // request at a time reads and encodes a file (a crowd would each spend a thread on it).
    if let Some(file) = earlier
        .as_ref()
        .filter(|f| f.is_fresh() || f.reloading.swap(true, Ordering::AcqRel))
    {
        return Ok(respond(&req, &file.encoded, file.content_type, AN_HOUR));
    }
    let full_path = assets.operator_dir.join(path);
    let loaded = web::block(move || load_operator_file(full_path, earlier)).await;
    if !matches!(loaded, Ok(Loaded::Small(_))) {
        // Gone, grown past what is kept in memory, or unreadable: nothing stale is served.
        assets.forget_operator_file(path);
    }
    let loaded = loaded.map_err(|e| AppError::Internal(e.into()))?;
    match loaded {
        Loaded::Small(file) => {
            let response = respond(&req, &file.encoded, file.content_type, AN_HOUR);
            assets.keep_operator_file(path, file);
            Ok(response)
        }
        Loaded::Large(named) => {
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
        Loaded::Missing => Err(AppError::NotFound),
    }
}

/// The answer to a request for an embedded asset, made before routing as a cached page's is
/// (`cached_pages::serve_cached_pages`); `None` when `req` names none.
pub fn embedded_answer(req: &HttpRequest, assets: &StaticAssets) -> Option<HttpResponse> {
    let asset = assets.files.get(req.path().strip_prefix("/static/")?)?;
    Some(answer_asset(req, asset))
}

fn answer_asset(req: &HttpRequest, asset: &Asset) -> HttpResponse {
    // Fingerprinted links never change their bytes: browsers and CDNs may keep them for a year.
    let fingerprinted = req
        .query_string()
        .split('&')
        .any(|pair| pair.strip_prefix("v=") == Some(asset.fingerprint.as_str()));
    let cache = if fingerprinted { IMMUTABLE } else { AN_HOUR };
    respond(req, &asset.encoded, asset.content_type, cache)
}

/// The variant the client accepts, or 304 when it holds that variant already.
fn respond(
    req: &HttpRequest,
    encoded: &Encoded,
    content_type: &'static str,
    cache: &'static str,
) -> HttpResponse {
    let variant = encoded.pick(req.headers());
    let not_modified = variant
        .etag
        .to_str()
        .is_ok_and(|etag| client_has(req, etag));
    let mut response = if not_modified {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().body(variant.body.clone())
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::ETAG, variant.etag.clone());
    if encoded.is_negotiated() {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if not_modified {
        return response;
    }
    if let Some(coding) = variant.coding.content_encoding() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A file an operator put in `{data dir}/static/`, kept in memory for a few seconds after it was read,
/// with its compressed variants (made again only when the file's content changed).
pub struct OperatorFile {
    content_type: &'static str,
    etag: String,
    encoded: Encoded,
    read_at: Instant,
    /// A request is reading the file again.
    reloading: AtomicBool,
}

impl OperatorFile {
    fn is_fresh(&self) -> bool {
        self.read_at.elapsed() < OPERATOR_FILE_FRESHNESS
    }
}

/// How long an operator's file is answered from memory before it is read again (a replaced file shows
/// within this time).
const OPERATOR_FILE_FRESHNESS: Duration = Duration::from_secs(2);
/// Larger files are streamed from disk instead of kept in memory.
const OPERATOR_FILE_MAX_CACHED: u64 = 1024 * 1024;
const OPERATOR_FILES_MAX_COUNT: usize = 256;

enum Loaded {
    Small(OperatorFile),
    Large(Box<NamedFile>),
    Missing,
}

fn load_operator_file(path: PathBuf, earlier: Option<Arc<OperatorFile>>) -> Loaded {
    let Ok(meta) = std::fs::metadata(&path) else {
        return Loaded::Missing;
    };
    if !meta.is_file() {
        return Loaded::Missing;
    }
    if meta.len() > OPERATOR_FILE_MAX_CACHED {
        return NamedFile::open(&path).map_or(Loaded::Missing, |f| Loaded::Large(Box::new(f)));
    }
    let Ok(bytes) = std::fs::read(&path) else {
        return Loaded::Missing;
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let etag = etag_of(&bytes);
    let content_type = content_type(name);
    let encoded = match earlier {
        Some(file) if file.etag == etag => file.encoded.clone(),
        _ => Encoded::new(
            Bytes::from(bytes),
            &etag,
            is_compressible(content_type),
            KEPT_BROTLI_QUALITY,
            KEPT_GZIP_LEVEL,
        ),
    };
    Loaded::Small(OperatorFile {
        etag,
        content_type,
        encoded,
        read_at: Instant::now(),
        reloading: AtomicBool::new(false),
    })
}

impl StaticAssets {
    fn operator_file(&self, path: &str) -> Option<Arc<OperatorFile>> {
        let files = self.operator_files.read().ok()?;
        files.get(path).cloned()
    }

    fn forget_operator_file(&self, path: &str) {
        if let Ok(mut files) = self.operator_files.write() {
            files.remove(path);
        }
    }

    fn keep_operator_file(&self, path: &str, file: OperatorFile) {
        let Ok(mut files) = self.operator_files.write() else {
            return;
        };
        if files.len() >= OPERATOR_FILES_MAX_COUNT {
            files.retain(|_, f| f.read_at.elapsed() < OPERATOR_FILE_FRESHNESS);
        }
        if files.len() < OPERATOR_FILES_MAX_COUNT {
            files.insert(path.to_owned(), Arc::new(file));
        }
    }
}

/// At most four segments of letters, digits, `.`, `_` and `-`, none starting with a dot, none empty:
/// no traversal, no dotfiles, no encoded characters, no backslashes, nothing over 255 bytes.
pub(crate) fn is_plain_path(path: &str) -> bool {
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
