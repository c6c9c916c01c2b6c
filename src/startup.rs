//! Start-up: the state a server (or a test) runs on, prepared once from the configuration (the
//! database opened, migrated and on a first start seeded; the UI strings and the site tree loaded),
//! the work that runs beside the requests, and the graceful stop on SIGTERM.
use actix_web::dev::ServerHandle;
use actix_web::web;
use anyhow::Context;

use crate::config::Config;
use crate::i18n::Catalog;
use crate::web::auth::session_key;
use crate::web::state::AppState;
use crate::{booking, content, db, jobs, webinars, whitepapers};

/// Opens the database (creating, migrating and, when empty, seeding it with the demo site), loads the
/// UI strings and the site tree.
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    install_tls_provider();
    let catalog = Catalog::load(&config.languages).context("cannot load the UI strings")?;
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        )
    })?;
    let db = db::connect(&config.database_url, config.pool()).await?;
    // Instances started at once against an empty database: one seeds, the others wait and see pages.
    // What the search index's writers read inside their transactions, far from the configuration.
    db::settings::record_languages(&db, &config.languages).await?;
    let seeding = db.exclusive(db::Exclusive::Seeding).await?;
    if !content::store::has_pages(&db).await? {
        let created = content::seed::seed_demo(&db, config.languages.all()).await?;
        let consultants = crate::booking::seed::seed_demo_consultants(&db).await?;
        let webinars = webinars::seed::seed_demo_webinars(&db).await?;
        let whitepapers = whitepapers::seed::seed_demo_whitepapers(&db, &config.media_dir).await?;
        let articles = content::articles::seed::seed_demo_articles(
            &db,
            &config.media_dir,
            config.languages.all(),
        )
        .await?;
        tracing::info!(
            pages = created,
            articles,
            consultants,
            webinars,
            whitepapers,
            "new database: demo content seeded"
        );
    }
    // A site that ran a version without the search index (or restored an old backup) gets it
    // built once, here, instead of finding nothing until someone runs `magnetiq reindex`; under
    // the seeding lock, so instances started at once build it once.
    if search_needs_building(&db).await? {
        let (pages, webinars, whitepapers) = jobs::reindex(&db).await?;
        tracing::info!(
            pages,
            webinars,
            whitepapers,
            "search index built for the site's existing content"
        );
    }
    if let Some(seeding) = seeding {
        seeding.commit().await?;
    }
    let addresses = content::addresses::complete_slugs(&db, &config.languages).await?;
    if addresses > 0 {
        tracing::info!(addresses, "page addresses completed for every language");
    }
    let converted = crate::booking::store::hash_plain_tokens(&db).await?;
    if converted > 0 {
        tracing::info!(
            converted,
            "booking confirmation tokens now stored as hashes"
        );
    }
    // Retention's first run, before the instance is ready; the hourly runs follow from
    // `spawn_background`.
    if let Err(error) =
        crate::people::retention::run_once(&db, config.retention, jiff::Timestamp::now()).await
    {
        tracing::warn!(%error, "retention run at start failed; trying again in an hour");
    }
    let tree = content::store::site_tree(&db).await?;
    if crate::users::store::admins(&db).await? == 0 {
        tracing::info!(
            "no admin user yet: create one with `MAGNETIQ_PASSWORD=... magnetiq create-user --email you@example.com --role admin` \
             (or leave MAGNETIQ_PASSWORD unset to type it), then sign in at /admin"
        );
    }
    let key = session_key(&config, &db).await?;
    let mut state = AppState::new(
        config,
        db,
        catalog,
        key,
        std::sync::Arc::new(crate::frame::SiteFrame),
    );
    content::install(&mut state, tree);
    state.insert_extension(crate::accounts::reset::ForgotLimit::default());
    if state.config.visits != crate::config::VisitCounting::Off {
        let zone = jiff::tz::TimeZone::get(&state.config.timezone)
            .context("the site's time zone for visit statistics")?;
        let counter = std::sync::Arc::new(crate::visits::Counter::new(zone));
        state.insert_extension(crate::visits::count::Counting::new(counter));
    }
    content::articles::refresh(&state).await?;
    webinars::refresh(&state).await?;
    whitepapers::refresh(&state).await?;
    booking::refresh(&state).await?;
    Ok(state)
}

/// Whether the search index is empty while there is something visitors could find.
async fn search_needs_building(db: &db::Db) -> anyhow::Result<bool> {
    Ok(db::sql(
        "SELECT NOT EXISTS (SELECT 1 FROM search_documents)
            AND (EXISTS (SELECT 1 FROM pages WHERE status <> 'draft')
                 OR EXISTS (SELECT 1 FROM webinars WHERE status <> 'draft')
                 OR EXISTS (SELECT 1 FROM whitepapers WHERE status = 'published'))",
    )
    .scalar::<bool>(db)
    .await?)
}

/// What runs beside the requests: cache purges, webinars' starts and ends, retention, and (on
/// PostgreSQL) listening for another instance's edits.
pub fn spawn_background(state: &web::Data<AppState>) -> anyhow::Result<()> {
    crate::outbox::purge::spawn(state)?;
    crate::webinars::keep_fresh(state.clone());
    crate::people::retention::spawn(state.db.clone(), state.config.retention);
    crate::visits::spawn_writer(state);
    crate::webhooks::worker::spawn(state)?;
    crate::leads::reminders::spawn(state.clone());
    // Every public page rendered ahead of visitors, after the instance is ready (`/readyz` does
    // not wait for it).
    content::prerender::spawn(state);
    // Another instance's edits: forget what this one cached (PostgreSQL only).
    let listening = state.clone();
    db::notices::listen(&state.db, state.instance.clone(), move |heard| {
        let state = listening.clone();
        async move {
            let refreshed = async {
                webinars::refresh(&state).await?;
                whitepapers::refresh(&state).await?;
                booking::refresh(&state).await?;
                let paths = match &heard {
                    db::notices::Heard::Notice(db::notices::Notice::PathsChanged(paths)) => {
                        Some(paths.as_slice())
                    }
                    _ => None,
                };
                content::changes::heard(&state, paths).await
            };
            if let Err(error) = refreshed.await {
                tracing::warn!(%error, "cannot refresh after another instance's change");
            }
        }
    });
    Ok(())
}

/// The mail sender, when `MAGNETIQ_SMTP_URL` is set; otherwise mails wait in the outbox.
pub fn spawn_mailer(state: &web::Data<AppState>) -> anyhow::Result<()> {
    match &state.config.smtp_url {
        Some(crate::config::Secret(url)) => {
            let from: lettre::message::Mailbox = state
                .config
                .mail_from
                .parse()
                .with_context(|| format!("MAGNETIQ_MAIL_FROM {:?}", state.config.mail_from))?;
            let transport = crate::outbox::worker::transport(url)?;
            crate::outbox::worker::spawn(state.db.clone(), transport.clone(), from.clone());
            let sender = crate::mailings::sender::Sender::new(state, transport, from);
            crate::mailings::sender::spawn(state.clone(), sender);
        }
        None => tracing::info!(
            "MAGNETIQ_SMTP_URL is not set: mails stay in the outbox (see /admin/outbox)"
        ),
    }
    Ok(())
}

/// On SIGTERM or SIGINT: `/readyz` answers 503 for the configured delay, then the server stops
/// gracefully, letting in-flight requests finish.
pub fn stop_on_signal(handle: ServerHandle, state: web::Data<AppState>) {
    let delay = std::time::Duration::from_secs(state.config.shutdown_delay);
    tokio::spawn(async move {
        stop_signal().await;
        // A load balancer asking /readyz stops sending traffic during the delay; requests that
        // still come are served. Then the graceful stop lets in-flight requests finish.
        state.draining.start();
        tracing::info!(
            delay_seconds = delay.as_secs(),
            "stop requested: /readyz answers 503; stopping after the delay"
        );
        tokio::time::sleep(delay).await;
        handle.stop(true).await;
    });
}

/// Waits for SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The process-wide TLS provider for HTTPS clients (cache purges): ring, as the mailer uses. Safe to
/// call more than once.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
