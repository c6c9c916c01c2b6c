//! A newsletter sign-up as a visitor sent it: the submitted form read into typed values in one
//! call, so the handler only stores what parsed and answers what did not.
use crate::forms::{Consent, Email, FieldErrors, Source, Submitted};

/// What a visitor signing up sent, checked.
pub struct SignUpRequest {
    pub email: Email,
    /// The page the form was on (its canonical address, sent by the footer and the block), kept as
    /// a path like every lead's source.
    pub source: Source,
}

impl SignUpRequest {
    /// The sign-up in `form` on the site at `base_url`, or a message id per field that did not
    /// parse.
    pub fn parse(form: &Submitted, base_url: &str) -> Result<SignUpRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::field(form.get("email")));
        errors.check("consent", Consent::parse(form.get("consent")));
        let page = form.get("source");
        let page = page.strip_prefix(base_url).unwrap_or(page);
        match email {
            Some(email) if errors.is_empty() => Ok(SignUpRequest {
                email,
                source: Source::from_query(page, ""),
            }),
            _ => Err(errors),
        }
    }
}
