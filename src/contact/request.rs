//! A contact message as a visitor sent it: the submitted form read into typed values in one call,
//! so the handler only stores what parsed and answers what did not.
use crate::forms::{
    Consent, Email, FieldErrors, Invalid, Message, PersonName, Phone, ShortText, Submitted,
};

/// What a visitor writing through a contact form sent, every field checked.
pub struct ContactRequest {
    pub name: PersonName,
    pub email: Email,
    pub company: ShortText,
    pub phone: Phone,
    /// One of the form's topics, or empty when the form offers none.
    pub topic: String,
    pub message: Message,
}

impl ContactRequest {
    /// The message in `form` for a contact form offering `topics`, or a message id per field that
    /// did not parse.
    pub fn parse(form: &Submitted, topics: &[String]) -> Result<ContactRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", PersonName::parse(form.get("name")));
        let email = errors.check("email", Email::field(form.get("email")));
        let company = errors.check("company", ShortText::parse(form.get("company")));
        let phone = errors.check("phone", Phone::parse(form.get("phone")));
        let topic = form.get("topic").trim();
        if topics.is_empty() && !topic.is_empty()
            || !topics.is_empty() && !topics.iter().any(|t| t == topic)
        {
            errors.add("topic", "contact-error-topic");
        }
        let message = errors.check(
            "message",
            Message::parse(form.get("message")).and_then(|m| {
                if m.as_str().is_empty() {
                    Err(Invalid("contact-error-message"))
                } else {
                    Ok(m)
                }
            }),
        );
        errors.check("consent", Consent::parse(form.get("consent")));
        let request = (|| {
            Some(ContactRequest {
                name: name?,
                email: email?,
                company: company?,
                phone: phone?,
                topic: topic.to_owned(),
                message: message?,
            })
        })();
        match request {
            Some(request) if errors.is_empty() => Ok(request),
            _ => Err(errors),
        }
    }
}
