//! The mails of a webinar registration, each in the registrant's language and time zone: the
//! confirmation (with a calendar file and the meeting link), a place on the waitlist, a seat that came
//! free, the reminders a week and a day before, a new time, a cancellation and the recording.
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::model::{Reminder, Webinar};
use super::registration_store::Registrant;
use crate::i18n::Catalog;
use crate::i18n::{Lang, Languages, Messages};
use crate::ics;
use crate::outbox::compose::Notice;
use crate::outbox::store::{Attachment, NewMail, Placement};

/// Which mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Registered,
    Waitlisted,
    /// The link again, for someone who registered twice.
    Again,
    /// "Confirm your seat": the webinar asks for the address to be confirmed first.
    ConfirmSeat,
    Promoted,
    Reminder(Reminder),
    Moved,
    Cancelled,
    Recording,
}

/// Who gets it.
pub struct To<'a> {
    pub first_name: &'a str,
    pub email: &'a str,
    pub lang: Lang,
    pub timezone: &'a str,
    /// The registration page, when the mail may carry its link (only right after registering: the
    /// token is stored hashed).
    pub link: Option<&'a str>,
}

impl<'a> To<'a> {
    /// A registrant as stored: their language (the site's default if it is no longer offered) and
    /// zone; no link (the stored secret is a hash).
    pub fn registrant(r: &'a Registrant, languages: &Languages) -> To<'a> {
        To {
            first_name: &r.first_name,
            email: &r.email,
            lang: languages
                .find(&r.language)
                .unwrap_or(languages.default_lang()),
            timezone: &r.timezone,
            link: None,
        }
    }
}

/// The site around the mails.
pub struct Site<'a> {
    pub base_url: &'a str,
    pub name: &'a str,
    /// The address mails come from, as the calendar's organiser.
    pub from_address: &'a str,
    pub languages: &'a Languages,
}

/// `Thursday, 2 April 2026, 10:00 (Europe/Berlin)`.
pub fn when(t: Timestamp, zone: &str, lang: Lang) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let local = tz.to_datetime(t);
    format!(
        "{}, {} ({zone})",
        crate::zones::day_label(local.date(), lang),
        local.strftime("%H:%M")
    )
}

/// The webinar's calendar file: one UID for the webinar, its sequence, two reminders.
pub fn calendar(w: &Webinar, site: &Site<'_>, lang: Lang, cancelled: bool) -> String {
    let default = site.languages.default_lang();
    let url = format!("{}/{lang}/webinars/{}", site.base_url, w.slug);
    let host = site
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("magnetiq")
        .split(['/', ':'])
        .next()
        .unwrap_or("magnetiq");
    let uid = format!("webinar-{}@{host}", w.id);
    let alarms = [
        SignedDuration::from_hours(24),
        SignedDuration::from_mins(15),
    ];
    ics::calendar(&ics::Event {
        uid: &uid,
        stamp: Timestamp::now(),
        start: w.starts_at,
        end: w.ends_at(),
        summary: w.title.text(lang, default),
        description: w.summary.text(lang, default),
        organizer_name: site.name,
        organizer_email: site.from_address,
        cancelled,
        sequence: u32::try_from(w.sequence).unwrap_or(0),
        alarms: &alarms,
        url: Some(&url),
    })
}

/// The mail of `kind` for `to`, with where it goes in the outbox (reminders wait for their time and
/// are never sent after the start).
pub fn mail(
    ui: &Messages,
    kind: Kind,
    w: &Webinar,
    to: &To<'_>,
    site: &Site<'_>,
) -> anyhow::Result<(NewMail, Placement)> {
    let default = site.languages.default_lang();
    let lang = to.lang;
    let title = w.title.text(lang, default);
    let page = format!("{}/{lang}/webinars/{}", site.base_url, w.slug);
    let (subject_id, heading_id, intro_id) = match kind {
        Kind::Registered => (
            "webinar-mail-registered-subject",
            "webinar-mail-registered-heading",
            "webinar-mail-registered-intro",
        ),
        Kind::Waitlisted => (
            "webinar-mail-waitlisted-subject",
            "webinar-mail-waitlisted-heading",
            "webinar-mail-waitlisted-intro",
        ),
        Kind::Again => (
            "webinar-mail-again-subject",
            "webinar-mail-again-heading",
            "webinar-mail-again-intro",
        ),
        Kind::ConfirmSeat => (
            "webinar-mail-confirm-subject",
            "webinar-mail-confirm-heading",
            "webinar-mail-confirm-intro",
        ),
        Kind::Promoted => (
            "webinar-mail-promoted-subject",
            "webinar-mail-promoted-heading",
            "webinar-mail-promoted-intro",
        ),
        Kind::Reminder(Reminder::WeekBefore) => (
            "webinar-mail-week-subject",
            "webinar-mail-reminder-heading",
            "webinar-mail-week-intro",
        ),
        Kind::Reminder(Reminder::DayBefore) => (
            "webinar-mail-day-subject",
            "webinar-mail-reminder-heading",
            "webinar-mail-day-intro",
        ),
        Kind::Moved => (
            "webinar-mail-moved-subject",
            "webinar-mail-moved-heading",
            "webinar-mail-moved-intro",
        ),
        Kind::Cancelled => (
            "webinar-mail-cancelled-subject",
            "webinar-mail-cancelled-heading",
            "webinar-mail-cancelled-intro",
        ),
        Kind::Recording => (
            "webinar-mail-recording-subject",
            "webinar-mail-recording-heading",
            "webinar-mail-recording-intro",
        ),
    };
    let args = [("title", title.into()), ("name", to.first_name.into())];
    let subject = ui.t_args(subject_id, &args);
    let intro = ui.t_args(intro_id, &args);
    let mut details = vec![
        (ui.t("webinar-title").to_owned(), title.to_owned()),
        (
            ui.t("webinar-when").to_owned(),
            when(w.starts_at, to.timezone, lang),
        ),
        (
            ui.t("webinar-duration").to_owned(),
            format!("{} {}", w.duration_minutes, ui.t("book-minutes")),
        ),
    ];
    let seat = matches!(
        kind,
        Kind::Registered | Kind::Promoted | Kind::Reminder(_) | Kind::Moved | Kind::Again
    );
    if seat && let Some(meeting) = &w.meeting_link {
        details.push((
            ui.t("webinar-meeting-link").to_owned(),
            meeting.as_str().to_owned(),
        ));
    }
    let (link, link_label) = match (kind, to.link, &w.recording_link) {
        (Kind::Recording, _, Some(recording)) => (
            recording.as_str().to_owned(),
            ui.t("webinar-watch-recording"),
        ),
        (Kind::Cancelled, _, _) => (page, ui.t("webinar-more-webinars")),
        (Kind::ConfirmSeat, Some(link), _) => (link.to_owned(), ui.t("webinar-confirm-seat")),
        (_, Some(link), _) => (link.to_owned(), ui.t("webinar-manage-registration")),
        _ => (page, ui.t("webinar-view-webinar")),
    };
    let attachment = matches!(
        kind,
        Kind::Registered | Kind::Promoted | Kind::Moved | Kind::Cancelled | Kind::Again
    )
    .then(|| Attachment {
        name: format!("{}.ics", w.slug),
        content_type: format!(
            "text/calendar; charset=utf-8; method={}",
            if kind == Kind::Cancelled {
                "CANCEL"
            } else {
                "PUBLISH"
            }
        ),
        content: calendar(w, site, lang, kind == Kind::Cancelled),
    });
    let mail = Notice {
        recipient: to.email,
        lang,
        subject,
        heading: ui.t(heading_id),
        intro: &intro,
        details: &details,
        link: &link,
        link_label,
        attachment,
    }
    .render()?;
    let placement = match kind {
        Kind::Reminder(reminder) => Placement {
            purpose: reminder.purpose(),
            send_after: reminder.due(w.starts_at, &w.timezone),
            not_after: Some(w.starts_at),
            ..Placement::default()
        },
        // Added before the webinar ended, the recording's mail waits for the end.
        Kind::Recording => Placement {
            purpose: "webinar-recording",
            send_after: Some(w.ends_at()),
            ..Placement::default()
        },
        _ => Placement {
            purpose: "webinar",
            ..Placement::default()
        },
    };
    Ok((mail, placement))
}

/// The reminders still ahead for someone with a seat, as outbox rows due at their time.
pub fn reminders(
    ui: &Messages,
    w: &Webinar,
    to: &To<'_>,
    site: &Site<'_>,
    now: Timestamp,
) -> anyhow::Result<Vec<(NewMail, Placement)>> {
    super::model::reminders_ahead(w.starts_at, &w.timezone, now)
        .into_iter()
        .map(|(reminder, _)| mail(ui, Kind::Reminder(reminder), w, to, site))
        .collect()
}

/// The mails of someone on the waitlist who got a seat: the news, and the reminders still ahead.
pub fn promoted(
    catalog: &Catalog,
    w: &Webinar,
    r: &Registrant,
    site: &Site<'_>,
    now: Timestamp,
) -> anyhow::Result<Vec<(NewMail, Placement)>> {
    let to = To::registrant(r, site.languages);
    let ui = catalog.messages(to.lang);
    let mut queued = vec![mail(ui, Kind::Promoted, w, &to, site)?];
    queued.extend(reminders(ui, w, &to, site, now)?);
    Ok(queued)
}

/// What a registrant hears after an editor's save: a cancellation; or a new time (with the
/// reminders planned again for someone with a seat); and the recording, once it is online.
pub fn for_changes(
    ui: &Messages,
    changes: &super::store::Changes,
    w: &Webinar,
    to: &To<'_>,
    has_seat: bool,
    site: &Site<'_>,
    now: Timestamp,
) -> anyhow::Result<Vec<(NewMail, Placement)>> {
    if changes.cancelled {
        return Ok(vec![mail(ui, Kind::Cancelled, w, to, site)?]);
    }
    let mut queued = Vec::new();
    if changes.moved {
        queued.push(mail(ui, Kind::Moved, w, to, site)?);
        if has_seat {
            queued.extend(reminders(ui, w, to, site, now)?);
        }
    }
    if changes.recording_added {
        queued.push(mail(ui, Kind::Recording, w, to, site)?);
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Slug;
    use crate::content::blocks::SafeUrl;
    use crate::i18n::{Catalog, Localized};

    fn webinar() -> Webinar {
        let (en, de) = (Lang::parse("en").unwrap(), Lang::parse("de").unwrap());
        Webinar {
            id: 7,
            slug: Slug::parse("rust-at-scale").unwrap(),
            title: Localized::new()
                .with(en, "Rust at scale".to_owned())
                .with(de, "Rust im Großen".to_owned()),
            summary: Localized::new().with(en, "How we ship.".to_owned()),
            description: Localized::new(),
            description_html: Localized::new(),
            objectives: Localized::new(),
            speakers: Vec::new(),
            starts_at: "2026-12-10T09:00:00Z".parse().unwrap(),
            timezone: TimeZone::get("Europe/Berlin").unwrap(),
            duration_minutes: 60,
            capacity: 10,
            waitlist: true,
            confirm_by_mail: false,
            registration_deadline: None,
            talk_language: "en".to_owned(),
            meeting_link: SafeUrl::parse("https://meet.example.com/secret-room").ok(),
            recording_link: SafeUrl::parse("https://video.example.com/rust").ok(),
            status: super::super::model::WebinarStatus::Published,
            sequence: 2,
            updated_at: "2026-11-01T09:00:00Z".parse().unwrap(),
            registered: 3,
            waitlisted: 0,
        }
    }

    #[test]
    fn every_mail_speaks_the_registrants_language_and_keeps_the_meeting_link_for_seats() {
        let languages = Languages::parse("en,de").unwrap();
        let catalog = Catalog::load(&languages).unwrap();
        let site = Site {
            base_url: "https://magnetiq.example",
            name: "Magnetiq",
            from_address: "hello@magnetiq.example",
            languages: &languages,
        };
        let w = webinar();
        let kinds = [
            Kind::Registered,
            Kind::Waitlisted,
            Kind::Again,
            Kind::Promoted,
            Kind::Reminder(Reminder::WeekBefore),
            Kind::Reminder(Reminder::DayBefore),
            Kind::Moved,
            Kind::Cancelled,
            Kind::Recording,
        ];
        for lang in languages.all() {
            let ui = catalog.messages(*lang);
            let to = To {
                first_name: "Jana",
                email: "jana@example.com",
                lang: *lang,
                timezone: "America/New_York",
                link: Some("https://magnetiq.example/x/registered/token"),
            };
            for kind in kinds {
                let (mail, placement) = mail(ui, kind, &w, &to, &site).unwrap();
                for text in [&mail.subject, &mail.text, &mail.html] {
                    assert!(!text.contains("webinar-"), "{lang} {kind:?}: {text}");
                }
                assert!(mail.text.contains("Jana"), "{kind:?}");
                // Shown in the registrant's zone: 04:00 in New York.
                assert!(
                    mail.text.contains("04:00 (America/New_York)"),
                    "{kind:?}: {}",
                    mail.text
                );
                let seat = matches!(
                    kind,
                    Kind::Registered
                        | Kind::Promoted
                        | Kind::Reminder(_)
                        | Kind::Moved
                        | Kind::Again
                );
                assert_eq!(mail.text.contains("secret-room"), seat, "{kind:?}");
                match kind {
                    Kind::Reminder(r) => {
                        assert_eq!(placement.purpose, r.purpose());
                        assert_eq!(placement.not_after, Some(w.starts_at));
                        assert!(placement.send_after.unwrap() < w.starts_at);
                    }
                    Kind::Recording => {
                        assert_eq!(placement.send_after, Some(w.ends_at()));
                        assert!(mail.text.contains("https://video.example.com/rust"));
                    }
                    _ => assert_eq!((placement.send_after, placement.not_after), (None, None)),
                }
                if let Some(ics) = mail.attachment.as_ref().map(|a| &a.content) {
                    assert!(ics.contains("UID:webinar-7@magnetiq.example"), "{ics}");
                    assert!(ics.contains("SEQUENCE:2"), "{ics}");
                    assert_eq!(ics.contains("STATUS:CANCELLED"), kind == Kind::Cancelled);
                }
            }
        }
        let de = catalog.messages(Lang::parse("de").unwrap());
        let to = To {
            first_name: "Jana",
            email: "jana@example.com",
            lang: Lang::parse("de").unwrap(),
            timezone: "Europe/Berlin",
            link: None,
        };
        let (mail, _) = mail(de, Kind::Registered, &w, &to, &site).unwrap();
        assert!(mail.subject.contains("Rust im Großen"), "{}", mail.subject);
    }
}
