//! Slugs per language: `/de/ueber-uns` is the German address of `/en/about`; every link, alternate
//! and sitemap entry uses each language's own address, another language's slug leads there with a
//! 301, and two pages never share an address in one language.
use crate::common::{TestApp, attrs, location, texts};

fn head_href(html: &scraper::Html, selector: &str) -> Vec<String> {
    attrs(html, selector, "href")
}

#[tokio::test]
async fn a_german_visitor_reads_about_us_at_its_german_address() {
    let app = TestApp::spawn().await;
    let base = &app.state.config.base_url;
    let german = app.page("/de/ueber-uns").await;
    assert_eq!(texts(&german, "main h1"), vec!["Über uns"]);
    // The switcher leads to the English address, and back.
    assert_eq!(
        attrs(&german, ".lang-switch a[hreflang=en]", "href"),
        vec!["/en/about"]
    );
    let english = app.page("/en/about").await;
    assert_eq!(
        attrs(&english, ".lang-switch a[hreflang=de]", "href"),
        vec!["/de/ueber-uns"]
    );
    // Alternates and canonical name each language's own address.
    assert_eq!(
        head_href(&german, "link[rel=canonical]"),
        vec![format!("{base}/de/ueber-uns")]
    );
    assert_eq!(
        head_href(&german, "link[rel=alternate][hreflang=en]"),
        vec![format!("{base}/en/about")]
    );
    assert_eq!(
        head_href(&english, "link[rel=alternate][hreflang=de]"),
        vec![format!("{base}/de/ueber-uns")]
    );
    // The German navigation, breadcrumbs and footer link there; the privacy links of the forms
    // too.
    let home = app.page("/de/").await;
    let links = attrs(&home, "header nav a", "href");
    assert!(links.contains(&"/de/ueber-uns".to_owned()), "{links:?}");
    assert!(!links.iter().any(|l| l == "/de/about"), "{links:?}");
    let footer = attrs(&home, "footer a", "href");
    assert!(footer.contains(&"/de/impressum".to_owned()), "{footer:?}");
    assert!(footer.contains(&"/de/datenschutz".to_owned()), "{footer:?}");
    let contact = app.page("/de/kontakt").await;
    let privacy = attrs(&contact, "form a[href$=datenschutz]", "href");
    assert!(
        !privacy.is_empty(),
        "the contact form links the German privacy page"
    );
    let booking = app.page("/de/book").await;
    assert!(!attrs(&booking, "a[href='/de/datenschutz']", "href").is_empty());
    // The sitemap lists each language's address with its alternates.
    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(
        sitemap.contains(&format!("<loc>{base}/de/ueber-uns</loc>")),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(&format!(
            r#"<xhtml:link rel="alternate" hreflang="de" href="{base}/de/ueber-uns"/>"#
        )),
        "{sitemap}"
    );
    assert!(!sitemap.contains(&format!("{base}/de/about<")), "{sitemap}");
}

#[tokio::test]
async fn another_languages_slug_leads_to_this_languages_address() {
    let app = TestApp::spawn().await;
    for (asked, to) in [
        ("/de/about", "/de/ueber-uns"),
        ("/en/ueber-uns", "/en/about"),
        (
            "/de/about?utm_source=flyer",
            "/de/ueber-uns?utm_source=flyer",
        ),
        ("/en/kontakt", "/en/contact"),
    ] {
        let r = app.get(asked).await;
        assert_eq!(r.status(), 301, "{asked}");
        assert_eq!(location(&r), to, "{asked}");
    }
    // Pages without a German slug answer at the English one in German.
    assert_eq!(app.get("/de/faq").await.status(), 200);
    assert_eq!(app.get("/de/keine-seite").await.status(), 404);
}

#[tokio::test]
async fn editors_give_a_page_its_own_address_per_language_and_addresses_stay_unique() {
    let app = TestApp::signed_in("editor").await;
    let faq = app.page_id("faq").await;
    let edit = app.page(&format!("/admin/pages/{faq}")).await;
    assert_eq!(
        attrs(&edit, "input[name='slug.de']", "placeholder"),
        vec!["faq"],
        "the German address field shows the address it falls back to"
    );
    let saved = app
        .save_page_form("faq", &[("slug.de", "haeufige-fragen")])
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(app.get("/de/haeufige-fragen").await.status(), 200);
    assert_eq!(app.get("/en/faq").await.status(), 200);
    // The German address moved: the old one is a permanent redirect now (recorded, not guessed).
    let old = app.get("/de/faq").await;
    assert_eq!(
        (old.status().as_u16(), location(&old)),
        (301, "/de/haeufige-fragen")
    );
    let recorded: i64 = magnetiq::db::sql(
        "SELECT count(*) FROM redirects WHERE from_path = '/de/faq' AND to_path = '/de/haeufige-fragen'",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    let form = app.page(&format!("/admin/pages/{faq}")).await;
    assert_eq!(
        attrs(&form, "input[name='slug.de']", "value"),
        vec!["haeufige-fragen"]
    );

    // Another page may not take that German address ...
    let taken = app
        .save_page_form("imprint", &[("slug.de", "haeufige-fragen")])
        .await;
    assert_eq!(taken.status(), 422);
    let html = scraper::Html::parse_document(&taken.text().await.unwrap());
    assert_eq!(
        attrs(&html, "input[name='slug.de']", "value"),
        vec!["haeufige-fragen"],
        "the input is kept"
    );
    assert_eq!(
        texts(&html, "#slug-de-error"),
        vec!["Another page already answers at this address in German."]
    );
    // ... nor answer at it by its English slug while it has no German one.
    let clash = app
        .save_page_form("faq", &[("slug", "ueber-uns"), ("slug.de", "")])
        .await;
    assert_eq!(clash.status(), 422, "about is at /de/ueber-uns already");
    assert_eq!(app.get("/en/faq").await.status(), 200, "nothing saved");
    // A German slug has the same rules as any slug.
    for bad in ["Häufige Fragen", "book", "search", "a--b"] {
        let refused = app.save_page_form("faq", &[("slug.de", bad)]).await;
        assert_eq!(refused.status(), 422, "{bad}");
        let html = scraper::Html::parse_document(&refused.text().await.unwrap());
        assert_eq!(attrs(&html, "input[name='slug.de']", "value"), vec![bad]);
    }
    // A slug per language is unique in the database itself, whatever the form does.
    let other = app.page_id("imprint").await;
    let duplicate = magnetiq::db::sql(
        "INSERT INTO page_slugs (lang, slug, page_id) VALUES ('de', 'haeufige-fragen', $1)",
    )
    .bind(other)
    .execute(&app.state.db)
    .await;
    assert!(duplicate.is_err());
}

#[tokio::test]
async fn a_revision_brings_back_the_addresses_it_had() {
    let app = TestApp::signed_in("editor").await;
    let about = app.page_id("about").await;
    assert_eq!(
        app.save_page_form("about", &[("slug.de", "wir")])
            .await
            .status(),
        303
    );
    assert_eq!(app.get("/de/wir").await.status(), 200);
    // The revision before the change had the German slug ueber-uns.
    let revisions = app.page(&format!("/admin/pages/{about}/revisions")).await;
    let restore = attrs(&revisions, "form[action$='/restore']", "action");
    let first = restore.last().expect("a revision to restore");
    let restored = app
        .post_form(first, &format!("/admin/pages/{about}/revisions"), &[])
        .await;
    assert_eq!(restored.status(), 303);
    assert_eq!(app.get("/de/ueber-uns").await.status(), 200);
    let moved = app.get("/de/wir").await;
    assert_eq!(
        (moved.status().as_u16(), location(&moved)),
        (301, "/de/ueber-uns")
    );
}
