//! What the section's templates receive: cards, bylines, the article page and the author page,
//! every string resolved for the visitor's language.
use askama::Template;
use serde_json::json;
use time::OffsetDateTime;

use super::card::{bylines, card, iso_date, picture};
use super::index::{ArticleIndex, IndexedArticle};
use super::model::tag_key;
use crate::content::block_views::{ArticleCard as Card, Byline, Picture};
use crate::content::view::{BlockView, PageForms, escape_json_for_script};
use crate::i18n::Lang;
use crate::i18n::format_date;
use crate::web::layout::{Layout, Link};

/// A numbered link of a list's paging.
pub struct PageLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "public/articles.html")]
pub struct ListTemplate<'a> {
    pub layout: Layout<'a>,
    pub heading: String,
    /// Under the heading: what the list is filtered by, or nothing.
    pub intro: String,
    pub cards: Vec<Card>,
    /// The category links above the list (the current one marked).
    pub categories: Vec<Link>,
    pub all_href: String,
    pub pages: Vec<PageLink>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    /// A filtered list or a later page: kept out of search engines' indexes, canonical to the
    /// unfiltered first page.
    pub noindex: bool,
    pub feed_href: String,
    pub feed_title: String,
    /// An author's page: their profile above their articles.
    pub author: Option<AuthorCard>,
}

impl ListTemplate<'_> {
    fn title(&self) -> String {
        match self.pages.iter().find(|p| p.current) {
            Some(p) if p.number > 1 => self.layout.ui.t_args(
                "articles-page-title",
                &[
                    ("title", self.heading.as_str().into()),
                    ("page", p.number.into()),
                ],
            ),
            _ => self.heading.clone(),
        }
    }
}

/// An author as an article's end and their own page show them.
pub struct AuthorCard {
    pub name: String,
    pub role: String,
    pub bio: String,
    pub photo: Option<Picture>,
    pub href: Option<String>,
}

pub fn author_card(
    index: &ArticleIndex,
    profile: &super::model::AuthorProfile,
    lang: Lang,
) -> AuthorCard {
    let default = index.default_lang();
    AuthorCard {
        name: profile.display_name.clone(),
        role: profile.role_line.text(lang, default).to_owned(),
        bio: profile.bio.text(lang, default).to_owned(),
        photo: profile
            .photo
            .and_then(|id| index.images.get(&id))
            .map(|img| picture(img, &profile.display_name, lang, default)),
        href: profile
            .public
            .then(|| format!("/{lang}/authors/{}", profile.slug)),
    }
}

#[derive(Template)]
#[template(path = "public/article.html")]
pub struct ArticleTemplate<'a> {
    pub layout: Layout<'a>,
    pub title: &'a str,
    pub lead: &'a str,
    pub description: &'a str,
    pub cover: Option<Picture>,
    pub authors: Vec<Byline>,
    pub published: String,
    pub published_iso: String,
    /// The editor's "updated" date, when later than the publication.
    pub updated: Option<(String, String)>,
    pub minutes: String,
    pub categories: Vec<Link>,
    pub tags: Vec<Link>,
    pub blocks: Vec<BlockView<'a>>,
    pub author_cards: Vec<AuthorCard>,
    pub related: Vec<Card>,
    pub older: Option<Link>,
    pub newer: Option<Link>,
    pub share: Vec<(&'static str, String)>,
    pub list_href: String,
    pub section_title: String,
    pub og_locale: String,
    pub og_image: Option<String>,
    pub published_rfc3339: String,
    pub modified_rfc3339: String,
    pub json_ld_sanitized: String,
    pub feed_href: String,
    pub feed_title: String,
    pub preview: bool,
    pub forms: PageForms,
}

/// What an article page needs beyond the index entry.
pub struct ArticleParts<'a> {
    pub index: &'a ArticleIndex,
    pub article: &'a IndexedArticle,
    pub blocks: Vec<BlockView<'a>>,
    pub description: &'a str,
    pub title: &'a str,
    pub lead: &'a str,
}

pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl<'a> ArticleTemplate<'a> {
    pub fn new(
        layout: Layout<'a>,
        parts: ArticleParts<'a>,
        base: &str,
        now: OffsetDateTime,
    ) -> Self {
        let ArticleParts {
            index,
            article: a,
            blocks,
            description,
            title,
            lead,
        } = parts;
        let lang = layout.lang;
        let default = index.default_lang();
        let sections = &index.sections;
        let cover = a
            .details
            .cover
            .and_then(|id| index.images.get(&id))
            .map(|img| picture(img, a.details.cover_alt.text(lang, default), lang, default));
        let authors = bylines(index, a, lang);
        let updated_at = a.updated();
        let link = |other: &IndexedArticle| Link {
            href: other.path(sections, lang),
            title: other.title.text(lang, default).to_owned(),
            current: false,
        };
        let (older, newer) = index.neighbours(a, now);
        let list_href = sections.list_path(lang);
        let canonical = layout.canonical.clone();
        let encoded_url: String = form_urlencoded_value(&canonical);
        let encoded_title: String = form_urlencoded_value(title);
        let share = vec![
            (
                "LinkedIn",
                format!("https://www.linkedin.com/sharing/share-offsite/?url={encoded_url}"),
            ),
            (
                "X",
                format!("https://x.com/intent/post?url={encoded_url}&text={encoded_title}"),
            ),
            (
                "E-Mail",
                format!("mailto:?subject={encoded_title}&body={encoded_url}"),
            ),
        ];
        let og_image = cover.as_ref().map(|c| format!("{base}{}", c.src));
        let json_ld = json!({
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "@id": canonical,
            "mainEntityOfPage": canonical,
            "url": canonical,
            "headline": title,
            "description": description,
            "inLanguage": lang.as_str(),
            "datePublished": rfc3339(a.published_at),
            "dateModified": rfc3339(updated_at),
            "author": authors.iter().map(|b| match &b.href {
                Some(href) => json!({"@type": "Person", "name": b.name, "url": format!("{base}{href}")}),
                None => json!({"@type": "Person", "name": b.name}),
            }).collect::<Vec<_>>(),
            "image": og_image.as_ref().map(|i| vec![i.clone()]).unwrap_or_default(),
            "publisher": {"@type": "Organization", "name": layout.site_name, "url": format!("{base}/")},
            "keywords": a.details.tags.join(", "),
        });
        ArticleTemplate {
            title,
            lead,
            description,
            cover,
            authors,
            published: format_date(a.published_at.date(), lang),
            published_iso: iso_date(a.published_at),
            updated: (updated_at > a.published_at)
                .then(|| (format_date(updated_at.date(), lang), iso_date(updated_at))),
            minutes: layout.ui.t_args(
                "articles-minutes",
                &[("minutes", index.minutes(a, lang).into())],
            ),
            categories: a
                .details
                .categories
                .iter()
                .filter_map(|id| index.category(*id))
                .map(|c| Link {
                    href: format!("{list_href}/category/{}", c.slug_in(lang, default)),
                    title: c.name.text(lang, default).to_owned(),
                    current: false,
                })
                .collect(),
            tags: a
                .details
                .tags
                .iter()
                .map(|t| Link {
                    href: format!("{list_href}/tag/{}", tag_key(t)),
                    title: t.clone(),
                    current: false,
                })
                .collect(),
            blocks,
            author_cards: a
                .details
                .authors
                .iter()
                .filter_map(|id| index.authors.get(id))
                .map(|p| author_card(index, p, lang))
                .collect(),
            related: index
                .related(a, 3, now)
                .into_iter()
                .map(|r| card(index, r, layout.lang, layout.ui))
                .collect(),
            older: older.map(link),
            newer: newer.map(link),
            share,
            section_title: layout.t("articles-title").to_owned(),
            feed_href: format!("/{lang}/feed.xml"),
            feed_title: layout.t("articles-feed").to_owned(),
            list_href,
            og_locale: crate::content::view::og_locale(lang),
            og_image,
            published_rfc3339: rfc3339(a.published_at),
            modified_rfc3339: rfc3339(updated_at),
            json_ld_sanitized: escape_json_for_script(&json_ld.to_string()),
            preview: false,
            forms: PageForms::default(),
            layout,
        }
    }
}

/// `value` percent-encoded for a query string.
fn form_urlencoded_value(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s.trim_start_matches("v=").to_owned())
        .unwrap_or_default()
}
