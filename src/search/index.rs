//! Writing the search index: a feature hands over the text of an item's public page per language
//! ([`Document`]) and [`replace`] stores it, inside the feature's own transaction.
use serde_json::Value;

use crate::db::{DbTime, Tx, sql};
use crate::i18n::{Lang, Languages};

/// What a visitor can find of one item in one language.
pub struct Document {
    pub lang: Lang,
    /// The item's public address in that language (`/de/ueber-uns`).
    pub path: String,
    pub title: String,
    /// Everything else the page shows, as plain text.
    pub body: String,
    /// Not findable before this moment (a scheduled page); `None`: at once.
    pub visible_from: Option<DbTime>,
}

/// The kinds of item the index holds (`search_documents.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Page,
    Webinar,
    Whitepaper,
}

impl Kind {
    pub fn as_db(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Webinar => "webinar",
            Kind::Whitepaper => "whitepaper",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "page" => Some(Kind::Page),
            "webinar" => Some(Kind::Webinar),
            "whitepaper" => Some(Kind::Whitepaper),
            _ => None,
        }
    }
}

/// Longest text kept per document: the start of a very long page is what ranks it anyway.
const MAX_BODY_CHARS: usize = 60_000;

/// Makes `documents` what the index holds of item `id` (none: the item is not findable, e.g. a
/// draft).
pub async fn replace(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
    documents: &[Document],
) -> anyhow::Result<()> {
    remove(tx, kind, id).await?;
    for d in documents {
        let body: String = d.body.chars().take(MAX_BODY_CHARS).collect();
        sql(
            "INSERT INTO search_documents (kind, item_id, lang, path, title, body, visible_from)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(kind.as_db())
        .bind(id)
        .bind(d.lang.as_str())
        .bind(&d.path)
        .bind(clean(&d.title))
        .bind(clean(&body))
        .bind(d.visible_from)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// An item of a feature with a page of its own at `/{lang}/{section}/{slug}` in every language
/// (a webinar, a whitepaper), its texts as localized JSON.
pub struct Item<'a> {
    pub kind: Kind,
    pub id: i64,
    pub section: &'a str,
    pub slug: &'a str,
    pub title: &'a Value,
    /// Localized JSON values, in the order the page shows them.
    pub texts: Vec<Value>,
    /// Text the same in every language (an author's name).
    pub names: Vec<&'a str>,
}

/// Puts `item` into the index in every language.
pub async fn replace_item(tx: &mut Tx, item: &Item<'_>) -> anyhow::Result<()> {
    let languages = languages(tx).await?;
    let documents: Vec<Document> = languages
        .all()
        .iter()
        .map(|&lang| {
            let mut body = String::new();
            for text in &item.texts {
                push(&mut body, &localized_text(text, lang, &languages));
            }
            for name in &item.names {
                push(&mut body, name);
            }
            Document {
                lang,
                path: format!("/{lang}/{}/{}", item.section, item.slug),
                title: localized_text(item.title, lang, &languages),
                body,
                visible_from: None,
            }
        })
        .collect();
    replace(tx, item.kind, item.id, &documents).await
}

/// Takes item `id` out of the index.
pub async fn remove(tx: &mut Tx, kind: Kind, id: i64) -> anyhow::Result<()> {
    sql("DELETE FROM search_documents WHERE kind = $1 AND item_id = $2")
        .bind(kind.as_db())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The languages the site runs with (as recorded at start), for documents in each.
pub async fn languages(tx: &mut Tx) -> anyhow::Result<Languages> {
    crate::db::settings::languages(tx).await
}

/// The text in `lang` (else the default language, as the page shows it) of every localized value
/// in `json` (objects keyed by language codes), in document order; addresses, numbers and other
/// values that are no text in a language are left out. Markdown comes as plain words.
pub fn localized_text(json: &Value, lang: Lang, languages: &Languages) -> String {
    let mut out = String::new();
    collect(json, lang, languages, &mut out);
    out
}

fn collect(value: &Value, lang: Lang, languages: &Languages, out: &mut String) {
    match value {
        Value::Object(map)
            if !map.is_empty() && map.keys().all(|k| languages.find(k).is_some()) =>
        {
            let chosen = map
                .get(lang.as_str())
                .filter(|v| !is_empty(v))
                .or_else(|| map.get(languages.default_lang().as_str()));
            if let Some(v) = chosen {
                push_strings(v, out);
            }
        }
        Value::Object(map) => {
            for (key, v) in map.iter().filter(|(key, _)| !is_address(key)) {
                match v {
                    // Names are the same in every language.
                    Value::String(name)
                        if ["name", "person", "company"].contains(&key.as_str()) =>
                    {
                        push(out, name)
                    }
                    v => collect(v, lang, languages, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, lang, languages, out)),
        _ => {}
    }
}

/// Fields that hold addresses or looks, not words (`url`, `cta_url`, `src`, `image`, ...).
fn is_address(key: &str) -> bool {
    [
        "url", "href", "src", "link", "image", "icon", "style", "key",
    ]
    .iter()
    .any(|part| key.contains(part))
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

fn push_strings(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => push(out, &plain_markdown(s)),
        Value::Array(items) => items.iter().for_each(|v| push_strings(v, out)),
        _ => {}
    }
}

/// Appends `text` as a sentence of its own.
pub fn push(out: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        // A sentence ends where a full stop is; a question (an FAQ's) keeps its answer apart.
        out.push_str(if out.ends_with(['.', '!', ':']) {
            " "
        } else {
            " · "
        });
    }
    out.push_str(text);
}

/// Markdown as the words a reader sees: link targets, emphasis marks, heading and list markers
/// dropped.
pub fn plain_markdown(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `[text](target)`: the text stays, the target goes.
            ']' if chars.peek() == Some(&'(') => {
                for skipped in chars.by_ref() {
                    if skipped == ')' {
                        break;
                    }
                }
            }
            // Emphasis and link brackets sit against the words they mark ("**fast**,"): they
            // go without a trace, so no space lands before the comma after them.
            '[' | ']' | '*' | '`' => {}
            '_' | '#' | '>' | '|' => out.push(' '),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    collapse_spaces(&out)
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without the control characters the result snippets use as highlight marks.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_leave_no_space_before_punctuation_and_questions_stay_apart_from_answers() {
        assert_eq!(
            plain_markdown("We build **fast**, *tested* [software](/en/services), `daily`."),
            "We build fast, tested software, daily."
        );
        let mut out = String::new();
        push(&mut out, "How long does a project take?");
        push(&mut out, "Usually six weeks.");
        push(&mut out, "Next");
        assert_eq!(
            out,
            "How long does a project take? · Usually six weeks. Next"
        );
    }

    #[test]
    fn localized_text_takes_the_language_or_the_default_and_skips_addresses() {
        let languages = Languages::parse("en,de").unwrap();
        let de = Lang::parse("de").unwrap();
        let json: Value = serde_json::json!({
            "headline": {"en": "Hello", "de": "Hallo"},
            "buttons": [{"label": {"en": "Book"}, "url": {"en": "/en/book", "de": "/de/book"}}],
            "items": {"en": ["One", "Two"], "de": []},
            "level": 2,
            "markdown": {"de": "Ein **fetter** [Link](https://x.example) mit\n# Titel"}
        });
        let text = localized_text(&json, de, &languages);
        assert!(text.contains("Hallo"), "{text}");
        assert!(text.contains("Book"), "falls back to English: {text}");
        assert!(text.contains("One"), "{text}");
        assert!(text.contains("Ein fetter Link mit Titel"), "{text}");
        // Addresses are localized too, but they are words nobody reads.
        assert!(!text.contains("x.example"), "{text}");
        assert!(!text.contains("/de/book"), "{text}");
    }
}
