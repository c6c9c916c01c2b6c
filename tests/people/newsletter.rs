//! The newsletter: double opt-in (only confirmed addresses count and leave in the export),
//! one-click unsubscribe (RFC 8058: the POST needs no session, the GET changes nothing), the
//! footer's sign-up on cached pages, and a stranger's inbox protected from floods.
use super::common::contact::{confirmation_link, post, sign_up, token, unsubscribe_link};
use super::common::whitepapers::browser;
use super::common::{TestApp, attrs, count, location};
use magnetiq::db::sql;

async fn status_of(app: &TestApp, email: &str) -> Option<String> {
    sql("SELECT status FROM newsletter_subscribers WHERE email = $1")
        .bind(email)
        .scalar_optional(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn double_opt_in_only_confirmed_addresses_are_exported() {
    let app = TestApp::signed_in("editor").await;
    let visitor = browser();
    let token = token(&app, &visitor).await;
    let r = post(
        &app,
        &visitor,
        "/de/newsletter/subscribe",
        &sign_up(&token, "Nia@Example.com"),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/de/newsletter/subscribe?sent=1");
    assert_eq!(
        status_of(&app, "nia@example.com").await.as_deref(),
        Some("pending")
    );
    let (language, version): (String, String) =
        sql("SELECT language, consent_version FROM newsletter_subscribers")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        (language.as_str(), version.as_str()),
        ("de", "newsletter-consent/2026-11")
    );
    // The confirmation mail is German and carries the unsubscribe headers' address.
    let (subject, unsubscribe): (String, Option<String>) =
        sql("SELECT subject, list_unsubscribe FROM outbox WHERE recipient = 'nia@example.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(subject, "Bitte bestätigen Sie Ihr Newsletter-Abonnement");
    assert!(
        unsubscribe
            .unwrap()
            .starts_with("http://magnetiq.test/de/newsletter/unsubscribe/")
    );
    // Not confirmed: not in the export.
    let csv = app
        .get("/admin/subscribers/export.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("nia@example.com"), "{csv}");
    let listed = app.page("/admin/subscribers?status=pending").await;
    assert_eq!(count(&listed, "tbody tr"), 1);
    // Opening the link (or a scanner fetching it) shows a button and confirms nothing.
    let link = confirmation_link(&app, "nia@example.com").await;
    let page = visitor.get(app.url(&link)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = scraper::Html::parse_document(&page.text().await.unwrap());
    assert_eq!(
        status_of(&app, "nia@example.com").await.as_deref(),
        Some("pending")
    );
    let form_token = attrs(&page, "form.confirm-form input[name=csrf_token]", "value").remove(0);
    let r = visitor
        .post(app.url(&link))
        .header("origin", app.url(""))
        .form(&[("csrf_token", form_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        status_of(&app, "nia@example.com").await.as_deref(),
        Some("confirmed")
    );
    let csv = app
        .get("/admin/subscribers/export.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("nia@example.com"), "{csv}");
    // Used once: the link is spent.
    let again = visitor.get(app.url(&link)).send().await.unwrap();
    assert_eq!(again.status(), 410);
    let r = visitor
        .post(app.url(&link))
        .form(&[("csrf_token", form_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    assert_eq!(
        visitor
            .get(app.url("/en/newsletter/confirm/nonsense"))
            .send()
            .await
            .unwrap()
            .status(),
        410
    );
}

#[tokio::test]
async fn one_click_unsubscribe_by_post_without_a_session_and_get_changes_nothing() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let token = token(&app, &visitor).await;
    post(
        &app,
        &visitor,
        "/en/newsletter/subscribe",
        &sign_up(&token, "uma@example.com"),
    )
    .await;
    let link = unsubscribe_link(&app, "uma@example.com").await;
    // A link scanner's GET: a button, nothing else.
    let mail_client = reqwest::Client::new();
    let page = mail_client.get(app.url(&link)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("uma@example.com"));
    assert_eq!(
        status_of(&app, "uma@example.com").await.as_deref(),
        Some("pending")
    );
    // The mail client's one-click POST: no cookie, no token, no Origin.
    let r = mail_client
        .post(app.url(&link))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        status_of(&app, "uma@example.com").await.as_deref(),
        Some("unsubscribed")
    );
    // The waiting confirmation mail is withdrawn; the confirm link no longer works.
    let pending: i64 = sql(
        "SELECT count(*) FROM outbox WHERE recipient = 'uma@example.com' AND status = 'pending'",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(pending, 0);
    // Made-up or altered links unsubscribe nobody.
    let id = link.split('/').nth(4).unwrap();
    let r = mail_client
        .post(app.url(&format!(
            "/en/newsletter/unsubscribe/{id}/{}",
            "0".repeat(64)
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let other: i64 = id.parse::<i64>().unwrap() + 1;
    let forged = link.replace(&format!("/{id}/"), &format!("/{other}/"));
    assert_eq!(
        mail_client
            .post(app.url(&forged))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn the_footer_on_every_cached_page_signs_up_with_the_browsers_origin() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let page = app.page("/en/about").await;
    assert_eq!(
        attrs(&page, "footer form", "action"),
        ["/en/newsletter/subscribe"]
    );
    let source = attrs(&page, "footer form input[name=source]", "value").remove(0);
    assert_eq!(source, "http://magnetiq.test/en/about");
    let fields = [
        ("email", "foot@example.com"),
        ("consent", "yes"),
        ("source", source.as_str()),
    ];
    // What a browser sends from the footer: no token (the page is the same for everyone), its Origin.
    let r = post(&app, &visitor, "/en/newsletter/subscribe", &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        status_of(&app, "foot@example.com").await.as_deref(),
        Some("pending")
    );
    let stored: String = sql("SELECT source_url FROM newsletter_subscribers")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, "/en/about", "the page it was signed up on");
    // Without an Origin, or from elsewhere: refused.
    let r = visitor
        .post(app.url("/en/newsletter/subscribe"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = visitor
        .post(app.url("/en/newsletter/subscribe"))
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Incomplete: the sign-up page with the address kept and the errors.
    let r = post(
        &app,
        &visitor,
        "/en/newsletter/subscribe",
        &[("email", "x@<b>"), ("consent", "")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "main input[name=email]", "value"), ["x@<b>"]);
    assert_eq!(count(&html, "#email-error"), 1);
    assert_eq!(count(&html, "#consent-error"), 1);
}

#[tokio::test]
async fn a_stranger_typing_someones_address_sends_them_three_mails_a_day_at_most() {
    let app = std::sync::Arc::new(TestApp::spawn_with(|c| c.booking_limit = 100_000).await);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let visitor = browser();
            let fields = [("email", "victim@example.com"), ("consent", "yes")];
            post(&app, &visitor, "/en/newsletter/subscribe", &fields)
                .await
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 303, "the same answer every time");
    }
    let rows: i64 = sql("SELECT count(*) FROM newsletter_subscribers")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let mails: i64 = sql("SELECT count(*) FROM outbox WHERE recipient = 'victim@example.com'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!((rows, mails), (1, 3));
}

#[tokio::test]
async fn a_confirmed_address_signing_up_again_gets_the_same_answer_and_no_mail() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let fields = [("email", "sam@example.com"), ("consent", "yes")];
    post(&app, &visitor, "/en/newsletter/subscribe", &fields).await;
    sql("UPDATE newsletter_subscribers SET status = 'confirmed'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = post(&app, &visitor, "/en/newsletter/subscribe", &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/newsletter/subscribe?sent=1");
    let mails: i64 = sql("SELECT count(*) FROM outbox WHERE recipient = 'sam@example.com'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(mails, 1);
    // Bots filling the honeypot get the same answer and nothing.
    let r = post(
        &app,
        &visitor,
        "/en/newsletter/subscribe",
        &[
            ("email", "bot@example.com"),
            ("consent", "yes"),
            ("website", "x"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(&app, "bot@example.com").await, None);
}

#[tokio::test]
async fn a_newsletter_block_shows_the_sign_up_on_a_page() {
    let app = TestApp::signed_in("editor").await;
    let id = app.page_id("about").await;
    let version = app.page_version(id).await;
    let r = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/new?type=newsletter_signup"),
            &format!("/admin/pages/{id}"),
            &[
                ("version", version.as_str()),
                ("title.en", "Stay in touch"),
                ("intro.en", "Monthly, short."),
            ],
        )
        .await;
    assert!(r.status() == 303, "{}", r.status());
    let page = app.page("/en/about").await;
    assert_eq!(
        count(
            &page,
            ".block-newsletter form[action='/en/newsletter/subscribe']"
        ),
        1
    );
}
