//! The issue editor's form read into an issue's words and blocks, or the fields that are wrong.

use std::collections::HashMap;

use super::model::{MAX_BLOCKS, MailBlock, Texts};
use crate::content::blocks::values::SafeUrl;
use crate::i18n::Messages;
use crate::web::state::AppState;

/// An issue's words and blocks as typed, or the fields that are wrong.
pub struct Draft {
    pub subject: Texts,
    pub preheader: Texts,
    pub audience: String,
    pub blocks: Vec<MailBlock>,
}

fn clean(value: Option<&String>) -> String {
    value
        .map(|v| v.replace("\r\n", "\n").trim().to_owned())
        .unwrap_or_default()
}

/// Reads the editor's form; errors are keyed by field name.
pub fn parse_draft(
    form: &HashMap<String, String>,
    state: &AppState,
    ui: &Messages,
    choices_known: &dyn Fn(&str, &str) -> bool,
) -> Result<Draft, HashMap<String, String>> {
    let langs = state.config.languages.all();
    let mut errors = HashMap::new();
    let texts =
        |errors: &mut HashMap<String, String>, prefix: &str, max: usize, error_id: &str| -> Texts {
            let mut out = Texts::new();
            for lang in langs {
                let name = format!("{prefix}.{lang}");
                let value = clean(form.get(&name));
                if value.chars().count() > max || value.chars().any(|c| c.is_control() && c != '\n')
                {
                    errors.insert(name, ui.t(error_id).to_owned());
                }
                if !value.is_empty() {
                    out.insert(lang.as_str().to_owned(), value);
                }
            }
            out
        };
    let subject = texts(&mut errors, "subject", 200, "issue-error-subject");
    let preheader = texts(&mut errors, "preheader", 200, "issue-error-preheader");
    let count = form
        .get("blocks")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BLOCKS);
    let mut blocks = Vec::new();
    for i in 0..count {
        let kind = clean(form.get(&format!("b{i}.kind")));
        let Some(mut block) = MailBlock::empty(&kind) else {
            continue;
        };
        let p = format!("b{i}");
        match &mut block {
            MailBlock::Heading { text } => {
                *text = texts(
                    &mut errors,
                    &format!("{p}.text"),
                    300,
                    "issue-error-heading",
                )
            }
            MailBlock::Text { markdown } => {
                *markdown = texts(
                    &mut errors,
                    &format!("{p}.markdown"),
                    20_000,
                    "issue-error-text",
                );
            }
            MailBlock::Image { media_id, alt } => {
                *alt = texts(&mut errors, &format!("{p}.alt"), 300, "issue-error-alt");
                let id = clean(form.get(&format!("{p}.media_id")));
                if !id.is_empty() {
                    if choices_known("image", &id) {
                        *media_id = id.parse().ok();
                    } else {
                        errors.insert(
                            format!("{p}.media_id"),
                            ui.t("issue-error-choice").to_owned(),
                        );
                    }
                }
            }
            MailBlock::Button { label, url } => {
                *label = texts(&mut errors, &format!("{p}.label"), 100, "issue-error-label");
                *url = texts(&mut errors, &format!("{p}.url"), 2000, "issue-error-url");
                for (lang, u) in url.iter() {
                    if SafeUrl::parse(u).is_err() {
                        errors.insert(
                            format!("{p}.url.{lang}"),
                            ui.t("issue-error-url").to_owned(),
                        );
                    }
                }
            }
            MailBlock::Divider => {}
            MailBlock::Article { article_id, full } => {
                let id = clean(form.get(&format!("{p}.article_id")));
                if !id.is_empty() {
                    if choices_known("article", &id) {
                        *article_id = id.parse().ok();
                    } else {
                        errors.insert(
                            format!("{p}.article_id"),
                            ui.t("issue-error-choice").to_owned(),
                        );
                    }
                }
                *full = form.get(&format!("{p}.full")).is_some_and(|v| v == "yes");
            }
            MailBlock::Webinar { path } | MailBlock::Whitepaper { path } => {
                let chosen = clean(form.get(&format!("{p}.path")));
                if !chosen.is_empty() && !choices_known(&kind, &chosen) {
                    errors.insert(format!("{p}.path"), ui.t("issue-error-choice").to_owned());
                }
                *path = chosen;
            }
        }
        blocks.push(block);
    }
    let audience = clean(form.get("audience"));
    if audience != "all" && state.config.languages.find(&audience).is_none() {
        errors.insert(
            "audience".to_owned(),
            ui.t("issue-error-audience").to_owned(),
        );
    }
    if errors.is_empty() {
        Ok(Draft {
            subject,
            preheader,
            audience,
            blocks,
        })
    } else {
        Err(errors)
    }
}
