//! Content codings: which one a request accepts, the encoders, and the middleware that compresses the
//! answers nobody keeps. Cached pages and embedded assets are encoded once, when they are made, at a
//! high level; what is made per request (admin pages, forms, error pages) is encoded inline at a fast
//! level. HEAD answers, 304s and answers that already carry a `Content-Encoding` are never touched.
use std::io::Write;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

/// The codings Magnetiq answers in. Chromium asks for `gzip, deflate, br, zstd`; brotli is the smallest
/// of those that every browser reads, gzip is for everything else that compresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// Every coding, in the order cached representations keep them.
    pub const ALL: [Coding; 3] = [Coding::Identity, Coding::Brotli, Coding::Gzip];

    pub fn index(self) -> usize {
        match self {
            Coding::Identity => 0,
            Coding::Brotli => 1,
            Coding::Gzip => 2,
        }
    }

    /// The `Content-Encoding` value; `None` for identity.
    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }

    /// The coding to answer in for a request with these headers, among representations that exist in
    /// every coding: the highest q-value wins, ties go to the smaller encoding (brotli, then gzip).
    pub fn for_stored(headers: &HeaderMap) -> Coding {
        Accepted::from_headers(headers).choose([true; 3])
    }
}

/// What a request's `Accept-Encoding` accepts: each coding's weight, read once, for a representation
/// kept in some codings and made in others when first asked for.
#[derive(Clone, Copy, Debug)]
pub struct Accepted {
    /// Weights in [`Coding::ALL`] order; 0 is not acceptable.
    weights: [f32; 3],
}

impl Accepted {
    pub fn from_headers(headers: &HeaderMap) -> Accepted {
        Accepted::parse(accept_encoding(headers))
    }

    /// A client that takes `coding` and nothing else.
    #[cfg(test)]
    pub(crate) fn only(coding: Coding) -> Accepted {
        let mut weights = [0.0; 3];
        weights[coding.index()] = 1.0;
        Accepted { weights }
    }

    pub(crate) fn parse(accept: Option<&str>) -> Accepted {
        Accepted {
            weights: weights(accept),
        }
    }

    /// The coding to answer in, given which of the representation's codings are `made` already (in
    /// [`Coding::ALL`] order): the highest q-value wins; among equals a coding made wins over one
    /// that would have to be made now, then the smaller encoding (brotli, then gzip). Identity,
    /// always made, is chosen over a compression only when the client prefers it.
    pub fn choose(self, made: [bool; 3]) -> Coding {
        let (brotli, gzip) = (Coding::Brotli, Coding::Gzip);
        let preference = if made[gzip.index()] && !made[brotli.index()] {
            [gzip, brotli, Coding::Identity]
        } else {
            [brotli, gzip, Coding::Identity]
        };
        self.best(preference)
    }

    /// The acceptable coding of highest q-value, ties going to the first in `preference`.
    fn best(self, preference: [Coding; 3]) -> Coding {
        let mut best = (Coding::Identity, 0.0f32);
        for coding in preference {
            let q = self.weights[coding.index()];
            if q > best.1 {
                best = (coding, q);
            }
        }
        best.0
    }
}

fn accept_encoding(headers: &HeaderMap) -> Option<&str> {
    // Several `Accept-Encoding` lines are rare; the first is what every browser sends.
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
}

/// RFC 9110 §12.5.3: no header means no preference (Magnetiq then sends identity, as curl and wrk
/// expect); `*` stands for every coding not named; `identity` is acceptable unless excluded by
/// `identity;q=0` or `*;q=0`, and last in line unless named. When nothing listed is acceptable the answer is identity: a page the
/// client may not decode beats an error page it cannot read either.
fn negotiate(accept: Option<&str>, preference: [Coding; 3]) -> Coding {
    Accepted::parse(accept).best(preference)
}

/// Each coding's weight in `accept` ([`Coding::ALL`] order), by the rules [`negotiate`] names.
fn weights(accept: Option<&str>) -> [f32; 3] {
    let Some(accept) = accept else {
        return [f32::MIN_POSITIVE, 0.0, 0.0];
    };
    let mut named: [Option<f32>; 3] = [None; 3];
    let mut any: Option<f32> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let mut q = 1.0f32;
        for param in parts {
            if let Some((key, value)) = param.split_once('=')
                && key.trim().eq_ignore_ascii_case("q")
            {
                q = value.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0);
            }
        }
        let coding = if name.eq_ignore_ascii_case("br") {
            Coding::Brotli
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            Coding::Gzip
        } else if name.eq_ignore_ascii_case("identity") {
            Coding::Identity
        } else if name == "*" {
            any = Some(q);
            continue;
        } else {
            continue;
        };
        let slot = &mut named[coding.index()];
        // The same coding named twice: the more generous entry counts.
        *slot = Some(slot.map_or(q, |old: f32| old.max(q)));
    }
    Coding::ALL.map(|c| match (named[c.index()], any, c) {
        (Some(q), _, _) => q,
        (None, Some(q), _) => q,
        // Acceptable, but any coding the client names is preferred to it.
        (None, None, Coding::Identity) => f32::MIN_POSITIVE,
        (None, None, _) => 0.0,
    })
}

/// Brotli quality for what is kept: pages rendered once and served many times. Quality 5 is where
/// the size stops shrinking much (a 9 KB page: 3.0 KB at 1, 2.35 KB at 5, 2.14 KB at 11) while 11
/// costs 60 times as long (0.2 ms against 12 ms a page); assets made once at start-up use 11.
pub const KEPT_BROTLI_QUALITY: u32 = 5;
pub const BEST_BROTLI_QUALITY: u32 = 11;
/// gzip level for what is kept (level 9 gains nothing over 6 on pages).
pub const KEPT_GZIP_LEVEL: u32 = 6;
pub const BEST_GZIP_LEVEL: u32 = 9;
/// Levels for what is compressed per request.
const FRESH_BROTLI_QUALITY: u32 = 1;
const FRESH_GZIP_LEVEL: u32 = 1;

/// Answers smaller than this are sent as they are: the saving would not pay for the work.
const MIN_COMPRESSED_BYTES: usize = 1024;

pub fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    // A window just large enough for the input keeps the encoder's buffers small. Below 18 bits the
    // encoder switches to a hasher that took 3 ms instead of 0.14 ms for a 9 KB page at quality 5.
    let window = (usize::BITS - bytes.len().max(1).leading_zeros()).clamp(18, 22);
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, quality, window);
        // Writing to a Vec cannot fail.
        let _ = encoder.write_all(bytes);
    }
    out
}

pub fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(level),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// `bytes` in `coding`, compressed once to be kept: the brotli quality and gzip level are the caller's.
pub fn encode(bytes: &Bytes, coding: Coding, brotli_quality: u32, gzip_level: u32) -> Bytes {
    match coding {
        Coding::Identity => bytes.clone(),
        Coding::Brotli => Bytes::from(brotli(bytes, brotli_quality)),
        Coding::Gzip => Bytes::from(gzip(bytes, gzip_level)),
    }
}

/// One representation of a resource in one coding, with its validator.
#[derive(Clone)]
pub struct Variant {
    pub coding: Coding,
    pub body: Bytes,
    pub etag: HeaderValue,
}

/// A resource encoded once in every coding worth keeping: plain, and for text also brotli and gzip.
#[derive(Clone)]
pub struct Encoded {
    /// Identity first; brotli and gzip follow for text.
    variants: Vec<Variant>,
}

impl Encoded {
    /// Encodes `plain` (text when `compress`) at the given brotli quality and gzip level; the ETags
    /// derive from `etag`, the plain bytes' own validator.
    pub fn new(
        plain: Bytes,
        etag: &str,
        compress: bool,
        brotli_quality: u32,
        gzip_level: u32,
    ) -> Encoded {
        let codings: &[Coding] = if compress {
            &Coding::ALL
        } else {
            &Coding::ALL[..1]
        };
        let variants = codings
            .iter()
            .map(|&coding| Variant {
                coding,
                body: encode(&plain, coding, brotli_quality, gzip_level),
                etag: HeaderValue::from_str(&coded_etag(etag, coding))
                    .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\"")),
            })
            .collect();
        Encoded { variants }
    }

    /// The variant for a request with these headers (plain when the resource is not text).
    pub fn pick(&self, headers: &HeaderMap) -> &Variant {
        let coding = Coding::for_stored(headers);
        self.variants
            .iter()
            .find(|v| v.coding == coding)
            .unwrap_or(&self.variants[0])
    }

    pub fn variant(&self, coding: Coding) -> &Variant {
        self.variants
            .iter()
            .find(|v| v.coding == coding)
            .unwrap_or(&self.variants[0])
    }

    /// Whether there is more than the plain variant (the answer then varies by `Accept-Encoding`).
    pub fn is_negotiated(&self) -> bool {
        self.variants.len() > 1
    }

    /// Bytes held, for cache budgets.
    pub fn size(&self) -> usize {
        self.variants
            .iter()
            .map(|v| v.body.len() + v.etag.len())
            .sum()
    }

    pub fn variants(&self) -> &[Variant] {
        &self.variants
    }
}

/// Whether a `Content-Type` is text that compresses (HTML, CSS, JavaScript, JSON, XML, SVG, CSV, ICS).
pub fn is_compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/ld+json"
                | "application/xml"
                | "application/javascript"
                | "application/manifest+json"
                | "image/svg+xml"
        )
}

/// Adds `Accept-Encoding` to `Vary`, keeping what is there.
pub fn vary_on_accept_encoding(headers: &mut HeaderMap) {
    let existing = headers
        .get(header::VARY)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let value = match existing {
        Some(v) if v.to_ascii_lowercase().contains("accept-encoding") => return,
        Some(v) if !v.trim().is_empty() => format!("{v}, Accept-Encoding"),
        _ => "Accept-Encoding".to_owned(),
    };
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(header::VARY, value);
    }
}

/// The middleware: compresses an answer made for this request at a fast level when the client accepts
/// it (ties go to gzip, which costs half of brotli's time at the fast levels: 30 µs against 45–85 µs
/// for a 9 KB page), the type is text, the body is in memory and big enough, and nobody encoded it already.
pub async fn compress_fresh_answers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let accept = req.headers().get(header::ACCEPT_ENCODING).cloned();
    let is_head = req.method() == Method::HEAD || super::head::was_head(&req);
    let mut response = next.call(req).await?;
    let headers = response.headers();
    let compressible = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_compressible);
    if !compressible
        || headers.contains_key(header::CONTENT_ENCODING)
        || matches!(
            response.status(),
            StatusCode::NOT_MODIFIED | StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT
        )
    {
        return Ok(response.map_into_left_body());
    }
    vary_on_accept_encoding(response.headers_mut());
    let coding = negotiate(
        accept.as_ref().and_then(|v| v.to_str().ok()),
        [Coding::Gzip, Coding::Brotli, Coding::Identity],
    );
    let Some(name) = coding.content_encoding().filter(|_| !is_head) else {
        return Ok(response.map_into_left_body());
    };
    let (req, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) if bytes.len() >= MIN_COMPRESSED_BYTES => bytes,
        Ok(bytes) => {
            let response = response.set_body(BoxBody::new(bytes));
            return Ok(ServiceResponse::new(req, response).map_into_right_body());
        }
        Err(stream) => {
            let response = response.set_body(stream);
            return Ok(ServiceResponse::new(req, response).map_into_left_body());
        }
    };
    let encoded = match coding {
        Coding::Brotli => brotli(&bytes, FRESH_BROTLI_QUALITY),
        _ => gzip(&bytes, FRESH_GZIP_LEVEL),
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    headers.remove(header::CONTENT_LENGTH);
    // Another coding is another representation: its validator must differ from the plain one's.
    if let Some(etag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok())
        && let Ok(tagged) = HeaderValue::from_str(&coded_etag(etag, coding))
    {
        headers.insert(header::ETAG, tagged);
    }
    let response = response.set_body(BoxBody::new(Bytes::from(encoded)));
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

/// The ETag of `etag`'s representation in `coding`: `W/"abc"` becomes `W/"abc-br"`.
pub fn coded_etag(etag: &str, coding: Coding) -> String {
    let suffix = match coding {
        Coding::Identity => return etag.to_owned(),
        Coding::Brotli => "-br",
        Coding::Gzip => "-gz",
    };
    match etag.strip_suffix('"') {
        Some(open) => format!("{open}{suffix}\""),
        None => format!("{etag}{suffix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(accept: &str) -> Coding {
        negotiate(
            Some(accept),
            [Coding::Brotli, Coding::Gzip, Coding::Identity],
        )
    }

    #[test]
    fn chromium_gets_brotli_and_q_values_are_honoured() {
        assert_eq!(stored("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(stored("gzip"), Coding::Gzip);
        assert_eq!(stored("br;q=0.1, gzip"), Coding::Gzip);
        assert_eq!(stored("BR;Q=0.5, gzip;q=0.4"), Coding::Brotli);
        assert_eq!(stored("gzip;q=0, br;q=0"), Coding::Identity);
        assert_eq!(stored("deflate, zstd"), Coding::Identity);
        assert_eq!(stored(""), Coding::Identity);
        assert_eq!(negotiate(None, [Coding::Brotli; 3]), Coding::Identity);
    }

    #[test]
    fn identity_and_the_wildcard_follow_rfc_9110() {
        assert_eq!(stored("identity;q=0, gzip;q=0.2"), Coding::Gzip);
        assert_eq!(stored("*"), Coding::Brotli);
        assert_eq!(stored("*;q=0.3, br;q=0"), Coding::Gzip);
        assert_eq!(stored("identity, *;q=0"), Coding::Identity);
        assert_eq!(stored("x-gzip"), Coding::Gzip);
        // Nothing acceptable at all: identity rather than an error.
        assert_eq!(stored("identity;q=0"), Coding::Identity);
        // Answers made now prefer gzip on a tie; brotli only when asked for alone or preferred.
        let fresh = |a| negotiate(Some(a), [Coding::Gzip, Coding::Brotli, Coding::Identity]);
        assert_eq!(fresh("gzip, deflate, br, zstd"), Coding::Gzip);
        assert_eq!(fresh("br"), Coding::Brotli);
        assert_eq!(fresh("br;q=1, gzip;q=0.5"), Coding::Brotli);
    }

    #[test]
    fn a_coding_made_already_wins_a_tie_but_never_over_a_preference() {
        let made = |brotli, gzip| [true, brotli, gzip];
        let chromium = Accepted::parse(Some("gzip, deflate, br, zstd"));
        assert_eq!(chromium.choose(made(true, false)), Coding::Brotli);
        assert_eq!(chromium.choose(made(false, true)), Coding::Gzip);
        assert_eq!(chromium.choose(made(true, true)), Coding::Brotli);
        assert_eq!(chromium.choose(made(false, false)), Coding::Brotli);
        let prefers_brotli = Accepted::parse(Some("br, gzip;q=0.5"));
        assert_eq!(prefers_brotli.choose(made(false, true)), Coding::Brotli);
        let gzip_only = Accepted::parse(Some("gzip"));
        assert_eq!(gzip_only.choose(made(true, false)), Coding::Gzip);
        // Identity, always there, is no reason to skip a compression the client names.
        let brotli_or_plain = Accepted::parse(Some("br, identity"));
        assert_eq!(brotli_or_plain.choose(made(false, true)), Coding::Brotli);
        assert_eq!(
            Accepted::parse(None).choose(made(true, true)),
            Coding::Identity
        );
    }

    #[test]
    fn encodings_decode_to_the_same_bytes() {
        let page = "<p>Magnetiq</p>".repeat(400);
        let br = brotli(page.as_bytes(), KEPT_BROTLI_QUALITY);
        let gz = gzip(page.as_bytes(), KEPT_GZIP_LEVEL);
        assert!(br.len() < page.len() / 10 && gz.len() < page.len() / 10);
        let mut unbr = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbr).unwrap();
        assert_eq!(unbr, page.as_bytes());
        let mut ungz = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut ungz)
            .unwrap();
        assert_eq!(ungz, page);
    }

    #[test]
    fn etags_differ_per_coding_and_vary_is_merged() {
        assert_eq!(coded_etag("W/\"abc\"", Coding::Brotli), "W/\"abc-br\"");
        assert_eq!(coded_etag("\"abc\"", Coding::Gzip), "\"abc-gz\"");
        assert_eq!(coded_etag("W/\"abc\"", Coding::Identity), "W/\"abc\"");
        let mut headers = HeaderMap::new();
        vary_on_accept_encoding(&mut headers);
        assert_eq!(headers.get(header::VARY).unwrap(), "Accept-Encoding");
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
        vary_on_accept_encoding(&mut headers);
        assert_eq!(
            headers.get(header::VARY).unwrap(),
            "Accept-Language, Accept-Encoding"
        );
        vary_on_accept_encoding(&mut headers);
        assert_eq!(
            headers.get(header::VARY).unwrap(),
            "Accept-Language, Accept-Encoding"
        );
        assert!(is_compressible("text/html; charset=utf-8"));
        assert!(is_compressible("image/svg+xml"));
        assert!(!is_compressible("image/png"));
        assert!(!is_compressible("application/pdf"));
    }
}
