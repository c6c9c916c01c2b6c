//! `/admin/articles`: every article with its status, date, authors, categories and languages,
//! searchable and filtered by status, category, author, tag or a missing language, fifty a screen.
//! Writing one is the page editor's work (`/admin/articles/new`, then `/admin/pages/{id}`).
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::model::{PageKind, tag_key};
use super::store;
use crate::content::admin_list::{found_by, lacks};
use crate::content::model::PageStatus;
use crate::content::store::{PageSummary, page_summaries};
use crate::db::{self, to_db_time};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::state::AppState;

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/articles.html")]
struct ArticlesList<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<Row>,
    filter: Filter,
    categories: Vec<(i64, String)>,
    staff: Vec<(i64, String)>,
    pager_base: String,
    total: usize,
    page: i64,
    pages: i64,
}

/// What the list is narrowed to (`?q=&status=&category=&author=&tag=&missing=&page=`).
#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    missing: String,
    page: Option<i64>,
}

/// The word of a status in filters and badges.
fn status_word(status: &PageStatus) -> &'static str {
    match status {
        PageStatus::Draft => "draft",
        PageStatus::Published(_) => "published",
        PageStatus::Scheduled(_) => "scheduled",
    }
}

impl Filter {
    fn matches(&self, p: &PageSummary, langs: &[Lang]) -> bool {
        let found = found_by(p, &self.q, langs);
        let status = self.status.is_empty() || status_word(&p.status) == self.status;
        let category = self.category.is_empty()
            || self
                .category
                .parse()
                .is_ok_and(|id| p.article.categories.contains(&id));
        let author = self.author.is_empty()
            || self
                .author
                .parse()
                .is_ok_and(|id| p.article.authors.contains(&id));
        let tag = self.tag.is_empty() || p.article.tags.iter().any(|t| tag_key(t) == self.tag);
        found && status && category && author && tag && lacks(p, &self.missing, langs)
    }

    /// The filters as the pager's links carry them (`q=x&status=draft&`), empty ones left out.
    fn as_query(&self) -> String {
        let some = |v: &str| Some(v.to_owned());
        let query = crate::web::filter_query(&[
            ("q", &some(self.q.trim())),
            ("status", &some(&self.status)),
            ("category", &some(&self.category)),
            ("author", &some(&self.author)),
            ("tag", &some(&self.tag)),
            ("missing", &some(&self.missing)),
        ]);
        if query.is_empty() {
            query
        } else {
            format!("{query}&")
        }
    }
}

struct Row {
    id: i64,
    title: String,
    status: &'static str,
    /// Published or scheduled at (UTC), empty for a draft.
    at: String,
    authors: String,
    categories: String,
    translated: Vec<(Lang, bool)>,
    public_href: Option<String>,
    changes_to: Option<i64>,
    updated_at: String,
}

/// GET `/admin/articles`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<Filter>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = query.into_inner();
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Articles,
    );
    let langs = state.config.languages.all().to_vec();
    let default = state.config.languages.default_lang();
    let now = db::now();
    let mut articles: Vec<PageSummary> = page_summaries(&state.db)
        .await?
        .into_iter()
        .filter(|p| p.kind == PageKind::Article)
        .collect();
    // Newest first: by publishing date, drafts (no date yet) by their last change.
    articles.sort_by_key(|p| std::cmp::Reverse(p.status.published_at().unwrap_or(p.updated_at)));
    let categories: Vec<(i64, String)> = store::categories(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name.text(layout.lang, default).to_owned()))
        .collect();
    let staff = store::staff(&state.db).await?;
    let names = |ids: &[i64], of: &[(i64, String)]| {
        ids.iter()
            .filter_map(|id| of.iter().find(|(i, _)| i == id).map(|(_, n)| n.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let shown: Vec<&PageSummary> = articles
        .iter()
        .filter(|p| filter.matches(p, &langs))
        .collect();
    let total = shown.len();
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total as i64, filter.page, PER_PAGE);
    let sections = super::current(&state).sections.clone();
    let rows = shown
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(PER_PAGE as usize)
        .map(|p| Row {
            id: p.id,
            title: p.title.text(layout.lang, default).to_owned(),
            status: status_word(&p.status),
            at: p.status.published_at().map(to_db_time).unwrap_or_default(),
            authors: names(&p.article.authors, &staff),
            categories: names(&p.article.categories, &categories),
            translated: langs
                .iter()
                .map(|l| (*l, p.title.exact(*l).is_some()))
                .collect(),
            public_href: p
                .status
                .is_visible_at(now)
                .then(|| super::article_path(&sections, layout.lang, p.slug_in(layout.lang))),
            changes_to: p.draft_of,
            updated_at: to_db_time(p.updated_at),
        })
        .collect();
    let view = ArticlesList {
        layout,
        rows,
        pager_base: format!("/admin/articles?{}", filter.as_query()),
        filter,
        categories,
        staff,
        total,
        page,
        pages,
    };
    Ok(html(StatusCode::OK, view.render()?))
}
