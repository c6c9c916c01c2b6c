//! What search engines read: `/sitemap.xml` (every visible page in every language, with alternates)
//! and `/robots.txt`. Both come from the in-memory site tree, without a query.
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db;
use crate::error::AppError;
use crate::web::layout::page_path;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "sitemap.xml")]
struct Sitemap {
    urls: Vec<SitemapUrl>,
}

struct SitemapUrl {
    loc: String,
    lastmod: String,
    alternates: Vec<(String, String)>,
}

/// GET `/sitemap.xml`.
pub async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let base = &state.config.base_url;
    let langs = state.config.languages.all();
    let default = state.config.languages.default_lang();
    let tree = state.tree();
    let mut urls = Vec::new();
    for page in tree.visible(db::now()) {
        let mut alternates: Vec<(String, String)> = langs
            .iter()
            .map(|l| {
                (
                    l.to_string(),
                    format!("{base}{}", page_path(*l, page.slug.as_str())),
                )
            })
            .collect();
        alternates.push((
            "x-default".into(),
            format!("{base}{}", page_path(default, page.slug.as_str())),
        ));
        for lang in langs {
            urls.push(SitemapUrl {
                loc: format!("{base}{}", page_path(*lang, page.slug.as_str())),
                lastmod: db::to_db_time(page.updated_at),
                alternates: alternates.clone(),
            });
        }
    }
    let xml = Sitemap { urls }.render()?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(xml))
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
