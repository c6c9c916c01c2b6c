use magnetiq::content::blocks::BlockKind;
use magnetiq::content::store::{self, NewPage};
use magnetiq::content::{PageStatus, Placement, Slug};
use magnetiq::db;
use magnetiq::i18n::{Lang, Localized};

use crate::common::{TestApp, attrs, count, texts};

fn lang(code: &str) -> Lang {
    Lang::parse(code).unwrap()
}

fn text(en: &str, de: &str) -> Localized<String> {
    Localized::new()
        .with(lang("en"), en.to_owned())
        .with(lang("de"), de.to_owned())
}

fn new_page(slug: &str, title: Localized<String>, status: PageStatus) -> NewPage {
    NewPage {
        slug: Slug::parse(slug).unwrap(),
        slugs: Localized::new(),
        title,
        summary: Localized::new(),
        meta_description: Localized::new(),
        status,
        parent_id: None,
        nav_order: 100,
        kind: Default::default(),
        article: Default::default(),
        placement: Placement::Main,
    }
}

/// The block types on a page, in the order they render.
fn block_classes(html: &scraper::Html) -> Vec<String> {
    let sel = scraper::Selector::parse(".blocks > .block").unwrap();
    html.select(&sel)
        .map(|e| {
            e.value()
                .classes()
                .find(|c| c.starts_with("block-"))
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn home_page_shows_its_blocks_in_order_in_both_languages() {
    let app = TestApp::spawn().await;
    let en = app.page("/en/").await;
    let expected = [
        "block-hero",
        "block-features",
        "block-rich-text",
        "block-quote",
        "block-cta",
    ];
    assert_eq!(block_classes(&en), expected);
    assert_eq!(
        texts(&en, "h1"),
        vec!["Software that learns. Teams that lead."]
    );
    assert_eq!(
        attrs(&en, ".hero-buttons a", "href"),
        vec!["/en/contact", "/en/services"]
    );

    let de = app.page("/de/").await;
    assert_eq!(block_classes(&de), expected);
    assert_eq!(
        texts(&de, "h1"),
        vec!["Software, die lernt. Teams, die führen."]
    );
    assert_eq!(
        attrs(&de, ".hero-buttons a", "href"),
        vec!["/de/kontakt", "/de/leistungen"]
    );
    assert!(texts(&de, ".block-rich-text h2").contains(&"Von der Idee in den Betrieb".to_string()));
    assert_eq!(texts(&de, ".block-features h3")[0], "Schnelle Ergebnisse");
}

#[tokio::test]
async fn every_block_type_renders_on_the_demo_site() {
    let app = TestApp::spawn().await;
    let about = app.page("/en/about").await;
    assert_eq!(texts(&about, ".block-heading h2"), vec!["Engineers first"]);
    assert_eq!(
        attrs(&about, ".block-image img", "src"),
        vec!["/static/img/team.svg"]
    );
    assert!(attrs(&about, ".block-image img", "alt")[0].contains("whiteboard"));
    assert_eq!(count(&about, ".block-image figcaption"), 1);
    assert_eq!(texts(&about, ".block-quote cite"), vec!["Tobias Krämer"]);

    let ai = app.page("/de/ai-engineering").await;
    let iframe = attrs(&ai, ".block-video iframe", "src");
    assert_eq!(
        iframe,
        vec!["https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"]
    );
    assert_eq!(
        attrs(&ai, ".block-video iframe", "title"),
        vec!["So läuft ein vierwöchiger KI-Prototyp ab"]
    );
    assert_eq!(attrs(&ai, ".block-cta a", "href"), vec!["/de/kontakt"]);
}

#[tokio::test]
async fn untranslated_page_falls_back_to_english_and_says_so() {
    let app = TestApp::spawn().await;
    let html = app.page("/de/cloud-consulting").await;
    assert_eq!(attrs(&html, "html", "lang"), vec!["de"]);
    assert_eq!(texts(&html, "h1"), vec!["Cloud consulting"]);
    // The English text inside the German page is marked as English for screen readers.
    assert_eq!(attrs(&html, ".block-rich-text", "lang"), vec!["en"]);
    // The German frame around it stays German.
    assert_eq!(texts(&html, ".skip-link"), vec!["Zum Inhalt springen"]);
}

#[tokio::test]
async fn navigation_has_dropdowns_for_child_pages_and_breadcrumbs() {
    let app = TestApp::spawn().await;
    let html = app.page("/de/software-development").await;
    let top: Vec<String> = texts(&html, ".menu > .menu-item > a");
    // The articles section last, once it has an article to show.
    assert_eq!(
        top,
        vec!["Über uns", "Leistungen", "Kontakt", "Pakete", "Insights"]
    );
    let children = attrs(&html, ".has-children .submenu a", "href");
    assert_eq!(
        children,
        vec![
            "/de/ai-engineering",
            "/de/software-development",
            "/de/cloud-consulting"
        ]
    );
    assert_eq!(
        attrs(&html, ".submenu a[aria-current=page]", "href"),
        vec!["/de/software-development"]
    );
    assert_eq!(
        texts(&html, ".breadcrumbs li"),
        vec!["Startseite", "Leistungen", "Softwareentwicklung"]
    );
    // Footer: services column, resources and legal pages.
    let footer = attrs(&html, ".site-footer a", "href");
    for href in [
        "/de/ueber-uns",
        "/de/ai-engineering",
        "/de/faq",
        "/de/impressum",
        "/de/datenschutz",
    ] {
        assert!(
            footer.contains(&href.to_string()),
            "{href} missing from the footer: {footer:?}"
        );
    }
    assert_eq!(attrs(&html, ".header-cta", "href"), vec!["/de/book"]);
}

#[tokio::test]
async fn draft_pages_are_not_visible_anywhere() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/en/careers").await.status(), 404);
    let home = app.page("/en/").await;
    assert!(!attrs(&home, "a", "href").contains(&"/en/careers".to_string()));
    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(!sitemap.contains("careers"));
}

#[tokio::test]
async fn scheduled_page_goes_live_by_itself_at_its_time() {
    let app = TestApp::spawn().await;
    let soon = db::now() + time::Duration::seconds(2);
    let page = new_page(
        "launch",
        text("Launch", "Start"),
        PageStatus::Scheduled(soon),
    );
    let blocks = vec![BlockKind::parse("heading", r#"{"text": {"en": "Live now"}}"#).unwrap()];
    store::create_page(
        &app.state.db,
        &page,
        blocks,
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    app.content_changed().await;

    assert_eq!(app.get("/en/launch").await.status(), 404);
    assert!(!attrs(&app.page("/en/").await, ".menu a", "href").contains(&"/en/launch".to_string()));

    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let live = app.page("/en/launch").await;
    assert_eq!(texts(&live, ".block-heading h2"), vec!["Live now"]);
    assert!(attrs(&app.page("/en/").await, ".menu a", "href").contains(&"/en/launch".to_string()));
}

#[tokio::test]
async fn text_typed_by_editors_is_escaped_everywhere() {
    let app = TestApp::spawn().await;
    let xss = r#"<script>alert(1)</script>"quoted" & </script>"#;
    let mut page = new_page("xss", text(xss, xss), PageStatus::Published(db::now()));
    page.meta_description = text(xss, xss);
    let heading = serde_json::json!({"text": {"en": xss}}).to_string();
    let quote = serde_json::json!({"text": {"en": xss}, "person": {"en": xss}}).to_string();
    let rich =
        serde_json::json!({"body": {"en": format!("hello {xss} <img src=x onerror=alert(1)>")}})
            .to_string();
    let blocks = vec![
        BlockKind::parse("heading", &heading).unwrap(),
        BlockKind::parse("quote", &quote).unwrap(),
        BlockKind::parse("rich_text", &rich).unwrap(),
    ];
    store::create_page(
        &app.state.db,
        &page,
        blocks,
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    app.content_changed().await;

    let body = app.get("/en/xss").await.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)"), "raw script in page");
    assert!(!body.contains("onerror"), "event handler survived");
    assert!(body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    // The JSON-LD holds the title without ever closing its <script> element early.
    assert_eq!(
        body.matches("</script>").count(),
        1,
        "only the JSON-LD element closes a script"
    );
    let html = scraper::Html::parse_document(&body);
    assert_eq!(texts(&html, "h1"), vec![xss]);
    let json_ld = texts(&html, "script[type='application/ld+json']");
    let parsed: serde_json::Value = serde_json::from_str(&json_ld[0]).unwrap();
    assert_eq!(parsed["@graph"][1]["name"], xss);
}

#[tokio::test]
async fn unknown_block_type_renders_nothing_and_the_rest_still_shows() {
    let app = TestApp::spawn().await;
    let page = new_page(
        "mixed",
        text("Mixed", "Gemischt"),
        PageStatus::Published(db::now()),
    );
    let blocks = vec![BlockKind::parse("heading", r#"{"text": {"en": "Before"}}"#).unwrap()];
    let id = store::create_page(
        &app.state.db,
        &page,
        blocks,
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    magnetiq::db::sql("INSERT INTO content_blocks (page_id, block_type, content, sort_order) VALUES ($1, 'carousel', '{}', 5)")
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    magnetiq::db::sql("INSERT INTO content_blocks (page_id, block_type, content, sort_order) VALUES ($1, 'call_to_action', $2, 6)")
        .bind(id)
        .bind(magnetiq::db::JsonText::from(r#"{"headline": {"en": "x"}, "label": {"en": "x"}, "url": {"en": "javascript:alert(1)"}}"#))
        .execute(&app.state.db)
        .await
        .unwrap();
    let html = app.page("/en/mixed").await;
    assert_eq!(texts(&html, ".block-heading h2"), vec!["Before"]);
    assert_eq!(count(&html, ".blocks > .block"), 1);
    assert!(
        !attrs(&html, "a", "href")
            .iter()
            .any(|h| h.starts_with("javascript"))
    );
}

#[tokio::test]
async fn a_long_page_renders_all_its_blocks_in_sort_order() {
    let app = TestApp::spawn().await;
    let page = new_page(
        "long",
        text("Long", "Lang"),
        PageStatus::Published(db::now()),
    );
    let blocks = (0..60)
        .map(|i| {
            BlockKind::parse(
                "heading",
                &format!(r#"{{"text": {{"en": "Section {i}"}}}}"#),
            )
            .unwrap()
        })
        .collect();
    store::create_page(
        &app.state.db,
        &page,
        blocks,
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    let html = app.page("/en/long").await;
    let headings = texts(&html, ".block-heading h2");
    assert_eq!(headings.len(), 60);
    assert_eq!(headings[59], "Section 59");
}

#[tokio::test]
async fn an_edit_is_visible_on_the_next_request_despite_the_page_cache() {
    let app = TestApp::spawn().await;
    let before = app.get("/en/about").await;
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        texts(
            &scraper::Html::parse_document(&before.text().await.unwrap()),
            "h1"
        ),
        vec!["About us"]
    );
    // Served again from memory, same validator.
    assert_eq!(
        app.get_with("/en/about", &[("If-None-Match", &etag)])
            .await
            .status(),
        304
    );

    let title: magnetiq::db::JsonText =
        magnetiq::db::sql("SELECT title FROM pages WHERE slug = 'about'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    let mut title: serde_json::Value = title.parse().unwrap();
    title["en"] = "About Magnetiq".into();
    magnetiq::db::sql("UPDATE pages SET title = $1 WHERE slug = 'about'")
        .bind(magnetiq::db::JsonText::of(&title).unwrap())
        .execute(&app.state.db)
        .await
        .unwrap();
    app.content_changed().await;

    let after = app.get_with("/en/about", &[("If-None-Match", &etag)]).await;
    assert_eq!(
        after.status(),
        200,
        "the old ETag must not match the edited page"
    );
    let html = scraper::Html::parse_document(&after.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["About Magnetiq"]);
    // The navigation everywhere shows the new title too.
    assert!(
        texts(&app.page("/en/contact").await, ".menu a").contains(&"About Magnetiq".to_string())
    );
}

#[tokio::test]
async fn the_sentence_under_a_title_is_the_summary_an_editor_changes_and_search_engines_read_the_meta_description()
 {
    let app = TestApp::signed_in("editor").await;
    let saved = app
        .save_page_form(
            "about",
            &[
                ("summary.en", "A new sentence under the title."),
                ("meta_description.en", "What search engines read about us."),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let html = app.page("/en/about").await;
    assert_eq!(
        texts(&html, ".page-header .lead"),
        vec!["A new sentence under the title."]
    );
    assert_eq!(
        attrs(&html, "meta[name=description]", "content"),
        vec!["What search engines read about us."]
    );
    // Without a meta description, search engines get the summary.
    app.save_page_form(
        "about",
        &[("meta_description.en", ""), ("action", "publish")],
    )
    .await;
    let html = app.page("/en/about").await;
    assert_eq!(
        attrs(&html, "meta[name=description]", "content"),
        vec!["A new sentence under the title."]
    );
    // The form says what each field does.
    let form = app
        .page(&format!("/admin/pages/{}", app.page_id("about").await))
        .await;
    assert!(texts(&form, "#summary-en-help")[0].contains("under the page title"));
    assert!(texts(&form, "#meta-en-help")[0].contains("search engines"));
}
