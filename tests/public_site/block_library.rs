//! The block library on the public site: the demo's packages page shows stats, pricing, a table, a
//! divider, testimonials, a gallery, columns, an FAQ (with FAQPage structured data) and a
//! consultant's card, in each language; a card whose consultant is no longer bookable steps aside.
use crate::common::{TestApp, attrs, count, texts};

#[tokio::test]
async fn the_packages_page_shows_every_library_block_in_both_languages() {
    let app = TestApp::spawn().await;
    let en = app.page("/en/packages").await;
    assert_eq!(texts(&en, ".stat dd"), ["120+", "14 days", "98 %"]);
    assert_eq!(count(&en, ".plan"), 3);
    assert_eq!(texts(&en, ".plan-highlighted h3"), ["Prototype"]);
    assert_eq!(
        attrs(&en, ".plan-highlighted a.button", "href"),
        ["/en/book"]
    );
    assert_eq!(
        texts(&en, ".block-table thead th"),
        ["Included", "Workshop", "Prototype", "Partnership"]
    );
    assert_eq!(count(&en, ".block-table tbody tr"), 3);
    assert_eq!(count(&en, "hr.block-divider"), 1);
    assert_eq!(count(&en, ".testimonial"), 2);
    assert_eq!(
        attrs(&en, ".gallery-grid a.gallery-link", "href"),
        [
            "/static/img/team.svg",
            "/static/img/code.svg",
            "/static/img/hero.svg"
        ]
    );
    assert_eq!(count(&en, ".block-columns.columns-2 .column h3"), 2);
    assert_eq!(count(&en, "details.faq-item"), 3);
    assert_eq!(
        attrs(&en, ".consultant-card a.button", "href"),
        ["/en/book?consultant=1"]
    );
    // Structured data: the questions as an FAQPage in the page's graph.
    let ld: serde_json::Value =
        serde_json::from_str(&texts(&en, "script[type='application/ld+json']")[0]).unwrap();
    let faq = ld["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@type"] == "FAQPage")
        .expect("an FAQPage");
    assert_eq!(faq["mainEntity"].as_array().unwrap().len(), 3);
    assert_eq!(faq["mainEntity"][0]["name"], "Do our data leave the EU?");

    let de = app.page("/de/packages").await;
    assert_eq!(texts(&de, ".plan-highlighted h3"), ["Prototyp"]);
    assert_eq!(texts(&de, ".plan-badge"), ["Empfohlen"]);
    assert_eq!(
        texts(&de, "details.faq-item summary")[0],
        "Verlassen unsere Daten die EU?"
    );
}

#[tokio::test]
async fn a_consultant_no_longer_bookable_leaves_no_empty_card() {
    let app = TestApp::spawn().await;
    assert_eq!(
        count(&app.page("/en/packages").await, ".consultant-card"),
        1
    );
    magnetiq::db::sql("UPDATE consultants SET active = $1")
        .bind(false)
        .execute(&app.state.db)
        .await
        .unwrap();
    magnetiq::booking::changed(&app.state).await.unwrap();
    let page = app.page("/en/packages").await;
    assert_eq!(count(&page, ".consultant-card"), 0);
    assert_eq!(count(&page, ".plan"), 3, "the rest renders");
}

#[tokio::test]
async fn a_broken_library_block_renders_nothing_and_the_page_still_answers() {
    let app = TestApp::spawn().await;
    let id = app.page_id("packages").await;
    // Stored by an older version or edited by hand: an FAQ without questions.
    magnetiq::db::sql(
        "UPDATE content_blocks SET content = $1 WHERE page_id = $2 AND block_type = 'faq'",
    )
    .bind(magnetiq::db::JsonText::from(r#"{"items": []}"#))
    .bind(id)
    .execute(&app.state.db)
    .await
    .unwrap();
    app.content_changed().await;
    let r = app.get("/en/packages").await;
    assert_eq!(r.status(), 200);
    let page = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(count(&page, "details.faq-item"), 0);
    assert_eq!(count(&page, ".plan"), 3);
}
