//! Consultants and bookings: their types, and turning stored availability into slot rules.
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::slots::{Interval, Rules};
use crate::i18n::Localized;

/// How a consultation takes place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingType {
    Video,
    Phone,
    InPerson,
}

impl MeetingType {
    pub const ALL: [MeetingType; 3] = [
        MeetingType::Video,
        MeetingType::Phone,
        MeetingType::InPerson,
    ];

    pub fn parse(s: &str) -> Option<MeetingType> {
        match s {
            "video" => Some(MeetingType::Video),
            "phone" => Some(MeetingType::Phone),
            "in_person" => Some(MeetingType::InPerson),
            _ => None,
        }
    }

    /// The UI message naming it.
    pub fn label_id(&self) -> &'static str {
        match self {
            MeetingType::Video => "meeting-video",
            MeetingType::Phone => "meeting-phone",
            MeetingType::InPerson => "meeting-in_person",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            MeetingType::Video => "video",
            MeetingType::Phone => "phone",
            MeetingType::InPerson => "in_person",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Consultant {
    pub id: i64,
    pub name: String,
    pub title: Localized<String>,
    pub bio: Localized<String>,
    pub email: String,
    pub photo: Option<String>,
    pub languages: Vec<String>,
    pub rules: Rules,
    pub durations: Vec<i64>,
    pub meeting_types: Vec<MeetingType>,
}

/// The stored JSON of a consultant's availability.
#[derive(Deserialize)]
pub struct StoredAvailability {
    pub weekly_hours: Vec<Vec<(String, String)>>,
    pub breaks: Vec<Vec<(String, String)>>,
    pub blackouts: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
#[error("consultant {id}: {detail}")]
pub struct BadAvailability {
    pub id: i64,
    pub detail: String,
}

/// Rules from stored values; any malformed part names the consultant.
pub fn rules_from_storage(
    id: i64,
    timezone: &str,
    stored: &StoredAvailability,
    buffer_minutes: i64,
    min_notice_hours: i64,
    max_advance_days: i64,
) -> Result<Rules, BadAvailability> {
    let bad = |detail: String| BadAvailability { id, detail };
    let tz = TimeZone::get(timezone).map_err(|e| bad(format!("time zone {timezone:?}: {e}")))?;
    let week = |days: &Vec<Vec<(String, String)>>,
                what: &str|
     -> Result<[Vec<Interval>; 7], BadAvailability> {
        let mut out: [Vec<Interval>; 7] = Default::default();
        for (i, day) in days.iter().take(7).enumerate() {
            for (start, end) in day {
                let start: Time = start
                    .parse()
                    .map_err(|e| bad(format!("{what}: {start:?}: {e}")))?;
                let end: Time = end
                    .parse()
                    .map_err(|e| bad(format!("{what}: {end:?}: {e}")))?;
                out[i].push(Interval::new(start, end).map_err(|e| bad(format!("{what}: {e}")))?);
            }
        }
        Ok(out)
    };
    let blackouts = stored
        .blackouts
        .iter()
        .map(|(from, to)| {
            let from: Date = from
                .parse()
                .map_err(|e| bad(format!("blackout {from:?}: {e}")))?;
            let to: Date = to
                .parse()
                .map_err(|e| bad(format!("blackout {to:?}: {e}")))?;
            Ok((from, to))
        })
        .collect::<Result<Vec<_>, BadAvailability>>()?;
    let rules = Rules {
        tz,
        weekly: week(&stored.weekly_hours, "working hours")?,
        breaks: week(&stored.breaks, "breaks")?,
        blackouts,
        buffer_minutes,
        min_notice_hours,
        max_advance_days,
    };
    rules.validate().map_err(|e| bad(e.to_string()))?;
    Ok(rules)
}

#[derive(Clone, Debug)]
pub struct Booking {
    pub id: i64,
    pub reference: String,
    pub token: String,
    pub consultant_id: i64,
    pub consultant_name: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub duration_minutes: i64,
    pub meeting_type: MeetingType,
    pub client_name: String,
    pub client_email: String,
    pub company: String,
    pub language: String,
    pub visitor_timezone: String,
    pub status: String,
}

/// `MQ-YYYYMMDD-XXXX`: the day it was made and four characters nobody misreads.
pub fn reference(day: Date, random: &[u8; 4]) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let code: String = random
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!(
        "MQ-{:04}{:02}{:02}-{code}",
        day.year(),
        day.month(),
        day.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_readable() {
        let r = reference(jiff::civil::date(2026, 11, 24), &[0, 31, 8, 200]);
        assert_eq!(r, "MQ-20261124-2ZAA");
        assert!(!r[12..].contains(['0', 'O', '1', 'I']));
    }

    #[test]
    fn stored_availability_becomes_rules_or_a_clear_error() {
        let stored = StoredAvailability {
            weekly_hours: vec![vec![("09:00".into(), "17:00".into())]; 5],
            breaks: vec![vec![("12:00".into(), "13:00".into())]],
            blackouts: vec![("2026-12-24".into(), "2026-12-26".into())],
        };
        let rules = rules_from_storage(1, "Europe/Berlin", &stored, 15, 12, 60).unwrap();
        assert_eq!(rules.weekly[4].len(), 1);
        assert!(rules.weekly[5].is_empty());
        assert!(
            rules_from_storage(7, "Mars/Olympus", &stored, 0, 0, 1)
                .unwrap_err()
                .to_string()
                .contains("consultant 7")
        );
        let overlapping = StoredAvailability {
            weekly_hours: vec![vec![
                ("09:00".into(), "12:00".into()),
                ("11:00".into(), "13:00".into()),
            ]],
            breaks: vec![],
            blackouts: vec![],
        };
        assert!(rules_from_storage(2, "UTC", &overlapping, 0, 0, 1).is_err());
    }
}
