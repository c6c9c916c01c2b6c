//! `Layout`: what every public page's frame shows (header navigation, language switcher, footer,
//! alternates, canonical link), resolved for one language before the template sees it. What the
//! navigation and footer hold comes from the site's [`FrameSource`] (`crate::frame`, which sits above
//! the features it shows); this module knows no feature.
use time::OffsetDateTime;

use crate::i18n::{Lang, Messages};
pub use crate::web::frame_parts::{FooterColumn, FrameParts, Here, Link, NavItem};
use crate::web::state::AppState;
pub use crate::web::state::FrameSource;

pub struct Alternate {
    pub lang: Lang,
    /// The language's own name ("Deutsch"), for the switcher.
    pub name: String,
    pub href: String,
    pub absolute_href: String,
    pub current: bool,
}

pub struct Layout<'a> {
    pub lang: Lang,
    pub ui: &'a Messages,
    pub site_name: &'a str,
    pub home_href: String,
    pub book_href: String,
    /// The site search (`/{lang}/search`), the header's search field's form target.
    pub search_href: String,
    /// What the search field shows (on the search page: the words searched for).
    pub search_query: String,
    pub privacy_href: String,
    pub nav: Vec<NavItem>,
    pub footer_columns: Vec<FooterColumn>,
    pub legal: Vec<Link>,
    pub alternates: Vec<Alternate>,
    pub x_default_href: String,
    pub canonical: String,
    pub css_href: &'a str,
    pub icons_href: &'a str,
    pub copyright: String,
    /// The image that counts this page's view when pages are counted behind a CDN
    /// (`MAGNETIQ_VISITS=pixel`).
    pub visit_pixel: Option<String>,
}

impl<'a> Layout<'a> {
    /// A time zone as people read it: "Berlin (UTC+1)", "Wien (UTC+1)".
    pub fn zone_label(&self, name: &str) -> String {
        crate::zones::label(name, self.ui)
    }

    pub fn new(state: &'a AppState, lang: Lang, here: Here<'_>, now: OffsetDateTime) -> Layout<'a> {
        let langs = &state.config.languages;
        let default = langs.default_lang();
        let ui = state.catalog.messages(lang);
        let base = state.config.base_url.as_str();
        let FrameParts {
            nav,
            footer_columns,
            legal,
            privacy_href,
        } = state.frame.parts(state, lang, here, now);
        let alternates = langs
            .all()
            .iter()
            .map(|&l| {
                let href = here.path_in(l);
                Alternate {
                    lang: l,
                    name: state.catalog.messages(l).t("language-name").to_owned(),
                    absolute_href: format!("{base}{href}"),
                    href,
                    current: l == lang,
                }
            })
            .collect();
        let visit_pixel = (state.config.visits == crate::config::VisitCounting::Pixel).then(|| {
            let path = serde_urlencoded::to_string([("p", here.path_in(lang))]).unwrap_or_default();
            format!("/visit.gif?{path}")
        });
        Layout {
            visit_pixel,
            lang,
            ui,
            site_name: &state.config.site_name,
            home_href: format!("/{lang}/"),
            book_href: format!("/{lang}/book"),
            search_href: format!("/{lang}/search"),
            search_query: String::new(),
            privacy_href,
            nav,
            footer_columns,
            legal,
            x_default_href: format!("{base}{}", here.path_in(default)),
            canonical: format!("{base}{}", here.path_in(lang)),
            alternates,
            css_href: state.assets.href("site.css"),
            icons_href: state.assets.href("icons.svg"),
            copyright: ui.t_args(
                "footer-copyright",
                &[
                    ("year", now.year().into()),
                    ("site", state.config.site_name.as_str().into()),
                ],
            ),
        }
    }

    /// A UI string in this page's language.
    pub fn t(&self, id: &'a str) -> &'a str {
        self.ui.t(id)
    }
}

/// Until when a page rendered at `now` stays right without an edit (see [`FrameSource`]).
pub fn unchanged_until(state: &AppState, now: OffsetDateTime) -> OffsetDateTime {
    state.frame.unchanged_until(state, now)
}

/// A fingerprint of the frame in every language at `now` (navigation, footer, legal links): a change
/// that leaves it as it was changes only the pages that show what changed.
pub fn frame_stamp(state: &AppState, now: OffsetDateTime) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for &lang in state.config.languages.all() {
        state
            .frame
            .parts(state, lang, Here::Elsewhere, now)
            .hash(&mut hasher);
    }
    hasher.finish()
}
