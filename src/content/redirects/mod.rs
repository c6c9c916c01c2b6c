//! Redirects: a renamed page's old addresses lead to its new ones by themselves, and editors add
//! any old path (from a previous site, a printed flyer) leading to a page or a path of this site.
//! They cost nothing on the way to an existing page: [`follow`] looks one up only when nothing
//! else answered a GET or HEAD with 404.
pub mod admin;
pub mod store;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::i18n::Lang;
use crate::web::state::AppState;

/// The middleware: a public GET or HEAD that would answer 404 answers 301 to the redirect's
/// target when its path is redirected (counted), and 404 as before otherwise.
pub async fn follow(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let lookup =
        matches!(*req.method(), Method::GET | Method::HEAD) && !req.path().starts_with("/admin");
    let res = next.call(req).await?;
    if !lookup || res.status() != StatusCode::NOT_FOUND {
        // Every answer but a 404 passes untouched: nothing copied, nothing looked up.
        return Ok(res.map_into_left_body());
    }
    let asked = res.request();
    let Some(state) = asked.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(res.map_into_left_body());
    };
    let (path, query) = (asked.path().to_owned(), asked.query_string().to_owned());
    let to = match store::follow(&state.db, &path).await {
        Ok(Some(to)) => to,
        Ok(None) => match in_its_language(&state, &path) {
            Some(to) => to,
            None => return Ok(res.map_into_left_body()),
        },
        Err(error) => {
            tracing::warn!(%error, "cannot look up a redirect");
            return Ok(res.map_into_left_body());
        }
    };
    let location = match query.as_str() {
        "" => to,
        q if to.contains('?') => format!("{to}&{q}"),
        q => format!("{to}?{q}"),
    };
    let response = HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .finish();
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

/// `/{lang}/{slug}` where `slug` is a visible page's slug in another language (or its old default
/// slug's stand-in there): the page's address in `lang`.
fn in_its_language(state: &AppState, path: &str) -> Option<String> {
    let (lang, slug) = path.strip_prefix('/')?.split_once('/')?;
    let lang = state.config.languages.find(lang)?;
    if slug.is_empty() || slug.contains('/') {
        return None;
    }
    let tree = super::tree(state);
    let page = tree.with_any_slug(slug, crate::db::now())?;
    let to = super::page_path(lang, page.slug_in(lang));
    (to != path).then_some(to)
}

/// The old and new address of a page in each of `langs` whose slug there changed from `before`
/// to `after` (`(lang, slug)` pairs, as `page_slugs` holds them).
pub(in crate::content) fn moves(
    langs: &[Lang],
    before: &[(String, String)],
    after: &[(String, String)],
) -> Vec<(String, String)> {
    moves_of(langs, before, after, super::page_path)
}

/// [`moves`] for addresses that `path` makes of a language and a slug (an article's).
pub(in crate::content) fn moves_of(
    langs: &[Lang],
    before: &[(String, String)],
    after: &[(String, String)],
    path: impl Fn(Lang, &str) -> String,
) -> Vec<(String, String)> {
    let slug_in = |pairs: &[(String, String)], lang: Lang| {
        pairs
            .iter()
            .find(|(l, _)| l == lang.as_str())
            .map(|(_, s)| s.clone())
    };
    langs
        .iter()
        .filter_map(|&lang| {
            let (old, new) = (slug_in(before, lang)?, slug_in(after, lang)?);
            (old != new).then(|| (path(lang, &old), path(lang, &new)))
        })
        .collect()
}
