//! Builds Magnetiq: the shared state, the middleware and every route (the one place to see every URL).
use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use actix_session::SessionMiddleware;
use actix_session::storage::CookieSessionStore;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;

use crate::admin::dashboard;
use crate::audit;
use crate::auth::login;
use crate::booking;
use crate::config::Config;
use crate::content::{
    self, admin as pages, admin_blocks as blocks, admin_revisions as revisions, public, seo,
};
use crate::db;
use crate::error::{AppError, localized_error_page};
use crate::i18n::Catalog;
use crate::media;
use crate::users::admin as users;
use crate::web::auth::{session_key, session_middleware};
use crate::web::state::AppState;
use crate::web::{assets, canonical, compression, headers, health, page_cache};
use crate::webinars;
use crate::whitepapers;

/// Largest request body accepted anywhere; more gets 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every URL Magnetiq answers. The admin panel (`/admin`) has the session cookie and never caches.
pub fn routes(cfg: &mut web::ServiceConfig, session: SessionMiddleware<CookieSessionStore>) {
    cfg.service(
        web::scope("/admin")
            .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
            .wrap(session)
            .route("", web::get().to(dashboard::dashboard))
            .route("/", web::get().to(dashboard::dashboard))
            .route("/login", web::get().to(login::login_form))
            .route("/login", web::post().to(login::login))
            .route("/logout", web::post().to(login::logout))
            .route("/language/{lang}", web::get().to(login::switch_language))
            .route("/audit", web::get().to(audit::admin::list))
            .route("/bookings", web::get().to(booking::admin::list))
            .route(
                "/bookings/export.csv",
                web::get().to(booking::admin::export),
            )
            .route("/bookings/{id}", web::get().to(booking::admin::detail))
            .route("/bookings/{id}", web::post().to(booking::admin::save))
            .route(
                "/bookings/{id}/delete",
                web::post().to(booking::admin::delete),
            )
            .route("/consultants", web::get().to(booking::consultants::list))
            .route(
                "/consultants/new",
                web::get().to(booking::consultants::edit_form),
            )
            .route(
                "/consultants/new",
                web::post().to(booking::consultants::save),
            )
            .route(
                "/consultants/{id}",
                web::get().to(booking::consultants::edit_form),
            )
            .route(
                "/consultants/{id}",
                web::post().to(booking::consultants::save),
            )
            .route("/webinars", web::get().to(webinars::admin::list))
            .route("/webinars/new", web::get().to(webinars::admin::new_form))
            .route("/webinars/new", web::post().to(webinars::admin::save))
            .route("/webinars/{id}", web::get().to(webinars::admin::edit_form))
            .route("/webinars/{id}", web::post().to(webinars::admin::save))
            .route(
                "/webinars/{id}/cancel",
                web::post().to(webinars::admin::cancel),
            )
            .route(
                "/webinars/{id}/registrations",
                web::get().to(webinars::admin_registrations::list),
            )
            .route(
                "/webinars/{id}/registrations.csv",
                web::get().to(webinars::admin_registrations::export),
            )
            .route(
                "/webinars/{id}/registrations/{registration}",
                web::post().to(webinars::admin_registrations::set_status),
            )
            .route(
                "/webinars/{id}/registrations/{registration}/delete",
                web::post().to(webinars::admin_registrations::delete),
            )
            .route("/whitepapers", web::get().to(whitepapers::admin::list))
            .route(
                "/whitepapers/new",
                web::get().to(whitepapers::admin::new_form),
            )
            .route("/whitepapers/new", web::post().to(whitepapers::admin::save))
            .route(
                "/whitepapers/{id}",
                web::get().to(whitepapers::admin::edit_form),
            )
            .route(
                "/whitepapers/{id}",
                web::post().to(whitepapers::admin::save),
            )
            .route(
                "/whitepapers/{id}/upload",
                web::post().to(whitepapers::admin::upload),
            )
            .route(
                "/whitepapers/{id}/file/{lang}",
                web::get().to(whitepapers::admin::file),
            )
            .route("/leads", web::get().to(whitepapers::admin_leads::list))
            .route(
                "/leads/export.csv",
                web::get().to(whitepapers::admin_leads::export),
            )
            .route(
                "/leads/{id}/delete",
                web::post().to(whitepapers::admin_leads::delete),
            )
            .route("/outbox", web::get().to(booking::admin::outbox_list))
            .route(
                "/outbox/{id}/retry",
                web::post().to(booking::admin::outbox_retry),
            )
            .route("/users", web::get().to(users::list))
            .route("/users/new", web::post().to(users::create))
            .route("/users/{id}", web::get().to(users::edit_form))
            .route("/users/{id}", web::post().to(users::save))
            .route(
                "/users/{id}/password",
                web::post().to(users::reset_password),
            )
            .route("/account/password", web::get().to(users::own_password_form))
            .route(
                "/account/password",
                web::post().to(users::change_own_password),
            )
            .route("/media", web::get().to(media::admin::list))
            .route("/media", web::post().to(media::admin::upload))
            .route("/media/{id}", web::get().to(media::admin::edit_form))
            .route("/media/{id}", web::post().to(media::admin::save))
            .route("/media/{id}/delete", web::post().to(media::admin::delete))
            .route("/pages", web::get().to(pages::list))
            .route("/pages/new", web::get().to(pages::new_form))
            .route("/pages/new", web::post().to(pages::create))
            .route("/pages/{id}", web::get().to(pages::edit_form))
            .route("/pages/{id}", web::post().to(pages::save))
            .route("/pages/{id}/delete", web::get().to(pages::delete_form))
            .route("/pages/{id}/delete", web::post().to(pages::delete))
            .route("/pages/{id}/preview/{lang}", web::get().to(pages::preview))
            .route("/pages/{id}/revisions", web::get().to(revisions::revisions))
            .route(
                "/pages/{id}/revisions/{revision}",
                web::get().to(revisions::revision),
            )
            .route(
                "/pages/{id}/revisions/{revision}/restore",
                web::post().to(revisions::restore),
            )
            .route(
                "/pages/{id}/blocks/new",
                web::get().to(blocks::new_block_form),
            )
            .route("/pages/{id}/blocks/new", web::post().to(blocks::add_block))
            .route(
                "/pages/{id}/blocks/order",
                web::post().to(blocks::reorder_blocks),
            )
            .route(
                "/pages/{id}/blocks/{block}",
                web::get().to(blocks::edit_block_form),
            )
            .route(
                "/pages/{id}/blocks/{block}",
                web::post().to(blocks::save_block),
            )
            .route(
                "/pages/{id}/blocks/{block}/delete",
                web::post().to(blocks::delete_block),
            ),
    );
    // Ordered by how often they are asked for: every pattern with a `{segment}` costs a regular
    // expression match on each request that reaches it (measured: 16% of a cached page's time).
    cfg.route("/{lang}/", web::get().to(public::home))
        .route("/", web::get().to(public::root))
        .service(web::scope("/static").default_service(web::get().to(assets::serve)))
        .service(web::scope("/media").default_service(web::get().to(media::public::serve)))
        .route("/healthz", web::get().to(health::healthz))
        .route("/sitemap.xml", web::get().to(crate::sitemap::sitemap))
        .route("/robots.txt", web::get().to(seo::robots))
        .service(
            web::resource("/{lang}/book")
                .route(web::get().to(booking::public::form))
                .route(web::post().to(booking::public::book)),
        )
        .route("/{lang}/webinars", web::get().to(webinars::public::list))
        .route(
            "/{lang}/whitepapers",
            web::get().to(whitepapers::public::list),
        )
        .route(
            "/download/{token}",
            web::get().to(whitepapers::download::download),
        )
        .route("/{lang}/{slug}", web::get().to(public::page))
        .route(
            "/download/{token}/renew",
            web::post().to(whitepapers::download::renew),
        )
        .route(
            "/{lang}/whitepapers/{slug}",
            web::get().to(whitepapers::public::detail),
        )
        .route(
            "/{lang}/whitepapers/{slug}/request",
            web::post().to(whitepapers::public::request),
        )
        .route(
            "/{lang}/whitepapers/{slug}/requested",
            web::get().to(whitepapers::public::requested),
        )
        .route(
            "/{lang}/whitepapers/{slug}/download",
            web::post().to(whitepapers::download::reader_download),
        )
        .route(
            "/{lang}/whitepapers/{slug}/forget",
            web::post().to(whitepapers::public::forget),
        )
        .route(
            "/{lang}/webinars/{slug}",
            web::get().to(webinars::public::detail),
        )
        .route(
            "/{lang}/webinars/{slug}/register",
            web::post().to(webinars::public::register),
        )
        .route(
            "/{lang}/webinars/{slug}/registered/{token}",
            web::get().to(webinars::confirmation::registered),
        )
        .route(
            "/{lang}/webinars/{slug}/registered/{token}/calendar.ics",
            web::get().to(webinars::confirmation::calendar),
        )
        .route(
            "/{lang}/webinars/{slug}/registered/{token}/cancel",
            web::post().to(webinars::confirmation::cancel),
        )
        .route(
            "/{lang}/book/{token}",
            web::get().to(booking::confirmation::confirmation),
        )
        .route(
            "/{lang}/book/{token}/calendar.ics",
            web::get().to(booking::confirmation::calendar),
        )
        .route(
            "/{lang}/book/{token}/cancel",
            web::post().to(booking::confirmation::cancel),
        )
        .route("/{lang}", web::get().to(public::lang_root));
}

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
    let seeding = db.exclusive(db::Exclusive::Seeding).await?;
    if !content::store::has_pages(&db).await? {
        let created = content::seed::seed_demo(&db).await?;
        let consultants = crate::booking::seed::seed_demo_consultants(&db).await?;
        let webinars = webinars::seed::seed_demo_webinars(&db).await?;
        let whitepapers = whitepapers::seed::seed_demo_whitepapers(&db, &config.media_dir).await?;
        tracing::info!(
            pages = created,
            consultants,
            webinars,
            whitepapers,
            "new database: demo content seeded"
        );
    }
    if let Some(seeding) = seeding {
        seeding.commit().await?;
    }
    let tree = content::store::site_tree(&db).await?;
    if crate::users::store::count(&db).await? == 0 {
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
    webinars::refresh(&state).await?;
    whitepapers::refresh(&state).await?;
    Ok(state)
}

/// The process-wide TLS provider for HTTPS clients (cache purges): ring, as the mailer uses. Safe to
/// call more than once.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Binds `config.bind` and returns the running server (not yet awaited) and the bound address.
pub fn start(
    state: web::Data<AppState>,
    workers: usize,
) -> anyhow::Result<(Server, std::net::SocketAddr)> {
    let listener = TcpListener::bind(&state.config.bind)
        .with_context(|| format!("cannot listen on {}", state.config.bind))?;
    let addr = listener.local_addr()?;
    if let Some(purges) = &state.purges {
        purges.clone().spawn(state.db.clone())?;
    }
    crate::webinars::keep_fresh(state.clone());
    // Another instance's edits: forget what this one cached (PostgreSQL only).
    let listening = state.clone();
    db::notices::listen(&state.db, state.instance.clone(), move |_heard| {
        let state = listening.clone();
        async move {
            let refreshed = async {
                webinars::refresh(&state).await?;
                whitepapers::refresh(&state).await?;
                content::refresh(&state).await
            };
            if let Err(error) = refreshed.await {
                tracing::warn!(%error, "cannot refresh after another instance's change");
            }
        }
    });
    let secure = state.config.secure_cookies;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .app_data(web::FormConfig::default().limit(MAX_BODY_BYTES))
            .configure(|cfg| routes(cfg, session_middleware(state.session_key.clone(), secure)))
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(AppError::NotFound)
            }))
            .wrap(from_fn(canonical::redirect_to_canonical))
            .wrap(ErrorHandlers::new().default_handler(localized_error_page))
            .wrap(from_fn(page_cache::serve_cached_pages))
            .wrap(headers::security_headers(secure))
            .wrap(from_fn(compression::compress_fresh_answers))
    })
    .workers(workers)
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok((server, addr))
}

/// Serves until SIGTERM/SIGINT, then lets in-flight requests finish and closes the database cleanly.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let state = prepare(config).await?;
    let db = state.db.clone();
    match &state.config.smtp_url {
        Some(crate::config::Secret(url)) => {
            let from = state
                .config
                .mail_from
                .parse()
                .with_context(|| format!("MAGNETIQ_MAIL_FROM {:?}", state.config.mail_from))?;
            crate::outbox::worker::spawn(db.clone(), crate::outbox::worker::transport(url)?, from);
        }
        None => tracing::info!(
            "MAGNETIQ_SMTP_URL is not set: mails stay in the outbox (see /admin/outbox)"
        ),
    }
    let workers = state.config.workers;
    let (server, addr) = start(web::Data::new(state), workers)?;
    tracing::info!(workers, "Magnetiq is serving http://{addr}/");
    server.await?;
    tracing::info!("shutting down: closing the database");
    db.close().await;
    Ok(())
}
