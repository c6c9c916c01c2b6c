//! The sitemap format: each address with its language alternates. Features list their addresses
//! (`content::seo::page_urls`, `webinars::public::sitemap_urls`); `crate::sitemap` puts them together.
use askama::Template;

use crate::i18n::Languages;

#[derive(Template)]
#[template(path = "sitemap.xml")]
pub struct Sitemap {
    pub urls: Vec<SitemapUrl>,
}

pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: String,
    pub alternates: Vec<(String, String)>,
}

/// One entry per language for an address that exists in every language; `path_in` gives the path in
/// a language (e.g. `/de/webinars/x`), each entry names the others and the default (`x-default`).
pub fn in_every_language(
    base: &str,
    languages: &Languages,
    lastmod: &str,
    path_in: impl Fn(crate::i18n::Lang) -> String,
) -> Vec<SitemapUrl> {
    let mut alternates: Vec<(String, String)> = languages
        .all()
        .iter()
        .map(|l| (l.to_string(), format!("{base}{}", path_in(*l))))
        .collect();
    alternates.push((
        "x-default".into(),
        format!("{base}{}", path_in(languages.default_lang())),
    ));
    languages
        .all()
        .iter()
        .map(|lang| SitemapUrl {
            loc: format!("{base}{}", path_in(*lang)),
            lastmod: lastmod.to_owned(),
            alternates: alternates.clone(),
        })
        .collect()
}

/// A section below the language (`webinars`, `whitepapers`): its list page (changed when its newest
/// item did) and each item at `/{lang}/{section}/{slug}`, in every language. Nothing when the
/// section has no items. `items` are (slug, last change).
pub fn section_urls(
    base: &str,
    languages: &Languages,
    section: &str,
    items: &[(&str, jiff::Timestamp)],
) -> Vec<SitemapUrl> {
    let Some(latest) = items.iter().map(|(_, at)| *at).max() else {
        return Vec::new();
    };
    let stamp = |t: jiff::Timestamp| crate::db::DbTime::from(t).to_text();
    let mut urls = in_every_language(base, languages, &stamp(latest), |lang| {
        format!("/{lang}/{section}")
    });
    for (slug, at) in items {
        urls.extend(in_every_language(base, languages, &stamp(*at), |lang| {
            format!("/{lang}/{section}/{slug}")
        }));
    }
    urls
}
