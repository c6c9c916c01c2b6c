//! Times as people in the admin read and type them: an instant shown in a person's time zone with
//! the zone's abbreviation ("2026-03-29 10:00 CEST"), and a wall-clock time typed into a form read
//! in that zone — refusing, with a clear reason, the times a daylight-saving change skips (02:30 on
//! the spring-forward day) or repeats (02:30 on the fall-back day), instead of silently shifting.
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

/// The zone named `name` (IANA, e.g. `Europe/Berlin`), if the bundled database knows it.
pub fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// Every zone name people choose from, sorted.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| n.contains('/') && !n.starts_with("Etc/") && !n.starts_with("SystemV/"))
        .collect();
    names.push("UTC".to_owned());
    names.sort();
    names.dedup();
    names
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

#[cfg(test)]
mod tests {
    use super::*;

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
