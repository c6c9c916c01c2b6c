//! `/admin/webinars` as editors use it: the form in both languages, publishing, moving a webinar
//! (everyone is told, reminders planned again), the recording, calling it off, and the
//! registrations (filters, attendance, the CSV export, erasure).
use jiff::{SignedDuration, Timestamp};

use super::DAY;
use super::common::webinars::{count, create, mails, sign_up};
use super::common::{TestApp, attrs, location, texts};

async fn signed_in_editor() -> TestApp {
    let app = TestApp::spawn_with(|c| c.booking_limit = 100_000).await;
    app.sign_in_as("editor").await;
    app
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    magnetiq::db::sql("SELECT action FROM audit_log ORDER BY id")
        .scalars(&app.state.db)
        .await
        .unwrap()
}

/// The edit form's fields as they are now, with `changes` on top: what a browser posts.
async fn edit_form(app: &TestApp, path: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    app.form_fields(path, "form.webinar-form", changes).await
}

async fn post(app: &TestApp, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_editor_creates_a_webinar_in_both_languages_and_visitors_see_it() {
    let app = signed_in_editor().await;
    let fields = edit_form(
        &app,
        "/admin/webinars/new",
        &[
            ("title.en", "Shipping Rust services"),
            ("title.de", "Rust-Dienste ausliefern"),
            ("summary.en", "From laptop to production."),
            ("summary.de", "Vom Laptop in den Betrieb."),
            (
                "description.en",
                "We **measure** first.\n\n<script>alert(1)</script>",
            ),
            ("objectives.en", "- Build once\n- Deploy twice"),
            ("objectives.de", "Einmal bauen\nZweimal ausliefern"),
            ("timezone", "Europe/Berlin"),
            ("starts_at", "2030-03-05T16:30"),
            ("duration_minutes", "90"),
            ("capacity", "25"),
            ("talk_language", "de"),
            ("speaker.0.name", "Aylin Demir"),
            ("speaker.0.role.en", "AI lead"),
            ("speaker.0.role.de", "KI-Leitung"),
            ("speaker.0.photo", "/static/img/speaker.svg"),
            ("meeting_link", "https://meet.example.com/rust"),
            ("action", "publish"),
        ],
    )
    .await;
    assert!(
        fields.iter().any(|(n, v)| n == "waitlist" && v == "on"),
        "a new webinar takes a waitlist"
    );
    let saved = post(&app, "/admin/webinars/new", &fields).await;
    assert_eq!(saved.status(), 303);
    let edit = location(&saved).to_owned();
    assert!(edit.starts_with("/admin/webinars/"), "{edit}");

    let en = app.page("/en/webinars/shipping-rust-services").await;
    assert_eq!(texts(&en, "h1"), ["Shipping Rust services"]);
    assert!(
        texts(&en, ".webinar-facts dd")[0].contains("16:30"),
        "the organiser's time"
    );
    assert_eq!(texts(&en, ".objectives li"), ["Build once", "Deploy twice"]);
    assert_eq!(texts(&en, ".prose strong"), ["measure"]);
    assert!(
        !app.get("/en/webinars/shipping-rust-services")
            .await
            .text()
            .await
            .unwrap()
            .contains("<script>alert")
    );
    let de = app.page("/de/webinars/shipping-rust-services").await;
    assert_eq!(texts(&de, "h1"), ["Rust-Dienste ausliefern"]);
    assert_eq!(texts(&de, ".speaker-role"), ["KI-Leitung"]);
    assert_eq!(texts(&de, ".webinar-facts dd")[2], "Deutsch");
    // The meeting link is for registrants only.
    let body = app
        .get("/en/webinars/shipping-rust-services")
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("meet.example.com"));

    let list = app.page("/admin/webinars").await;
    let row = texts(&list, ".webinars-table tbody tr").join("\n");
    assert!(
        row.contains("Shipping Rust services") && row.contains("0 / 25"),
        "{row}"
    );
    assert!(
        audit_actions(&app)
            .await
            .contains(&"webinar-published".to_owned())
    );
    // The form shows again what was saved.
    let again = app.page(&edit).await;
    assert_eq!(attrs(&again, "#starts_at", "value"), ["2030-03-05T16:30"]);
    assert_eq!(
        texts(&again, "#objectives-de"),
        ["Einmal bauen\nZweimal ausliefern"]
    );
}

#[tokio::test]
async fn a_mistyped_webinar_comes_back_with_errors_and_everything_typed() {
    let app = signed_in_editor().await;
    let fields = edit_form(
        &app,
        "/admin/webinars/new",
        &[
            ("title.de", "Nur Deutsch <b>"),
            ("slug", "Not a slug"),
            ("starts_at", "next tuesday"),
            ("capacity", "0"),
            ("meeting_link", "javascript:alert(1)"),
            ("speaker.0.role.en", "Nameless"),
        ],
    )
    .await;
    let r = post(&app, "/admin/webinars/new", &fields).await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "#title-de", "value"), ["Nur Deutsch <b>"]);
    assert_eq!(
        attrs(&html, "#meeting_link", "value"),
        ["javascript:alert(1)"]
    );
    for id in [
        "#title-en-error",
        "#slug-error",
        "#starts-error",
        "#capacity-error",
        "#meeting-error",
        "#speaker-0-name-error",
    ] {
        assert_eq!(texts(&html, id).len(), 1, "{id}");
    }
    let stored: i64 = magnetiq::db::sql("SELECT count(*) FROM webinars WHERE slug = 'not-a-slug'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    // Two webinars cannot share an address.
    create(&app, "taken", 10, true, DAY).await;
    let fields = edit_form(
        &app,
        "/admin/webinars/new",
        &[("title.en", "Another"), ("slug", "taken")],
    )
    .await;
    let r = post(&app, "/admin/webinars/new", &fields).await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(
        texts(&html, "#slug-error"),
        ["Another webinar already has this address."]
    );
}

#[tokio::test]
async fn moving_a_webinar_replans_reminders_and_tells_everyone_then_the_recording_and_the_cancellation()
 {
    let app = signed_in_editor().await;
    let id = create(&app, "moving", 1, true, DAY * 20).await;
    for (name, email) in [("Ada", "ada@example.com"), ("Bo", "bo@example.com")] {
        assert_eq!(
            sign_up(&app, "en", "moving", name, email).await.status(),
            303
        );
    }
    let before = mails(&app, id).await;
    let old_day_reminder = before
        .iter()
        .find(|m| m.1 == "webinar-reminder-1d")
        .unwrap()
        .2
        .clone();

    // Three days later, at 18:00 Berlin time.
    let path = format!("/admin/webinars/{id}");
    let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let new_start = zone
        .to_datetime(Timestamp::now() + DAY * 23)
        .date()
        .at(18, 0, 0, 0);
    let typed = new_start.strftime("%Y-%m-%dT%H:%M").to_string();
    let fields = edit_form(&app, &path, &[("starts_at", &typed)]).await;
    let saved = post(&app, &path, &fields).await;
    assert_eq!(saved.status(), 303);
    let after = mails(&app, id).await;
    let to = |who: &str, purpose: &str| -> Vec<(Option<String>, String)> {
        after
            .iter()
            .filter(|m| m.0 == who && m.1 == purpose)
            .map(|m| (m.2.clone(), m.4.clone()))
            .collect()
    };
    let moved_subject = "New time: Webinar moving";
    assert!(
        to("ada@example.com", "webinar")
            .iter()
            .any(|m| m.1 == moved_subject)
    );
    assert!(
        to("bo@example.com", "webinar")
            .iter()
            .any(|m| m.1 == moved_subject),
        "the waitlist is told too"
    );
    let ada_day = to("ada@example.com", "webinar-reminder-1d");
    assert_eq!(
        ada_day.len(),
        1,
        "the old reminders are withdrawn, new ones planned"
    );
    assert_ne!(ada_day[0].0, old_day_reminder);
    let expected = new_start
        .checked_sub(jiff::Span::new().days(1))
        .unwrap()
        .to_zoned_datetime(zone.clone())
        .unwrap()
        .timestamp();
    assert_eq!(
        ada_day[0].0.as_deref(),
        Some(magnetiq::db::DbTime::from(expected).to_text().as_str())
    );
    assert!(
        to("bo@example.com", "webinar-reminder-1d").is_empty(),
        "no seat, no reminder"
    );
    let ics: String = magnetiq::db::sql(
        "SELECT attachment FROM outbox WHERE recipient = 'ada@example.com' AND subject = $1",
    )
    .bind(moved_subject)
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert!(ics.contains("SEQUENCE:1\r\n"), "{ics}");
    assert!(ics.contains(&format!("UID:webinar-{id}@magnetiq.test")));
    assert!(
        audit_actions(&app)
            .await
            .contains(&"webinar-moved".to_owned())
    );

    // The recording: everyone hears of it once the webinar has ended.
    let fields = edit_form(
        &app,
        &path,
        &[("recording_link", "https://video.example.com/moving")],
    )
    .await;
    assert_eq!(post(&app, &path, &fields).await.status(), 303);
    let recordings: Vec<_> = mails(&app, id)
        .await
        .into_iter()
        .filter(|m| m.1 == "webinar-recording")
        .collect();
    assert_eq!(recordings.len(), 2);
    let end = magnetiq::db::DbTime::from(
        new_start.to_zoned_datetime(zone).unwrap().timestamp() + SignedDuration::from_mins(60),
    );
    assert_eq!(recordings[0].2.as_deref(), Some(end.to_text().as_str()));

    // Calling it off needs the tick; then everyone is told and nothing else is sent.
    let token = app.csrf_token(&path).await;
    let unconfirmed = app
        .client
        .post(app.url(&format!("{path}/cancel")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(unconfirmed.status(), 303);
    assert_eq!(webinar_status(&app, id).await, "published");
    let cancelled = app
        .client
        .post(app.url(&format!("{path}/cancel")))
        .form(&[("csrf_token", token.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 303);
    assert_eq!(webinar_status(&app, id).await, "cancelled");
    let after = mails(&app, id).await;
    assert_eq!(
        after
            .iter()
            .filter(|m| m.4 == "Cancelled: Webinar moving")
            .count(),
        2
    );
    assert!(
        !after.iter().any(|m| m.1.starts_with("webinar-reminder")),
        "no reminders for a cancelled webinar"
    );
    let html = app.page("/en/webinars/moving").await;
    assert_eq!(texts(&html, ".webinar-facts .webinar-seats"), ["Cancelled"]);
    assert!(
        audit_actions(&app)
            .await
            .contains(&"webinar-cancelled".to_owned())
    );
}

async fn webinar_status(app: &TestApp, id: i64) -> String {
    magnetiq::db::sql("SELECT status FROM webinars WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn registrations_are_filtered_marked_exported_safely_and_erased() {
    let app = signed_in_editor().await;
    let id = create(&app, "listed", 1, true, DAY * 10).await;
    for (name, email) in [
        ("=HYPERLINK(\"http://evil.example\")", "ada@example.com"),
        ("Bo", "bo@example.com"),
    ] {
        assert_eq!(
            sign_up(&app, "en", "listed", name, email).await.status(),
            303
        );
    }
    let list = format!("/admin/webinars/{id}/registrations");
    let all = app.page(&list).await;
    assert_eq!(texts(&all, ".registrations-table tbody tr").len(), 2);
    let waiting = app.page(&format!("{list}?status=waitlisted")).await;
    let rows = texts(&waiting, ".registrations-table tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("bo@example.com"));

    // A seat cannot be given beyond the capacity; marking attendance can.
    let ids: Vec<i64> =
        magnetiq::db::sql("SELECT id FROM webinar_registrations WHERE webinar_id = $1 ORDER BY id")
            .bind(id)
            .scalars(&app.state.db)
            .await
            .unwrap();
    let r = app
        .post_form(
            &format!("{list}/{}", ids[1]),
            &list,
            &[("status", "registered")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(count(&app, id, "registered").await, 1, "still one seat");
    let r = app
        .post_form(
            &format!("{list}/{}", ids[0]),
            &list,
            &[("status", "attended")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(count(&app, id, "attended").await, 1);
    let r = app
        .post_form(
            &format!("{list}/{}", ids[0]),
            &list,
            &[("status", "vanished")],
        )
        .await;
    assert_eq!(r.status(), 400);

    let csv = app
        .get(&format!("/admin/webinars/{id}/registrations.csv"))
        .await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(csv.headers()["cache-control"], "no-store");
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}first_name,last_name,email"),
        "{text}"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
        "formulas are neutralised: {text}"
    );
    assert!(text.contains("newsletter"), "campaign fields are exported");

    // Erasure needs the tick, takes the registration's mails with it, and is audited.
    let r = app
        .post_form(&format!("{list}/{}/delete", ids[1]), &list, &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(count(&app, id, "waitlisted").await, 1);
    let r = app
        .post_form(
            &format!("{list}/{}/delete", ids[1]),
            &list,
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(count(&app, id, "waitlisted").await, 0);
    assert!(
        !mails(&app, id)
            .await
            .iter()
            .any(|m| m.0 == "bo@example.com")
    );
    let actions = audit_actions(&app).await;
    for action in [
        "registration-updated",
        "registrations-exported",
        "registration-erased",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action} not audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn the_dashboard_shows_the_next_webinars_with_their_registrations() {
    let app = signed_in_editor().await;
    let id = create(
        &app,
        "dashboard-one",
        5,
        true,
        SignedDuration::from_hours(2),
    )
    .await;
    assert_eq!(
        sign_up(&app, "en", "dashboard-one", "Ada", "ada@example.com")
            .await
            .status(),
        303
    );
    let html = app.page("/admin").await;
    let newest = texts(&html, ".newest-registrations li").remove(0);
    assert!(
        newest.contains("Ada Visitor") && newest.contains("Webinar dashboard-one"),
        "{newest}"
    );
    let first = texts(&html, ".next-webinars li").remove(0);
    assert!(
        first.contains("Webinar dashboard-one") && first.contains("1 / 5"),
        "{first}"
    );
    assert_eq!(
        attrs(&html, ".next-webinars a", "href")[0],
        format!("/admin/webinars/{id}/registrations")
    );
}

#[tokio::test]
async fn only_signed_in_staff_reach_the_webinars() {
    let app = TestApp::spawn().await;
    let r = app.get("/admin/webinars").await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/admin/login"));
    let r = app
        .client
        .post(app.url("/admin/webinars/new"))
        .form(&[("title.en", "x")])
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 303 | 403), "{}", r.status());
    let stored: i64 = magnetiq::db::sql("SELECT count(*) FROM webinars WHERE slug = 'x'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn a_page_cannot_take_the_address_of_the_webinars() {
    let app = signed_in_editor().await;
    for slug in ["webinars", "book"] {
        let r = app
            .post_form(
                "/admin/pages/new",
                "/admin/pages/new",
                &[
                    ("title.en", "Shadowed"),
                    ("slug", slug),
                    ("placement", "main"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{slug}");
        let html = scraper::Html::parse_document(&r.text().await.unwrap());
        assert!(
            texts(&html, "#slug-error")[0].contains("belongs to a part of the site"),
            "{slug}"
        );
    }
}

#[tokio::test]
async fn a_long_list_of_registrations_comes_in_pages() {
    let app = signed_in_editor().await;
    let id = create(&app, "popular", 1000, true, DAY * 10).await;
    for i in 0..130 {
        magnetiq::db::sql(
            "INSERT INTO webinar_registrations (webinar_id, token_hash, first_name, last_name, email, language,
                timezone, terms_consent_at, consent_version, status, created_at)
             VALUES ($1, $2, 'Many', $3, $4, 'en', 'UTC', '2026-01-01T00:00:00Z', 'v', 'registered',
                '2026-01-01T00:00:00Z')",
        )
        .bind(id)
        .bind(format!("{i:064}"))
        .bind(format!("Number{i}"))
        .bind(format!("many{i}@example.com"))
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    let list = format!("/admin/webinars/{id}/registrations");
    let first = app.page(&list).await;
    assert_eq!(texts(&first, ".registrations-table tbody tr").len(), 100);
    assert!(texts(&first, ".muted")[0].starts_with("130 "));
    let next = attrs(&first, ".pager a[rel=next]", "href").remove(0);
    let second = app.page(&next).await;
    let rows = texts(&second, ".registrations-table tbody tr");
    assert_eq!(rows.len(), 30);
    assert!(rows[29].contains("Number129"));
    // The export has them all.
    let csv = app
        .get(&format!("/admin/webinars/{id}/registrations.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 131);
}
