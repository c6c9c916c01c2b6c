//! What visitors type into Magnetiq's lead forms (booking, webinars, whitepapers, contact,
//! newsletter), each field a type whose `parse` is the only way in, and one path from a form's field
//! errors to the page that shows them again with everything the visitor typed (422).
use std::collections::HashMap;
use std::fmt;

use crate::i18n::Messages;

/// Why a field was refused: the id of the UI string that tells the visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

/// Text of at most `max` characters, without control characters (nothing a mail header or a log line
/// could be broken with); trimmed.
pub fn plain_text(s: &str, max: usize, error: &'static str) -> Result<String, Invalid> {
    let s = s.trim();
    if s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(Invalid(error));
    }
    Ok(s.to_owned())
}

/// A person's name as they wrote it: 1–100 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(s: &str) -> Result<PersonName, Invalid> {
        let name = plain_text(s, 100, "field-error-name")?;
        if name.is_empty() {
            return Err(Invalid("field-error-name"));
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A lowercased e-mail address with a plausible shape (`local@domain.tld`, no spaces or control
/// characters, at most 254 characters).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("that is not an e-mail address")]
pub struct BadEmail;

impl Email {
    pub fn parse(s: &str) -> Result<Email, BadEmail> {
        let s = s.trim().to_lowercase();
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(BadEmail);
        };
        let ok = s.len() <= 254
            && !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c))
            && !domain.contains('@');
        if ok { Ok(Email(s)) } else { Err(BadEmail) }
    }

    /// As a form field.
    pub fn field(s: &str) -> Result<Email, Invalid> {
        Email::parse(s).map_err(|_| Invalid("field-error-email"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

/// An optional phone number: digits and `+ ( ) - / .` and spaces, at most 40 characters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Phone, Invalid> {
        let s = s.trim();
        if s.chars().count() > 40
            || !s
                .chars()
                .all(|c| c.is_ascii_digit() || " +()-/.".contains(c))
        {
            return Err(Invalid("field-error-phone"));
        }
        Ok(Phone(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The company someone works for, where a form asks for it: 1–100 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Company(String);

impl Company {
    pub fn parse(s: &str) -> Result<Company, Invalid> {
        let company = plain_text(s, 100, "field-error-company")?;
        if company.is_empty() {
            return Err(Invalid("field-error-company"));
        }
        Ok(Company(company))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where someone who left their details came from: the landing page and its campaign parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Source {
    pub url: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    pub utm_term: String,
    pub utm_content: String,
}

impl Source {
    /// From the address of the page the form was on, query included (the forms' `source` field).
    pub fn of_address(address: &str) -> Source {
        let (path, query) = address.split_once('?').unwrap_or((address, ""));
        Source::from_query(path, query)
    }

    /// From the query of the page the form was on (`?utm_source=…`); each value cut to 200
    /// characters of plain text.
    pub fn from_query(url: &str, query: &str) -> Source {
        let values: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let get = |key: &str| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| clean(v))
                .unwrap_or_default()
        };
        Source {
            url: clean(url),
            utm_source: get("utm_source"),
            utm_medium: get("utm_medium"),
            utm_campaign: get("utm_campaign"),
            utm_term: get("utm_term"),
            utm_content: get("utm_content"),
        }
    }
}

fn clean(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

/// An optional short line: a company, a job title (at most 100 characters).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShortText(String);

impl ShortText {
    pub fn parse(s: &str) -> Result<ShortText, Invalid> {
        plain_text(s, 100, "field-error-too-long").map(ShortText)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional message: at most 2,000 characters, line breaks allowed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message(String);

impl Message {
    pub fn parse(s: &str) -> Result<Message, Invalid> {
        let s = s.trim();
        if s.chars().count() > 2000 || s.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
            return Err(Invalid("field-error-too-long"));
        }
        Ok(Message(s.replace("\r\n", "\n")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The required consent to the terms and the privacy notice: the ticked box (`yes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Consent;

impl Consent {
    pub fn parse(s: &str) -> Result<Consent, Invalid> {
        if s == "yes" {
            Ok(Consent)
        } else {
            Err(Invalid("field-error-consent"))
        }
    }
}

/// What a consent records: the versions of the sentences the person ticked (`lead-consent/2026-11`,
/// and `lead-marketing/…` beside it when they also agreed to marketing mails), from the Fluent file
/// the form was shown from.
pub fn consent_versions(ui: &Messages, consent: &str, marketing: Option<&str>) -> String {
    match marketing {
        Some(marketing) => format!("{} {}", ui.version(consent), ui.version(marketing)),
        None => ui.version(consent),
    }
}

/// An optional agreement (marketing mails): given only when the box was ticked, never by default.
pub fn opted_in(s: &str) -> bool {
    s == "yes"
}

/// Who left their details through a webinar or whitepaper form: name, work address, company and
/// job title, whether they also want marketing mails, and the page (with its campaign) they came
/// from. The consent to what the form is for is checked too.
pub struct Lead {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub company: Company,
    pub job_title: ShortText,
    /// Also wants the marketing mails (a separate, unticked box).
    pub marketing: bool,
    pub source: Source,
}

impl Lead {
    /// The lead in `form`, or `None` with what did not parse in `errors`.
    pub fn check(form: &Submitted, errors: &mut FieldErrors) -> Option<Lead> {
        let first_name = errors.check("first_name", PersonName::parse(form.get("first_name")));
        let last_name = errors.check("last_name", PersonName::parse(form.get("last_name")));
        let email = errors.check("email", Email::field(form.get("email")));
        let company = errors.check("company", Company::parse(form.get("company")));
        let job_title = errors.check("job_title", ShortText::parse(form.get("job_title")));
        errors.check("consent", Consent::parse(form.get("consent")))?;
        Some(Lead {
            first_name: first_name?,
            last_name: last_name?,
            email: email?,
            company: company?,
            job_title: job_title?,
            marketing: opted_in(form.get("marketing")),
            source: Source::of_address(form.get("source")),
        })
    }

    /// The versions of the consent sentences this lead ticked, as the form in `ui` showed them.
    pub fn consent_version(&self, ui: &Messages) -> String {
        consent_versions(
            ui,
            "lead-consent",
            self.marketing.then_some("lead-marketing"),
        )
    }
}

/// A form as submitted: every field's text, kept to show it again.
#[derive(Clone, Debug, Default)]
pub struct Submitted(HashMap<String, String>);

impl Submitted {
    pub fn new(fields: HashMap<String, String>) -> Submitted {
        Submitted(fields)
    }

    /// A field's text, empty when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// Whether the hidden honeypot field was filled in (only bots see it).
    pub fn is_from_a_bot(&self) -> bool {
        !self.get("website").is_empty()
    }

    /// The same submission without `name` (a value that no longer fits and must be chosen again).
    pub fn without(&self, name: &str) -> Submitted {
        let mut fields = self.0.clone();
        fields.remove(name);
        Submitted(fields)
    }
}

/// The field errors of one submission, as UI string ids.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors(HashMap<&'static str, &'static str>);

impl FieldErrors {
    /// The field's value when it parsed; else remembers why not.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(Invalid(id)) => {
                self.0.insert(field, id);
                None
            }
        }
    }

    pub fn add(&mut self, field: &'static str, id: &'static str) {
        self.0.insert(field, id);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
}

/// What a form template shows: the values typed and the errors in the visitor's language.
#[derive(Clone, Debug, Default)]
pub struct FormState {
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
}

impl FormState {
    /// A form shown again after `errors`, with what was `submitted`.
    pub fn again(submitted: &Submitted, errors: &FieldErrors, ui: &Messages) -> FormState {
        FormState {
            values: submitted.0.clone(),
            errors: errors
                .0
                .iter()
                .map(|(field, id)| ((*field).to_owned(), ui.t(id).to_owned()))
                .collect(),
        }
    }

    /// A form with one error on `field` (e.g. "this time was just taken").
    pub fn with_error(mut self, field: &str, message: &str) -> FormState {
        self.errors.insert(field.to_owned(), message.to_owned());
        self
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn has_error(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.value(name) == "yes"
    }
}

/// An editor's per-language text field `{name}.{lang}` in every language: trimmed, line breaks as
/// `\n`, empty languages left out; a variant longer than `max` characters is an error on its field
/// (and left out).
pub fn localized_text(
    form: &HashMap<String, String>,
    langs: &[crate::i18n::Lang],
    name: &str,
    max: usize,
    errors: &mut HashMap<String, String>,
    ui: &Messages,
) -> crate::i18n::Localized<String> {
    let mut text = crate::i18n::Localized::new();
    for lang in langs {
        let field = format!("{name}.{lang}");
        let value = form.get(&field).map_or("", |v| v.trim());
        if value.chars().count() > max {
            errors.insert(field, ui.t("error-too-long").to_owned());
        } else if !value.is_empty() {
            text.set(*lang, value.replace("\r\n", "\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_parameters_come_from_the_landing_query() {
        let source = Source::from_query(
            "/en/webinars/ai?utm_source=newsletter",
            "utm_source=newsletter&utm_medium=email&utm_campaign=winter%20talks&x=1",
        );
        assert_eq!(source.utm_source, "newsletter");
        assert_eq!(source.utm_campaign, "winter talks");
        assert_eq!(source.utm_term, "");
    }

    #[test]
    fn fields_take_what_people_type_and_refuse_what_breaks_things() {
        assert_eq!(
            PersonName::parse("  Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert!(PersonName::parse(" ").is_err());
        assert!(PersonName::parse("Ada\r\nBcc: x@y.z").is_err());
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert_eq!(
            Email::field(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        assert_eq!(Email::field("ada@"), Err(Invalid("field-error-email")));
        assert_eq!(
            Phone::parse("+49 (30) 123-45/6").unwrap().as_str(),
            "+49 (30) 123-45/6"
        );
        assert!(Phone::parse("call me").is_err());
        assert_eq!(ShortText::parse("").unwrap().as_str(), "");
        assert!(ShortText::parse("Acme\u{0}").is_err());
        assert_eq!(
            Message::parse("line 1\r\nline 2").unwrap().as_str(),
            "line 1\nline 2"
        );
        assert!(Message::parse(&"x".repeat(2001)).is_err());
        assert!(Consent::parse("yes").is_ok() && Consent::parse("").is_err());
        assert!(opted_in("yes") && !opted_in("") && !opted_in("on"));
    }

    #[test]
    fn errors_are_collected_per_field() {
        let mut errors = FieldErrors::default();
        assert_eq!(
            errors
                .check("name", PersonName::parse("Ada"))
                .unwrap()
                .as_str(),
            "Ada"
        );
        assert!(errors.check("email", Email::field("nope")).is_none());
        assert!(errors.contains("email") && !errors.contains("name"));
    }
}
