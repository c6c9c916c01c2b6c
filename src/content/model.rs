//! Pages: their types and the rules about them (slugs, publishing states, placement).
use std::fmt;

use time::OffsetDateTime;

use crate::i18n::Localized;

/// A URL-safe page name: lowercase letters, digits and single hyphens, 1 to 100 characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a slug uses lowercase letters, digits and single hyphens (1 to 100 characters)")]
pub struct BadSlug;

impl Slug {
    pub const HOME: &'static str = "home";

    pub fn parse(s: &str) -> Result<Slug, BadSlug> {
        let ok = (1..=100).contains(&s.len())
            && s.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(Slug(s.to_owned()))
        } else {
            Err(BadSlug)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_home(&self) -> bool {
        self.0 == Self::HOME
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slug({})", self.0)
    }
}

/// Whether and since when visitors can see a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageStatus {
    Draft,
    Published(OffsetDateTime),
    /// Goes live by itself at the given time; no job has to run for it.
    Scheduled(OffsetDateTime),
}

impl PageStatus {
    pub fn is_visible_at(&self, now: OffsetDateTime) -> bool {
        match self {
            PageStatus::Draft => false,
            PageStatus::Published(at) | PageStatus::Scheduled(at) => *at <= now,
        }
    }

    /// The `status` column's value.
    pub fn as_db(&self) -> &'static str {
        match self {
            PageStatus::Draft => "draft",
            PageStatus::Published(_) => "published",
            PageStatus::Scheduled(_) => "scheduled",
        }
    }

    pub fn published_at(&self) -> Option<OffsetDateTime> {
        match self {
            PageStatus::Draft => None,
            PageStatus::Published(at) | PageStatus::Scheduled(at) => Some(*at),
        }
    }
}

/// Where a page is linked from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placement {
    /// The header navigation (children become its dropdown) and the footer's columns.
    Main,
    /// The footer's resources column (guides, FAQs).
    Resources,
    /// The footer's legal column (imprint, privacy).
    Legal,
    /// Reachable by URL and the sitemap only.
    Hidden,
}

impl Placement {
    pub fn parse(s: &str) -> Option<Placement> {
        match s {
            "main" => Some(Placement::Main),
            "resources" => Some(Placement::Resources),
            "legal" => Some(Placement::Legal),
            "hidden" => Some(Placement::Hidden),
            _ => None,
        }
    }

    pub fn as_db(&self) -> &'static str {
        match self {
            Placement::Main => "main",
            Placement::Resources => "resources",
            Placement::Legal => "legal",
            Placement::Hidden => "hidden",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Page {
    pub id: i64,
    /// The default language's slug (and the page's name in the admin).
    pub slug: Slug,
    /// Its own slugs in other languages (`{"de": "ueber-uns"}`); a language without one uses `slug`.
    pub slugs: Localized<String>,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    pub meta_description: Localized<String>,
    pub status: PageStatus,
    pub parent_id: Option<i64>,
    pub nav_order: i64,
    pub placement: Placement,
    pub version: i64,
    pub updated_at: OffsetDateTime,
    pub kind: super::articles::model::PageKind,
    /// An article's own fields (empty for a page).
    pub article: super::articles::model::ArticleDetails,
}

impl Page {
    /// The slug the page answers at in `lang`.
    pub fn slug_in(&self, lang: crate::i18n::Lang) -> &str {
        slug_in(&self.slug, &self.slugs, lang)
    }
}

/// The slug a page with default slug `slug` and own slugs `slugs` answers at in `lang` (the home
/// page answers at `/{lang}/` in every language).
pub fn slug_in<'a>(
    slug: &'a Slug,
    slugs: &'a Localized<String>,
    lang: crate::i18n::Lang,
) -> &'a str {
    if slug.is_home() {
        return slug.as_str();
    }
    slugs.exact(lang).map_or(slug.as_str(), String::as_str)
}

/// Why an edit of a page was not saved.
#[derive(Debug, PartialEq, Eq)]
pub enum SaveError {
    /// Someone saved the page since this form was opened.
    Stale,
    SlugTaken,
    /// Another page answers at the page's address in this language.
    SlugTakenIn(crate::i18n::Lang),
    /// The chosen parent is the page itself or one of its children.
    ParentCycle,
    NotFound,
}

pub type Saved<T> = anyhow::Result<Result<T, SaveError>>;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn slugs_are_url_safe() {
        for good in ["home", "about-us", "a", "web-3", "2026-review"] {
            assert!(Slug::parse(good).is_ok(), "{good} refused");
        }
        let long = "a".repeat(101);
        for bad in [
            "",
            "About",
            "a--b",
            "-a",
            "a-",
            "a b",
            "a/b",
            "..",
            "ä",
            "a_b",
            long.as_str(),
        ] {
            assert_eq!(Slug::parse(bad), Err(BadSlug), "{bad} accepted");
        }
    }

    #[test]
    fn drafts_are_never_visible_and_schedules_open_on_time() {
        let now = datetime!(2026-11-24 12:00 UTC);
        assert!(!PageStatus::Draft.is_visible_at(now));
        assert!(PageStatus::Published(datetime!(2026-01-01 0:00 UTC)).is_visible_at(now));
        assert!(PageStatus::Scheduled(datetime!(2026-11-24 12:00 UTC)).is_visible_at(now));
        assert!(!PageStatus::Scheduled(datetime!(2026-11-24 12:01 UTC)).is_visible_at(now));
    }
}
