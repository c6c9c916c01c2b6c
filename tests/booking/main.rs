//! Consultation booking over HTTP: free slots, booking, confirmation, calendar file, cancelling, and
//! what must never happen (double bookings, lost input, bots, forged posts).
#[path = "../common/mod.rs"]
mod common;

mod admin;
mod consultants;
mod mail;

use common::booking::{booking_form, booking_form_from, fields};
use common::{TestApp, attrs, count, location, texts};

async fn bookings(app: &TestApp) -> i64 {
    magnetiq::db::sql("SELECT count(*) FROM bookings")
        .scalar(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_visitor_books_gets_a_confirmation_and_calendar_file_and_can_cancel() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    assert!(
        form.slots.len() > 10,
        "free slots are offered: {}",
        form.slots.len()
    );
    let slot = form.slots[3].clone();

    let response = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &slot, "Ada Lovelace"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let confirmation = location(&response).to_owned();
    assert!(
        confirmation.starts_with("/en/book/") && confirmation.len() == "/en/book/".len() + 64,
        "{confirmation}"
    );

    // Only the token's hash is stored.
    let token = confirmation.trim_start_matches("/en/book/");
    let stored: String = magnetiq::db::sql("SELECT token FROM bookings")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, magnetiq::tokens::token_hash(token));

    // Personal: no shared cache may keep it.
    let page = app.get(&confirmation).await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = app.page(&confirmation).await;
    let reference = texts(&html, ".reference").remove(0);
    assert!(
        reference.starts_with("MQ-") && reference.len() == 16,
        "{reference}"
    );
    assert_eq!(texts(&html, "h1"), vec!["Your consultation is booked"]);

    let ics = app.get(&format!("{confirmation}/calendar.ics")).await;
    assert_eq!(
        ics.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = ics.text().await.unwrap();
    let start: jiff::Timestamp = slot.parse().unwrap();
    assert!(
        ics.contains(&format!("DTSTART:{}\r\n", start.strftime("%Y%m%dT%H%M%SZ"))),
        "{ics}"
    );
    assert!(ics.contains(&format!("UID:{reference}@magnetiq\r\n")));
    assert!(ics.contains("ORGANIZER;CN="));

    // The slot is gone for the next visitor.
    assert!(
        !booking_form(&app, &app.client, "")
            .await
            .slots
            .contains(&slot)
    );

    // German confirmation of the same booking.
    let de = app.page(&confirmation.replace("/en/", "/de/")).await;
    assert_eq!(texts(&de, "h1"), vec!["Ihre Beratung ist gebucht"]);

    // One stray click cancels nothing: the button asks first.
    let stray = app
        .client
        .post(app.url(&format!("{confirmation}/cancel")))
        .form(&[("csrf_token", form.token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(stray.status(), 303);
    assert_eq!(
        texts(&app.page(&confirmation).await, "h1"),
        vec!["Your consultation is booked"]
    );
    let cancel = app
        .client
        .post(app.url(&format!("{confirmation}/cancel")))
        .form(&[("csrf_token", form.token.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 303);
    assert_eq!(
        texts(&app.page(&confirmation).await, "h1"),
        vec!["Your consultation is cancelled"]
    );
    assert!(
        booking_form(&app, &app.client, "")
            .await
            .slots
            .contains(&slot),
        "the slot is free again"
    );
    let again = app
        .client
        .post(app.url(&format!("{confirmation}/cancel")))
        .form(&[("csrf_token", form.token.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303, "cancelling twice is harmless");
}

#[tokio::test]
async fn twenty_visitors_racing_for_one_slot_produce_exactly_one_booking() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let slot = form.slots[0].clone();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = app.client.clone();
        let url = app.url("/en/book");
        let body: Vec<(String, String)> = fields(&form, &slot, &format!("Visitor {i}"))
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        tasks.push(tokio::spawn(async move {
            let r = client.post(url).form(&body).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }));
    }
    let mut won = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            303 => won += 1,
            409 => assert!(
                body.contains("this time was just taken"),
                "the loser is told why"
            ),
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(bookings(&app).await, 1);
}

#[tokio::test]
async fn invalid_input_comes_back_with_errors_and_everything_typed() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let slot = form.slots[0].clone();
    let mut body = fields(&form, &slot, "");
    body.retain(|(k, _)| *k != "consent" && *k != "email");
    body.push(("email", "not an email <script>"));
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(
        attrs(&html, "#email", "value"),
        vec!["not an email <script>"]
    );
    assert_eq!(attrs(&html, "#company", "value"), vec!["Example GmbH"]);
    assert_eq!(texts(&html, "#message"), vec!["Let's talk, \"soon\" <b>"]);
    assert_eq!(
        attrs(
            &html,
            &format!("input[name=slot][value='{slot}']"),
            "checked"
        )
        .len(),
        1,
        "the chosen slot stays chosen"
    );
    for id in ["#name-error", "#email-error", "#consent-error"] {
        assert_eq!(texts(&html, id).len(), 1, "{id}");
    }
    assert_eq!(bookings(&app).await, 0);
}

#[tokio::test]
async fn bots_filling_the_honeypot_see_success_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let mut body = fields(&form, &form.slots[0], "Bot");
    body.push(("website", "http://spam.example"));
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Your consultation is booked"]);
    assert_eq!(bookings(&app).await, 0);
}

#[tokio::test]
async fn a_post_without_the_visitors_token_is_refused() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let mut body = fields(&form, &form.slots[0], "Eve");
    body[0] = ("csrf_token", "0000");
    assert_eq!(
        app.client
            .post(app.url("/en/book"))
            .form(&body)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let stranger = reqwest::Client::new();
    let body = fields(&form, &form.slots[0], "Eve");
    assert_eq!(
        stranger
            .post(app.url("/en/book"))
            .form(&body)
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "token without its cookie"
    );
    assert_eq!(bookings(&app).await, 0);
}

#[tokio::test]
async fn one_address_cannot_book_without_limit() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    for i in 0..20 {
        // Attempts count whether or not they book anything.
        let r = app
            .client
            .post(app.url("/en/book"))
            .form(&fields(&form, "not a time", "Busy Bee"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "attempt {i}");
    }
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &form.slots[0], "Busy Bee"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Too many requests"]);
    assert_eq!(bookings(&app).await, 0);
    // Pages are still served to this address.
    assert_eq!(app.get("/en/").await.status(), 200);
}

#[tokio::test]
async fn slots_are_shown_in_the_visitors_time_zone_and_language() {
    let app = TestApp::spawn().await;
    let berlin = booking_form(&app, &app.client, "").await;
    let ny = booking_form(&app, &app.client, "?tz=America/New_York").await;
    assert_eq!(berlin.slots, ny.slots, "the same instants");
    let html = scraper::Html::parse_document(
        &app.get("/de/book?tz=America/New_York")
            .await
            .text()
            .await
            .unwrap(),
    );
    let first_day = texts(&html, ".slot-day-label").remove(0);
    assert!(
        first_day.contains(", ") && first_day.chars().filter(|c| *c == '.').count() == 2,
        "German date: {first_day}"
    );
    let first_time = texts(&html, ".slot span").remove(0);
    let start: jiff::Timestamp = ny.slots[0].parse().unwrap();
    let expected = jiff::tz::TimeZone::get("America/New_York")
        .unwrap()
        .to_datetime(start)
        .strftime("%H:%M")
        .to_string();
    assert_eq!(first_time, expected);
}

#[tokio::test]
async fn an_oversized_booking_request_gets_413() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let huge = "x".repeat(400 * 1024);
    let mut body = fields(&form, &form.slots[0], "Big");
    body.push(("message", &huge));
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(bookings(&app).await, 0);
}

#[tokio::test]
async fn a_database_locked_by_someone_else_gets_503_with_retry_after_not_500() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    // Another process holds the write lock (on PostgreSQL: the consultants' table) longer than the
    // busy or lock timeout.
    let sqlite = app.data_dir.path().join("magnetiq.db");
    let postgres = app.database.as_ref().map(|d| d.url.clone());
    let locker = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            let hold = std::time::Duration::from_secs(7);
            match postgres {
                None => {
                    let url = format!("sqlite://{}", sqlite.display());
                    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                    sqlx::query("BEGIN EXCLUSIVE")
                        .execute(&mut conn)
                        .await
                        .unwrap();
                    tokio::time::sleep(hold).await;
                    sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
                }
                Some(url) => {
                    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
                    sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
                    sqlx::query("LOCK TABLE consultants IN ACCESS EXCLUSIVE MODE")
                        .execute(&mut conn)
                        .await
                        .unwrap();
                    tokio::time::sleep(hold).await;
                    sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
                }
            }
        });
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &form.slots[0], "Patient"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    locker.join().unwrap();
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &form.slots[0], "Patient"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "works again once the lock is gone");
}

/// A booking as the booking form's handler hands it to the store, by "A <a@example.com>".
fn new_booking(
    consultant_id: i64,
    token: &'static str,
    reference: &'static str,
    starts_at: jiff::Timestamp,
    duration_minutes: i64,
) -> magnetiq::booking::store::NewBooking<'static> {
    magnetiq::booking::store::NewBooking {
        token,
        reference,
        consultant_id,
        starts_at,
        duration_minutes,
        meeting_type: magnetiq::booking::model::MeetingType::Video,
        client_name: "A",
        client_email: "a@example.com",
        company: "",
        phone: "",
        message: "",
        language: "en",
        visitor_timezone: "UTC",
        consent_version: "book-consent/2026-11",
        consultant_name: "",
        source: Box::leak(Box::default()),
    }
}

#[tokio::test]
async fn a_repeated_reference_is_reported_so_the_booking_is_retried_with_a_new_one() {
    use magnetiq::booking::store::{self, BookingRefused};
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let consultant: i64 = form.consultant.parse().unwrap();
    let new = |token: &'static str, slot: &str| {
        new_booking(
            consultant,
            token,
            "MQ-20261124-AAAA",
            slot.parse().unwrap(),
            30,
        )
    };
    let now = jiff::Timestamp::now();
    let (t1, t2): (&'static str, &'static str) = ("1".repeat(64).leak(), "2".repeat(64).leak());
    let first = store::create(&app.state.db, &new(t1, &form.slots[0]), &[], now, "")
        .await
        .unwrap();
    assert_eq!(first, Ok(()));
    let second = store::create(&app.state.db, &new(t2, &form.slots[4]), &[], now, "")
        .await
        .unwrap();
    assert_eq!(second, Err(BookingRefused::ReferenceTaken));
    assert_eq!(bookings(&app).await, 1);
}

#[tokio::test]
async fn a_window_that_begins_inside_a_long_booking_still_sees_it() {
    use jiff::{SignedDuration, Timestamp};
    use magnetiq::booking::store;
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let consultant: i64 = form.consultant.parse().unwrap();
    // The longest a booking lasts, as the database's CHECK allows it, once the consultant offers it,
    // at the first shown time with an hour and a half free after it: the first time of all may be the
    // last half hour before closing or a break, depending on when the test runs.
    let shown: Vec<Timestamp> = form.slots.iter().map(|s| s.parse().unwrap()).collect();
    let starts_at = *shown
        .iter()
        .find(|s| {
            [30, 60]
                .iter()
                .all(|m| shown.contains(&(**s + SignedDuration::from_mins(*m))))
        })
        .expect("a time with 90 free minutes is offered");
    let mut tx = app.state.db.begin().await.unwrap();
    magnetiq::db::sql("UPDATE consultants SET durations = '[30,60,90]' WHERE id = $1")
        .bind(consultant)
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let booking = new_booking(
        consultant,
        "3".repeat(64).leak(),
        "MQ-20261207-LONG",
        starts_at,
        90,
    );
    let made = store::create(&app.state.db, &booking, &[], Timestamp::now(), "")
        .await
        .unwrap();
    assert_eq!(made, Ok(()));
    let mins = SignedDuration::from_mins;
    // A window that opens 89 minutes in, and one that closes as the booking begins or opens as it ends.
    let busy = |from: Timestamp, to: Timestamp| store::busy(&app.state.db, consultant, from, to);
    let inside = busy(starts_at + mins(89), starts_at + mins(120))
        .await
        .unwrap();
    assert_eq!(inside.len(), 1, "the booking's last minute is busy");
    assert_eq!(inside[0].start, starts_at);
    assert!(
        busy(starts_at - mins(30), starts_at)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        busy(starts_at + mins(90), starts_at + mins(120))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn line_breaks_in_a_name_cannot_reach_a_mail_header() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let evil = "Eve\r\nBcc: everyone@example.com";
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &form.slots[0], evil))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let mut body = fields(&form, &form.slots[0], "Eve");
    body.retain(|(k, _)| *k != "email");
    body.push(("email", "eve@example.com\r\nBcc: everyone@example.com"));
    assert_eq!(
        app.client
            .post(app.url("/en/book"))
            .form(&body)
            .send()
            .await
            .unwrap()
            .status(),
        422
    );
    assert_eq!(bookings(&app).await, 0);
    let mails: i64 = magnetiq::db::sql("SELECT count(*) FROM outbox")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(mails, 0);
}

#[tokio::test]
async fn links_mailed_before_tokens_were_hashed_keep_working() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let slot = form.slots[2].clone();
    let response = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &slot, "Ada Lovelace"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    // As a booking made before the change: its token in plain, not yet converted.
    let plain = "ab".repeat(32);
    magnetiq::db::sql("UPDATE bookings SET token = $1, token_hashed = $2")
        .bind(plain.as_str())
        .bind(false)
        .execute(&app.state.db)
        .await
        .unwrap();
    let converted = magnetiq::booking::store::hash_plain_tokens(&app.state.db)
        .await
        .unwrap();
    assert_eq!(converted, 1);
    assert_eq!(
        magnetiq::booking::store::hash_plain_tokens(&app.state.db)
            .await
            .unwrap(),
        0,
        "once"
    );
    let stored: String = magnetiq::db::sql("SELECT token FROM bookings")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, magnetiq::tokens::token_hash(&plain));
    let html = app.page(&format!("/en/book/{plain}")).await;
    assert_eq!(texts(&html, "h1"), vec!["Your consultation is booked"]);
}

#[tokio::test]
async fn a_consultant_changed_after_the_times_were_shown_never_gets_a_booking_for_the_old_times() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let page = app.page("/en/book").await;
    let consultants = attrs(&page, ".booking-form input[name=consultant]", "value");
    assert_eq!(consultants.len(), 2, "the demo has two consultants");
    let other = consultants
        .iter()
        .find(|c| **c != form.consultant)
        .unwrap()
        .clone();
    // The visitor picks another consultant, then a time the page still shows for the first one.
    let mut body = fields(&form, &form.slots[0], "Ada");
    body.retain(|(k, _)| *k != "consultant");
    body.push(("consultant", &other));
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(bookings(&app).await, 0, "never a booking");
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(
        attrs(&html, "input[name=consultant][checked]", "value"),
        vec![other.clone()],
        "the consultant the visitor chose"
    );
    assert_eq!(
        attrs(&html, "input[name=shown_consultant]", "value"),
        vec![other.clone()],
        "and that consultant's times"
    );
    assert!(texts(&html, "#form-error")[0].contains("changed the consultant"));
    assert!(
        attrs(&html, "input[name=slot][checked]", "value").is_empty(),
        "no time is picked for them yet"
    );
    assert_eq!(attrs(&html, "input[name=name]", "value"), vec!["Ada"]);

    // Picking one of the shown times now books exactly that consultant.
    let again = booking_form_from(&html);
    let body = fields(&again, &again.slots[0], "Ada");
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let booked: i64 = magnetiq::db::sql("SELECT consultant_id FROM bookings")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(booked.to_string(), other);
}

#[tokio::test]
async fn show_free_times_keeps_what_was_typed_and_books_nothing() {
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let mut body = fields(&form, "", "Ada");
    body.retain(|(k, _)| *k != "duration" && *k != "tz");
    body.push(("duration", "60"));
    body.push(("tz", "America/New_York"));
    body.push(("show", "times"));
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(bookings(&app).await, 0);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "input[name=shown_duration]", "value"), ["60"]);
    assert_eq!(
        attrs(&html, "input[name=shown_tz]", "value"),
        ["America/New_York"]
    );
    assert_eq!(attrs(&html, "input[name=name]", "value"), ["Ada"]);
    assert!(texts(&html, "#form-error").is_empty());
    // Days first: one open, the others folded, each saying how many times it has.
    assert_eq!(count(&html, "details.slot-day[open]"), 1);
    assert!(texts(&html, ".slot-count")[0].contains("free time"));
}
