//! Demo consultants, so the booking form shows free slots out of the box.
use serde_json::json;

use super::consultant_store::{NewConsultant, create_consultant, has_consultants};
use crate::db::Db;

/// Adds the two demo consultants when there are none yet; returns how many were added.
pub async fn seed_demo_consultants(db: &Db) -> anyhow::Result<usize> {
    if has_consultants(db).await? {
        return Ok(0);
    }
    let weekday = |from: &str, to: &str| json!([from, to]);
    let anna_hours = json!([
        [weekday("09:00", "17:00")],
        [weekday("09:00", "17:00")],
        [weekday("09:00", "17:00")],
        [weekday("09:00", "17:00")],
        [weekday("09:00", "15:00")],
        [],
        []
    ]);
    let lunch = json!([
        [weekday("12:00", "13:00")],
        [weekday("12:00", "13:00")],
        [weekday("12:00", "13:00")],
        [weekday("12:00", "13:00")],
        [],
        [],
        []
    ]);
    create_consultant(
        db,
        &NewConsultant {
            name: "Aylin Demir",
            title: json!({"en": "AI engineering lead", "de": "Leiterin KI-Entwicklung"}),
            bio: json!({"en": "Ten years of machine learning in production, from retail forecasting to document AI.", "de": "Zehn Jahre maschinelles Lernen im Betrieb, von Absatzprognosen bis zur Dokumenten-KI."}),
            email: "aylin@magnetiq.example",
            languages: &["de", "en", "tr"],
            timezone: "Europe/Berlin",
            weekly_hours: anna_hours,
            breaks: lunch,
            buffer_minutes: 15,
            min_notice_hours: 12,
            max_advance_days: 60,
            durations: &[30, 60, 90],
            meeting_types: &["video", "phone", "in_person"],
        },
    )
    .await?;
    let tobias_hours = json!([
        [weekday("10:00", "18:00")],
        [weekday("10:00", "18:00")],
        [],
        [weekday("10:00", "18:00")],
        [weekday("10:00", "14:00")],
        [],
        []
    ]);
    create_consultant(
        db,
        &NewConsultant {
            name: "Tobias Krämer",
            title: json!({"en": "Software architect", "de": "Softwarearchitekt"}),
            bio: json!({"en": "Builds web platforms that small teams can run themselves.", "de": "Baut Webplattformen, die kleine Teams selbst betreiben können."}),
            email: "tobias@magnetiq.example",
            languages: &["de", "en"],
            timezone: "Europe/Berlin",
            weekly_hours: tobias_hours,
            breaks: json!([[], [], [], [], [], [], []]),
            buffer_minutes: 10,
            min_notice_hours: 24,
            max_advance_days: 45,
            durations: &[30, 60],
            meeting_types: &["video", "phone"],
        },
    )
    .await?;
    Ok(2)
}
