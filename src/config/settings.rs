//! The settings every command shares, each from a flag or an environment variable: what an
//! operator can set, before it is validated into a [`super::Config`].
use std::path::PathBuf;

use clap::Args;

/// The settings every command shares; each can come from a flag or an environment variable.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "MAGNETIQ_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,
    /// Folder for the database, uploads and keys.
    #[arg(
        long,
        env = "MAGNETIQ_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL; defaults to `magnetiq.db` in the data folder.
    #[arg(long, env = "MAGNETIQ_DATABASE_URL", hide = true, global = true)]
    pub database_url: Option<String>,
    /// Folder of uploaded media; default `media/` in the data folder. Several instances of one site
    /// share one (a network or cluster file system every instance mounts).
    #[arg(long, env = "MAGNETIQ_MEDIA_DIR", hide = true, global = true)]
    pub media_dir: Option<PathBuf>,
    /// Database connections per instance (default: 4 for SQLite, 10 for PostgreSQL).
    #[arg(long, env = "MAGNETIQ_DATABASE_POOL", hide = true, global = true)]
    pub database_pool: Option<u32>,
    /// Languages, comma-separated; the first is the default.
    #[arg(
        long,
        env = "MAGNETIQ_LANGUAGES",
        default_value = "en,de",
        hide = true,
        global = true
    )]
    pub languages: String,
    /// Public address of the site, for absolute links (sitemap, canonical URLs).
    #[arg(long, env = "MAGNETIQ_BASE_URL", hide = true, global = true)]
    pub base_url: Option<String>,
    /// Mark cookies `Secure` and send HSTS; defaults to true unless the base URL is plain http.
    #[arg(long, env = "MAGNETIQ_SECURE_COOKIES", hide = true, global = true)]
    pub secure_cookies: Option<bool>,
    /// Key material for session cookies (at least 32 characters); default: `session.key` in the data folder.
    #[arg(
        long,
        env = "MAGNETIQ_SECRET_KEY",
        hide = true,
        global = true,
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// SMTP server for the outbox, e.g. `smtp://mail.example.com:587?tls=required`; unset: mails stay queued.
    #[arg(
        long,
        env = "MAGNETIQ_SMTP_URL",
        hide = true,
        global = true,
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender of the site's mails.
    #[arg(long, env = "MAGNETIQ_MAIL_FROM", hide = true, global = true)]
    pub mail_from: Option<String>,
    /// Newsletter mails sent a minute, across every instance of the site (transactional mails are
    /// not counted).
    #[arg(
        long,
        env = "MAGNETIQ_MAIL_RATE",
        default_value_t = 600,
        hide = true,
        global = true
    )]
    pub mail_rate: u32,
    /// `on` renders every public page in the background at start and after each change; `off`
    /// renders a page when it is first asked for (a CDN in front keeps them anyway).
    #[arg(
        long,
        env = "MAGNETIQ_PRERENDER",
        default_value = "on",
        hide = true,
        global = true
    )]
    pub prerender: String,
    /// Booking attempts one address may make in ten minutes.
    #[arg(
        long,
        env = "MAGNETIQ_BOOKING_LIMIT",
        default_value_t = 20,
        hide = true,
        global = true
    )]
    pub booking_limit: usize,
    /// Largest upload accepted, in megabytes.
    #[arg(
        long,
        env = "MAGNETIQ_MAX_UPLOAD_MB",
        default_value_t = 20,
        hide = true,
        global = true
    )]
    pub max_upload_mb: u64,
    /// HTTP worker threads; defaults to one less than the cores (SQLite queries run on threads of their own).
    #[arg(long, env = "MAGNETIQ_WORKERS", hide = true, global = true)]
    pub workers: Option<usize>,
    /// Seconds a CDN or proxy may keep a public page (`Cache-Control: public, max-age=…`); unset:
    /// `no-cache`, every visit revalidates.
    #[arg(long, env = "MAGNETIQ_PUBLIC_MAX_AGE", hide = true, global = true)]
    pub public_max_age: Option<u32>,
    /// Where cache purges go after a publish: a CDN's or proxy's address (PURGE per changed address)
    /// or a webhook (with MAGNETIQ_PURGE_METHOD=POST: one JSON list of the changed addresses).
    #[arg(
        long,
        env = "MAGNETIQ_PURGE_URL",
        hide = true,
        global = true,
        hide_env_values = true
    )]
    pub purge_url: Option<String>,
    /// `PURGE` (default) or `POST`.
    #[arg(
        long,
        env = "MAGNETIQ_PURGE_METHOD",
        default_value = "PURGE",
        hide = true,
        global = true
    )]
    pub purge_method: String,
    /// Visit statistics: `on` (pages the server answers are counted), `pixel` (each page asks for
    /// an uncached image that is counted instead, for pages a CDN answers) or `off`.
    #[arg(
        long,
        env = "MAGNETIQ_VISITS",
        default_value = "on",
        hide = true,
        global = true
    )]
    pub visits: String,
    /// Reverse proxies (addresses or CIDR blocks, comma-separated) whose `Forwarded` /
    /// `X-Forwarded-For` headers name the client; unset: the TCP peer is the client.
    #[arg(long, env = "MAGNETIQ_TRUSTED_PROXIES", hide = true, global = true)]
    pub trusted_proxies: Option<String>,
    /// Seconds an instance keeps serving after SIGTERM while `/readyz` answers 503, so a load
    /// balancer stops sending it traffic before it stops.
    #[arg(
        long,
        env = "MAGNETIQ_SHUTDOWN_DELAY",
        default_value_t = 0,
        hide = true,
        global = true
    )]
    pub shutdown_delay: u64,
    /// The bearer token `/metrics` asks for; unset: no `/metrics` (404) and no metrics kept.
    #[arg(
        long,
        env = "MAGNETIQ_METRICS_TOKEN",
        hide = true,
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// Where the team's notification of a contact message goes; default: every active admin.
    #[arg(long, env = "MAGNETIQ_CONTACT_TO", hide = true, global = true)]
    pub contact_to: Option<String>,
    /// Webhook endpoints may be on loopback or private addresses (a CRM inside the operator's own
    /// network); off by default, so a form in the admin cannot reach into that network.
    #[arg(
        long,
        env = "MAGNETIQ_WEBHOOK_ALLOW_PRIVATE",
        hide = true,
        global = true,
        default_value = "false",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub webhook_allow_private: bool,
    /// Days contact messages are kept (0: until erased by hand).
    #[arg(
        long,
        env = "MAGNETIQ_RETAIN_MESSAGES_DAYS",
        default_value_t = 730,
        hide = true,
        global = true
    )]
    pub retain_messages_days: u32,
    /// Days unconfirmed sign-ups (newsletter, whitepaper requests never confirmed) are kept.
    #[arg(
        long,
        env = "MAGNETIQ_RETAIN_UNCONFIRMED_DAYS",
        default_value_t = 30,
        hide = true,
        global = true
    )]
    pub retain_unconfirmed_days: u32,
    /// Days an unsubscribed address is kept (so a late mail is not sent to it), then deleted.
    #[arg(
        long,
        env = "MAGNETIQ_RETAIN_UNSUBSCRIBED_DAYS",
        default_value_t = 30,
        hide = true,
        global = true
    )]
    pub retain_unsubscribed_days: u32,
    /// The site's time zone: the admin's times for people who chose none (IANA name).
    #[arg(
        long,
        env = "MAGNETIQ_TIMEZONE",
        default_value = "Europe/Berlin",
        hide = true,
        global = true
    )]
    pub timezone: String,
    /// The site's name, shown in titles and the footer.
    #[arg(
        long,
        env = "MAGNETIQ_SITE_NAME",
        default_value = "Magnetiq",
        hide = true,
        global = true
    )]
    pub site_name: String,
}
