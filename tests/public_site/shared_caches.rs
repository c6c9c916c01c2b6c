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
    let crawler = app.get_as_new_visitor("/de/ueber-uns", &[]).await;
    assert!(crawler.headers().get("set-cookie").is_none());
    // A returning visitor whose cookie matches the page: no cookie either.
    let returning = app
        .get_as_new_visitor(
            "/de/ueber-uns",
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
    for path in ["/en/", "/de/ueber-uns", "/en/services"] {
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
    let id: i64 = magnetiq::db::sql("SELECT id FROM pages WHERE slug = 'careers'")
        .scalar(&app.state.db)
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
        ("/De/ueber-uns", "/de/ueber-uns"),
        ("/en/about/", "/en/about"),
        ("/DE/ueber-uns//", "/de/ueber-uns"),
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

/// A stand-in for the CDN or proxy in front: records each request (method, path, Host, body) and
/// answers with the statuses given, then 200.
struct FakeCdn {
    addr: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<CdnRequest>>>,
}

#[derive(Clone, Debug)]
struct CdnRequest {
    method: String,
    path: String,
    host: String,
    body: String,
}

impl FakeCdn {
    async fn start(mut statuses: Vec<u16>) -> FakeCdn {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        statuses.reverse();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length: usize = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse().unwrap())
                            })
                            .unwrap_or(0);
                        if body.len() >= length || n == 0 {
                            let mut words = head.split_whitespace();
                            let method = words.next().unwrap_or("").to_owned();
                            let path = words.next().unwrap_or("").to_owned();
                            let host = head
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("host:")
                                        .map(|v| v.trim().to_owned())
                                })
                                .unwrap_or_default();
                            log.lock().unwrap().push(CdnRequest {
                                method,
                                path,
                                host,
                                body: body.to_owned(),
                            });
                            break;
                        }
                    }
                    if n == 0 {
                        break;
                    }
                }
                let status = statuses.pop().unwrap_or(200);
                let answer = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        FakeCdn { addr, seen }
    }

    /// Waits (up to `secs`) until `done` holds for what was seen.
    async fn wait_for(&self, secs: u64, done: impl Fn(&[CdnRequest]) -> bool) -> Vec<CdnRequest> {
        for _ in 0..secs * 20 {
            let seen = self.seen.lock().unwrap().clone();
            if done(&seen) {
                return seen;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("not seen in {secs} s: {:?}", self.seen.lock().unwrap());
    }
}

fn purging(url: String, method: magnetiq::config::PurgeMethod) -> magnetiq::config::Purge {
    magnetiq::config::Purge {
        url: magnetiq::config::Secret(url),
        method,
    }
}

#[tokio::test]
async fn a_publish_purges_the_changed_addresses_from_the_cache_in_front() {
    let cdn = FakeCdn::start(vec![]).await;
    let url = format!("http://{}", cdn.addr);
    let app = TestApp::spawn_with(|c| {
        c.public_max_age = Some(3600);
        c.purge = Some(purging(url, magnetiq::config::PurgeMethod::Purge));
    })
    .await;
    app.sign_in_as("editor").await;
    // A change inside one page: that page in every language, and the sitemap.
    app.edit_first_heading(
        "about",
        "Engineers first, always",
        "Immer zuerst Ingenieure",
    )
    .await;
    let seen = cdn.wait_for(5, |s| s.len() >= 9).await;
    let mut purged: Vec<String> = seen
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    purged.sort();
    purged.dedup();
    assert_eq!(
        purged,
        vec![
            "PURGE /de/ueber-uns",
            "PURGE /en/about",
            "PURGE /sitemap.xml"
        ]
    );
    assert_eq!(seen.len(), 9, "one PURGE per address and coding: {seen:?}");
    assert!(seen.iter().all(|r| r.host == "magnetiq.test"), "{seen:?}");

    // A new title in the navigation changes every page.
    cdn.seen.lock().unwrap().clear();
    app.rename_page("about", "About Magnetiq").await;
    // Every published page in both languages, the articles section (its lists, feeds and
    // articles: their frames changed too) and the sitemap, in three codings each.
    let everywhere = [
        "/en/",
        "/de/",
        "/en/services",
        "/de/kontakt",
        "/en/about",
        "/en/articles",
        "/de/artikel/category/fallstudien",
        "/en/feed.xml",
        "/de/artikel/suche-die-versteht-was-kunden-meinen",
        "/en/authors/aylin-demir",
        "/sitemap.xml",
    ];
    let purged_thrice =
        |s: &[CdnRequest], path: &str| s.iter().filter(|r| r.path == path).count() == 3;
    cdn.wait_for(10, |s| everywhere.iter().all(|p| purged_thrice(s, p)))
        .await;

    // A new article: its list, category, feeds and the pages whose footer lists it.
    cdn.seen.lock().unwrap().clear();
    let id: i64 =
        magnetiq::db::sql("SELECT id FROM pages WHERE slug = 'reading-a-language-model-bill'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    magnetiq::db::sql("UPDATE pages SET published_at = $1 WHERE id = $2")
        .bind(magnetiq::db::now())
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    magnetiq::content::content_changed(&app.state, Some(id))
        .await
        .unwrap();
    let new_article = [
        "/en/articles",
        "/en/articles/reading-a-language-model-bill",
        "/de/artikel/category/anleitungen",
        "/de/artikel/category/anleitungen/feed.xml",
        "/en/feed.xml",
        "/en/articles/tag/cost",
        "/en/",
    ];
    cdn.wait_for(10, |s| new_article.iter().all(|p| purged_thrice(s, p)))
        .await;

    // Editing a draft purges nothing (once the new article's purges, every page's, have all come).
    let mut heard = usize::MAX;
    while heard != cdn.seen.lock().unwrap().len() {
        heard = cdn.seen.lock().unwrap().len();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    cdn.seen.lock().unwrap().clear();
    app.edit_first_heading("careers", "Join us", "Mach mit")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(cdn.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_purge_stays_in_the_outbox_and_is_sent_again() {
    // The webhook form: one POST listing the changed addresses; the CDN is down at first.
    let cdn = FakeCdn::start(vec![503]).await;
    let url = format!("http://{}/hooks/purge", cdn.addr);
    let app = TestApp::spawn_with(|c| {
        c.purge = Some(purging(url, magnetiq::config::PurgeMethod::Post));
    })
    .await;
    app.sign_in_as("editor").await;
    app.edit_first_heading(
        "about",
        "Engineers first, always",
        "Immer zuerst Ingenieure",
    )
    .await;
    cdn.wait_for(5, |s| s.len() == 1).await;
    let row = || async {
        magnetiq::db::sql(
            "SELECT id, status, attempts, last_error FROM outbox WHERE kind = 'purge'",
        )
        .fetch_one::<(i64, String, i64, Option<String>)>(&app.state.db)
        .await
        .unwrap()
    };
    let mut failed = row().await;
    for _ in 0..40 {
        if failed.2 == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        failed = row().await;
    }
    assert_eq!(failed.1, "pending", "{failed:?}");
    assert_eq!(failed.2, 1);
    assert!(failed.3.as_deref().unwrap().contains("503"), "{failed:?}");
    // The admin's retry (or the backoff's time) sends it again.
    let retried = app
        .post_form(
            &format!("/admin/outbox/{}/retry", failed.0),
            "/admin/outbox",
            &[],
        )
        .await;
    assert_eq!(retried.status(), 303);
    let seen = cdn.wait_for(8, |s| s.len() == 2).await;
    let retry = &seen[1];
    assert_eq!(
        (retry.method.as_str(), retry.path.as_str()),
        ("POST", "/hooks/purge")
    );
    let body: serde_json::Value = serde_json::from_str(&retry.body).unwrap();
    let urls: Vec<&str> = body["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        vec![
            "http://magnetiq.test/de/ueber-uns",
            "http://magnetiq.test/en/about",
            "http://magnetiq.test/sitemap.xml"
        ]
    );
    for _ in 0..40 {
        if row().await.1 == "sent" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the purge was not marked sent: {:?}", row().await);
}
