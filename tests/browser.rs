//! The admin panel in a real headless Chromium, driven over WebDriver (chromedriver): an editor signs
//! in, builds a page with a text and an image block in English and German, publishes it, and a
//! visitor reads it in German; an editor creates a webinar in both languages and a visitor
//! registers in German; a visitor asks for a whitepaper, opens the mailed link and receives the PDF,
//! then gets the next one in one click; a visitor writes through the contact form and signs up in
//! the footer (both on cached pages, let in by Chromium's `Origin`), and the editor reads the
//! message and erases the person. Skipped with a message when chromedriver is not installed, unless
//! `MAGNETIQ_REQUIRE_BROWSER=1` (as in CI), which turns the skip into a failure.
#[path = "common/mod.rs"]
mod common;

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};

/// chromedriver in a process group of its own, with the Chromium it starts: dropping it ends the
/// whole group, also when a test fails before it closes the session (killing chromedriver alone
/// leaves Chromium running).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Option<String> {
    let candidates = [
        std::env::var("CHROMEDRIVER").ok(),
        Some("/usr/bin/chromedriver".into()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| std::path::Path::new(p).exists())
}

async fn start_browser(profile: &std::path::Path) -> (Driver, Client) {
    start_browser_sized(profile, None).await
}

/// A phone: Chromium's device emulation at 390 × 844 CSS pixels (an iPhone 14's), light or dark.
async fn start_phone(profile: &std::path::Path, dark: bool) -> (Driver, Client) {
    start_browser_sized(profile, Some(dark)).await
}

async fn start_browser_sized(profile: &std::path::Path, phone: Option<bool>) -> (Driver, Client) {
    let path = chromedriver().expect("chromedriver");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(path)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--window-size=1280,900".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    if phone == Some(true) {
        args.push("--force-dark-mode".into());
        args.push("--blink-settings=preferredColorScheme=0".into());
    }
    let mut options = serde_json::json!({
        "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        "args": args,
        "prefs": {
            "intl.accept_languages": "de-DE,de",
            "download.default_directory": profile.join("downloads").display().to_string(),
            "download.prompt_for_download": false
        }
    });
    if phone.is_some() {
        options["mobileEmulation"] =
            serde_json::json!({"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}});
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session");
    (driver, client)
}

/// Waits (up to 10 s) for an element, as pages load after each click.
async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

async fn fill(c: &Client, css: &str, text: &str) {
    let field = find(c, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    find(c, css).await.click().await.unwrap();
}

/// Waits (up to 10 s) until the element's text satisfies `want`, and returns it. A click that
/// submits a form does not wait for the next page, so an element of the same name on the page
/// being left may answer first, or go stale while it is read: both are read again.
async fn text_where(c: &Client, css: &str, want: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut last = String::new();
    loop {
        if let Ok(element) = c.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
        {
            if want(&text) {
                return text;
            }
            last = text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css}: the text never became what was expected; last seen: {last:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn expect_text(c: &Client, css: &str, expected: &str) {
    text_where(c, css, |text| text == expected).await;
}

/// Waits (up to 10 s) until the browser has arrived at `path`.
async fn wait_for_path(c: &Client, path: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now_at = c.current_url().await.unwrap();
        if now_at.path() == path {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still at {now_at}, expected {path}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Leaves what the browser saw in the temp folder, for a person to look at when something breaks.
async fn save_screenshot(c: &Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join(name), png);
    }
}

/// Whether a browser test can run; without chromedriver it is skipped, unless CI requires it.
fn browser_available() -> bool {
    if chromedriver().is_some() {
        return true;
    }
    assert!(
        std::env::var("MAGNETIQ_REQUIRE_BROWSER").is_err(),
        "MAGNETIQ_REQUIRE_BROWSER is set but chromedriver is missing"
    );
    eprintln!(
        "SKIPPED browser test: chromedriver not found (apt-get install chromium chromium-driver)"
    );
    false
}

/// Signs the browser in as the editor (the browser asks for German: the admin speaks German).
async fn sign_in(c: &Client, app: &TestApp) {
    c.goto(&app.url("/admin")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/admin/login")
    );
    fill(c, "#email", "editor@magnetiq.test").await;
    fill(c, "#password", PASSWORD).await;
    click(c, ".login-box button[type=submit]").await;
    find(c, ".admin-nav").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/admin");
}

#[tokio::test]
async fn an_editor_publishes_a_bilingual_page_and_a_visitor_reads_it_in_german() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;
    sign_in(&c, &app).await;

    // A new page, titled in both languages.
    c.goto(&app.url("/admin/pages/new")).await.unwrap();
    fill(&c, "#title-en", "Our workshop").await;
    fill(&c, "#title-de", "Unser Workshop").await;
    fill(&c, "#slug", "workshop").await;
    click(&c, "button[value=save]").await;
    find(&c, "#block-type").await; // the saved page's form, with its blocks section
    let edit_url = c.current_url().await.unwrap();
    assert!(edit_url.path().starts_with("/admin/pages/"), "{edit_url}");

    // A text block in English and German.
    find(&c, "#block-type")
        .await
        .select_by_value("rich_text")
        .await
        .unwrap();
    click(&c, ".add-block button").await;
    fill(
        &c,
        "textarea[name='body.en']",
        "One day, **your** team, real data.",
    )
    .await;
    fill(
        &c,
        "textarea[name='body.de']",
        "Ein Tag, **Ihr** Team, echte Daten.",
    )
    .await;
    click(&c, ".block-form button[type=submit]").await;

    // An image block with alt text in both languages.
    find(&c, "#block-type")
        .await
        .select_by_value("image")
        .await
        .unwrap();
    click(&c, ".add-block button").await;
    save_screenshot(&c, "magnetiq-media-chooser.png").await;
    // Not from the media library: another address, typed beside the chooser.
    click(&c, ".choice-other input[type=radio]").await;
    fill(&c, "input[name=src__other]", "/static/img/team.svg").await;
    fill(&c, "input[name='alt.en']", "Our team at the whiteboard").await;
    fill(&c, "input[name='alt.de']", "Unser Team am Whiteboard").await;
    click(&c, ".block-form button[type=submit]").await;
    // Back on the page form, now with both blocks.
    find(&c, ".block-list .block-row:nth-child(2)").await;
    assert_eq!(
        c.find_all(Locator::Css(".block-row")).await.unwrap().len(),
        2
    );

    // Publish.
    save_screenshot(&c, "magnetiq-block-list.png").await;
    click(&c, "button[value=publish]").await;
    expect_text(&c, ".status-line .status-published", "Veröffentlicht").await;
    save_screenshot(&c, "magnetiq-admin-page.png").await;

    // A visitor reads it in German.
    c.goto(&app.url("/de/workshop")).await.unwrap();
    expect_text(&c, "h1", "Unser Workshop").await;
    expect_text(&c, ".block-rich-text", "Ein Tag, Ihr Team, echte Daten.").await;
    let img = find(&c, ".block-image img").await;
    assert_eq!(
        img.attr("alt").await.unwrap().as_deref(),
        Some("Unser Team am Whiteboard")
    );
    save_screenshot(&c, "magnetiq-visitor-page.png").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn an_editor_creates_a_bilingual_webinar_and_a_visitor_registers_in_german() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;
    sign_in(&c, &app).await;

    // The form starts a week ahead at 10:00 with 100 seats and a waitlist; the editor writes the
    // rest in both languages and publishes.
    // The admin's groups: "Leads" opens its row (on the inbox), where the webinars are.
    click(&c, ".admin-group-label[href='/admin/leads']").await;
    wait_for_path(&c, "/admin/leads").await;
    click(&c, ".admin-group.open a[href='/admin/webinars']").await;
    click(&c, "a[href='/admin/webinars/new']").await;
    fill(&c, "#title-en", "Testing in production").await;
    fill(&c, "#title-de", "Testen im Betrieb").await;
    fill(&c, "#summary-en", "What to measure, and when.").await;
    fill(&c, "#summary-de", "Was man misst, und wann.").await;
    fill(&c, "#objectives-de", "Metriken wählen\nAlarme setzen").await;
    fill(&c, "#slug", "testen-im-betrieb").await;
    fill(&c, "#speaker-0-name", "Tobias Lang").await;
    fill(&c, "#speaker-0-role-de", "Berater").await;
    fill(&c, "#meeting_link", "https://meet.example.com/testen").await;
    click(&c, "button[value=publish]").await;
    expect_text(&c, ".status-line .status-published", "Veröffentlicht").await;
    save_screenshot(&c, "magnetiq-admin-webinar.png").await;

    // A visitor finds it in the German program and registers.
    c.goto(&app.url("/de/webinars")).await.unwrap();
    click(
        &c,
        ".webinar-card a[href^='/de/webinars/testen-im-betrieb']",
    )
    .await;
    expect_text(&c, "h1", "Testen im Betrieb").await;
    fill(&c, "#first_name", "Jana").await;
    fill(&c, "#last_name", "Berg").await;
    fill(&c, "#email", "jana@example.com").await;
    fill(&c, "#company", "Beispiel AG").await;
    click(&c, ".registration-form input[name=consent]").await;
    click(&c, ".registration-form button[type=submit]").await;
    // "Check your inbox": the mail leads to the registration's page.
    expect_text(&c, "h1", "Vielen Dank").await;
    let link = common::webinars::registration_link(&app, "jana@example.com").await;
    c.goto(&app.url(&link)).await.unwrap();
    find(&c, ".registration-status").await; // the registration's page has loaded
    expect_text(&c, "h1", "Sie sind angemeldet").await;
    expect_text(&c, ".meeting-link", "https://meet.example.com/testen").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/de/webinars/testen-im-betrieb/registered/")
    );
    save_screenshot(&c, "magnetiq-webinar-registered.png").await;
    // The registration page's own cancel form works in a real browser (its Origin is sent: the
    // page's referrer policy is same-origin, not no-referrer, which makes Chromium send "null").
    click(&c, ".cancel-confirm summary").await;
    click(&c, ".cancel-form button[type=submit]").await;
    expect_text(&c, "h1", "Ihre Anmeldung ist storniert").await;

    // The editor sees the seat free again.
    c.goto(&app.url("/admin/webinars")).await.unwrap();
    text_where(&c, ".webinars-table", |t| t.contains("0 / 100")).await;
    c.close().await.unwrap();
}

/// Waits (up to 15 s) for the `n`th finished download in `dir`; returns its name and bytes.
async fn downloaded(dir: &std::path::Path, n: usize) -> (String, Vec<u8>) {
    for _ in 0..150 {
        let mut done: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
                    .collect()
            })
            .unwrap_or_default();
        // Chromium reserves the final name with an empty file while it writes `.crdownload`.
        let writing = std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "crdownload"))
        });
        let complete = done
            .iter()
            .all(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0));
        if done.len() >= n && !writing && complete {
            done.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            let path = &done[n - 1];
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            return (name, std::fs::read(path).unwrap());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no PDF number {n} arrived in {}", dir.display());
}

#[tokio::test]
async fn a_visitor_asks_for_a_whitepaper_opens_the_mailed_link_and_receives_the_pdf() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let profile = tempfile::tempdir().unwrap();
    let downloads = profile.path().join("downloads");
    let (_driver, c) = start_browser(profile.path()).await;

    // The German library, a whitepaper, the form.
    c.goto(&app.url("/de/whitepapers")).await.unwrap();
    click(
        &c,
        ".whitepaper-card a[href='/de/whitepapers/ai-act-readiness']",
    )
    .await;
    expect_text(&c, "h1", "Bereit für die KI-Verordnung").await;
    fill(&c, "#first_name", "Jana").await;
    fill(&c, "#last_name", "Berg").await;
    fill(&c, "#email", "jana@example.com").await;
    fill(&c, "#company", "Beispiel AG").await;
    click(&c, ".whitepaper-form input[name=consent]").await;
    click(&c, ".whitepaper-form button[type=submit]").await;
    find(&c, ".page-header .lead").await;
    expect_text(&c, "h1", "Bitte sehen Sie in Ihr Postfach").await;
    assert!(!downloads.exists() || std::fs::read_dir(&downloads).unwrap().next().is_none());

    // The mail's link, as the visitor's mail program opens it: the PDF arrives.
    let link = common::whitepapers::last_link(&app, "jana@example.com").await;
    c.goto(&app.url(&link)).await.unwrap();
    let (name, bytes) = downloaded(&downloads, 1).await;
    assert!(bytes.starts_with(b"%PDF-"), "{name}");
    assert!(
        name.starts_with("Bereit f"),
        "named after the title: {name}"
    );

    // The next whitepaper is one click: the browser is a confirmed reader now.
    c.goto(&app.url("/de/whitepapers/mlops-checklist"))
        .await
        .unwrap();
    text_where(&c, ".register", |t| t.contains("Jana (jana@example.com)")).await;
    click(&c, ".reader-form button[type=submit]").await;
    let (name, bytes) = downloaded(&downloads, 2).await;
    assert!(bytes.starts_with(b"%PDF-"), "{name}");
    assert!(name.starts_with("Die MLOps-Checkliste"), "{name}");
    save_screenshot(&c, "magnetiq-whitepaper-reader.png").await;
    let leads: Vec<String> = magnetiq::db::sql("SELECT via FROM whitepaper_leads ORDER BY id")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(leads, ["form", "reader"]);
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_visitor_writes_through_the_contact_form_and_the_editor_erases_them_on_request() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;

    // The contact page comes from the cache, with no form token: Chromium's own Origin header is
    // what lets the message in.
    c.goto(&app.url("/de/kontakt")).await.unwrap();
    fill(&c, ".contact-form #name", "Jana Berg").await;
    fill(&c, ".contact-form #email", "Jana@Example.com").await;
    find(&c, ".contact-form #topic option:nth-child(2)")
        .await
        .click()
        .await
        .unwrap();
    fill(&c, ".contact-form #message", "Wir planen ein RAG-Projekt.").await;
    click(&c, ".contact-form input[name=consent]").await;
    click(&c, ".contact-form button[type=submit]").await;
    expect_text(
        &c,
        ".block-contact-form .form-success strong",
        "Vielen Dank, Ihre Nachricht ist unterwegs.",
    )
    .await;
    assert_eq!(c.current_url().await.unwrap().query(), Some("sent=contact"));
    save_screenshot(&c, "magnetiq-contact-sent.png").await;
    // The footer's newsletter sign-up on the same cached pages.
    c.goto(&app.url("/de/ueber-uns")).await.unwrap();
    fill(&c, "#footer-newsletter-email", "jana@example.com").await;
    click(&c, ".footer-newsletter-form input[name=consent]").await;
    click(&c, ".footer-newsletter-form button[type=submit]").await;
    text_where(&c, "main .lead", |t| {
        t.starts_with("Bitte sehen Sie in Ihr Postfach.")
    })
    .await;

    // The editor reads the message and, asked by Jana, erases everything about her.
    sign_in(&c, &app).await;
    click(&c, ".admin-group-label[href='/admin/leads']").await;
    wait_for_path(&c, "/admin/leads").await;
    click(&c, ".admin-group.open a[href='/admin/messages']").await;
    click(&c, ".messages-table a").await;
    expect_text(&c, ".message-text", "Wir planen ein RAG-Projekt.").await;
    click(&c, "a[href='/admin/people/jana@example.com']").await;
    assert!(
        find(&c, "li[data-source=message]")
            .await
            .text()
            .await
            .unwrap()
            .contains("Jana Berg")
    );
    find(&c, "li[data-source=newsletter]").await;
    save_screenshot(&c, "magnetiq-person.png").await;
    click(&c, "form[action$='/erase'] input[name=confirm]").await;
    click(&c, "form[action$='/erase'] button[type=submit]").await;
    wait_for_path(&c, "/admin/people").await;
    let left: i64 = magnetiq::db::sql(
        "SELECT (SELECT count(*) FROM contact_messages) + (SELECT count(*) FROM newsletter_subscribers)",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(left, 0);
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_visitor_sends_a_built_form_and_the_editor_works_the_lead_from_the_inbox() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let owner = app
        .create_user("sales@magnetiq.test", "editor", PASSWORD)
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;

    // The services page comes from the cache; the German proposal form, sent with the news box.
    c.goto(&app.url("/de/leistungen")).await.unwrap();
    let form = ".built-form";
    fill(&c, &format!("{form} input[name=f0]"), "Jana Berg").await;
    fill(&c, &format!("{form} input[name=f1]"), "jana@example.com").await;
    find(&c, &format!("{form} select[name=f3] option:nth-child(3)"))
        .await
        .click()
        .await
        .unwrap();
    click(&c, &format!("{form} input[name=f4_1]")).await;
    fill(
        &c,
        &format!("{form} textarea[name=f5]"),
        "Ein Prognose-Pilot.",
    )
    .await;
    click(&c, &format!("{form} input[name=f6]")).await;
    click(&c, &format!("{form} input[name=marketing]")).await;
    click(&c, &format!("{form} button[type=submit]")).await;
    text_where(&c, ".block-form .form-success", |t| {
        t.contains("binnen drei Werktagen")
    })
    .await;
    save_screenshot(&c, "magnetiq-built-form-sent.png").await;

    // The editor finds it at the top of the inbox, gives it to a colleague with a note and a date.
    sign_in(&c, &app).await;
    click(&c, ".admin-group-label[href='/admin/leads']").await;
    wait_for_path(&c, "/admin/leads").await;
    expect_text(
        &c,
        "tr[data-lead-id] td:nth-child(4)",
        "Formular\nAngebot anfragen",
    )
    .await;
    click(&c, "tr[data-lead-id] td:nth-child(3) a").await;
    text_where(&c, ".lead-answers", |t| t.contains("Ein Prognose-Pilot.")).await;
    find(&c, "#lead-status option[value=contacted]")
        .await
        .click()
        .await
        .unwrap();
    find(&c, &format!("#lead-owner option[value='{owner}']"))
        .await
        .click()
        .await
        .unwrap();
    fill(&c, "#lead-notes", "Angerufen, Angebot folgt.").await;
    // The date as the browser's date picker sets it (typing depends on the browser's own locale).
    let tomorrow = jiff::tz::TimeZone::get("Europe/Berlin")
        .unwrap()
        .to_datetime(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24))
        .date();
    c.execute(
        "document.querySelector('#lead-follow-up').value = arguments[0]",
        vec![serde_json::json!(tomorrow.to_string())],
    )
    .await
    .unwrap();
    click(&c, ".card button[type=submit]").await;
    expect_text(&c, ".flash", "Der Lead wurde gespeichert.").await;
    save_screenshot(&c, "magnetiq-lead.png").await;
    let (status, owner_id, notes, day): (String, Option<i64>, String, Option<String>) =
        magnetiq::db::sql("SELECT status, owner_id, notes, follow_up_on FROM leads")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), owner_id, notes.as_str()),
        ("contacted", Some(owner), "Angerufen, Angebot folgt.")
    );
    assert_eq!(day, Some(tomorrow.to_string()));

    // Back in the inbox: ticked and closed as won with the bulk change.
    click(&c, ".admin-nav a[href='/admin/leads']").await;
    click(&c, "tr[data-lead-id] input[name=lead]").await;
    find(&c, "#bulk-status option[value=won]")
        .await
        .click()
        .await
        .unwrap();
    click(&c, ".bulk-actions button[type=submit]").await;
    expect_text(&c, ".flash", "Ein Lead geändert.").await;
    expect_text(&c, "tr[data-lead-id] td:nth-child(6)", "Gewonnen").await;
    save_screenshot(&c, "magnetiq-inbox.png").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn an_admin_invites_an_editor_who_follows_the_mail_and_arrives_signed_in() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.create_user("editor@magnetiq.test", "admin", PASSWORD)
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;
    sign_in(&c, &app).await;

    // The admin invites Ben in German.
    click(&c, ".admin-group-label[href='/admin/outbox']").await;
    wait_for_path(&c, "/admin/outbox").await;
    click(&c, ".admin-group.open a[href='/admin/users']").await;
    fill(&c, "#email", "ben@magnetiq.test").await;
    fill(&c, "#display_name", "Ben Kraus").await;
    find(&c, "#language option[value=de]")
        .await
        .click()
        .await
        .unwrap();
    click(&c, "form[action='/admin/users/invite'] button[type=submit]").await;
    text_where(&c, ".invitations-table", |t| {
        t.contains("ben@magnetiq.test")
    })
    .await;
    click(&c, "form[action='/admin/logout'] button[type=submit]").await;
    wait_for_path(&c, "/admin/login").await;

    // Ben opens the mail's link, chooses a password and lands on the dashboard, signed in.
    let link = common::accounts::mailed_link(&app, "ben@magnetiq.test", "invitation").await;
    c.goto(&app.url(&link)).await.unwrap();
    expect_text(&c, ".invitee", "Ben Kraus").await;
    fill(&c, "#password", "lantern orchard quietly").await;
    fill(&c, "#confirm_password", "lantern orchard quietly").await;
    click(&c, ".login-box button[type=submit]").await;
    wait_for_path(&c, "/admin").await;
    text_where(&c, ".admin-user-name", |t| t.contains("Ben Kraus")).await;
    save_screenshot(&c, "magnetiq-invitation-accepted.png").await;

    // The link was for once.
    c.goto(&app.url(&link)).await.unwrap();
    find(&c, ".link-gone").await;
    c.close().await.unwrap();
}

/// Signs the browser in as `email` (after signing whoever was in out).
async fn sign_in_as(c: &Client, app: &TestApp, email: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/admin/login")).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", PASSWORD).await;
    click(c, ".login-box button[type=submit]").await;
    find(c, ".admin-nav").await;
}

#[tokio::test]
async fn an_author_submits_a_page_an_editor_approves_it_and_it_is_live() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    magnetiq::content::review::store::set_required(&app.state.db, true)
        .await
        .unwrap();
    app.create_user("author@magnetiq.test", "author", PASSWORD)
        .await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;

    // The author writes a draft in both languages and submits it.
    sign_in_as(&c, &app, "author@magnetiq.test").await;
    c.goto(&app.url("/admin/pages/new")).await.unwrap();
    assert_eq!(
        c.find_all(Locator::Css("button[value=publish]"))
            .await
            .unwrap()
            .len(),
        0,
        "no publish button for an author"
    );
    fill(&c, "#title-en", "Open positions").await;
    fill(&c, "#title-de", "Offene Stellen").await;
    fill(&c, "#slug", "stellen").await;
    click(&c, "button[value=save]").await;
    find(&c, "#block-type")
        .await
        .select_by_value("rich_text")
        .await
        .unwrap();
    click(&c, ".add-block button").await;
    fill(&c, "textarea[name='body.en']", "We hire **engineers**.").await;
    fill(
        &c,
        "textarea[name='body.de']",
        "Wir suchen **Ingenieurinnen**.",
    )
    .await;
    click(&c, ".block-form button[type=submit]").await;
    find(&c, ".block-list .block-row").await;
    fill(&c, "#review-message", "Bitte vor Montag freigeben").await;
    click(&c, ".review-box button[type=submit]").await;
    expect_text(&c, ".review-status", "Wartet auf Freigabe").await;

    // The editor finds it on the dashboard, reads the diff and approves.
    sign_in_as(&c, &app, "editor@magnetiq.test").await;
    click(&c, ".review-queue a").await;
    expect_text(&c, ".diff-added .after", "Offene Stellen").await;
    save_screenshot(&c, "magnetiq-review-diff.png").await;
    c.set_window_size(375, 812).await.unwrap();
    c.execute(
        "document.querySelector('.diff-table').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    save_screenshot(&c, "magnetiq-review-diff-375.png").await;
    c.set_window_size(1280, 900).await.unwrap();
    click(&c, ".review-decision form[action$='/approve'] button").await;
    expect_text(&c, ".status-line .status-published", "Veröffentlicht").await;

    // Live for visitors.
    c.goto(&app.url("/de/stellen")).await.unwrap();
    expect_text(&c, "h1", "Offene Stellen").await;
    expect_text(&c, ".block-rich-text", "Wir suchen Ingenieurinnen.").await;

    // The translation matrix, as editors see it.
    c.goto(&app.url("/admin/translations")).await.unwrap();
    find(&c, "table").await;
    save_screenshot(&c, "magnetiq-translations.png").await;
    c.set_window_size(375, 812).await.unwrap();
    c.execute("document.querySelector('table').scrollIntoView()", vec![])
        .await
        .unwrap();
    save_screenshot(&c, "magnetiq-translations-375.png").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn an_author_writes_an_article_an_editor_approves_it_and_readers_find_it() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    magnetiq::content::review::store::set_required(&app.state.db, true)
        .await
        .unwrap();
    app.create_user("author@magnetiq.test", "author", PASSWORD)
        .await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;

    // The author writes an article in both languages, in a category, and submits it.
    sign_in_as(&c, &app, "author@magnetiq.test").await;
    c.goto(&app.url("/admin/articles")).await.unwrap();
    click(&c, "a[href='/admin/articles/new']").await;
    fill(&c, "#title-en", "Notes from a retail pilot").await;
    fill(&c, "#title-de", "Notizen aus einem Handelspiloten").await;
    fill(&c, "#summary-en", "What eight weeks in a store taught us.").await;
    fill(&c, "#slug", "notes-from-a-retail-pilot").await;
    let ticked = c
        .execute(
            "const box = [...document.querySelectorAll('.article-fields .choices label')]
               .find(l => /Fallstudien|Case studies/.test(l.textContent)).querySelector('input');
             box.click(); return box.checked;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ticked, serde_json::json!(true), "the category ticked");
    fill(&c, "#tags", "Retail, Pilot").await;
    click(&c, "button[value=save]").await;
    find(&c, "#block-type")
        .await
        .select_by_value("rich_text")
        .await
        .unwrap();
    click(&c, ".add-block button").await;
    fill(
        &c,
        "textarea[name='body.en']",
        "We spent **eight weeks** in a store.",
    )
    .await;
    fill(
        &c,
        "textarea[name='body.de']",
        "Wir waren **acht Wochen** im Laden.",
    )
    .await;
    click(&c, ".block-form button[type=submit]").await;
    find(&c, ".block-list .block-row").await;
    click(&c, ".review-box button[type=submit]").await;
    find(&c, ".review-status").await;

    // The editor approves it from the dashboard.
    sign_in_as(&c, &app, "editor@magnetiq.test").await;
    click(&c, ".review-queue a").await;
    click(&c, ".review-decision form[action$='/approve'] button").await;
    find(&c, ".status-line .status-published").await;

    // Readers find it first in the list, in its category and in the feed.
    c.goto(&app.url("/en/articles")).await.unwrap();
    expect_text(
        &c,
        ".article-list .article-card h2",
        "Notes from a retail pilot",
    )
    .await;
    c.goto(&app.url("/de/artikel/category/fallstudien"))
        .await
        .unwrap();
    expect_text(
        &c,
        ".article-list .article-card h2",
        "Notizen aus einem Handelspiloten",
    )
    .await;
    click(&c, ".article-list .article-card h2 a").await;
    expect_text(&c, ".block-rich-text", "Wir waren acht Wochen im Laden.").await;
    save_screenshot(&c, "magnetiq-article.png").await;
    let feed = app.get("/en/feed.xml").await.text().await.unwrap();
    let feed = feed.parse::<atom_syndication::Feed>().unwrap();
    assert_eq!(
        feed.entries()[0].title().as_str(),
        "Notes from a retail pilot"
    );
    c.close().await.unwrap();
}

#[tokio::test]
async fn an_author_writes_a_newsletter_issue_an_editor_approves_it_and_subscribers_get_it() {
    if !browser_available() {
        return;
    }
    let smtp = common::smtp::SmtpServer::start(common::smtp::SmtpBehaviour::default()).await;
    let url = smtp.url();
    let app = TestApp::spawn_with(move |c| {
        c.smtp_url = Some(magnetiq::config::Secret(url));
        c.mail_rate = 60_000;
    })
    .await;
    magnetiq::content::review::store::set_required(&app.state.db, true)
        .await
        .unwrap();
    app.create_user("author@magnetiq.test", "author", PASSWORD)
        .await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let now = jiff::Timestamp::now();
    for (email, language) in [("ada@example.com", "en"), ("ben@example.com", "de")] {
        magnetiq::db::sql(
            "INSERT INTO newsletter_subscribers (email, language, status, consent_at, consent_version,
                source_url, confirmed_at, created_at, updated_at)
             VALUES ($1, $2, 'confirmed', $3, 'v', '', $3, $3, $3)",
        )
        .bind(email)
        .bind(language)
        .bind(now)
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;

    // The author writes the issue in both languages, with a heading and a text, and submits it.
    sign_in_as(&c, &app, "author@magnetiq.test").await;
    c.goto(&app.url("/admin/newsletter")).await.unwrap();
    click(&c, "form[action='/admin/newsletter/new'] button").await;
    fill(&c, "#subject-en", "Spring news").await;
    fill(&c, "#subject-de", "Frühlingsnachrichten").await;
    find(&c, "#add_kind")
        .await
        .select_by_value("heading")
        .await
        .unwrap();
    click(&c, "button[value=add]").await;
    fill(&c, "input[name='b0.text.en']", "What is new").await;
    fill(&c, "input[name='b0.text.de']", "Was es Neues gibt").await;
    find(&c, "#add_kind")
        .await
        .select_by_value("text")
        .await
        .unwrap();
    click(&c, "button[value=add]").await;
    fill(
        &c,
        "textarea[name='b1.markdown.en']",
        "Two **new** workshops.",
    )
    .await;
    fill(
        &c,
        "textarea[name='b1.markdown.de']",
        "Zwei **neue** Workshops.",
    )
    .await;
    click(&c, "button[value=save]").await;
    expect_text(&c, "#block-1 legend", "2. Text").await;
    click(&c, "form[action$='/send'] button[type=submit]").await;
    find(&c, ".status-line .status-submitted").await;
    assert!(
        smtp.accepted().is_empty(),
        "nothing goes out before the review"
    );

    // The editor reads the German preview and approves it; each subscriber gets their language.
    let id: i64 = magnetiq::db::sql("SELECT max(id) FROM newsletter_issues")
        .scalar(&app.state.db)
        .await
        .unwrap();
    sign_in_as(&c, &app, "editor@magnetiq.test").await;
    c.goto(&app.url(&format!("/admin/newsletter/{id}/preview/de")))
        .await
        .unwrap();
    expect_text(&c, "h2", "Was es Neues gibt").await;
    c.goto(&app.url(&format!("/admin/newsletter/{id}")))
        .await
        .unwrap();
    click(&c, "form[action$='/approve'] button").await;
    let mails = smtp
        .wait_for(Duration::from_secs(20), |m| m.len() >= 2)
        .await;
    let subject_of = |who: &str| {
        mails
            .iter()
            .find(|m| m.recipients == [who])
            .and_then(|m| m.header("Subject"))
            .unwrap()
    };
    assert_eq!(subject_of("ada@example.com"), "Spring news");
    assert!(
        mails
            .iter()
            .all(|m| m.header("List-Unsubscribe-Post").is_some())
    );
    c.goto(&app.url(&format!("/admin/newsletter/{id}")))
        .await
        .unwrap();
    expect_text(&c, "dd[data-count=sent]", "2").await;
    save_screenshot(&c, "magnetiq-newsletter-report.png").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_german_visitor_searches_from_the_header_and_switches_to_english() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;
    c.goto(&app.url("/de/")).await.unwrap();
    // The header's field is a plain form: typing and pressing the button is all it takes.
    fill(&c, "#header-search-q", "Softwareentwicklung").await;
    click(&c, ".header-search-button").await;
    wait_for_path(&c, "/de/search").await;
    expect_text(&c, ".search-result h2 a mark", "Softwareentwicklung").await;
    save_screenshot(&c, "magnetiq-search-de.png").await;
    // The page with the word in its title comes first.
    let first = text_where(&c, ".search-result h2 a", |t| !t.is_empty()).await;
    assert_eq!(first, "Softwareentwicklung");
    click(&c, ".search-result h2 a").await;
    wait_for_path(&c, "/de/software-development").await;
    // The services page has a German address; the switcher leads to its English one.
    click(&c, "nav.main-nav a[href='/de/leistungen']").await;
    wait_for_path(&c, "/de/leistungen").await;
    click(&c, ".lang-switch a[hreflang=en]").await;
    wait_for_path(&c, "/en/services").await;
    expect_text(&c, "main h1", "Services").await;
}

/// What a phone shows of the page: its width against the viewport's, the form controls that are
/// shorter than 44 px or set smaller than the body's type, and where the error summary is.
const MEASURE: &str = r#"
const body = parseFloat(getComputedStyle(document.body).fontSize);
const bad = [];
for (const el of document.querySelectorAll('input, select, textarea, button, .button, summary.menu-toggle')) {
  const cs = getComputedStyle(el);
  if (el.type === 'hidden' || el.type === 'checkbox' || el.type === 'radio') continue;
  if (el.closest('.hp') || el.closest('.visually-hidden')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
  const size = parseFloat(cs.fontSize);
  if (r.height < 43.5 || size < body - 0.01) {
    bad.push(`${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''}.${el.className}: ${Math.round(r.height)} px tall, ${size} px type`);
  }
}
const unmarked = [...document.querySelectorAll('input[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true]')]
  .filter(el => el.type !== 'checkbox' && parseFloat(getComputedStyle(el).borderTopWidth) < 2)
  .map(el => el.name);
const error = document.querySelector('.form-error');
let errorInView = null;
if (error) { const r = error.getBoundingClientRect(); errorInView = r.top >= 0 && r.bottom <= innerHeight; }
// What sticks out past the phone's edge (outside a scrolling table), to name in a failure.
const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) { if (getComputedStyle(p).overflowX === 'auto') return true; } return false; };
const overflowing = [...document.body.querySelectorAll('*')]
  .filter(el => el.getBoundingClientRect().right > 390.5 && !scrolls(el))
  .slice(0, 4)
  .map(el => `${el.tagName.toLowerCase()}.${el.className}: ${Math.round(el.getBoundingClientRect().right)} px`);
return { width: document.documentElement.scrollWidth, viewport: innerWidth, bad, errorInView, unmarked, overflowing };
"#;

async fn measure(c: &Client) -> serde_json::Value {
    c.execute(MEASURE, vec![]).await.unwrap()
}

/// Asserts what every page kind owes a phone: nothing wider than the screen, thumb-sized controls
/// in the body's type.
async fn fits_a_phone(c: &Client, app: &TestApp, path: &str) {
    if let Some(problem) = phone_problem(c, app, path).await {
        panic!("{problem}");
    }
}

/// What `path` owes a phone and does not give, if anything.
async fn phone_problem(c: &Client, app: &TestApp, path: &str) -> Option<String> {
    c.goto(&app.url(path)).await.unwrap();
    find(c, "main").await;
    let seen = measure(c).await;
    // Chromium widens the layout viewport of an emulated phone to what overflows it.
    let wide = seen["width"].as_f64() > Some(390.0) || seen["viewport"].as_f64() > Some(390.0);
    (wide || seen["bad"] != serde_json::json!([])).then(|| format!("{path}: {seen}"))
}

/// Submits the form at `path` empty (`submit` is its button) and asserts what the phone shows after
/// the 422: the error summary in view, thumb-sized controls, every invalid field outlined. The
/// screenshot is saved as `{shot}{path}-error.png`.
async fn refused_in_view(c: &Client, app: &TestApp, path: &str, submit: &str, shot: &str) {
    c.goto(&app.url(path)).await.unwrap();
    click(c, submit).await;
    find(c, ".form-error").await;
    let seen = measure(c).await;
    assert_eq!(
        seen["errorInView"],
        serde_json::json!(true),
        "{path} after a 422: {seen}"
    );
    assert_eq!(
        seen["bad"],
        serde_json::json!([]),
        "{path} after a 422: {seen}"
    );
    assert_eq!(
        seen["unmarked"],
        serde_json::json!([]),
        "{path}: every invalid field is outlined: {seen}"
    );
    save_screenshot(c, &format!("{shot}{}-error.png", path.replace('/', "-"))).await;
}

#[tokio::test]
async fn on_a_phone_every_public_page_kind_fits_and_its_controls_are_thumb_sized() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn_with(|c| c.booking_limit = 1000).await;
    common::webinars::sign_up(&app, "en", "rag-in-production", "Ada", "ada@example.com").await;
    let registered = common::webinars::registration_link(&app, "ada@example.com").await;
    let mut pages = vec![
        "/en/".to_owned(),
        "/de/".to_owned(),
        "/en/about".to_owned(),
        "/de/leistungen".to_owned(),
        "/en/services".to_owned(),
        "/en/book".to_owned(),
        "/de/book".to_owned(),
        "/en/webinars".to_owned(),
        "/en/webinars/rag-in-production".to_owned(),
        "/de/webinars/rag-in-production".to_owned(),
        "/en/webinars/rag-in-production/thanks".to_owned(),
        "/en/whitepapers".to_owned(),
        "/en/whitepapers/llm-evaluation-guide".to_owned(),
        "/en/articles".to_owned(),
        "/de/artikel/suche-die-versteht-was-kunden-meinen".to_owned(),
        "/en/authors/aylin-demir".to_owned(),
        "/de/kontakt".to_owned(),
        "/en/contact".to_owned(),
        "/en/newsletter/subscribe".to_owned(),
        "/en/search?q=software".to_owned(),
        "/en/no-such-page".to_owned(),
    ];
    pages.push(registered);
    // A newsletter issue that went out: its web version in both languages, and the archive.
    let now = jiff::Timestamp::now();
    let issue = magnetiq::mailings::store::create_with(
        &app.state.db,
        1,
        &[
            ("en".to_owned(), "Spring news".to_owned()),
            (
                "de".to_owned(),
                "Frühlingsneuigkeiten von Magnetiq".to_owned(),
            ),
        ]
        .into(),
        &Default::default(),
        &[
            magnetiq::mailings::model::MailBlock::Heading {
                text: [("en".to_owned(), "What is new".to_owned())].into(),
            },
            magnetiq::mailings::model::MailBlock::Button {
                label: [("en".to_owned(), "Book a call".to_owned())].into(),
                url: [("en".to_owned(), "/en/book".to_owned())].into(),
            },
            magnetiq::mailings::model::MailBlock::Webinar {
                path: "webinars/rag-in-production".to_owned(),
            },
        ],
        now,
    )
    .await
    .unwrap();
    magnetiq::mailings::store::schedule(
        &app.state.db,
        issue,
        magnetiq::mailings::model::Status::Draft,
        now,
        now,
    )
    .await
    .unwrap();
    magnetiq::mailings::sender::start_due(&app.state, now)
        .await
        .unwrap();
    magnetiq::db::settings::set_flag(&app.state.db, magnetiq::mailings::ARCHIVE_SETTING, true)
        .await
        .unwrap();
    pages.push(format!("/en/newsletter/issues/{issue}"));
    pages.push(format!("/de/newsletter/issues/{issue}"));
    pages.push("/de/newsletter".to_owned());
    for dark in [false, true] {
        let profile = tempfile::tempdir().unwrap();
        let (_driver, c) = start_phone(profile.path(), dark).await;
        for path in &pages {
            fits_a_phone(&c, &app, path).await;
        }
        // The menu folds: the header is one row and a button, and "Menu" opens the navigation.
        c.goto(&app.url("/en/")).await.unwrap();
        let header: f64 = c
            .execute(
                "return document.querySelector('.site-header').getBoundingClientRect().height",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(header < 140.0, "the phone's header is {header} px tall");
        click(&c, ".menu-toggle").await;
        click(&c, ".site-menu nav a[href='/en/about']").await;
        wait_for_path(&c, "/en/about").await;

        // After a refused form the phone shows the error summary, not the page's top.
        for (path, submit) in [
            (
                "/en/book",
                ".booking-form button[type=submit]:not([name=show])",
            ),
            (
                "/en/webinars/rag-in-production",
                ".registration-form button[type=submit]",
            ),
            (
                "/en/whitepapers/llm-evaluation-guide",
                ".whitepaper-form button[type=submit]",
            ),
            ("/en/contact", ".contact-form button[type=submit]"),
            ("/en/services", ".built-form button[type=submit]"),
        ] {
            refused_in_view(
                &c,
                &app,
                path,
                submit,
                if dark {
                    "magnetiq-phone-dark"
                } else {
                    "magnetiq-phone"
                },
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_visitor_who_changes_the_consultant_after_the_times_were_shown_books_the_one_chosen() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = start_browser(profile.path()).await;
    c.goto(&app.url("/en/book")).await.unwrap();
    // The times shown are Aylin's; the visitor picks Tobias and one of those times.
    let second = find(&c, ".consultant-option:nth-of-type(2) strong").await;
    let chosen = second.text().await.unwrap();
    click(&c, ".consultant-option:nth-of-type(2) input").await;
    click(&c, "details.slot-day[open] .slot span").await;
    fill(&c, "#name", "Grete Müller").await;
    fill(&c, "#email", "grete@example.com").await;
    click(&c, ".booking-form input[name=consent]").await;
    click(&c, ".booking-form button[type=submit]:not([name=show])").await;
    // Never a booking for the old times: the form again, with the chosen consultant's times.
    text_where(&c, "#form-error", |t| t.contains("changed the consultant")).await;
    let checked: String = c
        .execute(
            "return document.querySelector('input[name=consultant]:checked').closest('label').querySelector('strong').textContent",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(checked, chosen);
    let bookings: i64 = magnetiq::db::sql("SELECT count(*) FROM bookings")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(bookings, 0);
    // Picking one of the times shown now books with them, and the confirmation names them.
    click(&c, "details.slot-day[open] .slot span").await;
    click(&c, ".booking-form button[type=submit]:not([name=show])").await;
    find(&c, ".reference").await;
    let details = text_where(&c, ".booking-details", |t| t.contains(&chosen)).await;
    assert!(details.contains(&chosen), "{details}");
    save_screenshot(&c, "magnetiq-booked-chosen-consultant.png").await;
}

async fn user_id_of_root(app: &TestApp) -> i64 {
    magnetiq::db::sql("SELECT id FROM users WHERE email = 'root@magnetiq.test'")
        .scalar(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn on_a_phone_every_admin_page_kind_fits_and_its_controls_are_thumb_sized() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn_with(|c| c.booking_limit = 1000).await;
    app.create_user("root@magnetiq.test", "admin", PASSWORD)
        .await;
    // One of each lead, so the lists and the detail pages have rows.
    let visitor = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let form = common::booking::booking_form(&app, &visitor, "").await;
    let booked = visitor
        .post(app.url("/en/book"))
        .header("origin", app.url(""))
        .form(&common::booking::fields(
            &form,
            &form.slots[0],
            "Grace Hopper",
        ))
        .send()
        .await
        .unwrap();
    assert!(booked.status().is_success(), "{}", booked.status());
    let token = common::contact::token(&app, &visitor).await;
    let sent = common::contact::post(
        &app,
        &visitor,
        "/en/contact/send",
        &common::contact::message(&token, "Ada Lovelace", "ada@example.com"),
    )
    .await;
    assert!(sent.status().is_success() || sent.status().is_redirection());
    common::webinars::sign_up(&app, "en", "rag-in-production", "Ada", "ada@example.com").await;
    let mut ids = Vec::new();
    for query in [
        "SELECT min(id) FROM bookings",
        "SELECT min(id) FROM contact_messages",
        "SELECT min(id) FROM webinars",
        "SELECT min(id) FROM pages",
        "SELECT min(id) FROM consultants",
        "SELECT min(id) FROM outbox",
        "SELECT min(id) FROM users",
        "SELECT min(id) FROM whitepapers",
        "SELECT min(id) FROM leads",
    ] {
        let id: i64 = magnetiq::db::sql(query)
            .scalar(&app.state.db)
            .await
            .unwrap();
        ids.push(id);
    }
    let issue = magnetiq::mailings::store::create_with(
        &app.state.db,
        user_id_of_root(&app).await,
        &[("en".to_owned(), "Spring news".to_owned())].into(),
        &Default::default(),
        &[
            magnetiq::mailings::model::MailBlock::Heading {
                text: [("en".to_owned(), "What is new".to_owned())].into(),
            },
            magnetiq::mailings::model::MailBlock::Button {
                label: Default::default(),
                url: Default::default(),
            },
        ],
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    let empty_issue = magnetiq::mailings::store::create(
        &app.state.db,
        user_id_of_root(&app).await,
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    let [
        booking,
        message,
        webinar,
        page,
        consultant,
        mail,
        user,
        whitepaper,
        lead,
    ] = ids[..]
    else {
        unreachable!("one id per table")
    };
    let pages = [
        "/admin".to_owned(),
        "/admin/pages".to_owned(),
        format!("/admin/pages/{page}"),
        "/admin/pages/new".to_owned(),
        format!("/admin/pages/{page}/blocks/new?type=webinar_teaser"),
        format!("/admin/pages/{page}/revisions"),
        format!("/admin/pages/{page}/delete"),
        "/admin/review".to_owned(),
        "/admin/translations".to_owned(),
        "/admin/media".to_owned(),
        "/admin/redirects".to_owned(),
        "/admin/webinars".to_owned(),
        format!("/admin/webinars/{webinar}"),
        format!("/admin/webinars/{webinar}/registrations"),
        "/admin/whitepapers".to_owned(),
        format!("/admin/whitepapers/{whitepaper}"),
        "/admin/whitepapers/leads".to_owned(),
        "/admin/leads".to_owned(),
        format!("/admin/leads/{lead}"),
        "/admin/webhooks".to_owned(),
        format!("/admin/pages/{page}/blocks/new?type=form"),
        "/admin/bookings".to_owned(),
        format!("/admin/bookings/{booking}"),
        "/admin/consultants".to_owned(),
        format!("/admin/consultants/{consultant}"),
        "/admin/messages".to_owned(),
        format!("/admin/messages/{message}"),
        "/admin/subscribers".to_owned(),
        "/admin/people".to_owned(),
        "/admin/people/ada@example.com".to_owned(),
        "/admin/users".to_owned(),
        format!("/admin/users/{user}"),
        "/admin/outbox".to_owned(),
        format!("/admin/outbox/{mail}"),
        "/admin/audit".to_owned(),
        "/admin/account/password".to_owned(),
        "/admin/account/preferences".to_owned(),
        "/admin/account/security".to_owned(),
        "/admin/account/sessions".to_owned(),
        "/admin/account/author".to_owned(),
        "/admin/articles".to_owned(),
        "/admin/articles/new".to_owned(),
        "/admin/articles/settings".to_owned(),
        "/admin/newsletter".to_owned(),
        format!("/admin/newsletter/{issue}"),
    ];
    let empty_issue_page = format!("/admin/newsletter/{empty_issue}");
    for dark in [false, true] {
        let profile = tempfile::tempdir().unwrap();
        let (_driver, c) = start_phone(profile.path(), dark).await;
        sign_in_as(&c, &app, "root@magnetiq.test").await;
        let mut problems = Vec::new();
        for path in &pages {
            problems.extend(phone_problem(&c, &app, path).await);
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // After a refused form the phone shows the error summary and outlines the fields.
        for (path, submit) in [
            ("/admin/pages/new", "button[value=save]"),
            (
                "/admin/users",
                "form[action='/admin/users/invite'] button[type=submit]",
            ),
            (
                "/admin/webhooks",
                "form[action='/admin/webhooks'] button[type=submit]",
            ),
            (
                empty_issue_page.as_str(),
                "form[action$='/send'] button[type=submit]",
            ),
        ] {
            refused_in_view(
                &c,
                &app,
                path,
                submit,
                if dark {
                    "magnetiq-admin-phone-dark"
                } else {
                    "magnetiq-admin-phone"
                },
            )
            .await;
        }
    }
}
