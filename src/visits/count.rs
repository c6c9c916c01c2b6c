//! What is counted: the middleware in front of everything that counts a public page answered to a
//! visitor (not a crawler, a prefetch, a `HEAD`, a client whose `Accept` does not ask for a page,
//! or signed-in staff),
//! and the image a page asks for when pages are counted behind a CDN.
use std::net::IpAddr;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::Profile;
use super::agent::{self, Agent};
use super::counter::Counter;
use crate::config::VisitCounting;
use crate::i18n::Lang;
use crate::web::state::AppState;

/// Longest page address and campaign value kept; longer ones are cut.
const MAX_PATH: usize = 200;
const MAX_FIELD: usize = 100;

/// The counter, kept in the state.
pub struct Counting {
    pub counter: Arc<Counter>,
}

impl Counting {
    pub fn new(counter: Arc<Counter>) -> Counting {
        Counting { counter }
    }
}

/// Whether the request could be a person's page view at all, from its headers alone: a browser
/// asking for `wants` (`text/html` for a page it navigates to, `image/` for the counting image)
/// says so in `Accept`; scripts send none, or `*/*`.
fn from_a_visitor(headers: &HeaderMap, wants: &str) -> bool {
    // One pass over the headers instead of a lookup for each: this runs for every page a visitor
    // asks for. Browsers write these values in lower case; other spellings take the slower way.
    let says = |value: &header::HeaderValue, what: &str| {
        let (value, what) = (value.as_bytes(), what.as_bytes());
        // Chromium, Firefox and Safari name what they navigate to first: `text/html,…`.
        value.starts_with(what)
            || value
                .windows(what.len())
                .any(|w| w.eq_ignore_ascii_case(what))
    };
    let mut asks = false;
    for (name, value) in headers.iter() {
        let refused = match name.as_str() {
            "accept" => {
                asks |= says(value, wants);
                false
            }
            "sec-purpose" | "purpose" | "x-moz" => says(value, "prefetch"),
            "x-purpose" => says(value, "preview"),
            "cookie" => has_cookie(value, crate::web::auth::STAFF_COOKIE),
            _ => false,
        };
        if refused {
            return false;
        }
    }
    asks
}

fn has_cookie(value: &header::HeaderValue, name: &str) -> bool {
    value.as_bytes().split(|b| *b == b';').any(|pair| {
        pair.trim_ascii()
            .strip_prefix(name.as_bytes())
            .is_some_and(|rest| rest.first() == Some(&b'='))
    })
}

/// The language a public page's path begins with.
fn page_lang(state: &AppState, path: &str) -> Option<Lang> {
    let rest = path.strip_prefix('/')?;
    let code = match rest.bytes().position(|b| b == b'/') {
        Some(end) => &rest[..end],
        None => rest,
    };
    state
        .config
        .languages
        .all()
        .iter()
        .copied()
        .find(|lang| lang.as_str() == code)
}

fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn user_agent(headers: &HeaderMap) -> &[u8] {
    headers
        .get(header::USER_AGENT)
        .map_or(&[], |v| v.as_bytes())
}

fn client(req: &HttpRequest, state: &AppState) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    if state.config.trusted_proxies.is_empty() {
        return peer.map(crate::config::proxies::canonical);
    }
    state.config.trusted_proxies.client(peer, req.headers())
}

/// The host a `Referer` names, lowercased and without `www.`; empty for the site itself or when
/// there is none.
pub fn referrer_host(referer: Option<&str>, own_hosts: &[&str]) -> String {
    let Some(referer) = referer else {
        return String::new();
    };
    let Some((_, rest)) = referer.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(']') => {
            name
        }
        _ => host,
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let own = own_hosts.iter().any(|own| {
        let own = own.to_ascii_lowercase();
        let own = own
            .rsplit_once(':')
            .map_or(own.as_str(), |(n, _)| n)
            .to_owned();
        own.strip_prefix("www.").unwrap_or(&own) == host
    });
    if own
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-[]:".contains(&b))
    {
        return String::new();
    }
    cut(host, MAX_FIELD).to_owned()
}

/// `utm_source`, `utm_medium` and `utm_campaign` of a landing address's query.
pub fn campaign(query: &str) -> (String, String, String) {
    let mut found = (String::new(), String::new(), String::new());
    if !query.contains("utm_") {
        return found;
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    for (key, value) in pairs {
        let value: String = cut(value.trim(), MAX_FIELD)
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        match key.as_str() {
            "utm_source" => found.0 = value.to_lowercase(),
            "utm_medium" => found.1 = value.to_lowercase(),
            "utm_campaign" => found.2 = value,
            _ => {}
        }
    }
    found
}

fn base_host(state: &AppState) -> &str {
    let rest = state
        .config
        .base_url
        .split_once("://")
        .map_or("", |(_, rest)| rest);
    rest.split('/').next().unwrap_or("")
}

/// What a counted page view brings: where the visit came from, asked for on a visitor's first page.
fn profile_of(
    state: &AppState,
    host: &str,
    entry_path: &str,
    landing_query: &str,
    referer: Option<&str>,
    agent: Agent,
) -> Profile {
    let Agent::Browser { device, browser } = agent else {
        return Profile::unknown();
    };
    let (utm_source, utm_medium, utm_campaign) = campaign(landing_query);
    Profile {
        entry_path: entry_path.to_owned(),
        referrer: referrer_host(referer, &[host, base_host(state)]),
        utm_source,
        utm_medium,
        utm_campaign,
        device: device.key(),
        browser,
    }
}

/// Whether `response` is a public page shown to its visitor: a page (or a browser's copy of one
/// confirmed unchanged), not a personal page behind a secret link.
fn is_page_view(response: &ServiceResponse<impl MessageBody>) -> bool {
    let status = response.status();
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A page from the cache is public (and matching routes is what the cache saves).
    let cached = response
        .request()
        .extensions()
        .get::<crate::web::cached_pages::CachedAnswer>()
        .is_some();
    let personal = !cached
        && response
            .request()
            .match_pattern()
            .is_some_and(|pattern| pattern.contains("{token}"));
    (status == StatusCode::OK && html || status == StatusCode::NOT_MODIFIED) && !personal
}

/// The middleware, outermost (so it sees `HEAD` as `HEAD`).
pub async fn count_views(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let counted = state
        .as_ref()
        .and_then(|state| Some((state, counted_agent(state, req.request())?)));
    let Some((state, (counting, agent, lang))) = counted else {
        return next.call(req).await;
    };
    let response = next.call(req).await?;
    if is_page_view(&response) {
        let req = response.request();
        let page = Page {
            path: req.path(),
            query: req.query_string(),
            lang,
        };
        count(state, &counting.counter, req, page, agent).await;
    }
    Ok(response)
}

/// The browser of a request that may be a page view to count; `None` when visits are not counted
/// at the server, or it is no `GET` of a page, or no browser asking for one (a crawler, a script,
/// a prefetch, staff).
fn counted_agent<'s>(
    state: &'s AppState,
    req: &HttpRequest,
) -> Option<(&'s Counting, Agent, Lang)> {
    if state.config.visits != VisitCounting::AtServer || req.method() != Method::GET {
        return None;
    }
    let lang = page_lang(state, req.path())?;
    if !from_a_visitor(req.headers(), "text/html") {
        return None;
    }
    let counting = state.extension::<Counting>()?;
    let agent = agent::of(user_agent(req.headers()));
    (agent != Agent::Bot).then_some((counting, agent, lang))
}

/// Counts `req` as a page view when a visitor's browser asked for it: what the middleware does
/// once the answer turned out to be a page (the benchmarks call it directly).
pub async fn page_view(state: &AppState, req: &HttpRequest) {
    if let Some((counting, agent, lang)) = counted_agent(state, req) {
        let page = Page {
            path: req.path(),
            query: req.query_string(),
            lang,
        };
        count(state, &counting.counter, req, page, agent).await;
    }
}

/// The page a view is of: its address, the query it was asked with, and its language.
struct Page<'a> {
    path: &'a str,
    query: &'a str,
    lang: Lang,
}

async fn count(
    state: &AppState,
    counter: &Counter,
    req: &HttpRequest,
    page: Page<'_>,
    agent: Agent,
) {
    let Some(client) = client(req, state) else {
        return;
    };
    let headers = req.headers();
    let path = cut(page.path, MAX_PATH);
    counter
        .view(
            &state.db,
            client,
            user_agent(headers),
            path,
            page.lang,
            || {
                let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
                let host = crate::web::client::requested_host(req);
                profile_of(state, &host, path, page.query, referer, agent)
            },
        )
        .await;
}

/// The address (path and query) of the page on this site a request came from, by its `Referer`:
/// the page a counting image sits on, or the page a lead's form was on.
pub fn referring_page<'r>(req: &'r HttpRequest, state: &AppState) -> Option<&'r str> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let (authority, address) = rest.split_at(rest.find('/')?);
    let host = crate::web::client::requested_host(req);
    (authority.eq_ignore_ascii_case(&host) || authority.eq_ignore_ascii_case(base_host(state)))
        .then_some(address)
}

/// A transparent GIF of one pixel.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

#[derive(serde::Deserialize)]
pub struct PixelQuery {
    #[serde(default)]
    p: String,
}

/// `GET /visit.gif?p=/en/page`: the image every page asks for when `MAGNETIQ_VISITS=pixel`, never
/// kept by any cache, so a page a CDN answers is still counted. The page is the one the browser
/// says it is on (`Referer`, with the landing address's campaign fields), else `p`; the referrer
/// of the visit itself cannot be known this way.
pub async fn pixel(
    req: HttpRequest,
    query: web::Query<PixelQuery>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let answer = HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static("image/gif")))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(PIXEL);
    if state.config.visits != VisitCounting::Pixel || !from_a_visitor(req.headers(), "image/") {
        return answer;
    }
    let Some(counting) = state.extension::<Counting>() else {
        return answer;
    };
    let agent = agent::of(user_agent(req.headers()));
    if agent == Agent::Bot {
        return answer;
    }
    let (path, query) = match referring_page(&req, &state) {
        Some(address) => address.split_once('?').unwrap_or((address, "")),
        None => (query.p.as_str(), ""),
    };
    let path = path.split('#').next().unwrap_or("");
    let plain = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/-_.%".contains(&b));
    if let (true, Some(lang)) = (plain, page_lang(&state, path)) {
        // Where the visit came from before the page is not known here.
        let page = Page { path, query, lang };
        count(&state, &counting.counter, &req, page, agent).await;
    }
    answer
}

/// What a lead's request says of who sent it and from which page.
pub struct Sent {
    pub client: Option<IpAddr>,
    pub user_agent: Vec<u8>,
    /// The page the form was on (the `Referer`'s path on this site), else the address posted to.
    pub page: String,
    pub lang: Lang,
}

impl Sent {
    pub fn of(req: &HttpRequest, state: &AppState) -> Sent {
        let page = referring_page(req, state)
            .map(|address| address.split(['?', '#']).next().unwrap_or(""))
            .filter(|path| page_lang(state, path).is_some())
            .unwrap_or(req.path());
        let page = cut(page, MAX_PATH).to_owned();
        Sent {
            client: client(req, state),
            user_agent: user_agent(req.headers()).to_owned(),
            lang: page_lang(state, &page).unwrap_or(state.config.languages.default_lang()),
            page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referrer_is_its_host_and_the_site_itself_is_none() {
        let own = ["magnetiq.test", "127.0.0.1:8080"];
        assert_eq!(
            referrer_host(Some("https://www.Google.com/search?q=x"), &own),
            "google.com"
        );
        assert_eq!(
            referrer_host(Some("https://news.ycombinator.com/item?id=1"), &own),
            "news.ycombinator.com"
        );
        assert_eq!(
            referrer_host(Some("http://magnetiq.test/en/about"), &own),
            ""
        );
        assert_eq!(referrer_host(Some("http://127.0.0.1:8080/en/"), &own), "");
        assert_eq!(
            referrer_host(Some("http://user:pw@evil.example:8443/x"), &own),
            "evil.example"
        );
        assert_eq!(referrer_host(Some("not a url"), &own), "");
        assert_eq!(referrer_host(None, &own), "");
        assert_eq!(referrer_host(Some("https://<script>/"), &own), "");
    }

    #[test]
    fn campaign_fields_come_from_the_landing_query() {
        assert_eq!(
            campaign("utm_source=Newsletter&utm_medium=email&utm_campaign=Spring%20Webinar&x=1"),
            ("newsletter".into(), "email".into(), "Spring Webinar".into())
        );
        assert_eq!(
            campaign("q=search"),
            (String::new(), String::new(), String::new())
        );
        let long = format!("utm_campaign={}", "a".repeat(500));
        assert_eq!(campaign(&long).2.len(), MAX_FIELD);
    }

    #[test]
    fn prefetches_staff_and_clients_without_accept_are_not_visitors() {
        let mut headers = HeaderMap::new();
        assert!(!from_a_visitor(&headers, "text/html"));
        headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        assert!(!from_a_visitor(&headers, "text/html"));
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,*/*;q=0.8"),
        );
        assert!(from_a_visitor(&headers, "text/html"));
        assert!(!from_a_visitor(&headers, "image/"));
        let mut prefetch = headers.clone();
        prefetch.insert(
            header::HeaderName::from_static("sec-purpose"),
            HeaderValue::from_static("prefetch;prerender"),
        );
        assert!(!from_a_visitor(&prefetch, "text/html"));
        let mut staff = headers.clone();
        staff.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("lang=de; {}=1", crate::web::auth::STAFF_COOKIE))
                .unwrap(),
        );
        assert!(!from_a_visitor(&staff, "text/html"));
    }
}
