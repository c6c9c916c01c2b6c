//! Pages rendered before anyone asks, and changes that forget only what they change: an edit of a
//! page's body, a hidden page's title, a navigation title, a webinar shown by teaser blocks and an
//! article, each checked against the page cache address by address; and pages the background
//! rendered answered without a query.
use std::sync::atomic::Ordering;
use std::time::Duration;

use magnetiq::content::prerender;
use magnetiq::web::page_cache::Held;

use crate::common::{TestApp, texts, webinars};

fn held(app: &TestApp, path: &str) -> Held {
    app.state.page_cache.held(path, magnetiq::db::now())
}

fn counter(app: &TestApp, which: fn(&magnetiq::web::page_cache::PageCache) -> u64) -> u64 {
    which(&app.state.page_cache)
}

fn invalidations(c: &magnetiq::web::page_cache::PageCache) -> u64 {
    c.invalidations.load(Ordering::Relaxed)
}

fn clears(c: &magnetiq::web::page_cache::PageCache) -> u64 {
    c.clears.load(Ordering::Relaxed)
}

fn misses(c: &magnetiq::web::page_cache::PageCache) -> u64 {
    c.misses.load(Ordering::Relaxed)
}

fn prerenders(c: &magnetiq::web::page_cache::PageCache) -> u64 {
    c.prerenders.load(Ordering::Relaxed)
}

/// Every public address the cache keeps, each asked for once as a browser would: all in the cache.
async fn visit_everything(app: &TestApp) -> Vec<String> {
    let paths = prerender::all_paths(&app.state);
    assert!(paths.len() > 20, "{paths:?}");
    for path in &paths {
        let r = app.get_with(path, &[("accept-encoding", "br")]).await;
        assert_eq!(r.status(), 200, "{path}");
    }
    for path in &paths {
        assert_ne!(held(app, path), Held::Nothing, "{path} cached");
    }
    paths
}

/// The addresses the cache no longer holds.
fn forgotten(app: &TestApp, paths: &[String]) -> Vec<String> {
    let mut gone: Vec<String> = paths
        .iter()
        .filter(|p| held(app, p) == Held::Nothing)
        .cloned()
        .collect();
    gone.sort();
    gone
}

/// An editor's site that renders pages only when asked (`MAGNETIQ_PRERENDER=off`), so what a change
/// forgets stays forgotten for the test to see.
async fn rendered_when_asked() -> TestApp {
    let app = TestApp::spawn_with(|c| c.prerender = false).await;
    app.sign_in_as("editor").await;
    app
}

/// Page `slug`'s address in every language.
fn addresses(app: &TestApp, slug: &str) -> Vec<String> {
    let mut paths: Vec<String> = app
        .state
        .config
        .languages
        .all()
        .iter()
        .map(|&lang| magnetiq::content::path_of(&app.state, lang, slug))
        .collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn an_edit_of_a_pages_blocks_forgets_that_page_in_every_language_and_nothing_else() {
    let app = rendered_when_asked().await;
    let paths = visit_everything(&app).await;
    // A page a visitor met first was compressed quickly (better in the background, when that runs).
    assert_eq!(held(&app, "/en/about"), Held::Quick);
    let (invalidated, cleared) = (counter(&app, invalidations), counter(&app, clears));
    app.edit_first_heading("about", "Who we are, freshly", "Wer wir sind, frisch")
        .await;
    let about = addresses(&app, "about");
    assert_eq!(forgotten(&app, &paths), about);
    assert_eq!(counter(&app, invalidations) - invalidated, 2);
    assert_eq!(counter(&app, clears), cleared, "no page but the edited one");
    let html = app.page("/en/about").await;
    assert!(texts(&html, "h2").contains(&"Who we are, freshly".to_owned()));
}

#[tokio::test]
async fn renaming_a_hidden_page_forgets_it_but_renaming_a_menu_entry_forgets_every_page() {
    let app = rendered_when_asked().await;
    let langs = app.state.config.languages.all().to_vec();
    magnetiq::content::seed::seed_generated_pages(&app.state.db, 3, &langs)
        .await
        .unwrap();
    app.content_changed().await;
    let paths = visit_everything(&app).await;
    assert!(paths.contains(&"/en/page-2".to_owned()));
    let cleared = counter(&app, clears);
    let saved = app
        .save_page_form("page-2", &[("title.en", "Page two, renamed")])
        .await;
    assert_eq!(saved.status(), 303);
    // Not in any menu: its title shows on itself only.
    assert_eq!(forgotten(&app, &paths), addresses(&app, "page-2"));
    assert_eq!(counter(&app, clears), cleared);
    assert_eq!(
        texts(&app.page("/en/page-2").await, "h1"),
        ["Page two, renamed"]
    );

    // A page in the main menu: every page shows its title.
    let paths = visit_everything(&app).await;
    app.rename_page("about", "About Magnetiq").await;
    assert_eq!(counter(&app, clears), cleared + 1);
    assert_eq!(forgotten(&app, &paths), sorted(paths));
    let home = app.page("/en/").await;
    assert!(texts(&home, "header nav a").contains(&"About Magnetiq".to_owned()));
}

#[tokio::test]
async fn a_webinar_edit_forgets_the_pages_whose_teaser_blocks_show_it() {
    let app = rendered_when_asked().await;
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24);
    let fields = webinars::fields("teased", 10, true, soon);
    let id = webinars::save(&app, None, &fields).await;
    // The services page gets a teaser block, as an editor adds it.
    let page = app.page_id("services").await;
    let version = app.page_version(page).await;
    let added = app
        .post_form(
            &format!("/admin/pages/{page}/blocks/new?type=webinar_teaser"),
            &format!("/admin/pages/{page}"),
            &[
                ("version", &version),
                ("title.en", "Coming up"),
                ("count", "3"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let paths = visit_everything(&app).await;
    let cleared = counter(&app, clears);

    // What the teaser shows changes, what the footer shows (titles) does not.
    let mut edited = webinars::fields("teased", 10, true, soon);
    edited.summary =
        magnetiq::db::JsonText::from(r#"{"en": "Now with a live demo.", "de": "Jetzt mit Demo."}"#);
    webinars::save(&app, Some(id), &edited).await;
    assert_eq!(forgotten(&app, &paths), addresses(&app, "services"));
    assert_eq!(counter(&app, clears), cleared);
    let services = app.page("/en/services").await;
    assert!(
        texts(&services, ".block-webinar-teaser p").contains(&"Now with a live demo.".to_owned()),
        "{:?}",
        texts(&services, ".block-webinar-teaser p")
    );

    // A new title is in every page's footer.
    let paths = visit_everything(&app).await;
    edited.title = magnetiq::db::JsonText::from(r#"{"en": "Teased, renamed"}"#);
    webinars::save(&app, Some(id), &edited).await;
    assert_eq!(counter(&app, clears), cleared + 1);
    assert_eq!(forgotten(&app, &paths), sorted(paths));
}

fn sorted(mut paths: Vec<String>) -> Vec<String> {
    paths.sort();
    paths
}

#[tokio::test]
async fn an_article_change_forgets_the_sections_lists_and_feeds_and_a_new_one_is_in_them() {
    let app = rendered_when_asked().await;
    let paths = visit_everything(&app).await;
    let cleared = counter(&app, clears);
    // The oldest demo article's summary (the footer lists the newest by title only).
    let article: i64 = magnetiq::db::sql(
        "SELECT id FROM pages WHERE kind = 'article' ORDER BY published_at LIMIT 1",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    magnetiq::db::sql("UPDATE pages SET summary = $1 WHERE id = $2")
        .bind(magnetiq::db::JsonText::from(
            r#"{"en": "A summary, rewritten.", "de": "Neu zusammengefasst."}"#,
        ))
        .bind(article)
        .execute(&app.state.db)
        .await
        .unwrap();
    magnetiq::content::content_changed(&app.state, Some(article))
        .await
        .unwrap();
    assert_eq!(counter(&app, clears), cleared, "pages keep their frame");
    let gone = forgotten(&app, &paths);
    for path in [
        "/en/articles",
        "/de/artikel",
        "/en/feed.xml",
        "/de/feed.xml",
    ] {
        if paths.contains(&path.to_owned()) {
            assert!(gone.contains(&path.to_owned()), "{path}: {gone:?}");
        }
    }
    assert!(gone.contains(&"/en/feed.xml".to_owned()), "{gone:?}");
    for page in ["about", "services", "contact"] {
        for path in addresses(&app, page) {
            assert!(!gone.contains(&path), "{path} kept");
        }
    }
    let feed = app.get("/en/feed.xml").await.text().await.unwrap();
    assert!(feed.contains("A summary, rewritten."));

    // A new article is in the list and the feed at once.
    let form = app
        .form_fields("/admin/articles/new", "form.page-form", &[])
        .await;
    let mut fields: Vec<(&str, &str)> = form
        .iter()
        .filter(|(n, _)| n != "csrf_token")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    fields.extend([
        ("title.en", "Rendered before you asked"),
        ("summary.en", "Pages ready ahead of visitors."),
        ("slug", "rendered-before-you-asked"),
        ("action", "publish"),
    ]);
    let r = app
        .post_form("/admin/articles/new", "/admin/articles/new", &fields)
        .await;
    assert_eq!(r.status(), 303);
    let list = app.get("/en/articles").await.text().await.unwrap();
    assert!(list.contains("Rendered before you asked"));
    let feed = app.get("/en/feed.xml").await.text().await.unwrap();
    assert!(feed.contains("Rendered before you asked"));
}

/// Waits until the background rendered at least `at_least` pages and has nothing left to do.
async fn until_rendered(app: &TestApp, at_least: u64) {
    let mut quiet = 0;
    let mut last = u64::MAX;
    for _ in 0..600 {
        let now = counter(app, prerenders);
        quiet = if now == last { quiet + 1 } else { 0 };
        last = now;
        if prerender_waiting(app) == 0 && now >= at_least && quiet >= 5 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "still rendering: {} waiting, {} rendered",
        prerender_waiting(app),
        counter(app, prerenders)
    );
}

fn prerender_waiting(app: &TestApp) -> usize {
    magnetiq::web::render_queue::waiting(&app.state)
}

#[tokio::test]
async fn pages_rendered_in_the_background_are_answered_without_a_query_and_edits_render_their_own()
{
    // Rendering ahead starts with the instance (on by default).
    let app = TestApp::signed_in("editor").await;
    let paths = prerender::all_paths(&app.state);
    until_rendered(&app, paths.len() as u64).await;
    for path in &paths {
        assert_eq!(held(&app, path), Held::Kept, "{path}");
    }
    // The database changes behind the site's back: a cached page does not ask it.
    magnetiq::db::sql("UPDATE pages SET summary = $1 WHERE slug = 'faq'")
        .bind(magnetiq::db::JsonText::from(
            r#"{"en": "Changed behind the cache", "de": "Hinter dem Cache"}"#,
        ))
        .execute(&app.state.db)
        .await
        .unwrap();
    let rendered_for_visitors = counter(&app, misses);
    for path in &paths {
        let r = app.get_with(path, &[("accept-encoding", "br")]).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-encoding"], "br");
    }
    assert_eq!(counter(&app, misses), rendered_for_visitors, "no render");
    assert!(
        !app.get("/en/faq")
            .await
            .text()
            .await
            .unwrap()
            .contains("Changed behind the cache")
    );

    // An edit: that page's addresses are rendered again in the background, no other.
    let before = counter(&app, prerenders);
    app.edit_first_heading("about", "Rendered ahead", "Vorab gerendert")
        .await;
    until_rendered(&app, before + 2).await;
    assert_eq!(counter(&app, prerenders), before + 2);
    for path in addresses(&app, "about") {
        assert_eq!(held(&app, &path), Held::Kept, "{path}");
    }
    let html = app.page("/en/about").await;
    assert!(texts(&html, "h2").contains(&"Rendered ahead".to_owned()));
    assert_eq!(counter(&app, misses), rendered_for_visitors, "no render");
}

#[tokio::test]
async fn a_page_scheduled_to_go_live_is_rendered_when_it_does_before_anyone_asks() {
    use magnetiq::content::articles::model::{ArticleDetails, PageKind};
    use magnetiq::content::store::{NewPage, create_page};
    use magnetiq::content::{PageStatus, Placement, Slug};
    use magnetiq::i18n::{Lang, Localized};

    let app = TestApp::spawn().await;
    until_rendered(&app, prerender::all_paths(&app.state).len() as u64).await;
    let at = magnetiq::db::now() + time::Duration::seconds(2);
    let en = Lang::parse("en").unwrap();
    let page = NewPage {
        slug: Slug::parse("launch-day").unwrap(),
        slugs: Localized::new(),
        title: Localized::new().with(en, "Launch day".to_owned()),
        summary: Localized::new(),
        meta_description: Localized::new(),
        status: PageStatus::Scheduled(at),
        parent_id: None,
        nav_order: 0,
        placement: Placement::Hidden,
        kind: PageKind::Page,
        article: ArticleDetails::default(),
    };
    let id = create_page(
        &app.state.db,
        &page,
        Vec::new(),
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    magnetiq::content::content_changed(&app.state, Some(id))
        .await
        .unwrap();
    // Not public yet: nothing to render.
    assert_eq!(held(&app, "/en/launch-day"), Held::Nothing);
    let (rendered, rendered_for_visitors) = (counter(&app, prerenders), counter(&app, misses));
    while magnetiq::db::now() < at + time::Duration::milliseconds(200) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    until_rendered(&app, rendered + 1).await;
    assert_eq!(held(&app, "/en/launch-day"), Held::Kept);
    assert_eq!(
        counter(&app, misses),
        rendered_for_visitors,
        "no visitor asked"
    );
    let r = app.get("/en/launch-day").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Launch day"));
    assert_eq!(counter(&app, misses), rendered_for_visitors);
}

#[tokio::test]
async fn pages_rendered_ahead_many_to_a_query_are_the_pages_a_visitor_would_be_shown() {
    let app = TestApp::spawn().await;
    let langs = app.state.config.languages.all().to_vec();
    magnetiq::content::seed::seed_generated_pages(&app.state.db, 60, &langs)
        .await
        .unwrap();
    app.content_changed().await;
    let paths = prerender::all_paths(&app.state);
    until_rendered(&app, paths.len() as u64).await;
    // Some page answers at its own slug in German: a batch loads each page once for every
    // language and renders each at the slug it was asked for.
    let about = addresses(&app, "about");
    assert!(
        about
            .iter()
            .any(|p| p.starts_with("/de/") && !p.ends_with("/about")),
        "{about:?}"
    );
    let rendered_for_visitors = counter(&app, misses);
    for path in &paths {
        assert_eq!(held(&app, path), Held::Kept, "{path}");
        let cached = app.get_with(path, &[("accept-encoding", "identity")]).await;
        assert_eq!(cached.status(), 200, "{path}");
        let cached = cached.text().await.unwrap();
        let alone = prerender::render(&app.state, path).await.unwrap().unwrap();
        assert_eq!(
            cached, alone.body,
            "{path}: rendered ahead as rendered alone"
        );
    }
    assert_eq!(counter(&app, misses), rendered_for_visitors, "no render");
}

#[tokio::test]
async fn while_visitors_are_busy_pages_are_rendered_ahead_quickly_and_made_smaller_once_they_are_quiet()
 {
    let app = TestApp::spawn().await;
    let paths = prerender::all_paths(&app.state);
    until_rendered(&app, paths.len() as u64).await;
    // Visitors asking for far more pages a second than the busy rate (counted as cache hits).
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let visitors = {
        let (state, busy) = (app.state.clone(), busy.clone());
        tokio::spawn(async move {
            while busy.load(Ordering::Relaxed) {
                state.page_cache.hits.fetch_add(1_000, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Every page forgotten at once, as after a change every page shows.
    app.state.page_cache.clear();
    magnetiq::web::render_queue::render_everything(&app.state);
    let quick = until_all_held(&app, &paths, Held::Quick).await;
    assert!(
        quick,
        "every page rendered ahead, compressed quickly, while visitors were busy"
    );
    busy.store(false, Ordering::Relaxed);
    visitors.await.unwrap();
    let kept = until_all_held(&app, &paths, Held::Kept).await;
    assert!(
        kept,
        "every page compressed better once visitors were quiet"
    );
    for path in &paths {
        let r = app.get_with(path, &[("accept-encoding", "br")]).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-encoding"], "br");
    }
}

/// Whether every one of `paths` came to be held as `how` within 10 s.
async fn until_all_held(app: &TestApp, paths: &[String], how: Held) -> bool {
    for _ in 0..400 {
        if paths.iter().all(|p| held(app, p) == how) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

#[tokio::test]
async fn rendering_ahead_goes_on_while_visitors_hold_every_connection_of_the_pool() {
    let app = TestApp::spawn().await;
    // On SQLite rendering ahead reads through a connection of its own; on PostgreSQL it shares the
    // pool's many connections by design, and there is nothing of its own to check.
    let magnetiq::db::Db::Sqlite(pool, _) = &app.state.db else {
        return;
    };
    let langs = app.state.config.languages.all().to_vec();
    magnetiq::content::seed::seed_generated_pages(&app.state.db, 40, &langs)
        .await
        .unwrap();
    app.content_changed().await;
    until_rendered(&app, prerender::all_paths(&app.state).len() as u64).await;
    let pages: Vec<String> = (1..=40)
        .flat_map(|n| addresses(&app, &format!("page-{n}")))
        .collect();
    // Visitors' queries hold every reader connection of the pool, as at a fresh start under load.
    let mut taken = Vec::new();
    while let Ok(connection) =
        tokio::time::timeout(Duration::from_millis(300), pool.acquire()).await
    {
        taken.push(connection.unwrap());
    }
    assert_eq!(taken.len() as u32, pool.options().get_max_connections());
    app.state.page_cache.clear();
    magnetiq::web::render_queue::render_everything(&app.state);
    let rendered = until_all_held(&app, &pages, Held::Kept).await;
    drop(taken);
    assert!(
        rendered,
        "every page rendered ahead while visitors held the pool's connections"
    );
}
