//! What only an article has beyond a page: its details (cover, authors, categories, tags, the date
//! an editor marks as updated), categories, authors' public profiles, and the reading time.
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Languages, Localized};

/// Whether a row of `pages` is a page of the site's tree or an article of the articles section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PageKind {
    #[default]
    Page,
    Article,
}

impl PageKind {
    pub fn parse(s: &str) -> Option<PageKind> {
        match s {
            "page" => Some(PageKind::Page),
            "article" => Some(PageKind::Article),
            _ => None,
        }
    }

    pub fn as_db(self) -> &'static str {
        match self {
            PageKind::Page => "page",
            PageKind::Article => "article",
        }
    }
}

/// An article's own fields, stored as one JSON object in `pages.article` so that drafts of
/// changes, revisions and copies carry them along.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleDetails {
    /// The cover image (a media id).
    pub cover: Option<i64>,
    pub cover_alt: Localized<String>,
    /// The "updated" date an editor sets when a change matters to readers (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_on: Option<String>,
    /// Staff members (user ids) in byline order.
    pub authors: Vec<i64>,
    /// Category ids.
    pub categories: Vec<i64>,
    /// Free tags as typed (trimmed, at most 40 characters each), compared without case.
    pub tags: Vec<String>,
}

impl ArticleDetails {
    /// The `updated_on` date, when it is one.
    pub fn updated_date(&self) -> Option<time::Date> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(self.updated_on.as_deref()?, format).ok()
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| tag_key(t) == tag_key(tag))
    }
}

/// A tag's address form: lowercase letters, digits and hyphens (`Machine Learning` →
/// `machine-learning`).
pub fn tag_key(tag: &str) -> String {
    let mut key = String::new();
    for c in tag.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    key.trim_end_matches('-').to_owned()
}

/// Tags from a comma-separated line: trimmed, at most 20, each at most 40 characters, no two the
/// same without case.
pub fn parse_tags(line: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in line.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let tag: String = tag.chars().take(40).collect();
        if !tag_key(&tag).is_empty() && !tags.iter().any(|t| tag_key(t) == tag_key(&tag)) {
            tags.push(tag);
        }
        if tags.len() == 20 {
            break;
        }
    }
    tags
}

/// A category of articles: its name and address per language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: i64,
    pub name: Localized<String>,
    pub slugs: Localized<String>,
    pub position: i64,
}

impl Category {
    /// Its address segment in `lang` (the default language's where it has none of its own).
    pub fn slug_in(&self, lang: Lang, default: Lang) -> &str {
        self.slugs.text(lang, default)
    }
}

/// A staff member's public profile as an author.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorProfile {
    pub user_id: i64,
    pub slug: String,
    pub display_name: String,
    pub role_line: Localized<String>,
    pub bio: Localized<String>,
    pub photo: Option<i64>,
    pub public: bool,
}

/// Words per minute a reader manages on screen.
const WORDS_PER_MINUTE: usize = 200;

/// The words of every language variant in a block's content: each JSON object whose keys are the
/// site's languages counts its strings for those languages (links, ids and numbers are not words).
pub fn count_words(content: &serde_json::Value, languages: &Languages, counts: &mut [usize]) {
    match content {
        serde_json::Value::Object(map) => {
            let langs: Vec<(usize, &serde_json::Value)> = map
                .iter()
                .filter_map(|(k, v)| {
                    let i = languages.all().iter().position(|l| l.as_str() == k)?;
                    Some((i, v))
                })
                .collect();
            if !langs.is_empty() && langs.len() == map.len() {
                for (i, v) in langs {
                    counts[i] += words_in(v);
                }
            } else {
                for v in map.values() {
                    count_words(v, languages, counts);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                count_words(v, languages, counts);
            }
        }
        _ => {}
    }
}

fn words_in(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::String(s) => s.split_whitespace().count(),
        serde_json::Value::Array(items) => items.iter().map(words_in).sum(),
        _ => 0,
    }
}

/// Minutes to read `words` (at least one).
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(WORDS_PER_MINUTE).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_deduplicated_and_addressed_in_lowercase() {
        assert_eq!(
            parse_tags(" Rust, machine learning ,rust,, AI/ML "),
            vec!["Rust", "machine learning", "AI/ML"]
        );
        assert_eq!(tag_key("Machine Learning"), "machine-learning");
        assert_eq!(tag_key("AI/ML"), "ai-ml");
        assert_eq!(tag_key("Künstliche Intelligenz"), "künstliche-intelligenz");
        assert_eq!(parse_tags(&"a,".repeat(30)).len(), 1);
    }

    #[test]
    fn reading_time_counts_each_languages_words_and_rounds_up() {
        let languages = Languages::parse("en,de").unwrap();
        let content = serde_json::json!({
            "markdown": {"en": "one two three", "de": "eins zwei"},
            "items": [{"title": {"en": "four five", "de": "drei"}, "link": "/en/x"}],
            "width": 3
        });
        let mut counts = vec![0, 0];
        count_words(&content, &languages, &mut counts);
        assert_eq!(counts, vec![5, 3]);
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(200), 1);
        assert_eq!(reading_minutes(201), 2);
    }

    #[test]
    fn details_read_back_what_they_stored_and_tolerate_missing_fields() {
        let details: ArticleDetails = serde_json::from_str(r#"{"tags": ["a"]}"#).unwrap();
        assert_eq!(details.tags, vec!["a"]);
        assert!(details.cover.is_none() && details.authors.is_empty());
        let d = ArticleDetails {
            updated_on: Some("2026-11-30".into()),
            ..ArticleDetails::default()
        };
        assert_eq!(d.updated_date(), Some(time::macros::date!(2026 - 11 - 30)));
    }
}
