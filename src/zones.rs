//! Times as people in the admin read and type them: an instant shown in a person's time zone with
//! the zone's abbreviation ("2026-03-29 10:00 CEST"), and a wall-clock time typed into a form read
//! in that zone — refusing, with a clear reason, the times a daylight-saving change skips (02:30 on
//! the spring-forward day) or repeats (02:30 on the fall-back day), instead of silently shifting;
//! and for visitors, the zones they may pick and a day as their language writes it.
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

use crate::i18n::Lang;

/// The zone named `name` (IANA, e.g. `Europe/Berlin`), if the bundled database knows it.
pub fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// The regions of the zone database's current names; older aliases (`US/Eastern`) are left out.
const REGIONS: [&str; 10] = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

/// Every zone name people choose from, sorted.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| {
            n.split_once('/')
                .is_some_and(|(region, _)| REGIONS.contains(&region))
        })
        .collect();
    names.push("UTC".to_owned());
    names.sort();
    names.dedup();
    names
}

/// A zone as people pick it: its place in the reader's language where the catalog names it
/// (`zone-europe-vienna = Wien`), else the IANA place with spaces ("New York"), and its offset
/// from UTC now ("Wien (UTC+1)", "Kolkata (UTC+5:30)"). "UTC" stays "UTC".
pub fn label(name: &str, ui: &crate::i18n::Messages) -> String {
    let Some(zone) = zone(name) else {
        return name.to_owned();
    };
    let Some((_, place)) = name.rsplit_once('/') else {
        return name.to_owned();
    };
    let key = format!("zone-{}", name.to_lowercase().replace(['/', '_'], "-"));
    let place = ui
        .get(&key)
        .map_or_else(|| place.replace('_', " "), str::to_owned);
    format!("{place} ({})", offset_text(&zone, Timestamp::now()))
}

/// Every zone grouped by its region ("Europe", "America", …): the region's message id
/// (`zone-region-europe`) and the zones in it with their labels, sorted by label.
pub fn grouped(ui: &crate::i18n::Messages) -> Vec<(String, Vec<(String, String)>)> {
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for name in names() {
        let region = match name.split_once('/') {
            Some((region, _)) => format!("zone-region-{}", region.to_lowercase()),
            None => "zone-region-other".to_owned(),
        };
        let choice = (label(&name, ui), name);
        match groups.iter_mut().find(|(r, _)| *r == region) {
            Some((_, zones)) => zones.push((choice.1, choice.0)),
            None => groups.push((region, vec![(choice.1, choice.0)])),
        }
    }
    for (_, zones) in &mut groups {
        zones.sort_by(|a, b| a.1.cmp(&b.1));
    }
    groups
}

/// "UTC+1", "UTC−3:30", "UTC" for zero.
fn offset_text(zone: &TimeZone, t: Timestamp) -> String {
    let seconds = zone.to_offset(t).seconds();
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '−' } else { '+' };
    let (hours, minutes) = (seconds.abs() / 3600, seconds.abs() % 3600 / 60);
    if minutes == 0 {
        format!("UTC{sign}{hours}")
    } else {
        format!("UTC{sign}{hours}:{minutes:02}")
    }
}

/// `t` in `zone` as `2026-12-02 20:19 CET`.
pub fn show(t: Timestamp, zone: &TimeZone) -> String {
    let abbreviation = zone.to_offset_info(t).abbreviation().to_owned();
    format!(
        "{} {abbreviation}",
        zone.to_datetime(t).strftime("%Y-%m-%d %H:%M")
    )
}

/// `text` (a stored UTC time such as `2026-12-02T19:19:41Z`) shown in `zone`; text that is not a
/// time is shown as it is.
pub fn show_text(text: &str, zone: &TimeZone) -> String {
    match text.parse::<Timestamp>() {
        Ok(t) => show(t, zone),
        Err(_) => text.to_owned(),
    }
}

/// The value of a `datetime-local` input showing `t` in `zone`.
pub fn to_input(t: Timestamp, zone: &TimeZone) -> String {
    zone.to_datetime(t).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// Why a typed time was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum LocalTimeError {
    /// Not a date and time.
    Unreadable,
    /// The clocks jump over it (spring forward): `before` and `after` are the offsets around the gap.
    Skipped { before: String, after: String },
    /// The clocks pass it twice (fall back).
    Repeated { first: String, second: String },
}

/// A `datetime-local` value (`2026-03-29T02:30`, seconds allowed) read in `zone`.
pub fn parse_local(value: &str, zone: &TimeZone) -> Result<Timestamp, LocalTimeError> {
    let civil: DateTime = value
        .trim()
        .parse()
        .map_err(|_| LocalTimeError::Unreadable)?;
    let ambiguous = zone.to_ambiguous_timestamp(civil);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } => ambiguous
            .unambiguous()
            .map_err(|_| LocalTimeError::Unreadable),
        AmbiguousOffset::Gap { before, after } => Err(LocalTimeError::Skipped {
            before: before.to_string(),
            after: after.to_string(),
        }),
        AmbiguousOffset::Fold { before, after } => Err(LocalTimeError::Repeated {
            first: before.to_string(),
            second: after.to_string(),
        }),
    }
}

impl LocalTimeError {
    /// The message for the form, in the editor's language, naming the time and the zone.
    pub fn message(&self, ui: &crate::i18n::Messages, typed: &str, zone_name: &str) -> String {
        let typed = typed.trim().replace('T', " ");
        match self {
            LocalTimeError::Unreadable => ui.t("error-time-unreadable").to_owned(),
            LocalTimeError::Skipped { before, after } => ui.t_args(
                "error-time-skipped",
                &[
                    ("time", typed.into()),
                    ("zone", zone_name.to_owned().into()),
                    ("before", before.clone().into()),
                    ("after", after.clone().into()),
                ],
            ),
            LocalTimeError::Repeated { first, second } => ui.t_args(
                "error-time-repeated",
                &[
                    ("time", typed.into()),
                    ("zone", zone_name.to_owned().into()),
                    ("first", first.clone().into()),
                    ("second", second.clone().into()),
                ],
            ),
        }
    }
}

/// Time zones offered to visitors (their own is preselected when it is the consultant's).
pub const TIME_ZONES: &[&str] = &[
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "Europe/Istanbul",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
];

const DE_WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];

/// The zone a visitor chose, if it is one offered; else `fallback` (the organiser's).
pub fn offered(choice: Option<&str>, fallback: &str) -> String {
    choice
        .filter(|z| TIME_ZONES.contains(z))
        .unwrap_or(fallback)
        .to_owned()
}

/// `Monday, 1 December 2026` or `Montag, 01.12.2026`.
pub fn day_label(date: jiff::civil::Date, lang: Lang) -> String {
    match lang.as_str() {
        "de" => format!(
            "{}, {}",
            DE_WEEKDAYS[date.weekday().to_monday_zero_offset() as usize],
            date.strftime("%d.%m.%Y")
        ),
        _ => date.strftime("%A, %-d %B %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_people_write_them() {
        let at: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        let text = |name: &str| offset_text(&zone(name).unwrap(), at);
        assert_eq!(text("Europe/Berlin"), "UTC+1");
        assert_eq!(text("Asia/Kolkata"), "UTC+5:30");
        assert_eq!(text("America/St_Johns"), "UTC−3:30");
        assert_eq!(text("Europe/London"), "UTC");
    }

    #[test]
    fn every_region_and_the_sites_zones_have_names_in_each_language() {
        let languages = crate::i18n::Languages::parse("en,de").unwrap();
        let catalog = crate::i18n::Catalog::load(&languages).unwrap();
        let german = catalog.messages(crate::i18n::Lang::parse("de").unwrap());
        assert!(label("Europe/Vienna", german).starts_with("Wien (UTC+"));
        assert!(label("America/New_York", german).starts_with("New York (UTC"));
        assert_eq!(label("UTC", german), "UTC");
        for lang in languages.all() {
            let ui = catalog.messages(*lang);
            for (region, zones) in grouped(ui) {
                assert!(ui.get(&region).is_some(), "{lang}: no name for {region}");
                assert!(!zones.is_empty());
            }
        }
        assert!(names().iter().all(|n| !n.starts_with("US/")));
    }

    #[test]
    fn spring_forward_and_fall_back_times_are_refused_not_shifted() {
        let berlin = zone("Europe/Berlin").unwrap();
        assert!(matches!(
            parse_local("2026-03-29T02:30", &berlin),
            Err(LocalTimeError::Skipped { .. })
        ));
        assert!(matches!(
            parse_local("2026-10-25T02:30", &berlin),
            Err(LocalTimeError::Repeated { .. })
        ));
        let t = parse_local("2026-03-29T03:30", &berlin).unwrap();
        assert_eq!(t.to_string(), "2026-03-29T01:30:00Z");
        assert_eq!(show(t, &berlin), "2026-03-29 03:30 CEST");
        assert_eq!(
            show_text("2026-12-02T19:19:41Z", &berlin),
            "2026-12-02 20:19 CET"
        );
        assert_eq!(
            parse_local("yesterday", &berlin),
            Err(LocalTimeError::Unreadable)
        );
        let new_york = zone("America/New_York").unwrap();
        assert_eq!(show(t, &new_york), "2026-03-28 21:30 EDT");
        assert!(names().contains(&"Europe/Berlin".to_owned()));
    }
}
