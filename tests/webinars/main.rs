//! Webinars over HTTP, as visitors and editors use them: registering (never beyond the seats),
//! the waitlist, the registration's page, calendar file and cancelling, reminders planned as
//! outbox rows, and what must never happen (oversold seats, duplicates, lost input, bots).
#[path = "../common/mod.rs"]
mod common;

mod admin;
mod pages;

use common::webinars::{
    self, count, create, form_token, mails, register, registration, registration_link, sign_up,
};
use common::{TestApp, attrs, location, texts};
use jiff::{SignedDuration, Timestamp};

const DAY: SignedDuration = SignedDuration::from_hours(24);

/// A site whose visitors may register as often as a race needs.
async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.booking_limit = 100_000).await
}

fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_visitor_registers_sees_the_details_in_their_zone_and_can_cancel() {
    let app = spawn().await;
    let id = create(&app, "rust-at-scale", 30, true, DAY * 10).await;
    let token = form_token(&app.client, &app.url("/en/webinars/rust-at-scale")).await;
    let r = register(
        &app,
        &app.client,
        "en",
        "rust-at-scale",
        &registration(&token, "Ada", "ada@example.com"),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/webinars/rust-at-scale/thanks");
    let thanks = scraper::Html::parse_document(&app.get(location(&r)).await.text().await.unwrap());
    assert_eq!(texts(&thanks, "h1"), ["Thank you"]);
    let page = registration_link(&app, "ada@example.com").await;
    assert!(
        page.starts_with("/en/webinars/rust-at-scale/registered/"),
        "{page}"
    );
    assert_eq!(
        page.len(),
        "/en/webinars/rust-at-scale/registered/".len() + 64
    );

    let response = app.get(&page).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["referrer-policy"], "same-origin");
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["You are registered"]);
    assert!(texts(&html, ".when")[0].contains("New York (UTC−"));
    assert_eq!(
        attrs(&html, ".meeting-link", "href"),
        ["https://meet.example.com/room-42"]
    );
    let calendar = attrs(&html, ".calendar-links a", "href");
    assert!(
        calendar[1].starts_with("https://calendar.google.com/"),
        "{calendar:?}"
    );
    assert!(
        calendar[2].starts_with("https://outlook.live.com/"),
        "{calendar:?}"
    );

    let ics = app.get(&format!("{page}/calendar.ics")).await;
    assert_eq!(
        ics.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = ics.text().await.unwrap();
    assert!(
        ics.contains(&format!("UID:webinar-{id}@magnetiq.test\r\n")),
        "{ics}"
    );
    assert_eq!(ics.matches("BEGIN:VALARM").count(), 2);
    assert!(
        ics.contains("DTSTART:") && ics.contains("Z\r\n"),
        "times in UTC: {ics}"
    );

    // The confirmation and both reminders, in the registration's own transaction.
    let queued = mails(&app, id).await;
    let purposes: Vec<&str> = queued.iter().map(|m| m.1.as_str()).collect();
    assert_eq!(
        purposes,
        ["webinar", "webinar-reminder-7d", "webinar-reminder-1d"]
    );
    assert!(
        queued[0]
            .4
            .starts_with("You are registered: Webinar rust-at-scale")
    );
    let stored: (String, String, String, String, Option<magnetiq::db::DbTime>) = magnetiq::db::sql(
        "SELECT email, consent_version, utm_source, utm_campaign, marketing_consent_at FROM webinar_registrations",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stored.0, "ada@example.com");
    assert_eq!(stored.1, "lead-consent/2026-11");
    assert_eq!(
        (stored.2.as_str(), stored.3.as_str()),
        ("newsletter", "autumn")
    );
    assert!(stored.4.is_none(), "no marketing consent unless ticked");
    // The link's secret is stored hashed only.
    let token_in_link = page.rsplit('/').next().unwrap();
    let hashes: Vec<String> = magnetiq::db::sql("SELECT token_hash FROM webinar_registrations")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_ne!(hashes[0], token_in_link);

    // One stray click cancels nothing: the button asks first.
    let stray = app
        .client
        .post(app.url(&format!("{page}/cancel")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(stray.status(), 303);
    assert_eq!(count(&app, id, "registered").await, 1);
    let cancel = app
        .client
        .post(app.url(&format!("{page}/cancel")))
        .form(&[("csrf_token", token.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 303);
    let html = app.page(&page).await;
    assert_eq!(texts(&html, "h1"), ["Your registration is cancelled"]);
    assert!(
        texts(&html, ".meeting-link").is_empty(),
        "no seat, no meeting link"
    );
    assert_eq!(count(&app, id, "cancelled").await, 1);
    let purposes: Vec<String> = mails(&app, id).await.into_iter().map(|m| m.1).collect();
    assert_eq!(purposes, ["webinar"], "the reminders are withdrawn");
}

#[tokio::test]
async fn fifty_visitors_racing_for_the_last_ten_seats_give_exactly_ten_registrations() {
    let app = spawn().await;
    for (slug, waitlist) in [("with-waitlist", true), ("without-waitlist", false)] {
        let id = create(&app, slug, 15, waitlist, DAY * 20).await;
        let url = app.url(&format!("/en/webinars/{slug}"));
        // Five seats are taken already.
        for i in 0..5 {
            let browser = new_browser();
            let token = form_token(&browser, &url).await;
            let email = format!("early{i}@example.com");
            let r = register(
                &app,
                &browser,
                "en",
                slug,
                &registration(&token, "Early", &email),
            )
            .await;
            assert_eq!(r.status(), 303);
        }
        // Fifty browsers open the page while seats are left, then all send at once.
        let mut browsers = Vec::new();
        for _ in 0..50 {
            let browser = new_browser();
            let token = form_token(&browser, &url).await;
            browsers.push((browser, token));
        }
        let mut tasks = Vec::new();
        for (i, (browser, token)) in browsers.into_iter().enumerate() {
            let register_url = app.url(&format!("/en/webinars/{slug}/register"));
            tasks.push(tokio::spawn(async move {
                let email = format!("racer{i}@example.com");
                let response = browser
                    .post(register_url)
                    .form(&registration(&token, "Racer", &email))
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                (status, response.text().await.unwrap())
            }));
        }
        let (mut seated_or_waiting, mut full) = (0, 0);
        for task in tasks {
            let (status, body) = task.await.unwrap();
            match status {
                303 => seated_or_waiting += 1,
                409 => {
                    assert!(
                        body.contains("Fully booked"),
                        "the visitor is told why: {body}"
                    );
                    full += 1;
                }
                other => panic!("{slug}: unexpected {other}: {body}"),
            }
        }
        assert_eq!(
            count(&app, id, "registered").await,
            15,
            "{slug}: exactly the capacity"
        );
        if waitlist {
            assert_eq!((seated_or_waiting, full), (50, 0), "nobody lost");
            assert_eq!(count(&app, id, "waitlisted").await, 40);
        } else {
            assert_eq!((seated_or_waiting, full), (10, 40));
            assert_eq!(count(&app, id, "waitlisted").await, 0);
        }
        // Every registration has its confirmation; only seats have reminders.
        let queued = mails(&app, id).await;
        assert_eq!(
            queued.iter().filter(|m| m.1 == "webinar").count(),
            if waitlist { 55 } else { 15 }
        );
        assert_eq!(
            queued
                .iter()
                .filter(|m| m.1 == "webinar-reminder-1d")
                .count(),
            15
        );
    }
}

#[tokio::test]
async fn the_same_address_in_another_case_gets_its_registration_back_not_a_second_one() {
    let app = spawn().await;
    let id = create(&app, "twice", 10, true, DAY * 10).await;
    let token = form_token(&app.client, &app.url("/en/webinars/twice")).await;
    let first = register(
        &app,
        &app.client,
        "en",
        "twice",
        &registration(&token, "Ada", "ada@example.com"),
    )
    .await;
    assert_eq!(first.status(), 303);
    let old_link = registration_link(&app, "ada@example.com").await;
    let again = register(
        &app,
        &app.client,
        "en",
        "twice",
        &registration(&token, "Ada", "  ADA@Example.COM "),
    )
    .await;
    // The answer is the first one's: nobody learns from the form that the address is registered.
    assert_eq!(again.status(), 303);
    assert_eq!(location(&again), location(&first));
    assert_eq!(count(&app, id, "registered").await, 1);
    // The link went out again by mail, with a new secret: the old one no longer opens it.
    // It says so instead of a bare 404.
    let replaced = app.get(&old_link).await;
    assert_eq!(replaced.status(), 410);
    let html = scraper::Html::parse_document(&replaced.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["This link was replaced"]);
    let new_link = registration_link(&app, "ada@example.com").await;
    assert_ne!(new_link, old_link);
    assert_eq!(app.get(&new_link).await.status(), 200);
    let subjects: Vec<String> = mails(&app, id).await.into_iter().map(|m| m.4).collect();
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.starts_with("Your registration:"))
            .count(),
        1,
        "{subjects:?}"
    );
    // The database itself refuses a second row for the address.
    let duplicate = magnetiq::db::sql(
        "INSERT INTO webinar_registrations (webinar_id, token_hash, first_name, last_name, email, language,
            timezone, terms_consent_at, consent_version, status, created_at)
         VALUES ($1, 'x', 'A', 'B', 'ada@example.com', 'en', 'UTC', '2026-01-01T00:00:00Z', 'v', 'registered',
            '2026-01-01T00:00:00Z')",
    )
    .bind(id)
    .execute(&app.state.db)
    .await;
    assert!(duplicate.is_err());
}

#[tokio::test]
async fn a_passed_deadline_or_a_cancelled_webinar_gets_a_clear_page_not_a_form_error() {
    let app = spawn().await;
    let mut fields = webinars::fields("closing", 10, true, Timestamp::now() + DAY * 5);
    let id = webinars::save(&app, None, &fields).await;
    let token = form_token(&app.client, &app.url("/en/webinars/closing")).await;
    fields.registration_deadline = Some(Timestamp::now() - SignedDuration::from_mins(1));
    webinars::save(&app, Some(id), &fields).await;
    let html = app.page("/en/webinars/closing").await;
    assert!(
        texts(&html, ".registration-form").is_empty(),
        "no form after the deadline"
    );
    assert!(texts(&html, ".register .notice")[0].contains("deadline"));
    let r = register(
        &app,
        &app.client,
        "en",
        "closing",
        &registration(&token, "Late", "late@example.com"),
    )
    .await;
    assert_eq!(r.status(), 409);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["Registration closed"]);

    fields.registration_deadline = None;
    fields.status = magnetiq::webinars::model::WebinarStatus::Cancelled;
    webinars::save(&app, Some(id), &fields).await;
    let r = register(
        &app,
        &app.client,
        "en",
        "closing",
        &registration(&token, "Late", "late@example.com"),
    )
    .await;
    assert_eq!(r.status(), 409);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["Cancelled"]);
    assert_eq!(count(&app, id, "registered").await, 0);

    // A draft is not there at all.
    fields.status = magnetiq::webinars::model::WebinarStatus::Draft;
    webinars::save(&app, Some(id), &fields).await;
    assert_eq!(app.get("/en/webinars/closing").await.status(), 404);
    let r = register(
        &app,
        &app.client,
        "en",
        "closing",
        &registration(&token, "Late", "late@example.com"),
    )
    .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn cancelling_a_seat_gives_it_to_whoever_waited_longest_with_a_mail() {
    let app = spawn().await;
    let id = create(&app, "one-seat", 1, true, DAY * 10).await;
    let url = app.url("/en/webinars/one-seat");
    let mut links = Vec::new();
    for (name, email) in [
        ("Ada", "ada@example.com"),
        ("Bo", "bo@example.com"),
        ("Cy", "cy@example.com"),
    ] {
        let browser = new_browser();
        let token = form_token(&browser, &url).await;
        let r = register(
            &app,
            &browser,
            "de",
            "one-seat",
            &registration(&token, name, email),
        )
        .await;
        assert_eq!(r.status(), 303);
        let link = registration_link(&app, email).await;
        links.push((browser, token, link));
    }
    let waiting = scraper::Html::parse_document(
        &links[1]
            .0
            .get(app.url(&links[1].2))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&waiting, "h1"), ["Sie stehen auf der Warteliste"]);
    assert!(
        texts(&waiting, ".meeting-link").is_empty(),
        "the meeting link is for seats only"
    );
    assert_eq!(count(&app, id, "waitlisted").await, 2);

    let (browser, token, link) = &links[0];
    let r = browser
        .post(app.url(&format!("{link}/cancel")))
        .form(&[("csrf_token", token.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(count(&app, id, "registered").await, 1);
    let bo: String = magnetiq::db::sql(
        "SELECT status FROM webinar_registrations WHERE email = 'bo@example.com'",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(bo, "registered", "the first on the waitlist");
    assert_eq!(count(&app, id, "waitlisted").await, 1);
    let to_bo: Vec<(String, String)> = mails(&app, id)
        .await
        .into_iter()
        .filter(|m| m.0 == "bo@example.com")
        .map(|m| (m.1, m.4))
        .collect();
    assert_eq!(to_bo.len(), 4, "{to_bo:?}");
    assert!(
        to_bo[1].1.starts_with("Ein Platz für Sie"),
        "in Bo's language: {to_bo:?}"
    );
    assert_eq!(to_bo[2].0, "webinar-reminder-7d");
}

#[tokio::test]
async fn invalid_registrations_come_back_with_errors_and_everything_typed() {
    let app = spawn().await;
    let id = create(&app, "careful", 10, true, DAY * 10).await;
    let token = form_token(&app.client, &app.url("/en/webinars/careful")).await;
    let mut body = registration(&token, "", "not an email <script>");
    body.retain(|(k, _)| *k != "consent" && *k != "company");
    body.push(("company", "   "));
    body.push(("job_title", "<b>Chief</b> \"Quoter\""));
    let r = register(&app, &app.client, "en", "careful", &body).await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "#email", "value"), ["not an email <script>"]);
    assert_eq!(attrs(&html, "#last_name", "value"), ["Visitor"]);
    for id in [
        "#first_name-error",
        "#email-error",
        "#company-error",
        "#consent-error",
    ] {
        assert_eq!(texts(&html, id).len(), 1, "{id}");
    }
    assert!(texts(&html, ".form-error")[0].contains("everything you typed is still here"));

    // Line breaks cannot reach a mail header; a giant body is refused before it is read.
    let r = register(
        &app,
        &app.client,
        "en",
        "careful",
        &registration(&token, "Eve\r\nBcc: all@example.com", "eve@example.com"),
    )
    .await;
    assert_eq!(r.status(), 422);
    let huge = "x".repeat(400 * 1024);
    let mut body = registration(&token, "Big", "big@example.com");
    body.push(("job_title", &huge));
    assert_eq!(
        register(&app, &app.client, "en", "careful", &body)
            .await
            .status(),
        413
    );
    let mut body = registration(&token, "Long", "long@example.com");
    let long = "y".repeat(101);
    body.retain(|(k, _)| *k != "job_title");
    body.push(("job_title", &long));
    assert_eq!(
        register(&app, &app.client, "en", "careful", &body)
            .await
            .status(),
        422
    );

    // Forged or stray posts.
    let stranger = new_browser();
    assert_eq!(
        register(
            &app,
            &stranger,
            "en",
            "careful",
            &registration(&token, "Eve", "eve@example.com")
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        register(
            &app,
            &app.client,
            "en",
            "no-such-webinar",
            &registration(&token, "Eve", "eve@example.com")
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        register(
            &app,
            &app.client,
            "xx",
            "careful",
            &registration(&token, "Eve", "eve@example.com")
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.get(&format!(
            "/en/webinars/careful/registered/{}",
            "0".repeat(64)
        ))
        .await
        .status(),
        404
    );
    assert_eq!(
        app.get("/en/webinars/careful/registered/..%2F..%2Fetc")
            .await
            .status(),
        404
    );
    assert_eq!(count(&app, id, "registered").await, 0);
    assert!(mails(&app, id).await.is_empty());
}

#[tokio::test]
async fn bots_filling_the_honeypot_see_thanks_and_nothing_is_stored() {
    let app = spawn().await;
    let id = create(&app, "bots", 10, true, DAY * 10).await;
    let token = form_token(&app.client, &app.url("/en/webinars/bots")).await;
    let mut body = registration(&token, "Bot", "bot@example.com");
    body.push(("website", "http://spam.example"));
    let r = register(&app, &app.client, "en", "bots", &body).await;
    // Exactly what a person's registration answers: the bot cannot tell it was caught.
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/webinars/bots/thanks");
    let html = scraper::Html::parse_document(&app.get(location(&r)).await.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["Thank you"]);
    assert_eq!(count(&app, id, "registered").await, 0);
}

#[tokio::test]
async fn one_address_cannot_register_without_limit() {
    let app = TestApp::spawn().await;
    let id = create(&app, "limited", 100, true, DAY * 10).await;
    let token = form_token(&app.client, &app.url("/en/webinars/limited")).await;
    for i in 0..20 {
        let r = register(
            &app,
            &app.client,
            "en",
            "limited",
            &registration(&token, "", "busy@example.com"),
        )
        .await;
        assert_eq!(r.status(), 422, "attempt {i}");
    }
    let r = register(
        &app,
        &app.client,
        "en",
        "limited",
        &registration(&token, "Busy", "busy@example.com"),
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(count(&app, id, "registered").await, 0);
}

#[tokio::test]
async fn reminders_are_planned_at_the_organisers_wall_clock_time_across_a_daylight_saving_change() {
    let app = spawn().await;
    // Berlin leaves summer time on the last Sunday of October: a webinar at 10:00 on the Tuesday
    // after gets its week reminder at 10:00 summer time (08:00 UTC) and its day reminder at 10:00
    // winter time (09:00 UTC).
    let now = Timestamp::now();
    let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let year = zone.to_datetime(now).year() + 1;
    let last_sunday = (25..=31)
        .map(|d| jiff::civil::date(year, 10, d))
        .find(|d| d.weekday() == jiff::civil::Weekday::Sunday)
        .unwrap();
    let tuesday = last_sunday.checked_add(jiff::Span::new().days(2)).unwrap();
    let starts_at = tuesday
        .at(10, 0, 0, 0)
        .to_zoned_datetime(zone.clone())
        .unwrap()
        .timestamp();
    let fields = webinars::fields("dst", 10, true, starts_at);
    let id = webinars::save(&app, None, &fields).await;
    assert_eq!(
        sign_up(&app, "en", "dst", "Ada", "ada@example.com")
            .await
            .status(),
        303
    );
    let queued = mails(&app, id).await;
    let week = queued
        .iter()
        .find(|m| m.1 == "webinar-reminder-7d")
        .unwrap();
    let day = queued
        .iter()
        .find(|m| m.1 == "webinar-reminder-1d")
        .unwrap();
    let week_before = tuesday.checked_sub(jiff::Span::new().days(7)).unwrap();
    let day_before = tuesday.checked_sub(jiff::Span::new().days(1)).unwrap();
    assert_eq!(
        week.2.as_deref(),
        Some(format!("{week_before}T08:00:00Z").as_str())
    );
    assert_eq!(
        day.2.as_deref(),
        Some(format!("{day_before}T09:00:00Z").as_str())
    );
    let start = magnetiq::db::DbTime::from(starts_at).to_text();
    assert_eq!(
        week.3.as_deref(),
        Some(start.as_str()),
        "never sent after the start"
    );
}

#[tokio::test]
async fn a_reminder_missed_while_the_server_was_down_goes_out_before_the_start_and_never_after() {
    use magnetiq::outbox::store::{Kind, claim_due};
    let app = spawn().await;
    let soon = create(&app, "soon", 10, true, DAY * 3).await;
    assert_eq!(
        sign_up(&app, "en", "soon", "Ada", "ada@example.com")
            .await
            .status(),
        303
    );
    // Only the day-before reminder is still ahead three days out.
    let purposes: Vec<String> = mails(&app, soon).await.into_iter().map(|m| m.1).collect();
    assert_eq!(purposes, ["webinar", "webinar-reminder-1d"]);
    // The server comes back two and a half days later, after the reminder was due: it goes out.
    let back = Timestamp::now() + DAY * 2 + SignedDuration::from_hours(12);
    let lease = SignedDuration::from_mins(5);
    let claimed = claim_due(&app.state.db, Kind::Mail, back, lease, 50)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2, "the confirmation and the late reminder");
    for mail in &claimed {
        magnetiq::outbox::store::mark_sent(&app.state.db, mail.id, back)
            .await
            .unwrap();
    }
    // Had it come back after the start, the reminder would be dropped, never sent.
    let later = create(&app, "later", 10, true, DAY * 3).await;
    assert_eq!(
        sign_up(&app, "en", "later", "Bo", "bo@example.com")
            .await
            .status(),
        303
    );
    let after_start = Timestamp::now() + DAY * 4;
    let claimed = claim_due(&app.state.db, Kind::Mail, after_start, lease, 50)
        .await
        .unwrap();
    let subjects: Vec<&str> = claimed.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects.len(), 1, "{subjects:?}");
    assert!(subjects[0].starts_with("You are registered"));
    let reminders: Vec<String> = mails(&app, later).await.into_iter().map(|m| m.1).collect();
    assert_eq!(reminders, ["webinar"], "the late reminder is gone");
}

#[tokio::test]
async fn a_webinar_that_asks_for_confirmation_holds_seats_only_for_confirmed_addresses() {
    let app = spawn().await;
    let mut fields = webinars::fields("confirmed", 1, true, Timestamp::now() + DAY * 10);
    fields.confirm_by_mail = true;
    let id = webinars::save(&app, None, &fields).await;

    // A script registers strangers' addresses: nobody holds a seat until an address is confirmed.
    for (name, email) in [("Eve", "eve@example.com"), ("Mal", "mal@example.com")] {
        let r = sign_up(&app, "en", "confirmed", name, email).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/en/webinars/confirmed/thanks");
    }
    assert_eq!(count(&app, id, "unconfirmed").await, 2);
    assert_eq!(count(&app, id, "registered").await, 0);
    let subjects: Vec<String> = mails(&app, id).await.into_iter().map(|m| m.4).collect();
    assert!(
        subjects.iter().all(|s| s.starts_with("Confirm your seat")),
        "{subjects:?}"
    );
    let page = app.page("/en/webinars/confirmed").await;
    assert!(
        texts(&page, ".registration-form button[type=submit]")[0].contains("Register"),
        "the seat is still free: {:?}",
        texts(&page, ".registration-form button")
    );

    // Ada registers and confirms from her mail: she gets the seat, her confirmation and reminders.
    sign_up(&app, "en", "confirmed", "Ada", "ada@example.com").await;
    let link = registration_link(&app, "ada@example.com").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let waiting = browser.get(app.url(&link)).send().await.unwrap();
    let html = scraper::Html::parse_document(&waiting.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["Confirm your seat"]);
    assert!(texts(&html, ".meeting-link").is_empty(), "no seat yet");
    let token = attrs(&html, ".confirm-form input[name=csrf_token]", "value").remove(0);
    let confirm = attrs(&html, ".confirm-form", "action").remove(0);
    // Opening the link (as a mail scanner does) confirmed nothing.
    assert_eq!(count(&app, id, "registered").await, 0);
    let r = browser
        .post(app.url(&confirm))
        .header("origin", app.url(""))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), link);
    assert_eq!(count(&app, id, "registered").await, 1);
    let html = scraper::Html::parse_document(
        &browser
            .get(app.url(&link))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&html, "h1"), ["You are registered"]);
    let ada: Vec<String> = mails(&app, id)
        .await
        .into_iter()
        .filter(|m| m.0 == "ada@example.com")
        .map(|m| m.1)
        .collect();
    assert!(ada.contains(&"webinar-reminder-7d".to_owned()), "{ada:?}");
    // Confirming twice changes nothing.
    let again = browser
        .post(app.url(&confirm))
        .header("origin", app.url(""))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(count(&app, id, "registered").await, 1);

    // Unconfirmed registrations go with retention.
    let later = Timestamp::now() + DAY * 60;
    let deleted =
        magnetiq::people::retention::run_once(&app.state.db, app.state.config.retention, later)
            .await
            .unwrap();
    assert_eq!(deleted.unconfirmed_registrations, 2);
    assert_eq!(count(&app, id, "unconfirmed").await, 0);
    assert_eq!(count(&app, id, "registered").await, 1);
}

#[tokio::test]
async fn one_client_cannot_fill_a_webinars_seats() {
    let app = TestApp::spawn_with(|c| c.booking_limit = 5).await;
    let id = create(&app, "crowded", 100, true, DAY * 10).await;
    for i in 0..2 {
        let r = sign_up(
            &app,
            "en",
            "crowded",
            "Bot",
            &format!("seat{i}@example.com"),
        )
        .await;
        assert_eq!(r.status(), 303);
    }
    // What is kept of the client: a keyed hash, the same for both, never the address itself.
    let keys: Vec<String> =
        magnetiq::db::sql("SELECT client_key FROM webinar_registrations WHERE webinar_id = $1")
            .bind(id)
            .scalars(&app.state.db)
            .await
            .unwrap();
    let key = magnetiq::webinars::seat_store::client_key(&app.state, id, "127.0.0.1");
    assert_eq!(keys, vec![key.clone(), key.clone()]);
    assert!(!key.contains("127.0.0.1"));
    // Three more from the same client earlier today (the per-minute limit has long forgotten them).
    for i in 2..5 {
        magnetiq::db::sql(
            "INSERT INTO webinar_registrations (webinar_id, token_hash, first_name, last_name, email, language,
                timezone, terms_consent_at, consent_version, status, created_at, client_key)
             VALUES ($1, $2, 'Bot', 'Visitor', $3, 'en', 'UTC', '2026-01-01T00:00:00Z', 'v', 'registered',
                '2026-01-01T00:00:00Z', $4)",
        )
        .bind(id)
        .bind(format!("earlier-{i}"))
        .bind(format!("seat{i}@example.com"))
        .bind(&key)
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    let over = sign_up(&app, "en", "crowded", "Bot", "seat5@example.com").await;
    assert_eq!(over.status(), 429);
    assert_eq!(count(&app, id, "registered").await, 5);
    // Another webinar is another count.
    create(&app, "elsewhere", 100, true, DAY * 10).await;
    let r = sign_up(&app, "en", "elsewhere", "Bot", "seat9@example.com").await;
    assert_eq!(r.status(), 303);
}
