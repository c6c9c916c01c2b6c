//! What a submission would change: the submitted page against the live one, field by field and block
//! by block, in each language. Blocks are compared by position; a block whose type changed shows as
//! removed and added.
use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::super::block_form::flatten;

#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    pub fn as_str(&self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One changed value.
#[derive(Debug)]
pub struct Row {
    /// Which part of the page: a page field, or "block 2 (hero)".
    pub part: String,
    /// The field inside a block (`headline`, `items.0.question`); empty for page fields.
    pub field: String,
    /// The language of the value; empty for values that have none (an image path, a number).
    pub lang: String,
    pub before: String,
    pub after: String,
    pub change: Change,
}

pub struct Diff {
    pub rows: Vec<Row>,
    /// Values the same on both sides.
    pub unchanged: usize,
}

/// How the diff names page fields and block types to its reader.
pub trait Labels {
    fn field(&self, name: &str) -> String;
    fn block(&self, position: usize, block_type: &str) -> String;
}

const PAGE_FIELDS: [&str; 3] = ["title", "summary", "meta_description"];

/// `after` (the submitted snapshot) against `before` (the live page's, if there is one).
pub fn diff(before: Option<&Value>, after: &Value, langs: &[&str], labels: &impl Labels) -> Diff {
    let mut out = Diff {
        rows: Vec::new(),
        unchanged: 0,
    };
    let empty = Value::Null;
    let before = before.unwrap_or(&empty);
    for field in PAGE_FIELDS {
        compare(
            &mut out,
            &labels.field(field),
            &before[field],
            &after[field],
            langs,
        );
    }
    let none = Vec::new();
    let old = before["blocks"].as_array().unwrap_or(&none);
    let new = after["blocks"].as_array().unwrap_or(&none);
    for i in 0..old.len().max(new.len()) {
        let (b, a) = (old.get(i), new.get(i));
        let type_of = |v: Option<&Value>| {
            v.and_then(|v| v["block_type"].as_str())
                .unwrap_or("")
                .to_owned()
        };
        let (bt, at) = (type_of(b), type_of(a));
        if let (Some(b), Some(a)) = (b, a)
            && bt == at
        {
            let part = labels.block(i + 1, &at);
            compare(&mut out, &part, &b["content"], &a["content"], langs);
            continue;
        }
        if let Some(b) = b {
            compare(
                &mut out,
                &labels.block(i + 1, &bt),
                &b["content"],
                &empty,
                langs,
            );
        }
        if let Some(a) = a {
            compare(
                &mut out,
                &labels.block(i + 1, &at),
                &empty,
                &a["content"],
                langs,
            );
        }
    }
    out
}

fn compare(out: &mut Diff, part: &str, before: &Value, after: &Value, langs: &[&str]) {
    let (b, a) = (flatten(before), flatten(after));
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    for key in keys {
        let old = b.get(key).map(String::as_str).unwrap_or("");
        let new = a.get(key).map(String::as_str).unwrap_or("");
        if old == new {
            out.unchanged += 1;
            continue;
        }
        let (field, lang) = match key.rsplit_once('.') {
            Some((field, lang)) if langs.contains(&lang) => (field, lang),
            None if langs.contains(&key.as_str()) => ("", key.as_str()),
            _ => (key.as_str(), ""),
        };
        let change = if old.is_empty() {
            Change::Added
        } else if new.is_empty() {
            Change::Removed
        } else {
            Change::Changed
        };
        out.rows.push(Row {
            part: part.to_owned(),
            field: field.to_owned(),
            lang: lang.to_owned(),
            before: old.to_owned(),
            after: new.to_owned(),
            change,
        });
    }
}

/// A run of text on one side of a changed value; `changed` when the other side lacks it.
#[derive(Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub changed: bool,
}

/// The value before and after, each cut into runs of words that stayed and words that went (before)
/// or came (after). A value added or removed whole is one changed run. Long values that the diff
/// cannot settle in 50 ms are approximated, never waited on.
pub fn words(before: &str, after: &str) -> (Vec<Piece>, Vec<Piece>) {
    let (mut old, mut new) = (Vec::new(), Vec::new());
    if before.is_empty() || after.is_empty() {
        push(&mut old, before, true);
        push(&mut new, after, true);
        return (old, new);
    }
    let diff = TextDiff::configure()
        .timeout(Duration::from_millis(50))
        .diff_words(before, after);
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut old, text, false);
                push(&mut new, text, false);
            }
            ChangeTag::Delete => push(&mut old, text, true),
            ChangeTag::Insert => push(&mut new, text, true),
        }
    }
    (tidy(old), tidy(new))
}

/// Spaces at the edges of a changed run move out of the mark, so it underlines words, not gaps.
fn tidy(runs: Vec<Piece>) -> Vec<Piece> {
    let mut out = Vec::with_capacity(runs.len());
    for piece in runs {
        let core = piece.text.trim();
        if !piece.changed || core.is_empty() {
            push(&mut out, &piece.text, piece.changed);
            continue;
        }
        let lead = &piece.text[..piece.text.len() - piece.text.trim_start().len()];
        let trail = &piece.text[piece.text.trim_end().len()..];
        push(&mut out, lead, false);
        push(&mut out, core, true);
        push(&mut out, trail, false);
    }
    out
}

/// Appends `text` to the last run when it is of the same kind; a space between two changed words
/// stays inside the run, so a changed phrase reads as one mark.
fn push(runs: &mut Vec<Piece>, text: &str, changed: bool) {
    if text.is_empty() {
        return;
    }
    match runs.last_mut() {
        Some(last) if last.changed == changed => last.text.push_str(text),
        _ => runs.push(Piece {
            text: text.to_owned(),
            changed,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Plain;
    impl Labels for Plain {
        fn field(&self, name: &str) -> String {
            name.to_owned()
        }
        fn block(&self, position: usize, block_type: &str) -> String {
            format!("{position} {block_type}")
        }
    }

    #[test]
    fn changes_show_per_field_block_and_language() {
        let live = json!({
            "title": {"en": "About", "de": "Über uns"},
            "summary": {"en": "Who we are"},
            "blocks": [
                {"block_type": "hero", "content": {"headline": {"en": "Hi", "de": "Hallo"}, "image": "/media/a.jpg"}},
                {"block_type": "rich_text", "content": {"markdown": {"en": "Old"}}}
            ]
        });
        let submitted = json!({
            "title": {"en": "About", "de": "Über uns"},
            "summary": {"en": "Who we are", "de": "Wer wir sind"},
            "blocks": [
                {"block_type": "hero", "content": {"headline": {"en": "Hi", "de": "Servus"}, "image": "/media/a.jpg"}},
                {"block_type": "cta", "content": {"label": {"en": "Book"}}}
            ]
        });
        let d = diff(Some(&live), &submitted, &["en", "de"], &Plain);
        let seen: Vec<(&str, &str, &str, &str, &str)> = d
            .rows
            .iter()
            .map(|r| {
                (
                    r.part.as_str(),
                    r.field.as_str(),
                    r.lang.as_str(),
                    r.change.as_str(),
                    r.after.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("summary", "", "de", "added", "Wer wir sind"),
                ("1 hero", "headline", "de", "changed", "Servus"),
                ("2 rich_text", "markdown", "en", "removed", ""),
                ("2 cta", "label", "en", "added", "Book"),
            ]
        );
        // title en/de, summary en, hero headline en and image.
        assert_eq!(d.unchanged, 5);
    }

    #[test]
    fn a_new_page_is_all_added() {
        let submitted = json!({"title": {"en": "New"}, "blocks": []});
        let d = diff(None, &submitted, &["en", "de"], &Plain);
        assert_eq!(d.rows.len(), 1);
        assert_eq!(d.rows[0].change, Change::Added);
    }

    fn marked(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| {
                if p.changed {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn only_the_changed_words_are_marked() {
        let (old, new) = words(
            "We build software for teams in Berlin and Munich.",
            "We build reliable software for teams in Berlin and Hamburg.",
        );
        assert_eq!(
            marked(&old),
            "We build software for teams in Berlin and [Munich.]"
        );
        assert_eq!(
            marked(&new),
            "We build [reliable] software for teams in Berlin and [Hamburg.]"
        );
    }

    #[test]
    fn a_value_added_whole_is_one_mark() {
        let (old, new) = words("", "Wer wir sind");
        assert!(old.is_empty());
        assert_eq!(marked(&new), "[Wer wir sind]");
    }
}
