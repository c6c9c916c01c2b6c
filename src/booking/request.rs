//! A booking as a visitor asked for it: the submitted form read into typed values in one call, so
//! the handler only stores what parsed and answers what did not.
use jiff::{SignedDuration, Timestamp};

use super::model::MeetingType;
use crate::forms::{
    Consent, Email, FieldErrors, Invalid, Message, PersonName, Phone, ShortText, Submitted,
};
use crate::zones::TIME_ZONES;

/// The lengths of consultation a visitor may pick, in minutes.
pub const DURATIONS: [i64; 3] = [30, 60, 90];

/// What a visitor asked for, every field checked.
pub struct BookingRequest {
    pub consultant_id: i64,
    pub duration_minutes: i64,
    /// One of [`TIME_ZONES`] (UTC when the form sent none of them): how the visitor reads times.
    pub zone: &'static str,
    pub starts_at: Timestamp,
    pub meeting_type: MeetingType,
    pub name: PersonName,
    pub email: Email,
    pub company: ShortText,
    pub phone: Phone,
    pub message: Message,
}

impl BookingRequest {
    /// The request in `form`, or why not: a message id per field. The errors may be empty when a
    /// choice the form makes itself (consultant, duration) came back unreadable; the form is then
    /// shown again as it was.
    pub fn parse(form: &Submitted) -> Result<BookingRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let consultant_id = form.get("consultant").parse::<i64>().ok();
        let duration_minutes = form
            .get("duration")
            .parse::<i64>()
            .ok()
            .filter(|d| DURATIONS.contains(d));
        let zone = TIME_ZONES
            .iter()
            .copied()
            .find(|z| *z == form.get("tz"))
            .unwrap_or("UTC");
        let starts_at = errors.check(
            "slot",
            form.get("slot")
                .parse::<Timestamp>()
                .map_err(|_| Invalid("book-error-slot")),
        );
        let meeting_type = errors.check(
            "meeting_type",
            MeetingType::parse(form.get("meeting_type")).ok_or(Invalid("book-error-meeting-type")),
        );
        let name = errors.check("name", PersonName::parse(form.get("name")));
        let email = errors.check("email", Email::field(form.get("email")));
        let company = errors.check("company", ShortText::parse(form.get("company")));
        let phone = errors.check("phone", Phone::parse(form.get("phone")));
        let message = errors.check("message", Message::parse(form.get("message")));
        errors.check(
            "consent",
            Consent::parse(form.get("consent")).map_err(|_| Invalid("book-error-consent")),
        );
        let request = (|| {
            Some(BookingRequest {
                consultant_id: consultant_id?,
                duration_minutes: duration_minutes?,
                zone,
                starts_at: starts_at?,
                meeting_type: meeting_type?,
                name: name?,
                email: email?,
                company: company?,
                phone: phone?,
                message: message?,
            })
        })();
        match request {
            Some(request) if errors.is_empty() => Ok(request),
            _ => Err(errors),
        }
    }

    pub fn ends_at(&self) -> Timestamp {
        self.starts_at + SignedDuration::from_mins(self.duration_minutes)
    }
}

/// Whether the consultant, duration or zone submitted differ from those the form's times were
/// shown for (a form without that record, from before it was kept, is taken as it comes): the
/// picked time then belongs to another choice and is never booked.
pub fn chose_other_than_shown(form: &Submitted) -> bool {
    [
        ("consultant", "shown_consultant"),
        ("duration", "shown_duration"),
        ("tz", "shown_tz"),
    ]
    .iter()
    .any(|(chosen, shown)| !form.get(shown).is_empty() && form.get(chosen) != form.get(shown))
}
