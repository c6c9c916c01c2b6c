//! Atom 1.0 (RFC 4287) feeds of the newest articles, per language and per category, written with
//! `atom_syndication`: each entry with its id, title, dates, authors, link, summary and the full
//! text as sanitised HTML with absolute addresses.
use askama::Template;
use atom_syndication::{
    Category as AtomCategory, Content, Entry, Feed, FixedDateTime, Link, Person, Text,
};
use time::OffsetDateTime;

use super::index::{ArticleIndex, Filter, IndexedArticle};
use super::view::rfc3339;
use crate::content::blocks::{Block, BlockKind};
use crate::i18n::Lang;

/// Entries per feed.
pub const ENTRIES: usize = 20;

/// The content type feeds are sent with.
pub const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// A block as a feed reader gets it: text, headings, images, quotes and links (forms, teasers and
/// layouts stay on the site).
enum FeedBlock {
    /// HTML the server rendered from Markdown and sanitised when the block was saved.
    SanitizedHtml(String),
    Heading(String),
    Image {
        src: String,
        alt: String,
    },
    Quote {
        text: String,
        person: String,
    },
    Link {
        label: String,
        href: String,
    },
}

#[derive(Template)]
#[template(path = "public/feed_entry.html")]
struct FeedBody {
    blocks: Vec<FeedBlock>,
}

/// What a feed is about: its title, its own address and the page it stands for.
pub struct FeedInfo {
    pub title: String,
    pub self_href: String,
    pub page_href: String,
    /// The feed's author: the site.
    pub site_name: String,
}

/// The feed of `articles` (the newest first, with their blocks) in `lang`.
pub fn write(
    index: &ArticleIndex,
    info: &FeedInfo,
    articles: &[(&IndexedArticle, Vec<Block>)],
    lang: Lang,
    base: &str,
    now: OffsetDateTime,
) -> anyhow::Result<String> {
    let entries: Vec<Entry> = articles
        .iter()
        .map(|(a, blocks)| entry(index, a, blocks, lang, base, &info.site_name))
        .collect::<anyhow::Result<_>>()?;
    // The feed changed when its newest entry appeared or any entry was updated.
    let updated = articles
        .iter()
        .map(|(a, _)| a.updated().max(a.published_at))
        .max()
        .unwrap_or(now);
    let mut feed = Feed::default();
    feed.set_id(format!("{base}{}", info.self_href));
    feed.set_title(Text::plain(info.title.clone()));
    feed.set_updated(fixed(updated)?);
    feed.set_lang(Some(lang.to_string()));
    feed.set_links(vec![
        link(
            format!("{base}{}", info.self_href),
            "self",
            Some("application/atom+xml"),
        ),
        link(
            format!("{base}{}", info.page_href),
            "alternate",
            Some("text/html"),
        ),
    ]);
    let mut author = Person::default();
    author.set_name(info.site_name.clone());
    feed.set_authors(vec![author]);
    feed.set_entries(entries);
    Ok(feed.to_string())
}

fn entry(
    index: &ArticleIndex,
    a: &IndexedArticle,
    blocks: &[Block],
    lang: Lang,
    base: &str,
    site_name: &str,
) -> anyhow::Result<Entry> {
    let default = index.default_lang();
    let href = format!("{base}{}", a.path(&index.sections, lang));
    let mut entry = Entry::default();
    // Stable whatever the article's address becomes.
    entry.set_id(format!("{base}/{lang}/feed.xml#article-{}", a.id));
    entry.set_title(Text::plain(a.title.text(lang, default)));
    entry.set_published(Some(fixed(a.published_at)?));
    entry.set_updated(fixed(a.updated())?);
    entry.set_links(vec![link(href, "alternate", Some("text/html"))]);
    let mut authors: Vec<Person> = a
        .details
        .authors
        .iter()
        .filter_map(|id| index.authors.get(id))
        .map(|p| {
            let mut person = Person::default();
            person.set_name(p.display_name.clone());
            if p.public {
                person.set_uri(Some(format!("{base}/{lang}/authors/{}", p.slug)));
            }
            person
        })
        .collect();
    if authors.is_empty() {
        // RFC 4287 wants an author on every entry of a feed whose own author may not apply.
        let mut person = Person::default();
        person.set_name(site_name.to_owned());
        authors.push(person);
    }
    entry.set_authors(authors);
    entry.set_categories(
        a.details
            .categories
            .iter()
            .filter_map(|id| index.category(*id))
            .map(|c| {
                let mut category = AtomCategory::default();
                category.set_term(c.slug_in(lang, default).to_owned());
                category.set_label(Some(c.name.text(lang, default).to_owned()));
                category
            })
            .collect::<Vec<_>>(),
    );
    let summary = a.summary.text(lang, default);
    if !summary.is_empty() {
        entry.set_summary(Some(Text::plain(summary)));
    }
    let mut content = Content::default();
    content.set_content_type(Some("html".to_owned()));
    content.set_value(Some(body_html(blocks, lang, default, base)?));
    entry.set_content(Some(content));
    Ok(entry)
}

/// The article's text as HTML for a feed reader, every address absolute.
pub fn body_html(
    blocks: &[Block],
    lang: Lang,
    default: Lang,
    base: &str,
) -> anyhow::Result<String> {
    let text = |t: &crate::i18n::Localized<String>| t.text(lang, default).to_owned();
    let absolute = |html: &str| {
        html.replace("href=\"/", &format!("href=\"{base}/"))
            .replace("src=\"/", &format!("src=\"{base}/"))
    };
    let blocks = blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::RichText(r) => Some(FeedBlock::SanitizedHtml(absolute(&text(&r.html)))),
            BlockKind::Heading(h) => Some(FeedBlock::Heading(text(&h.text))),
            BlockKind::Image(i) => Some(FeedBlock::Image {
                src: absolute_url(i.src.as_str(), base),
                alt: text(&i.alt),
            }),
            BlockKind::Quote(q) => Some(FeedBlock::Quote {
                text: text(&q.text),
                person: text(&q.person),
            }),
            BlockKind::CallToAction(c) => {
                let href = absolute_url(c.url.get(lang, default)?.as_str(), base);
                Some(FeedBlock::Link {
                    label: text(&c.label),
                    href,
                })
            }
            _ => None,
        })
        .collect();
    Ok(FeedBody { blocks }.render()?)
}

/// A site address (`/media/x.png`) made absolute; other addresses as they are.
fn absolute_url(href: &str, base: &str) -> String {
    if href.starts_with('/') && !href.starts_with("//") {
        format!("{base}{href}")
    } else {
        href.to_owned()
    }
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel.to_owned());
    link.set_mime_type(mime.map(str::to_owned));
    link
}

fn fixed(at: OffsetDateTime) -> anyhow::Result<FixedDateTime> {
    FixedDateTime::parse_from_rfc3339(&rfc3339(at)).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The articles a feed lists: the newest [`ENTRIES`] of `filter`.
pub fn newest<'i>(
    index: &'i ArticleIndex,
    filter: Filter<'i>,
    now: OffsetDateTime,
) -> Vec<&'i IndexedArticle> {
    index.matching(filter, now).take(ENTRIES).collect()
}
