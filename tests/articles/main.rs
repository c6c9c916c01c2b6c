//! The insights section as readers and a content team meet it: the list with its pages and
//! filters, an article page with its structured data, feeds a real parser reads, authors' pages,
//! and articles written, reviewed, scheduled, renamed and found like pages.
#[path = "../common/mod.rs"]
mod common;

mod admin;
mod feeds;

use common::{TestApp, attrs, count, location, texts};
use magnetiq::content::articles::model::{ArticleDetails, PageKind};
use magnetiq::content::store::{NewPage, create_page};
use magnetiq::content::{PageStatus, Placement, Slug};
use magnetiq::db::sql;
use magnetiq::i18n::{Lang, Localized};

fn lang(code: &str) -> Lang {
    Lang::parse(code).unwrap()
}

fn both(en: &str, de: &str) -> Localized<String> {
    Localized::new()
        .with(lang("en"), en.to_owned())
        .with(lang("de"), de.to_owned())
}

/// The demo's category ids by their English address.
async fn category(app: &TestApp, slug: &str) -> i64 {
    let all = magnetiq::content::articles::store::categories(&app.state.db)
        .await
        .unwrap();
    all.iter()
        .find(|c| c.slug_in(lang("en"), lang("en")) == slug)
        .unwrap_or_else(|| panic!("no category {slug}"))
        .id
}

/// A demo author's user id.
async fn author(app: &TestApp, name: &str) -> i64 {
    sql("SELECT id FROM users WHERE display_name = $1")
        .bind(name)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

/// Writes a published article straight into the database (as the demo seed does), `days_ago`
/// days old; the caller tells the site with `content_changed`.
async fn add_article(
    app: &TestApp,
    slug: &str,
    days_ago: i64,
    details: ArticleDetails,
    text: &str,
) -> i64 {
    let blocks = vec![
        magnetiq::content::blocks::BlockKind::parse(
            "rich_text",
            &serde_json::json!({"body": {"en": text, "de": text}}).to_string(),
        )
        .unwrap(),
    ];
    let page = NewPage {
        slug: Slug::parse(slug).unwrap(),
        slugs: Localized::new(),
        title: both(&format!("Title {slug}"), &format!("Titel {slug}")),
        summary: both(&format!("About {slug}"), &format!("Über {slug}")),
        meta_description: Localized::new(),
        status: PageStatus::Published(magnetiq::db::now() - time::Duration::days(days_ago)),
        parent_id: None,
        nav_order: 0,
        placement: Placement::Hidden,
        kind: PageKind::Article,
        article: details,
    };
    create_page(
        &app.state.db,
        &page,
        blocks,
        app.state.config.languages.all(),
    )
    .await
    .unwrap()
}

fn card_links(html: &scraper::Html) -> Vec<String> {
    attrs(html, ".article-list .article-card h2 a", "href")
}

#[tokio::test]
async fn the_list_shows_twelve_a_page_newest_first_with_numbered_pages() {
    let app = TestApp::spawn().await;
    // The demo's eight, and eight more older ones: sixteen, two pages.
    for n in 0..8 {
        add_article(
            &app,
            &format!("older-{n}"),
            100 + n,
            ArticleDetails::default(),
            "Some words.",
        )
        .await;
    }
    app.content_changed().await;
    let first = app.page("/en/articles").await;
    let links = card_links(&first);
    assert_eq!(links.len(), 12);
    assert_eq!(
        links[0],
        "/en/articles/search-that-finds-what-customers-mean"
    );
    assert_eq!(
        attrs(&first, "link[rel=next]", "href"),
        vec!["/en/articles/page/2"]
    );
    assert!(attrs(&first, "link[rel=prev]", "href").is_empty());
    assert!(
        attrs(&first, "meta[name=robots]", "content").is_empty(),
        "the list is indexed"
    );
    assert_eq!(
        texts(&first, ".pagination li"),
        vec!["1", "2", "Older"],
        "numbers, the current one marked"
    );
    // Every card: cover, title, summary, author, date and reading time.
    assert_eq!(
        count(&first, ".article-card img.article-card-cover[srcset]"),
        8
    );
    assert_eq!(
        count(&first, ".article-card .article-meta time[datetime]"),
        12
    );
    assert!(texts(&first, ".article-card .article-meta")[0].contains("Aylin Demir"));
    assert!(texts(&first, ".article-card .article-meta")[0].contains("1 min read"));

    let second = app.page("/en/articles/page/2").await;
    let links = card_links(&second);
    assert_eq!(links.len(), 4);
    assert_eq!(links[3], "/en/articles/older-7", "the oldest last");
    assert_eq!(
        attrs(&second, "link[rel=prev]", "href"),
        vec!["/en/articles"]
    );
    assert_eq!(
        attrs(&second, "meta[name=robots]", "content"),
        vec!["noindex, follow"]
    );
    assert_eq!(
        attrs(&second, "link[rel=canonical]", "href"),
        vec![format!("{}/en/articles", app.state.config.base_url)]
    );
    for path in [
        "/en/articles/page/3",
        "/en/articles/page/1",
        "/en/articles/page/x",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    // German: its own section address, translated dates.
    let de = app.page("/de/artikel").await;
    assert_eq!(
        card_links(&de)[0],
        "/de/artikel/suche-die-versteht-was-kunden-meinen"
    );
    assert!(texts(&de, ".article-card .article-meta")[0].contains("Min. Lesezeit"));
    assert_eq!(app.get("/de/articles").await.status(), 404);
}

#[tokio::test]
async fn category_tag_and_author_lists_are_filtered_noindex_and_point_at_the_whole_list() {
    let app = TestApp::spawn().await;
    let base = app.state.config.base_url.clone();
    let cases = [
        ("/en/articles/category/case-studies", 3, "Case studies"),
        ("/de/artikel/category/fallstudien", 3, "Fallstudien"),
        ("/en/articles/tag/retail", 2, "Articles tagged “Retail”"),
        ("/en/authors/jonas-weber", 3, "Jonas Weber"),
    ];
    for (path, n, heading) in cases {
        let html = app.page(path).await;
        assert_eq!(card_links(&html).len(), n, "{path}");
        assert_eq!(texts(&html, "h1"), vec![heading], "{path}");
        assert_eq!(
            attrs(&html, "meta[name=robots]", "content"),
            vec!["noindex, follow"],
            "{path}"
        );
        let list = if path.starts_with("/de") {
            "/de/artikel"
        } else {
            "/en/articles"
        };
        assert_eq!(
            attrs(&html, "link[rel=canonical]", "href"),
            vec![format!("{base}{list}")],
            "{path}"
        );
    }
    let jonas = app.page("/en/authors/jonas-weber").await;
    assert_eq!(
        texts(&jonas, ".author-header .lead"),
        vec!["Head of delivery"]
    );
    assert_eq!(count(&jonas, ".author-bio"), 1);
    let html = app.page("/en/articles/category/how-tos").await;
    assert_eq!(
        texts(&html, ".article-filters a[aria-current]"),
        vec!["How-tos"]
    );
    for path in [
        "/en/articles/category/nope",
        "/en/articles/tag/nope",
        "/en/authors/nobody",
        "/en/articles/category/how-tos/page/2",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn an_article_page_carries_its_byline_dates_cover_and_structured_data() {
    let app = TestApp::spawn().await;
    let path = "/en/articles/reading-a-language-model-bill";
    let html = app.page(path).await;
    let base = &app.state.config.base_url;
    assert_eq!(texts(&html, "h1"), vec!["Reading a language model bill"]);
    assert!(texts(&html, ".article-header .article-meta")[0].starts_with("By Aylin Demir"));
    assert_eq!(count(&html, ".article-header time[datetime]"), 1);
    let cover = attrs(&html, ".article-cover img", "srcset");
    assert!(
        cover[0].contains(" 480w") && cover[0].contains(" 960w"),
        "{cover:?}"
    );
    assert_eq!(
        attrs(&html, "meta[property='og:type']", "content"),
        vec!["article"]
    );
    assert_eq!(
        attrs(&html, "meta[property='article:author']", "content"),
        vec!["Aylin Demir"]
    );
    assert_eq!(
        attrs(&html, "meta[property='article:section']", "content"),
        vec!["How-tos"]
    );
    assert_eq!(
        attrs(&html, "meta[property='article:tag']", "content"),
        vec!["Language models", "Cost"]
    );
    let published = attrs(&html, "meta[property='article:published_time']", "content");
    assert!(
        published[0].ends_with('Z') || published[0].contains('+'),
        "{published:?}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&texts(&html, "script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(json["@type"], "BlogPosting");
    assert_eq!(json["headline"], "Reading a language model bill");
    assert_eq!(json["author"][0]["name"], "Aylin Demir");
    assert_eq!(
        json["author"][0]["url"],
        format!("{base}/en/authors/aylin-demir")
    );
    assert_eq!(json["datePublished"], published[0]);
    assert!(json["dateModified"].is_string());
    assert!(
        json["image"][0]
            .as_str()
            .is_some_and(|i| i.starts_with(&format!("{base}/media/"))),
        "{json}"
    );
    assert_eq!(json["mainEntityOfPage"], format!("{base}{path}"));
    // Tags, the author card, three related articles, the one before and after; share links with
    // no script of anyone else's.
    assert_eq!(
        attrs(&html, ".article-footer .tags a", "href"),
        vec!["/en/articles/tag/language-models", "/en/articles/tag/cost"]
    );
    assert_eq!(texts(&html, ".author-card h2"), vec!["Aylin Demir"]);
    let related = attrs(&html, ".related-articles .article-card h3 a", "href");
    assert_eq!(related.len(), 3);
    assert_eq!(
        related[0], "/en/articles/an-evaluation-set-in-one-afternoon",
        "same category and tag first"
    );
    assert_eq!(
        attrs(&html, ".article-neighbours a", "href"),
        vec![
            "/en/articles/a-workshop-that-ends-with-a-decision",
            "/en/articles/forecasting-demand-for-a-bakery-chain"
        ]
    );
    let share = attrs(&html, ".share a", "href");
    assert_eq!(share.len(), 3);
    assert!(share.iter().all(|h| !h.contains("javascript")));
    assert_eq!(count(&html, "script[src]"), 0);
    // The language switch names the German address; a German slug in English leads home.
    assert_eq!(
        attrs(&html, ".lang-switch a[hreflang=de]", "href"),
        vec!["/de/artikel/reading-a-language-model-bill"]
    );
    let r = app
        .get("/en/articles/suche-die-versteht-was-kunden-meinen")
        .await;
    assert_eq!(r.status(), 301);
    assert_eq!(
        location(&r),
        "/en/articles/search-that-finds-what-customers-mean"
    );
    // The "updated" date an editor sets shows beside the first and moves `dateModified`.
    let id = app.page_id("reading-a-language-model-bill").await;
    sql("UPDATE pages SET article = $1 WHERE id = $2")
        .bind(
            magnetiq::db::JsonText::of(&serde_json::json!({
                "cover": null, "authors": [author(&app, "Aylin Demir").await],
                "categories": [], "tags": [], "updated_on": "2026-12-01"
            }))
            .unwrap(),
        )
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    app.content_changed().await;
    let html = app.page(path).await;
    assert_eq!(
        attrs(&html, ".article-header time", "datetime"),
        vec![published[0][..10].to_owned(), "2026-12-01".into()]
    );
    let json: serde_json::Value =
        serde_json::from_str(&texts(&html, "script[type='application/ld+json']")[0]).unwrap();
    assert!(
        json["dateModified"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-01")
    );
    assert_eq!(count(&html, ".article-cover"), 0, "no cover, no figure");
}

#[tokio::test]
async fn the_section_is_in_the_menu_and_the_footer_and_a_page_can_list_the_latest() {
    let app = TestApp::signed_in("editor").await;
    let home = app.page("/en/").await;
    assert!(attrs(&home, ".menu a", "href").contains(&"/en/articles".to_string()));
    let footer = attrs(&home, ".site-footer a", "href");
    let in_footer: Vec<&String> = footer
        .iter()
        .filter(|h| h.starts_with("/en/articles/"))
        .collect();
    assert_eq!(
        in_footer,
        vec![
            "/en/articles/search-that-finds-what-customers-mean",
            "/en/articles/an-evaluation-set-in-one-afternoon",
            "/en/articles/magnetiq-opens-a-berlin-office"
        ],
        "the latest three"
    );
    assert!(footer.contains(&"/en/articles".to_string()));
    // A "latest articles" block of one category, on the about page.
    let id = app.page_id("about").await;
    let edit = format!("/admin/pages/{id}");
    let r = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/new?type=article_teaser"),
            &edit,
            &[
                ("version", &app.page_version(id).await),
                ("type", "article_teaser"),
                ("title.en", "From the case files"),
                ("title.de", "Aus den Fallakten"),
                ("count", "2"),
                ("category", "case-studies"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let about = app.page("/en/about").await;
    assert_eq!(
        attrs(&about, ".block-article-teaser .article-card h3 a", "href"),
        vec![
            "/en/articles/search-that-finds-what-customers-mean",
            "/en/articles/forecasting-demand-for-a-bakery-chain"
        ]
    );
    assert_eq!(
        attrs(&about, ".block-article-teaser .button", "href"),
        vec!["/en/articles/category/case-studies"]
    );
    let ueber = app.page("/de/ueber-uns").await;
    assert_eq!(
        attrs(&ueber, ".block-article-teaser .button", "href"),
        vec!["/de/artikel/category/fallstudien"]
    );
    // An unknown category is refused with the input kept, never stored.
    let r = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/new?type=article_teaser"),
            &edit,
            &[
                ("version", &app.page_version(id).await),
                ("type", "article_teaser"),
                ("count", "99"),
                ("category", "Not A Key"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn the_sitemap_lists_the_section_its_categories_authors_and_articles_with_lastmod() {
    let app = TestApp::spawn().await;
    let xml = app.get("/sitemap.xml").await.text().await.unwrap();
    let base = &app.state.config.base_url;
    for path in [
        "/en/articles",
        "/de/artikel",
        "/en/articles/category/news",
        "/de/artikel/category/neuigkeiten",
        "/en/authors/aylin-demir",
        "/en/articles/search-that-finds-what-customers-mean",
        "/de/artikel/suche-die-versteht-was-kunden-meinen",
    ] {
        let loc = format!("<loc>{base}{path}</loc>");
        let at = xml
            .find(&loc)
            .unwrap_or_else(|| panic!("{path} not in the sitemap"));
        let entry = &xml[at..at + xml[at..].find("</url>").unwrap()];
        assert!(entry.contains("<lastmod>20"), "{entry}");
    }
    assert!(
        !xml.contains("/en/articles/page/"),
        "later pages are not listed"
    );
}

#[tokio::test]
async fn site_search_finds_an_article_at_its_section_address() {
    let app = TestApp::spawn().await;
    let html = app.page("/en/search?q=bakery").await;
    assert!(
        attrs(&html, ".search-results a", "href")
            .contains(&"/en/articles/forecasting-demand-for-a-bakery-chain".to_string()),
        "{:?}",
        attrs(&html, "main a", "href")
    );
    let html = app.page("/de/search?q=Bäckereikette").await;
    assert!(
        attrs(&html, ".search-results a", "href")
            .contains(&"/de/artikel/forecasting-demand-for-a-bakery-chain".to_string())
    );
}

#[tokio::test]
async fn a_scheduled_article_appears_by_itself_when_its_time_comes() {
    let app = TestApp::spawn().await;
    let id = add_article(&app, "coming-soon", 0, ArticleDetails::default(), "Soon.").await;
    let at = magnetiq::db::now() + time::Duration::seconds(2);
    sql("UPDATE pages SET status = 'scheduled', published_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    app.content_changed().await;
    assert!(
        !card_links(&app.page("/en/articles").await).contains(&"/en/articles/coming-soon".into())
    );
    assert_eq!(app.get("/en/articles/coming-soon").await.status(), 404);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        card_links(&app.page("/en/articles").await)[0],
        "/en/articles/coming-soon",
        "the cached list expired when the article went live"
    );
    assert_eq!(app.get("/en/articles/coming-soon").await.status(), 200);
}

#[tokio::test]
async fn a_page_that_held_the_sections_address_first_keeps_it() {
    let app = TestApp::signed_in("editor").await;
    // A site that had a page at /en/articles before it had articles.
    let page = NewPage {
        slug: Slug::parse("articles").unwrap(),
        slugs: Localized::new(),
        title: both("Our articles in print", "Unsere Artikel im Druck"),
        summary: Localized::new(),
        meta_description: Localized::new(),
        status: PageStatus::Published(magnetiq::db::now()),
        parent_id: None,
        nav_order: 0,
        placement: Placement::Hidden,
        kind: PageKind::Page,
        article: ArticleDetails::default(),
    };
    create_page(
        &app.state.db,
        &page,
        Vec::new(),
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    app.content_changed().await;
    let html = app.page("/en/articles").await;
    assert_eq!(texts(&html, "h1"), vec!["Our articles in print"]);
    assert!(!attrs(&html, ".menu a", "href").contains(&"/en/articles".to_string()));
    // German keeps its own section address.
    assert_eq!(card_links(&app.page("/de/artikel").await).len(), 8);
    // The editor gives the English section another address; the page stays where it was.
    let settings = "/admin/articles/settings";
    let r = app
        .post_form(
            settings,
            settings,
            &[
                ("section_form", "1"),
                ("section.en", "insights"),
                ("section.de", "artikel"),
                ("in_footer", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(card_links(&app.page("/en/insights").await).len(), 8);
    assert_eq!(
        texts(&app.page("/en/articles").await, "h1"),
        vec!["Our articles in print"]
    );
    // And no new page may take a section's address.
    let r = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", "Insights"),
                ("slug", "insights"),
                ("placement", "main"),
                ("nav_order", "1"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
}
