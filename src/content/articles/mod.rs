//! Articles: the insights section (news, case studies, how-tos). An article is a row of `pages` of
//! kind `article`, so drafts, preview, review, revisions, schedules, slugs per language, search and
//! duplicating are the pages' own; this folder adds what only articles have (authors, categories,
//! tags, cover, reading time), the section's public pages and feeds, and their admin.
//!
//! What visitors see of the section is kept in memory like the site tree ([`ArticleIndex`]):
//! rebuilt after every content change, so lists, related articles, teaser blocks and the footer
//! cost no query.
pub mod admin;
pub mod admin_settings;
pub mod card;
pub mod editor;
pub mod feed;
pub mod index;
pub mod model;
pub mod profile;
pub mod public;
pub mod seed;
pub mod store;
pub mod view;

use std::sync::{Arc, RwLock};

use actix_web::guard::GuardContext;
use actix_web::web;

pub use index::{ArticleIndex, IndexedArticle};

use crate::i18n::{Lang, Localized};
use crate::web::state::AppState;

/// The section's address below the language when the site settings name none.
pub const DEFAULT_SECTION: &str = "articles";

/// Articles per list page.
pub const PER_PAGE: usize = 12;

/// The section's addresses per language (`articles`, `artikel`): a language without one uses
/// [`DEFAULT_SECTION`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sections(pub Localized<String>);

impl Sections {
    pub fn segment(&self, lang: Lang) -> &str {
        self.0
            .exact(lang)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_SECTION)
    }

    /// `/{lang}/{section}`.
    pub fn list_path(&self, lang: Lang) -> String {
        format!("/{lang}/{}", self.segment(lang))
    }
}

struct IndexCell(RwLock<Arc<ArticleIndex>>);

/// Keeps an empty index in the site's state (filled by [`refresh`]).
pub fn install(state: &mut AppState) {
    state.insert_extension(IndexCell(RwLock::new(Arc::new(ArticleIndex::default()))));
}

/// What visitors can see of the articles section now (and what is scheduled).
pub fn current(state: &AppState) -> Arc<ArticleIndex> {
    let Some(IndexCell(cell)) = state.extension::<IndexCell>() else {
        return Arc::new(ArticleIndex::default());
    };
    match cell.read() {
        Ok(index) => Arc::clone(&index),
        Err(poisoned) => Arc::clone(&poisoned.into_inner()),
    }
}

/// Loads the index anew (after any content change, and at start).
pub async fn refresh(state: &AppState) -> anyhow::Result<()> {
    let index = Arc::new(index::load(&state.db, &state.config.languages).await?);
    if let Some(IndexCell(cell)) = state.extension::<IndexCell>() {
        match cell.write() {
            Ok(mut slot) => *slot = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }
    Ok(())
}

/// Every public address of the section in every language at `now`: each list page (the whole
/// list's, each category's, tag's and author's), the feeds and every visible article. What a
/// shared cache in front is told to forget when articles change.
pub fn public_paths(
    index: &ArticleIndex,
    langs: &[Lang],
    now: time::OffsetDateTime,
) -> Vec<String> {
    use index::Filter;
    let default = index.default_lang();
    let mut tags: Vec<String> = index
        .visible(now)
        .flat_map(|a| a.details.tags.iter().map(|t| model::tag_key(t)))
        .collect();
    tags.sort();
    tags.dedup();
    let mut paths = Vec::new();
    for &lang in langs {
        let list = index.sections.list_path(lang);
        let mut lists: Vec<(String, Filter<'_>)> = vec![(list.clone(), Filter::All)];
        for c in &index.categories {
            let base = format!("{list}/category/{}", c.slug_in(lang, default));
            paths.push(format!("{base}/feed.xml"));
            lists.push((base, Filter::Category(c.id)));
        }
        for t in &tags {
            lists.push((format!("{list}/tag/{t}"), Filter::Tag(t)));
        }
        for a in index.authors.values().filter(|a| a.public) {
            lists.push((
                format!("/{lang}/authors/{}", a.slug),
                Filter::Author(a.user_id),
            ));
        }
        for (base, filter) in lists {
            let (_, pages) = index.page(filter, 1, now);
            paths.extend((2..=pages).map(|n| format!("{base}/page/{n}")));
            paths.push(base);
        }
        paths.push(format!("/{lang}/feed.xml"));
        paths.extend(index.visible(now).map(|a| a.path(&index.sections, lang)));
    }
    paths
}

/// Whether page `id` is an article visitors can see (or are about to: a scheduled one).
pub fn holds(index: &ArticleIndex, id: i64) -> bool {
    index.articles.iter().any(|a| a.id == id)
}

/// The address of an article in `lang`: `/{lang}/{section}/{slug}`.
pub fn article_path(sections: &Sections, lang: Lang, slug_in_lang: &str) -> String {
    format!("/{lang}/{}/{slug_in_lang}", sections.segment(lang))
}

/// Routes `/{lang}/{section}...` to the articles section: true when the address's second segment
/// is the section's address in that language (set in the site settings, so no fixed route can).
pub fn in_section(ctx: &GuardContext<'_>) -> bool {
    let Some(state) = ctx.app_data::<web::Data<AppState>>() else {
        return false;
    };
    let mut parts = ctx.head().uri.path().trim_start_matches('/').split('/');
    let (Some(lang), Some(segment)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Some(lang) = state.config.languages.find(lang) else {
        return false;
    };
    let index = current(state);
    index.sections.segment(lang) == segment && !index.shadowed.contains(&lang)
}
