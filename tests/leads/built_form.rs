//! Forms editors build: an editor makes one in the block editor, visitors send it, and it takes
//! what every lead form takes — many at once, hostile input, forged posts, bots.
use super::common::contact::post;
use super::common::leads::{proposal, proposal_action, send};
use super::common::whitepapers::browser;
use super::common::{TestApp, attrs, count, location, texts};
use magnetiq::db::sql;

#[tokio::test]
async fn an_editor_builds_a_form_and_its_answers_reach_the_inbox_and_the_team() {
    let app = TestApp::signed_in("editor").await;
    let page = app.page_id("about").await;
    let version = app.page_version(page).await;
    let new_block = format!("/admin/pages/{page}/blocks/new?type=form");
    // The editor offers one empty field row to start with, and the form's texts in both languages.
    let editor = app.page(&new_block).await;
    for name in [
        "items.0.kind",
        "items.0.label.en",
        "items.0.label.de",
        "notify",
        "thanks.de",
    ] {
        assert_eq!(
            count(&editor, &format!("[name='{name}']")),
            1,
            "no {name} in the block form"
        );
    }
    // Without an e-mail field a form has no one to answer: refused, nothing stored.
    let r = app
        .post_form(
            &new_block,
            &format!("/admin/pages/{page}"),
            &[
                ("version", version.as_str()),
                ("items.0.kind", "text"),
                ("items.0.label.en", "Name"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_form(
            &new_block,
            &format!("/admin/pages/{page}"),
            &[
                ("version", version.as_str()),
                ("title.en", "Partner enquiry"),
                ("title.de", "Partneranfrage"),
                ("notify", "partners@magnetiq.example"),
                ("items.0.kind", "email"),
                ("items.0.label.en", "Work email"),
                ("items.0.label.de", "Geschäftliche E-Mail"),
                ("items.0.required", "yes"),
                ("items.1.kind", "choice"),
                ("items.1.label.en", "Partnership"),
                ("items.1.label.de", "Partnerschaft"),
                ("items.1.options.en", "Reseller\nTechnology"),
                ("items.1.options.de", "Wiederverkauf\nTechnologie"),
                ("items.1.required", "yes"),
                ("items.2.kind", "phone"),
                ("items.2.label.en", "Phone"),
                ("items.2.help.en", "We call only if you ask us to."),
                // English readers go on to the contact page; German ones are thanked in place.
                ("thanks_page.en", "/en/contact"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    // The German page shows the German form.
    let visitor = browser();
    let action = proposal_action(&app, &visitor, "/de/ueber-uns").await;
    let german = app.page("/de/ueber-uns").await;
    assert_eq!(
        texts(&german, ".block-form select option"),
        ["Bitte wählen", "Wiederverkauf", "Technologie"]
    );
    let r = send(
        &app,
        &visitor,
        &action,
        &[
            ("page", "ueber-uns"),
            ("f0", "Nora@Partner.example"),
            ("f1", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let thanks = location(&r).to_owned();
    assert!(thanks.starts_with("/de/ueber-uns?sent=form-"), "{thanks}");
    let thanked = app.page(thanks.split('#').next().unwrap()).await;
    assert_eq!(
        texts(&thanked, ".block-form .form-success strong"),
        ["Vielen Dank!"]
    );
    // In the inbox as a form lead, answers as asked in German; the team named in the block is told.
    let (lead, subject, language): (i64, String, String) =
        sql("SELECT id, subject, language FROM leads WHERE email = 'nora@partner.example'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        (subject.as_str(), language.as_str()),
        ("Partneranfrage", "de")
    );
    let detail = app.page(&format!("/admin/leads/{lead}")).await;
    assert_eq!(
        texts(&detail, ".lead-answers dt"),
        ["Geschäftliche E-Mail", "Partnerschaft", "Phone"]
    );
    assert_eq!(texts(&detail, ".lead-answers dd")[1], "Technologie");
    let told: Vec<String> = sql(
        "SELECT recipient FROM outbox WHERE purpose = 'form-submission' AND submission_id IS NOT NULL",
    )
    .scalars(&app.state.db)
    .await
    .unwrap();
    assert_eq!(told, ["partners@magnetiq.example"]);
    let body: String = sql("SELECT body_text FROM outbox WHERE purpose = 'form-submission'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert!(body.contains("Technologie") && body.contains(&format!("/admin/leads/{lead}")));
    let english = proposal_action(&app, &visitor, "/en/about").await;
    let r = send(
        &app,
        &visitor,
        &english,
        &[("page", "about"), ("f0", "ed@partner.example"), ("f1", "0")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/contact", "the form's thank-you page");
}

#[tokio::test]
async fn visitors_sending_a_built_form_at_once_are_all_stored_with_their_leads() {
    let app = TestApp::spawn_with(|c| c.booking_limit = 100_000).await;
    let app = std::sync::Arc::new(app);
    let action = proposal_action(&app, &browser(), "/en/services").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (app, action) = (app.clone(), action.clone());
        tasks.push(tokio::spawn(async move {
            let email = format!("sender{i}@example.com");
            send(&app, &browser(), &action, &proposal("Sender", &email))
                .await
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 303);
    }
    let (submissions, leads): (i64, i64) = sql(
        "SELECT (SELECT count(DISTINCT email) FROM form_submissions),
                (SELECT count(*) FROM leads WHERE path = 'form-submission' AND submission_id IS NOT NULL)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!((submissions, leads), (20, 20));
}

#[tokio::test]
async fn hostile_input_is_refused_with_everything_kept_and_escaped() {
    let app = TestApp::spawn_with(|c| c.booking_limit = 100_000).await;
    let visitor = browser();
    let action = proposal_action(&app, &visitor, "/en/services").await;
    let long = "x".repeat(2001);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("f0", "", "f0"),
        ("f0", "Eve\r\nBcc: all@example.com", "f0"),
        ("f1", "<script>alert(1)</script>", "f1"),
        ("f1", "", "f1"),
        ("f3", "7", "f3"),
        ("f3", "", "f3"),
        ("f3", "-1", "f3"),
        ("f5", &long, "f5"),
        ("f6", "", "f6"),
    ];
    for (field, value, error) in cases {
        let mut fields = proposal("Ada <b>Bold</b>", "ada@example.com");
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let r = send(&app, &visitor, &action, &fields).await;
        assert_eq!(r.status(), 422, "{field}={value:?}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let body = r.text().await.unwrap();
        assert!(!body.contains("<script>alert"), "unescaped input");
        let html = scraper::Html::parse_document(&body);
        let id = action.rsplit('/').next().unwrap();
        assert_eq!(
            count(&html, &format!("#form-{id}-{error}-error")),
            1,
            "{field}: {body}"
        );
        assert_eq!(count(&html, ".block-form .form-error[role=alert]"), 1);
        if field != "f0" {
            assert_eq!(
                attrs(&html, "form.built-form input[name=f0]", "value"),
                ["Ada <b>Bold</b>"]
            );
        }
        if field != "f5" {
            assert_eq!(
                texts(&html, "form.built-form textarea[name=f5]"),
                ["A forecasting pilot for our sales team."]
            );
        }
        assert_eq!(
            attrs(&html, "form.built-form input[name=f4_0]", "checked").len(),
            1,
            "ticked boxes stay ticked"
        );
    }
    // Malformed and oversized bodies, an unknown form or page, a form of another page: never a 5xx.
    let r = app
        .client
        .post(app.url(&action))
        .header("origin", app.url(""))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("f0=%ZZ&&==")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = app
        .client
        .post(app.url(&action))
        .header("origin", app.url(""))
        .form(&[("f5", "x".repeat(3_000_000))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let mut elsewhere = proposal("Ada", "ada@example.com");
    elsewhere.retain(|(k, _)| *k != "page");
    elsewhere.push(("page", "contact"));
    assert_eq!(
        send(&app, &visitor, &action, &elsewhere).await.status(),
        404
    );
    let missing = proposal("Ada", "ada@example.com");
    assert_eq!(
        send(&app, &visitor, "/en/forms/999999", &missing)
            .await
            .status(),
        404
    );
    assert_eq!(
        send(&app, &visitor, "/en/forms/abc", &missing)
            .await
            .status(),
        404
    );
    assert_eq!(
        send(&app, &visitor, "/xx/forms/1", &missing).await.status(),
        404
    );
    let stored: i64 = sql("SELECT count(*) FROM form_submissions")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn forged_posts_are_refused_and_bots_get_a_thank_you_and_nothing_else() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let action = proposal_action(&app, &visitor, "/en/services").await;
    let fields = proposal("Ada", "ada@example.com");
    // No token and no Origin, or another site's Origin: 403.
    let r = visitor
        .post(app.url(&action))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = visitor
        .post(app.url(&action))
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let mut bot = fields.clone();
    bot.push(("website", "https://spam.example"));
    let r = send(&app, &visitor, &action, &bot).await;
    assert_eq!(r.status(), 303);
    let stored: i64 = sql("SELECT count(*) FROM form_submissions")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    // One client is limited like on every lead form.
    let mut last = 0;
    for i in 0..40 {
        let email = format!("flood{i}@example.com");
        last = post(&app, &visitor, &action, &proposal("Flood", &email))
            .await
            .status()
            .as_u16();
        if last == 429 {
            break;
        }
    }
    assert_eq!(last, 429);
}
