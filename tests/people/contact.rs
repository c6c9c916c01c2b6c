//! The contact form block: a message stored with its two mails, the thank-you on the same page,
//! hostile and incomplete input kept and refused (422), the checks a cached form relies on, the
//! team's inbox.
use super::common::contact::{message, post, token};
use super::common::whitepapers::browser;
use super::common::{TestApp, attrs, count, location, texts};
use magnetiq::db::sql;

#[tokio::test]
async fn a_visitor_writes_and_gets_thanked_on_the_same_page_with_both_mails_queued() {
    let app = TestApp::spawn_with(|c| c.contact_to = Some("team@magnetiq.example".into())).await;
    let visitor = browser();
    // The contact page is served from the cache like every page: its form carries no token.
    let page = app.page("/en/contact").await;
    assert_eq!(count(&page, "form.contact-form"), 1);
    assert_eq!(
        attrs(&page, "form.contact-form input[name=csrf_token]", "value"),
        [""]
    );
    assert!(
        texts(&page, "form.contact-form select[name=topic] option")
            .contains(&"A project enquiry".to_owned())
    );
    let r = post(
        &app,
        &visitor,
        "/en/contact/send",
        &message("", "Ada Lovelace", "Ada@Example.com"),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/contact?sent=contact#contact");
    let thanks = visitor
        .get(app.url("/en/contact?sent=contact"))
        .send()
        .await
        .unwrap();
    assert_eq!(thanks.status(), 200);
    assert_eq!(thanks.headers()["cache-control"], "no-store");
    let thanks = scraper::Html::parse_document(&thanks.text().await.unwrap());
    assert_eq!(count(&thanks, ".block-contact-form .form-success"), 1);
    assert_eq!(count(&thanks, "form.contact-form"), 0);
    // The cached page still shows the form to the next visitor.
    assert_eq!(
        count(&app.page("/en/contact").await, "form.contact-form"),
        1
    );
    let stored: (String, String, String, String, String) =
        sql("SELECT name, email, topic, consent_version, status FROM contact_messages")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        stored,
        (
            "Ada Lovelace".into(),
            "ada@example.com".into(),
            "A project enquiry".into(),
            "contact-consent/2026-11".into(),
            "unread".into()
        )
    );
    let mails: Vec<(String, String)> =
        sql("SELECT recipient, subject FROM outbox WHERE message_id IS NOT NULL ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(
        mails[0],
        (
            "ada@example.com".into(),
            "We have received your message".into()
        )
    );
    assert_eq!(mails[1].0, "team@magnetiq.example");
    assert_eq!(mails[1].1, "New message from Ada Lovelace");
}

#[tokio::test]
async fn without_a_configured_recipient_every_active_admin_hears_of_a_message() {
    let app = TestApp::spawn().await;
    assert_eq!(app.state.config.contact_to, None, "nothing configured");
    app.create_user("ana@magnetiq.example", "admin", crate::common::PASSWORD)
        .await;
    app.create_user("bo@magnetiq.example", "admin", crate::common::PASSWORD)
        .await;
    app.create_user("ed@magnetiq.example", "editor", crate::common::PASSWORD)
        .await;
    let r = post(
        &app,
        &browser(),
        "/en/contact/send",
        &message("", "Ada Lovelace", "ada@example.com"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let team: Vec<String> = sql(
        "SELECT recipient FROM outbox WHERE message_id IS NOT NULL AND recipient <> 'ada@example.com' ORDER BY recipient",
    )
    .scalars(&app.state.db)
    .await
    .unwrap();
    assert_eq!(team, vec!["ana@magnetiq.example", "bo@magnetiq.example"]);
}

#[tokio::test]
async fn the_receipt_carries_nothing_a_visitor_typed_and_an_address_gets_a_few_mails_a_day() {
    let app = TestApp::spawn_with(|c| {
        c.booking_limit = 1000;
        c.contact_to = Some("team@magnetiq.example".into());
    })
    .await;
    let visitor = browser();
    let phishing = "Verify now at https://evil.example/login or lose your account";
    let mut fields = message("", "Hello Magnetiq Security Team", "victim@example.com");
    fields.retain(|(k, _)| *k != "message");
    fields.push(("message", phishing));
    let r = post(&app, &visitor, "/en/contact/send", &fields).await;
    assert_eq!(r.status(), 303);
    let (receipt, receipt_html): (String, String) =
        sql("SELECT body_text, body_html FROM outbox WHERE recipient = 'victim@example.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    for typed in [
        "Security Team",
        "evil.example",
        "Example GmbH",
        "+49 30 1234",
    ] {
        assert!(!receipt.contains(typed), "{typed} in {receipt}");
        assert!(!receipt_html.contains(typed), "{typed} in the HTML part");
    }
    // The team still reads everything.
    let team: String = sql("SELECT body_text FROM outbox WHERE recipient = $1")
        .bind("team@magnetiq.example")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert!(team.contains("evil.example") && team.contains("Security Team"));

    // A script sends the same address again and again: it gets at most a dozen mails a day,
    // while every message still reaches the team.
    for i in 0..20 {
        let body = format!("message number {i}");
        let mut fields = message("", "Someone", "victim@example.com");
        fields.retain(|(k, _)| *k != "message");
        fields.push(("message", &body));
        let r = post(&app, &visitor, "/en/contact/send", &fields).await;
        assert_eq!(r.status(), 303);
    }
    let to_victim: i64 = sql("SELECT count(*) FROM outbox WHERE recipient = 'victim@example.com'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        to_victim,
        magnetiq::outbox::store::VISITOR_MAILS_PER_DAY,
        "capped per recipient"
    );
    let stored: i64 = sql("SELECT count(*) FROM contact_messages")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 21);
}

#[tokio::test]
async fn the_german_form_offers_german_topics_and_answers_in_german() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let page = app.page("/de/kontakt").await;
    assert!(texts(&page, "select[name=topic] option").contains(&"Eine Projektanfrage".to_owned()));
    let mut fields = message("", "Bea", "bea@example.com");
    fields.retain(|(k, _)| *k != "topic");
    fields.push(("topic", "Eine Projektanfrage"));
    let r = post(&app, &visitor, "/de/contact/send", &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/de/kontakt?sent=contact#contact");
    let subject: String = sql("SELECT subject FROM outbox WHERE recipient = 'bea@example.com'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(subject, "Wir haben Ihre Nachricht erhalten");
    // An English topic is not one of the German form's.
    let mut fields = message("", "Bea", "bea@example.com");
    fields.retain(|(k, _)| *k != "topic");
    fields.push(("topic", "A project enquiry"));
    assert_eq!(
        post(&app, &visitor, "/de/contact/send", &fields)
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_everything_kept_and_escaped() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let token = token(&app, &visitor).await;
    let long = "x".repeat(2001);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("name", "", "name"),
        ("email", "<script>alert(1)</script>", "email"),
        ("topic", "Something we never offered", "topic"),
        ("message", "", "message"),
        ("message", &long, "message"),
        ("consent", "", "consent"),
        ("phone", "call me maybe", "phone"),
        ("name", "Eve\r\nBcc: all@example.com", "name"),
    ];
    for (field, value, error) in cases {
        let mut fields = message(&token, "Ada <b>Bold</b>", "ada@example.com");
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let r = post(&app, &visitor, "/en/contact/send", &fields).await;
        assert_eq!(r.status(), 422, "{field}={value:?}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let body = r.text().await.unwrap();
        assert!(!body.contains("<script>alert"), "unescaped input");
        let html = scraper::Html::parse_document(&body);
        assert_eq!(
            count(&html, &format!("#{error}-error")),
            1,
            "{field}: {body}"
        );
        assert_eq!(count(&html, ".block-contact-form .form-error"), 1);
        if field != "name" {
            assert_eq!(
                attrs(&html, "form.contact-form input[name=name]", "value"),
                ["Ada <b>Bold</b>"]
            );
        }
        if field != "message" {
            assert_eq!(
                texts(&html, "form.contact-form textarea[name=message]"),
                ["We would like to talk about a RAG pilot."]
            );
        }
        // The page made for this visitor carries their token for the next try.
        assert_eq!(
            attrs(&html, "form.contact-form input[name=csrf_token]", "value"),
            [token.as_str()]
        );
    }
    let stored: i64 = sql("SELECT count(*) FROM contact_messages")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn forged_and_misdirected_posts_are_refused_and_bots_get_nothing() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let fields = message("", "Ada", "ada@example.com");
    // No token and no Origin (not a browser's form POST), or another site's Origin: 403.
    let r = visitor
        .post(app.url("/en/contact/send"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = visitor
        .post(app.url("/en/contact/send"))
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A token that is not the visitor's: 403.
    let other_token = "a".repeat(64);
    let forged = message(&other_token, "Ada", "ada@example.com");
    assert_eq!(
        post(&app, &visitor, "/en/contact/send", &forged)
            .await
            .status(),
        403
    );
    // A page without a contact form, or none at all: 404.
    let mut elsewhere = message("", "Ada", "ada@example.com");
    elsewhere.retain(|(k, _)| *k != "page");
    elsewhere.push(("page", "about"));
    assert_eq!(
        post(&app, &visitor, "/en/contact/send", &elsewhere)
            .await
            .status(),
        404
    );
    let mut nowhere = message("", "Ada", "ada@example.com");
    nowhere.retain(|(k, _)| *k != "page");
    nowhere.push(("page", "../../etc/passwd"));
    assert_eq!(
        post(&app, &visitor, "/en/contact/send", &nowhere)
            .await
            .status(),
        404
    );
    assert_eq!(
        post(&app, &visitor, "/xx/contact/send", &fields)
            .await
            .status(),
        404
    );
    // The honeypot: what looks like success, and nothing stored or sent.
    let mut bot = message("", "Bot", "bot@example.com");
    bot.push(("website", "http://spam.example"));
    let r = post(&app, &visitor, "/en/contact/send", &bot).await;
    assert_eq!(r.status(), 303);
    // Oversized: 413, never a 5xx.
    let huge = "y".repeat(300 * 1024);
    let mut big = message("", "Ada", "ada@example.com");
    big.push(("extra", &huge));
    assert_eq!(
        post(&app, &visitor, "/en/contact/send", &big)
            .await
            .status(),
        413
    );
    let stored: i64 = sql("SELECT count(*) FROM contact_messages")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let mails: i64 = sql("SELECT count(*) FROM outbox")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!((stored, mails), (0, 0));
}

#[tokio::test]
async fn one_client_is_limited_like_on_every_lead_form() {
    let app = TestApp::spawn_with(|c| c.booking_limit = 3).await;
    let visitor = browser();
    for i in 0..3 {
        let email = format!("v{i}@example.com");
        let r = post(
            &app,
            &visitor,
            "/en/contact/send",
            &message("", "V", &email),
        )
        .await;
        assert_eq!(r.status(), 303);
    }
    let r = post(
        &app,
        &visitor,
        "/en/contact/send",
        &message("", "V", "v9@example.com"),
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn twenty_visitors_writing_at_once_are_all_stored_with_their_mails() {
    let app = TestApp::spawn_with(|c| {
        c.booking_limit = 100_000;
        c.contact_to = Some("team@magnetiq.example".into());
    })
    .await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let visitor = browser();
            let email = format!("writer{i}@example.com");
            post(
                &app,
                &visitor,
                "/en/contact/send",
                &message("", "Writer", &email),
            )
            .await
            .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 303);
    }
    let stored: i64 = sql("SELECT count(DISTINCT email) FROM contact_messages")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let mails: i64 = sql("SELECT count(*) FROM outbox WHERE message_id IS NOT NULL")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!((stored, mails), (20, 40));
}

#[tokio::test]
async fn the_team_reads_answers_archives_and_exports_its_messages() {
    let app = TestApp::signed_in("editor").await;
    let visitor = browser();
    for (name, email) in [("Ada", "ada@example.com"), ("Grace", "grace@example.com")] {
        let r = post(
            &app,
            &visitor,
            "/en/contact/send",
            &message("", name, email),
        )
        .await;
        assert_eq!(r.status(), 303);
    }
    let inbox = app.page("/admin/messages").await;
    assert_eq!(count(&inbox, "tr.unread"), 2);
    let dashboard = app.page("/admin").await;
    assert_eq!(count(&dashboard, ".unread-messages li"), 2);
    assert_eq!(
        texts(&dashboard, "#messages-heading"),
        ["Unread messages (2)"]
    );
    let id: i64 = sql("SELECT id FROM contact_messages WHERE name = 'Ada'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let detail = app.page(&format!("/admin/messages/{id}")).await;
    assert!(texts(&detail, ".message-text")[0].contains("RAG pilot"));
    assert_eq!(
        count(&app.page("/admin/messages").await, "tr.unread"),
        1,
        "opening marks read"
    );
    let r = app
        .post_form(
            &format!("/admin/messages/{id}/status"),
            &format!("/admin/messages/{id}"),
            &[("status", "archived")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let inbox = app.page("/admin/messages").await;
    assert_eq!(count(&inbox, "tbody tr"), 1, "archived leave the inbox");
    assert_eq!(
        count(
            &app.page("/admin/messages?status=archived").await,
            "tbody tr"
        ),
        1
    );
    let r = app
        .post_form(
            &format!("/admin/messages/{id}/status"),
            &format!("/admin/messages/{id}"),
            &[("status", "deleted")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let csv = app.get("/admin/messages/export.csv").await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("received_at,status,name,email"),
        "{csv}"
    );
    assert!(csv.contains("grace@example.com") && !csv.contains("ada@example.com"));
    let audit: i64 = sql("SELECT count(*) FROM audit_log WHERE action = 'messages-exported'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audit, 1);
    // Nobody else reads them.
    let stranger = browser();
    let r = stranger
        .get(app.url("/admin/messages"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = stranger
        .get(app.url(&format!("/admin/messages/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}
