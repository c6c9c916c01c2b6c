//! One address per public page: a language prefix in another case (`/EN/`, `/De/about`) or a trailing
//! slash after a page (`/en/about/`) answers a 301 to the canonical address instead of a second copy.
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::i18n::Languages;
use crate::web::state::AppState;

/// The canonical form of `path` when it differs only in the language prefix's case or trailing
/// slashes; `None` when the path is canonical or not a language's address at all.
pub fn canonical_path(path: &str, languages: &Languages) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let (first, after) = rest.split_once('/').unwrap_or((rest, ""));
    let exact = languages.all().iter().any(|l| l.as_str() == first);
    let trimmed = after.trim_end_matches('/');
    let slash_after_page = !trimmed.is_empty() && trimmed.len() != after.len();
    // `/{lang}` alone is answered by its own route (a redirect to `/{lang}/`).
    if exact && !slash_after_page {
        return None;
    }
    let lang = languages.find(first)?;
    Some(if trimmed.is_empty() {
        format!("/{lang}/")
    } else {
        format!("/{lang}/{trimmed}")
    })
}

/// The middleware: GET and HEAD requests for a non-canonical public address get a 301.
pub async fn redirect_to_canonical(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let redirect = match req.app_data::<web::Data<AppState>>() {
        Some(state) if matches!(*req.method(), Method::GET | Method::HEAD) => {
            canonical_path(req.path(), &state.config.languages)
        }
        _ => None,
    };
    let Some(path) = redirect else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let location = match req.query_string() {
        "" => path,
        query => format!("{path}?{query}"),
    };
    let response = HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .finish();
    Ok(req.into_response(response).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_case_and_trailing_slashes_are_corrected() {
        let langs = Languages::parse("en,de").unwrap();
        let fix = |p: &str| canonical_path(p, &langs);
        assert_eq!(fix("/EN/"), Some("/en/".into()));
        assert_eq!(fix("/De/about"), Some("/de/about".into()));
        assert_eq!(fix("/en/about/"), Some("/en/about".into()));
        assert_eq!(fix("/DE/about//"), Some("/de/about".into()));
        assert_eq!(fix("/en/book/abc/"), Some("/en/book/abc".into()));
        assert_eq!(fix("/EN"), Some("/en/".into()));
        for canonical in [
            "/en/",
            "/de/about",
            "/en",
            "/",
            "/admin/",
            "/static/site.css",
            "/fr/x/",
        ] {
            assert_eq!(fix(canonical), None, "{canonical}");
        }
    }
}
