//! Block forms without JavaScript: each block type's fields as flat form inputs (`headline.de`,
//! `buttons.0.url.en`, `items.2.icon`) and back. The form is turned into the block's JSON and then
//! parsed like any stored block, so the form can never store what the public site would refuse.
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::blocks::library;
use crate::i18n::Lang;

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

/// How many numbered rows a submitted or stored form has (`items.N.…`): the highest N plus one.
pub fn rows_in<'a>(keys: impl Iterator<Item = &'a String>) -> usize {
    keys.filter_map(|k| {
        k.strip_prefix("items.")?
            .split('.')
            .next()?
            .parse::<usize>()
            .ok()
    })
    .max()
    .map_or(0, |m| m + 1)
}

/// How many feature rows to offer: those filled plus one empty, up to the maximum.
pub fn feature_rows(content: &Value) -> usize {
    let filled = content
        .get("items")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (filled + 1).min(MAX_FEATURES)
}

/// The text field beside an image chooser, for an address that is not in the media library.
pub fn other_address(name: &str) -> String {
    format!("{name}__other")
}

/// An image chooser's choice: the library item picked, else the address typed beside it.
pub fn resolve_choices(form: &mut HashMap<String, String>, fields: &[Field]) {
    for field in fields.iter().filter(|f| f.input == Input::Image) {
        let picked = form.get(&field.path).map_or("", |v| v.trim()).to_owned();
        let typed = form.remove(&other_address(&field.path)).unwrap_or_default();
        if picked.is_empty() {
            form.insert(field.path.clone(), typed.trim().to_owned());
        }
    }
}

/// The form input names of a field: `path.{lang}` per language, or `path`.
pub fn input_names(field: &Field, langs: &[Lang]) -> Vec<(String, Option<Lang>)> {
    if field.localized {
        langs
            .iter()
            .map(|l| (format!("{}.{l}", field.path), Some(*l)))
            .collect()
    } else {
        vec![(field.path.clone(), None)]
    }
}

/// A block's JSON as flat input values, for filling the form.
pub fn flatten(content: &Value) -> HashMap<String, String> {
    fn walk(prefix: &str, value: &Value, out: &mut HashMap<String, String>) {
        let join = |key: &str| {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| walk(&join(k), v, out)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(&join(&i.to_string()), v, out)),
            Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            Value::Number(n) => {
                out.insert(prefix.to_owned(), n.to_string());
            }
            Value::Bool(b) => {
                out.insert(prefix.to_owned(), b.to_string());
            }
            Value::Null => {}
        }
    }
    let mut out = HashMap::new();
    walk("", content, &mut out);
    out
}

/// The block JSON a submitted form describes: empty inputs are left out, list rows left entirely empty
/// disappear, numbers become numbers. Also returns the required fields left empty in every language.
pub fn unflatten(
    form: &HashMap<String, String>,
    fields: &[Field],
    langs: &[Lang],
) -> (Value, Vec<String>) {
    let mut root = Value::Object(Map::new());
    let mut missing = Vec::new();
    for field in fields {
        let mut any = false;
        for (name, _) in input_names(field, langs) {
            let Some(raw) = form.get(&name) else { continue };
            let raw = raw.replace("\r\n", "\n");
            if raw.trim().is_empty() {
                continue;
            }
            any = true;
            let value = match field.input {
                Input::Number { min, max, .. } => match raw.trim().parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => Value::from(n),
                    // Not a number in range: the field is marked, nothing is stored.
                    _ => {
                        missing.push(field.path.clone());
                        continue;
                    }
                },
                Input::Dimension => raw
                    .trim()
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or(Value::String(raw)),
                Input::Select(_) if field.path == "level" => raw
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or(Value::String(raw)),
                Input::Line
                | Input::Select(_)
                | Input::Image
                | Input::Link
                | Input::MediaPath
                | Input::Consultant => Value::String(raw.trim().to_owned()),
                Input::Text | Input::Markdown => Value::String(raw),
            };
            set_path(&mut root, &name, value);
        }
        if field.required && !any && !missing.contains(&field.path) {
            missing.push(field.path.clone());
        }
    }
    compact_arrays(&mut root);
    (root, missing)
}

fn set_path(root: &mut Value, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let mut node = root;
    for (i, part) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let next_is_index = parts.get(i + 1).is_some_and(|p| p.parse::<usize>().is_ok());
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        node = match (node, part.parse::<usize>()) {
            (Value::Array(items), Ok(index)) => {
                if items.len() <= index {
                    items.resize(index + 1, Value::Null);
                }
                if last {
                    items[index] = value;
                    return;
                }
                if items[index].is_null() {
                    items[index] = fresh();
                }
                &mut items[index]
            }
            (Value::Object(map), _) => {
                if last {
                    map.insert((*part).to_owned(), value);
                    return;
                }
                map.entry((*part).to_owned()).or_insert_with(fresh)
            }
            _ => return,
        };
    }
}

fn compact_arrays(value: &mut Value) {
    match value {
        Value::Array(items) => {
            items.retain(|v| !v.is_null());
            items.iter_mut().for_each(compact_arrays);
        }
        Value::Object(map) => map.values_mut().for_each(compact_arrays),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::blocks::BlockKind;

    fn langs() -> Vec<Lang> {
        vec![Lang::parse("en").unwrap(), Lang::parse("de").unwrap()]
    }

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_hero_form_becomes_a_valid_hero_and_back() {
        let input = form(&[
            ("headline.en", "Hello"),
            ("headline.de", "Hallo"),
            ("buttons.0.label.en", "Go"),
            ("buttons.0.url.en", "/en/contact"),
            ("buttons.1.label.en", ""),
            ("background_image", "/static/img/hero.svg"),
        ]);
        let (json, missing) = unflatten(&input, &fields("hero", 0), &langs());
        assert!(missing.is_empty());
        assert_eq!(json["buttons"].as_array().unwrap().len(), 1, "{json}");
        let kind = BlockKind::parse("hero", &json.to_string()).unwrap();
        let flat = flatten(&serde_json::from_str(&kind.content_json()).unwrap());
        assert_eq!(flat["headline.de"], "Hallo");
        assert_eq!(flat["buttons.0.url.en"], "/en/contact");
    }

    #[test]
    fn empty_feature_rows_vanish_and_numbers_stay_numbers() {
        let input = form(&[
            ("items.0.icon", "bolt"),
            ("items.0.title.en", "Fast"),
            ("items.1.icon", ""),
            ("items.2.icon", "check"),
            ("items.2.title.de", "Geprüft"),
        ]);
        let (json, _) = unflatten(&input, &fields("features", 3), &langs());
        assert_eq!(json["items"].as_array().unwrap().len(), 2, "{json}");
        assert!(BlockKind::parse("features", &json.to_string()).is_ok());
        let (image, missing) = unflatten(
            &form(&[("src", "/static/x.png"), ("width", "640")]),
            &fields("image", 0),
            &langs(),
        );
        assert_eq!(image["width"], 640);
        assert_eq!(missing, vec!["alt"]);
    }

    #[test]
    fn every_block_type_has_a_form() {
        for t in BLOCK_TYPES {
            assert!(!fields(t, 1).is_empty(), "{t}");
        }
    }
}
