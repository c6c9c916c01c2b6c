//! `/sitemap.xml`: every visible page and every public webinar and whitepaper (and their lists), each in
//! every language with its alternates. It shows several features at once, so it sits above them.
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::web::sitemap::Sitemap;
use crate::web::state::AppState;

/// GET `/sitemap.xml`.
pub async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let mut urls = crate::content::seo::page_urls(&state);
    urls.extend(crate::webinars::public::sitemap_urls(&state).await?);
    urls.extend(crate::whitepapers::public::sitemap_urls(&state).await?);
    urls.extend(crate::content::articles::public::sitemap_urls(&state));
    let xml = Sitemap { urls }.render()?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(xml))
}
