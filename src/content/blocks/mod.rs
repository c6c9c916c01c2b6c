//! Content blocks: one typed struct per block type, parsed from the `content` JSON column. Parsing is
//! the only way in, so a stored block always holds safe links, known icons and valid video ids.
use serde::{Deserialize, Serialize};

use crate::i18n::Localized;

pub mod form;
pub mod library;
pub mod values;

pub use values::{
    HeadingLevel, Icon, ImageSrc, SafeUrl, VideoId, VideoProvider, markdown_to_safe_html,
};

pub(crate) type Text = Localized<String>;

/// A block's content, by type. `Unknown` is a row whose type this version does not know (or whose
/// content no longer parses): it renders nothing.
#[derive(Clone, Debug)]
pub enum BlockKind {
    Hero(Hero),
    RichText(RichText),
    Heading(Heading),
    Image(Image),
    Video(Video),
    CallToAction(CallToAction),
    Features(Features),
    Quote(Quote),
    WebinarTeaser(WebinarTeaser),
    WhitepaperTeaser(WhitepaperTeaser),
    ArticleTeaser(ArticleTeaser),
    ContactForm(ContactForm),
    NewsletterSignup(NewsletterSignup),
    Form(form::FormBlock),
    Stats(library::Stats),
    Faq(library::Faq),
    Pricing(library::Pricing),
    Gallery(library::Gallery),
    Testimonials(library::Testimonials),
    LogoWall(library::LogoWall),
    Columns(library::Columns),
    Divider(library::Divider),
    Table(library::Table),
    ConsultantCard(library::ConsultantCard),
    Unknown { block_type: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlockError {
    #[error("unknown block type {0:?}")]
    UnknownType(String),
    #[error("invalid {block_type} block: {detail}")]
    Invalid { block_type: String, detail: String },
}

/// A block as stored: its row id, position and content.
#[derive(Clone, Debug)]
pub struct Block {
    pub id: i64,
    pub sort_order: i64,
    pub kind: BlockKind,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hero {
    pub headline: Text,
    #[serde(default)]
    pub subheadline: Text,
    #[serde(default)]
    pub buttons: Vec<Button>,
    #[serde(default)]
    pub background_image: Option<ImageSrc>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Button {
    pub label: Text,
    pub url: Localized<SafeUrl>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RichText {
    /// Markdown, per language.
    pub body: Text,
    /// `body` rendered to sanitised HTML when the block is saved (kept in `rendered_html`).
    #[serde(skip)]
    pub html: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Heading {
    pub text: Text,
    #[serde(default)]
    pub level: HeadingLevel,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Image {
    pub src: ImageSrc,
    pub alt: Text,
    #[serde(default)]
    pub caption: Text,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Video {
    pub provider: VideoProvider,
    pub video_id: VideoId,
    /// Names the player for screen readers.
    pub title: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallToAction {
    pub headline: Text,
    #[serde(default)]
    pub text: Text,
    pub label: Text,
    /// Per language, so a German page can link to German content.
    pub url: Localized<SafeUrl>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Features {
    #[serde(default)]
    pub title: Text,
    pub items: Vec<Feature>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Feature {
    pub icon: Icon,
    pub title: Text,
    #[serde(default)]
    pub text: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Quote {
    pub text: Text,
    pub person: Text,
    #[serde(default)]
    pub role: Text,
    #[serde(default)]
    pub company: Text,
}

/// The next webinars (the site's teaser list, see `AppState::teasers`), `count` of them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WebinarTeaser {
    #[serde(default)]
    pub title: Text,
    #[serde(default = "default_teaser_count")]
    pub count: u8,
}

/// The latest whitepapers (the site's teaser list), `count` of them, optionally of one category.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WhitepaperTeaser {
    #[serde(default)]
    pub title: Text,
    #[serde(default = "default_teaser_count")]
    pub count: u8,
    /// A category's key (`ai-engineering`); none: every category.
    #[serde(default)]
    pub category: String,
}

/// The latest articles, `count` of them, optionally of one category.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ArticleTeaser {
    #[serde(default)]
    pub title: Text,
    #[serde(default = "default_teaser_count")]
    pub count: u8,
    /// A category's address in the default language (`case-studies`); none: every category.
    #[serde(default)]
    pub category: String,
}

impl WhitepaperTeaser {
    /// The teaser list it shows (kept by the whitepapers).
    pub const LIST: &'static str = "whitepapers";
}

impl WebinarTeaser {
    /// The teaser list it shows (kept by the webinars).
    pub const LIST: &'static str = "webinars";
}

/// The contact form: a heading, a sentence, and the topics a visitor chooses from (one per line,
/// per language; none: no topic field). Messages go to `crate::contact`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub title: Text,
    #[serde(default)]
    pub intro: Text,
    #[serde(default)]
    pub topics: Text,
}

impl ContactForm {
    /// The topics in the visitor's language (or the default language's), one per line.
    pub fn topics(&self, lang: crate::i18n::Lang, default: crate::i18n::Lang) -> Vec<String> {
        self.topics
            .text(lang, default)
            .lines()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The newsletter sign-up form (double opt-in, `crate::newsletter`): a heading and a sentence.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewsletterSignup {
    #[serde(default)]
    pub title: Text,
    #[serde(default)]
    pub intro: Text,
}

fn default_teaser_count() -> u8 {
    3
}

/// The most webinars a teaser block lists.
pub const MAX_TEASERS: u8 = 12;

const MAX_HERO_BUTTONS: usize = 2;
const MAX_FEATURES: usize = 12;

impl BlockKind {
    /// Parses a block's stored (or submitted) content for its type.
    pub fn parse(block_type: &str, content: &str) -> Result<BlockKind, BlockError> {
        let invalid = |detail: String| BlockError::Invalid {
            block_type: block_type.to_owned(),
            detail,
        };
        fn from<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, String> {
            serde_json::from_str(json).map_err(|e| e.to_string())
        }
        let kind = match block_type {
            "hero" => BlockKind::Hero(from(content).map_err(invalid)?),
            "rich_text" => BlockKind::RichText(from(content).map_err(invalid)?),
            "heading" => BlockKind::Heading(from(content).map_err(invalid)?),
            "image" => BlockKind::Image(from(content).map_err(invalid)?),
            "video" => BlockKind::Video(from(content).map_err(invalid)?),
            "call_to_action" => BlockKind::CallToAction(from(content).map_err(invalid)?),
            "features" => BlockKind::Features(from(content).map_err(invalid)?),
            "quote" => BlockKind::Quote(from(content).map_err(invalid)?),
            "webinar_teaser" => BlockKind::WebinarTeaser(from(content).map_err(invalid)?),
            "whitepaper_teaser" => BlockKind::WhitepaperTeaser(from(content).map_err(invalid)?),
            "article_teaser" => BlockKind::ArticleTeaser(from(content).map_err(invalid)?),
            "contact_form" => BlockKind::ContactForm(from(content).map_err(invalid)?),
            "newsletter_signup" => BlockKind::NewsletterSignup(from(content).map_err(invalid)?),
            "form" => BlockKind::Form(from(content).map_err(invalid)?),
            "stats" => BlockKind::Stats(from(content).map_err(invalid)?),
            "faq" => BlockKind::Faq(from(content).map_err(invalid)?),
            "pricing" => BlockKind::Pricing(from(content).map_err(invalid)?),
            "gallery" => BlockKind::Gallery(from(content).map_err(invalid)?),
            "testimonials" => BlockKind::Testimonials(from(content).map_err(invalid)?),
            "logo_wall" => BlockKind::LogoWall(from(content).map_err(invalid)?),
            "columns" => BlockKind::Columns(from(content).map_err(invalid)?),
            "divider" => BlockKind::Divider(from(content).map_err(invalid)?),
            "table" => BlockKind::Table(from(content).map_err(invalid)?),
            "consultant" => BlockKind::ConsultantCard(from(content).map_err(invalid)?),
            other => return Err(BlockError::UnknownType(other.to_owned())),
        };
        library::check(&kind).map_err(invalid)?;
        match &kind {
            BlockKind::Hero(h) if h.buttons.len() > MAX_HERO_BUTTONS => Err(invalid(format!(
                "a hero has at most {MAX_HERO_BUTTONS} buttons"
            ))),
            BlockKind::Features(f) if f.items.is_empty() || f.items.len() > MAX_FEATURES => Err(
                invalid(format!("a features grid has 1 to {MAX_FEATURES} items")),
            ),
            BlockKind::WebinarTeaser(WebinarTeaser { count, .. })
            | BlockKind::WhitepaperTeaser(WhitepaperTeaser { count, .. })
            | BlockKind::ArticleTeaser(ArticleTeaser { count, .. })
                if !(1..=MAX_TEASERS).contains(count) =>
            {
                Err(invalid(format!("a teaser lists 1 to {MAX_TEASERS} items")))
            }
            BlockKind::Form(f) => f.check().map(|()| kind.clone()).map_err(invalid),
            BlockKind::WhitepaperTeaser(WhitepaperTeaser { category, .. })
            | BlockKind::ArticleTeaser(ArticleTeaser { category, .. })
                if !category.is_empty() && crate::content::Slug::parse(category).is_err() =>
            {
                Err(invalid(format!("category {category:?} is not a key")))
            }
            _ => Ok(kind),
        }
    }

    /// The `block_type` column's value.
    pub fn type_name(&self) -> &str {
        match self {
            BlockKind::Hero(_) => "hero",
            BlockKind::RichText(_) => "rich_text",
            BlockKind::Heading(_) => "heading",
            BlockKind::Image(_) => "image",
            BlockKind::Video(_) => "video",
            BlockKind::CallToAction(_) => "call_to_action",
            BlockKind::Features(_) => "features",
            BlockKind::Quote(_) => "quote",
            BlockKind::WebinarTeaser(_) => "webinar_teaser",
            BlockKind::WhitepaperTeaser(_) => "whitepaper_teaser",
            BlockKind::ArticleTeaser(_) => "article_teaser",
            BlockKind::ContactForm(_) => "contact_form",
            BlockKind::NewsletterSignup(_) => "newsletter_signup",
            BlockKind::Form(_) => "form",
            BlockKind::Stats(_) => "stats",
            BlockKind::Faq(_) => "faq",
            BlockKind::Pricing(_) => "pricing",
            BlockKind::Gallery(_) => "gallery",
            BlockKind::Testimonials(_) => "testimonials",
            BlockKind::LogoWall(_) => "logo_wall",
            BlockKind::Columns(_) => "columns",
            BlockKind::Divider(_) => "divider",
            BlockKind::Table(_) => "table",
            BlockKind::ConsultantCard(_) => "consultant",
            BlockKind::Unknown { block_type } => block_type,
        }
    }

    /// The `content` column's value.
    pub fn content_json(&self) -> String {
        let json = match self {
            BlockKind::Hero(b) => serde_json::to_string(b),
            BlockKind::RichText(b) => serde_json::to_string(b),
            BlockKind::Heading(b) => serde_json::to_string(b),
            BlockKind::Image(b) => serde_json::to_string(b),
            BlockKind::Video(b) => serde_json::to_string(b),
            BlockKind::CallToAction(b) => serde_json::to_string(b),
            BlockKind::Features(b) => serde_json::to_string(b),
            BlockKind::Quote(b) => serde_json::to_string(b),
            BlockKind::WebinarTeaser(b) => serde_json::to_string(b),
            BlockKind::WhitepaperTeaser(b) => serde_json::to_string(b),
            BlockKind::ArticleTeaser(b) => serde_json::to_string(b),
            BlockKind::ContactForm(b) => serde_json::to_string(b),
            BlockKind::NewsletterSignup(b) => serde_json::to_string(b),
            BlockKind::Form(b) => serde_json::to_string(b),
            BlockKind::Stats(b) => serde_json::to_string(b),
            BlockKind::Faq(b) => serde_json::to_string(b),
            BlockKind::Pricing(b) => serde_json::to_string(b),
            BlockKind::Gallery(b) => serde_json::to_string(b),
            BlockKind::Testimonials(b) => serde_json::to_string(b),
            BlockKind::LogoWall(b) => serde_json::to_string(b),
            BlockKind::Columns(b) => serde_json::to_string(b),
            BlockKind::Divider(b) => serde_json::to_string(b),
            BlockKind::Table(b) => serde_json::to_string(b),
            BlockKind::ConsultantCard(b) => serde_json::to_string(b),
            BlockKind::Unknown { .. } => Ok("{}".to_owned()),
        };
        // These types serialise plain strings and maps only, which cannot fail.
        json.unwrap_or_else(|_| "{}".to_owned())
    }

    /// Renders what is rendered once at save time (rich text Markdown) so page views only read it.
    pub fn prepare_for_storage(&mut self) {
        let render = |body: &Text| {
            let mut html = Localized::new();
            for (lang, markdown) in body.variants() {
                html.set(lang, markdown_to_safe_html(markdown));
            }
            html
        };
        match self {
            BlockKind::RichText(text) => text.html = render(&text.body),
            BlockKind::Columns(columns) => {
                for column in &mut columns.items {
                    column.html = render(&column.body);
                }
            }
            _ => {}
        }
    }

    /// The `rendered_html` column's value: a rich text's HTML, or the list of a columns block's.
    pub fn rendered_html_json(&self) -> Option<String> {
        match self {
            BlockKind::RichText(text) => serde_json::to_string(&text.html).ok(),
            BlockKind::Columns(columns) => {
                let html: Vec<&Text> = columns.items.iter().map(|c| &c.html).collect();
                serde_json::to_string(&html).ok()
            }
            _ => None,
        }
    }

    /// Puts back what `rendered_html_json` stored (as read from the `rendered_html` column).
    pub fn restore_rendered_html(&mut self, json: &str) -> Result<(), serde_json::Error> {
        match self {
            BlockKind::RichText(text) => text.html = serde_json::from_str(json)?,
            BlockKind::Columns(columns) => {
                let html: Vec<Text> = serde_json::from_str(json)?;
                for (column, html) in columns.items.iter_mut().zip(html) {
                    column.html = html;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl Video {
    /// The player's address: `youtube-nocookie.com` for YouTube, Vimeo with do-not-track.
    pub fn embed_url(&self) -> String {
        match self.provider {
            VideoProvider::Youtube => {
                format!(
                    "https://www.youtube-nocookie.com/embed/{}",
                    self.video_id.as_str()
                )
            }
            VideoProvider::Vimeo => {
                format!(
                    "https://player.vimeo.com/video/{}?dnt=1",
                    self.video_id.as_str()
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_links_are_refused_in_every_disguise() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "//evil.example/",
            "/\\evil.example",
            "vbscript:x",
            "",
        ] {
            assert!(SafeUrl::parse(bad).is_err(), "{bad:?} accepted");
        }
        for good in [
            "https://example.com/x?y=1",
            "http://a.b",
            "mailto:hi@example.com",
            "/de/contact",
            "#top",
        ] {
            assert!(SafeUrl::parse(good).is_ok(), "{good:?} refused");
        }
    }

    #[test]
    fn a_call_to_action_with_a_javascript_link_does_not_parse() {
        let json = r#"{"headline": {"en": "Hi"}, "label": {"en": "Go"}, "url": {"en": "/ok", "de": "javascript:alert(1)"}}"#;
        assert!(matches!(
            BlockKind::parse("call_to_action", json),
            Err(BlockError::Invalid { .. })
        ));
    }

    #[test]
    fn unknown_types_and_broken_content_are_errors() {
        assert_eq!(
            BlockKind::parse("carousel", "{}").unwrap_err(),
            BlockError::UnknownType("carousel".into())
        );
        assert!(BlockKind::parse("heading", "{").is_err());
        assert!(BlockKind::parse("heading", r#"{"text": {"en": "x"}, "level": 1}"#).is_err());
        assert!(
            BlockKind::parse(
                "video",
                r#"{"provider": "youtube", "video_id": "a\"b", "title": {}}"#
            )
            .is_err()
        );
        assert!(BlockKind::parse("image", r#"{"src": "https://evil/x.png", "alt": {}}"#).is_err());
        assert!(BlockKind::parse("image", r#"{"src": "/static/../x.png", "alt": {}}"#).is_err());
    }

    #[test]
    fn a_hero_has_at_most_two_buttons() {
        let b = r#"{"label": {"en": "x"}, "url": {"en": "/"}}"#;
        let json = format!(r#"{{"headline": {{"en": "H"}}, "buttons": [{b}, {b}, {b}]}}"#);
        assert!(BlockKind::parse("hero", &json).is_err());
    }

    #[test]
    fn markdown_is_rendered_and_sanitised_at_save_time() {
        let md = "# Title\n\nSome **bold** [link](https://example.com) <script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>";
        let json = serde_json::json!({"body": {"en": md}}).to_string();
        let mut kind = BlockKind::parse("rich_text", &json).unwrap();
        kind.prepare_for_storage();
        let html = kind.rendered_html_json().unwrap();
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("rel=\\\"noopener noreferrer\\\""), "{html}");
        for bad in ["<script", "javascript:", "onerror"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
    }

    #[test]
    fn videos_embed_through_privacy_friendly_players() {
        let json =
            r#"{"provider": "youtube", "video_id": "dQw4w9WgXcQ", "title": {"en": "Intro"}}"#;
        let BlockKind::Video(v) = BlockKind::parse("video", json).unwrap() else {
            panic!()
        };
        assert_eq!(
            v.embed_url(),
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        );
    }
}
