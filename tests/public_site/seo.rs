use crate::common::TestApp;

#[tokio::test]
async fn sitemap_lists_every_published_page_in_every_language_with_alternates() {
    let app = TestApp::spawn().await;
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let xml = response.text().await.unwrap();
    let doc = roxmltree_lite::parse(&xml);
    let base = crate::common::BASE_URL;
    // 11 published demo pages, the webinars list and 4 demo webinars, the whitepapers list and 3
    // demo whitepapers, the articles list, 3 categories, 2 authors and 8 articles, × 2 languages.
    assert_eq!(doc.locs.len(), 68, "{:?}", doc.locs);
    for loc in [
        format!("{base}/en/"),
        format!("{base}/de/"),
        format!("{base}/de/ai-engineering"),
        format!("{base}/en/imprint"),
        format!("{base}/de/webinars"),
        format!("{base}/en/webinars/document-ai-basics"),
        format!("{base}/de/whitepapers/mlops-checklist"),
    ] {
        assert!(doc.locs.contains(&loc), "{loc} missing");
    }
    // Each URL names all its language versions plus x-default.
    assert!(xml.contains(&format!(
        r#"<xhtml:link rel="alternate" hreflang="de" href="{base}/de/ueber-uns"/>"#
    )));
    assert!(xml.contains(&format!(
        r#"<xhtml:link rel="alternate" hreflang="x-default" href="{base}/en/about"/>"#
    )));
    assert_eq!(xml.matches("<xhtml:link").count(), 68 * 3);
}

#[tokio::test]
async fn robots_txt_allows_crawling_and_points_at_the_sitemap() {
    let app = TestApp::spawn().await;
    let response = app.get("/robots.txt").await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains("User-agent: *"));
    assert!(body.contains("Disallow: /admin"));
    assert!(body.contains("Sitemap: http://magnetiq.test/sitemap.xml"));
}

#[tokio::test]
async fn pages_carry_open_graph_and_json_ld() {
    let app = TestApp::spawn().await;
    let html = app.page("/de/ai-engineering").await;
    let og_title = crate::common::attrs(&html, "meta[property='og:title']", "content");
    assert_eq!(og_title, vec!["KI-Entwicklung"]);
    assert_eq!(
        crate::common::attrs(&html, "meta[property='og:locale']", "content"),
        vec!["de_DE"]
    );
    let description = crate::common::attrs(&html, "meta[name=description]", "content");
    assert!(description[0].starts_with("Assistenten, Dokumentenverständnis"));
    let json_ld = crate::common::texts(&html, "script[type='application/ld+json']");
    let graph: serde_json::Value = serde_json::from_str(&json_ld[0]).unwrap();
    let types: Vec<&str> = graph["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["@type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["Organization", "WebPage", "BreadcrumbList"]);
    let crumbs: Vec<&str> = graph["@graph"][2]["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(crumbs, vec!["Startseite", "Leistungen", "KI-Entwicklung"]);
}

#[tokio::test]
async fn healthz_answers_while_the_database_does_and_503_when_it_does_not() {
    let app = TestApp::spawn().await;
    let ok = app.get("/healthz").await;
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&ok.text().await.unwrap()).unwrap();
    assert_eq!(body["status"], "ok");

    app.state.db.close().await;
    let down = app.get("/healthz").await;
    assert_eq!(down.status(), 503);
    let body: serde_json::Value = serde_json::from_str(&down.text().await.unwrap()).unwrap();
    assert_eq!(body["status"], "unavailable");
}

/// Just enough XML reading for the sitemap: the `<loc>` values.
mod roxmltree_lite {
    pub struct Doc {
        pub locs: Vec<String>,
    }

    pub fn parse(xml: &str) -> Doc {
        assert!(xml.starts_with("<?xml"), "not an XML document");
        let locs = xml
            .split("<loc>")
            .skip(1)
            .map(|rest| rest.split("</loc>").next().unwrap().to_owned())
            .collect();
        Doc { locs }
    }
}
