//! One rendered page as the page cache keeps it: plain and brotli bytes made once, gzip when some
//! client first asks for it, and the validators of each. A page rendered because a visitor asked for
//! it before it was ready is compressed quickly (the visitor is waiting) and made smaller later, in
//! the background (`PageCache::to_improve`).
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use time::OffsetDateTime;

use super::caching::client_has;
use super::compression::{self, Coding, KEPT_BROTLI_QUALITY, KEPT_GZIP_LEVEL, coded_etag};
use crate::i18n::Lang;

/// Brotli quality for a page a visitor is waiting for: about a third of the time quality 5 takes
/// (75–100 µs against 280–330 µs for a 14 KB page), for bytes about a quarter larger, until the
/// background makes them smaller.
const QUICK_BROTLI_QUALITY: u32 = 1;

/// A page as rendered for one path: plain and brotli made when it is rendered, gzip when first asked
/// for (browsers take brotli; gzip is for the few clients that take nothing better).
pub struct RenderedPage {
    pub(super) plain: Bytes,
    pub(super) brotli: Bytes,
    pub(super) gzip: OnceLock<Bytes>,
    /// The plain bytes' hash: every variant's ETag derives from it.
    pub(super) hash: u64,
    etags: [HeaderValue; 3],
    pub lang: Lang,
    /// `text/html; charset=utf-8` for pages; a feed says what it is.
    pub(super) content_type: &'static str,
    pub(super) valid_until: OffsetDateTime,
    pub(super) generation: u64,
    /// Compressed quickly for a waiting visitor; worth compressing better in the background.
    pub(super) quick: bool,
    /// Set on every hit, cleared when the eviction hand passes by: a second chance for pages in use.
    pub(super) referenced: AtomicBool,
}

impl RenderedPage {
    /// Encodes `html` to be kept. `generation` is [`super::page_cache::PageCache::generation`] read
    /// before the page's data was loaded, so a render that raced an edit is never kept.
    pub fn new(
        html: String,
        lang: Lang,
        valid_until: OffsetDateTime,
        generation: u64,
    ) -> RenderedPage {
        RenderedPage::encoded(html, lang, valid_until, generation, KEPT_BROTLI_QUALITY)
    }

    /// The same for a visitor who is waiting for it: compressed fast, to be improved later.
    pub fn quick(
        html: String,
        lang: Lang,
        valid_until: OffsetDateTime,
        generation: u64,
    ) -> RenderedPage {
        let mut page =
            RenderedPage::encoded(html, lang, valid_until, generation, QUICK_BROTLI_QUALITY);
        page.quick = true;
        page
    }

    fn encoded(
        html: String,
        lang: Lang,
        valid_until: OffsetDateTime,
        generation: u64,
        quality: u32,
    ) -> RenderedPage {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        html.as_bytes().hash(&mut hasher);
        let hash = hasher.finish();
        let brotli = Bytes::from(compression::brotli(html.as_bytes(), quality));
        RenderedPage {
            plain: Bytes::from(html),
            brotli,
            gzip: OnceLock::new(),
            hash,
            etags: Coding::ALL.map(|c| variant_etag(hash, c)),
            lang,
            content_type: "text/html; charset=utf-8",
            valid_until,
            generation,
            quick: false,
            referenced: AtomicBool::new(false),
        }
    }

    /// A page read back from the spill file (`plain`), compressed the way pages are kept.
    pub(super) fn from_parts(
        plain: Bytes,
        hash: u64,
        lang: Lang,
        content_type: &'static str,
        valid_until: OffsetDateTime,
        generation: u64,
    ) -> RenderedPage {
        RenderedPage {
            brotli: Bytes::from(compression::brotli(&plain, KEPT_BROTLI_QUALITY)),
            plain,
            gzip: OnceLock::new(),
            hash,
            etags: Coding::ALL.map(|c| variant_etag(hash, c)),
            lang,
            content_type,
            valid_until,
            generation,
            quick: false,
            referenced: AtomicBool::new(false),
        }
    }

    /// The same for a document that is not HTML (a feed), sent as `content_type`.
    pub fn with_content_type(mut self, content_type: &'static str) -> RenderedPage {
        self.content_type = content_type;
        self
    }

    /// The page in `coding`, ready to send.
    pub fn hit(&self, coding: Coding) -> Hit {
        let body = match coding {
            Coding::Identity => self.plain.clone(),
            Coding::Brotli => self.brotli.clone(),
            Coding::Gzip => self.gzip().clone(),
        };
        Hit {
            body,
            etag: self.etags[coding.index()].clone(),
            coding,
            lang: self.lang,
            content_type: self.content_type,
        }
    }

    fn gzip(&self) -> &Bytes {
        self.gzip
            .get_or_init(|| Bytes::from(compression::gzip(&self.plain, KEPT_GZIP_LEVEL)))
    }

    /// The variants made so far, in [`Coding::ALL`] order.
    pub(super) fn variants(&self) -> [Option<&Bytes>; 3] {
        [Some(&self.plain), Some(&self.brotli), self.gzip.get()]
    }

    pub(super) fn size(&self, path: &str) -> usize {
        // gzip counted ahead: it is about as large as brotli once made.
        self.plain.len() + 2 * self.brotli.len() + path.len() + 256
    }
}

pub(super) fn variant_etag(hash: u64, coding: Coding) -> HeaderValue {
    HeaderValue::from_str(&coded_etag(&etag(hash), coding))
        .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""))
}

fn etag(hash: u64) -> String {
    format!("W/\"{hash:016x}\"")
}

/// One cached page in one coding.
pub struct Hit {
    pub body: Bytes,
    pub etag: HeaderValue,
    pub coding: Coding,
    pub lang: Lang,
    pub content_type: &'static str,
}

impl Hit {
    /// The answer: 304 when the client holds this variant, else the bytes with their coding. Every
    /// answer varies by `Accept-Encoding` and names its language.
    pub fn respond(self, req: &HttpRequest, cache_control: HeaderValue) -> HttpResponse {
        let not_modified = self.etag.to_str().is_ok_and(|etag| client_has(req, etag));
        let mut response = if not_modified {
            HttpResponse::NotModified().finish()
        } else {
            HttpResponse::Ok().body(self.body)
        };
        // Typed names and ready values: this runs for every cached page, at 100,000 a second.
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag);
        headers.insert(header::CACHE_CONTROL, cache_control);
        if let Ok(lang) = HeaderValue::from_str(self.lang.as_str()) {
            headers.insert(header::CONTENT_LANGUAGE, lang);
        }
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if not_modified {
            return response;
        }
        if let Some(coding) = self.coding.content_encoding() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        response
    }
}

/// A page's text as a feature rendered it for one address, before it is compressed: for a waiting
/// visitor quickly ([`Document::quick`]), ahead of time the way pages are kept ([`Document::kept`]).
pub struct Document {
    pub body: String,
    pub lang: Lang,
    /// Until when it stays right without an edit (the next scheduled change of what it shows).
    pub valid_until: OffsetDateTime,
    /// [`super::page_cache::PageCache::generation`] read before its data was loaded.
    pub generation: u64,
    pub content_type: &'static str,
}

impl Document {
    /// An HTML page.
    pub fn html(
        body: String,
        lang: Lang,
        valid_until: OffsetDateTime,
        generation: u64,
    ) -> Document {
        Document {
            body,
            lang,
            valid_until,
            generation,
            content_type: "text/html; charset=utf-8",
        }
    }

    pub fn quick(self) -> RenderedPage {
        RenderedPage::quick(self.body, self.lang, self.valid_until, self.generation)
            .with_content_type(self.content_type)
    }

    pub fn kept(self) -> RenderedPage {
        RenderedPage::new(self.body, self.lang, self.valid_until, self.generation)
            .with_content_type(self.content_type)
    }
}
