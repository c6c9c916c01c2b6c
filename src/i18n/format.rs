//! Dates formatted the way each language writes them.
use time::Date;

use super::Lang;

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `24 November 2026` in English, `24.11.2026` in German, ISO `2026-11-24` for other languages.
pub fn format_date(date: Date, lang: Lang) -> String {
    let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
    match lang.as_str() {
        "en" => format!("{d} {} {y}", EN_MONTHS[usize::from(m) - 1]),
        "de" => format!("{d:02}.{m:02}.{y}"),
        _ => format!("{y}-{m:02}-{d:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_follow_the_language() {
        let de = Lang::parse("de").unwrap();
        let en = Lang::parse("en").unwrap();
        assert_eq!(format_date(date!(2026 - 03 - 05), de), "05.03.2026");
        assert_eq!(format_date(date!(2026 - 03 - 05), en), "5 March 2026");
        assert_eq!(
            format_date(date!(2026 - 03 - 05), Lang::parse("fr").unwrap()),
            "2026-03-05"
        );
    }
}
