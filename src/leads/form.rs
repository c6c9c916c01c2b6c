//! A submission of a form editors built, read against that form: every answer checked by its
//! field's kind, the address to answer to, and what the sender agreed to.
use crate::content::blocks::form::{FieldKind, FormBlock};
use crate::forms::{Email, FieldErrors, Message, Phone, Submitted, opted_in, plain_text};
use crate::i18n::{Lang, Messages};

/// The input names of a built form's fields, by position (`f0` … `f19`).
const NAMES: [&str; crate::content::blocks::form::MAX_FIELDS] = [
    "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14",
    "f15", "f16", "f17", "f18", "f19",
];

/// One question as it was asked and what was answered.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Answer {
    pub label: String,
    pub value: String,
}

/// What a visitor sent through a built form, every answer checked.
#[derive(Clone, Debug)]
pub struct FormSubmission {
    /// The form's first e-mail field.
    pub email: Email,
    /// The form's first one-line text field, taken as the sender's name.
    pub name: String,
    pub answers: Vec<Answer>,
    /// The consent sentences ticked, each as `form-consent/<digest of its text>`, space-separated.
    pub consent_version: String,
    pub consented: bool,
    /// The newsletter box, where the form offers it.
    pub marketing: bool,
}

impl FormSubmission {
    /// The submission in `form` for `block` as shown in `lang`, or the errors per field.
    pub fn parse(
        form: &Submitted,
        block: &FormBlock,
        lang: Lang,
        default: Lang,
        ui: &Messages,
    ) -> Result<FormSubmission, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut answers = Vec::new();
        let mut email = None;
        let mut name = None;
        let mut consents = Vec::new();
        for (field, input) in block.items.iter().zip(NAMES) {
            let label = field.label.text(lang, default).to_owned();
            let raw = form.get(input).trim();
            let required = field.is_required();
            if required && raw.is_empty() && !matches!(field.kind, FieldKind::Checkboxes) {
                errors.add(input, required_error(field.kind));
                continue;
            }
            let value = match field.kind {
                FieldKind::Text => {
                    errors.check(input, plain_text(raw, 200, "field-error-too-long"))
                }
                FieldKind::Email if raw.is_empty() => Some(String::new()),
                FieldKind::Email => errors.check(input, Email::field(raw)).map(|e| {
                    let text = e.as_str().to_owned();
                    email.get_or_insert(e);
                    text
                }),
                FieldKind::Phone => errors
                    .check(input, Phone::parse(raw))
                    .map(|p| p.as_str().to_owned()),
                FieldKind::LongText => errors
                    .check(input, Message::parse(raw))
                    .map(|m| m.as_str().to_owned()),
                FieldKind::Choice => {
                    let options = field.options(lang, default);
                    match raw.parse::<usize>().ok().and_then(|i| options.get(i)) {
                        Some(option) => Some(option.clone()),
                        None if raw.is_empty() => Some(String::new()),
                        None => {
                            errors.add(input, "form-error-choice");
                            None
                        }
                    }
                }
                FieldKind::Checkboxes => {
                    let ticked: Vec<String> = field
                        .options(lang, default)
                        .into_iter()
                        .enumerate()
                        .filter(|(k, _)| opted_in(form.get(&format!("{input}_{k}"))))
                        .map(|(_, option)| option)
                        .collect();
                    if required && ticked.is_empty() {
                        errors.add(input, "form-error-tick-one");
                        None
                    } else {
                        Some(ticked.join(", "))
                    }
                }
                FieldKind::Consent => {
                    if opted_in(raw) {
                        consents.push(consent_version(&label));
                        Some(ui.t("yes").to_owned())
                    } else {
                        errors.add(input, "field-error-consent");
                        None
                    }
                }
            };
            let Some(value) = value else { continue };
            if field.kind == FieldKind::Text && name.is_none() && !value.is_empty() {
                name = Some(value.clone());
            }
            answers.push(Answer { label, value });
        }
        if email.is_none() {
            // The first e-mail field answers; left empty (optional), the form has no one to answer.
            if let Some(n) = block.items.iter().position(|f| f.kind == FieldKind::Email)
                && !errors.contains(NAMES[n])
            {
                errors.add(NAMES[n], "field-error-email");
            }
        }
        let marketing = block.offers_newsletter() && opted_in(form.get("marketing"));
        match email {
            Some(email) if errors.is_empty() => Ok(FormSubmission {
                email,
                name: name.unwrap_or_default(),
                answers,
                consented: !consents.is_empty(),
                consent_version: consents.join(" "),
                marketing,
            }),
            _ => Err(errors),
        }
    }
}

fn required_error(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Email => "field-error-email",
        FieldKind::Consent => "field-error-consent",
        FieldKind::Choice => "form-error-choice",
        _ => "field-error-required",
    }
}

/// The version of a consent sentence an editor wrote: its first 12 hex digits of BLAKE2, so a
/// changed sentence is a new version and the stored consent says which text was agreed to.
fn consent_version(text: &str) -> String {
    format!("form-consent/{}", &crate::tokens::token_hash(text)[..12])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn block() -> FormBlock {
        serde_json::from_str(
            r#"{"items": [
                {"kind": "text", "label": {"en": "Name"}, "required": "yes"},
                {"kind": "email", "label": {"en": "E-mail"}, "required": "yes"},
                {"kind": "choice", "label": {"en": "Team size"}, "options": {"en": "1-10\n11-50"}},
                {"kind": "checkboxes", "label": {"en": "Interests"}, "options": {"en": "AI\nData"}},
                {"kind": "consent", "label": {"en": "I agree to be contacted."}}
            ], "newsletter": "yes"}"#,
        )
        .unwrap()
    }

    fn submitted(pairs: &[(&str, &str)]) -> Submitted {
        Submitted::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
        )
    }

    #[test]
    fn answers_are_read_by_position_with_the_options_chosen() {
        let langs = crate::i18n::Languages::parse("en,de").unwrap();
        let catalog = crate::i18n::Catalog::load(&langs).unwrap();
        let en = Lang::parse("en").unwrap();
        let ui = catalog.messages(en);
        let sent = FormSubmission::parse(
            &submitted(&[
                ("f0", " Ada "),
                ("f1", "Ada@Example.com"),
                ("f2", "1"),
                ("f3_1", "yes"),
                ("f4", "yes"),
                ("marketing", "yes"),
            ]),
            &block(),
            en,
            en,
            ui,
        )
        .unwrap();
        assert_eq!(sent.email.as_str(), "ada@example.com");
        assert_eq!(sent.name, "Ada");
        assert_eq!(sent.answers[2].value, "11-50");
        assert_eq!(sent.answers[3].value, "Data");
        assert!(sent.consented && sent.marketing);
        assert!(sent.consent_version.starts_with("form-consent/"));

        let refused = FormSubmission::parse(
            &submitted(&[("f0", ""), ("f1", "nope"), ("f2", "7")]),
            &block(),
            en,
            en,
            ui,
        )
        .unwrap_err();
        for field in ["f0", "f1", "f2", "f4"] {
            assert!(refused.contains(field), "{field}");
        }
    }
}
