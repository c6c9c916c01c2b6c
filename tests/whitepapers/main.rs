//! Gated whitepapers over HTTP, as visitors use them: the lead form, the mailed link that confirms
//! the address and serves the PDF (a week, three downloads), a fresh link afterwards, the returning
//! reader's one click, and what must never happen (a download before confirmation, a PDF by its
//! `/media/` path, a stranger's inbox flooded, lost input, a forged reader cookie).
#[path = "../common/mod.rs"]
mod common;

mod admin;
mod pages;

use common::whitepapers::{
    browser, create, form_token, last_link, lead, links_to, post_request, request,
};
use common::{TestApp, attrs, location, texts};
use magnetiq::db::{DbTime, sql};

/// A site whose visitors may ask as often as a race needs.
async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.booking_limit = 100_000).await
}

/// The lead rows of `email`: (whitepaper id, confirmed, via).
async fn leads_of(app: &TestApp, email: &str) -> Vec<(i64, bool, String)> {
    let rows: Vec<(i64, Option<DbTime>, String)> = sql(
        "SELECT whitepaper_id, confirmed_at, via FROM whitepaper_leads WHERE email = $1 ORDER BY id",
    )
    .bind(email)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(w, confirmed, via)| (w, confirmed.is_some(), via))
        .collect()
}

async fn download_count(app: &TestApp, id: i64) -> i64 {
    sql("SELECT download_count FROM whitepapers WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_visitor_asks_confirms_through_the_mailed_link_and_gets_the_pdf() {
    let app = spawn().await;
    let (id, en_pdf, _) = create(&app, "field-guide").await;
    let visitor = browser();
    let r = request(
        &app,
        &visitor,
        "en",
        "field-guide",
        "Ada",
        "ada@example.com",
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/whitepapers/field-guide/requested");
    assert!(
        r.headers()
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().contains("mq_reader")),
        "no reader before the address is confirmed"
    );
    let page = visitor
        .get(app.url("/en/whitepapers/field-guide/requested"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = scraper::Html::parse_document(&page.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["Please check your inbox"]);
    assert!(texts(&html, ".lead")[0].contains("Paper field-guide"));

    // No download before confirmation: the page still shows the form, nothing was counted.
    let html = scraper::Html::parse_document(
        &visitor
            .get(app.url("/en/whitepapers/field-guide"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(attrs(&html, ".reader-form", "action").len(), 0);
    assert_eq!(attrs(&html, ".whitepaper-form", "action").len(), 1);
    assert_eq!(
        leads_of(&app, "ada@example.com").await,
        [(id, false, "form".to_owned())]
    );
    assert_eq!(download_count(&app, id).await, 0);

    // The mail went through the outbox with the lead; its link's secret is stored hashed only.
    let link = last_link(&app, "ada@example.com").await;
    let token = link.trim_start_matches("/download/");
    assert_eq!(token.len(), 64, "256 random bits, hex");
    let hashes: Vec<String> = sql("SELECT token_hash FROM download_links")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 1);
    assert_ne!(hashes[0], token);
    assert!(!hashes[0].contains(token));
    let stored: (String, String, String, String, Option<DbTime>, Option<DbTime>) = sql(
        "SELECT consent_version, utm_source, utm_medium, utm_campaign, terms_consent_at, marketing_consent_at
         FROM whitepaper_leads",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stored.0, "lead-consent/2026-11");
    assert_eq!(
        (stored.1.as_str(), stored.2.as_str(), stored.3.as_str()),
        ("linkedin", "social", "launch")
    );
    assert!(
        stored.4.is_some(),
        "the privacy consent is recorded with its time"
    );
    assert!(stored.5.is_none(), "no marketing consent unless ticked");

    // The link: confirms, serves the English PDF as an attachment named after the title.
    let r = visitor.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"Paper field-guide.pdf\""),
        "{disposition}"
    );
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("mq_reader="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(cookie.contains("Max-Age=7776000"), "90 days: {cookie}");
    assert_eq!(r.bytes().await.unwrap().as_ref(), en_pdf.as_slice());
    assert_eq!(
        leads_of(&app, "ada@example.com").await,
        [(id, true, "form".to_owned())]
    );
    assert_eq!(download_count(&app, id).await, 1);
}

#[tokio::test]
async fn a_link_works_three_times_for_a_week_then_offers_a_fresh_one() {
    let app = spawn().await;
    let (id, _, _) = create(&app, "limits").await;
    let visitor = browser();
    request(&app, &visitor, "en", "limits", "Ada", "ada@example.com").await;
    let link = last_link(&app, "ada@example.com").await;
    for _ in 0..3 {
        let r = app.get(&link).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
    }
    let r = visitor.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 429, "used up");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["This link has been used up"]);
    let renew = attrs(&html, ".renew-form", "action").remove(0);
    assert_eq!(renew, format!("{link}/renew"));
    assert_eq!(download_count(&app, id).await, 3);

    // A fresh link by mail, for the same person and whitepaper.
    let token = attrs(&html, ".renew-form input[name=csrf_token]", "value").remove(0);
    let r = visitor
        .post(app.url(&renew))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/whitepapers/limits/requested");
    let links = links_to(&app, "ada@example.com").await;
    assert_eq!(links.len(), 2);
    assert_ne!(links[0], links[1]);
    assert_eq!(app.get(&links[1]).await.status(), 200);

    // A week later the link has expired: 410 and the same offer.
    sql("UPDATE download_links SET expires_at = $1")
        .bind(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1))
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = app.get(&links[1]).await;
    assert_eq!(r.status(), 410);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), ["This link has expired"]);
    assert_eq!(attrs(&html, ".renew-form", "action").len(), 1);

    // Unknown and malformed tokens are simply not found.
    assert_eq!(
        app.get(&format!("/download/{}", "ab".repeat(32)))
            .await
            .status(),
        404
    );
    assert_eq!(app.get("/download/not-a-token").await.status(), 404);
    assert_eq!(app.get(&format!("{link}x")).await.status(), 404);
}

#[tokio::test]
async fn a_link_serves_its_own_whitepaper_in_the_readers_language_and_no_other() {
    let app = spawn().await;
    let (first, first_en, _) = create(&app, "first-paper").await;
    let (second, _, second_de) = create(&app, "second-paper").await;
    let visitor = browser();
    request(
        &app,
        &visitor,
        "en",
        "first-paper",
        "Ada",
        "ada@example.com",
    )
    .await;
    request(
        &app,
        &visitor,
        "de",
        "second-paper",
        "Ada",
        "ada@example.com",
    )
    .await;
    let links = links_to(&app, "ada@example.com").await;
    assert_eq!(links.len(), 2);
    let r = app.get(&links[0]).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), first_en.as_slice());
    let r = app.get(&links[1]).await;
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("Papier second-paper"),
        "the German title names the German reader's file"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), second_de.as_slice());
    assert_eq!(download_count(&app, first).await, 1);
    assert_eq!(download_count(&app, second).await, 1);

    // A whitepaper's slug in a link's place, or another paper's path: nothing.
    assert_eq!(app.get("/download/first-paper").await.status(), 404);

    // A language without its own PDF gets the default language's.
    let (en_only, en_bytes) = common::whitepapers::add_pdf(&app, "English only").await;
    let fields = common::whitepapers::fields(
        "english-only",
        vec![("en".to_owned(), Some(en_only)), ("de".to_owned(), None)],
    );
    common::whitepapers::save_paper(&app, None, &fields).await;
    request(
        &app,
        &visitor,
        "de",
        "english-only",
        "Ada",
        "ada@example.com",
    )
    .await;
    let r = app.get(&last_link(&app, "ada@example.com").await).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), en_bytes.as_slice());
}

#[tokio::test]
async fn a_confirmed_reader_downloads_the_next_whitepaper_in_one_click() {
    let app = spawn().await;
    let (first, _, _) = create(&app, "first-read").await;
    let (second, second_en, _) = create(&app, "second-read").await;
    let reader = browser();
    request(&app, &reader, "en", "first-read", "Ada", "ada@example.com").await;
    let link = last_link(&app, "ada@example.com").await;
    assert_eq!(
        reader.get(app.url(&link)).send().await.unwrap().status(),
        200
    );

    let page = reader
        .get(app.url("/en/whitepapers/second-read?utm_source=footer"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = scraper::Html::parse_document(&page.text().await.unwrap());
    assert!(texts(&html, ".register p")[0].contains("Ada (ada@example.com)"));
    assert_eq!(
        attrs(&html, ".whitepaper-form", "action").len(),
        0,
        "no form for a reader"
    );
    let action = attrs(&html, ".reader-form", "action").remove(0);
    let token = attrs(&html, ".reader-form input[name=csrf_token]", "value").remove(0);
    let source = attrs(&html, ".reader-form input[name=source]", "value").remove(0);
    let r = reader
        .post(app.url(&action))
        .form(&[("csrf_token", token.as_str()), ("source", source.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), second_en.as_slice());
    assert_eq!(
        leads_of(&app, "ada@example.com").await,
        [
            (first, true, "form".to_owned()),
            (second, true, "reader".to_owned())
        ]
    );
    let utm: String = sql("SELECT utm_source FROM whitepaper_leads WHERE via = 'reader'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(utm, "footer");
    assert_eq!(
        links_to(&app, "ada@example.com").await.len(),
        1,
        "no mail for a reader"
    );

    // "Not you?" forgets the reader in this browser: the form comes back.
    let forget = attrs(&html, ".forget-form", "action").remove(0);
    let r = reader
        .post(app.url(&forget))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("mq_reader=;")
    );
    let html = scraper::Html::parse_document(
        &reader
            .get(app.url("/en/whitepapers/second-read"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(attrs(&html, ".whitepaper-form", "action").len(), 1);

    // An erased lead is no reader any more, even with the cookie.
    let again = browser();
    request(&app, &again, "en", "first-read", "Bea", "bea@example.com").await;
    again
        .get(app.url(&last_link(&app, "bea@example.com").await))
        .send()
        .await
        .unwrap();
    sql("DELETE FROM whitepaper_leads WHERE email = 'bea@example.com'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let html = scraper::Html::parse_document(
        &again
            .get(app.url("/en/whitepapers/second-read"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(attrs(&html, ".reader-form", "action").len(), 0);
}

#[tokio::test]
async fn a_reader_cookie_tampered_with_is_ignored() {
    let app = spawn().await;
    create(&app, "tamper").await;
    let reader = browser();
    request(&app, &reader, "en", "tamper", "Ada", "ada@example.com").await;
    let r = reader
        .get(app.url(&last_link(&app, "ada@example.com").await))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let value = cookie
        .trim_start_matches("mq_reader=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (signature, claim) = value.split_at(44);
    let (_, since) = claim.split_once('.').unwrap();
    // Another lead's id under the same signature, a made-up signature, and the bare claim.
    let forged = [
        format!("{signature}2.{since}"),
        format!("{}{claim}", "A".repeat(44)),
        claim.to_owned(),
        "garbage".to_owned(),
    ];
    for value in forged {
        let html = scraper::Html::parse_document(
            &app.get_as_new_visitor(
                "/en/whitepapers/tamper",
                &[("cookie", &format!("mq_reader={value}"))],
            )
            .await
            .text()
            .await
            .unwrap(),
        );
        assert_eq!(attrs(&html, ".reader-form", "action").len(), 0, "{value}");
        assert_eq!(
            attrs(&html, ".whitepaper-form", "action").len(),
            1,
            "{value}"
        );
    }
    // The genuine cookie works from another browser too (it is the reader's, not the session's).
    let html = scraper::Html::parse_document(
        &app.get_as_new_visitor(
            "/en/whitepapers/tamper",
            &[("cookie", &format!("mq_reader={value}"))],
        )
        .await
        .text()
        .await
        .unwrap(),
    );
    assert_eq!(attrs(&html, ".reader-form", "action").len(), 1);

    // The one-click download with a forged cookie: back to the page, no PDF, no lead.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let forger = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = form_token(&forger, &app.url("/en/whitepapers/tamper")).await;
    jar.add_cookie_str(
        &format!("mq_reader={signature}2.{since}; Path=/"),
        &app.url("/").parse().unwrap(),
    );
    let r = forger
        .post(app.url("/en/whitepapers/tamper/download"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/en/whitepapers/tamper");
    assert_eq!(leads_of(&app, "ada@example.com").await.len(), 1);
}

#[tokio::test]
async fn a_whitepapers_pdf_is_never_served_by_its_media_path() {
    let app = spawn().await;
    let (id, en_pdf, _) = create(&app, "hidden").await;
    let files: Vec<String> = sql(
        "SELECT m.file_name FROM media AS m JOIN whitepaper_files AS f ON f.media_id = m.id
         WHERE f.whitepaper_id = $1",
    )
    .bind(id)
    .scalars(&app.state.db)
    .await
    .unwrap();
    assert_eq!(files.len(), 2);
    for file in &files {
        assert_eq!(
            app.get(&format!("/media/{file}")).await.status(),
            404,
            "{file}"
        );
        assert!(app.state.config.media_dir.join(file).exists());
    }
    // Every demo whitepaper's PDF, too.
    let demo: Vec<String> =
        sql("SELECT file_name FROM media WHERE content_type = 'application/pdf'")
            .scalars(&app.state.db)
            .await
            .unwrap();
    assert!(demo.len() >= 8);
    for file in &demo {
        assert_eq!(
            app.get(&format!("/media/{file}")).await.status(),
            404,
            "{file}"
        );
    }
    // A signed-in editor sees the file readers get, without counting a download.
    assert_eq!(
        app.get(&format!("/admin/whitepapers/{id}/file/en"))
            .await
            .status(),
        303
    );
    app.sign_in_as("editor").await;
    let r = app.get(&format!("/admin/whitepapers/{id}/file/en")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), en_pdf.as_slice());
    assert_eq!(download_count(&app, id).await, 0);
}

#[tokio::test]
async fn one_address_is_sent_at_most_five_links_a_day_even_in_a_race() {
    let app = spawn().await;
    create(&app, "capped").await;
    create(&app, "capped-too").await;
    // Twelve strangers type the victim's address at once, into two whitepapers' forms.
    let mut tasks = Vec::new();
    for i in 0..12 {
        let app_url = app.url("");
        let slug = if i % 2 == 0 { "capped" } else { "capped-too" };
        let client = browser();
        let page = app.url(&format!("/en/whitepapers/{slug}"));
        tasks.push(tokio::spawn(async move {
            let token = form_token(&client, &page).await;
            client
                .post(format!("{app_url}/en/whitepapers/{slug}/request"))
                .form(&lead(&token, "Victim", "victim@example.com"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(links_to(&app, "victim@example.com").await.len(), 5);
    // Differently spelled, the same inbox.
    let r = request(
        &app,
        &browser(),
        "en",
        "capped",
        "Victim",
        "VICTIM@Example.com",
    )
    .await;
    assert_eq!(r.status(), 429);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert!(texts(&html, ".lead")[0].contains("5 download links today"));
    // Another address is unaffected.
    let r = request(
        &app,
        &browser(),
        "en",
        "capped",
        "Other",
        "other@example.com",
    )
    .await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn many_visitors_at_once_are_all_stored_with_their_mail() {
    let app = spawn().await;
    let (id, _, _) = create(&app, "popular").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app_url = app.url("");
        let page = app.url("/en/whitepapers/popular");
        tasks.push(tokio::spawn(async move {
            let client = browser();
            let token = form_token(&client, &page).await;
            let email = format!("reader{i}@example.com");
            client
                .post(format!("{app_url}/en/whitepapers/popular/request"))
                .form(&lead(&token, "Reader", &email))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 303);
    }
    let (leads, mails): (i64, i64) = (
        sql("SELECT count(*) FROM whitepaper_leads WHERE whitepaper_id = $1")
            .bind(id)
            .scalar(&app.state.db)
            .await
            .unwrap(),
        sql("SELECT count(*) FROM outbox WHERE purpose = 'whitepaper-link'")
            .scalar(&app.state.db)
            .await
            .unwrap(),
    );
    assert_eq!((leads, mails), (20, 20));
}

#[tokio::test]
async fn bad_input_gets_field_errors_with_the_input_kept_and_never_a_5xx() {
    let app = spawn().await;
    create(&app, "careful").await;
    let visitor = browser();
    let token = form_token(&visitor, &app.url("/en/whitepapers/careful")).await;
    let hostile = "<script>alert(1)</script>\"'&";
    let mut fields = lead(&token, hostile, "not-an-address");
    fields.retain(|(k, _)| *k != "consent");
    fields.push(("company", ""));
    fields.push(("phone", "call me maybe"));
    let r = post_request(&app, &visitor, "en", "careful", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)"), "escaped");
    let html = scraper::Html::parse_document(&body);
    assert_eq!(
        attrs(&html, "input[name=first_name]", "value"),
        [hostile],
        "input kept"
    );
    assert_eq!(
        attrs(&html, "input[name=email]", "value"),
        ["not-an-address"]
    );
    for field in ["email", "consent", "phone"] {
        assert_eq!(
            attrs(&html, &format!("[name={field}]"), "aria-invalid"),
            ["true"],
            "{field}"
        );
    }
    assert_eq!(leads_of(&app, "not-an-address").await.len(), 0);

    // Over-long, control characters, repeated fields, unknown fields: 422 or 400, never 5xx.
    let long = "x".repeat(5000);
    let weird: Vec<Vec<(&str, &str)>> = vec![
        lead(&token, &long, "long@example.com"),
        lead(&token, "Ada\u{0}", "nul@example.com"),
        {
            let mut f = lead(&token, "Ada", "a@example.com");
            f.push(("email", "b@example.com"));
            f.push(("surprise", "field"));
            f
        },
    ];
    for fields in weird {
        let status = post_request(&app, &visitor, "en", "careful", &fields)
            .await
            .status();
        assert!(status.as_u16() < 500, "{status}");
    }
    // Not a form at all: refused as such.
    let r = visitor
        .post(app.url("/en/whitepapers/careful/request"))
        .header("content-type", "application/json")
        .body(r#"{"first_name": "Ada"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = visitor
        .post(app.url("/en/whitepapers/careful/request"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("first_name={}", "x".repeat(300_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // Without the form's token: refused, nothing stored.
    let r = post_request(
        &app,
        &browser(),
        "en",
        "careful",
        &lead("forged", "Ada", "ada@example.com"),
    )
    .await;
    assert_eq!(r.status(), 403);
    // Unknown and draft whitepapers: 404.
    assert_eq!(
        post_request(
            &app,
            &visitor,
            "en",
            "nowhere",
            &lead(&token, "Ada", "ada@example.com")
        )
        .await
        .status(),
        404
    );
    assert_eq!(leads_of(&app, "ada@example.com").await.len(), 0);
}

#[tokio::test]
async fn a_bot_filling_the_honeypot_is_told_success_and_nothing_is_stored() {
    let app = spawn().await;
    create(&app, "sweet").await;
    let visitor = browser();
    let token = form_token(&visitor, &app.url("/en/whitepapers/sweet")).await;
    let mut fields = lead(&token, "Bot", "bot@example.com");
    fields.push(("website", "http://spam.example.com"));
    let r = post_request(&app, &visitor, "en", "sweet", &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(leads_of(&app, "bot@example.com").await.len(), 0);
    assert_eq!(links_to(&app, "bot@example.com").await.len(), 0);
}

#[tokio::test]
async fn one_client_asking_too_often_is_slowed_down() {
    let app = TestApp::spawn_with(|c| c.booking_limit = 3).await;
    create(&app, "limited").await;
    let visitor = browser();
    let mut statuses = Vec::new();
    for i in 0..4 {
        let email = format!("r{i}@example.com");
        statuses.push(
            request(&app, &visitor, "en", "limited", "Ada", &email)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [303, 303, 303, 429]);
}
