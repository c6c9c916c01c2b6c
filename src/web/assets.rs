//! `/static/...`: the theme's assets, compiled into the binary and answered from memory with
//! fingerprinted links, plus files an operator puts in `{data dir}/static/`. Every path is checked
//! against a strict pattern first, so nothing outside those folders, no dotfile and no odd path is
//! ever served: anything else is the localized 404.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_files::NamedFile;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::web::Bytes;
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
    operator_files: RwLock<HashMap<String, Arc<OperatorFile>>>,
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
        StaticAssets {
            files,
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
        return Ok(respond(
            &req,
            Bytes::from_static(asset.bytes),
            asset.content_type,
            &asset.etag,
            cache,
        ));
    }
    let short = || CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(3600)]);
    if let Some(file) = state.assets.operator_file(path) {
        return Ok(respond(
            &req,
            file.bytes.clone(),
            file.content_type,
            &file.etag,
            short(),
        ));
    }
    let full_path = state.config.data_dir.join("static").join(path);
    let loaded = web::block(move || load_operator_file(full_path))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match loaded {
        Loaded::Small(file) => {
            let response = respond(
                &req,
                file.bytes.clone(),
                file.content_type,
                &file.etag,
                short(),
            );
            state.assets.keep_operator_file(path, file);
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

fn respond(
    req: &HttpRequest,
    bytes: Bytes,
    content_type: &str,
    etag: &str,
    cache: CacheControl,
) -> HttpResponse {
    let not_modified = client_has(req, etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(cache)
        .insert_header((header::ETAG, etag));
    if not_modified {
        response.finish()
    } else {
        response.content_type(content_type).body(bytes)
    }
}

/// A file an operator put in `{data dir}/static/`, kept in memory for a few seconds after it was read.
pub struct OperatorFile {
    bytes: Bytes,
    content_type: &'static str,
    etag: String,
    read_at: Instant,
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

fn load_operator_file(path: PathBuf) -> Loaded {
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
    Loaded::Small(OperatorFile {
        etag: etag_of(&bytes),
        content_type: content_type(name),
        bytes: Bytes::from(bytes),
        read_at: Instant::now(),
    })
}

impl StaticAssets {
    fn operator_file(&self, path: &str) -> Option<Arc<OperatorFile>> {
        let files = self.operator_files.read().ok()?;
        files
            .get(path)
            .filter(|f| f.read_at.elapsed() < OPERATOR_FILE_FRESHNESS)
            .cloned()
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
