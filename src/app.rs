//! Builds Magnetiq: every route (the one place to see every URL), the middleware around them, and
//! the server that answers them. Preparing the state, the background work and the command line's
//! jobs are `startup` and `jobs`.
use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, guard, web};
use anyhow::Context;

use actix_session::SessionMiddleware;
use actix_session::storage::CookieSessionStore;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;

use crate::accounts;
use crate::accounts::users;
use crate::admin::dashboard;
use crate::audit;
use crate::auth::login;
use crate::booking;
use crate::config::Config;
use crate::contact;
use crate::content::review::admin as review;
use crate::content::{
    self, admin as pages, admin_block_list, admin_blocks as blocks, admin_delete,
    admin_revisions as revisions, articles, public, seo,
};
use crate::error::AppError;
use crate::leads;
use crate::mailings;
use crate::media;
use crate::newsletter;
use crate::people;
use crate::startup;
use crate::web::auth::session_middleware;
use crate::web::head::{self, allow};
use crate::web::state::AppState;
use crate::web::{assets, cached_pages, canonical, compression, error_page, headers, health};
use crate::webhooks;
use crate::webinars;
use crate::whitepapers;

pub use crate::startup::{install_tls_provider, prepare};

/// Largest request body accepted anywhere; more gets 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every URL Magnetiq answers. The admin panel (`/admin`) has the session cookie and never caches.
pub fn routes(cfg: &mut web::ServiceConfig, session: SessionMiddleware<CookieSessionStore>) {
    cfg.service(
        web::scope("/admin")
            .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
            .wrap(session)
            .service(allow(
                web::resource("").route(web::get().to(dashboard::dashboard)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/").route(web::get().to(dashboard::dashboard)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/login")
                    .route(web::get().to(login::login_form))
                    .route(web::post().to(login::login)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/login/code")
                    .route(web::get().to(crate::auth::second_step::code_form))
                    .route(web::post().to(crate::auth::second_step::check_code)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/password/forgot")
                    .route(web::get().to(accounts::reset::forgot_form))
                    .route(web::post().to(accounts::reset::forgot)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/password/reset/{token}")
                    .route(web::get().to(accounts::reset::reset_form))
                    .route(web::post().to(accounts::reset::reset)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/invitation/{token}")
                    .route(web::get().to(accounts::invitations::accept_form))
                    .route(web::post().to(accounts::invitations::accept)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/logout").route(web::post().to(login::logout)),
                "POST",
            ))
            .service(allow(
                web::resource("/language/{lang}").route(web::get().to(login::switch_language)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/audit").route(web::get().to(audit::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/analytics").route(web::get().to(crate::visits::admin::dashboard)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/analytics.csv").route(web::get().to(crate::visits::admin::csv)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/bookings").route(web::get().to(booking::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/bookings/export.csv").route(web::get().to(booking::admin::export)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/bookings/{id}")
                    .route(web::get().to(booking::admin::detail))
                    .route(web::post().to(booking::admin::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/bookings/{id}/delete")
                    .route(web::post().to(booking::admin::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/consultants").route(web::get().to(booking::consultants::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/consultants/new")
                    .route(web::get().to(booking::consultants::edit_form))
                    .route(web::post().to(booking::consultants::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/consultants/{id}")
                    .route(web::get().to(booking::consultants::edit_form))
                    .route(web::post().to(booking::consultants::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/webinars").route(web::get().to(webinars::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/webinars/new")
                    .route(web::get().to(webinars::admin::new_form))
                    .route(web::post().to(webinars::admin::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/webinars/{id}")
                    .route(web::get().to(webinars::admin::edit_form))
                    .route(web::post().to(webinars::admin::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/webinars/{id}/cancel")
                    .route(web::post().to(webinars::admin::cancel)),
                "POST",
            ))
            .service(allow(
                web::resource("/webinars/{id}/registrations")
                    .route(web::get().to(webinars::admin_registrations::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/webinars/{id}/registrations.csv")
                    .route(web::get().to(webinars::admin_registrations::export)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/webinars/{id}/registrations/{registration}")
                    .route(web::post().to(webinars::admin_registrations::set_status)),
                "POST",
            ))
            .service(allow(
                web::resource("/webinars/{id}/registrations/{registration}/delete")
                    .route(web::post().to(webinars::admin_registrations::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/whitepapers").route(web::get().to(whitepapers::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/whitepapers/leads")
                    .route(web::get().to(whitepapers::admin_leads::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/whitepapers/leads/export.csv")
                    .route(web::get().to(whitepapers::admin_leads::export)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/whitepapers/leads/{id}/delete")
                    .route(web::post().to(whitepapers::admin_leads::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/whitepapers/new")
                    .route(web::get().to(whitepapers::admin::new_form))
                    .route(web::post().to(whitepapers::admin::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/whitepapers/{id}")
                    .route(web::get().to(whitepapers::admin::edit_form))
                    .route(web::post().to(whitepapers::admin::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/whitepapers/{id}/upload")
                    .route(web::post().to(whitepapers::admin::upload)),
                "POST",
            ))
            .service(allow(
                web::resource("/whitepapers/{id}/file/{lang}")
                    .route(web::get().to(whitepapers::admin::file)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/leads").route(web::get().to(leads::admin::inbox)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/leads.csv").route(web::get().to(leads::admin::export)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/leads/bulk").route(web::post().to(leads::admin::bulk)),
                "POST",
            ))
            .service(allow(
                web::resource("/leads/{id}")
                    .route(web::get().to(leads::admin_lead::show))
                    .route(web::post().to(leads::admin_lead::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/webhooks")
                    .route(web::get().to(webhooks::admin::list))
                    .route(web::post().to(webhooks::admin::add)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/webhooks/{id}").route(web::get().to(webhooks::admin::show)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/webhooks/{id}/delete")
                    .route(web::post().to(webhooks::admin::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/webhooks/deliveries/{id}/again")
                    .route(web::post().to(webhooks::admin::send_again)),
                "POST",
            ))
            .service(allow(
                web::resource("/messages").route(web::get().to(contact::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/messages/export.csv").route(web::get().to(contact::admin::export)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/messages/{id}").route(web::get().to(contact::admin::show)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/messages/{id}/status")
                    .route(web::post().to(contact::admin::set_status)),
                "POST",
            ))
            .service(allow(
                web::resource("/people").route(web::get().to(people::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/people/{email}").route(web::get().to(people::admin::show)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/people/{email}/export.json")
                    .route(web::get().to(people::admin::export)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/people/{email}/erase").route(web::post().to(people::admin::erase)),
                "POST",
            ))
            .service(allow(
                web::resource("/subscribers").route(web::get().to(newsletter::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/subscribers/export.csv")
                    .route(web::get().to(newsletter::admin::export)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/newsletter").route(web::get().to(mailings::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/newsletter/new").route(web::post().to(mailings::admin::create)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/from-article")
                    .route(web::post().to(mailings::admin::from_article)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/archive")
                    .route(web::post().to(mailings::admin_send::archive)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/{id}")
                    .route(web::get().to(mailings::admin::show))
                    .route(web::post().to(mailings::admin::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/newsletter/{id}/preview/{lang}")
                    .route(web::get().to(mailings::admin_send::preview)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/newsletter/{id}/test")
                    .route(web::post().to(mailings::admin_send::test)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/{id}/send")
                    .route(web::post().to(mailings::admin_send::send)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/{id}/approve")
                    .route(web::post().to(mailings::admin_send::approve)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/{id}/return")
                    .route(web::post().to(mailings::admin_send::send_back)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/{id}/delete")
                    .route(web::post().to(mailings::admin_send::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/newsletter/{id}/{verb}")
                    .route(web::post().to(mailings::admin_send::control)),
                "POST",
            ))
            .service(allow(
                web::resource("/outbox").route(web::get().to(crate::outbox::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/outbox/{id}").route(web::get().to(crate::outbox::admin::mail)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/outbox/{id}/retry")
                    .route(web::post().to(crate::outbox::admin::retry)),
                "POST",
            ))
            .service(allow(
                web::resource("/users").route(web::get().to(users::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/users/invite").route(web::post().to(users::invite)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/review")
                    .route(web::post().to(crate::content::review::actions::set_required)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/two-factor")
                    .route(web::post().to(accounts::security::set_policy)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/invitations/{id}/resend")
                    .route(web::post().to(accounts::invitations::resend)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/invitations/{id}/revoke")
                    .route(web::post().to(accounts::invitations::revoke)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/{id}")
                    .route(web::get().to(users::edit_form))
                    .route(web::post().to(users::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/users/{id}/password")
                    .route(web::post().to(accounts::reset::send_link_for)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/{id}/delete").route(web::post().to(users::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/{id}/two-factor/reset")
                    .route(web::post().to(accounts::security::reset_for)),
                "POST",
            ))
            .service(allow(
                web::resource("/users/{id}/sessions/end")
                    .route(web::post().to(accounts::sessions::end_for)),
                "POST",
            ))
            .service(allow(
                web::resource("/account/security").route(web::get().to(accounts::security::page)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/account/security/qr.svg")
                    .route(web::get().to(accounts::security::qr_code)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/account/security/enable")
                    .route(web::post().to(accounts::security::enable)),
                "POST",
            ))
            .service(allow(
                web::resource("/account/security/recovery-codes")
                    .route(web::post().to(accounts::security::new_recovery_codes)),
                "POST",
            ))
            .service(allow(
                web::resource("/account/security/disable")
                    .route(web::post().to(accounts::security::disable)),
                "POST",
            ))
            .service(allow(
                web::resource("/account/preferences")
                    .route(web::get().to(accounts::preferences::page))
                    .route(web::post().to(accounts::preferences::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/account/author")
                    .route(web::get().to(articles::profile::page))
                    .route(web::post().to(articles::profile::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/account/sessions").route(web::get().to(accounts::sessions::page)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/account/sessions/end")
                    .route(web::post().to(accounts::sessions::end)),
                "POST",
            ))
            .service(allow(
                web::resource("/account/sessions/end-others")
                    .route(web::post().to(accounts::sessions::end_others)),
                "POST",
            ))
            .service(allow(
                web::resource("/account/password")
                    .route(web::get().to(users::own_password_form))
                    .route(web::post().to(users::change_own_password)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/media")
                    .route(web::get().to(media::admin::list))
                    .route(web::post().to(media::admin::upload)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/media/{id}")
                    .route(web::get().to(media::admin::edit_form))
                    .route(web::post().to(media::admin::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/media/{id}/delete").route(web::post().to(media::admin::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/pages").route(web::get().to(crate::content::admin_list::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/articles").route(web::get().to(articles::admin::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/articles/new")
                    .route(web::get().to(pages::new_article_form))
                    .route(web::post().to(pages::create_article)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/articles/settings")
                    .route(web::get().to(articles::admin_settings::show))
                    .route(web::post().to(articles::admin_settings::save_section)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/articles/settings/categories")
                    .route(web::post().to(articles::admin_settings::add_category)),
                "POST",
            ))
            .service(allow(
                web::resource("/articles/settings/tags")
                    .route(web::post().to(articles::admin_settings::retag)),
                "POST",
            ))
            .service(allow(
                web::resource("/articles/settings/categories/{id}")
                    .route(web::post().to(articles::admin_settings::save_category)),
                "POST",
            ))
            .service(allow(
                web::resource("/pages/new")
                    .route(web::get().to(pages::new_form))
                    .route(web::post().to(pages::create)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/pages/{id}")
                    .route(web::get().to(pages::edit_form))
                    .route(web::post().to(pages::save)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/delete")
                    .route(web::get().to(admin_delete::delete_form))
                    .route(web::post().to(admin_delete::delete)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/translations")
                    .route(web::get().to(crate::admin::translations::matrix)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/pages/{id}/submit")
                    .route(web::post().to(crate::content::review::actions::submit)),
                "POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/changes")
                    .route(web::post().to(crate::content::review::actions::start_changes)),
                "POST",
            ))
            .service(allow(
                web::resource("/redirects")
                    .route(web::get().to(content::redirects::admin::list))
                    .route(web::post().to(content::redirects::admin::add)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/redirects/{id}/delete")
                    .route(web::post().to(content::redirects::admin::delete)),
                "POST",
            ))
            .service(allow(
                web::resource("/review").route(web::get().to(review::list)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/review/{id}").route(web::get().to(review::detail)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/review/{id}/approve").route(web::post().to(review::approve)),
                "POST",
            ))
            .service(allow(
                web::resource("/review/{id}/request-changes")
                    .route(web::post().to(review::request_changes)),
                "POST",
            ))
            .service(allow(
                web::resource("/review/{id}/withdraw").route(web::post().to(review::withdraw)),
                "POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/duplicate")
                    .route(web::post().to(crate::content::duplicate::duplicate_page)),
                "POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/preview/{lang}").route(web::get().to(pages::preview)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/pages/{id}/revisions").route(web::get().to(revisions::revisions)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/pages/{id}/revisions/{revision}")
                    .route(web::get().to(revisions::revision)),
                "GET, HEAD",
            ))
            .service(allow(
                web::resource("/pages/{id}/revisions/{revision}/restore")
                    .route(web::post().to(revisions::restore)),
                "POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/blocks/new")
                    .route(web::get().to(blocks::new_block_form))
                    .route(web::post().to(blocks::add_block)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/blocks/order")
                    .route(web::post().to(admin_block_list::reorder_blocks)),
                "POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/blocks/{block}")
                    .route(web::get().to(blocks::edit_block_form))
                    .route(web::post().to(blocks::save_block)),
                "GET, HEAD, POST",
            ))
            .service(allow(
                web::resource("/pages/{id}/blocks/{block}/delete")
                    .route(web::post().to(admin_block_list::delete_block)),
                "POST",
            )),
    );
    // Ordered by how often they are asked for: every pattern with a `{segment}` costs a regular
    // expression match on each request that reaches it (measured: 16% of a cached page's time).
    cfg.service(allow(
        web::resource("/{lang}/").route(web::get().to(public::home)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/").route(web::get().to(public::root)),
        "GET, HEAD",
    ));
    // Files: GET (and HEAD); any other method 405.
    cfg.service(
        web::scope("/static")
            .guard(guard::Get())
            .default_service(web::to(assets::serve)),
    );
    cfg.service(
        web::scope("/media")
            .guard(guard::Get())
            .default_service(web::to(media::public::serve)),
    );
    for files in ["/static", "/media"] {
        cfg.service(web::scope(files).default_service(web::to(head::not_allowed("GET, HEAD"))));
    }
    cfg.service(allow(
        web::resource("/healthz").route(web::get().to(health::healthz)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/readyz").route(web::get().to(health::readyz)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/metrics").route(web::get().to(crate::monitoring::metrics)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/sitemap.xml").route(web::get().to(crate::sitemap::sitemap)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/visit.gif").route(web::get().to(crate::visits::pixel)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/robots.txt").route(web::get().to(seo::robots)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/book")
            .route(web::get().to(booking::public::form))
            .route(web::post().to(booking::public::book)),
        "GET, HEAD, POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars").route(web::get().to(webinars::public::list)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/whitepapers").route(web::get().to(whitepapers::public::list)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/download/{token}").route(web::get().to(whitepapers::download::download)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/newsletter").route(web::get().to(mailings::public::archive)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/newsletter/issues/{id}")
            .route(web::get().to(mailings::public::issue)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/newsletter/subscribe")
            .route(web::get().to(newsletter::public::form))
            .route(web::post().to(newsletter::public::subscribe)),
        "GET, HEAD, POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/newsletter/confirm/{token}")
            .route(web::get().to(newsletter::public::confirm_page))
            .route(web::post().to(newsletter::public::confirm)),
        "GET, HEAD, POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/newsletter/unsubscribe/{id}/{mac}")
            .route(web::get().to(newsletter::public::unsubscribe_page))
            .route(web::post().to(newsletter::public::unsubscribe)),
        "GET, HEAD, POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/contact/send").route(web::post().to(contact::public::send)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/forms/{block}").route(web::post().to(leads::form_public::send)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/search").route(web::get().to(crate::search::public::search)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/feed.xml").route(web::get().to(articles::public::language_feed)),
        "GET, HEAD",
    ));
    // The articles section answers at the address the site settings give it per language.
    cfg.service(allow(
        web::resource("/{lang}/{section}")
            .guard(guard::fn_guard(articles::in_section))
            .route(web::get().to(articles::public::list)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/{slug}").route(web::get().to(public::page)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/authors/{slug}").route(web::get().to(articles::public::author)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/authors/{slug}/page/{n}")
            .route(web::get().to(articles::public::author_page)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/download/{token}/renew")
            .route(web::post().to(whitepapers::download::renew)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/whitepapers/{slug}")
            .route(web::get().to(whitepapers::public::detail)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/whitepapers/{slug}/request")
            .route(web::post().to(whitepapers::public::request)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/whitepapers/{slug}/requested")
            .route(web::get().to(whitepapers::public::requested)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/whitepapers/{slug}/download")
            .route(web::post().to(whitepapers::download::reader_download)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/whitepapers/{slug}/forget")
            .route(web::post().to(whitepapers::public::forget)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars/{slug}").route(web::get().to(webinars::public::detail)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars/{slug}/register")
            .route(web::post().to(webinars::public::register)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars/{slug}/thanks")
            .route(web::get().to(webinars::confirmation::thanks)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars/{slug}/registered/{token}")
            .route(web::get().to(webinars::confirmation::registered)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars/{slug}/registered/{token}/calendar.ics")
            .route(web::get().to(webinars::confirmation::calendar)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars/{slug}/registered/{token}/confirm")
            .route(web::post().to(webinars::confirmation::confirm)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/webinars/{slug}/registered/{token}/cancel")
            .route(web::post().to(webinars::confirmation::cancel)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/book/{token}")
            .route(web::get().to(booking::confirmation::confirmation)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/book/{token}/calendar.ics")
            .route(web::get().to(booking::confirmation::calendar)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}/book/{token}/cancel")
            .route(web::post().to(booking::confirmation::cancel)),
        "POST",
    ));
    cfg.service(allow(
        web::resource("/{lang}/{section}/{rest:.*}")
            .guard(guard::fn_guard(articles::in_section))
            .route(web::get().to(articles::public::within)),
        "GET, HEAD",
    ));
    cfg.service(allow(
        web::resource("/{lang}").route(web::get().to(public::lang_root)),
        "GET, HEAD",
    ));
}

/// Binds `config.bind` and returns the running server (not yet awaited) and the bound address.
pub fn start(
    state: web::Data<AppState>,
    workers: usize,
) -> anyhow::Result<(Server, std::net::SocketAddr)> {
    let listener = TcpListener::bind(&state.config.bind)
        .with_context(|| format!("cannot listen on {}", state.config.bind))?;
    let addr = listener.local_addr()?;
    startup::spawn_background(&state)?;
    let secure = state.config.secure_cookies;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(state.assets.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .app_data(web::FormConfig::default().limit(MAX_BODY_BYTES))
            .configure(|cfg| routes(cfg, session_middleware(state.session_key.clone(), secure)))
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(AppError::NotFound)
            }))
            .wrap(from_fn(canonical::redirect_to_canonical))
            // Only where nothing answered: an old address leads to its new one.
            .wrap(from_fn(content::redirects::follow))
            .wrap(ErrorHandlers::new().default_handler(error_page::localized_error_page))
            .wrap(from_fn(cached_pages::serve_cached_pages))
            .wrap(headers::security_headers(secure))
            .wrap(from_fn(compression::compress_fresh_answers))
            .wrap(from_fn(crate::web::observe::observe))
            // Outermost: it sees `HEAD` as sent, before it is routed as `GET`.
            .wrap(from_fn(crate::visits::count_views))
    })
    .workers(workers)
    .shutdown_timeout(30)
    // `serve` handles SIGTERM/SIGINT itself: not ready first, then the graceful stop.
    .disable_signals()
    .listen(listener)?
    .run();
    Ok((server, addr))
}

/// Serves until SIGTERM/SIGINT, then lets in-flight requests finish and closes the database cleanly.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let state = prepare(config).await?;
    let db = state.db.clone();
    let workers = state.config.workers;
    let state = web::Data::new(state);
    startup::spawn_mailer(&state)?;
    let (server, addr) = start(state.clone(), workers)?;
    tracing::info!(workers, "Magnetiq is serving http://{addr}/");
    startup::stop_on_signal(server.handle(), state.clone());
    server.await?;
    crate::visits::write_now(&state).await;
    tracing::info!("shutting down: closing the database");
    db.close().await;
    Ok(())
}
