//! Configuration from the environment and command-line flags, validated once at start-up.
use std::path::PathBuf;

use crate::i18n::{BadLanguages, Languages};

pub mod proxies;
mod settings;

pub use settings::Settings;

/// A value that must not end up in logs (keys, URLs with passwords): `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    /// Uploaded media.
    pub media_dir: PathBuf,
    pub database_url: String,
    /// Connections to the database per instance; `None`: the engine's default.
    pub database_pool: Option<u32>,
    pub languages: Languages,
    /// Without a trailing slash, e.g. `https://example.com`.
    pub base_url: String,
    pub secure_cookies: bool,
    pub site_name: String,
    /// The site's time zone (IANA name, known to the bundled zone database).
    pub timezone: String,
    pub workers: usize,
    pub secret_key: Option<Secret>,
    pub max_upload_bytes: u64,
    pub smtp_url: Option<Secret>,
    pub booking_limit: usize,
    /// Newsletter mails a minute, for the whole site (`MAGNETIQ_MAIL_RATE`, at least 1).
    pub mail_rate: u32,
    /// Public pages rendered in the background before anyone asks (`MAGNETIQ_PRERENDER`, on).
    pub prerender: bool,
    /// `Name <address>` the site's mails come from.
    pub mail_from: String,
    /// Seconds shared caches may keep public pages; `None`: they revalidate every time.
    pub public_max_age: Option<u32>,
    /// Where changed addresses are purged after a publish, and how.
    pub purge: Option<Purge>,
    /// Proxies whose forwarding headers are believed (see `web::client`).
    pub trusted_proxies: proxies::TrustedProxies,
    /// How visits are counted for the statistics.
    pub visits: VisitCounting,
    /// Seconds to keep serving, not ready, after SIGTERM.
    pub shutdown_delay: u64,
    /// The bearer token of `/metrics`; `None`: metrics are off.
    pub metrics_token: Option<Secret>,
    /// Where the team's notification of a contact message goes; `None`: to every active admin.
    /// Never an address that cannot receive (refused at start).
    pub contact_to: Option<String>,
    /// Webhooks may go to loopback and private addresses (`MAGNETIQ_WEBHOOK_ALLOW_PRIVATE=1`).
    pub webhook_allow_private: bool,
    /// How long personal data of each kind is kept.
    pub retention: Retention,
}

/// Days each kind of personal data is kept before the server deletes it itself; 0: kept until
/// someone erases it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub messages_days: u32,
    pub unconfirmed_days: u32,
    pub unsubscribed_days: u32,
}

/// How the statistics learn of a page view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitCounting {
    /// Not at all.
    Off,
    /// Each public page the server answers (from its cache or rendered).
    AtServer,
    /// Each page asks for a tiny uncached image, counted instead: for pages a CDN answers.
    Pixel,
}

impl VisitCounting {
    pub fn parse(text: &str) -> Option<VisitCounting> {
        match text.trim().to_ascii_lowercase().as_str() {
            "on" | "" => Some(VisitCounting::AtServer),
            "off" => Some(VisitCounting::Off),
            "pixel" => Some(VisitCounting::Pixel),
            _ => None,
        }
    }
}

/// Telling a CDN or reverse proxy to forget changed pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purge {
    /// May hold a token in its query: `Debug` hides it.
    pub url: Secret,
    pub method: PurgeMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeMethod {
    /// `PURGE {url}{path}` for each changed address, with the site's `Host` (nginx, Varnish).
    Purge,
    /// One `POST {url}` with `{"urls": [...]}` listing the changed addresses (a CDN's webhook).
    Post,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Languages(#[from] BadLanguages),
    #[error("MAGNETIQ_BASE_URL must start with http:// or https:// (got {0:?})")]
    BaseUrl(String),
    #[error("MAGNETIQ_BIND must be host:port (got {0:?})")]
    Bind(String),
    #[error("MAGNETIQ_DATABASE_URL {0:?} is not supported: use {sql}", sql = crate::db::SUPPORTED_URLS)]
    DatabaseUrl(String),
    #[error("MAGNETIQ_PURGE_URL must start with http:// or https://")]
    PurgeUrl,
    #[error("MAGNETIQ_PURGE_METHOD must be PURGE or POST (got {0:?})")]
    PurgeMethod(String),
    #[error("MAGNETIQ_VISITS must be on, pixel or off (got {0:?})")]
    Visits(String),
    #[error("MAGNETIQ_PRERENDER must be on or off (got {0:?})")]
    Prerender(String),
    #[error("MAGNETIQ_TRUSTED_PROXIES: {0:?} is neither an address nor a CIDR block")]
    TrustedProxies(String),
    #[error("MAGNETIQ_TIMEZONE: {0:?} is not a time zone (use an IANA name like Europe/Berlin)")]
    TimeZone(String),
    #[error(
        "MAGNETIQ_CONTACT_TO: {0:?} cannot receive mail (a no-reply or local address); leave it unset to notify every admin"
    )]
    ContactTo(String),
}

/// Whether mail sent to `address` can reach a person: a valid address, not a no-reply one, on a
/// domain that is not this machine's.
fn can_receive(address: &str) -> bool {
    let Ok(email) = crate::forms::Email::parse(address) else {
        return false;
    };
    let (local, domain) = email.as_str().rsplit_once('@').unwrap_or(("", ""));
    let no_reply = ["no-reply", "noreply", "do-not-reply", "donotreply"]
        .iter()
        .any(|n| local.eq_ignore_ascii_case(n));
    let local_domain = domain == "localhost"
        || domain.ends_with(".localdomain")
        || domain.ends_with(".local")
        || !domain.contains('.');
    !no_reply && !local_domain
}

/// The host of the base URL, for a default sender address.
fn mail_host(base_url: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or("localhost")
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost");
    if host.contains('.') && !host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        host.to_owned()
    } else {
        "localhost.localdomain".to_owned()
    }
}

/// One HTTP worker per core, less one core left to SQLite's query threads (measured on 2 cores: one
/// worker served 30% more uncached pages than two).
fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

impl Config {
    pub fn from_settings(s: Settings) -> Result<Config, ConfigError> {
        if s.bind
            .rsplit_once(':')
            .is_none_or(|(_, port)| port.parse::<u16>().is_err())
        {
            return Err(ConfigError::Bind(s.bind));
        }
        let base_url = s.base_url.unwrap_or_else(|| format!("http://{}", s.bind));
        let base_url = base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::BaseUrl(base_url));
        }
        let secure_cookies = s.secure_cookies.unwrap_or(base_url.starts_with("https://"));
        let mail_from = s
            .mail_from
            .clone()
            .unwrap_or_else(|| format!("{} <no-reply@{}>", s.site_name, mail_host(&base_url)));
        let purge = match s.purge_url.filter(|u| !u.trim().is_empty()) {
            None => None,
            Some(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(ConfigError::PurgeUrl);
                }
                let method = match s.purge_method.to_ascii_uppercase().as_str() {
                    "PURGE" => PurgeMethod::Purge,
                    "POST" => PurgeMethod::Post,
                    _ => return Err(ConfigError::PurgeMethod(s.purge_method)),
                };
                Some(Purge {
                    url: Secret(url.trim_end_matches('/').to_owned()),
                    method,
                })
            }
        };
        let database_url = s
            .database_url
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("sqlite://{}", s.data_dir.join("magnetiq.db").display()));
        if crate::db::Engine::of_url(&database_url).is_none() {
            return Err(ConfigError::DatabaseUrl(crate::db::redacted(&database_url)));
        }
        let trusted_proxies =
            proxies::TrustedProxies::parse(s.trusted_proxies.as_deref().unwrap_or(""))
                .map_err(ConfigError::TrustedProxies)?;
        let timezone = s.timezone.trim().to_owned();
        if crate::zones::zone(&timezone).is_none() {
            return Err(ConfigError::TimeZone(timezone));
        }
        Ok(Config {
            bind: s.bind,
            timezone,
            languages: Languages::parse(&s.languages)?,
            media_dir: s.media_dir.unwrap_or_else(|| s.data_dir.join("media")),
            data_dir: s.data_dir,
            database_url,
            database_pool: s.database_pool.filter(|n| *n > 0),
            base_url,
            secure_cookies,
            site_name: s.site_name,
            workers: s.workers.filter(|w| *w > 0).unwrap_or_else(default_workers),
            secret_key: s.secret_key.map(Secret),
            max_upload_bytes: s.max_upload_mb.clamp(1, 1024) * 1024 * 1024,
            smtp_url: s.smtp_url.filter(|u| !u.trim().is_empty()).map(Secret),
            booking_limit: s.booking_limit.max(1),
            mail_rate: s.mail_rate.max(1),
            prerender: match s.prerender.as_str() {
                "on" => true,
                "off" => false,
                other => return Err(ConfigError::Prerender(other.to_owned())),
            },
            public_max_age: s.public_max_age,
            purge,
            trusted_proxies,
            visits: VisitCounting::parse(&s.visits).ok_or(ConfigError::Visits(s.visits.clone()))?,
            shutdown_delay: s.shutdown_delay.min(3600),
            metrics_token: s
                .metrics_token
                .filter(|t| !t.trim().is_empty())
                .map(|t| Secret(t.trim().to_owned())),
            contact_to: match s.contact_to.map(|t| t.trim().to_owned()) {
                None => None,
                Some(t) if t.is_empty() => None,
                Some(t) if can_receive(&t) => Some(t),
                Some(t) => return Err(ConfigError::ContactTo(t)),
            },
            webhook_allow_private: s.webhook_allow_private,
            retention: Retention {
                messages_days: s.retain_messages_days,
                unconfirmed_days: s.retain_unconfirmed_days,
                unsubscribed_days: s.retain_unsubscribed_days,
            },
            mail_from,
        })
    }

    /// How many database connections, and how long a request waits for one.
    pub fn pool(&self) -> crate::db::PoolSettings {
        crate::db::PoolSettings {
            size: self.database_pool,
            ..crate::db::PoolSettings::default()
        }
    }

    /// Defaults for a site kept in `data_dir` and listening on `bind` (tests use `127.0.0.1:0`).
    pub fn local(data_dir: impl Into<PathBuf>, bind: &str) -> Config {
        let settings = Settings {
            bind: bind.to_owned(),
            data_dir: data_dir.into(),
            database_url: None,
            media_dir: None,
            database_pool: None,
            languages: "en,de".into(),
            base_url: None,
            secure_cookies: None,
            site_name: "Magnetiq".into(),
            timezone: "Europe/Berlin".into(),
            workers: None,
            secret_key: None,
            max_upload_mb: 20,
            smtp_url: None,
            booking_limit: 20,
            mail_rate: 600,
            prerender: "on".into(),
            mail_from: None,
            public_max_age: None,
            purge_url: None,
            purge_method: "PURGE".into(),
            visits: "on".into(),
            trusted_proxies: None,
            shutdown_delay: 0,
            metrics_token: None,
            contact_to: None,
            webhook_allow_private: false,
            retain_messages_days: 730,
            retain_unconfirmed_days: 30,
            retain_unsubscribed_days: 30,
        };
        // The defaults above are valid by construction.
        Config::from_settings(settings).unwrap_or_else(|e| panic!("default config invalid: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_recipient_that_cannot_receive_is_refused() {
        for fine in ["team@magnetiq.example", "Sales@Example.COM"] {
            assert!(can_receive(fine), "{fine}");
        }
        for refused in [
            "no-reply@localhost.localdomain",
            "no-reply@magnetiq.example",
            "team@localhost",
            "team@box.local",
            "not an address",
        ] {
            assert!(!can_receive(refused), "{refused}");
        }
    }

    #[test]
    fn https_base_url_turns_on_secure_cookies() {
        let mut c = Config::local("/tmp/x", "127.0.0.1:8080");
        assert!(!c.secure_cookies);
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        let settings = Settings {
            bind: "0.0.0.0:80".into(),
            data_dir: "/srv".into(),
            database_url: None,
            media_dir: None,
            database_pool: None,
            languages: "de,en".into(),
            base_url: Some("https://example.com/".into()),
            secure_cookies: None,
            site_name: "Example".into(),
            timezone: "Europe/Berlin".into(),
            workers: None,
            secret_key: None,
            max_upload_mb: 20,
            smtp_url: None,
            booking_limit: 20,
            mail_rate: 600,
            prerender: "on".into(),
            mail_from: None,
            public_max_age: None,
            purge_url: None,
            purge_method: "PURGE".into(),
            visits: "on".into(),
            trusted_proxies: None,
            shutdown_delay: 0,
            metrics_token: None,
            contact_to: None,
            webhook_allow_private: false,
            retain_messages_days: 730,
            retain_unconfirmed_days: 30,
            retain_unsubscribed_days: 30,
        };
        c = Config::from_settings(settings).unwrap();
        assert!(c.secure_cookies);
        assert_eq!(c.base_url, "https://example.com");
        assert_eq!(c.languages.default_lang().as_str(), "de");
        assert_eq!(c.database_url, "sqlite:///srv/magnetiq.db");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let mut c = Config::local("/tmp/x", "127.0.0.1:1");
        c.secret_key = Some(Secret("very-secret-key-material-0123456789".into()));
        c.smtp_url = Some(Secret("smtp://user:hunter2@mail.example.com".into()));
        let printed = format!("{c:?}");
        assert!(
            !printed.contains("very-secret") && !printed.contains("hunter2"),
            "{printed}"
        );
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        let mut s = Settings {
            bind: "nonsense".into(),
            data_dir: "/srv".into(),
            database_url: None,
            media_dir: None,
            database_pool: None,
            languages: "en".into(),
            base_url: None,
            secure_cookies: None,
            site_name: "X".into(),
            timezone: "Mars/Olympus".into(),
            workers: Some(3),
            secret_key: None,
            max_upload_mb: 20,
            smtp_url: None,
            booking_limit: 20,
            mail_rate: 600,
            prerender: "on".into(),
            mail_from: None,
            public_max_age: None,
            purge_url: None,
            purge_method: "PURGE".into(),
            visits: "on".into(),
            trusted_proxies: None,
            shutdown_delay: 0,
            metrics_token: None,
            contact_to: None,
            webhook_allow_private: false,
            retain_messages_days: 730,
            retain_unconfirmed_days: 30,
            retain_unsubscribed_days: 30,
        };
        assert!(
            Config::from_settings(s.clone())
                .unwrap_err()
                .to_string()
                .contains("MAGNETIQ_BIND")
        );
        s.bind = "127.0.0.1:1".into();
        s.base_url = Some("ftp://x".into());
        assert!(
            Config::from_settings(s.clone())
                .unwrap_err()
                .to_string()
                .contains("MAGNETIQ_BASE_URL")
        );
        s.base_url = None;
        assert!(
            Config::from_settings(s)
                .unwrap_err()
                .to_string()
                .contains("MAGNETIQ_TIMEZONE")
        );
    }
}
