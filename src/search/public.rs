//! GET `/{lang}/search?q=...&page=N`: the results page, and the page the header's search field
//! (a plain GET form) leads to.
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::index::Kind;
use super::query::{self, Segment, Terms};
use crate::error::AppError;
use crate::web::layout::{Here, Layout};
use crate::web::state::AppState;

/// Results per page.
const PER_PAGE: i64 = 10;
/// The last result page offered: deeper pages are refused by showing none (a query is better).
const MAX_PAGE: i64 = 50;
/// What is kept of a query (the field allows 200 characters; longer ones come from elsewhere).
const MAX_QUERY_CHARS: usize = 200;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

struct HitView {
    kind_label: &'static str,
    path: String,
    title: Vec<Segment>,
    snippet: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "public/search.html")]
struct SearchPage<'a> {
    layout: Layout<'a>,
    query: String,
    heading: String,
    count: String,
    none: String,
    page_of: String,
    pages: i64,
    hits: Vec<HitView>,
    previous_href: Option<String>,
    next_href: Option<String>,
}

/// GET `/{lang}/search`.
pub async fn search(
    path: web::Path<String>,
    params: web::Query<SearchQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = state
        .config
        .languages
        .find(&path)
        .ok_or(AppError::NotFound)?;
    let query: String = params
        .q
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    let page = params
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let terms = Terms::parse(&query);
    let now = crate::db::now();
    let (total, hits) = query::search(
        &state.db,
        lang,
        &terms,
        now,
        PER_PAGE,
        (page - 1) * PER_PAGE,
        PER_PAGE * MAX_PAGE + 1,
    )
    .await?;
    let ui = state.catalog.messages(lang);
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).min(MAX_PAGE);
    let href = |n: i64| {
        let q = crate::web::percent_encode(&query, b"");
        if n == 1 {
            format!("/{lang}/search?q={q}")
        } else {
            format!("/{lang}/search?q={q}&page={n}")
        }
    };
    let mut layout = Layout::new(&state, lang, Here::Path { path: "search" }, now);
    layout.search_query = query.clone();
    let html = SearchPage {
        heading: ui.t_args("search-results-title", &[("query", query.as_str().into())]),
        count: if total > PER_PAGE * MAX_PAGE {
            ui.t_args(
                "search-count-many",
                &[("count", (PER_PAGE * MAX_PAGE).into())],
            )
        } else {
            ui.t_args("search-count", &[("count", total.into())])
        },
        none: ui.t_args("search-none", &[("query", query.as_str().into())]),
        page_of: ui.t_args(
            "search-page-of",
            &[("page", page.into()), ("pages", pages.into())],
        ),
        pages,
        hits: hits
            .into_iter()
            .map(|h| HitView {
                kind_label: match h.kind {
                    Kind::Page => "search-kind-page",
                    Kind::Webinar => "search-kind-webinar",
                    Kind::Whitepaper => "search-kind-whitepaper",
                },
                path: h.path,
                title: h.title,
                snippet: h.snippet,
            })
            .collect(),
        previous_href: (page > 1 && page <= pages).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
        query,
        layout,
    }
    .render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // Answers change with every edit and differ per query: browsers and caches ask again.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}
