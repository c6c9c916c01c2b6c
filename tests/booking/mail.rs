//! Booking mails: queued with the booking, delivered over real SMTP to a listener on 127.0.0.1,
//! retried after the listener was down.
use magnetiq::outbox::{store as outbox, worker};
use tokio::net::TcpListener;

use crate::common::TestApp;
use crate::common::smtp::smtp_sink;

async fn book_one(app: &TestApp) {
    let page = app
        .get("/de/book?tz=Europe/Vienna")
        .await
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&page);
    let value = |sel: &str| {
        crate::common::attrs(&html, sel, "value")
            .into_iter()
            .next()
            .unwrap()
    };
    let form = [
        ("csrf_token", value(".booking-form input[name=csrf_token]")),
        (
            "consultant",
            value(".booking-form input[name=shown_consultant]"),
        ),
        (
            "duration",
            value(".booking-form input[name=shown_duration]"),
        ),
        ("tz", value(".booking-form input[name=shown_tz]")),
        ("slot", value("input[name=slot]")),
        ("meeting_type", "phone".to_owned()),
        ("name", "Grete Müller".to_owned()),
        ("email", "grete@example.com".to_owned()),
        ("consent", "yes".to_owned()),
    ];
    let r = app
        .client
        .post(app.url("/de/book"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn a_booking_queues_its_confirmation_and_notice_in_the_same_transaction() {
    let app = TestApp::spawn().await;
    book_one(&app).await;
    let mails: Vec<(String, String, String, Option<String>, i64)> = magnetiq::db::sql(
        "SELECT recipient, subject, body_text, attachment, booking_id FROM outbox ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(mails.len(), 2);
    let booking: (i64, String) = magnetiq::db::sql("SELECT id, reference FROM bookings")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let (to, subject, text, ics, booking_id) = &mails[0];
    assert_eq!(to, "grete@example.com");
    assert_eq!(*booking_id, booking.0);
    assert_eq!(
        subject,
        &format!("Ihre Beratung ist gebucht ({})", booking.1),
        "German, like the visitor"
    );
    assert!(
        text.contains("Telefonat") && text.contains("(Europe/Vienna)"),
        "{text}"
    );
    assert!(ics.as_deref().unwrap_or("").contains("BEGIN:VEVENT"));
    assert_eq!(
        mails[1].0, "aylin@magnetiq.example",
        "the consultant is told"
    );
}

#[tokio::test]
async fn mails_are_delivered_over_smtp_and_retried_after_the_server_was_down() {
    let app = TestApp::spawn().await;
    book_one(&app).await;
    // Reserve a port, then close it: the mail server is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let transport = worker::transport(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let from: lettre::message::Mailbox = "Magnetiq <no-reply@magnetiq.test>".parse().unwrap();
    let now = jiff::Timestamp::now();

    let sent = worker::send_due(&app.state.db, &transport, &from, now)
        .await
        .unwrap();
    assert_eq!(sent, 0);
    let (status, attempts, error): (String, i64, Option<String>) =
        magnetiq::db::sql("SELECT status, attempts, last_error FROM outbox ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(error.is_some());
    // Not retried before its backoff is over.
    let lease = jiff::SignedDuration::from_secs(60);
    assert_eq!(
        outbox::claim_due(&app.state.db, outbox::Kind::Mail, now, lease, 10)
            .await
            .unwrap()
            .len(),
        0
    );

    // The server comes back; 30 seconds later the worker tries again.
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let received = smtp_sink(listener).await;
    let later = now + jiff::SignedDuration::from_secs(31);
    let sent = worker::send_due(&app.state.db, &transport, &from, later)
        .await
        .unwrap();
    assert_eq!(sent, 2);
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 2);
    let confirmation = messages
        .iter()
        .find(|m| m.contains("To: grete@example.com"))
        .expect("the visitor's mail");
    assert!(
        confirmation.contains("multipart/alternative") && confirmation.contains("text/html"),
        "text and HTML parts"
    );
    assert!(
        confirmation.contains("text/calendar"),
        "the .ics is attached"
    );
    let statuses: Vec<String> = magnetiq::db::sql("SELECT status FROM outbox")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(statuses, vec!["sent", "sent"]);
}

#[tokio::test]
async fn a_mail_that_keeps_failing_is_marked_failed_for_an_admin() {
    let app = TestApp::spawn().await;
    book_one(&app).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let transport = worker::transport(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let from: lettre::message::Mailbox = "Magnetiq <no-reply@magnetiq.test>".parse().unwrap();
    let mut now = jiff::Timestamp::now();
    for _ in 0..worker::MAX_ATTEMPTS {
        worker::send_due(&app.state.db, &transport, &from, now)
            .await
            .unwrap();
        now += jiff::SignedDuration::from_secs(3601);
    }
    assert_eq!(outbox::count_failed(&app.state.db).await.unwrap(), 2);
}
