//! The values a block field may hold, each checked when it is parsed: links, image sources, video
//! providers and ids, heading levels, icons, and Markdown turned into sanitised HTML.
use serde::{Deserialize, Serialize};

use crate::i18n::Variant;

/// Markdown to HTML, then sanitised: no scripts, styles, event handlers or `javascript:` links survive.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .clean(&raw)
        .to_string()
}

/// A link target a visitor may safely follow: `http(s)://`, `mailto:`, a site path (`/contact`) or a
/// fragment (`#top`). Anything else, `javascript:` above all, is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SafeUrl(String);

impl SafeUrl {
    pub fn parse(url: &str) -> Result<SafeUrl, String> {
        let url = url.trim();
        if url.is_empty()
            || url.len() > 2000
            || url.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(format!("{url:?} is not a link"));
        }
        let lower = url.to_ascii_lowercase();
        let allowed = ["http://", "https://", "mailto:"]
            .iter()
            .any(|s| lower.starts_with(s))
            || (url.starts_with('/') && !url.starts_with("//") && !url.contains('\\'))
            || url.starts_with('#');
        if allowed {
            Ok(SafeUrl(url.to_owned()))
        } else {
            Err(format!("link {url:?} is not allowed"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Variant for SafeUrl {
    fn is_blank(&self) -> bool {
        false // parsing refuses empty links
    }
}

impl TryFrom<String> for SafeUrl {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SafeUrl::parse(&s)
    }
}

impl From<SafeUrl> for String {
    fn from(u: SafeUrl) -> String {
        u.0
    }
}

/// An image on this site: a path under `/static/` or `/media/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageSrc(String);

impl ImageSrc {
    pub fn parse(src: &str) -> Result<ImageSrc, String> {
        let ok = (src.starts_with("/static/") || src.starts_with("/media/"))
            && src.len() <= 300
            && !src.contains("..")
            && src[1..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
        if ok {
            Ok(ImageSrc(src.to_owned()))
        } else {
            Err(format!(
                "image {src:?} must be a file under /static/ or /media/"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ImageSrc {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ImageSrc::parse(&s)
    }
}

impl From<ImageSrc> for String {
    fn from(s: ImageSrc) -> String {
        s.0
    }
}

/// The video hosts a block may embed, each through its privacy-friendly player.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VideoProvider {
    Youtube,
    Vimeo,
}

/// A provider's video id: letters, digits, `-` and `_`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VideoId(String);

impl VideoId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VideoId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let ok = (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(VideoId(s))
        } else {
            Err(format!("{s:?} is not a video id"))
        }
    }
}

impl From<VideoId> for String {
    fn from(v: VideoId) -> String {
        v.0
    }
}

/// Heading level inside a page (the page title is the only `h1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct HeadingLevel(u8);

impl Default for HeadingLevel {
    fn default() -> Self {
        HeadingLevel(2)
    }
}

impl HeadingLevel {
    pub fn get(&self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for HeadingLevel {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        if (2..=4).contains(&n) {
            Ok(HeadingLevel(n))
        } else {
            Err(format!("heading level {n} is not 2, 3 or 4"))
        }
    }
}

impl From<HeadingLevel> for u8 {
    fn from(h: HeadingLevel) -> u8 {
        h.0
    }
}

/// The icons the theme ships (in `static/icons.svg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Icon {
    Bolt,
    Shield,
    Globe,
    Chart,
    Users,
    Code,
    Check,
    Chat,
}

impl Icon {
    pub fn name(&self) -> &'static str {
        match self {
            Icon::Bolt => "bolt",
            Icon::Shield => "shield",
            Icon::Globe => "globe",
            Icon::Chart => "chart",
            Icon::Users => "users",
            Icon::Code => "code",
            Icon::Check => "check",
            Icon::Chat => "chat",
        }
    }
}
