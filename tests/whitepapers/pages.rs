//! The library's public pages: the list with its category and tag filters, a whitepaper's page
//! (JSON-LD, Open Graph, escaping), the footer column and the teaser block that follow edits, and
//! the sitemap.
use super::common::whitepapers::{self, add_pdf, create, fields, save_paper};
use super::common::{attrs, count, texts};
use super::spawn;

#[tokio::test]
async fn the_demo_library_lists_three_whitepapers_filtered_by_plain_links() {
    let app = spawn().await;
    let html = app.page("/en/whitepapers").await;
    assert_eq!(texts(&html, "h1"), ["Whitepapers"]);
    assert_eq!(count(&html, ".whitepaper-card"), 3);
    let categories = texts(&html, ".whitepaper-filters .filter-list:first-child a");
    assert_eq!(categories, ["All topics", "AI Engineering", "Strategy"]);
    let strategy = attrs(&html, ".whitepaper-filters a", "href")
        .into_iter()
        .find(|h| h.ends_with("category=strategy"))
        .expect("a plain link per category");
    let filtered = app.page(&strategy).await;
    assert_eq!(
        texts(&filtered, ".whitepaper-card h2"),
        ["Ready for the EU AI Act"]
    );
    assert_eq!(
        attrs(&filtered, "meta[name=robots]", "content"),
        ["noindex, follow"],
        "filtered lists are not indexed twice"
    );
    assert_eq!(
        attrs(&filtered, ".whitepaper-filters a[aria-current]", "href"),
        [strategy]
    );
    let tagged = app.page("/en/whitepapers?tag=mlops").await;
    assert_eq!(
        texts(&tagged, ".whitepaper-card h2"),
        ["The MLOps checklist for mid-sized companies"]
    );
    let none = app.page("/en/whitepapers?tag=nothing-here").await;
    assert_eq!(count(&none, ".whitepaper-card"), 0);
    assert_eq!(
        texts(&none, ".whitepapers > p"),
        ["No whitepapers match this filter yet."]
    );
    // German speaks German, with the German labels.
    let html = app.page("/de/whitepapers").await;
    assert_eq!(texts(&html, "h1"), ["Whitepaper"]);
    assert!(texts(&html, ".whitepaper-filters a").contains(&"KI-Entwicklung".to_owned()));
    assert!(
        texts(&html, ".whitepaper-card h2").contains(&"Bereit für die KI-Verordnung".to_owned())
    );
}

#[tokio::test]
async fn a_whitepaper_page_says_what_search_engines_and_social_cards_need() {
    let app = spawn().await;
    let (en, _) = add_pdf(&app, "described").await;
    let mut paper = fields("described", vec![("en".to_owned(), Some(en))]);
    paper.cover_image = "/static/img/whitepaper.svg".into();
    save_paper(&app, None, &paper).await;
    let html = app.page("/de/whitepapers/described").await;
    assert_eq!(texts(&html, "h1"), ["Papier described"]);
    assert_eq!(
        attrs(&html, "meta[property='og:title']", "content"),
        ["Papier described"]
    );
    assert_eq!(
        attrs(&html, "meta[property='og:image']", "content"),
        ["http://magnetiq.test/static/img/whitepaper.svg"]
    );
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        ["http://magnetiq.test/de/whitepapers/described"]
    );
    assert_eq!(
        attrs(&html, "link[rel=alternate][hreflang=en]", "href"),
        ["http://magnetiq.test/en/whitepapers/described"]
    );
    let json_ld = texts(&html, "script[type='application/ld+json']").remove(0);
    let report: serde_json::Value = serde_json::from_str(&json_ld).expect("JSON-LD parses");
    assert_eq!(report["@type"], "Report");
    assert_eq!(report["headline"], "Papier described");
    assert_eq!(report["author"]["name"], "Aylin Demir");
    assert_eq!(report["author"]["jobTitle"], "Leitung");
    let yesterday = (time::OffsetDateTime::now_utc().date() - time::Duration::days(1)).to_string();
    assert_eq!(report["datePublished"], yesterday.as_str());
    assert_eq!(report["inLanguage"], "de");
    assert_eq!(report["numberOfPages"], 4);
    // Facts a reader looks for, and the tag and category as filter links back to the list.
    assert!(texts(&html, ".whitepaper-facts dd").contains(&"Aylin Demir, Leitung".to_owned()));
    assert_eq!(
        attrs(&html, ".tags a", "href"),
        ["/de/whitepapers?tag=rust"]
    );
    assert_eq!(
        texts(&html, ".whitepaper-preview blockquote"),
        ["A first paragraph."]
    );
    // Unknown, draft and malformed addresses: 404.
    let mut draft = fields("secret-draft", vec![("en".to_owned(), Some(en))]);
    draft.status = magnetiq::whitepapers::model::WhitepaperStatus::Draft;
    save_paper(&app, None, &draft).await;
    for path in [
        "/en/whitepapers/secret-draft",
        "/en/whitepapers/nowhere",
        "/en/whitepapers/%FF%FE",
        "/xx/whitepapers",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    assert!(
        !app.get("/en/whitepapers")
            .await
            .text()
            .await
            .unwrap()
            .contains("secret-draft")
    );
}

#[tokio::test]
async fn what_editors_type_is_escaped_everywhere_it_shows() {
    let app = spawn().await;
    let (en, _) = add_pdf(&app, "escaped").await;
    let mut paper = fields("escaped", vec![("en".to_owned(), Some(en))]);
    let hostile = r#"<script>alert(1)</script></script>"#;
    paper.title = magnetiq::db::JsonText::of(&serde_json::json!({ "en": hostile })).unwrap();
    paper.summary = paper.title.clone();
    paper.author_name = hostile.into();
    paper.description_html = magnetiq::db::JsonText::of(&serde_json::json!({
        "en": magnetiq::content::blocks::markdown_to_safe_html(hostile)
    }))
    .unwrap();
    save_paper(&app, None, &paper).await;
    for path in ["/en/whitepapers", "/en/whitepapers/escaped", "/en/about"] {
        let body = app.get(path).await.text().await.unwrap();
        assert!(!body.contains("<script>alert"), "{path}");
    }
    let html = app.page("/en/whitepapers/escaped").await;
    let json_ld = texts(&html, "script[type='application/ld+json']").remove(0);
    let report: serde_json::Value = serde_json::from_str(&json_ld).unwrap();
    assert_eq!(
        report["headline"], hostile,
        "the JSON-LD keeps the text, safely"
    );
}

#[tokio::test]
async fn the_footer_and_the_teaser_block_list_the_latest_and_follow_edits() {
    let app = spawn().await;
    let footer =
        |html: &scraper::Html| texts(html, "footer nav[aria-label='Latest whitepapers'] a");
    let before = app.page("/en/about").await;
    assert_eq!(
        footer(&before),
        [
            "Evaluating language models before your customers do",
            "The MLOps checklist for mid-sized companies",
            "Ready for the EU AI Act",
            "All whitepapers"
        ],
        "newest first"
    );
    let german = app.page("/de/ueber-uns").await;
    assert_eq!(
        texts(&german, "footer nav[aria-label='Neueste Whitepaper'] a")
            .last()
            .unwrap(),
        "Alle Whitepaper"
    );
    // Two more: the footer keeps four and the way to all.
    let (id, _, _) = create(&app, "newest-one").await;
    let mut older = fields("older-one", vec![]);
    older.published_on = "2020-01-01".parse().unwrap();
    older.status = magnetiq::whitepapers::model::WhitepaperStatus::Draft;
    save_paper(&app, None, &older).await;
    let after = app.page("/en/about").await;
    assert_eq!(footer(&after).len(), 5);
    assert_eq!(footer(&after)[0], "Paper newest-one");

    // A page with a teaser block of one category, as an editor adds it.
    app.sign_in_as("editor").await;
    let page = app.page_id("services").await;
    let version = app.page_version(page).await;
    let added = app
        .post_form(
            &format!("/admin/pages/{page}/blocks/new?type=whitepaper_teaser"),
            &format!("/admin/pages/{page}"),
            &[
                ("version", &version),
                ("title.en", "Read more"),
                ("count", "2"),
                ("category", "ai-engineering"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let html = app.page("/en/services").await;
    assert_eq!(texts(&html, ".block-whitepaper-teaser h2"), ["Read more"]);
    assert_eq!(
        texts(&html, ".block-whitepaper-teaser h3"),
        [
            "Evaluating language models before your customers do",
            "The MLOps checklist for mid-sized companies"
        ],
        "the newest two of the category"
    );

    // An edit shows on the next request, in the footer and the block.
    let mut renamed = fields("newest-one", vec![]);
    renamed.title = magnetiq::db::JsonText::from(r#"{"en": "Freshly renamed"}"#);
    renamed.category = magnetiq::db::JsonText::from(
        r#"{"key": "ai-engineering", "label": {"en": "AI Engineering"}}"#,
    );
    renamed.status = magnetiq::whitepapers::model::WhitepaperStatus::Draft;
    save_paper(&app, Some(id), &renamed).await;
    assert!(!footer(&app.page("/en/about").await).contains(&"Paper newest-one".to_owned()));
    renamed.status = magnetiq::whitepapers::model::WhitepaperStatus::Published;
    let (pdf, _) = add_pdf(&app, "renamed").await;
    renamed.files = vec![("en".to_owned(), Some(pdf))];
    save_paper(&app, Some(id), &renamed).await;
    assert_eq!(footer(&app.page("/en/about").await)[0], "Freshly renamed");
    assert_eq!(
        texts(
            &app.page("/en/services").await,
            ".block-whitepaper-teaser h3"
        )[0],
        "Freshly renamed"
    );
}

#[tokio::test]
async fn the_sitemap_lists_the_library_and_each_whitepaper_in_every_language() {
    let app = spawn().await;
    whitepapers::create(&app, "mapped").await;
    let mut draft = fields("secret-draft", vec![]);
    draft.status = magnetiq::whitepapers::model::WhitepaperStatus::Draft;
    save_paper(&app, None, &draft).await;
    let xml = app.get("/sitemap.xml").await.text().await.unwrap();
    for loc in [
        "<loc>http://magnetiq.test/en/whitepapers</loc>",
        "<loc>http://magnetiq.test/de/whitepapers</loc>",
        "<loc>http://magnetiq.test/en/whitepapers/mapped</loc>",
        "<loc>http://magnetiq.test/de/whitepapers/mapped</loc>",
        "<loc>http://magnetiq.test/en/whitepapers/ai-act-readiness</loc>",
    ] {
        assert!(xml.contains(loc), "{loc}");
    }
    assert!(xml.contains(r#"hreflang="de" href="http://magnetiq.test/de/whitepapers/mapped""#));
    assert!(!xml.contains("secret-draft"));
    assert!(!xml.contains("/download/"));
}
