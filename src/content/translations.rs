//! How complete a translation is: every text in a language within a JSON of language variants,
//! coverage of the default language's texts (page fields and blocks counted apart), and when each
//! language last changed by a page's revisions (a translation is stale when the default language
//! changed after it). The overview that shows it is `admin::translations`.
use std::collections::BTreeMap;

use crate::db::DbTime;
use crate::i18n::Lang;

/// Every text in `lang` within a page's snapshot, by where it stands (`/title`, `/blocks/2/content/body`):
/// the string under a key named after the language, in any object.
pub fn texts_in(value: &serde_json::Value, lang: &str) -> BTreeMap<String, String> {
    fn walk(
        value: &serde_json::Value,
        lang: &str,
        path: &mut String,
        out: &mut BTreeMap<String, String>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    if key == lang {
                        if let Some(text) = v.as_str().filter(|t| !t.trim().is_empty()) {
                            out.insert(path.clone(), text.to_owned());
                        }
                        continue;
                    }
                    let len = path.len();
                    path.push('/');
                    path.push_str(key);
                    walk(v, lang, path, out);
                    path.truncate(len);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    walk(v, lang, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(value, lang, &mut String::new(), &mut out);
    out
}

/// How much of what the default language says a translation says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub fields: (usize, usize),
    pub blocks: (usize, usize),
}

impl Coverage {
    pub fn of(snapshot: &serde_json::Value, default: &str, lang: &str) -> Coverage {
        let source = texts_in(snapshot, default);
        let target = texts_in(snapshot, lang);
        let mut c = Coverage::default();
        for path in source.keys() {
            let done = target.contains_key(path);
            let slot = if path.starts_with("/blocks/") {
                &mut c.blocks
            } else {
                &mut c.fields
            };
            slot.1 += 1;
            if done {
                slot.0 += 1;
            }
        }
        c
    }

    pub fn state(&self) -> &'static str {
        let done = self.fields.0 + self.blocks.0;
        let all = self.fields.1 + self.blocks.1;
        if done == all {
            "complete"
        } else if done == 0 {
            "missing"
        } else {
            "partial"
        }
    }
}

/// When each language last changed on a page, by its revisions (oldest first): the position of
/// the last revision that changed the language's texts, and that revision's time.
pub fn last_changes(
    revisions: &[(serde_json::Value, DbTime)],
    langs: &[Lang],
) -> BTreeMap<Lang, (usize, DbTime)> {
    let mut out = BTreeMap::new();
    for lang in langs {
        let mut before: Option<BTreeMap<String, String>> = None;
        for (i, (snapshot, at)) in revisions.iter().enumerate() {
            let now = texts_in(snapshot, lang.as_str());
            let changed = match &before {
                Some(b) => *b != now,
                None => !now.is_empty(),
            };
            if changed {
                out.insert(*lang, (i, *at));
            }
            before = Some(now);
        }
    }
    out
}
