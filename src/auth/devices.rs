//! Known devices: a browser that signed in to an account gets a signed cookie naming the account and
//! a random device id. The login throttle counts that browser's failures on their own (see
//! `auth::throttle`), so an attack on the account from elsewhere does not keep its owner out.
//!
//! The cookie is HttpOnly, SameSite=Strict, limited to `/admin`, Secure on https sites, kept a year,
//! and signed with the site's key: a forged or altered one, or one for another account, is ignored.
use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, CookieJar, SameSite};

use crate::web::state::AppState;

pub const DEVICE_COOKIE: &str = "mq_device";
const LIFETIME_DAYS: i64 = 365;

/// The device id this browser holds for `user_id`, if its cookie is genuine.
pub fn known_device(req: &HttpRequest, state: &AppState, user_id: i64) -> Option<String> {
    let cookie = req.cookie(DEVICE_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let verified = jar.signed(&state.session_key).get(DEVICE_COOKIE)?;
    let (user, device) = verified.value().split_once('.')?;
    (user.parse::<i64>().ok()? == user_id && crate::tokens::looks_like_token(device))
        .then(|| device.to_owned())
}

/// The cookie that makes this browser a known device of `user_id` (keeping `device` when it was one).
pub fn device_cookie(
    state: &AppState,
    user_id: i64,
    device: Option<&str>,
) -> anyhow::Result<Cookie<'static>> {
    let device = match device {
        Some(device) => device.to_owned(),
        None => crate::tokens::random_token()?,
    };
    let cookie = Cookie::build(DEVICE_COOKIE, format!("{user_id}.{device}"))
        .path("/admin")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(LIFETIME_DAYS))
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.session_key).add(cookie);
    jar.get(DEVICE_COOKIE)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the device cookie was not signed"))
}
