//! Block forms without JavaScript: each block type's fields as flat form inputs (`headline.de`,
//! `buttons.0.url.en`, `items.2.icon`) and back. The form is turned into the block's JSON and then
//! parsed like any stored block, so the form can never store what the public site would refuse.
use std::collections::HashMap;

use serde_json::{Map, Value};

pub use super::block_fields::{BLOCK_TYPES, Field, Input, MAX_FEATURES, fields};
use crate::i18n::Lang;

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
