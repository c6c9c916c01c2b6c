//! A registration as a visitor sent it: the submitted form read into typed values in one call, so
//! the handler only stores what parsed and answers what did not.
use crate::forms::{FieldErrors, Lead, Submitted};
use crate::zones::offered;

/// What a visitor registering for a webinar sent, every field checked.
pub struct RegistrationRequest {
    pub lead: Lead,
    /// How the visitor reads times: a zone offered, else the organiser's.
    pub zone: String,
}

impl RegistrationRequest {
    /// The registration in `form` for a webinar organised in `organiser_zone`, or a message id per
    /// field that did not parse.
    pub fn parse(
        form: &Submitted,
        organiser_zone: &str,
    ) -> Result<RegistrationRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        match Lead::check(form, &mut errors) {
            Some(lead) if errors.is_empty() => Ok(RegistrationRequest {
                lead,
                zone: offered(Some(form.get("tz")), organiser_zone),
            }),
            _ => Err(errors),
        }
    }
}
