//! `/admin/whitepapers` and `/admin/whitepapers/leads` as editors use them: the form in both languages, a PDF
//! per language uploaded or chosen, publishing (only with a PDF), the leads with their filters, the
//! CSV export and erasure, and the dashboard's newest leads.
use super::common::whitepapers::{browser, create, last_link, request};
use super::common::{TestApp, attrs, location, texts};
use magnetiq::db::sql;

async fn signed_in_editor() -> TestApp {
    let app = TestApp::spawn_with(|c| c.booking_limit = 100_000).await;
    app.sign_in_as("editor").await;
    app
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sql("SELECT action FROM audit_log ORDER BY id")
        .scalars(&app.state.db)
        .await
        .unwrap()
}

/// The edit form's fields as they are now, with `changes` on top: what a browser posts.
async fn edit_form(app: &TestApp, path: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    app.form_fields(path, "form.whitepaper-form", changes).await
}

async fn post(app: &TestApp, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The per-language upload form of the edit page, as a browser sends it.
async fn upload(app: &TestApp, id: i64, lang: &str, bytes: &[u8]) -> reqwest::Response {
    let edit = app.page(&format!("/admin/whitepapers/{id}")).await;
    let token = attrs(&edit, ".upload-form input[name=csrf_token]", "value").remove(0);
    let boundary = "magnetiq-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf_token", token.as_str()), ("language", lang)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"guide-{lang}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.client
        .post(app.url(&format!("/admin/whitepapers/{id}/upload")))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_editor_writes_uploads_a_pdf_per_language_and_publishes() {
    let app = signed_in_editor().await;
    let fields = edit_form(
        &app,
        "/admin/whitepapers/new",
        &[
            ("title.en", "Shipping Rust services"),
            ("title.de", "Rust-Dienste ausliefern"),
            ("summary.en", "From laptop to production."),
            ("summary.de", "Vom Laptop in den Betrieb."),
            ("description.en", "Why **Rust** <script>x</script>"),
            ("author_name", "Aylin Demir"),
            ("author_role.en", "Lead engineer"),
            ("category.en", "Engineering"),
            ("category.de", "Technik"),
            ("tags.en", "Rust\nOperations"),
            ("tags.de", "Rust\nBetrieb"),
            ("page_count", "9"),
            ("action", "save"),
        ],
    )
    .await;
    assert!(
        fields
            .iter()
            .any(|(k, v)| k == "published_on" && v.len() == 10),
        "today by default"
    );
    let r = post(&app, "/admin/whitepapers/new", &fields).await;
    assert_eq!(r.status(), 303);
    let edit = location(&r).to_owned();
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        app.get("/en/whitepapers/shipping-rust-services")
            .await
            .status(),
        404,
        "a draft"
    );

    // Publishing needs a PDF: 422, everything typed kept.
    let publish = edit_form(
        &app,
        &edit,
        &[("action", "publish"), ("summary.en", "Kept")],
    )
    .await;
    let r = post(&app, &edit, &publish).await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "#file-en", "aria-invalid"), ["true"]);
    assert_eq!(texts(&html, "#summary-en"), ["Kept"]);

    // Not a PDF: refused with a message; then one PDF per language.
    let r = upload(&app, id, "en", b"GIF89a not a pdf").await;
    assert_eq!(r.status(), 303);
    assert!(texts(&app.page(&edit).await, ".flash")[0].contains("not a PDF"));
    let en = magnetiq::whitepapers::pdf::document("English", &["one"]);
    let de = magnetiq::whitepapers::pdf::document("Deutsch", &["eins"]);
    assert_eq!(upload(&app, id, "en", &en).await.status(), 303);
    assert_eq!(upload(&app, id, "de", &de).await.status(), 303);
    let html = app.page(&edit).await;
    assert_eq!(
        texts(&html, ".flash"),
        ["The PDF was uploaded and attached."]
    );
    assert_eq!(attrs(&html, "#file-en option[selected]", "value").len(), 1);
    assert_eq!(attrs(&html, "#file-de option[selected]", "value").len(), 1);
    // The uploaded files are gated at once: not by their media path, not deletable.
    let gated: Vec<(i64, String)> =
        sql("SELECT id, file_name FROM media WHERE gated AND original_name LIKE 'guide-%'")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(gated.len(), 2);
    assert_eq!(
        app.get(&format!("/media/{}", gated[0].1)).await.status(),
        404
    );
    let r = app
        .post_form(
            &format!("/admin/media/{}/delete", gated[0].0),
            &format!("/admin/media/{}", gated[0].0),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        app.state.config.media_dir.join(&gated[0].1).exists(),
        "a whitepaper's file stays"
    );
    // An editor sees the file a German reader gets.
    let r = app.get(&format!("/admin/whitepapers/{id}/file/de")).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), de.as_slice());

    let publish = edit_form(&app, &edit, &[("action", "publish")]).await;
    assert_eq!(post(&app, &edit, &publish).await.status(), 303);
    let html = app.page("/de/whitepapers/shipping-rust-services").await;
    assert_eq!(texts(&html, "h1"), ["Rust-Dienste ausliefern"]);
    assert_eq!(texts(&html, ".tags a"), ["#Rust", "#Betrieb"]);
    let html = app.page("/en/whitepapers/shipping-rust-services").await;
    assert!(
        !html.root_element().html().contains("<script>x"),
        "Markdown is sanitised"
    );
    assert_eq!(texts(&html, ".prose strong"), ["Rust"]);
    let list = app.page("/admin/whitepapers").await;
    let row = texts(&list, &format!("tr[data-whitepaper-id='{id}']")).remove(0);
    assert!(row.contains("Published") && row.contains("DE EN"), "{row}");

    // The same address for another whitepaper: refused with the input kept.
    let other = edit_form(
        &app,
        "/admin/whitepapers/new",
        &[
            ("title.en", "Twin"),
            ("slug", "shipping-rust-services"),
            ("action", "save"),
        ],
    )
    .await;
    let r = post(&app, "/admin/whitepapers/new", &other).await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "#slug", "aria-invalid"), ["true"]);
    assert_eq!(attrs(&html, "#title-en", "value"), ["Twin"]);
    let actions = audit_actions(&app).await;
    for action in [
        "whitepaper-saved",
        "whitepaper-file-attached",
        "whitepaper-published",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
}

#[tokio::test]
async fn leads_are_filtered_exported_safely_and_erased_with_their_links() {
    let app = signed_in_editor().await;
    let (id, _, _) = create(&app, "listed").await;
    create(&app, "other-paper").await;
    let confirmed = browser();
    request(
        &app,
        &confirmed,
        "en",
        "listed",
        "=HYPERLINK(\"http://evil.example\")",
        "ada@example.com",
    )
    .await;
    confirmed
        .get(app.url(&last_link(&app, "ada@example.com").await))
        .send()
        .await
        .unwrap();
    request(&app, &browser(), "en", "listed", "Bo", "bo@example.com").await;
    request(
        &app,
        &browser(),
        "de",
        "other-paper",
        "Cy",
        "cy@example.com",
    )
    .await;

    let all = app.page("/admin/whitepapers/leads").await;
    assert_eq!(texts(&all, ".leads-table tbody tr").len(), 3);
    let of_listed = app
        .page(&format!("/admin/whitepapers/leads?whitepaper={id}"))
        .await;
    assert_eq!(texts(&of_listed, ".leads-table tbody tr").len(), 2);
    let unconfirmed = app
        .page(&format!(
            "/admin/whitepapers/leads?whitepaper={id}&confirmed=no"
        ))
        .await;
    let rows = texts(&unconfirmed, ".leads-table tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("bo@example.com"));
    assert_eq!(
        texts(
            &app.page("/admin/whitepapers/leads?marketing=yes").await,
            ".leads-table tbody tr"
        )
        .len(),
        0
    );
    assert_eq!(
        texts(
            &app.page("/admin/whitepapers/leads?from=2000-01-01&to=2000-01-02")
                .await,
            ".leads-table tbody tr"
        )
        .len(),
        0
    );
    // The filter reads days in UTC, as the list shows times.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
        .to_string();
    assert_eq!(
        texts(
            &app.page(&format!("/admin/whitepapers/leads?from={today}&to={today}"))
                .await,
            ".leads-table tbody tr"
        )
        .len(),
        3
    );
    assert_eq!(
        app.get("/admin/whitepapers/leads?from=garbage&whitepaper=x&page=-4")
            .await
            .status(),
        200
    );

    let csv = app
        .get(&format!(
            "/admin/whitepapers/leads/export.csv?whitepaper={id}"
        ))
        .await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(csv.headers()["cache-control"], "no-store");
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}whitepaper,first_name,last_name,email"),
        "{text}"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
        "formulas are neutralised: {text}"
    );
    assert!(
        text.contains("linkedin") && text.contains("launch"),
        "campaign fields: {text}"
    );
    assert!(
        !text.contains("cy@example.com"),
        "the filter applies to the export"
    );

    // Erasure needs the tick, takes the lead's links and mails, and is audited.
    let bo: i64 = sql("SELECT id FROM whitepaper_leads WHERE email = 'bo@example.com'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let back = format!("/admin/whitepapers/leads?whitepaper={id}");
    let r = app
        .post_form(
            &format!("/admin/whitepapers/leads/{bo}/delete"),
            &back,
            &[("back", &back)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), back);
    let r = app
        .post_form(
            &format!("/admin/whitepapers/leads/{bo}/delete"),
            &back,
            &[("confirm", "yes"), ("back", "https://evil.example/")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        "/admin/whitepapers/leads",
        "only back into the leads"
    );
    let left: (i64, i64, i64) = (
        sql("SELECT count(*) FROM whitepaper_leads WHERE email = 'bo@example.com'")
            .scalar(&app.state.db)
            .await
            .unwrap(),
        sql("SELECT count(*) FROM download_links WHERE lead_id = $1")
            .bind(bo)
            .scalar(&app.state.db)
            .await
            .unwrap(),
        sql("SELECT count(*) FROM outbox WHERE recipient = 'bo@example.com'")
            .scalar(&app.state.db)
            .await
            .unwrap(),
    );
    assert_eq!(left, (0, 0, 0));
    assert_eq!(
        app.post_form(
            &format!("/admin/whitepapers/leads/{bo}/delete"),
            &back,
            &[("confirm", "yes")]
        )
        .await
        .status(),
        404
    );
    let actions = audit_actions(&app).await;
    for action in ["leads-exported", "lead-erased"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
    // The list of whitepapers counts what is left.
    let list = app.page("/admin/whitepapers").await;
    let cells = texts(&list, &format!("tr[data-whitepaper-id='{id}'] td"));
    assert_eq!(
        cells[4..],
        ["1", "1"],
        "one download, one lead left: {cells:?}"
    );
}

#[tokio::test]
async fn the_dashboard_shows_the_newest_leads() {
    let app = signed_in_editor().await;
    let (id, _, _) = create(&app, "dashboard-paper").await;
    request(
        &app,
        &browser(),
        "en",
        "dashboard-paper",
        "Ada",
        "ada@example.com",
    )
    .await;
    let html = app.page("/admin").await;
    let newest = texts(&html, ".newest-leads li").remove(0);
    assert!(
        newest.contains("Ada Reader") && newest.contains("Paper dashboard-paper"),
        "{newest}"
    );
    assert_eq!(
        attrs(&html, ".newest-leads a", "href")[0],
        format!("/admin/whitepapers/leads?whitepaper={id}")
    );
}

#[tokio::test]
async fn only_signed_in_staff_reach_whitepapers_and_leads() {
    let app = TestApp::spawn().await;
    for path in [
        "/admin/whitepapers",
        "/admin/whitepapers/new",
        "/admin/whitepapers/leads",
        "/admin/whitepapers/leads/export.csv",
        "/admin/whitepapers/1/file/en",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 303, "{path}");
        assert!(location(&r).starts_with("/admin/login"), "{path}");
    }
    let r = app
        .client
        .post(app.url("/admin/whitepapers/leads/1/delete"))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 303 | 403), "{}", r.status());
    let leads: i64 = sql("SELECT count(*) FROM whitepapers")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(leads, 3, "the demo's, untouched");
}

#[tokio::test]
async fn a_page_cannot_take_the_address_of_the_whitepapers() {
    let app = signed_in_editor().await;
    let r = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", "Shadowed"),
                ("slug", "whitepapers"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
}
