//! A whitepaper request as a visitor sent it: the submitted form read into typed values in one
//! call, so the handler only stores what parsed and answers what did not.
use crate::forms::{FieldErrors, Lead, Phone, Submitted};

/// What a visitor asking for a whitepaper sent, every field checked.
pub struct WhitepaperRequest {
    pub lead: Lead,
    /// A phone number, when they gave one (it may be left empty).
    pub phone: Option<Phone>,
}

impl WhitepaperRequest {
    /// The request in `form`, or a message id per field that did not parse.
    pub fn parse(form: &Submitted) -> Result<WhitepaperRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let lead = Lead::check(form, &mut errors);
        let phone = match form.get("phone").trim() {
            "" => Some(None),
            typed => errors.check("phone", Phone::parse(typed)).map(Some),
        };
        match (lead, phone) {
            (Some(lead), Some(phone)) if errors.is_empty() => Ok(WhitepaperRequest { lead, phone }),
            _ => Err(errors),
        }
    }
}
