//! Site search: `/{lang}/search?q=` finds published pages, webinars and whitepapers in the
//! visitor's language, ranked, with highlighted snippets, paged; the index follows every change at
//! once; drafts are never found; whatever a visitor types is words, never a 500.
use scraper::Html;

use crate::common::{TestApp, attrs, count, texts};
use magnetiq::content::blocks::BlockKind;
use magnetiq::content::store::{self, NewPage};
use magnetiq::content::{PageStatus, Placement, Slug};
use magnetiq::i18n::{Lang, Localized};

async fn search(app: &TestApp, lang: &str, q: &str) -> Html {
    let url = format!(
        "/{lang}/search?q={}",
        q.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
    );
    let response = app.get(&url).await;
    assert_eq!(response.status(), 200, "{url}");
    Html::parse_document(&response.text().await.unwrap())
}

/// The addresses of the results, best first.
fn found(html: &Html) -> Vec<String> {
    attrs(html, ".search-result h2 a", "href")
}

#[tokio::test]
async fn visitors_find_pages_webinars_and_whitepapers_in_their_language() {
    let app = TestApp::spawn().await;
    let html = search(&app, "en", "cloud").await;
    let hits = found(&html);
    assert_eq!(
        hits.first().map(String::as_str),
        Some("/en/cloud-consulting"),
        "{hits:?}"
    );
    // The matched word is marked in the title and the snippet, as text the template escaped.
    assert_eq!(
        texts(&html, ".search-result h2 mark")
            .first()
            .map(String::as_str),
        Some("Cloud")
    );
    assert!(count(&html, ".search-result p mark") > 0);
    assert_eq!(
        texts(&html, ".search-summary"),
        vec![format!("{} results", hits.len())]
    );
    // Webinars and whitepapers are found by their own words, at their addresses in the language.
    let webinars = found(&search(&app, "de", "Prognose").await);
    assert!(
        webinars.iter().any(|h| h.starts_with("/de/webinars/")),
        "{webinars:?}"
    );
    let papers = found(&search(&app, "en", "checklist").await);
    assert!(
        papers.iter().any(|h| h.starts_with("/en/whitepapers/")),
        "{papers:?}"
    );

    // A German word is found in German only, at the German address; German compounds are found by
    // their first word.
    let german = found(&search(&app, "de", "Erstgespräch").await);
    assert!(german.contains(&"/de/".to_owned()), "{german:?}");
    assert!(found(&search(&app, "en", "Erstgespräch").await).is_empty());
    let compound = found(&search(&app, "de", "software").await);
    assert!(
        compound.contains(&"/de/leistungen".to_owned()),
        "Softwareentwicklung: {compound:?}"
    );
    // English words are stemmed: "workshops" finds "workshop".
    let stemmed = found(&search(&app, "en", "workshops").await);
    assert!(
        stemmed.contains(&"/en/".to_owned()),
        "the first workshop: {stemmed:?}"
    );
    // A title match ranks above a match in the text.
    let ranked = found(&search(&app, "en", "services").await);
    assert_eq!(
        ranked.first().map(String::as_str),
        Some("/en/services"),
        "{ranked:?}"
    );
}

#[tokio::test]
async fn every_page_has_a_search_field_that_works_without_javascript() {
    let app = TestApp::spawn().await;
    for path in ["/en/", "/de/ueber-uns", "/en/webinars", "/de/book"] {
        let html = app.page(path).await;
        let lang = &path[1..3];
        // The header row's form, and its copy in the phone's menu.
        assert_eq!(
            attrs(&html, "header form[role=search]", "action"),
            vec![format!("/{lang}/search"), format!("/{lang}/search")],
            "{path}"
        );
        assert_eq!(count(&html, ".site-menu form[role=search]"), 1, "{path}");
        assert_eq!(
            attrs(&html, "header form[role=search]", "method"),
            vec!["get", "get"]
        );
        assert_eq!(
            attrs(&html, "header form[role=search] input", "name"),
            vec!["q", "q"]
        );
        assert_eq!(count(&html, "header form[role=search] label"), 2, "{path}");
    }
    // The results page keeps the words in both fields, and is not for search engines' indexes.
    let html = search(&app, "en", "cloud <b>").await;
    assert_eq!(attrs(&html, "#search-q", "value"), vec!["cloud <b>"]);
    assert_eq!(attrs(&html, "#header-search-q", "value"), vec!["cloud <b>"]);
    assert_eq!(
        attrs(&html, "meta[name=robots]", "content"),
        vec!["noindex, follow"]
    );
    let empty = app.page("/en/search").await;
    assert_eq!(count(&empty, ".search-result"), 0);
    assert_eq!(app.get("/xx/search?q=a").await.status(), 404);
}

#[tokio::test]
async fn hostile_queries_are_words_never_errors() {
    let app = TestApp::spawn().await;
    let long = "Entwicklung \"NEAR(".repeat(120);
    for q in [
        "\"",
        "*",
        "NEAR(",
        "NEAR(cloud consulting, 2)",
        "-",
        "-cloud",
        "cloud*",
        "\"cloud",
        "title:cloud",
        "cloud AND OR NOT",
        "'; DROP TABLE pages; --",
        "\\",
        "%",
        "&:*|!",
        "^cloud",
        "{cloud}",
        "\u{1}cloud\u{2}",
        "<script>alert(1)</script>",
        long.as_str(),
        &"x".repeat(2048),
    ] {
        for lang in ["en", "de"] {
            let html = search(&app, lang, q).await;
            assert!(!html.html().contains("<script>alert(1)"), "{q}");
        }
    }
    // Quotes and operators are separators: "cloud" is found however it is wrapped.
    assert!(!found(&search(&app, "en", "\"cloud\"").await).is_empty());
    assert!(!found(&search(&app, "en", "-cloud-").await).is_empty());
    // Paging beyond the results or with nonsense answers an empty, well-formed page.
    for page in ["999", "-1", "x", "99999999999999999999"] {
        let r = app.get(&format!("/en/search?q=cloud&page={page}")).await;
        assert_eq!(r.status(), 200, "page={page}");
    }
}

fn page_with(slug: &str, status: PageStatus, en: &str, de: &str) -> (NewPage, Vec<BlockKind>) {
    let en_lang = Lang::parse("en").unwrap();
    let de_lang = Lang::parse("de").unwrap();
    let page = NewPage {
        slug: Slug::parse(slug).unwrap(),
        slugs: Localized::new(),
        title: Localized::new()
            .with(en_lang, format!("Title {slug}"))
            .with(de_lang, format!("Titel {slug}")),
        summary: Localized::new(),
        meta_description: Localized::new(),
        status,
        parent_id: None,
        nav_order: 0,
        kind: Default::default(),
        article: Default::default(),
        placement: Placement::Hidden,
    };
    let text = serde_json::json!({"body": {"en": en, "de": de}});
    (
        page,
        vec![BlockKind::parse("rich_text", &text.to_string()).unwrap()],
    )
}

#[tokio::test]
async fn drafts_are_never_found_and_the_index_follows_every_change() {
    let app = TestApp::signed_in("editor").await;
    let langs = app.state.config.languages.all().to_vec();
    // A draft and a page scheduled for tomorrow are not found; a published one is.
    let tomorrow = magnetiq::db::now() + time::Duration::days(1);
    for (slug, status) in [
        ("quokka-draft", PageStatus::Draft),
        ("quokka-later", PageStatus::Scheduled(tomorrow)),
        ("quokka-live", PageStatus::Published(magnetiq::db::now())),
    ] {
        let (page, blocks) = page_with(slug, status, "The quokka handbook", "Das Quokka-Handbuch");
        store::create_page(&app.state.db, &page, blocks, &langs)
            .await
            .unwrap();
    }
    app.content_changed().await;
    assert_eq!(
        found(&search(&app, "en", "quokka").await),
        vec!["/en/quokka-live"]
    );
    assert_eq!(
        found(&search(&app, "de", "quokka").await),
        vec!["/de/quokka-live"]
    );

    // Publishing the draft through the admin makes it findable at once ...
    let published = app
        .save_page_form("quokka-draft", &[("action", "publish")])
        .await;
    assert_eq!(published.status(), 303);
    let both = found(&search(&app, "en", "quokka").await);
    assert_eq!(both.len(), 2, "{both:?}");
    // ... an edit of a block is found by its new words, and the old ones find nothing ...
    app.edit_first_heading("about", "Wombat expertise", "Wombat-Wissen")
        .await;
    assert_eq!(
        found(&search(&app, "en", "wombat").await),
        vec!["/en/about"]
    );
    assert_eq!(
        found(&search(&app, "de", "wombat").await),
        vec!["/de/ueber-uns"]
    );
    assert!(
        found(&search(&app, "de", "zuerst ingenieure").await).is_empty(),
        "the old heading"
    );
    // ... unpublishing takes it out, deleting takes it away.
    let unpublished = app
        .save_page_form("quokka-draft", &[("action", "unpublish")])
        .await;
    assert_eq!(unpublished.status(), 303);
    assert_eq!(
        found(&search(&app, "en", "quokka").await),
        vec!["/en/quokka-live"]
    );
    let live = app.page_id("quokka-live").await;
    let deleted = app
        .post_form(
            &format!("/admin/pages/{live}/delete"),
            &format!("/admin/pages/{live}/delete"),
            &[],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    assert!(found(&search(&app, "en", "quokka").await).is_empty());
    // A renamed page is found at its new address.
    let (page, blocks) = page_with(
        "numbat",
        PageStatus::Published(magnetiq::db::now()),
        "Numbat",
        "Numbat",
    );
    store::create_page(&app.state.db, &page, blocks, &langs)
        .await
        .unwrap();
    let renamed = app
        .save_page_form(
            "numbat",
            &[("slug", "numbat-facts"), ("slug.de", "numbat-wissen")],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    assert_eq!(
        found(&search(&app, "en", "numbat").await),
        vec!["/en/numbat-facts"]
    );
    assert_eq!(
        found(&search(&app, "de", "numbat").await),
        vec!["/de/numbat-wissen"]
    );
}

#[tokio::test]
async fn results_come_ten_to_a_page() {
    let app = TestApp::spawn().await;
    let langs = app.state.config.languages.all().to_vec();
    let pages = (1..=23).map(|n| {
        page_with(
            &format!("platypus-{n}"),
            PageStatus::Published(magnetiq::db::now()),
            "Platypus notes",
            "Schnabeltier-Notizen",
        )
    });
    store::create_pages(&app.state.db, pages, &langs)
        .await
        .unwrap();
    let first = search(&app, "en", "platypus").await;
    assert_eq!(count(&first, ".search-result"), 10);
    assert_eq!(
        texts(&first, ".search-summary"),
        vec!["23 results · Page 1 of 3"]
    );
    assert_eq!(
        attrs(&first, "a[rel=next]", "href"),
        vec!["/en/search?q=platypus&page=2"]
    );
    assert!(attrs(&first, "a[rel=prev]", "href").is_empty());
    let last = app.page("/en/search?q=platypus&page=3").await;
    assert_eq!(count(&last, ".search-result"), 3);
    assert_eq!(
        attrs(&last, "a[rel=prev]", "href"),
        vec!["/en/search?q=platypus&page=2"]
    );
    // Every result once over the pages.
    let mut all: Vec<String> = Vec::new();
    for n in 1..=3 {
        all.extend(found(
            &app.page(&format!("/en/search?q=platypus&page={n}")).await,
        ));
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 23);
    // German by its German compound's first word.
    assert_eq!(
        texts(&search(&app, "de", "schnabeltier").await, ".search-summary"),
        vec!["23 Ergebnisse · Seite 1 von 3"]
    );
}

#[tokio::test]
async fn webinars_and_whitepapers_are_found_while_visitors_can_open_them() {
    use crate::common::{webinars, whitepapers};
    use magnetiq::webinars::model::WebinarStatus;
    use magnetiq::whitepapers::model::WhitepaperStatus;
    let app = TestApp::spawn().await;
    let starts = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 7);
    let mut draft = webinars::fields("okapi-draft", 20, false, starts);
    draft.status = WebinarStatus::Draft;
    let draft_id = webinars::save(&app, None, &draft).await;
    let live = webinars::fields("okapi-live", 20, false, starts);
    let live_id = webinars::save(&app, None, &live).await;
    let mut paper = whitepapers::fields("okapi-paper", vec![]);
    paper.status = WhitepaperStatus::Draft;
    let paper_id = whitepapers::save_paper(&app, None, &paper).await;
    assert_eq!(
        found(&search(&app, "en", "okapi").await),
        vec!["/en/webinars/okapi-live"]
    );
    assert_eq!(
        found(&search(&app, "de", "okapi").await),
        vec!["/de/webinars/okapi-live"]
    );
    // Published: found at once; made a draft again: gone at once; cancelled: still found (its page
    // tells visitors so).
    paper.status = WhitepaperStatus::Published;
    whitepapers::save_paper(&app, Some(paper_id), &paper).await;
    draft.status = WebinarStatus::Published;
    webinars::save(&app, Some(draft_id), &draft).await;
    let mut live = live;
    live.status = WebinarStatus::Draft;
    webinars::save(&app, Some(live_id), &live).await;
    let mut hits = found(&search(&app, "en", "okapi").await);
    hits.sort();
    assert_eq!(
        hits,
        vec!["/en/webinars/okapi-draft", "/en/whitepapers/okapi-paper"]
    );
    draft.status = WebinarStatus::Cancelled;
    webinars::save(&app, Some(draft_id), &draft).await;
    assert_eq!(found(&search(&app, "en", "okapi").await).len(), 2);
    for path in found(&search(&app, "en", "okapi").await) {
        assert_eq!(app.get(&path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_word_on_hundreds_of_pages_is_counted_as_far_as_the_pages_go() {
    let app = TestApp::spawn().await;
    let langs = app.state.config.languages.all().to_vec();
    let pages = (1..=505).map(|n| {
        page_with(
            &format!("kiwi-{n}"),
            PageStatus::Published(magnetiq::db::now()),
            "Kiwi",
            "Kiwi",
        )
    });
    store::create_pages(&app.state.db, pages, &langs)
        .await
        .unwrap();
    let html = search(&app, "en", "kiwi").await;
    assert_eq!(
        texts(&html, ".search-summary"),
        vec!["More than 500 results · Page 1 of 50"]
    );
    let last = app.page("/en/search?q=kiwi&page=50").await;
    assert_eq!(count(&last, ".search-result"), 10);
    assert!(attrs(&last, "a[rel=next]", "href").is_empty());
}

#[tokio::test]
async fn pages_not_yet_live_never_crowd_out_the_live_ones() {
    let app = TestApp::spawn().await;
    let langs = app.state.config.languages.all().to_vec();
    // Forty pages scheduled for next week match as well as (and are ranked before) the two live
    // ones: the live ones are still the hits, on the first page.
    let next_week = magnetiq::db::now() + time::Duration::days(7);
    let mut pages: Vec<_> = (1..=40)
        .map(|n| {
            page_with(
                &format!("echidna-later-{n}"),
                PageStatus::Scheduled(next_week),
                "Echidna",
                "Ameisenigel",
            )
        })
        .collect();
    for n in 1..=2 {
        pages.push(page_with(
            &format!("echidna-{n}"),
            PageStatus::Published(magnetiq::db::now()),
            "Echidna",
            "Ameisenigel",
        ));
    }
    store::create_pages(&app.state.db, pages, &langs)
        .await
        .unwrap();
    let html = search(&app, "en", "echidna").await;
    assert_eq!(found(&html), vec!["/en/echidna-1", "/en/echidna-2"]);
    assert_eq!(texts(&html, ".search-summary"), vec!["2 results"]);
    let german = search(&app, "de", "ameisenigel").await;
    assert_eq!(found(&german), vec!["/de/echidna-1", "/de/echidna-2"]);
}

#[tokio::test]
async fn a_site_without_a_search_index_gets_one_when_it_starts() {
    // A site upgraded from a version without search (or restored from an old backup) has pages
    // but no documents: the next start builds them, nobody has to remember `magnetiq reindex`.
    let dir = tempfile::tempdir().unwrap();
    let config = || magnetiq::config::Config::local(dir.path(), "127.0.0.1:0");
    let count = |db: magnetiq::db::Db| async move {
        magnetiq::db::sql("SELECT count(*) FROM search_documents")
            .scalar::<i64>(&db)
            .await
            .unwrap()
    };
    let first = magnetiq::app::prepare(config()).await.unwrap();
    let indexed = count(first.db.clone()).await;
    assert!(indexed > 20, "{indexed}");
    magnetiq::db::sql("DELETE FROM search_documents")
        .execute(&first.db)
        .await
        .unwrap();
    first.db.close().await;
    let again = magnetiq::app::prepare(config()).await.unwrap();
    assert_eq!(count(again.db.clone()).await, indexed);
    again.db.close().await;
}
