//! The mails a booking sends: the visitor's confirmation (in their language and time zone, with the
//! `.ics`) and the consultant's notice. Rendered here, queued in the booking's own transaction.
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::i18n::{Lang, Messages};
use crate::ics;
use crate::outbox::compose::Notice;
use crate::outbox::store::{Attachment, NewMail};
use crate::zones::day_label;

/// What the mails say about the booking.
pub struct BookingFacts<'a> {
    pub reference: &'a str,
    pub link: &'a str,
    pub consultant_name: &'a str,
    pub consultant_email: &'a str,
    pub client_name: &'a str,
    pub client_email: &'a str,
    pub company: &'a str,
    pub message: &'a str,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub duration_minutes: i64,
    pub meeting_type_id: &'static str,
}

fn when(t: Timestamp, zone: &str, lang: Lang) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let local = tz.to_datetime(t);
    format!(
        "{}, {} ({zone})",
        day_label(local.date(), lang),
        local.strftime("%H:%M")
    )
}

/// The confirmation for the visitor, in `lang` and `visitor_zone`, with the calendar file.
pub fn confirmation(
    ui: &Messages,
    lang: Lang,
    visitor_zone: &str,
    f: &BookingFacts<'_>,
) -> anyhow::Result<NewMail> {
    let subject = ui.t_args(
        "mail-confirmation-subject",
        &[("reference", f.reference.into())],
    );
    let details = vec![
        (ui.t("book-reference").to_owned(), f.reference.to_owned()),
        (
            ui.t("book-consultant").to_owned(),
            f.consultant_name.to_owned(),
        ),
        (
            ui.t("book-when").to_owned(),
            when(f.starts_at, visitor_zone, lang),
        ),
        (
            ui.t("book-duration").to_owned(),
            format!("{} {}", f.duration_minutes, ui.t("book-minutes")),
        ),
        (
            ui.t("book-meeting-type").to_owned(),
            ui.t(f.meeting_type_id).to_owned(),
        ),
    ];
    let heading = ui.t("book-confirmed-title");
    let intro = ui.t_args("mail-confirmation-intro", &[("name", f.client_name.into())]);
    let link_label = ui.t("mail-manage-booking");
    let summary = ui.t_args(
        "book-calendar-title",
        &[("consultant", f.consultant_name.into())],
    );
    let description = ui.t_args(
        "book-calendar-description",
        &[("reference", f.reference.into()), ("link", f.link.into())],
    );
    let uid = format!("{}@magnetiq", f.reference);
    let calendar = ics::calendar(&ics::Event {
        uid: &uid,
        stamp: Timestamp::now(),
        start: f.starts_at,
        end: f.ends_at,
        summary: &summary,
        description: &description,
        organizer_name: f.consultant_name,
        organizer_email: f.consultant_email,
        cancelled: false,
        sequence: 0,
        alarms: &[],
        url: None,
    });
    Notice {
        recipient: f.client_email,
        lang,
        subject,
        heading,
        intro: &intro,
        details: &details,
        link: f.link,
        link_label,
        attachment: Some(Attachment {
            name: format!("{}.ics", f.reference),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            content: calendar,
        }),
    }
    .render()
}

/// The notice for the consultant, in the site's default language and the consultant's zone.
pub fn consultant_notice(
    ui: &Messages,
    lang: Lang,
    consultant_zone: &str,
    f: &BookingFacts<'_>,
) -> anyhow::Result<NewMail> {
    let subject = ui.t_args(
        "mail-notice-subject",
        &[
            ("reference", f.reference.into()),
            ("name", f.client_name.into()),
        ],
    );
    let details = vec![
        (ui.t("book-reference").to_owned(), f.reference.to_owned()),
        (
            ui.t("book-when").to_owned(),
            when(f.starts_at, consultant_zone, lang),
        ),
        (
            ui.t("book-duration").to_owned(),
            format!("{} {}", f.duration_minutes, ui.t("book-minutes")),
        ),
        (
            ui.t("book-meeting-type").to_owned(),
            ui.t(f.meeting_type_id).to_owned(),
        ),
        (ui.t("book-name").to_owned(), f.client_name.to_owned()),
        (ui.t("book-email").to_owned(), f.client_email.to_owned()),
        (ui.t("book-company").to_owned(), f.company.to_owned()),
        (ui.t("book-message").to_owned(), f.message.to_owned()),
    ];
    let heading = ui.t("mail-notice-heading");
    let intro = ui.t("mail-notice-intro");
    Notice {
        recipient: f.consultant_email,
        lang,
        subject,
        heading,
        intro,
        details: &details,
        link: "",
        link_label: "",
        attachment: None,
    }
    .render()
}
