//! The fields of each block type's form in the admin: which inputs a block type has, which are per
//! language and which are required (`super::block_form` turns them into form inputs and back).
use super::blocks::{form, library};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Line,
    Text,
    Markdown,
    /// A whole number from `min` to `max`, `default` in a new block.
    Number {
        min: u64,
        max: u64,
        default: u64,
    },
    Select(&'static [&'static str]),
    /// An image chosen from the media library (a grid of thumbnails), or another address typed.
    Image,
    /// A link: a page of the site offered from the site tree, or any URL typed.
    Link,
    /// A number the server fills (an image's dimensions, from its media record); not typed.
    Dimension,
    /// A file of the media library or the site, typed with the library's images suggested.
    MediaPath,
    /// One of the bookable consultants.
    Consultant,
}

/// One field of a block type, possibly repeated per language.
#[derive(Clone)]
pub struct Field {
    /// Path in the block's JSON, e.g. `buttons.0.label`.
    pub path: String,
    /// The UI message naming the field.
    pub label_id: &'static str,
    pub localized: bool,
    pub required: bool,
    pub input: Input,
}

pub const BLOCK_TYPES: &[&str] = &[
    "hero",
    "rich_text",
    "heading",
    "image",
    "video",
    "call_to_action",
    "features",
    "quote",
    "webinar_teaser",
    "article_teaser",
    "whitepaper_teaser",
    "contact_form",
    "newsletter_signup",
    "stats",
    "faq",
    "pricing",
    "gallery",
    "testimonials",
    "logo_wall",
    "columns",
    "divider",
    "table",
    "consultant",
    "form",
];
const ICONS: &[&str] = &[
    "bolt", "shield", "globe", "chart", "users", "code", "check", "chat",
];
pub const MAX_FEATURES: usize = 12;

fn f(
    path: impl Into<String>,
    label_id: &'static str,
    localized: bool,
    required: bool,
    input: Input,
) -> Field {
    Field {
        path: path.into(),
        label_id,
        localized,
        required,
        input,
    }
}

/// How many webinars or whitepapers a teaser lists (as `BlockKind::parse` accepts).
const TEASER_COUNT: Input = Input::Number {
    min: 1,
    max: super::blocks::MAX_TEASERS as u64,
    default: 3,
};

/// The fields of a block type; `items` is how many feature rows to offer.
pub fn fields(block_type: &str, items: usize) -> Vec<Field> {
    use Input::*;
    match block_type {
        "hero" => {
            let mut v = vec![
                f("headline", "field-headline", true, true, Line),
                f("subheadline", "field-subheadline", true, false, Text),
            ];
            for i in 0..2 {
                v.push(f(
                    format!("buttons.{i}.label"),
                    "field-button-label",
                    true,
                    false,
                    Line,
                ));
                v.push(f(
                    format!("buttons.{i}.url"),
                    "field-button-link",
                    true,
                    false,
                    Link,
                ));
            }
            v.push(f(
                "background_image",
                "field-background-image",
                false,
                false,
                Image,
            ));
            v
        }
        "rich_text" => vec![f("body", "field-body", true, true, Markdown)],
        "heading" => vec![
            f("text", "field-text", true, true, Line),
            f(
                "level",
                "field-level",
                false,
                true,
                Select(&["2", "3", "4"]),
            ),
        ],
        "image" => vec![
            f("src", "field-image", false, true, Image),
            f("alt", "field-alt", true, true, Line),
            f("caption", "field-caption", true, false, Line),
            f("width", "field-width", false, false, Dimension),
            f("height", "field-height", false, false, Dimension),
        ],
        "video" => vec![
            f(
                "provider",
                "field-provider",
                false,
                true,
                Select(&["youtube", "vimeo"]),
            ),
            f("video_id", "field-video-id", false, true, Line),
            f("title", "field-video-title", true, true, Line),
        ],
        "call_to_action" => vec![
            f("headline", "field-headline", true, true, Line),
            f("text", "field-text", true, false, Text),
            f("label", "field-button-label", true, true, Line),
            f("url", "field-button-link", true, true, Link),
        ],
        "features" => {
            let mut v = vec![f("title", "field-title", true, false, Line)];
            for i in 0..items.clamp(1, MAX_FEATURES) {
                v.push(f(
                    format!("items.{i}.icon"),
                    "field-icon",
                    false,
                    false,
                    Select(ICONS),
                ));
                v.push(f(
                    format!("items.{i}.title"),
                    "field-title",
                    true,
                    false,
                    Line,
                ));
                v.push(f(
                    format!("items.{i}.text"),
                    "field-text",
                    true,
                    false,
                    Text,
                ));
            }
            v
        }
        "quote" => vec![
            f("text", "field-quote", true, true, Text),
            f("person", "field-person", true, true, Line),
            f("role", "field-role", true, false, Line),
            f("company", "field-company", true, false, Line),
        ],
        "webinar_teaser" => vec![
            f("title", "field-title", true, false, Line),
            f("count", "field-teaser-count", false, true, TEASER_COUNT),
        ],
        "article_teaser" => vec![
            f("title", "field-title", true, false, Line),
            f("count", "field-teaser-count", false, true, TEASER_COUNT),
            f("category", "field-article-category", false, false, Line),
        ],
        "whitepaper_teaser" => vec![
            f("title", "field-title", true, false, Line),
            f("count", "field-teaser-count", false, true, TEASER_COUNT),
            f("category", "field-teaser-category", false, false, Line),
        ],
        "contact_form" => vec![
            f("title", "field-title", true, false, Line),
            f("intro", "field-text", true, false, Text),
            f("topics", "field-topics", true, false, Text),
        ],
        "newsletter_signup" => vec![
            f("title", "field-title", true, false, Line),
            f("intro", "field-text", true, false, Text),
        ],
        "stats" => rows_of(
            items,
            library::MAX_STATS,
            &[
                ("value", "field-stat-value", true, Line),
                ("label", "field-stat-label", true, Line),
            ],
        ),
        "faq" => rows_of(
            items,
            library::MAX_FAQ,
            &[
                ("question", "field-question", true, Line),
                ("answer", "field-answer", true, Text),
            ],
        ),
        "pricing" => rows_of(
            items,
            library::MAX_PLANS,
            &[
                ("name", "field-plan-name", true, Line),
                ("price", "field-plan-price", true, Line),
                ("period", "field-plan-period", true, Line),
                ("features", "field-plan-features", true, Text),
                (
                    "highlighted",
                    "field-plan-highlighted",
                    false,
                    Select(&["yes"]),
                ),
                ("cta_label", "field-button-label", true, Line),
                ("cta_url", "field-button-link", true, Link),
            ],
        ),
        "gallery" => rows_of(
            items,
            library::MAX_GALLERY,
            &[
                ("src", "field-image", false, MediaPath),
                ("alt", "field-alt", true, Line),
                ("caption", "field-caption", true, Line),
                ("width", "field-width", false, Dimension),
                ("height", "field-height", false, Dimension),
            ],
        ),
        "testimonials" => rows_of(
            items,
            library::MAX_TESTIMONIALS,
            &[
                ("quote", "field-quote", true, Text),
                ("name", "field-person", true, Line),
                ("role", "field-role", true, Line),
                ("photo", "field-photo", false, MediaPath),
            ],
        ),
        "logo_wall" => rows_of(
            items,
            library::MAX_LOGOS,
            &[
                ("src", "field-logo", false, MediaPath),
                ("name", "field-company", true, Line),
                ("url", "field-button-link", false, Link),
            ],
        ),
        "columns" => {
            let mut v = Vec::new();
            for i in 0..items.clamp(2, 3) {
                v.push(f(
                    format!("items.{i}.body"),
                    "field-column",
                    true,
                    false,
                    Markdown,
                ));
            }
            v
        }
        "divider" => vec![f(
            "style",
            "field-divider-style",
            false,
            true,
            Select(&["line", "space"]),
        )],
        "table" => vec![
            f("title", "field-title", true, false, Line),
            f("rows", "field-table-rows", true, true, Text),
        ],
        "consultant" => vec![
            f("title", "field-title", true, false, Line),
            f("consultant", "field-consultant", false, true, Consultant),
        ],
        "form" => form_fields(items),
        _ => Vec::new(),
    }
}

/// `rows` numbered rows (`items.0.value`, ...) of `columns` (path, label, localized, input), at
/// most `max`; with the block's title first.
fn rows_of(rows: usize, max: usize, columns: &[(&str, &'static str, bool, Input)]) -> Vec<Field> {
    let mut v = vec![f("title", "field-title", true, false, Input::Line)];
    for i in 0..rows.clamp(1, max) {
        for (path, label, localized, input) in columns {
            v.push(f(
                format!("items.{i}.{path}"),
                label,
                *localized,
                false,
                *input,
            ));
        }
    }
    v
}

/// A built form: its texts and settings, then one row per field (kind, label, help, options,
/// required); `rows` fields offered.
fn form_fields(rows: usize) -> Vec<Field> {
    use Input::*;
    let mut v = vec![
        f("title", "field-title", true, false, Line),
        f("intro", "field-text", true, false, Text),
        f("submit", "field-form-submit", true, false, Line),
        f("thanks", "field-form-thanks", true, false, Text),
        f("thanks_page", "field-form-thanks-page", true, false, Link),
        f("notify", "field-form-notify", false, false, Line),
        f(
            "newsletter",
            "field-form-newsletter",
            false,
            false,
            Select(&["yes"]),
        ),
    ];
    for i in 0..rows.clamp(1, form::MAX_FIELDS) {
        v.push(f(
            format!("items.{i}.kind"),
            "field-form-kind",
            false,
            false,
            Select(form::FieldKind::KEYS),
        ));
        v.push(f(
            format!("items.{i}.label"),
            "field-form-label",
            true,
            false,
            Line,
        ));
        v.push(f(
            format!("items.{i}.help"),
            "field-form-help",
            true,
            false,
            Line,
        ));
        v.push(f(
            format!("items.{i}.options"),
            "field-form-options",
            true,
            false,
            Text,
        ));
        v.push(f(
            format!("items.{i}.required"),
            "field-form-required",
            false,
            false,
            Select(&["yes"]),
        ));
    }
    v
}
