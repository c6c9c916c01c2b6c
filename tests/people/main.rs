//! Everyone who left their details: the contact form, the newsletter, and one view of each person
//! across every lead path with the privacy requests (export, erasure) and retention.
#[path = "../common/mod.rs"]
mod common;

mod contact;
mod newsletter;

use common::contact::{message, post};
use common::whitepapers::browser;
use common::{TestApp, count, texts};
use magnetiq::db::sql;

/// One person leaving their details everywhere, typing their address differently each time:
/// a booking, a webinar seat, a whitepaper request, a message, a built form and a newsletter
/// sign-up.
async fn everywhere(app: &TestApp) -> String {
    let visitor = browser();
    let form = common::booking::booking_form(app, &visitor, "").await;
    let slot = form.slots[0].clone();
    let mut fields = common::booking::fields(&form, &slot, "Ada Lovelace");
    fields.retain(|(k, _)| *k != "email");
    fields.push(("email", "ADA@example.com"));
    let r = visitor
        .post(app.url("/en/book"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "booking");
    let token =
        common::webinars::form_token(&visitor, &app.url("/en/webinars/forecasting-workshop")).await;
    let r = common::webinars::register(
        app,
        &visitor,
        "en",
        "forecasting-workshop",
        &common::webinars::registration(&token, "Ada", "Ada@Example.com"),
    )
    .await;
    assert_eq!(r.status(), 303, "webinar");
    let r = common::whitepapers::request(
        app,
        &visitor,
        "en",
        "mlops-checklist",
        "Ada",
        "ada@EXAMPLE.com",
    )
    .await;
    assert_eq!(r.status(), 303, "whitepaper");
    let r = post(
        app,
        &visitor,
        "/en/contact/send",
        &message("", "Ada Lovelace", "ada@example.COM"),
    )
    .await;
    assert_eq!(r.status(), 303, "message");
    let action = common::leads::proposal_action(app, &visitor, "/en/services").await;
    let r = common::leads::send(
        app,
        &visitor,
        &action,
        &common::leads::proposal("Ada Lovelace", "Ada@Example.Com"),
    )
    .await;
    assert_eq!(r.status(), 303, "built form");
    let r = post(
        app,
        &visitor,
        "/en/newsletter/subscribe",
        &[("email", "Ada@example.com"), ("consent", "yes")],
    )
    .await;
    assert_eq!(r.status(), 303, "newsletter");
    slot
}

/// Rows about `email` in every table that holds an address.
async fn traces(app: &TestApp, email: &str) -> Vec<(&'static str, i64)> {
    let mut found = Vec::new();
    for (table, column) in [
        ("bookings", "client_email"),
        ("webinar_registrations", "email"),
        ("whitepaper_leads", "email"),
        ("contact_messages", "email"),
        ("newsletter_subscribers", "email"),
        ("outbox", "recipient"),
        ("form_submissions", "email"),
        ("leads", "email"),
    ] {
        let n: i64 = magnetiq::db::Sql::assembled(format!(
            "SELECT count(*) FROM {table} WHERE lower({column}) = $1"
        ))
        .bind(email)
        .scalar(&app.state.db)
        .await
        .unwrap();
        found.push((table, n));
    }
    found
}

#[tokio::test]
async fn one_person_is_one_row_however_they_typed_their_address() {
    let app = TestApp::signed_in("editor").await;
    everywhere(&app).await;
    // A row from before addresses were lowercased everywhere counts as the same person.
    sql("UPDATE contact_messages SET email = 'Ada@Example.com'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let people = app.page("/admin/people").await;
    let rows = common::attrs(&people, "tbody tr", "data-email");
    assert_eq!(rows, ["ada@example.com"]);
    let cells = texts(&people, "tbody tr td");
    assert_eq!(&cells[1..6], ["1", "1", "1", "1", "1"], "{cells:?}");
    // Search by name, address or company.
    for q in ["lovelace", "ADA@", "example gmbh"] {
        let found = app.page(&format!("/admin/people?q={q}")).await;
        assert_eq!(count(&found, "tbody tr"), 1, "{q}");
    }
    assert_eq!(
        count(&app.page("/admin/people?q=nobody").await, "tbody tr"),
        0
    );
    // The person's page lists every source and the consent history with text versions.
    let person = app.page("/admin/people/ada@example.com").await;
    for source in ["booking", "webinar", "whitepaper", "message", "newsletter"] {
        assert_eq!(
            count(&person, &format!("li[data-source={source}]")),
            1,
            "{source}"
        );
    }
    let versions = texts(&person, ".consents-table code");
    assert!(
        versions.contains(&"book-consent/2026-11".to_owned()),
        "{versions:?}"
    );
    assert!(
        versions.contains(&"contact-consent/2026-11".to_owned()),
        "{versions:?}"
    );
    assert!(
        versions.contains(&"newsletter-consent/2026-11".to_owned()),
        "{versions:?}"
    );
    assert!(
        versions
            .iter()
            .any(|v| v.starts_with("lead-consent/2026-11")),
        "{versions:?}"
    );
    assert_eq!(
        app.get("/admin/people/nobody@example.com").await.status(),
        404
    );
    assert_eq!(app.get("/admin/people/not-an-address").await.status(), 404);
}

#[tokio::test]
async fn the_export_holds_rows_from_every_source() {
    let app = TestApp::signed_in("editor").await;
    everywhere(&app).await;
    let r = app.get("/admin/people/ada@example.com/export.json").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let json: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(json["email"], "ada@example.com");
    for key in [
        "bookings",
        "webinar_registrations",
        "whitepaper_leads",
        "contact_messages",
        "mails",
        "form_submissions",
        "leads",
    ] {
        assert!(
            !json[key].as_array().unwrap().is_empty(),
            "{key} empty: {json}"
        );
    }
    assert_eq!(json["bookings"][0]["name"], "Ada Lovelace");
    assert_eq!(
        json["webinar_registrations"][0]["webinar"],
        "forecasting-workshop"
    );
    assert_eq!(json["whitepaper_leads"][0]["whitepaper"], "mlops-checklist");
    assert_eq!(json["contact_messages"][0]["topic"], "A project enquiry");
    assert_eq!(json["newsletter"]["status"], "pending");
    assert_eq!(json["form_submissions"][0]["form"], "Ask for a proposal");
    assert_eq!(json["form_submissions"][0]["answers"][3]["value"], "11–50");
    assert_eq!(
        json["leads"].as_array().unwrap().len(),
        5,
        "one per lead path"
    );
    let audit: Vec<String> = sql("SELECT target FROM audit_log WHERE action = 'person-exported'")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(!audit[0].contains("ada"), "the audit log keeps no address");
    // Only for the team.
    let stranger = browser();
    let r = stranger
        .get(app.url("/admin/people/ada@example.com/export.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn erasure_removes_every_trace_and_frees_the_slot_and_the_seat() {
    let app = TestApp::signed_in("editor").await;
    let slot = everywhere(&app).await;
    let visitor = browser();
    let offered = common::booking::booking_form(&app, &visitor, "")
        .await
        .slots;
    assert!(!offered.contains(&slot), "the booked slot is taken");
    let webinar: i64 = sql("SELECT id FROM webinars WHERE slug = 'forecasting-workshop'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let seated = common::webinars::count(&app, webinar, "registered").await;
    assert!(
        traces(&app, "ada@example.com")
            .await
            .iter()
            .all(|(_, n)| *n > 0)
    );
    // Without the tick: nothing happens.
    let person = "/admin/people/ada@example.com";
    let r = app.post_form(&format!("{person}/erase"), person, &[]).await;
    assert_eq!(r.status(), 303);
    assert!(
        traces(&app, "ada@example.com")
            .await
            .iter()
            .all(|(_, n)| *n > 0)
    );
    let r = app
        .post_form(&format!("{person}/erase"), person, &[("confirm", "yes")])
        .await;
    assert_eq!(r.status(), 303);
    for (table, n) in traces(&app, "ada@example.com").await {
        assert_eq!(n, 0, "{table} still holds the address");
    }
    // Nothing left that points at the erased rows either.
    let orphans: i64 = sql(
        "SELECT (SELECT count(*) FROM booking_units) + (SELECT count(*) FROM download_links)
              + (SELECT count(*) FROM outbox WHERE booking_id IS NOT NULL OR registration_id IS NOT NULL
                 OR lead_id IS NOT NULL OR message_id IS NOT NULL OR subscriber_id IS NOT NULL
                 OR submission_id IS NOT NULL OR inbox_lead_id IS NOT NULL)
              + (SELECT count(*) FROM leads)",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(orphans, 0);
    let offered = common::booking::booking_form(&app, &visitor, "")
        .await
        .slots;
    assert!(offered.contains(&slot), "the slot is free again");
    assert_eq!(
        common::webinars::count(&app, webinar, "registered").await,
        seated - 1
    );
    let audit: Vec<String> = sql("SELECT target FROM audit_log WHERE action = 'person-erased'")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].starts_with(
            "1 bookings, 1 webinar registrations, 1 whitepaper leads, 1 messages, 1 form submissions, 1 subscriptions"
        ),
        "{}",
        audit[0]
    );
    let all_audit: Vec<String> =
        sql("SELECT coalesce(target, '') || ' ' || user_email FROM audit_log")
            .scalars(&app.state.db)
            .await
            .unwrap();
    assert!(
        all_audit.iter().all(|a| !a.contains("ada@")),
        "{all_audit:?}"
    );
    assert_eq!(app.get(person).await.status(), 404);
}

#[tokio::test]
async fn retention_deletes_only_what_is_due() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    for email in ["old@example.com", "new@example.com"] {
        post(&app, &visitor, "/en/contact/send", &message("", "M", email)).await;
        post(
            &app,
            &visitor,
            "/en/newsletter/subscribe",
            &[("email", email), ("consent", "yes")],
        )
        .await;
    }
    post(
        &app,
        &visitor,
        "/en/newsletter/subscribe",
        &[("email", "kept@example.com"), ("consent", "yes")],
    )
    .await;
    let now = jiff::Timestamp::now();
    let days_ago = |d: i64| now - jiff::SignedDuration::from_hours(24 * d);
    sql("UPDATE contact_messages SET created_at = $1 WHERE email = 'old@example.com'")
        .bind(days_ago(800))
        .execute(&app.state.db)
        .await
        .unwrap();
    sql("UPDATE newsletter_subscribers SET updated_at = $1 WHERE email = 'old@example.com'")
        .bind(days_ago(31))
        .execute(&app.state.db)
        .await
        .unwrap();
    // Confirmed long ago: a subscriber, not a stale sign-up.
    sql("UPDATE newsletter_subscribers SET status = 'confirmed', updated_at = $1 WHERE email = 'kept@example.com'")
        .bind(days_ago(400))
        .execute(&app.state.db)
        .await
        .unwrap();
    let keep = app.state.config.retention;
    let deleted = magnetiq::people::retention::run_once(&app.state.db, keep, now)
        .await
        .unwrap();
    assert_eq!(
        (deleted.messages, deleted.unconfirmed_subscriptions),
        (1, 1)
    );
    let messages: Vec<String> = sql("SELECT email FROM contact_messages")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(messages, ["new@example.com"]);
    let mut subscribers: Vec<String> = sql("SELECT email FROM newsletter_subscribers")
        .scalars(&app.state.db)
        .await
        .unwrap();
    subscribers.sort();
    assert_eq!(subscribers, ["kept@example.com", "new@example.com"]);
    let mails_of_old: i64 = sql("SELECT count(*) FROM outbox WHERE recipient = 'old@example.com'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(mails_of_old, 0, "their mails went with them");
    let audit: Vec<String> = sql("SELECT target FROM audit_log WHERE action = 'retention-deleted'")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].starts_with("1 contact messages, 1 unconfirmed newsletter sign-ups"),
        "{}",
        audit[0]
    );
    // Nothing due: nothing deleted, nothing logged.
    let again = magnetiq::people::retention::run_once(&app.state.db, keep, now)
        .await
        .unwrap();
    assert_eq!(again.total(), 0);
    let audit: i64 = sql("SELECT count(*) FROM audit_log WHERE action = 'retention-deleted'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn erasing_a_seated_person_gives_the_seat_to_the_first_on_the_waitlist() {
    let app = TestApp::signed_in("editor").await;
    let webinar: i64 = sql("SELECT id FROM webinars WHERE slug = 'forecasting-workshop'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let seated = common::webinars::count(&app, webinar, "registered").await;
    sql("UPDATE webinars SET capacity = $1 WHERE id = $2")
        .bind(seated + 1)
        .bind(webinar)
        .execute(&app.state.db)
        .await
        .unwrap();
    let visitor = browser();
    let url = app.url("/en/webinars/forecasting-workshop");
    for (name, email) in [("Ada", "ada@example.com"), ("Bob", "bob@example.com")] {
        let token = common::webinars::form_token(&visitor, &url).await;
        let r = common::webinars::register(
            &app,
            &visitor,
            "en",
            "forecasting-workshop",
            &common::webinars::registration(&token, name, email),
        )
        .await;
        assert_eq!(r.status(), 303);
    }
    let status_of = |email: &'static str| {
        let db = app.state.db.clone();
        async move {
            sql("SELECT status FROM webinar_registrations WHERE email = $1")
                .bind(email)
                .scalar::<String>(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(status_of("ada@example.com").await, "registered");
    assert_eq!(status_of("bob@example.com").await, "waitlisted");
    let mails_to_bob = || {
        let db = app.state.db.clone();
        async move {
            sql("SELECT count(*) FROM outbox WHERE recipient = 'bob@example.com'")
                .scalar::<i64>(&db)
                .await
                .unwrap()
        }
    };
    let before = mails_to_bob().await;
    let person = "/admin/people/ada@example.com";
    let r = app
        .post_form(&format!("{person}/erase"), person, &[("confirm", "yes")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of("bob@example.com").await, "registered");
    assert!(mails_to_bob().await > before, "Bob is told he has a seat");
    assert_eq!(
        common::webinars::count(&app, webinar, "registered").await,
        seated + 1
    );
    let left: i64 =
        sql("SELECT count(*) FROM webinar_registrations WHERE email = 'ada@example.com'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(left, 0);
}
