//! Newsletter issues: composed in the admin, previewed, tested, sent to confirmed subscribers in
//! their language exactly once (counted by a mail server in the test), paused, cancelled, bounced,
//! reviewed, and reached by a person's export and erasure.
#[path = "../common/mod.rs"]
mod common;

mod sending;

use std::time::Duration;

use common::{TestApp, attrs, location};
use magnetiq::db::sql;
use scraper::Html;

/// A confirmed subscriber of `language` (as the double opt-in leaves one); their id.
pub async fn confirmed(app: &TestApp, email: &str, language: &str) -> i64 {
    subscriber(app, email, language, "confirmed").await
}

pub async fn subscriber(app: &TestApp, email: &str, language: &str, status: &str) -> i64 {
    let now = jiff::Timestamp::now();
    sql("INSERT INTO newsletter_subscribers (email, language, status, consent_at, consent_version, source_url,
            confirmed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'newsletter-consent/test', '/en/newsletter/subscribe', $4, $4, $4) RETURNING id")
    .bind(email)
    .bind(language)
    .bind(status)
    .bind(now)
    .scalar(&app.state.db)
    .await
    .unwrap()
}

/// A new issue through the admin; its id.
pub async fn new_issue(app: &TestApp) -> i64 {
    let r = app
        .post_form("/admin/newsletter/new", "/admin/newsletter", &[])
        .await;
    assert_eq!(r.status(), 303);
    location(&r).rsplit('/').next().unwrap().parse().unwrap()
}

/// Saves the editor's form of issue `id` with `fields` (a form as the editor sends it).
pub async fn save(app: &TestApp, id: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    let path = format!("/admin/newsletter/{id}");
    app.post_form(&path, &path, fields).await
}

/// An issue with a subject in both languages, a heading and a text; its id.
pub async fn written_issue(app: &TestApp) -> i64 {
    let id = new_issue(app).await;
    let r = save(
        app,
        id,
        &[
            ("subject.en", "Spring news"),
            ("subject.de", "Frühlingsnachrichten"),
            ("preheader.en", "Three things we learned"),
            ("audience", "all"),
            ("blocks", "2"),
            ("b0.kind", "heading"),
            ("b0.text.en", "What is new"),
            ("b0.text.de", "Was es Neues gibt"),
            ("b1.kind", "text"),
            (
                "b1.markdown.en",
                "We opened **two** new [workshops](/en/contact).",
            ),
            (
                "b1.markdown.de",
                "Wir haben **zwei** neue Workshops eröffnet.",
            ),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    id
}

pub async fn status_of(app: &TestApp, id: i64) -> String {
    sql("SELECT status FROM newsletter_issues WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

/// Waits until issue `id` stands at `status`.
pub async fn wait_for_status(app: &TestApp, id: i64, status: &str, limit: Duration) {
    let started = std::time::Instant::now();
    loop {
        let now = status_of(app, id).await;
        if now == status {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "issue {id} is {now}, not {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An admin signed in, with the site's mail going to `smtp` at `rate` mails a minute.
pub async fn admin_with_mail(smtp: &common::smtp::SmtpServer, rate: u32) -> TestApp {
    let url = smtp.url();
    let app = TestApp::spawn_with(move |c| {
        c.smtp_url = Some(magnetiq::config::Secret(url));
        c.mail_rate = rate;
    })
    .await;
    app.sign_in_as("admin").await;
    app
}

#[tokio::test]
async fn an_editor_composes_blocks_previews_each_language_and_sends_a_test() {
    let app = TestApp::signed_in("editor").await;
    let id = new_issue(&app).await;
    let article: i64 = sql(
        "SELECT id FROM pages WHERE kind = 'article' AND status = 'published' ORDER BY id LIMIT 1",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    // Blocks are added one after another, each save keeping what was typed.
    let r = save(
        &app,
        id,
        &[
            ("subject.en", "Spring news"),
            ("subject.de", "Frühlingsnachrichten"),
            ("audience", "all"),
            ("blocks", "0"),
            ("add_kind", "heading"),
            ("action", "add"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/admin/newsletter/{id}#block-0"));
    let page = app.page(&format!("/admin/newsletter/{id}")).await;
    assert_eq!(
        attrs(&page, "input[name='b0.kind']", "value"),
        vec!["heading"]
    );
    assert_eq!(
        attrs(&page, "input[name='subject.de']", "value"),
        vec!["Frühlingsnachrichten"]
    );
    let article_id = article.to_string();
    let r = save(
        &app,
        id,
        &[
            ("subject.en", "Spring news"),
            ("subject.de", "Frühlingsnachrichten"),
            ("audience", "all"),
            ("blocks", "5"),
            ("b0.kind", "heading"),
            ("b0.text.en", "What is new"),
            ("b0.text.de", "Was es Neues gibt"),
            ("b1.kind", "text"),
            (
                "b1.markdown.en",
                "We opened **two** new [workshops](/en/contact).",
            ),
            (
                "b1.markdown.de",
                "Wir haben **zwei** neue Workshops eröffnet.",
            ),
            ("b2.kind", "button"),
            ("b2.label.en", "Book a call"),
            ("b2.url.en", "/en/book"),
            ("b3.kind", "divider"),
            ("b4.kind", "article"),
            ("b4.article_id", &article_id),
            ("action", "up-4"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let issue = magnetiq::mailings::store::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<&str> = issue.blocks.iter().map(|b| b.kind()).collect();
    assert_eq!(kinds, ["heading", "text", "button", "article", "divider"]);

    // The preview is the mail itself: 600 px table layout, inline styles, absolute addresses.
    let html = app.get(&format!("/admin/newsletter/{id}/preview/en")).await;
    assert_eq!(html.status(), 200);
    assert!(
        html.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let html = html.text().await.unwrap();
    assert!(html.contains("Spring news"));
    assert!(html.contains("<table"), "table layout");
    assert!(html.contains("600px"));
    assert!(
        html.contains("href=\"http://magnetiq.test/en/contact\""),
        "{html}"
    );
    assert!(html.contains("http://magnetiq.test/en/book"));
    assert!(html.contains("View in your browser"));
    assert!(html.contains("prefers-color-scheme: dark"));
    assert!(!html.contains("%%UNSUBSCRIBE%%"));
    let de = app
        .get(&format!("/admin/newsletter/{id}/preview/de?format=text"))
        .await
        .text()
        .await
        .unwrap();
    assert!(de.contains("Frühlingsnachrichten"));
    assert!(de.contains("Was es Neues gibt"));
    assert!(de.contains("Im Browser ansehen: http://magnetiq.test/de/newsletter/issues/"));
    // The button has no German label: German readers see the English one, not nothing.
    assert!(
        de.contains("Book a call: http://magnetiq.test/en/book"),
        "{de}"
    );

    // A test goes to the editor's own address through the outbox, marked as a test.
    let r = app
        .post_form(
            &format!("/admin/newsletter/{id}/test"),
            &format!("/admin/newsletter/{id}"),
            &[("lang", "de")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (recipient, subject, body): (String, String, String) =
        sql("SELECT recipient, subject, body_text FROM outbox WHERE purpose = 'newsletter-test'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(recipient, "editor@magnetiq.test");
    assert_eq!(subject, "[Test] Frühlingsnachrichten");
    assert!(body.contains("Was es Neues gibt"));
    // Nothing was sent to subscribers by testing.
    assert_eq!(status_of(&app, id).await, "draft");
}

#[tokio::test]
async fn an_issue_made_from_an_article_carries_its_title_summary_and_link() {
    let app = TestApp::signed_in("editor").await;
    let (article, slug): (i64, String) = sql(
        "SELECT id, slug FROM pages WHERE kind = 'article' AND status = 'published' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let r = app
        .post_form(
            "/admin/newsletter/from-article",
            "/admin/newsletter",
            &[("article", &article.to_string()), ("full", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let id: i64 = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    let issue = magnetiq::mailings::store::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    let title: String = sql("SELECT title FROM pages WHERE id = $1")
        .bind(article)
        .scalar::<magnetiq::db::JsonText>(&app.state.db)
        .await
        .unwrap()
        .parse::<std::collections::BTreeMap<String, String>>()
        .unwrap()["en"]
        .clone();
    assert_eq!(issue.subject["en"], title);
    let text = app
        .get(&format!("/admin/newsletter/{id}/preview/en?format=text"))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains(&title));
    assert!(
        text.contains(&format!("http://magnetiq.test/en/articles/{slug}")),
        "{text}"
    );
}

#[tokio::test]
async fn hostile_input_is_refused_with_the_fields_kept_and_never_a_server_error() {
    let app = TestApp::signed_in("editor").await;
    let id = written_issue(&app).await;
    let long = "x".repeat(201);
    let r = save(
        &app,
        id,
        &[
            ("subject.en", &long),
            ("subject.de", "<script>alert(1)</script>"),
            ("audience", "all"),
            ("blocks", "2"),
            ("b0.kind", "button"),
            ("b0.label.en", "Click"),
            ("b0.url.en", "javascript:alert(1)"),
            ("b1.kind", "image"),
            ("b1.media_id", "99999"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    let page = Html::parse_document(&body);
    assert_eq!(
        attrs(&page, "input[name='subject.de']", "value"),
        vec!["<script>alert(1)</script>"]
    );
    assert_eq!(
        attrs(&page, "input[name='b0.url.en']", "value"),
        vec!["javascript:alert(1)"]
    );
    assert!(!body.contains("<script>alert(1)</script>"), "escaped");
    assert_eq!(common::count(&page, "[aria-invalid=true]"), 3);
    // Nothing of it was stored.
    let issue = magnetiq::mailings::store::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(issue.subject["en"], "Spring news");
    // Whatever else arrives is answered without a 5xx.
    for fields in [
        vec![("blocks", "99999"), ("b0.kind", "evil"), ("audience", "xx")],
        vec![("blocks", "-1"), ("action", "down-99")],
        vec![
            ("blocks", "1"),
            ("b0.kind", "article"),
            ("b0.article_id", "abc"),
        ],
        vec![
            ("audience", "all"),
            ("action", "remove-0"),
            ("blocks", "zz"),
        ],
    ] {
        let r = save(&app, id, &fields).await;
        assert!(r.status().as_u16() < 500, "{fields:?}: {}", r.status());
        assert!(
            [303, 422].contains(&r.status().as_u16()),
            "{fields:?}: {}",
            r.status()
        );
    }
    // Sending needs a subject in the site's language and a body; both are named.
    let empty = new_issue(&app).await;
    let r = app
        .post_form(
            &format!("/admin/newsletter/{empty}/send"),
            &format!("/admin/newsletter/{empty}"),
            &[("when", "later"), ("send_at", "2020-01-01T10:00")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = Html::parse_document(&r.text().await.unwrap());
    assert_eq!(common::count(&page, "#subject-en[aria-invalid=true]"), 1);
    assert_eq!(common::count(&page, "#send_at[aria-invalid=true]"), 1);
    assert_eq!(attrs(&page, "#send_at", "value"), vec!["2020-01-01T10:00"]);
    assert_eq!(status_of(&app, empty).await, "draft");
    // Preview and admin pages of an unknown issue are 404s; a visitor gets the login.
    assert_eq!(app.get("/admin/newsletter/424242").await.status(), 404);
    assert_eq!(
        app.get(&format!("/admin/newsletter/{id}/preview/xx"))
            .await
            .status(),
        404
    );
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = visitor
        .get(app.url(&format!("/admin/newsletter/{id}/preview/en")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Without the CSRF token nothing changes.
    let r = app
        .client
        .post(app.url(&format!("/admin/newsletter/{id}/send")))
        .form(&[("when", "now")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn authors_submit_reviewers_approve_or_send_back() {
    let app = TestApp::spawn().await;
    magnetiq::content::review::store::set_required(&app.state.db, true)
        .await
        .unwrap();
    app.sign_in_as("author").await;
    let id = written_issue(&app).await;
    let r = app
        .post_form(
            &format!("/admin/newsletter/{id}/send"),
            &format!("/admin/newsletter/{id}"),
            &[("when", "now")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(&app, id).await, "submitted");
    // The author cannot approve, pause or cancel.
    for verb in ["approve", "pause", "cancel"] {
        let r = app
            .post_form(
                &format!("/admin/newsletter/{id}/{verb}"),
                &format!("/admin/newsletter/{id}"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(r.status(), 403, "{verb}");
    }
    // An editor sends it back with a comment; the author sees it.
    app.create_user("reviewer@magnetiq.test", "editor", common::PASSWORD)
        .await;
    let (editor, r) = app
        .login_in_new_browser("reviewer@magnetiq.test", common::PASSWORD)
        .await;
    assert_eq!(r.status(), 303);
    let r = post_as(
        &editor,
        &app,
        &format!("/admin/newsletter/{id}/return"),
        id,
        &[("comment", "Please add the date.")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(&app, id).await, "draft");
    let page = app.page(&format!("/admin/newsletter/{id}")).await;
    assert!(
        common::texts(&page, ".notice p")
            .iter()
            .any(|t| t == "Please add the date.")
    );
    // Submitted again and approved: it goes out.
    app.post_form(
        &format!("/admin/newsletter/{id}/send"),
        &format!("/admin/newsletter/{id}"),
        &[("when", "now")],
    )
    .await;
    assert_eq!(status_of(&app, id).await, "submitted");
    let r = post_as(
        &editor,
        &app,
        &format!("/admin/newsletter/{id}/approve"),
        id,
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    let status = status_of(&app, id).await;
    assert!(
        ["scheduled", "sending", "sent"].contains(&status.as_str()),
        "{status}"
    );
}

/// POSTs an admin form of issue `id`'s page as another signed-in browser.
pub async fn post_as(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    id: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = client
        .get(app.url(&format!("/admin/newsletter/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = attrs(
        &Html::parse_document(&page),
        "input[name=csrf_token]",
        "value",
    )
    .remove(0);
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    client.post(app.url(path)).form(&all).send().await.unwrap()
}
