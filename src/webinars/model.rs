//! Webinars and registrations as Magnetiq reasons about them: when registration is open, how many
//! seats are left, and when the reminders go out. Pure functions, tested without a database.
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::content::Slug;
use crate::content::blocks::SafeUrl;
use crate::i18n::Localized;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebinarStatus {
    Draft,
    Published,
    Cancelled,
}

impl WebinarStatus {
    pub fn parse(s: &str) -> Option<WebinarStatus> {
        match s {
            "draft" => Some(WebinarStatus::Draft),
            "published" => Some(WebinarStatus::Published),
            "cancelled" => Some(WebinarStatus::Cancelled),
            _ => None,
        }
    }

    pub fn as_db(self) -> &'static str {
        match self {
            WebinarStatus::Draft => "draft",
            WebinarStatus::Published => "published",
            WebinarStatus::Cancelled => "cancelled",
        }
    }
}

/// Someone who speaks at a webinar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    pub name: String,
    #[serde(default)]
    pub role: Localized<String>,
    #[serde(default)]
    pub bio: Localized<String>,
    /// A path under `/media/` or `/static/`, or empty.
    #[serde(default)]
    pub photo: String,
}

#[derive(Clone, Debug)]
pub struct Webinar {
    pub id: i64,
    pub slug: Slug,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    /// Markdown, as the editor wrote it.
    pub description: Localized<String>,
    /// Rendered from the Markdown and sanitised when saved.
    pub description_html: Localized<String>,
    pub objectives: Localized<Vec<String>>,
    pub speakers: Vec<Speaker>,
    pub starts_at: Timestamp,
    pub timezone: TimeZone,
    pub duration_minutes: i64,
    pub capacity: i64,
    pub waitlist: bool,
    /// Registrants confirm their address by the mailed link before the seat is held.
    pub confirm_by_mail: bool,
    pub registration_deadline: Option<Timestamp>,
    /// The language spoken, e.g. `de`.
    pub talk_language: String,
    pub meeting_link: Option<SafeUrl>,
    pub recording_link: Option<SafeUrl>,
    pub status: WebinarStatus,
    pub sequence: i64,
    pub updated_at: Timestamp,
    /// Seats taken (registered and attended).
    pub registered: i64,
    pub waitlisted: i64,
}

/// Whether a visitor can register now, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Seats are left.
    Open,
    /// Full: new registrations join the waitlist.
    Waitlist,
    /// Full and without a waitlist.
    Full,
    Closed(Closed),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    NotPublished,
    Cancelled,
    DeadlinePassed,
    Started,
}

impl Webinar {
    pub fn ends_at(&self) -> Timestamp {
        self.starts_at + SignedDuration::from_mins(self.duration_minutes)
    }

    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.registered).max(0)
    }

    /// Past webinars have ended; a webinar under way is still "upcoming" (and closed for registration).
    pub fn is_past(&self, now: Timestamp) -> bool {
        self.ends_at() <= now
    }

    pub fn registration(&self, now: Timestamp) -> Registration {
        registration_state(
            self.status,
            self.starts_at,
            self.registration_deadline,
            self.capacity,
            self.registered,
            self.waitlist,
            now,
        )
    }

    /// The organiser's zone's name, e.g. `Europe/Berlin`.
    pub fn zone_name(&self) -> &str {
        self.timezone.iana_name().unwrap_or("UTC")
    }
}

/// The rule behind [`Webinar::registration`], on plain values so the store can apply it to what it
/// just read inside its transaction.
pub fn registration_state(
    status: WebinarStatus,
    starts_at: Timestamp,
    deadline: Option<Timestamp>,
    capacity: i64,
    registered: i64,
    waitlist: bool,
    now: Timestamp,
) -> Registration {
    match status {
        WebinarStatus::Draft => return Registration::Closed(Closed::NotPublished),
        WebinarStatus::Cancelled => return Registration::Closed(Closed::Cancelled),
        WebinarStatus::Published => {}
    }
    if now >= starts_at {
        return Registration::Closed(Closed::Started);
    }
    if deadline.is_some_and(|d| now >= d) {
        return Registration::Closed(Closed::DeadlinePassed);
    }
    if registered < capacity {
        Registration::Open
    } else if waitlist {
        Registration::Waitlist
    } else {
        Registration::Full
    }
}

/// Why an outbox row of a registration is there; reminders are withdrawn and planned again together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    WeekBefore,
    DayBefore,
}

impl Reminder {
    pub const ALL: [Reminder; 2] = [Reminder::WeekBefore, Reminder::DayBefore];

    /// The outbox's `purpose` for it.
    pub fn purpose(self) -> &'static str {
        match self {
            Reminder::WeekBefore => "webinar-reminder-7d",
            Reminder::DayBefore => "webinar-reminder-1d",
        }
    }

    /// When it is due: a week or a day before the start at the same time of day in the organiser's
    /// zone (a reminder across a daylight-saving change keeps the wall-clock time).
    pub fn due(self, starts_at: Timestamp, zone: &TimeZone) -> Option<Timestamp> {
        let local = starts_at.to_zoned_datetime(zone.clone());
        let earlier = match self {
            Reminder::WeekBefore => local.checked_sub(7.days()),
            Reminder::DayBefore => local.checked_sub(1.day()),
        };
        earlier.ok().map(|z| z.timestamp())
    }
}

/// The reminders still ahead at `now`, with when each is due.
pub fn reminders_ahead(
    starts_at: Timestamp,
    zone: &TimeZone,
    now: Timestamp,
) -> Vec<(Reminder, Timestamp)> {
    Reminder::ALL
        .iter()
        .filter_map(|&r| r.due(starts_at, zone).map(|at| (r, at)))
        .filter(|(_, at)| *at > now)
        .collect()
}

/// A registration's statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationStatus {
    /// The webinar asks for the address to be confirmed first: no seat until the mailed link is used.
    Unconfirmed,
    Registered,
    Waitlisted,
    Cancelled,
    Attended,
    NoShow,
}

impl RegistrationStatus {
    pub const ALL: [RegistrationStatus; 6] = [
        RegistrationStatus::Unconfirmed,
        RegistrationStatus::Registered,
        RegistrationStatus::Waitlisted,
        RegistrationStatus::Cancelled,
        RegistrationStatus::Attended,
        RegistrationStatus::NoShow,
    ];

    pub fn parse(s: &str) -> Option<RegistrationStatus> {
        RegistrationStatus::ALL
            .into_iter()
            .find(|status| status.as_db() == s)
    }

    pub fn as_db(self) -> &'static str {
        match self {
            RegistrationStatus::Unconfirmed => "unconfirmed",
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::Waitlisted => "waitlisted",
            RegistrationStatus::Cancelled => "cancelled",
            RegistrationStatus::Attended => "attended",
            RegistrationStatus::NoShow => "no_show",
        }
    }

    /// The UI string naming it.
    pub fn label_id(self) -> &'static str {
        match self {
            RegistrationStatus::Unconfirmed => "webinar-status-unconfirmed",
            RegistrationStatus::Registered => "webinar-status-registered",
            RegistrationStatus::Waitlisted => "webinar-status-waitlisted",
            RegistrationStatus::Cancelled => "webinar-status-cancelled",
            RegistrationStatus::Attended => "webinar-status-attended",
            RegistrationStatus::NoShow => "webinar-status-no-show",
        }
    }

    /// Whether the registration holds a seat.
    pub fn takes_a_seat(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Registered | RegistrationStatus::Attended
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn registration_opens_fills_waitlists_and_closes() {
        let start = at("2026-12-10T09:00:00Z");
        let now = at("2026-12-01T09:00:00Z");
        let state = |capacity, registered, waitlist, deadline, now| {
            registration_state(
                WebinarStatus::Published,
                start,
                deadline,
                capacity,
                registered,
                waitlist,
                now,
            )
        };
        assert_eq!(state(10, 9, true, None, now), Registration::Open);
        assert_eq!(state(10, 10, true, None, now), Registration::Waitlist);
        assert_eq!(state(10, 10, false, None, now), Registration::Full);
        assert_eq!(
            state(10, 0, true, Some(at("2026-11-30T00:00:00Z")), now),
            Registration::Closed(Closed::DeadlinePassed)
        );
        assert_eq!(
            state(10, 0, true, None, start),
            Registration::Closed(Closed::Started)
        );
        assert_eq!(
            registration_state(WebinarStatus::Cancelled, start, None, 10, 0, true, now),
            Registration::Closed(Closed::Cancelled)
        );
    }

    #[test]
    fn reminders_keep_the_wall_clock_time_across_a_daylight_saving_change() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // Thursday 2 April 2026, 10:00 in Berlin (summer time, UTC+2); the clocks changed on 29 March.
        let start = at("2026-04-02T08:00:00Z");
        let week = Reminder::WeekBefore.due(start, &berlin).unwrap();
        // Thursday 26 March, 10:00 in Berlin, still winter time (UTC+1): 09:00 UTC.
        assert_eq!(week, at("2026-03-26T09:00:00Z"));
        assert_eq!(
            Reminder::DayBefore.due(start, &berlin).unwrap(),
            at("2026-04-01T08:00:00Z")
        );
        // Planned two days before: only the day-before reminder is still ahead.
        let ahead = reminders_ahead(start, &berlin, at("2026-03-31T12:00:00Z"));
        assert_eq!(
            ahead,
            vec![(Reminder::DayBefore, at("2026-04-01T08:00:00Z"))]
        );
        assert!(reminders_ahead(start, &berlin, start).is_empty());
    }
}
