//! An article as lists show it (a card: cover, title, summary, bylines, date, reading time), made
//! for the section's own pages and for the "latest articles" block of any page.
use time::OffsetDateTime;

use super::index::{ArticleIndex, Image, IndexedArticle};
use crate::content::block_views::{ArticleCard, Byline, Picture};
use crate::i18n::{Lang, Messages, format_date};

/// An image as a page shows it, with its renditions; `alt` empty: the library's description.
pub fn picture(image: &Image, alt: &str, lang: Lang, default: Lang) -> Picture {
    let alt = if alt.is_empty() {
        image.alt.text(lang, default)
    } else {
        alt
    };
    Picture {
        srcset: crate::content::block_views::srcset(&image.src, image.width),
        src: image.src.clone(),
        width: image.width,
        height: image.height,
        alt: alt.to_owned(),
    }
}

/// `2026-11-30` for `<time datetime>`.
pub fn iso_date(at: OffsetDateTime) -> String {
    let d = at.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub fn bylines(index: &ArticleIndex, a: &IndexedArticle, lang: Lang) -> Vec<Byline> {
    a.details
        .authors
        .iter()
        .filter_map(|id| index.authors.get(id))
        .map(|p| Byline {
            name: p.display_name.clone(),
            href: p.public.then(|| format!("/{lang}/authors/{}", p.slug)),
        })
        .collect()
}

/// An article's card in `lang`, its reading time in `ui`'s words.
pub fn card(index: &ArticleIndex, a: &IndexedArticle, lang: Lang, ui: &Messages) -> ArticleCard {
    let default = index.default_lang();
    ArticleCard {
        href: a.path(&index.sections, lang),
        title: a.title.text(lang, default).to_owned(),
        summary: a.summary.text(lang, default).to_owned(),
        cover: a
            .details
            .cover
            .and_then(|id| index.images.get(&id))
            .map(|img| picture(img, a.details.cover_alt.text(lang, default), lang, default)),
        authors: bylines(index, a, lang),
        date: format_date(a.published_at.date(), lang),
        datetime: iso_date(a.published_at),
        minutes: ui.t_args(
            "articles-minutes",
            &[("minutes", index.minutes(a, lang).into())],
        ),
    }
}
