//! Admin sessions over HTTP: the encrypted session cookie, the signed-in user extractor (with idle and
//! absolute timeouts checked against the sessions table), role checks, and CSRF-checked forms.
use std::future::Future;
use std::io::Write as _;
use std::pin::Pin;
use std::time::Duration;

use actix_session::config::{BrowserSession, CookieContentSecurity, SessionLifecycle};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use anyhow::Context;
use serde::de::DeserializeOwned;

use super::sessions;
use crate::config::Config;
use crate::db::{Db, Engine};
use crate::error::AppError;
use crate::users::User;
use crate::web::state::AppState;

pub const SESSION_COOKIE: &str = "magnetiq_session";

/// Set for the whole site when a staff member signs in, removed when they sign out: public pages
/// this browser asks for are not counted in the visit statistics. It grants nothing (a visitor who
/// sets it only leaves the figures).
pub const STAFF_COOKIE: &str = "magnetiq_staff";

/// The staff mark (a browser session's cookie, like the admin session's).
pub fn staff_cookie(secure: bool) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(STAFF_COOKIE, "1")
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// What takes the staff mark away.
pub fn staff_cookie_removal(secure: bool) -> actix_web::cookie::Cookie<'static> {
    let mut cookie = staff_cookie(secure);
    cookie.make_removal();
    cookie
}
/// Signed out after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Signed out this long after signing in, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 60 * 60);
const SESSION_ID: &str = "sid";

/// The key that encrypts and signs session cookies: `MAGNETIQ_SECRET_KEY` when set (at least 32
/// bytes). Otherwise a SQLite site keeps `session.key` in its data folder (created once, owner-only),
/// and a PostgreSQL site keeps its key in the database, so that every instance has the same one: an
/// instance with a key of its own would sign everybody out whom another instance signed in.
pub async fn session_key(config: &Config, db: &Db) -> anyhow::Result<Key> {
    if let Some(crate::config::Secret(secret)) = &config.secret_key {
        anyhow::ensure!(
            secret.len() >= 32,
            "MAGNETIQ_SECRET_KEY must be at least 32 characters"
        );
        return Ok(Key::derive_from(secret.as_bytes()));
    }
    if db.engine() == Engine::Postgres {
        let shared = sessions::shared_key(db, "session").await?;
        return Key::try_from(&shared[..]).context("the session key in site_keys is not a key");
    }
    let path = config.data_dir.join("session.key");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 64 => {
            return Key::try_from(&bytes[..64]).context("session.key is not a key");
        }
        Ok(_) => anyhow::bail!(
            "{} is too short; delete it to have a new one made",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let key = Key::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(key.master())?;
    file.sync_all()?;
    Ok(key)
}

/// The session cookie: encrypted and signed, HttpOnly, SameSite=Lax, Secure when configured, only
/// sent to `/admin`, gone when the browser closes (the server enforces the timeouts).
pub fn session_middleware(key: Key, secure: bool) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(SESSION_COOKIE.to_owned())
        .cookie_secure(secure)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_path("/admin".to_owned())
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(SessionLifecycle::BrowserSession(BrowserSession::default()))
        .build()
}

/// Starts a signed-in session in a fresh cookie (never the one presented before: no fixation).
pub fn begin(session: &Session, session_id: &str) -> Result<(), AppError> {
    session.clear();
    session.renew();
    session
        .insert(SESSION_ID, session_id)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// The signed-in user of an admin request. Extracting it is the role-free access check: without a live
/// session the browser is sent to the login page.
pub struct CurrentUser {
    pub user: User,
    pub session_id: String,
    pub csrf_token: String,
}

impl CurrentUser {
    /// Admin-only pages call this: editors get 403.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.user.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { current_user(&req).await })
    }
}

async fn current_user(req: &HttpRequest) -> Result<CurrentUser, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(AppError::Internal(anyhow::anyhow!("no state")))?;
    let session = req.get_session();
    let next = match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    };
    // The login page, which then leads back here.
    let login = format!("/admin/login?next={}", super::percent_encode(&next, b"/"));
    let sign_in = || AppError::SeeOther(login.clone());
    let Ok(Some(id)) = session.get::<String>(SESSION_ID) else {
        return Err(sign_in());
    };
    let Some(stored) = sessions::find(&state.db, &id).await? else {
        session.purge();
        return Err(sign_in());
    };
    let now = crate::db::now();
    let idle = now - stored.last_seen_at > IDLE_TIMEOUT;
    let too_old = now - stored.created_at > ABSOLUTE_TIMEOUT;
    if idle || too_old || !stored.user.active {
        sessions::delete(&state.db, &id).await?;
        session.purge();
        return Err(sign_in());
    }
    if stored.must_enrol && !enrolment_path(req.path()) {
        return Err(AppError::SeeOther(ENROL_PATH.to_owned()));
    }
    if !stored.user.is_reviewer() && !author_path(req.path()) {
        return Err(AppError::Forbidden);
    }
    if now - stored.last_seen_at > Duration::from_secs(60) {
        sessions::touch(&state.db, &id).await?;
    }
    Ok(CurrentUser {
        user: stored.user,
        session_id: id,
        csrf_token: stored.csrf_token,
    })
}

/// Where a session that must set up two-factor sign-in is sent; it may reach nothing else but
/// signing out.
pub const ENROL_PATH: &str = "/admin/account/security";

fn enrolment_path(path: &str) -> bool {
    path == "/admin/logout"
        || path
            .strip_prefix(ENROL_PATH)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The parts of the admin an author works in: the dashboard, pages (drafts only: the handlers check
/// each page), articles, newsletter issues (drafts and submitting them), the media library, the
/// translation overview, their submissions and their own account.
/// Everything else (leads, people, bookings, webinars, users, the audit log, ...) answers 403.
fn author_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/admin") else {
        return false;
    };
    let mut parts = rest.trim_start_matches('/').split('/');
    let section = parts.next().unwrap_or("");
    // Authors write articles; the section's settings and categories are for editors.
    if section == "articles" {
        return parts.next() != Some("settings");
    }
    matches!(
        section,
        "" | "pages"
            | "media"
            | "translations"
            | "review"
            | "account"
            | "logout"
            | "language"
            | "newsletter"
    )
}

/// A state-changing admin form: the signed-in user plus the parsed form, after the one CSRF check every
/// admin POST goes through (the session's token in the hidden `csrf_token` field, compared in constant
/// time, and the `Origin` header, when the browser sends one, naming this site). Otherwise 403.
pub struct AdminForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for AdminForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let user = current_user(&req).await?;
            check_origin(&req)?;
            let body = body.await.map_err(|e| AppError::from_payload(&e))?;
            let field: CsrfField =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::Forbidden)?;
            if !crate::tokens::constant_time_eq(
                field.csrf_token.as_bytes(),
                user.csrf_token.as_bytes(),
            ) {
                return Err(AppError::Forbidden);
            }
            let form = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            Ok(AdminForm { user, form })
        })
    }
}

/// A browser that says where a POST comes from must say it comes from this site.
pub fn check_origin(req: &HttpRequest) -> Result<(), AppError> {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().map_err(|_| AppError::Forbidden)?;
    let host = super::client::requested_host(req);
    let state = req.app_data::<web::Data<AppState>>();
    let base = state.map(|s| s.config.base_url.as_str()).unwrap_or("");
    let same_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        == Some(host.as_str());
    if same_host || origin == base {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The client's address (the peer, or behind trusted proxies the address they forwarded).
pub use super::client::client_ip;

/// Only paths on this site: `/admin/pages`, never `//evil.example` or `https://...`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_only_leads_inside_the_site() {
        assert_eq!(safe_next(Some("/admin/pages?x=1")), "/admin/pages?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/a\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/admin", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/admin");
    }
}
