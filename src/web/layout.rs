//! `Layout`: what every public page's frame shows (header navigation, language switcher, footer,
//! alternates, canonical link), resolved for one language before the template sees it.
use time::OffsetDateTime;

use crate::content::{Placement, SiteTree, TreePage};
use crate::i18n::{Lang, Messages};
use crate::web::state::AppState;

/// Where in the site a page is, for links that lead to "the same page in another language".
#[derive(Clone, Copy)]
pub enum Here<'a> {
    /// A content page (`id` marks it as current in the navigation).
    Page { id: i64, slug: &'a str },
    /// A fixed page of the site outside the content tree, e.g. `book` for `/{lang}/book`.
    Path { path: &'a str },
    /// A page outside the content tree, e.g. an error page: other languages lead to their home page.
    Elsewhere,
}

pub struct Link {
    pub href: String,
    pub title: String,
    /// `aria-current="page"` on the link to the page itself.
    pub current: bool,
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
    pub fn new(
        state: &'a AppState,
        tree: &SiteTree,
        lang: Lang,
        here: Here<'_>,
        now: OffsetDateTime,
    ) -> Layout<'a> {
        let langs = &state.config.languages;
        let default = langs.default_lang();
        let ui = state.catalog.messages(lang);
        let base = state.config.base_url.as_str();
        let current_id = match here {
            Here::Page { id, .. } => Some(id),
            Here::Path { .. } | Here::Elsewhere => None,
        };
        let path_in = |l: Lang| match here {
            Here::Page { slug, .. } => page_path(l, slug),
            Here::Path { path } => format!("/{l}/{path}"),
            Here::Elsewhere => format!("/{l}/"),
        };
        let link = |p: &TreePage| Link {
            href: page_path(lang, p.slug.as_str()),
            title: p.title.text(lang, default).to_owned(),
            current: Some(p.id) == current_id,
        };
        let active_ids: Vec<i64> = current_id
            .map(|id| {
                tree.ancestors(id)
                    .iter()
                    .map(|p| p.id)
                    .chain([id])
                    .collect()
            })
            .unwrap_or_default();

        let top: Vec<&TreePage> = tree
            .children(None, Placement::Main, now)
            .filter(|p| !p.slug.is_home())
            .collect();
        let nav: Vec<NavItem> = top
            .iter()
            .map(|p| NavItem {
                link: link(p),
                active: active_ids.contains(&p.id),
                children: tree
                    .children(Some(p.id), Placement::Main, now)
                    .map(link)
                    .collect(),
            })
            .collect();

        // Footer: a "company" column of the top-level pages without children, one column per section
        // with children (e.g. services), then resources.
        let mut footer_columns = vec![FooterColumn {
            heading: ui.t("footer-company").to_owned(),
            links: nav
                .iter()
                .filter(|n| n.children.is_empty())
                .map(|n| clone_link(&n.link))
                .collect(),
        }];
        for item in nav.iter().filter(|n| !n.children.is_empty()) {
            footer_columns.push(FooterColumn {
                heading: item.link.title.clone(),
                links: item.children.iter().map(clone_link).collect(),
            });
        }
        let resources: Vec<Link> = tree
            .children(None, Placement::Resources, now)
            .map(link)
            .collect();
        footer_columns.push(FooterColumn {
            heading: ui.t("footer-resources").to_owned(),
            links: resources,
        });
        // What is coming up (the knowledge program): the next four that have not begun, and the way
        // to all of them (and the recordings).
        let mut coming: Vec<Link> = state
            .teasers()
            .iter()
            .filter(|t| t.starts_at > now)
            .take(FOOTER_TEASERS)
            .map(|t| Link {
                href: format!("/{lang}/{}", t.path),
                title: t.title.text(lang, default).to_owned(),
                current: matches!(here, Here::Path { path } if path == t.path),
            })
            .collect();
        if !coming.is_empty() {
            coming.push(Link {
                href: format!("/{lang}/webinars"),
                title: ui.t("footer-all-webinars").to_owned(),
                current: matches!(here, Here::Path { path: "webinars" }),
            });
        }
        footer_columns.push(FooterColumn {
            heading: ui.t("footer-webinars").to_owned(),
            links: coming,
        });
        footer_columns.retain(|c| !c.links.is_empty());

        let alternates = langs
            .all()
            .iter()
            .map(|&l| {
                let href = path_in(l);
                Alternate {
                    lang: l,
                    name: state.catalog.messages(l).t("language-name").to_owned(),
                    absolute_href: format!("{base}{href}"),
                    href,
                    current: l == lang,
                }
            })
            .collect();

        let year = now.year();
        Layout {
            lang,
            ui,
            site_name: &state.config.site_name,
            home_href: format!("/{lang}/"),
            book_href: format!("/{lang}/book"),
            nav,
            footer_columns,
            legal: tree
                .children(None, Placement::Legal, now)
                .map(link)
                .collect(),
            x_default_href: format!("{base}{}", path_in(default)),
            canonical: format!("{base}{}", path_in(lang)),
            alternates,
            css_href: state.assets.href("site.css"),
            icons_href: state.assets.href("icons.svg"),
            copyright: ui.t_args(
                "footer-copyright",
                &[
                    ("year", year.into()),
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

/// How many coming webinars the footer lists.
const FOOTER_TEASERS: usize = 4;

/// Until when a page rendered at `now` stays right without an edit: the next change of the site's
/// shape, the new year, or the start of the next webinar (it then leaves the footer).
pub fn unchanged_until(state: &AppState, tree: &SiteTree, now: OffsetDateTime) -> OffsetDateTime {
    let until = tree.unchanged_until(now);
    state
        .teasers()
        .iter()
        .map(|t| t.starts_at)
        .find(|start| *start > now)
        .map_or(until, |start| start.min(until))
}

/// `/{lang}/` for the home page, `/{lang}/{slug}` for every other page.
pub fn page_path(lang: Lang, slug: &str) -> String {
    if slug == crate::content::Slug::HOME {
        format!("/{lang}/")
    } else {
        format!("/{lang}/{slug}")
    }
}

fn clone_link(l: &Link) -> Link {
    Link {
        href: l.href.clone(),
        title: l.title.clone(),
        current: l.current,
    }
}
