use crate::common::{TestApp, count, texts};

#[tokio::test]
async fn unknown_slug_gets_the_localized_404_page() {
    let app = TestApp::spawn().await;
    let response = app.get("/de/gibt-es-nicht").await;
    assert_eq!(response.status(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Seite nicht gefunden"]);
    assert_eq!(crate::common::attrs(&html, "html", "lang"), vec!["de"]);
    assert_eq!(
        crate::common::attrs(&html, "meta[name=robots]", "content"),
        vec!["noindex"]
    );
    // The navigation is there to help the visitor on.
    assert!(count(&html, ".menu a") >= 3);
}

#[tokio::test]
async fn unknown_language_prefix_gets_a_404_in_the_visitors_language() {
    let app = TestApp::spawn().await;
    let response = app
        .get_as_new_visitor("/fr/about", &[("Accept-Language", "de")])
        .await;
    assert_eq!(response.status(), 404);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Seite nicht gefunden"]);
    for path in ["/xx/", "/en/About", "/en/a%20b", "/en/about/extra", "/nope"] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn a_broken_page_row_gets_the_friendly_500_page_with_a_request_id() {
    let app = TestApp::spawn().await;
    // Valid JSON (the column's CHECK allows it) but not a localized text: a fault in the data.
    magnetiq::db::sql("UPDATE pages SET title = '{\"en\": 5}' WHERE slug = 'about'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let response = app.get("/de/ueber-uns").await;
    assert_eq!(response.status(), 500);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Bei uns ist etwas schiefgelaufen"]);
    let id = texts(&html, ".request-id");
    assert_eq!(id.len(), 1);
    assert_eq!(id[0].len(), 12, "request id {:?}", id[0]);
    let body = html.html();
    assert!(
        !body.contains("pages row"),
        "internal detail leaked into the page"
    );
    // Other pages keep working.
    assert_eq!(app.get("/de/kontakt").await.status(), 200);
}

#[tokio::test]
async fn wrong_method_and_oversized_bodies_never_get_a_500() {
    let app = TestApp::spawn().await;
    let post = app
        .client
        .post(app.url("/en/about"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405, "a page answers GET and HEAD only");
    assert_eq!(post.headers()["allow"], "GET, HEAD");
    let big = vec![b'a'; 2 * 1024 * 1024];
    let response = app
        .client
        .post(app.url("/en/about"))
        .body(big)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}
