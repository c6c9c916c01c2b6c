//! The reader cookie: it remembers a confirmed reader in this browser, so their next whitepaper is
//! one click. It is first-party, HttpOnly, SameSite=Lax and signed with the site's key; it holds the
//! confirmed lead's id and when it was set. A cookie that fails its signature, is older than
//! [`READER_LIFETIME`] or names an erased lead is ignored: the form comes back.
use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, CookieJar, SameSite};
use jiff::Timestamp;

use super::model::READER_LIFETIME;
use crate::web::state::AppState;

pub const READER_COOKIE: &str = "mq_reader";

/// The confirmed lead a request's reader cookie names, if the cookie is genuine and recent.
pub fn reader_id(req: &HttpRequest, state: &AppState) -> Option<i64> {
    let cookie = req.cookie(READER_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let verified = jar.signed(&state.session_key).get(READER_COOKIE)?;
    let (id, since) = verified.value().split_once('.')?;
    let since = Timestamp::from_second(since.parse().ok()?).ok()?;
    (since + READER_LIFETIME > Timestamp::now()).then_some(())?;
    id.parse().ok()
}

/// The signed cookie that remembers confirmed lead `lead_id` in this browser.
pub fn reader_cookie(state: &AppState, lead_id: i64) -> Option<Cookie<'static>> {
    let mut jar = CookieJar::new();
    let cookie = Cookie::build(
        READER_COOKIE,
        format!("{lead_id}.{}", Timestamp::now().as_second()),
    )
    .path("/")
    .http_only(true)
    .secure(state.config.secure_cookies)
    .same_site(SameSite::Lax)
    .max_age(actix_web::cookie::time::Duration::seconds(
        READER_LIFETIME.as_secs(),
    ))
    .finish();
    jar.signed_mut(&state.session_key).add(cookie);
    jar.get(READER_COOKIE).cloned()
}
