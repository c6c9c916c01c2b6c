use crate::common::{TestApp, attrs, texts};

#[tokio::test]
async fn fingerprinted_assets_are_cached_for_a_year_and_revalidate_with_etags() {
    let app = TestApp::spawn().await;
    let home = app.page("/en/").await;
    let css = attrs(&home, "link[rel=stylesheet]", "href").remove(0);
    assert!(css.starts_with("/static/site.css?v="), "{css}");
    let response = app.get(&css).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cache.contains("max-age=31536000") && cache.contains("immutable"),
        "{cache}"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let again = app.get_with(&css, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status(), 304);
    // Without the fingerprint it is cached briefly only.
    let plain = app.get("/static/site.css?v=stale").await;
    assert!(
        plain.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=3600")
    );
}

#[tokio::test]
async fn static_never_serves_outside_its_folder_nor_odd_paths() {
    let app = TestApp::spawn().await;
    // Files the operator placed beside the data (and a dotfile) that must never be reachable.
    std::fs::create_dir_all(app.data_dir.path().join("static")).unwrap();
    std::fs::write(app.data_dir.path().join("static/.secret"), "dotfile").unwrap();
    std::fs::write(app.data_dir.path().join("secret.txt"), "outside").unwrap();
    let long = "a".repeat(300);
    let odd = [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2E%2E/%2E%2E/etc/passwd",
        "/static/..%2fsecret.txt",
        "/static/..%2Fmagnetiq.db",
        "/static/%2e%2e%2fsecret.txt",
        "/static/..\\secret.txt",
        "/static/..%5csecret.txt",
        "/static/img%2fhero.svg",
        "/static/x%00.css",
        "/static/site.css/x",
        "/static/site.css%00",
        "/static/.secret",
        "/static/",
        "/static/img/",
        "/static//etc/passwd",
        &format!("/static/{long}"),
        &format!("/static/{long}.css"),
    ];
    for path in odd {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("dotfile") && !body.contains("outside") && !body.contains("[package]"),
            "{path} leaked"
        );
        let html = scraper::Html::parse_document(&body);
        assert_eq!(texts(&html, "h1"), vec!["Page not found"], "{path}");
    }
}

#[tokio::test]
async fn operator_files_in_the_data_folder_are_served_under_static() {
    let app = TestApp::spawn().await;
    std::fs::create_dir_all(app.data_dir.path().join("static/brand")).unwrap();
    std::fs::write(
        app.data_dir.path().join("static/brand/logo.txt"),
        "our logo",
    )
    .unwrap();
    let response = app.get("/static/brand/logo.txt").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("etag"));
    assert_eq!(response.text().await.unwrap(), "our logo");

    // A replaced file is served within a few seconds, without a restart.
    std::fs::write(
        app.data_dir.path().join("static/brand/logo.txt"),
        "our new logo",
    )
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        app.get("/static/brand/logo.txt")
            .await
            .text()
            .await
            .unwrap(),
        "our new logo"
    );
    // A removed one is gone.
    std::fs::remove_file(app.data_dir.path().join("static/brand/logo.txt")).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(app.get("/static/brand/logo.txt").await.status(), 404);
}
