//! iCalendar (`.ics`) files (RFC 5545) for consultations and webinars: UTC times, escaped text, folded
//! lines, a sequence number that grows when an event moves, and reminders (`VALARM`).
use jiff::Timestamp;

pub struct Event<'a> {
    pub uid: &'a str,
    pub stamp: Timestamp,
    pub start: Timestamp,
    pub end: Timestamp,
    pub summary: &'a str,
    pub description: &'a str,
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub cancelled: bool,
    /// Grows each time the event changes (RFC 5545 §3.8.7.4), so calendars replace their copy.
    pub sequence: u32,
    /// Reminders, each this long before the start.
    pub alarms: &'a [jiff::SignedDuration],
    /// Where the event is described on the site.
    pub url: Option<&'a str>,
}

/// "Add to calendar" links for Google Calendar and Outlook.com (nothing is sent to them until the
/// visitor follows one).
pub fn calendar_links(
    title: &str,
    start: Timestamp,
    end: Timestamp,
    details: &str,
) -> (String, String) {
    use crate::web::percent_encode;
    let google = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&details={}",
        percent_encode(title, b""),
        utc(start),
        utc(end),
        percent_encode(details, b"")
    );
    let outlook = format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?subject={}&startdt={}&enddt={}&body={}",
        percent_encode(title, b""),
        percent_encode(&start.to_string(), b""),
        percent_encode(&end.to_string(), b""),
        percent_encode(details, b"")
    );
    (google, outlook)
}

/// `20261124T140000Z`.
pub fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes text for a property value: `\\`, `\;`, `\,`, newlines as `\n`, other control characters
/// dropped, so nothing a visitor typed can start a property of its own.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets continue on the next line after a space.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out
}

pub fn calendar(event: &Event<'_>) -> String {
    let name = escape(event.organizer_name).replace('"', "");
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Magnetiq//Magnetiq//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!(
            "METHOD:{}",
            if event.cancelled { "CANCEL" } else { "PUBLISH" }
        ),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("SEQUENCE:{}", event.sequence),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.start)),
        format!("DTEND:{}", utc(event.end)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("DESCRIPTION:{}", escape(event.description)),
        format!(
            "ORGANIZER;CN=\"{name}\":mailto:{}",
            escape(event.organizer_email)
        ),
        format!(
            "STATUS:{}",
            if event.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
    ];
    if let Some(url) = event.url {
        lines.push(format!("URL:{}", escape(url)));
    }
    for before in event.alarms {
        lines.extend([
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("DESCRIPTION:{}", escape(event.summary)),
            format!("TRIGGER:-PT{}M", before.as_mins().max(0)),
            "END:VALARM".to_owned(),
        ]);
    }
    lines.extend(["END:VEVENT".to_owned(), "END:VCALENDAR".to_owned()]);
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(summary: &'a str, description: &'a str) -> Event<'a> {
        Event {
            uid: "MQ-20261124-ABCD@magnetiq",
            stamp: "2026-11-24T10:00:00Z".parse().unwrap(),
            start: "2026-12-01T09:00:00Z".parse().unwrap(),
            end: "2026-12-01T09:30:00Z".parse().unwrap(),
            summary,
            description,
            organizer_name: "Aylin Demir",
            organizer_email: "aylin@magnetiq.example",
            cancelled: false,
            sequence: 0,
            alarms: &[],
            url: None,
        }
    }

    /// Unfolds and splits an iCalendar text into (name, value) pairs, as a calendar program would.
    fn parse(ics: &str) -> Vec<(String, String)> {
        assert!(
            ics.ends_with("\r\n")
                && !ics.replace("\r\n", "").contains('\n')
                && !ics.replace("\r\n", "").contains('\r')
        );
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (name, value) = l.split_once(':').unwrap();
                (name.split(';').next().unwrap().to_owned(), value.to_owned())
            })
            .collect()
    }

    #[test]
    fn a_calendar_file_has_what_calendars_need_in_utc() {
        let ics = calendar(&event(
            "Consultation with Aylin Demir",
            "Reference MQ-20261124-ABCD",
        ));
        let props = parse(&ics);
        let get = |n: &str| props.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("BEGIN"), Some("VCALENDAR"));
        assert_eq!(get("UID"), Some("MQ-20261124-ABCD@magnetiq"));
        assert_eq!(get("DTSTAMP"), Some("20261124T100000Z"));
        assert_eq!(get("DTSTART"), Some("20261201T090000Z"));
        assert_eq!(get("DTEND"), Some("20261201T093000Z"));
        assert_eq!(get("ORGANIZER"), Some("mailto:aylin@magnetiq.example"));
        assert_eq!(get("SUMMARY"), Some("Consultation with Aylin Demir"));
    }

    #[test]
    fn visitor_text_cannot_break_out_of_its_property() {
        let nasty = "Hi, there; a\\b\r\nATTENDEE:mailto:evil@example.com\nsecond line";
        let ics = calendar(&event("x", nasty));
        let props = parse(&ics);
        assert!(!props.iter().any(|(k, _)| k == "ATTENDEE"), "{ics}");
        let description = props
            .iter()
            .find(|(k, _)| k == "DESCRIPTION")
            .unwrap()
            .1
            .clone();
        assert_eq!(
            description,
            "Hi\\, there\\; a\\\\b\\nATTENDEE:mailto:evil@example.com\\nsecond line"
        );
    }

    #[test]
    fn a_moved_event_has_a_higher_sequence_and_its_reminders() {
        let alarms = [
            jiff::SignedDuration::from_hours(24),
            jiff::SignedDuration::from_mins(15),
        ];
        let mut moved = event("Webinar", "");
        moved.sequence = 2;
        moved.alarms = &alarms;
        moved.url = Some("https://magnetiq.test/en/webinars/x");
        let props = parse(&calendar(&moved));
        let all = |n: &str| {
            props
                .iter()
                .filter(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(all("SEQUENCE"), vec!["2"]);
        assert_eq!(all("TRIGGER"), vec!["-PT1440M", "-PT15M"]);
        assert_eq!(
            all("BEGIN"),
            vec!["VCALENDAR", "VEVENT", "VALARM", "VALARM"]
        );
        assert_eq!(all("URL"), vec!["https://magnetiq.test/en/webinars/x"]);
    }

    #[test]
    fn long_lines_are_folded() {
        let long = "ä".repeat(100);
        let ics = calendar(&event(&long, ""));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "{ics}");
        assert!(
            parse(&ics)
                .iter()
                .any(|(k, v)| k == "SUMMARY" && *v == long)
        );
    }
}
