//! Free consultation slots: a consultant's availability rules minus existing bookings, for a range of
//! days. Pure: values in, values out. Rules are in the consultant's own time zone; results are instants
//! (UTC), shown in the visitor's zone at the edge. Daylight-saving changes neither drop nor repeat a
//! slot: local times that do not exist that day are skipped, and a repeated hour is offered once.
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// Slots start on this grid (local time), from the start of each working interval.
pub const STEP_MINUTES: i64 = 30;

/// Local times of day, `start < end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub start: Time,
    pub end: Time,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BadRules {
    #[error("an interval must end after it starts")]
    EndBeforeStart,
    #[error("intervals of one day must not overlap")]
    Overlap,
}

impl Interval {
    pub fn new(start: Time, end: Time) -> Result<Interval, BadRules> {
        if end > start {
            Ok(Interval { start, end })
        } else {
            Err(BadRules::EndBeforeStart)
        }
    }
}

/// A consultant's availability.
#[derive(Clone, Debug)]
pub struct Rules {
    pub tz: TimeZone,
    /// Working hours per weekday, Monday first.
    pub weekly: [Vec<Interval>; 7],
    /// Breaks per weekday, Monday first (e.g. lunch).
    pub breaks: [Vec<Interval>; 7],
    /// Days off (holidays, leave), inclusive local date ranges.
    pub blackouts: Vec<(Date, Date)>,
    /// Kept free before and after every meeting.
    pub buffer_minutes: i64,
    /// Earliest booking: this many hours from now.
    pub min_notice_hours: i64,
    /// Latest booking: this many days ahead (by the consultant's calendar).
    pub max_advance_days: i64,
}

impl Rules {
    /// Checks that no day's intervals overlap one another.
    pub fn validate(&self) -> Result<(), BadRules> {
        for day in self.weekly.iter().chain(self.breaks.iter()) {
            let mut sorted = day.clone();
            sorted.sort_by_key(|i| i.start);
            if sorted.windows(2).any(|w| w[1].start < w[0].end) {
                return Err(BadRules::Overlap);
            }
        }
        Ok(())
    }
}

/// A time already taken (a booking), as instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy {
    pub start: Timestamp,
    pub end: Timestamp,
}

fn weekday_index(w: Weekday) -> usize {
    (w.to_monday_zero_offset()) as usize
}

/// The instant a local time falls on that day, or `None` where the clock skips it (DST gap).
fn instant(tz: &TimeZone, date: Date, time: Time) -> Option<Timestamp> {
    let local = DateTime::from_parts(date, time);
    let ts = tz.to_timestamp(local).ok()?;
    (tz.to_datetime(ts) == local).then_some(ts)
}

/// Free start instants for a meeting of `duration_minutes`, on the `days` local days from `first_day`.
pub fn free_slots(
    rules: &Rules,
    duration_minutes: i64,
    first_day: Date,
    days: i64,
    now: Timestamp,
    busy: &[Busy],
) -> Vec<Timestamp> {
    let duration = SignedDuration::from_mins(duration_minutes);
    let buffer = SignedDuration::from_mins(rules.buffer_minutes);
    let earliest = now + SignedDuration::from_hours(rules.min_notice_hours);
    let today = rules.tz.to_datetime(now).date();
    let last_day = today
        .checked_add(rules.max_advance_days.days())
        .unwrap_or(today);
    let mut slots: Vec<Timestamp> = Vec::new();
    for offset in 0..days.max(0) {
        let Ok(date) = first_day.checked_add(offset.days()) else {
            break;
        };
        if date > last_day
            || rules
                .blackouts
                .iter()
                .any(|(from, to)| *from <= date && date <= *to)
        {
            continue;
        }
        let weekday = weekday_index(date.weekday());
        let breaks: Vec<(Timestamp, Timestamp)> = rules.breaks[weekday]
            .iter()
            .filter_map(|b| {
                Some((
                    instant(&rules.tz, date, b.start)?,
                    instant(&rules.tz, date, b.end)?,
                ))
            })
            .collect();
        for interval in &rules.weekly[weekday] {
            let (Some(open), Some(close)) = (
                boundary(&rules.tz, date, interval.start),
                boundary(&rules.tz, date, interval.end),
            ) else {
                continue;
            };
            let mut local = interval.start;
            loop {
                if let Some(start) = instant(&rules.tz, date, local) {
                    let end = start + duration;
                    let fits = start >= open && end <= close;
                    let in_break = breaks
                        .iter()
                        .any(|(b_start, b_end)| start < *b_end && *b_start < end);
                    let taken = busy
                        .iter()
                        .any(|b| start - buffer < b.end && b.start < end + buffer);
                    if fits
                        && !in_break
                        && !taken
                        && start >= earliest
                        && slots.last().is_none_or(|l| *l < start)
                    {
                        slots.push(start);
                    }
                }
                match local.checked_add(STEP_MINUTES.minutes()) {
                    Ok(next) if next > local && next < interval.end => local = next,
                    _ => break,
                }
            }
        }
    }
    slots.sort();
    slots.dedup();
    slots
}

/// The instant a working interval starts or ends: for a time the clock skips, when it resumes; for a
/// time it repeats, the later one (so a repeated hour is worked once, in full).
fn boundary(tz: &TimeZone, date: Date, time: Time) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(DateTime::from_parts(date, time))
        .later()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn berlin_9_to_5() -> Rules {
        let day = vec![Interval::new(time(9, 0, 0, 0), time(17, 0, 0, 0)).unwrap()];
        Rules {
            tz: TimeZone::get("Europe/Berlin").unwrap(),
            weekly: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
            ],
            breaks: Default::default(),
            blackouts: Vec::new(),
            buffer_minutes: 0,
            min_notice_hours: 0,
            max_advance_days: 365,
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn local_times(slots: &[Timestamp], tz: &str) -> Vec<String> {
        let tz = TimeZone::get(tz).unwrap();
        slots
            .iter()
            .map(|s| tz.to_datetime(*s).strftime("%a %H:%M").to_string())
            .collect()
    }

    #[test]
    fn a_week_with_the_spring_dst_switch_has_every_local_hour_once() {
        let rules = berlin_9_to_5();
        // Europe/Berlin springs forward on Sunday 29 March 2026 at 02:00.
        let slots = free_slots(
            &rules,
            60,
            date(2026, 3, 26),
            7,
            ts("2026-03-01T00:00:00Z"),
            &[],
        );
        // 09:00 .. 16:00 starts, every half hour: 15 per day, every day.
        assert_eq!(slots.len(), 7 * 15);
        let local = local_times(&slots, "Europe/Berlin");
        for day in ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"] {
            let of_day: Vec<&String> = local.iter().filter(|l| l.starts_with(day)).collect();
            assert_eq!(of_day.len(), 15, "{day}");
            assert_eq!(of_day[0].as_str(), format!("{day} 09:00"));
            assert_eq!(of_day[14].as_str(), format!("{day} 16:00"));
        }
        // The same local 09:00 is 08:00 UTC before the switch and 07:00 UTC after it.
        assert_eq!(slots[0].to_string(), "2026-03-26T08:00:00Z");
        assert_eq!(slots[4 * 15].to_string(), "2026-03-30T07:00:00Z");
    }

    #[test]
    fn hours_the_clock_skips_or_repeats_are_offered_once_or_not_at_all() {
        let mut rules = berlin_9_to_5();
        let night = vec![Interval::new(time(1, 0, 0, 0), time(4, 0, 0, 0)).unwrap()];
        rules.weekly = [
            night.clone(),
            night.clone(),
            night.clone(),
            night.clone(),
            night.clone(),
            night.clone(),
            night,
        ];
        let spring = free_slots(
            &rules,
            30,
            date(2026, 3, 29),
            1,
            ts("2026-03-01T00:00:00Z"),
            &[],
        );
        let local = local_times(&spring, "Europe/Berlin");
        assert!(
            !local.iter().any(|l| l.contains("02:")),
            "02:xx does not exist that night: {local:?}"
        );
        assert_eq!(spring.len(), 4, "01:00, 01:30, 03:00, 03:30: {local:?}");
        let autumn = free_slots(
            &rules,
            30,
            date(2026, 10, 25),
            1,
            ts("2026-10-01T00:00:00Z"),
            &[],
        );
        let mut unique = autumn.clone();
        unique.dedup();
        assert_eq!(unique.len(), autumn.len(), "no duplicated slot");
    }

    #[test]
    fn a_visitor_in_new_york_sees_the_same_slots_at_their_time() {
        let rules = berlin_9_to_5();
        let slots = free_slots(
            &rules,
            30,
            date(2026, 6, 15),
            1,
            ts("2026-06-01T00:00:00Z"),
            &[],
        );
        let ny = local_times(&slots, "America/New_York");
        assert_eq!(ny.first().map(String::as_str), Some("Mon 03:00"));
        assert_eq!(ny.last().map(String::as_str), Some("Mon 10:30"));
    }

    #[test]
    fn breaks_holidays_and_buffers_are_respected() {
        let mut rules = berlin_9_to_5();
        let lunch = vec![Interval::new(time(12, 0, 0, 0), time(13, 0, 0, 0)).unwrap()];
        rules.breaks = [
            lunch.clone(),
            lunch.clone(),
            lunch.clone(),
            lunch.clone(),
            lunch.clone(),
            lunch.clone(),
            lunch,
        ];
        rules.blackouts = vec![(date(2026, 6, 16), date(2026, 6, 17))];
        rules.buffer_minutes = 15;
        let booked = Busy {
            start: ts("2026-06-15T08:00:00Z"),
            end: ts("2026-06-15T09:00:00Z"),
        }; // 10:00-11:00 Berlin
        let slots = free_slots(
            &rules,
            60,
            date(2026, 6, 15),
            3,
            ts("2026-06-01T00:00:00Z"),
            &[booked],
        );
        let local = local_times(&slots, "Europe/Berlin");
        assert!(
            !local.contains(&"Mon 11:30".to_string()) && !local.contains(&"Mon 12:00".to_string()),
            "lunch: {local:?}"
        );
        assert!(
            !local.contains(&"Mon 10:00".to_string()) && !local.contains(&"Mon 09:00".to_string()),
            "booked plus buffer"
        );
        assert!(
            !local.contains(&"Mon 11:00".to_string()),
            "buffer after the booking"
        );
        assert!(
            local.contains(&"Mon 13:00".to_string()),
            "right after lunch: {local:?}"
        );
        assert!(
            local.iter().all(|l| l.starts_with("Mon")),
            "Tue and Wed are holidays: {local:?}"
        );
    }

    #[test]
    fn notice_and_advance_limits_apply() {
        let mut rules = berlin_9_to_5();
        rules.min_notice_hours = 24;
        rules.max_advance_days = 2;
        let now = ts("2026-06-15T08:00:00Z"); // Monday 10:00 in Berlin
        let slots = free_slots(&rules, 60, date(2026, 6, 15), 10, now, &[]);
        let local = local_times(&slots, "Europe/Berlin");
        assert_eq!(
            local.first().map(String::as_str),
            Some("Tue 10:00"),
            "24 hours of notice"
        );
        assert_eq!(
            local.last().map(String::as_str),
            Some("Wed 16:00"),
            "two days ahead at most"
        );
    }

    #[test]
    fn a_booking_blocks_every_overlapping_slot_of_every_duration() {
        let rules = berlin_9_to_5();
        let booked = Busy {
            start: ts("2026-06-15T09:00:00Z"),
            end: ts("2026-06-15T10:00:00Z"),
        }; // 11:00-12:00
        for duration in [30, 60, 90] {
            let slots = free_slots(
                &rules,
                duration,
                date(2026, 6, 15),
                1,
                ts("2026-06-01T00:00:00Z"),
                &[booked],
            );
            for s in &slots {
                let end = *s + SignedDuration::from_mins(duration);
                assert!(
                    end <= booked.start || *s >= booked.end,
                    "{duration} min slot at {s} overlaps"
                );
            }
            assert!(
                slots.contains(&booked.end),
                "right after it is free ({duration} min)"
            );
        }
    }

    #[test]
    fn overlapping_working_hours_are_refused() {
        let mut rules = berlin_9_to_5();
        rules.weekly[0].push(Interval::new(time(16, 0, 0, 0), time(18, 0, 0, 0)).unwrap());
        assert_eq!(rules.validate(), Err(BadRules::Overlap));
        assert_eq!(
            Interval::new(time(10, 0, 0, 0), time(9, 0, 0, 0)),
            Err(BadRules::EndBeforeStart)
        );
    }
}
