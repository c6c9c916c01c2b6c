//! The Atom feeds: valid for `atom_syndication`'s reader and for Python's feedparser (the parser
//! most feed readers' back ends are tested against), complete entries, cached like pages.
use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::{TestApp, attrs};

/// What Python's feedparser makes of `xml`: whether it found a fault, the feed's `updated`, and
/// each entry's id, title, updated, author and link. `None` when feedparser is not installed and
/// `MAGNETIQ_REQUIRE_FEEDPARSER` does not ask for it (CI sets it).
fn feedparser(xml: &str) -> Option<serde_json::Value> {
    const SCRIPT: &str = r#"
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(d.bozo), "version": d.version, "updated": d.feed.get("updated"),
    "entries": [{"id": e.get("id"), "title": e.get("title"), "updated": e.get("updated"),
                 "author": e.get("author"), "link": e.get("link")} for e in d.entries],
}))
"#;
    let available = Command::new("python3")
        .args(["-c", "import feedparser"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var("MAGNETIQ_REQUIRE_FEEDPARSER").is_err(),
            "MAGNETIQ_REQUIRE_FEEDPARSER is set but Python's feedparser is missing"
        );
        eprintln!("skipped: Python's feedparser is not installed (pip install feedparser)");
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

async fn feed(app: &TestApp, path: &str) -> (String, atom_syndication::Feed) {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(
        r.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let xml = r.text().await.unwrap();
    let parsed = xml.parse::<atom_syndication::Feed>().unwrap();
    (xml, parsed)
}

#[tokio::test]
async fn the_feeds_are_atom_with_every_entry_complete_in_each_language() {
    let app = TestApp::spawn().await;
    let base = app.state.config.base_url.clone();
    let (xml, en) = feed(&app, "/en/feed.xml").await;
    assert_eq!(en.id(), format!("{base}/en/feed.xml"));
    assert_eq!(en.entries().len(), 8);
    let first = &en.entries()[0];
    assert_eq!(
        first.title().as_str(),
        "Search that finds what customers mean"
    );
    assert_eq!(
        first.links()[0].href(),
        format!("{base}/en/articles/search-that-finds-what-customers-mean")
    );
    assert_eq!(first.authors()[0].name(), "Aylin Demir");
    assert_eq!(
        first.authors()[0].uri(),
        Some(format!("{base}/en/authors/aylin-demir").as_str())
    );
    assert_eq!(first.categories()[0].term(), "case-studies");
    let body = first.content().and_then(|c| c.value()).unwrap();
    assert!(
        body.contains("<h2>Start from the searches that fail</h2>"),
        "{body}"
    );
    assert!(
        !body.contains("href=\"/") && !body.contains("src=\"/"),
        "absolute addresses"
    );
    // Every entry has what RFC 4287 asks for; the feed's `updated` is its newest entry's.
    for e in en.entries() {
        assert!(e.id().starts_with(&format!("{base}/en/feed.xml#article-")));
        assert!(!e.title().is_empty() && !e.authors().is_empty() && !e.links().is_empty());
    }
    assert_eq!(en.updated(), first.updated());
    if let Some(parsed) = feedparser(&xml) {
        assert_eq!(parsed["bozo"], false, "{parsed}");
        assert_eq!(parsed["version"], "atom10");
        let entries = parsed["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 8);
        for e in entries {
            for key in ["id", "title", "updated", "author", "link"] {
                assert!(e[key].as_str().is_some_and(|v| !v.is_empty()), "{key}: {e}");
            }
        }
    }
    // German, and a category's feed, at the German section address.
    let (_, de) = feed(&app, "/de/feed.xml").await;
    assert_eq!(
        de.entries()[0].title().as_str(),
        "Eine Suche, die versteht, was Kunden meinen"
    );
    assert_eq!(
        de.entries()[0].links()[0].href(),
        format!("{base}/de/artikel/suche-die-versteht-was-kunden-meinen")
    );
    let (xml, cases) = feed(&app, "/de/artikel/category/fallstudien/feed.xml").await;
    assert_eq!(cases.entries().len(), 3);
    assert_eq!(cases.title().as_str(), "Fallstudien · Magnetiq");
    if let Some(parsed) = feedparser(&xml) {
        assert_eq!(parsed["bozo"], false, "{parsed}");
    }
    assert_eq!(
        app.get("/en/articles/category/nope/feed.xml")
            .await
            .status(),
        404
    );
    // Every page names its language's feed.
    for path in ["/en/", "/de/kontakt", "/en/articles"] {
        let html = app.page(path).await;
        let lang = &path[1..3];
        assert_eq!(
            attrs(
                &html,
                "link[rel=alternate][type='application/atom+xml']",
                "href"
            ),
            vec![format!("/{lang}/feed.xml")],
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_feed_is_a_cached_page_that_revalidates_and_moves_on_when_an_article_is_published() {
    let app = TestApp::signed_in("editor").await;
    let r = app.get("/en/feed.xml").await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let before = r
        .text()
        .await
        .unwrap()
        .parse::<atom_syndication::Feed>()
        .unwrap();
    let r = app
        .get_with("/en/feed.xml", &[("if-none-match", &etag)])
        .await;
    assert_eq!(r.status(), 304);
    let cached = app.state.page_cache.counts();
    assert!(cached.0 + cached.1 > 0, "the feed is in the page cache");

    // An editor writes and publishes an article.
    let form = app
        .form_fields("/admin/articles/new", "form.page-form", &[])
        .await;
    assert!(form.iter().any(|(n, _)| n == "article_fields"));
    let mut fields: Vec<(&str, &str)> = form
        .iter()
        .filter(|(n, _)| n != "csrf_token")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    fields.extend([
        ("title.en", "Fresh from the press"),
        ("title.de", "Frisch aus der Presse"),
        ("summary.en", "Something new."),
        ("slug", "fresh-from-the-press"),
        ("tags", "News, Press"),
        ("action", "publish"),
    ]);
    let r = app
        .post_form("/admin/articles/new", "/admin/articles/new", &fields)
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());

    let r = app
        .get_with("/en/feed.xml", &[("if-none-match", &etag)])
        .await;
    assert_eq!(r.status(), 200, "the old version is stale");
    let after = r
        .text()
        .await
        .unwrap()
        .parse::<atom_syndication::Feed>()
        .unwrap();
    assert_eq!(after.entries()[0].title().as_str(), "Fresh from the press");
    assert_eq!(after.entries()[0].authors()[0].name(), "Test User");
    assert!(
        after.updated() > before.updated(),
        "the feed's updated moved on"
    );
    assert_eq!(after.entries().len(), 9);
}
