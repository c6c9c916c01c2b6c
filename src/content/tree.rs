//! `SiteTree`: the shape of the site (which pages exist, their titles, parents and placement), kept in
//! memory so that navigation, breadcrumbs, footer and sitemap cost no query per request. It is rebuilt
//! whenever pages change; lookups are indexed so a site of 10,000 pages costs the same per request.
use std::collections::HashMap;

use time::OffsetDateTime;

use super::model::{Placement, Slug};
use crate::i18n::Localized;

/// A page that is published or scheduled (drafts never appear here).
#[derive(Clone, Debug)]
pub struct TreePage {
    pub id: i64,
    pub slug: Slug,
    /// Own slugs in other languages (see `Page::slugs`).
    pub slugs: Localized<String>,
    pub title: Localized<String>,
    pub parent_id: Option<i64>,
    pub placement: Placement,
    /// When visitors can see it: its own publication time, or a parent's if that is later (a page
    /// shows only while its section does).
    pub visible_from: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, Default)]
pub struct SiteTree {
    /// In navigation order: parent, then `nav_order`, then id.
    pages: Vec<TreePage>,
    by_id: HashMap<i64, usize>,
    /// Indexes into `pages` of each parent's children (`None`: top level) by placement, in navigation
    /// order: the navigation reads a handful of entries even when thousands of hidden pages exist.
    children: HashMap<(Option<i64>, Placement), Vec<usize>>,
    /// Every slug of every page, in any language (its own and the default one): the page a visitor
    /// meant when an address in one language uses another's slug.
    by_any_slug: HashMap<String, usize>,
    /// Every page's publication time, sorted: when the visible site next changes by itself.
    publication_times: Vec<OffsetDateTime>,
}

impl SiteTree {
    /// Builds the tree from pages already in navigation order (as the store loads them).
    pub fn new(mut pages: Vec<TreePage>) -> SiteTree {
        let by_id: HashMap<i64, usize> = pages.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        // A child is visible from the latest publication time along its chain of parents; a page whose
        // parent is a draft (absent here) is not reachable from the navigation at all.
        let effective: Vec<Option<OffsetDateTime>> = (0..pages.len())
            .map(|i| {
                let mut from = pages[i].visible_from;
                let mut next = pages[i].parent_id;
                let mut hops = 0;
                while let Some(parent) = next {
                    let &j = by_id.get(&parent)?;
                    from = from.max(pages[j].visible_from);
                    next = pages[j].parent_id;
                    hops += 1;
                    if hops > 64 {
                        return None; // a cycle in bad data must not hang start-up
                    }
                }
                Some(from)
            })
            .collect();
        let mut children: HashMap<(Option<i64>, Placement), Vec<usize>> = HashMap::new();
        for (i, (page, from)) in pages.iter_mut().zip(&effective).enumerate() {
            match from {
                Some(from) => {
                    page.visible_from = *from;
                    children
                        .entry((page.parent_id, page.placement))
                        .or_default()
                        .push(i);
                }
                None => page.visible_from = time::Date::MAX.midnight().assume_utc(),
            }
        }
        let mut by_any_slug = HashMap::new();
        for (i, page) in pages.iter().enumerate() {
            by_any_slug.insert(page.slug.to_string(), i);
        }
        for (i, page) in pages.iter().enumerate() {
            for (_, slug) in page.slugs.variants() {
                by_any_slug.entry(slug.clone()).or_insert(i);
            }
        }
        let mut publication_times: Vec<OffsetDateTime> =
            pages.iter().map(|p| p.visible_from).collect();
        publication_times.sort_unstable();
        publication_times.dedup();
        SiteTree {
            pages,
            by_id,
            children,
            by_any_slug,
            publication_times,
        }
    }

    /// Whether every page frame (navigation, footer, breadcrumbs) looks the same in both trees: the
    /// same pages with the same slugs, titles, places and publication times.
    pub fn same_frames_as(&self, other: &SiteTree) -> bool {
        self.pages.len() == other.pages.len()
            && self.pages.iter().zip(&other.pages).all(|(a, b)| {
                a.id == b.id
                    && a.slug == b.slug
                    && a.slugs == b.slugs
                    && a.title == b.title
                    && a.parent_id == b.parent_id
                    && a.placement == b.placement
                    && a.visible_from == b.visible_from
            })
    }

    /// Every page visitors can see at `now`, in navigation order.
    pub fn visible(&self, now: OffsetDateTime) -> impl Iterator<Item = &TreePage> {
        self.pages.iter().filter(move |p| p.visible_from <= now)
    }

    /// Visible children of `parent` (`None`: top level) with the given placement.
    pub fn children(
        &self,
        parent: Option<i64>,
        placement: Placement,
        now: OffsetDateTime,
    ) -> impl Iterator<Item = &TreePage> {
        self.children
            .get(&(parent, placement))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.pages[i])
            .filter(move |p| p.visible_from <= now)
    }

    /// The first moment after `now` at which a scheduled page goes live (and the site looks different).
    pub fn next_publication_after(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let i = self.publication_times.partition_point(|t| *t <= now);
        self.publication_times.get(i).copied()
    }

    /// Until when a page rendered at `now` stays right without any edit: the next scheduled
    /// publication (navigation may change) or the new year (the footer's copyright year).
    pub fn unchanged_until(&self, now: OffsetDateTime) -> OffsetDateTime {
        let new_year = time::Date::from_calendar_date(now.year() + 1, time::Month::January, 1)
            .map(|d| d.midnight().assume_utc())
            .unwrap_or(now);
        self.next_publication_after(now)
            .map_or(new_year, |t| t.min(new_year))
    }

    /// Every page below `id`: its children, theirs, and so on (their breadcrumbs show it).
    pub fn descendants(&self, id: i64) -> Vec<&TreePage> {
        self.pages
            .iter()
            .filter(|p| p.parent_id.is_some() && self.ancestors(p.id).iter().any(|a| a.id == id))
            .collect()
    }

    /// The page's ancestors, outermost first (not including the page itself).
    pub fn ancestors(&self, id: i64) -> Vec<&TreePage> {
        let mut chain: Vec<&TreePage> = Vec::new();
        let mut next = self.get(id).and_then(|p| p.parent_id);
        while let Some(parent) = next.and_then(|id| self.get(id)) {
            if chain.len() > 64 {
                break;
            }
            chain.push(parent);
            next = parent.parent_id;
        }
        chain.reverse();
        chain
    }

    pub fn get(&self, id: i64) -> Option<&TreePage> {
        self.by_id.get(&id).map(|&i| &self.pages[i])
    }

    /// The page that has `slug` in some language (the default one first), visible at `now`.
    pub fn with_any_slug(&self, slug: &str, now: OffsetDateTime) -> Option<&TreePage> {
        self.by_any_slug
            .get(slug)
            .map(|&i| &self.pages[i])
            .filter(|p| p.visible_from <= now)
    }
}

impl TreePage {
    /// The slug the page answers at in `lang`.
    pub fn slug_in(&self, lang: crate::i18n::Lang) -> &str {
        super::model::slug_in(&self.slug, &self.slugs, lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn page(id: i64, parent: Option<i64>, from: OffsetDateTime) -> TreePage {
        TreePage {
            id,
            slug: Slug::parse(&format!("p{id}")).unwrap(),
            slugs: Localized::new(),
            title: Localized::new(),
            parent_id: parent,
            placement: Placement::Main,
            visible_from: from,
            updated_at: from,
        }
    }

    #[test]
    fn children_wait_for_their_parents_and_orphans_never_show() {
        let early = datetime!(2026-01-01 0:00 UTC);
        let late = datetime!(2026-12-01 0:00 UTC);
        let tree = SiteTree::new(vec![
            page(1, None, late),
            page(2, Some(1), early),
            page(3, Some(99), early),
        ]);
        let now = datetime!(2026-06-01 0:00 UTC);
        assert_eq!(tree.visible(now).count(), 0);
        let after = datetime!(2026-12-02 0:00 UTC);
        let ids: Vec<i64> = tree.visible(after).map(|p| p.id).collect();
        assert_eq!(ids, vec![1, 2]);
        assert_eq!(tree.children(Some(1), Placement::Main, after).count(), 1);
        assert_eq!(
            tree.ancestors(2).iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![1]
        );
    }
}
