//! What a CDN or reverse proxy in front of Magnetiq may keep: public pages without cookies, with the
//! operator's `Cache-Control`; never anything personal; and one address per page.
use crate::common::{TestApp, location};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_page_sets_the_language_cookie_only_when_the_visitor_switched_language() {
    let app = TestApp::spawn().await;
    // A first visit in the browser's own language: nothing to remember, nothing to keep private.
    let first = app
        .get_as_new_visitor("/en/about", &[("Accept-Language", "en-GB,en;q=0.9")])
        .await;
    assert_eq!(first.status(), 200);
    assert!(first.headers().get("set-cookie").is_none());
    assert_eq!(header(&first, "cache-control"), Some("no-cache"));
    // A crawler or monitor says nothing about its language: nothing to remember.
    let crawler = app.get_as_new_visitor("/de/about", &[]).await;
    assert!(crawler.headers().get("set-cookie").is_none());
    // A returning visitor whose cookie matches the page: no cookie either.
    let returning = app
        .get_as_new_visitor(
            "/de/about",
            &[("Cookie", "lang=de"), ("Accept-Language", "en")],
        )
        .await;
    assert!(returning.headers().get("set-cookie").is_none());
    // Reading German after English: remembered, and kept out of shared caches.
    let switched = app
        .get_as_new_visitor("/de/", &[("Cookie", "lang=en")])
        .await;
    let cookie = header(&switched, "set-cookie").unwrap();
    assert!(cookie.starts_with("lang=de;"), "{cookie}");
    assert_eq!(
        header(&switched, "cache-control"),
        Some("private, no-cache")
    );
    // A German browser reading English chose English: remembered too, so `/` brings them back.
    let chose = app
        .get_as_new_visitor("/en/", &[("Accept-Language", "de-DE,de;q=0.9")])
        .await;
    assert!(
        header(&chose, "set-cookie")
            .unwrap()
            .starts_with("lang=en;")
    );
    // The same holds for a page rendered just now and for one answered from the cache.
    for _ in 0..2 {
        let response = app
            .get_as_new_visitor("/en/services", &[("Cookie", "theme=dark; lang=en")])
            .await;
        assert!(response.headers().get("set-cookie").is_none());
    }
}

#[tokio::test]
async fn the_operator_lets_shared_caches_keep_public_pages_and_nothing_personal() {
    let app = TestApp::spawn_with(|config| config.public_max_age = Some(120)).await;
    let public = "public, max-age=120, stale-while-revalidate=120";
    for path in ["/en/", "/de/about", "/en/services"] {
        let cookie = format!("lang={}", &path[1..3]);
        for _ in 0..2 {
            let response = app
                .get_as_new_visitor(path, &[("Accept-Encoding", "br"), ("Cookie", &cookie)])
                .await;
            assert_eq!(response.status(), 200);
            assert_eq!(header(&response, "cache-control"), Some(public), "{path}");
            assert!(response.headers().get("set-cookie").is_none(), "{path}");
        }
    }
    // A visitor switching language gets their cookie on an answer no shared cache keeps.
    let switched = app
        .get_as_new_visitor("/de/", &[("Cookie", "lang=en")])
        .await;
    assert_eq!(
        header(&switched, "cache-control"),
        Some("private, no-cache")
    );
    // Forms with tokens, error pages and everything in the admin are never kept.
    for path in ["/en/book", "/en/no-such-page", "/admin/login"] {
        let response = app.get_as_new_visitor(path, &[]).await;
        assert_eq!(
            header(&response, "cache-control"),
            Some("no-store"),
            "{path}"
        );
    }
    app.sign_in_as("editor").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM pages WHERE slug = 'careers'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    for path in [
        "/admin/pages".to_owned(),
        format!("/admin/pages/{id}/preview/en"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            Some("no-store"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn without_a_setting_public_pages_are_revalidated_every_time() {
    let app = TestApp::spawn().await;
    let response = app.get_as_new_visitor("/en/", &[]).await;
    assert_eq!(header(&response, "cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn another_spelling_of_an_address_is_sent_to_the_one_canonical_address() {
    let app = TestApp::spawn().await;
    for (asked, canonical) in [
        ("/EN/", "/en/"),
        ("/De/about", "/de/about"),
        ("/en/about/", "/en/about"),
        ("/DE/about//", "/de/about"),
        (
            "/EN/about/?utm_source=newsletter",
            "/en/about?utm_source=newsletter",
        ),
        ("/en/book/", "/en/book"),
        ("/En/book", "/en/book"),
        ("/en/%61bout", "/en/about"),
    ] {
        // Twice: once before the page is cached and once after.
        for _ in 0..2 {
            let response = app.get(asked).await;
            assert_eq!(response.status(), 301, "{asked}");
            assert_eq!(location(&response), canonical, "{asked}");
            let target = app.get(canonical).await;
            assert_eq!(target.status(), 200, "{canonical}");
        }
    }
    // Unknown languages stay unknown.
    assert_eq!(app.get("/FR/about").await.status(), 404);
    assert_eq!(app.get("/fr/about/").await.status(), 404);
}
