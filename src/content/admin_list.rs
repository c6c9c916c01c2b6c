//! `/admin/pages`: the page tree with status, translations and last change, searchable and
//! filtered by status, a missing language or who changed a page last, a hundred rows a screen.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admin::status_label;
use super::store::{self, PageSummary};
use crate::db::{self, to_db_time};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::state::AppState;

const PER_PAGE: i64 = 100;

#[derive(Template)]
#[template(path = "admin/pages.html")]
struct PagesList<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<PageRowView>,
    filter: Filter,
    /// Who changed pages last, for the author filter.
    authors: Vec<String>,
    /// The list's address with its filter, for the pager (`/admin/pages?q=...&status=...&`).
    pager_base: String,
    total: usize,
    page: i64,
    pages: i64,
}

/// What the list is narrowed to (`?q=&status=&missing=&author=&page=`).
#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    missing: String,
    #[serde(default)]
    author: String,
    page: Option<i64>,
}

impl Filter {
    fn is_active(&self) -> bool {
        !(self.q.trim().is_empty()
            && self.status.is_empty()
            && self.missing.is_empty()
            && self.author.is_empty())
    }

    fn matches(&self, p: &PageSummary, langs: &[Lang]) -> bool {
        let found = found_by(p, &self.q, langs);
        let status = self.status.is_empty() || status_label(&p.status).0 == self.status;
        let missing = lacks(p, &self.missing, langs);
        let author =
            self.author.is_empty() || p.updated_by.as_deref() == Some(self.author.as_str());
        found && status && missing && author
    }

    fn as_query(&self) -> String {
        let enc = |v: &str| crate::web::percent_encode(v, b"");
        format!(
            "q={}&status={}&missing={}&author={}&",
            enc(self.q.trim()),
            enc(&self.status),
            enc(&self.missing),
            enc(&self.author)
        )
    }
}

struct PageRowView {
    id: i64,
    title: String,
    slug: String,
    depth: usize,
    status: &'static str,
    status_at: String,
    updated_at: String,
    updated_by: String,
    translated: Vec<(Lang, bool)>,
    public_href: Option<String>,
    /// A draft of changes: the live page it belongs to, and its title.
    changes_to: Option<(i64, String)>,
}

/// Whether `q` (trimmed, any case; empty: everything) is in the page's slug or a title.
pub(crate) fn found_by(p: &PageSummary, q: &str, langs: &[Lang]) -> bool {
    let q = q.trim().to_lowercase();
    q.is_empty()
        || p.slug.as_str().contains(&q)
        || langs.iter().any(|l| {
            p.title
                .exact(*l)
                .is_some_and(|t| t.to_lowercase().contains(&q))
        })
}

/// Whether the page has no title in the language `code` (any page when `code` names none).
pub(crate) fn lacks(p: &PageSummary, code: &str, langs: &[Lang]) -> bool {
    match langs.iter().find(|l| l.as_str() == code) {
        Some(lang) => p.title.exact(*lang).is_none(),
        None => true,
    }
}

/// GET `/admin/pages`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<Filter>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = query.into_inner();
    let pages = store::page_summaries(&state.db).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Pages,
    );
    let langs = state.config.languages.all().to_vec();
    let default = state.config.languages.default_lang();
    let now = db::now();
    let mut authors: Vec<String> = pages.iter().filter_map(|p| p.updated_by.clone()).collect();
    authors.sort();
    authors.dedup();
    let shown: Vec<(&PageSummary, usize)> = tree_order(&pages)
        .into_iter()
        // Articles have a list of their own (`/admin/articles`).
        .filter(|(p, _)| p.kind == super::articles::model::PageKind::Page)
        .filter(|(p, _)| filter.matches(p, &langs))
        .collect();
    let total = shown.len();
    let crate::web::Paging {
        page,
        pages: page_count,
        offset,
    } = crate::web::Paging::of(total as i64, filter.page, PER_PAGE);
    let rows = shown
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(PER_PAGE as usize)
        .map(|(p, depth)| {
            let (status, at) = status_label(&p.status);
            PageRowView {
                id: p.id,
                title: p.title.text(layout.lang, default).to_owned(),
                slug: p.slug.to_string(),
                // A filtered list is flat: its rows' parents may not be in it.
                depth: if filter.is_active() { 0 } else { depth },
                status,
                status_at: at,
                updated_at: to_db_time(p.updated_at),
                updated_by: p.updated_by.clone().unwrap_or_default(),
                translated: langs
                    .iter()
                    .map(|l| (*l, p.title.exact(*l).is_some()))
                    .collect(),
                public_href: p
                    .status
                    .is_visible_at(now)
                    .then(|| crate::content::page_path(layout.lang, p.slug_in(layout.lang))),
                changes_to: p.draft_of.map(|live| {
                    let title = pages
                        .iter()
                        .find(|q| q.id == live)
                        .map(|q| q.title.text(layout.lang, default).to_owned())
                        .unwrap_or_default();
                    (live, title)
                }),
            }
        })
        .collect();
    let page_view = PagesList {
        layout,
        rows,
        pager_base: format!("/admin/pages?{}", filter.as_query()),
        filter,
        authors,
        total,
        page,
        pages: page_count,
    };
    Ok(html(StatusCode::OK, page_view.render()?))
}

/// Parents first, each followed by its children.
fn tree_order(pages: &[PageSummary]) -> Vec<(&PageSummary, usize)> {
    fn add<'a>(
        pages: &'a [PageSummary],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(&'a PageSummary, usize)>,
    ) {
        for p in pages.iter().filter(|p| p.parent_id == parent) {
            if depth > 16 || out.iter().any(|(q, _)| q.id == p.id) {
                continue;
            }
            out.push((p, depth));
            add(pages, Some(p.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(pages.len());
    add(pages, None, 0, &mut out);
    // Pages whose parent is missing still appear.
    for p in pages {
        if !out.iter().any(|(q, _)| q.id == p.id) {
            out.push((p, 0));
        }
    }
    out
}
