//! Whitepapers and the rules of their gate, as Magnetiq reasons about them: what a mailed link
//! still allows, how many links one address may be sent in a day, how long a reader is remembered.
//! Pure functions, tested without a database.
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::content::Slug;
use crate::i18n::{Lang, Localized};

/// How long a mailed link works.
pub const LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(7 * 24);
/// How many downloads a mailed link allows.
pub const LINK_DOWNLOADS: i64 = 3;
/// How many download links one address is sent in 24 hours, across whitepapers: the form cannot be
/// used to fill a stranger's inbox.
pub const LINKS_PER_ADDRESS_PER_DAY: i64 = 5;
/// How long a confirmed reader's browser is remembered.
pub const READER_LIFETIME: SignedDuration = SignedDuration::from_hours(90 * 24);

/// Today's date where the demo company sits (Berlin): the default publication date.
pub fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::get("Europe/Berlin")
        .unwrap_or(jiff::tz::TimeZone::UTC)
        .to_datetime(Timestamp::now())
        .date()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhitepaperStatus {
    Draft,
    Published,
}

impl WhitepaperStatus {
    pub fn parse(s: &str) -> Option<WhitepaperStatus> {
        match s {
            "draft" => Some(WhitepaperStatus::Draft),
            "published" => Some(WhitepaperStatus::Published),
            _ => None,
        }
    }

    pub fn as_db(self) -> &'static str {
        match self {
            WhitepaperStatus::Draft => "draft",
            WhitepaperStatus::Published => "published",
        }
    }
}

/// A category or a tag: a key for addresses (`?category=ai-engineering`) and a label per language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub key: String,
    #[serde(default)]
    pub label: Localized<String>,
}

#[derive(Clone, Debug)]
pub struct Whitepaper {
    pub id: i64,
    pub slug: Slug,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    /// Markdown, as the editor wrote it.
    pub description: Localized<String>,
    /// Rendered from the Markdown and sanitised when saved.
    pub description_html: Localized<String>,
    pub preview: Localized<String>,
    pub author_name: String,
    pub author_role: Localized<String>,
    pub category: Option<Label>,
    pub tags: Vec<Label>,
    pub published_on: jiff::civil::Date,
    /// A path under `/media/` or `/static/`, or empty.
    pub cover_image: String,
    pub page_count: i64,
    pub status: WhitepaperStatus,
    pub download_count: i64,
    pub updated_at: Timestamp,
    /// The PDF of each language that has its own: (language, media id).
    pub files: Vec<(String, i64)>,
    /// Leads so far (the admin's list).
    pub leads: i64,
}

impl Whitepaper {
    /// The media id of the PDF for a reader of `lang`: that language's, else the default language's,
    /// else any.
    pub fn file_for(&self, lang: Lang, default: Lang) -> Option<i64> {
        let of = |l: Lang| {
            self.files
                .iter()
                .find(|(code, _)| code == l.as_str())
                .map(|(_, id)| *id)
        };
        of(lang)
            .or_else(|| of(default))
            .or_else(|| self.files.first().map(|(_, id)| *id))
    }

    pub fn has_tag(&self, key: &str) -> bool {
        self.tags.iter().any(|t| t.key == key)
    }

    pub fn in_category(&self, key: &str) -> bool {
        self.category.as_ref().is_some_and(|c| c.key == key)
    }
}

/// What a mailed link allows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Usable,
    /// Older than [`LINK_LIFETIME`]: 410, with a fresh link on offer.
    Expired,
    /// [`LINK_DOWNLOADS`] used: 429, with a fresh link on offer.
    UsedUp,
}

pub fn link_state(expires_at: Timestamp, downloads: i64, now: Timestamp) -> LinkState {
    if now >= expires_at {
        LinkState::Expired
    } else if downloads >= LINK_DOWNLOADS {
        LinkState::UsedUp
    } else {
        LinkState::Usable
    }
}

/// A file name for the download: the title's letters, digits and spaces as ASCII (`Über KI` →
/// `Uber KI.pdf`), for the `filename` parameter; the `filename*` parameter carries the title as it is.
pub fn ascii_file_name(title: &str) -> String {
    let plain: String = title
        .chars()
        .filter_map(|c| match c {
            'ä' => Some('a'),
            'ö' => Some('o'),
            'ü' => Some('u'),
            'Ä' => Some('A'),
            'Ö' => Some('O'),
            'Ü' => Some('U'),
            'ß' => Some('s'),
            c if c.is_ascii_alphanumeric() || c == ' ' || c == '-' => Some(c),
            _ => None,
        })
        .collect();
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain: String = plain.chars().take(100).collect();
    if plain.is_empty() {
        "whitepaper.pdf".to_owned()
    } else {
        format!("{plain}.pdf")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_for_a_week_and_three_downloads() {
        let now: Timestamp = "2026-11-25T10:00:00Z".parse().unwrap();
        let expires = now + LINK_LIFETIME;
        assert_eq!(link_state(expires, 0, now), LinkState::Usable);
        assert_eq!(link_state(expires, 2, now), LinkState::Usable);
        assert_eq!(link_state(expires, 3, now), LinkState::UsedUp);
        assert_eq!(link_state(expires, 0, expires), LinkState::Expired);
        assert_eq!(link_state(expires, 3, expires), LinkState::Expired);
    }

    #[test]
    fn download_names_are_plain_and_never_empty() {
        assert_eq!(
            ascii_file_name("Über KI: ein Leitfaden"),
            "Uber KI ein Leitfaden.pdf"
        );
        assert_eq!(ascii_file_name("\"quotes\"\r\n; evil"), "quotes evil.pdf");
        assert_eq!(ascii_file_name("???"), "whitepaper.pdf");
    }

    #[test]
    fn a_reader_gets_their_languages_file_else_the_defaults() {
        let (en, de, fr) = (
            Lang::parse("en").unwrap(),
            Lang::parse("de").unwrap(),
            Lang::parse("fr").unwrap(),
        );
        let mut w = Whitepaper {
            id: 1,
            slug: Slug::parse("x").unwrap(),
            title: Localized::new(),
            summary: Localized::new(),
            description: Localized::new(),
            description_html: Localized::new(),
            preview: Localized::new(),
            author_name: String::new(),
            author_role: Localized::new(),
            category: None,
            tags: Vec::new(),
            published_on: jiff::civil::date(2026, 1, 1),
            cover_image: String::new(),
            page_count: 0,
            status: WhitepaperStatus::Published,
            download_count: 0,
            updated_at: Timestamp::UNIX_EPOCH,
            files: vec![("en".into(), 10), ("de".into(), 20)],
            leads: 0,
        };
        assert_eq!(w.file_for(de, en), Some(20));
        assert_eq!(w.file_for(fr, en), Some(10));
        w.files.retain(|(l, _)| l == "de");
        assert_eq!(w.file_for(en, en), Some(20));
        w.files.clear();
        assert_eq!(w.file_for(en, en), None);
    }
}
