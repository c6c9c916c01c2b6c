//! What search engines read about pages: their `/sitemap.xml` entries (every visible page in every
//! language, with alternates) and `/robots.txt`.
use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web;

use crate::content::page_path;
use crate::db;
use crate::web::sitemap::{SitemapUrl, in_every_language};
use crate::web::state::AppState;

/// Every visible page in every language, with its alternates (for `/sitemap.xml`); from the
/// in-memory site tree, without a query.
pub fn page_urls(state: &AppState) -> Vec<SitemapUrl> {
    let base = &state.config.base_url;
    let tree = crate::content::tree(state);
    tree.visible(db::now())
        .flat_map(|page| {
            in_every_language(
                base,
                &state.config.languages,
                &db::to_db_time(page.updated_at),
                |lang| page_path(lang, page.slug_in(lang)),
            )
        })
        .collect()
}

/// GET `/robots.txt`.
pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\n\nSitemap: {}/sitemap.xml\n",
        state.config.base_url
    );
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}
