//! Times in the editor's own zone: shown with the zone's abbreviation everywhere in the admin, read
//! in it when typed, and a time the clocks skip or repeat refused with the reason.
use crate::common::{TestApp, attrs, location, texts};

async fn set_preferences(app: &TestApp, zone: &str, language: &str) -> reqwest::Response {
    app.post_form(
        "/admin/account/preferences",
        "/admin/account/preferences",
        &[("time_zone", zone), ("language", language)],
    )
    .await
}

/// The `<time>` elements of `path`: (the stored UTC time, what the page says).
async fn times(app: &TestApp, path: &str) -> Vec<(String, String)> {
    let html = app.page(path).await;
    attrs(&html, "main time", "datetime")
        .into_iter()
        .zip(texts(&html, "main time"))
        .collect()
}

#[tokio::test]
async fn the_audit_log_shows_times_in_the_persons_zone_with_its_abbreviation() {
    let app = TestApp::signed_in("admin").await;
    // No zone chosen: the site's, Europe/Berlin.
    let shown = times(&app, "/admin/audit").await;
    assert!(!shown.is_empty());
    for (utc, text) in &shown {
        let t: jiff::Timestamp = utc.parse().unwrap();
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(text, &magnetiq::zones::show(t, &berlin));
        assert!(text.ends_with(" CET") || text.ends_with(" CEST"), "{text}");
    }

    assert_eq!(
        set_preferences(&app, "America/New_York", "").await.status(),
        303
    );
    let new_york = jiff::tz::TimeZone::get("America/New_York").unwrap();
    for path in ["/admin/audit", "/admin/pages", "/admin"] {
        let shown = times(&app, path).await;
        assert!(!shown.is_empty(), "{path} shows times");
        for (utc, text) in shown {
            let t: jiff::Timestamp = utc.parse().unwrap();
            assert_eq!(text, magnetiq::zones::show(t, &new_york), "{path}");
            assert!(text.ends_with(" EST") || text.ends_with(" EDT"), "{text}");
        }
    }
    // The schedule field of a page is filled in the person's zone too.
    let id = app.page_id("about").await;
    let at = "2031-07-01T12:00:00Z";
    magnetiq::db::sql("UPDATE pages SET status = 'scheduled', published_at = $1 WHERE id = $2")
        .bind(magnetiq::db::DbTime::parse(at).unwrap())
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let form = app.page(&format!("/admin/pages/{id}")).await;
    assert_eq!(attrs(&form, "#publish_at", "value"), ["2031-07-01T08:00"]);

    // A zone that does not exist is refused and nothing changes.
    assert_eq!(
        set_preferences(&app, "Mars/Olympus", "").await.status(),
        422
    );
}

#[tokio::test]
async fn a_schedule_at_a_time_the_clocks_skip_or_repeat_is_refused_with_the_reason() {
    let app = TestApp::signed_in("editor").await;
    let id = app.page_id("about").await;
    let edit = format!("/admin/pages/{id}");
    let schedule = |at: &'static str| {
        let app = &app;
        let edit = edit.clone();
        async move {
            let version = app.page_version(id).await;
            app.post_form(
                &edit,
                &edit,
                &[
                    ("version", version.as_str()),
                    ("title.en", "About"),
                    ("slug", "about"),
                    ("placement", "main"),
                    ("nav_order", "10"),
                    ("publish_at", at),
                    ("action", "schedule"),
                ],
            )
            .await
        }
    };
    // Europe/Berlin springs forward on 28 March 2027 at 02:00 and falls back on 31 October.
    let skipped = schedule("2027-03-28T02:30").await;
    assert_eq!(skipped.status(), 422);
    let body = skipped.text().await.unwrap();
    assert!(
        body.contains("2027-03-28 02:30 does not exist in Europe/Berlin"),
        "{body}"
    );
    assert_eq!(
        texts(
            &scraper::Html::parse_document(&body),
            "#publish_at ~ .field-error"
        )
        .len(),
        1
    );
    let repeated = schedule("2027-10-31T02:30").await;
    assert_eq!(repeated.status(), 422);
    assert!(
        repeated
            .text()
            .await
            .unwrap()
            .contains("happens twice in Europe/Berlin")
    );
    let status: String = magnetiq::db::sql("SELECT status FROM pages WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "published", "nothing shifted, nothing saved");

    // An hour after the change is fine, and stored in UTC.
    let fine = schedule("2027-03-28T03:30").await;
    assert_eq!(fine.status(), 303);
    let stored: magnetiq::db::DbTime =
        magnetiq::db::sql("SELECT published_at FROM pages WHERE id = $1")
            .bind(id)
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(stored.to_text(), "2027-03-28T01:30:00Z");

    // Read in the editor's own zone once they chose one.
    assert_eq!(set_preferences(&app, "Asia/Tokyo", "").await.status(), 303);
    let tokyo = schedule("2027-05-01T09:00").await;
    assert_eq!(tokyo.status(), 303);
    let stored: magnetiq::db::DbTime =
        magnetiq::db::sql("SELECT published_at FROM pages WHERE id = $1")
            .bind(id)
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(stored.to_text(), "2027-05-01T00:00:00Z");
}

#[tokio::test]
async fn a_webinar_start_the_clocks_skip_is_refused() {
    let app = TestApp::signed_in("editor").await;
    let fields = app
        .form_fields(
            "/admin/webinars/new",
            "form.webinar-form",
            &[
                ("title.en", "Spring forward"),
                ("timezone", "Europe/Berlin"),
                ("starts_at", "2027-03-28T02:15"),
                ("duration_minutes", "60"),
                ("capacity", "10"),
                ("talk_language", "en"),
                ("action", "save"),
            ],
        )
        .await;
    let r = app
        .client
        .post(app.url("/admin/webinars/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("does not exist in Europe/Berlin")
    );
}

#[tokio::test]
async fn a_persons_language_is_the_admins_until_they_switch_in_a_browser() {
    let app = TestApp::signed_in("editor").await;
    let saved = set_preferences(&app, "", "de").await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), "/admin/account/preferences");
    let html = app.page("/admin").await;
    assert_eq!(attrs(&html, "html", "lang"), ["de"]);
}

#[tokio::test]
async fn zones_and_audit_entries_read_as_words_in_the_admins_language() {
    let app = TestApp::signed_in("admin").await;
    assert_eq!(
        set_preferences(&app, "Europe/Vienna", "de").await.status(),
        303
    );
    let html = app.page("/admin/account/preferences").await;
    let chosen = texts(&html, "#time_zone option[selected]");
    assert_eq!(chosen.len(), 1);
    assert!(chosen[0].starts_with("Wien (UTC+"), "{chosen:?}");
    let regions = attrs(&html, "#time_zone optgroup", "label");
    assert!(regions.contains(&"Europa".to_owned()), "{regions:?}");
    assert!(
        texts(&html, "#time_zone option")
            .iter()
            .all(|o| !o.contains('/')),
        "no raw zone names"
    );

    // A page saved and the preferences changed: the log says so in German, and links the page.
    let about: i64 = magnetiq::db::sql("SELECT id FROM pages WHERE slug = 'about'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let duplicated = app
        .post_form(
            &format!("/admin/pages/{about}/duplicate"),
            &format!("/admin/pages/{about}"),
            &[],
        )
        .await;
    assert_eq!(duplicated.status(), 303);
    let log = app.page("/admin/audit").await;
    let actions = texts(&log, ".audit-table tbody td:nth-child(3)");
    assert!(
        actions.contains(&"Einstellungen geändert".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"Seite dupliziert".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.iter().all(|a| !a.contains('-')),
        "no codes: {actions:?}"
    );
    let copy = attrs(&log, ".audit-table tbody td a", "href")
        .into_iter()
        .find_map(|h| h.strip_prefix("/admin/pages/").map(str::to_owned))
        .expect("the copied page is a link");
    assert_ne!(copy, about.to_string());
    assert!(texts(&log, ".audit-table tbody td a").contains(&format!("Seite {copy}")));
    let details = texts(&log, ".audit-table tbody td .muted");
    assert!(
        details.iter().any(|d| d.contains(&format!("page {about}"))),
        "{details:?}"
    );
}
