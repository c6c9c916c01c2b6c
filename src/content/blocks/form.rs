//! A form editors build (the "form" block): its fields per language (text, e-mail, phone, long
//! text, choice, checkboxes, consent; each required or not, with help text), the thank-you text or
//! page, who on the team is told of each submission, and whether it offers the newsletter. What a
//! visitor sends through it is a lead (`crate::leads::form`).
use serde::{Deserialize, Serialize};

use super::{SafeUrl, Text};
use crate::i18n::{Lang, Localized};

pub const MAX_FIELDS: usize = 20;
pub const MAX_OPTIONS: usize = 30;
pub const MAX_NOTIFY: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Email,
    Phone,
    LongText,
    Choice,
    Checkboxes,
    Consent,
}

impl FieldKind {
    pub const KEYS: &'static [&'static str] = &[
        "text",
        "email",
        "phone",
        "long_text",
        "choice",
        "checkboxes",
        "consent",
    ];

    pub fn has_options(self) -> bool {
        matches!(self, FieldKind::Choice | FieldKind::Checkboxes)
    }
}

/// One question of the form.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FormField {
    pub kind: FieldKind,
    pub label: Text,
    #[serde(default)]
    pub help: Text,
    /// A choice's or checkboxes' options, one per line, per language.
    #[serde(default)]
    pub options: Text,
    /// `yes`: must be answered (a consent must be ticked).
    #[serde(default)]
    pub required: String,
}

impl FormField {
    pub fn is_required(&self) -> bool {
        self.required == "yes"
    }

    /// The options in `lang` (or the default language's), one per line.
    pub fn options(&self, lang: Lang, default: Lang) -> Vec<String> {
        self.options
            .text(lang, default)
            .lines()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FormBlock {
    #[serde(default)]
    pub title: Text,
    #[serde(default)]
    pub intro: Text,
    pub items: Vec<FormField>,
    /// The button's label; empty: "Send".
    #[serde(default)]
    pub submit: Text,
    /// Shown after a submission, where no thank-you page is set.
    #[serde(default)]
    pub thanks: Text,
    /// A page to go to after a submission instead.
    #[serde(default)]
    pub thanks_page: Localized<SafeUrl>,
    /// Who on the team is told of each submission: addresses, comma-separated; empty: every admin.
    #[serde(default)]
    pub notify: String,
    /// `yes`: the form offers the newsletter (with its double opt-in).
    #[serde(default)]
    pub newsletter: String,
}

impl FormBlock {
    pub fn offers_newsletter(&self) -> bool {
        self.newsletter == "yes"
    }

    /// The addresses told of each submission (checked when the block was saved).
    pub fn notify(&self) -> Vec<String> {
        self.notify
            .split([',', ';', ' ', '\n'])
            .map(|a| a.trim().to_lowercase())
            .filter(|a| !a.is_empty())
            .collect()
    }

    /// Whether it is a form a visitor can send: 1 to [`MAX_FIELDS`] fields, each labelled, an
    /// e-mail field to answer to, options where a field offers a choice, and team addresses that
    /// are addresses.
    pub fn check(&self) -> Result<(), String> {
        if self.items.is_empty() || self.items.len() > MAX_FIELDS {
            return Err(format!("a form has 1 to {MAX_FIELDS} fields"));
        }
        if !self.items.iter().any(|f| f.kind == FieldKind::Email) {
            return Err("a form needs an e-mail field to answer to".to_owned());
        }
        for (i, field) in self.items.iter().enumerate() {
            if field.label.variants().all(|(_, l)| l.trim().is_empty()) {
                return Err(format!("field {} has no label", i + 1));
            }
            if field.kind.has_options() {
                let most = field
                    .options
                    .variants()
                    .map(|(_, o)| o.lines().filter(|l| !l.trim().is_empty()).count())
                    .max()
                    .unwrap_or(0);
                if most == 0 || most > MAX_OPTIONS {
                    return Err(format!("field {} offers 1 to {MAX_OPTIONS} options", i + 1));
                }
            }
        }
        let notify = self.notify();
        if notify.len() > MAX_NOTIFY
            || notify
                .iter()
                .any(|a| crate::forms::Email::parse(a).is_err())
        {
            return Err(format!("notify up to {MAX_NOTIFY} e-mail addresses"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(json: &str) -> FormBlock {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_form_needs_an_email_field_labels_and_options() {
        let ok = form(
            r#"{"items": [{"kind": "text", "label": {"en": "Name"}, "required": "yes"},
                          {"kind": "email", "label": {"en": "E-mail"}, "required": "yes"},
                          {"kind": "choice", "label": {"en": "Size"}, "options": {"en": "1-10\n11-50"}}],
                "notify": "sales@magnetiq.example, partners@magnetiq.example"}"#,
        );
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(
            ok.notify(),
            ["sales@magnetiq.example", "partners@magnetiq.example"]
        );
        assert!(
            form(r#"{"items": [{"kind": "text", "label": {"en": "Name"}}]}"#)
                .check()
                .is_err()
        );
        assert!(
            form(r#"{"items": [{"kind": "email", "label": {}}]}"#)
                .check()
                .is_err()
        );
        assert!(
            form(
                r#"{"items": [{"kind": "email", "label": {"en": "E"}}, {"kind": "choice", "label": {"en": "C"}}]}"#
            )
            .check()
            .is_err()
        );
        assert!(
            form(r#"{"items": [{"kind": "email", "label": {"en": "E"}}], "notify": "not an address"}"#)
                .check()
                .is_err()
        );
    }
}
