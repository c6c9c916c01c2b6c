//! The articles visitors can see (and those scheduled), kept in memory newest first with their
//! categories, authors and cover images, and the questions lists ask of them: a page of a filtered
//! list, related articles, the previous and next one, the latest few.
use std::collections::HashMap;

use time::OffsetDateTime;

use super::Sections;
use super::model::{
    ArticleDetails, AuthorProfile, Category, count_words, reading_minutes, tag_key,
};
use super::store;
use crate::content::model::Slug;
use crate::db::Db;
use crate::i18n::{Lang, Languages, Localized};

#[derive(Clone, Debug)]
pub struct IndexedArticle {
    pub id: i64,
    pub slug: Slug,
    pub slugs: Localized<String>,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    pub published_at: OffsetDateTime,
    /// When the row last changed (the sitemap's `lastmod`).
    pub changed_at: OffsetDateTime,
    pub details: ArticleDetails,
    /// Minutes to read, per language in the site's order.
    pub minutes: Vec<usize>,
}

impl IndexedArticle {
    /// An entry made from a page as stored (a draft's preview, which the index does not hold).
    pub fn of_page(
        page: &crate::content::model::Page,
        blocks: &[crate::content::blocks::Block],
        languages: &Languages,
    ) -> IndexedArticle {
        let mut counts = vec![0; languages.all().len()];
        for block in blocks {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&block.kind.content_json())
            {
                count_words(&value, languages, &mut counts);
            }
        }
        let default_words = counts.first().copied().unwrap_or(0);
        IndexedArticle {
            id: page.id,
            slug: page.slug.clone(),
            slugs: page.slugs.clone(),
            title: page.title.clone(),
            summary: page.summary.clone(),
            published_at: page.status.published_at().unwrap_or(page.updated_at),
            changed_at: page.updated_at,
            details: page.article.clone(),
            minutes: counts
                .iter()
                .map(|&w| reading_minutes(if w == 0 { default_words } else { w }))
                .collect(),
        }
    }

    pub fn slug_in(&self, lang: Lang) -> &str {
        crate::content::model::slug_in(&self.slug, &self.slugs, lang)
    }

    pub fn path(&self, sections: &Sections, lang: Lang) -> String {
        super::article_path(sections, lang, self.slug_in(lang))
    }

    /// When readers should take it as last changed: the editor's "updated" date, else published.
    pub fn updated(&self) -> OffsetDateTime {
        self.details
            .updated_date()
            .map(|d| d.midnight().assume_utc())
            .filter(|d| *d > self.published_at)
            .unwrap_or(self.published_at)
    }
}

/// An image as articles show it.
#[derive(Clone, Debug)]
pub struct Image {
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: Localized<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ArticleIndex {
    /// Newest first.
    pub articles: Vec<IndexedArticle>,
    pub categories: Vec<Category>,
    /// Every profile by user id (public or not: a byline names a private one without a link).
    pub authors: HashMap<i64, AuthorProfile>,
    pub images: HashMap<i64, Image>,
    pub sections: Sections,
    /// Languages where a page of the site answers at the section's address (a site that had a
    /// page there before articles existed): the page keeps its address, the section is not shown.
    pub shadowed: Vec<Lang>,
    pub in_footer: bool,
    pub languages: Vec<Lang>,
}

/// What a list shows: all articles, or those of one category, tag or author.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter<'a> {
    All,
    Category(i64),
    Tag(&'a str),
    Author(i64),
}

/// The languages where a page holds the section's address.
async fn shadowed(
    db: &Db,
    sections: &Sections,
    languages: &Languages,
) -> anyhow::Result<Vec<Lang>> {
    let mut shadowed = Vec::new();
    for &lang in languages.all() {
        if store::page_at(db, lang, sections.segment(lang)).await? {
            tracing::warn!(
                %lang,
                address = sections.segment(lang),
                "a page answers at the articles section's address: set another one at /admin/articles/settings"
            );
            shadowed.push(lang);
        }
    }
    Ok(shadowed)
}

pub async fn load(db: &Db, languages: &Languages) -> anyhow::Result<ArticleIndex> {
    let sections = store::sections(db).await?;
    let rows = store::visible_articles(db).await?;
    let mut words: HashMap<i64, Vec<usize>> = HashMap::new();
    for (page_id, content) in store::visible_article_blocks(db).await? {
        let counts = words
            .entry(page_id)
            .or_insert_with(|| vec![0; languages.all().len()]);
        if let Ok(value) = content.parse::<serde_json::Value>() {
            count_words(&value, languages, counts);
        }
    }
    let mut articles = Vec::with_capacity(rows.len());
    for r in rows {
        let bad = |column: &str, e: &dyn std::fmt::Display| {
            anyhow::anyhow!("pages row {}, column {column}: {e}", r.id)
        };
        let title: Localized<String> = r.title.parse().map_err(|e| bad("title", &e))?;
        let summary: Localized<String> = r.summary.parse().map_err(|e| bad("summary", &e))?;
        // The title and summary count too; a language without its own words reads the default's.
        let default_words = words
            .get(&r.id)
            .and_then(|w| w.first().copied())
            .unwrap_or(0);
        let minutes = languages
            .all()
            .iter()
            .enumerate()
            .map(|(i, &lang)| {
                let body = words.get(&r.id).map_or(0, |w| w[i]);
                let body = if body == 0 { default_words } else { body };
                let head = title
                    .text(lang, languages.default_lang())
                    .split_whitespace()
                    .count()
                    + summary
                        .text(lang, languages.default_lang())
                        .split_whitespace()
                        .count();
                reading_minutes(body + head)
            })
            .collect();
        articles.push(IndexedArticle {
            id: r.id,
            slug: Slug::parse(&r.slug).map_err(|e| bad("slug", &e))?,
            slugs: r.slugs.parse().map_err(|e| bad("slugs", &e))?,
            title,
            summary,
            published_at: r.published_at.0,
            changed_at: r.updated_at.0,
            details: r.article.parse().map_err(|e| bad("article", &e))?,
            minutes,
        });
    }
    let images = store::article_images(db)
        .await?
        .into_iter()
        .map(|m| {
            let image = Image {
                src: format!("/media/{}", m.file_name),
                width: m.width.and_then(|w| u32::try_from(w).ok()),
                height: m.height.and_then(|h| u32::try_from(h).ok()),
                alt: m.alt.parse().unwrap_or_default(),
            };
            (m.id, image)
        })
        .collect();
    Ok(ArticleIndex {
        articles,
        categories: store::categories(db).await?,
        authors: store::bylines(db)
            .await?
            .into_iter()
            .map(|p| (p.user_id, p))
            .collect(),
        images,
        shadowed: shadowed(db, &sections, languages).await?,
        sections,
        in_footer: store::in_footer(db).await?,
        languages: languages.all().to_vec(),
    })
}

impl ArticleIndex {
    /// The articles visitors see at `now`, newest first.
    pub fn visible(&self, now: OffsetDateTime) -> impl Iterator<Item = &IndexedArticle> {
        self.articles.iter().filter(move |a| a.published_at <= now)
    }

    pub fn matching<'s>(
        &'s self,
        filter: Filter<'s>,
        now: OffsetDateTime,
    ) -> impl Iterator<Item = &'s IndexedArticle> {
        self.visible(now).filter(move |a| match filter {
            Filter::All => true,
            Filter::Category(id) => a.details.categories.contains(&id),
            Filter::Tag(key) => a.details.tags.iter().any(|t| tag_key(t) == key),
            Filter::Author(id) => a.details.authors.contains(&id),
        })
    }

    /// Page `page` (from 1) of the filtered list, and how many pages there are (at least one).
    pub fn page<'s>(
        &'s self,
        filter: Filter<'s>,
        page: usize,
        now: OffsetDateTime,
    ) -> (Vec<&'s IndexedArticle>, usize) {
        let all: Vec<&'s IndexedArticle> = self.matching(filter, now).collect();
        let pages = all.len().div_ceil(super::PER_PAGE).max(1);
        let shown = all
            .into_iter()
            .skip((page.max(1) - 1) * super::PER_PAGE)
            .take(super::PER_PAGE)
            .collect();
        (shown, pages)
    }

    pub fn visible_by_slug(
        &self,
        lang: Lang,
        slug: &str,
        now: OffsetDateTime,
    ) -> Option<&IndexedArticle> {
        self.visible(now).find(|a| a.slug_in(lang) == slug)
    }

    /// The article that answers at `slug` in another language (or by its default slug): a visitor
    /// who followed an address in the wrong language is sent to the right one.
    pub fn by_any_slug(&self, slug: &str, now: OffsetDateTime) -> Option<&IndexedArticle> {
        self.visible(now)
            .find(|a| a.slug.as_str() == slug || a.slugs.variants().any(|(_, s)| s == slug))
    }

    /// Up to `count` other articles that share the most categories and tags with `article`
    /// (a category counts double), newest first among equals.
    pub fn related(
        &self,
        article: &IndexedArticle,
        count: usize,
        now: OffsetDateTime,
    ) -> Vec<&IndexedArticle> {
        let mut scored: Vec<(usize, &IndexedArticle)> = self
            .visible(now)
            .filter(|a| a.id != article.id)
            .map(|a| {
                let categories = a
                    .details
                    .categories
                    .iter()
                    .filter(|c| article.details.categories.contains(c))
                    .count();
                let tags = a
                    .details
                    .tags
                    .iter()
                    .filter(|t| article.details.has_tag(t))
                    .count();
                (2 * categories + tags, a)
            })
            .collect();
        // Stable: among equal scores the newer (earlier in the list) stays first, so where fewer
        // share a topic the newest others fill the row.
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        scored.into_iter().take(count).map(|(_, a)| a).collect()
    }

    /// The article published before `article` and the one after it.
    pub fn neighbours(
        &self,
        article: &IndexedArticle,
        now: OffsetDateTime,
    ) -> (Option<&IndexedArticle>, Option<&IndexedArticle>) {
        let visible: Vec<&IndexedArticle> = self.visible(now).collect();
        let Some(i) = visible.iter().position(|a| a.id == article.id) else {
            return (None, None);
        };
        let newer = i.checked_sub(1).map(|j| visible[j]);
        (visible.get(i + 1).copied(), newer)
    }

    pub fn category(&self, id: i64) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn category_by_slug(&self, lang: Lang, slug: &str) -> Option<&Category> {
        let default = self.default_lang();
        self.categories
            .iter()
            .find(|c| c.slug_in(lang, default) == slug)
    }

    /// A public author profile by its address.
    pub fn author_by_slug(&self, slug: &str) -> Option<&AuthorProfile> {
        self.authors.values().find(|a| a.public && a.slug == slug)
    }

    /// The tag as typed on the newest article that has it, for a tag's address.
    pub fn tag_name(&self, key: &str) -> Option<&str> {
        self.articles
            .iter()
            .flat_map(|a| a.details.tags.iter())
            .find(|t| tag_key(t) == key)
            .map(String::as_str)
    }

    pub fn default_lang(&self) -> Lang {
        self.languages.first().copied().unwrap_or_else(|| {
            Lang::parse("en").unwrap_or_else(|_| unreachable!("en is a language"))
        })
    }

    /// The minutes to read `article` in `lang`.
    pub fn minutes(&self, article: &IndexedArticle, lang: Lang) -> usize {
        self.languages
            .iter()
            .position(|l| *l == lang)
            .and_then(|i| article.minutes.get(i).copied())
            .unwrap_or(1)
    }

    /// When the visible section next changes by itself (a scheduled article goes live).
    pub fn next_publication_after(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        self.articles
            .iter()
            .map(|a| a.published_at)
            .filter(|t| *t > now)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn article(id: i64, day: u8, categories: Vec<i64>, tags: &[&str]) -> IndexedArticle {
        let at = datetime!(2026-11-01 9:00 UTC).replace_day(day).unwrap();
        IndexedArticle {
            id,
            slug: Slug::parse(&format!("a{id}")).unwrap(),
            slugs: Localized::new(),
            title: Localized::new(),
            summary: Localized::new(),
            published_at: at,
            changed_at: at,
            details: ArticleDetails {
                categories,
                tags: tags.iter().map(|t| t.to_string()).collect(),
                ..ArticleDetails::default()
            },
            minutes: vec![1],
        }
    }

    fn index(articles: Vec<IndexedArticle>) -> ArticleIndex {
        ArticleIndex {
            articles,
            ..ArticleIndex::default()
        }
    }

    #[test]
    fn related_articles_share_categories_and_tags_and_the_best_match_comes_first() {
        let i = index(vec![
            article(5, 5, vec![1], &[]),
            article(4, 4, vec![2], &["Rust"]),
            article(3, 3, vec![1], &["rust"]),
            article(2, 2, vec![3], &[]),
            article(1, 1, vec![1], &["Rust"]),
        ]);
        let now = datetime!(2026-12-01 0:00 UTC);
        let me = &i.articles[4];
        let ids: Vec<i64> = i.related(me, 3, now).iter().map(|a| a.id).collect();
        assert_eq!(ids, vec![3, 5, 4]);
        // Article 2 shares nothing with 5: the newest others fill its row.
        let ids: Vec<i64> = i
            .related(&i.articles[3], 3, now)
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, vec![5, 4, 3]);
        let (older, newer) = i.neighbours(&i.articles[2], now);
        assert_eq!(
            (older.map(|a| a.id), newer.map(|a| a.id)),
            (Some(2), Some(4))
        );
    }

    #[test]
    fn lists_page_by_twelve_and_scheduled_articles_wait_for_their_time() {
        let mut articles: Vec<IndexedArticle> =
            (1..=26).rev().map(|n| article(n, 1, vec![], &[])).collect();
        articles[0].published_at = datetime!(2026-12-24 0:00 UTC);
        let i = index(articles);
        let now = datetime!(2026-12-01 0:00 UTC);
        let (first, pages) = i.page(Filter::All, 1, now);
        assert_eq!((first.len(), pages, first[0].id), (12, 3, 25));
        let (last, _) = i.page(Filter::All, 3, now);
        assert_eq!(last.len(), 1);
        assert!(i.page(Filter::All, 4, now).0.is_empty());
        assert_eq!(
            i.next_publication_after(now),
            Some(datetime!(2026-12-24 0:00 UTC))
        );
    }
}
