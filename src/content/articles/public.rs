//! The section's public pages: `/{lang}/{section}` with its pages, categories and tags, each
//! article at `/{lang}/{section}/{slug}`, authors at `/{lang}/authors/{slug}`, and the feeds
//! `/{lang}/feed.xml` and `/{lang}/{section}/category/{slug}/feed.xml`. Every one is a cached page:
//! rendered once per content change, answered from the page cache after.
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use time::OffsetDateTime;

use super::card::card;
use super::feed::{self, FeedInfo};
use super::index::{ArticleIndex, Filter, IndexedArticle};
use super::view::{ArticleParts, ArticleTemplate, ListTemplate, PageLink, author_card};
use crate::content::blocks::Block;
use crate::content::model::{Page, Slug};
use crate::content::store;
use crate::db;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::cached_pages;
use crate::web::compression::Accepted;
use crate::web::layout::{Here, Layout, Link};
use crate::web::rendered_page::Document;
use crate::web::sitemap::{SitemapUrl, in_every_language};
use crate::web::state::AppState;

fn language(state: &AppState, lang: &str) -> Result<Lang, AppError> {
    state.config.languages.find(lang).ok_or(AppError::NotFound)
}

/// GET `/{lang}/{section}`.
pub async fn list(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = language(&state, &path.0)?;
    let document = list_document(&state, lang, Filter::All, 1)?;
    Ok(cache_and_answer(&req, &state, document))
}

/// What an address below the section names.
#[derive(Debug, PartialEq, Eq)]
enum Within<'a> {
    Page(usize),
    Category(&'a str, usize),
    CategoryFeed(&'a str),
    Tag(&'a str, usize),
    Article(&'a str),
}

fn parse_within(rest: &str) -> Option<Within<'_>> {
    let parts: Vec<&str> = rest.split('/').collect();
    let number = |n: &str| n.parse::<usize>().ok().filter(|n| *n >= 2);
    Some(match parts.as_slice() {
        ["page", n] => Within::Page(number(n)?),
        ["category", slug] => Within::Category(slug, 1),
        ["category", slug, "page", n] => Within::Category(slug, number(n)?),
        ["category", slug, "feed.xml"] => Within::CategoryFeed(slug),
        ["tag", key] => Within::Tag(key, 1),
        ["tag", key, "page", n] => Within::Tag(key, number(n)?),
        [slug] if !slug.is_empty() => Within::Article(slug),
        _ => return None,
    })
}

/// What an address of the section answers: a page to keep, or the address it moved to.
pub enum Found {
    Document(Document),
    Moved(String),
}

/// GET `/{lang}/{section}/{rest}`: a later page, a category or tag, a category's feed, an article.
pub async fn within(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, _, rest) = path.into_inner();
    let lang = language(&state, &lang)?;
    match within_document(&state, lang, &rest).await? {
        Found::Document(document) => Ok(cache_and_answer(&req, &state, document)),
        Found::Moved(path) => Ok(crate::content::public::moved_permanently(
            &path,
            req.query_string(),
        )),
    }
}

/// What `/{lang}/{section}/{rest}` shows.
pub async fn within_document(state: &AppState, lang: Lang, rest: &str) -> Result<Found, AppError> {
    let index = super::current(state);
    let now = db::now();
    let document = match parse_within(rest).ok_or(AppError::NotFound)? {
        Within::Page(n) => list_document(state, lang, Filter::All, n)?,
        Within::Category(slug, n) => {
            let category = index
                .category_by_slug(lang, slug)
                .ok_or(AppError::NotFound)?;
            list_document(state, lang, Filter::Category(category.id), n)?
        }
        Within::CategoryFeed(slug) => {
            let category = index
                .category_by_slug(lang, slug)
                .ok_or(AppError::NotFound)?;
            let default = index.default_lang();
            let list = index.sections.list_path(lang);
            let info = FeedInfo {
                title: format!(
                    "{} · {}",
                    category.name.text(lang, default),
                    state.config.site_name
                ),
                self_href: format!("{list}/category/{slug}/feed.xml"),
                page_href: format!("{list}/category/{slug}"),
                site_name: state.config.site_name.clone(),
            };
            feed_document(
                state,
                &index,
                lang,
                Filter::Category(category.id),
                info,
                now,
            )
            .await?
        }
        Within::Tag(key, n) => {
            index.tag_name(key).ok_or(AppError::NotFound)?;
            list_document(state, lang, Filter::Tag(key), n)?
        }
        Within::Article(slug) => {
            let Some(article) = index.visible_by_slug(lang, slug, now) else {
                // Another language's slug, or the default one: the article's address here.
                let found = index.by_any_slug(slug, now).ok_or(AppError::NotFound)?;
                return Ok(Found::Moved(found.path(&index.sections, lang)));
            };
            article_document(state, &index, lang, article, now).await?
        }
    };
    Ok(Found::Document(document))
}

/// GET `/{lang}/feed.xml`: the newest articles in that language.
pub async fn language_feed(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = language(&state, &path)?;
    let document = language_feed_document(&state, lang).await?;
    Ok(cache_and_answer(&req, &state, document))
}

/// What `/{lang}/feed.xml` shows.
pub async fn language_feed_document(state: &AppState, lang: Lang) -> Result<Document, AppError> {
    let index = super::current(state);
    let ui = state.catalog.messages(lang);
    let info = FeedInfo {
        title: format!("{} · {}", ui.t("articles-title"), state.config.site_name),
        self_href: format!("/{lang}/feed.xml"),
        page_href: index.sections.list_path(lang),
        site_name: state.config.site_name.clone(),
    };
    feed_document(state, &index, lang, Filter::All, info, db::now()).await
}

/// GET `/{lang}/authors/{slug}` and `/{lang}/authors/{slug}/page/{n}`.
pub async fn author(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = language(&state, &lang)?;
    let document = author_document(&state, lang, &slug, 1)?;
    Ok(cache_and_answer(&req, &state, document))
}

pub async fn author_page(
    req: HttpRequest,
    path: web::Path<(String, String, usize)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug, n) = path.into_inner();
    let lang = language(&state, &lang)?;
    if n < 2 {
        return Err(AppError::NotFound);
    }
    let document = author_document(&state, lang, &slug, n)?;
    Ok(cache_and_answer(&req, &state, document))
}

/// What an author's list shows, page `n`.
pub fn author_document(
    state: &AppState,
    lang: Lang,
    slug: &str,
    n: usize,
) -> Result<Document, AppError> {
    let index = super::current(state);
    let profile = index.author_by_slug(slug).ok_or(AppError::NotFound)?;
    list_document(state, lang, Filter::Author(profile.user_id), n)
}

/// Compresses a page made at `req`'s address for the visitor waiting for it, keeps it, answers it,
/// and has it compressed better in the background.
fn cache_and_answer(req: &HttpRequest, state: &AppState, document: Document) -> HttpResponse {
    let page = Arc::new(document.quick());
    let hit = page.hit(Accepted::from_headers(req.headers()));
    state.page_cache.insert(req.path(), page);
    crate::web::render_queue::improve_later(state, req.path());
    cached_pages::answer(req, state, hit)
}

/// The list (all articles, a category's, a tag's or an author's), page `n`.
pub fn list_document(
    state: &AppState,
    lang: Lang,
    filter: Filter<'_>,
    n: usize,
) -> Result<Document, AppError> {
    let generation = state.page_cache.generation();
    let index = super::current(state);
    let now = db::now();
    let (articles, pages) = index.page(filter, n, now);
    if n > pages {
        return Err(AppError::NotFound);
    }
    let html = list_template(state, &index, lang, filter, n, &articles, pages, now)?.render()?;
    let until = crate::web::layout::unchanged_until(state, now);
    Ok(Document::html(html, lang, until, generation))
}

#[allow(clippy::too_many_arguments)]
fn list_template<'s>(
    state: &'s AppState,
    index: &ArticleIndex,
    lang: Lang,
    filter: Filter<'_>,
    n: usize,
    articles: &[&IndexedArticle],
    pages: usize,
    now: OffsetDateTime,
) -> Result<ListTemplate<'s>, AppError> {
    let default = index.default_lang();
    let sections = &index.sections;
    let list = sections.list_path(lang);
    // The address of this list in `l` (page 1), and of page `p` in this language.
    let (here_in, base): (Box<dyn Fn(Lang) -> String>, String) = match filter {
        Filter::All => (Box::new(|l| sections.list_path(l)), list.clone()),
        Filter::Category(id) => {
            let c = index.category(id).ok_or(AppError::NotFound)?.clone();
            let base = format!("{list}/category/{}", c.slug_in(lang, default));
            (
                Box::new(move |l| {
                    format!(
                        "{}/category/{}",
                        sections.list_path(l),
                        c.slug_in(l, default)
                    )
                }),
                base,
            )
        }
        Filter::Tag(key) => {
            let key = key.to_owned();
            let base = format!("{list}/tag/{key}");
            (
                Box::new(move |l| format!("{}/tag/{key}", sections.list_path(l))),
                base,
            )
        }
        Filter::Author(id) => {
            let slug = index
                .authors
                .get(&id)
                .ok_or(AppError::NotFound)?
                .slug
                .clone();
            let base = format!("/{lang}/authors/{slug}");
            (Box::new(move |l| format!("/{l}/authors/{slug}")), base)
        }
    };
    let page_href = |p: usize| {
        if p <= 1 {
            base.clone()
        } else {
            format!("{base}/page/{p}")
        }
    };
    let translated: Vec<(Lang, String)> = state
        .config
        .languages
        .all()
        .iter()
        .map(|&l| {
            let path = here_in(l);
            let path = if n > 1 {
                format!("{path}/page/{n}")
            } else {
                path
            };
            (l, path.trim_start_matches(&format!("/{l}/")).to_owned())
        })
        .collect();
    let own_path = translated
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, p)| p.clone())
        .unwrap_or_default();
    let mut layout = Layout::new(
        state,
        lang,
        Here::Page {
            id: 0,
            path: &own_path,
            translated: &translated,
        },
        now,
    );
    let noindex = filter != Filter::All || n > 1;
    if noindex {
        // A filtered list, or a later page, points search engines at the whole list.
        layout.canonical = format!("{}{list}", state.config.base_url);
    }
    let ui = layout.ui;
    let heading = ui.t("articles-title").to_owned();
    let (heading, intro, author) = match filter {
        Filter::All => (heading, ui.t("articles-intro").to_owned(), None),
        Filter::Category(id) => {
            let name = index
                .category(id)
                .map(|c| c.name.text(lang, default).to_owned())
                .unwrap_or_default();
            (name, ui.t("articles-category-intro").to_owned(), None)
        }
        Filter::Tag(key) => {
            let name = index.tag_name(key).unwrap_or(key).to_owned();
            (
                ui.t_args("articles-tag-title", &[("tag", name.into())]),
                String::new(),
                None,
            )
        }
        Filter::Author(id) => {
            let profile = index.authors.get(&id).ok_or(AppError::NotFound)?;
            (
                profile.display_name.clone(),
                String::new(),
                Some(author_card(index, profile, lang)),
            )
        }
    };
    let categories = index
        .categories
        .iter()
        .map(|c| Link {
            href: format!("{list}/category/{}", c.slug_in(lang, default)),
            title: c.name.text(lang, default).to_owned(),
            current: filter == Filter::Category(c.id),
        })
        .collect();
    let cards = articles
        .iter()
        .map(|a| card(index, a, layout.lang, layout.ui))
        .collect();
    Ok(ListTemplate {
        heading,
        intro,
        cards,
        categories,
        all_href: list.clone(),
        pages: (1..=pages)
            .map(|p| PageLink {
                number: p,
                href: page_href(p),
                current: p == n,
            })
            .collect(),
        prev_href: (n > 1).then(|| page_href(n - 1)),
        next_href: (n < pages).then(|| page_href(n + 1)),
        noindex,
        feed_href: format!("/{lang}/feed.xml"),
        feed_title: ui.t("articles-feed").to_owned(),
        author,
        layout,
    })
}

async fn article_document(
    state: &AppState,
    index: &ArticleIndex,
    lang: Lang,
    article: &IndexedArticle,
    now: OffsetDateTime,
) -> Result<Document, AppError> {
    let generation = state.page_cache.generation();
    let slug = Slug::parse(article.slug_in(lang)).map_err(|_| AppError::NotFound)?;
    let (page, blocks) =
        store::published_page(&state.db, lang, &slug, super::model::PageKind::Article, now)
            .await?
            .ok_or(AppError::NotFound)?;
    let html = render_article(state, index, &page, &blocks, lang, false, now)?;
    let until = crate::web::layout::unchanged_until(state, now);
    Ok(Document::html(html, lang, until, generation))
}

/// An article page (also its preview for editors, from a draft).
pub fn render_article(
    state: &AppState,
    index: &ArticleIndex,
    page: &Page,
    blocks: &[Block],
    lang: Lang,
    preview: bool,
    now: OffsetDateTime,
) -> Result<String, AppError> {
    let entry = match index.articles.iter().find(|a| a.id == page.id) {
        Some(entry) if !preview => entry.clone(),
        _ => IndexedArticle::of_page(page, blocks, &state.config.languages),
    };
    let default = state.config.languages.default_lang();
    let translated: Vec<(Lang, String)> = state
        .config
        .languages
        .all()
        .iter()
        .map(|&l| {
            (
                l,
                format!("{}/{}", index.sections.segment(l), entry.slug_in(l)),
            )
        })
        .collect();
    let own_path = format!("{}/{}", index.sections.segment(lang), entry.slug_in(lang));
    let layout = Layout::new(
        state,
        lang,
        Here::Page {
            id: page.id,
            path: &own_path,
            translated: &translated,
        },
        now,
    );
    let title = page.title.text(lang, default);
    let lead = page.summary.text(lang, default);
    let description = [lang, default]
        .into_iter()
        .find(|l| page.summary.exact(*l).is_some_and(|s| !s.is_empty()))
        .and_then(|l| page.meta_description.exact(l))
        .filter(|m| !m.is_empty())
        .map_or(lead, String::as_str);
    let views = crate::content::view::block_views(blocks, state, lang, now, page.slug_in(lang));
    let mut template = ArticleTemplate::new(
        layout,
        ArticleParts {
            index,
            article: &entry,
            blocks: views,
            description,
            title,
            lead,
        },
        &state.config.base_url,
        now,
    );
    template.preview = preview;
    Ok(template.render()?)
}

async fn feed_document(
    state: &AppState,
    index: &ArticleIndex,
    lang: Lang,
    filter: Filter<'_>,
    info: FeedInfo,
    now: OffsetDateTime,
) -> Result<Document, AppError> {
    let generation = state.page_cache.generation();
    let newest = feed::newest(index, filter, now);
    let mut entries = Vec::with_capacity(newest.len());
    for article in newest {
        let blocks = store::page_for_editing(&state.db, article.id)
            .await?
            .map(|(_, blocks)| blocks)
            .unwrap_or_default();
        entries.push((article, blocks));
    }
    let xml = feed::write(index, &info, &entries, lang, &state.config.base_url, now)?;
    let until = crate::web::layout::unchanged_until(state, now);
    Ok(Document {
        content_type: feed::CONTENT_TYPE,
        ..Document::html(xml, lang, until, generation)
    })
}

/// The sitemap's entries of the section: its list, each category and public author page (changed
/// when their newest article did) and every visible article, in every language.
pub fn sitemap_urls(state: &AppState) -> Vec<SitemapUrl> {
    let index = super::current(state);
    let now = db::now();
    let (base, languages) = (&state.config.base_url, &state.config.languages);
    let default = languages.default_lang();
    let stamp = |t: OffsetDateTime| db::to_db_time(t);
    let newest = |filter: Filter<'_>| index.matching(filter, now).map(|a| a.changed_at).max();
    let mut urls = Vec::new();
    if let Some(at) = newest(Filter::All) {
        urls.extend(in_every_language(base, languages, &stamp(at), |l| {
            index.sections.list_path(l)
        }));
    }
    for c in &index.categories {
        if let Some(at) = newest(Filter::Category(c.id)) {
            urls.extend(in_every_language(base, languages, &stamp(at), |l| {
                format!(
                    "{}/category/{}",
                    index.sections.list_path(l),
                    c.slug_in(l, default)
                )
            }));
        }
    }
    for a in index.authors.values().filter(|a| a.public) {
        if let Some(at) = newest(Filter::Author(a.user_id)) {
            urls.extend(in_every_language(base, languages, &stamp(at), |l| {
                format!("/{l}/authors/{}", a.slug)
            }));
        }
    }
    for article in index.visible(now) {
        urls.extend(in_every_language(
            base,
            languages,
            &stamp(article.changed_at),
            |l| article.path(&index.sections, l),
        ));
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_below_the_section_name_what_they_show() {
        assert_eq!(parse_within("page/2"), Some(Within::Page(2)));
        assert_eq!(parse_within("page/1"), None);
        assert_eq!(parse_within("page/x"), None);
        assert_eq!(parse_within("category/ai"), Some(Within::Category("ai", 1)));
        assert_eq!(
            parse_within("category/ai/page/3"),
            Some(Within::Category("ai", 3))
        );
        assert_eq!(
            parse_within("category/ai/feed.xml"),
            Some(Within::CategoryFeed("ai"))
        );
        assert_eq!(parse_within("tag/rust"), Some(Within::Tag("rust", 1)));
        assert_eq!(parse_within("my-post"), Some(Within::Article("my-post")));
        assert_eq!(parse_within("my-post/extra"), None);
        assert_eq!(parse_within(""), None);
    }
}
