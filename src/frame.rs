//! The page frame's contents: the navigation from the content tree, the footer's columns (company,
//! sections, resources, the next webinars, the latest whitepapers) and the legal links. It shows
//! several features at once, so it sits above them; `web::layout` asks it through [`FrameSource`].
use time::OffsetDateTime;

use crate::content::{self, Placement, TreePage};
use crate::i18n::Lang;
use crate::web::layout::{FooterColumn, FrameParts, FrameSource, Here, Link, NavItem};
use crate::web::state::AppState;

/// How many teasers a footer column lists.
const FOOTER_TEASERS: usize = 4;
/// How many of the latest articles the footer lists (when the site settings say so).
const FOOTER_ARTICLES: usize = 3;

/// The footer's teaser columns: (teaser list, heading, the list's page below the language, the
/// label of the link to it).
const TEASER_COLUMNS: [(&str, &str, &str, &str); 2] = [
    (
        crate::webinars::TEASERS,
        "footer-webinars",
        "webinars",
        "footer-all-webinars",
    ),
    (
        crate::whitepapers::TEASERS,
        "footer-whitepapers",
        "whitepapers",
        "footer-all-whitepapers",
    ),
];

pub struct SiteFrame;

impl FrameSource for SiteFrame {
    fn parts(
        &self,
        state: &AppState,
        lang: Lang,
        here: Here<'_>,
        now: OffsetDateTime,
    ) -> FrameParts {
        let tree = content::tree(state);
        let default = state.config.languages.default_lang();
        let ui = state.catalog.messages(lang);
        let current_id = match here {
            Here::Page { id, .. } => Some(id),
            Here::Path { .. } | Here::Elsewhere => None,
        };
        let link = |p: &TreePage| Link {
            href: content::page_path(lang, p.slug_in(lang)),
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
        let mut nav: Vec<NavItem> = tree
            .children(None, Placement::Main, now)
            .filter(|p| !p.slug.is_home())
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
        // with children (e.g. services), resources, then the features' teaser columns.
        let mut footer_columns = vec![FooterColumn {
            heading: ui.t("footer-company").to_owned(),
            links: nav
                .iter()
                .filter(|n| n.children.is_empty())
                .map(|n| n.link.clone())
                .collect(),
        }];
        for item in nav.iter().filter(|n| !n.children.is_empty()) {
            footer_columns.push(FooterColumn {
                heading: item.link.title.clone(),
                links: item.children.clone(),
            });
        }
        footer_columns.push(FooterColumn {
            heading: ui.t("footer-resources").to_owned(),
            links: tree
                .children(None, Placement::Resources, now)
                .map(link)
                .collect(),
        });
        for (list, heading, all_path, all_label) in TEASER_COLUMNS {
            let mut links: Vec<Link> = state
                .teasers(list)
                .iter()
                .filter(|t| t.current(now))
                .take(FOOTER_TEASERS)
                .map(|t| Link {
                    href: format!("/{lang}/{}", t.path),
                    title: t.title.text(lang, default).to_owned(),
                    current: here.is(&t.path),
                })
                .collect();
            if !links.is_empty() {
                links.push(Link {
                    href: format!("/{lang}/{all_path}"),
                    title: ui.t(all_label).to_owned(),
                    current: here.is(all_path),
                });
            }
            footer_columns.push(FooterColumn {
                heading: ui.t(heading).to_owned(),
                links,
            });
        }
        let articles = content::articles::current(state);
        // Where a page holds the section's address, the section is not offered in that language.
        let section_open = !articles.shadowed.contains(&lang);
        if articles.in_footer && section_open {
            let mut links: Vec<Link> = articles
                .visible(now)
                .take(FOOTER_ARTICLES)
                .map(|a| Link {
                    href: a.path(&articles.sections, lang),
                    title: a.title.text(lang, default).to_owned(),
                    current: false,
                })
                .collect();
            if !links.is_empty() {
                links.push(Link {
                    href: articles.sections.list_path(lang),
                    title: ui.t("footer-all-articles").to_owned(),
                    current: false,
                });
            }
            footer_columns.push(FooterColumn {
                heading: ui.t("footer-articles").to_owned(),
                links,
            });
        }
        // The section stands last in the main navigation once it has an article to show.
        if section_open && articles.visible(now).next().is_some() {
            let segment = articles.sections.segment(lang);
            let within = match here {
                Here::Page { path, .. } | Here::Path { path } => {
                    path == segment || path.starts_with(&format!("{segment}/"))
                }
                Here::Elsewhere => false,
            };
            nav.push(NavItem {
                link: Link {
                    href: articles.sections.list_path(lang),
                    title: ui.t("articles-title").to_owned(),
                    current: here.is(segment),
                },
                active: within,
                children: Vec::new(),
            });
        }
        footer_columns.retain(|c| !c.links.is_empty());
        FrameParts {
            nav,
            footer_columns,
            legal: tree
                .children(None, Placement::Legal, now)
                .map(link)
                .collect(),
            privacy_href: content::path_of(state, lang, "privacy"),
        }
    }

    fn unchanged_until(&self, state: &AppState, now: OffsetDateTime) -> OffsetDateTime {
        let mut until = content::tree(state).unchanged_until(now);
        if let Some(next) = content::articles::current(state).next_publication_after(now) {
            until = until.min(next);
        }
        state
            .teasers_change_at(now)
            .map_or(until, |change| change.min(until))
    }
}
