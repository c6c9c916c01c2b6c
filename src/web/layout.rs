//! `Layout`: what every public page's frame shows (header navigation, language switcher, footer,
//! alternates, canonical link), resolved for one language before the template sees it. What the
//! navigation and footer hold comes from the site's [`FrameSource`] (`crate::frame`, which sits above
//! the features it shows); this module knows no feature.
use time::OffsetDateTime;

use crate::i18n::{Lang, Messages};
use crate::web::state::AppState;

/// Where in the site a page is, for links that lead to "the same page in another language".
#[derive(Clone, Copy)]
pub enum Here<'a> {
    /// A content page (`id` marks it as current in the navigation) at `/{lang}/{path}` (`path` is
    /// empty for the home page), or at `/{lang}/{own}` in the languages `translated` names.
    Page {
        id: i64,
        path: &'a str,
        translated: &'a [(Lang, String)],
    },
    /// A fixed page of the site outside the content tree, e.g. `book` for `/{lang}/book`.
    Path { path: &'a str },
    /// A page outside the content tree, e.g. an error page: other languages lead to their home page.
    Elsewhere,
}

impl Here<'_> {
    /// The address of this page in `lang`.
    pub fn path_in(&self, lang: Lang) -> String {
        match self {
            Here::Page {
                path, translated, ..
            } => match translated.iter().find(|(l, _)| *l == lang) {
                Some((_, own)) => format!("/{lang}/{own}"),
                None => format!("/{lang}/{path}"),
            },
            Here::Path { path } => format!("/{lang}/{path}"),
            Here::Elsewhere => format!("/{lang}/"),
        }
    }

    /// Whether a link to `/{lang}/{path}` leads here.
    pub fn is(&self, path: &str) -> bool {
        match self {
            Here::Page { path: here, .. } | Here::Path { path: here } => *here == path,
            Here::Elsewhere => false,
        }
    }
}

pub struct Link {
    pub href: String,
    pub title: String,
    /// `aria-current="page"` on the link to the page itself.
    pub current: bool,
}

impl Clone for Link {
    fn clone(&self) -> Link {
        Link {
            href: self.href.clone(),
            title: self.title.clone(),
            current: self.current,
        }
    }
}

pub struct NavItem {
    pub link: Link,
    /// The page or one of its children is being shown.
    pub active: bool,
    pub children: Vec<Link>,
}

pub struct FooterColumn {
    pub heading: String,
    pub links: Vec<Link>,
}

/// The parts of the frame that depend on what the site holds.
#[derive(Default)]
pub struct FrameParts {
    pub nav: Vec<NavItem>,
    pub footer_columns: Vec<FooterColumn>,
    pub legal: Vec<Link>,
    /// The privacy notice the footer's sign-up links to.
    pub privacy_href: String,
}

/// What fills the frame: the site's navigation and footer for a page in `lang` at `here`, and until
/// when a rendered page stays right without an edit. Installed once, when the site starts.
pub trait FrameSource: Send + Sync {
    fn parts(
        &self,
        state: &AppState,
        lang: Lang,
        here: Here<'_>,
        now: OffsetDateTime,
    ) -> FrameParts;

    /// The next time the frame changes by itself (a scheduled page, a new year, a webinar that
    /// begins); a rendered page is kept until then at most.
    fn unchanged_until(&self, state: &AppState, now: OffsetDateTime) -> OffsetDateTime;
}

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
        Layout {
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
