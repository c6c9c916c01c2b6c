//! One rendered page as the page cache keeps it: plain and brotli bytes made once, gzip when some
//! client first asks for it, and the validators of each. A page rendered because a visitor asked for
//! it before it was ready is compressed quickly instead, in gzip (the visitor is waiting; browsers
//! take it as well as brotli), and made smaller later, in brotli, in the background
//! (`PageCache::to_improve`).
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use time::OffsetDateTime;

use super::caching::client_has;
use super::compression::{
    self, Accepted, Coding, KEPT_BROTLI_QUALITY, KEPT_GZIP_LEVEL, coded_etag,
};
use crate::i18n::Lang;

/// gzip level for a page a visitor is waiting for: the fastest compression Magnetiq has, 40–45 µs
/// for a 14 KB demo page against 90–100 µs at brotli 1 and 280–330 µs at brotli 5, for 4.9 KB
/// against 4.1 and 3.2, until the background compresses it in brotli. Every browser takes gzip.
const QUICK_GZIP_LEVEL: u32 = 1;
/// Brotli quality for a page compressed quickly, when a client that takes only brotli asks for it.
const QUICK_BROTLI_QUALITY: u32 = 1;

/// A page as rendered for one path, in the codings made so far: plain always; brotli when it is kept
/// (rendered ahead, or improved), gzip when a visitor waited for it. The other one is made when some
/// client first asks for it and takes nothing made already.
pub struct RenderedPage {
    pub(super) plain: Bytes,
    pub(super) brotli: OnceLock<Bytes>,
    pub(super) gzip: OnceLock<Bytes>,
    /// The plain bytes' hash: every variant's ETag derives from it.
    pub(super) hash: u64,
    etags: [HeaderValue; 3],
    pub lang: Lang,
    /// `text/html; charset=utf-8` for pages; a feed says what it is.
    pub(super) content_type: &'static str,
    pub(super) valid_until: OffsetDateTime,
    pub(super) generation: u64,
    /// Compressed quickly (gzip) for a waiting visitor; worth compressing better in the background.
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
        let brotli = compression::brotli(html.as_bytes(), KEPT_BROTLI_QUALITY);
        RenderedPage::encoded(
            html,
            lang,
            valid_until,
            generation,
            (Coding::Brotli, brotli),
        )
    }

    /// The same for a visitor who is waiting for it: compressed fast, to be improved later.
    pub fn quick(
        html: String,
        lang: Lang,
        valid_until: OffsetDateTime,
        generation: u64,
    ) -> RenderedPage {
        let gzip = compression::gzip(html.as_bytes(), QUICK_GZIP_LEVEL);
        let mut page =
            RenderedPage::encoded(html, lang, valid_until, generation, (Coding::Gzip, gzip));
        page.quick = true;
        page
    }

    /// `html` with its first compressed variant, `made`.
    fn encoded(
        html: String,
        lang: Lang,
        valid_until: OffsetDateTime,
        generation: u64,
        (coding, made): (Coding, Vec<u8>),
    ) -> RenderedPage {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        html.as_bytes().hash(&mut hasher);
        let hash = hasher.finish();
        let page = RenderedPage {
            plain: Bytes::from(html),
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
            hash,
            etags: Coding::ALL.map(|c| variant_etag(hash, c)),
            lang,
            content_type: "text/html; charset=utf-8",
            valid_until,
            generation,
            quick: false,
            referenced: AtomicBool::new(false),
        };
        if let Some(slot) = page.compressed(coding) {
            let _ = slot.set(Bytes::from(made));
        }
        page
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
            brotli: OnceLock::from(Bytes::from(compression::brotli(
                &plain,
                KEPT_BROTLI_QUALITY,
            ))),
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

    /// The page in the coding `accepted` chooses among those made (a coding made on first ask
    /// only when the client takes none of them), ready to send.
    pub fn hit(&self, accepted: Accepted) -> Hit {
        let coding = accepted.choose(self.variants().map(|v| v.is_some()));
        let body = match self.compressed(coding) {
            Some(slot) => slot
                .get_or_init(|| made_on_ask(&self.plain, coding, self.quick))
                .clone(),
            None => self.plain.clone(),
        };
        Hit {
            body,
            etag: self.etags[coding.index()].clone(),
            coding,
            lang: self.lang,
            content_type: self.content_type,
        }
    }

    /// Where the variant in `coding` is kept once made (`None` for the plain bytes, always there).
    fn compressed(&self, coding: Coding) -> Option<&OnceLock<Bytes>> {
        match coding {
            Coding::Brotli => Some(&self.brotli),
            Coding::Gzip => Some(&self.gzip),
            Coding::Identity => None,
        }
    }

    /// The variants made so far, in [`Coding::ALL`] order.
    pub(super) fn variants(&self) -> [Option<&Bytes>; 3] {
        [Some(&self.plain), self.brotli.get(), self.gzip.get()]
    }

    /// Bytes held, the same from when the page is made until it leaves the cache: the other
    /// compressed variant is counted ahead, as about as large as the first.
    pub(super) fn size(&self, path: &str) -> usize {
        let first = if self.quick { &self.gzip } else { &self.brotli };
        self.plain.len() + 2 * first.get().map_or(0, Bytes::len) + path.len() + 256
    }
}

/// A page's `plain` bytes in `coding`, made when a client first asks for a coding not made yet: brotli
/// for a page compressed `quick`ly is made quickly too (it is made again when the page is improved).
pub(super) fn made_on_ask(plain: &Bytes, coding: Coding, quick: bool) -> Bytes {
    Bytes::from(match coding {
        Coding::Brotli if quick => compression::brotli(plain, QUICK_BROTLI_QUALITY),
        Coding::Brotli => compression::brotli(plain, KEPT_BROTLI_QUALITY),
        Coding::Gzip => compression::gzip(plain, KEPT_GZIP_LEVEL),
        Coding::Identity => return plain.clone(),
    })
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
