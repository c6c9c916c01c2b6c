//! Consultants and availability in the admin panel.
use crate::common::{TestApp, attrs, texts};

fn form<'a>(name: &'a str, monday: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", "new@magnetiq.example"),
        ("languages", "en, de"),
        ("active", "on"),
        ("title.en", "Data engineer"),
        ("title.de", "Dateningenieur"),
        ("timezone", "America/New_York"),
        ("hours.0", monday),
        ("breaks.0", ""),
        ("blackouts", "2030-12-24 2030-12-26"),
        ("buffer_minutes", "10"),
        ("min_notice_hours", "0"),
        ("max_advance_days", "30"),
        ("duration.60", "on"),
        ("type.video", "on"),
    ]
}

#[tokio::test]
async fn an_admin_adds_a_consultant_whose_hours_become_bookable_slots() {
    let app = TestApp::signed_in("admin").await;
    let bad = app
        .post_form(
            "/admin/consultants/new",
            "/admin/consultants/new",
            &form("Nora", "09:00-12:00, 11:00-13:00"),
        )
        .await;
    assert_eq!(bad.status(), 422, "overlapping intervals");
    let html = scraper::Html::parse_document(&bad.text().await.unwrap());
    assert_eq!(
        attrs(&html, "#hours-0", "value"),
        vec!["09:00-12:00, 11:00-13:00"],
        "input kept"
    );
    let bad = app
        .post_form(
            "/admin/consultants/new",
            "/admin/consultants/new",
            &form("Nora", "17:00-09:00"),
        )
        .await;
    assert_eq!(bad.status(), 422, "end before start");

    let ok = app
        .post_form(
            "/admin/consultants/new",
            "/admin/consultants/new",
            &form("Nora Lind", "09:00-11:00"),
        )
        .await;
    assert_eq!(ok.status(), 303);
    let id: i64 = magnetiq::db::sql("SELECT id FROM consultants WHERE name = 'Nora Lind'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let edit = app.page(&format!("/admin/consultants/{id}")).await;
    assert_eq!(attrs(&edit, "#hours-0", "value"), vec!["09:00-11:00"]);
    assert_eq!(attrs(&edit, "#blackouts", "value").len(), 0);
    assert_eq!(texts(&edit, "#blackouts"), vec!["2030-12-24 2030-12-26"]);

    // Her Mondays, 09:00-11:00 New York time, one-hour meetings: starts at 09:00, 09:30 and 10:00.
    let page = app
        .get(&format!("/en/book?consultant={id}&tz=America/New_York"))
        .await
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&page);
    let days = texts(&html, ".slot-day-label");
    let day_sel = scraper::Selector::parse(".slot-day").unwrap();
    let span_sel = scraper::Selector::parse(".slot span").unwrap();
    let per_day: Vec<Vec<String>> = html
        .select(&day_sel)
        .map(|d| d.select(&span_sel).map(|e| e.text().collect()).collect())
        .collect();
    // Today's Monday may have fewer left; a whole one within the two weeks has all three.
    assert!(
        per_day
            .iter()
            .any(|t| *t == vec!["09:00", "09:30", "10:00"]),
        "{per_day:?}"
    );
    assert!(
        per_day
            .iter()
            .flatten()
            .all(|t| ["09:00", "09:30", "10:00"].contains(&t.as_str()))
    );
    assert!(
        days.iter().all(|d| d.starts_with("Monday")),
        "no other working days: {days:?}"
    );
}

#[tokio::test]
async fn editors_cannot_change_consultants() {
    let app = TestApp::signed_in("editor").await;
    assert_eq!(app.get("/admin/consultants").await.status(), 403);
    let r = app
        .post_form(
            "/admin/consultants/1",
            "/admin",
            &form("Hacked", "00:00-23:30"),
        )
        .await;
    assert_eq!(r.status(), 403);
    let name: String = magnetiq::db::sql("SELECT name FROM consultants WHERE id = 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(name, "Aylin Demir");
}
