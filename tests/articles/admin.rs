//! Articles in the admin: written in the page editor with their own fields, reviewed, renamed,
//! listed and filtered; categories and the section's address in one place; authors' profiles.
use crate::common::accounts::{html_of, post};
use crate::common::{PASSWORD, TestApp, attrs, count, location, texts};
use crate::{card_links, category};

/// A browser signed in as a new user with `role` (display name "Test User").
async fn person(app: &TestApp, email: &str, role: &str) -> reqwest::Client {
    app.create_user(email, role, PASSWORD).await;
    let (client, response) = app.login_in_new_browser(email, PASSWORD).await;
    assert_eq!(response.status(), 303, "{email} signs in");
    client
}

/// The new-article form as `who`'s browser sends it, with `changes`.
async fn new_article(
    app: &TestApp,
    who: &reqwest::Client,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let (status, html) = html_of(who, app, "/admin/articles/new").await;
    assert_eq!(status, 200);
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in attrs(&html, "form.page-form input[type=hidden]", "name") {
        if name != "csrf_token" {
            let value = attrs(
                &html,
                &format!("form.page-form input[name='{name}']"),
                "value",
            )
            .remove(0);
            fields.push((name, value));
        }
    }
    // The writer is ticked as the author.
    for name in attrs(&html, "input[type=checkbox][checked]", "name") {
        fields.push((name, "on".into()));
    }
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    post(
        who,
        app,
        "/admin/articles/new",
        "/admin/articles/new",
        &fields,
    )
    .await
}

#[tokio::test]
async fn an_author_writes_an_article_submits_it_and_an_editor_approves_it() {
    let app = TestApp::spawn().await;
    magnetiq::content::review::store::set_required(&app.state.db, true)
        .await
        .unwrap();
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let editor = person(&app, "eve@magnetiq.test", "editor").await;
    let news = category(&app, "news").await;
    let created = new_article(
        &app,
        &author,
        &[
            ("title.en", "We moved"),
            ("title.de", "Wir sind umgezogen"),
            ("summary.en", "A new home for the team."),
            ("slug", "we-moved"),
            ("slug.de", "wir-sind-umgezogen"),
            (&format!("category.{news}"), "on"),
            ("tags", "Company, Berlin"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let id = app.page_id("we-moved").await;
    assert_eq!(location(&created), format!("/admin/pages/{id}"));
    // The editor screen is the page editor with the article's fields, in the articles section.
    let (_, edit) = html_of(&author, &app, &format!("/admin/pages/{id}")).await;
    assert_eq!(texts(&edit, "h1"), vec!["Edit article"]);
    assert_eq!(
        attrs(&edit, ".admin-nav a[aria-current=page]", "href"),
        vec!["/admin/articles"]
    );
    assert_eq!(attrs(&edit, "#tags", "value"), vec!["Company, Berlin"]);
    assert_eq!(count(&edit, "#parent_id"), 0, "no place in the page tree");
    // The preview is the article page, marked as one.
    let (status, preview) = html_of(&author, &app, &format!("/admin/pages/{id}/preview/de")).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&preview, "h1"), vec!["Wir sind umgezogen"]);
    assert_eq!(count(&preview, ".preview-banner"), 1);
    assert_eq!(count(&preview, ".article-header .article-meta"), 1);
    // An author cannot publish it; they submit it.
    let submitted = post(
        &author,
        &app,
        &format!("/admin/pages/{id}"),
        &format!("/admin/pages/{id}/submit"),
        &[
            ("version", &app.page_version(id).await),
            ("message", "Please have a look"),
        ],
    )
    .await;
    assert_eq!(submitted.status(), 303);
    let submission = location(&submitted)
        .strip_prefix("/admin/review/")
        .unwrap()
        .to_owned();
    assert_eq!(app.get("/en/articles/we-moved").await.status(), 404);
    let approved = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{submission}/approve"),
        &[("comment", "Good")],
    )
    .await;
    assert_eq!(approved.status(), 303);
    // Live: first in the list, in its category, in the feed, at its German address.
    assert_eq!(
        card_links(&app.page("/en/articles").await)[0],
        "/en/articles/we-moved"
    );
    assert_eq!(
        card_links(&app.page("/en/articles/category/news").await)[0],
        "/en/articles/we-moved"
    );
    let feed = app.get("/en/feed.xml").await.text().await.unwrap();
    assert!(feed.contains("<title>We moved</title>"));
    let de = app.page("/de/artikel/wir-sind-umgezogen").await;
    assert_eq!(texts(&de, "h1"), vec!["Wir sind umgezogen"]);
    assert!(texts(&de, ".article-header .article-meta")[0].contains("Test User"));
    // The article is no page of the tree: not in the pages list, not at a page's address.
    let (_, pages) = html_of(&editor, &app, "/admin/pages").await;
    assert!(!attrs(&pages, "tr[data-page-id]", "data-page-id").contains(&id.to_string()));
    assert_eq!(app.get("/en/we-moved").await.status(), 404);
}

#[tokio::test]
async fn the_admin_list_searches_and_filters_and_the_dashboard_shows_drafts_and_schedules() {
    let app = TestApp::signed_in("editor").await;
    let rows =
        |html: &scraper::Html| texts(html, ".articles-table tbody td:first-child a:first-child");
    let all = app.page("/admin/articles").await;
    assert_eq!(texts(&all, ".pages-found"), vec!["8 articles"]);
    let cases = category(&app, "case-studies").await;
    let jonas = crate::author(&app, "Jonas Weber").await;
    let filtered = app
        .page(&format!("/admin/articles?category={cases}&author={jonas}"))
        .await;
    assert_eq!(
        rows(&filtered),
        vec!["Forecasting demand for a bakery chain"]
    );
    let found = app.page("/admin/articles?q=berlin").await;
    assert_eq!(rows(&found), vec!["Magnetiq opens a Berlin office"]);
    let tagged = app.page("/admin/articles?tag=retail").await;
    assert_eq!(rows(&tagged).len(), 2);
    // A draft only in English: found by "missing German" and "draft", shown on the dashboard.
    let r = new_article(
        &app,
        &app.client,
        &[
            ("title.en", "Half written"),
            ("slug", "half-written"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let missing = app.page("/admin/articles?missing=de&status=draft").await;
    assert_eq!(rows(&missing), vec!["Half written"]);
    let dashboard = app.page("/admin").await;
    assert_eq!(texts(&dashboard, ".article-drafts a"), vec!["Half written"]);
    assert!(texts(&dashboard, ".scheduled-articles a").is_empty());
    let id = app.page_id("half-written").await;
    magnetiq::db::sql("UPDATE pages SET status = 'scheduled', published_at = $1 WHERE id = $2")
        .bind(magnetiq::db::now() + time::Duration::days(2))
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let dashboard = app.page("/admin").await;
    assert_eq!(
        texts(&dashboard, ".scheduled-articles a"),
        vec!["Half written"]
    );
    // Fifty a screen; the pager keeps the filter.
    for n in 0..51 {
        let details = magnetiq::content::articles::model::ArticleDetails {
            tags: vec!["Bulk".into()],
            ..Default::default()
        };
        crate::add_article(&app, &format!("bulk-{n}"), 200 + n, details, "Words.").await;
    }
    let first = app.page("/admin/articles?tag=bulk").await;
    assert_eq!(rows(&first).len(), 50);
    let next = attrs(&first, ".pager a[rel=next]", "href");
    assert_eq!(next, vec!["/admin/articles?tag=bulk&page=2"]);
    assert_eq!(rows(&app.page(&next[0]).await), vec!["Title bulk-50"]);
}

#[tokio::test]
async fn hostile_article_fields_are_refused_with_everything_typed_kept() {
    let app = TestApp::signed_in("editor").await;
    let r = new_article(
        &app,
        &app.client,
        &[
            ("title.en", "<script>alert(1)</script>"),
            ("slug", "hostile"),
            ("tags", "<b>bold</b>, x"),
            ("author.999999", "on"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(
        r.status(),
        303,
        "an unknown author id is ignored, the writer stays"
    );
    let id = app.page_id("hostile").await;
    let edit = format!("/admin/pages/{id}");
    let fields = app.form_fields(&edit, "form.page-form", &[]).await;
    let mut send: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(n, _)| n != "csrf_token" && !n.starts_with("author."))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    send.extend([
        ("cover", "999999"),
        ("updated_on", "31.02.2026"),
        ("action", "save"),
    ]);
    let r = app.post_form(&edit, &edit, &send).await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(count(&html, "#cover-error"), 1);
    assert_eq!(count(&html, "#updated-error"), 1);
    assert_eq!(count(&html, "#authors-error"), 1);
    assert_eq!(attrs(&html, "#updated_on", "value"), vec!["31.02.2026"]);
    assert_eq!(attrs(&html, "#tags", "value"), vec!["<b>bold</b>, x"]);
    assert_eq!(count(&html, "[role=alert]"), 1, "the error in view");
    // Nothing of it was stored; the title shows as text wherever it appears.
    let stored: String = magnetiq::db::sql("SELECT article FROM pages WHERE id = $1")
        .bind(id)
        .scalar::<magnetiq::db::JsonText>(&app.state.db)
        .await
        .unwrap()
        .0;
    assert!(
        !stored.contains("999999") && !stored.contains("31.02"),
        "{stored}"
    );
    let list = app.get("/admin/articles").await.text().await.unwrap();
    assert!(!list.contains("<script>alert"), "escaped");
    let rows = texts(&scraper::Html::parse_document(&list), ".articles-table a");
    assert!(
        rows.contains(&"<script>alert(1)</script>".to_string()),
        "{rows:?}"
    );
}

#[tokio::test]
async fn renaming_a_live_article_leaves_its_old_address_redirecting() {
    let app = TestApp::signed_in("editor").await;
    let r = app
        .save_page_form(
            "reading-a-language-model-bill",
            &[("slug", "what-a-language-model-costs")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    for (old, new) in [
        (
            "/en/articles/reading-a-language-model-bill",
            "/en/articles/what-a-language-model-costs",
        ),
        (
            "/de/artikel/reading-a-language-model-bill",
            "/de/artikel/what-a-language-model-costs",
        ),
    ] {
        let r = app.get(old).await;
        assert_eq!(r.status(), 301, "{old}");
        assert_eq!(location(&r), new);
        assert_eq!(app.get(new).await.status(), 200);
    }
    // Duplicating makes a draft article with the same details.
    let id = app.page_id("what-a-language-model-costs").await;
    let r = app
        .post_form(
            &format!("/admin/pages/{id}/duplicate"),
            &format!("/admin/pages/{id}"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (kind, tags): (String, magnetiq::db::JsonText) = magnetiq::db::sql(
        "SELECT kind, article FROM pages WHERE slug = 'what-a-language-model-costs-copy'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(kind, "article");
    assert!(tags.0.contains("Language models"));
}

#[tokio::test]
async fn editors_manage_categories_and_the_section_address_and_authors_may_not() {
    let app = TestApp::spawn().await;
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let (status, _) = html_of(&author, &app, "/admin/articles/settings").await;
    assert_eq!(status, 403);
    let (status, _) = html_of(&author, &app, "/admin/articles").await;
    assert_eq!(status, 200, "authors see the articles");
    app.sign_in_as("editor").await;
    let settings = "/admin/articles/settings";
    // A new category; one whose address is taken is refused with what was typed.
    let r = app
        .post_form(
            &format!("{settings}/categories"),
            settings,
            &[
                ("name.en", "Events"),
                ("name.de", "Veranstaltungen"),
                ("slug.en", ""),
                ("slug.de", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            &format!("{settings}/categories"),
            settings,
            &[("name.en", "More news"), ("slug.en", "news")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "#new-name-en", "value"), vec!["More news"]);
    let page = app.page(settings).await;
    assert!(attrs(&page, "input[name='slug.de']", "value").contains(&"veranstaltungen".into()));
    // The German section moves: its old addresses lead to the new ones.
    let r = app
        .post_form(
            settings,
            settings,
            &[
                ("section_form", "1"),
                ("section.en", "articles"),
                ("section.de", "beitraege"),
                ("in_footer", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(card_links(&app.page("/de/beitraege").await).len(), 8);
    let r = app
        .get("/de/artikel/suche-die-versteht-was-kunden-meinen")
        .await;
    assert_eq!(r.status(), 301);
    assert_eq!(
        location(&r),
        "/de/beitraege/suche-die-versteht-was-kunden-meinen"
    );
    assert_eq!(location(&app.get("/de/artikel").await), "/de/beitraege");
    let html = app.page("/de/search?q=Bäckereikette").await;
    assert!(
        attrs(&html, ".search-results a", "href")
            .iter()
            .all(|h| !h.starts_with("/de/artikel/"))
    );
    // An address a page or a feature answers at is refused, with what was typed kept.
    for taken in ["kontakt", "webinars", "authors"] {
        let r = app
            .post_form(
                settings,
                settings,
                &[
                    ("section_form", "1"),
                    ("section.en", "articles"),
                    ("section.de", taken),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{taken}");
        let html = scraper::Html::parse_document(&r.text().await.unwrap());
        assert_eq!(attrs(&html, "#section-de", "value"), vec![taken]);
    }
    // The footer's articles go when the setting is off.
    let r = app
        .post_form(
            settings,
            settings,
            &[
                ("section_form", "1"),
                ("section.en", "articles"),
                ("section.de", "beitraege"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let home = app.page("/en/").await;
    assert!(
        attrs(&home, ".site-footer a", "href")
            .iter()
            .all(|h| !h.starts_with("/en/articles/"))
    );
    // And a category deleted: its page is gone, its articles stay.
    let events = category(&app, "events").await;
    let r = app
        .post_form(
            &format!("{settings}/categories/{events}"),
            settings,
            &[("action", "delete")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get("/en/articles/category/events").await.status(), 404);
}

#[tokio::test]
async fn an_authors_page_is_public_only_once_they_turn_it_on() {
    let app = TestApp::signed_in("editor").await;
    let r = new_article(
        &app,
        &app.client,
        &[
            ("title.en", "By the test user"),
            ("slug", "by-the-test-user"),
            ("action", "publish"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let article = app.page("/en/articles/by-the-test-user").await;
    assert_eq!(
        texts(&article, ".article-header .article-meta a"),
        Vec::<String>::new()
    );
    assert!(texts(&article, ".article-header .article-meta")[0].contains("By Test User"));
    let form = app.page("/admin/account/author").await;
    assert_eq!(attrs(&form, "#slug", "value"), vec!["test-user"]);
    let save = |public: bool| {
        let mut fields = vec![
            ("display_name", "Tess Tester"),
            ("slug", "tess-tester"),
            ("role_line.en", "Writer"),
            ("role_line.de", "Autorin"),
            ("bio.en", "Writes <b>tests</b>."),
        ];
        if public {
            fields.push(("public", "on"));
        }
        fields
    };
    let r = app
        .post_form(
            "/admin/account/author",
            "/admin/account/author",
            &save(false),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get("/en/authors/tess-tester").await.status(), 404);
    let r = app
        .post_form(
            "/admin/account/author",
            "/admin/account/author",
            &save(true),
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.page("/de/authors/tess-tester").await;
    assert_eq!(texts(&page, "h1"), vec!["Tess Tester"]);
    assert_eq!(texts(&page, ".author-header .lead"), vec!["Autorin"]);
    assert_eq!(card_links(&page), vec!["/de/artikel/by-the-test-user"]);
    assert!(page.html().contains("Writes &lt;b&gt;tests&lt;/b&gt;."));
    let article = app.page("/en/articles/by-the-test-user").await;
    assert_eq!(
        attrs(
            &article,
            ".article-header .article-meta a[rel=author]",
            "href"
        ),
        vec!["/en/authors/tess-tester"]
    );
    // Another person's address is refused, with what was typed kept.
    let r = app
        .post_form(
            "/admin/account/author",
            "/admin/account/author",
            &[("display_name", "Copycat"), ("slug", "aylin-demir")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(attrs(&html, "#display_name", "value"), vec!["Copycat"]);
}

#[tokio::test]
async fn restoring_a_revision_brings_back_an_articles_tags_and_categories() {
    let app = TestApp::signed_in("editor").await;
    let slug = "reading-a-language-model-bill";
    let news = category(&app, "news").await;
    let r = app
        .save_page_form(
            slug,
            &[
                ("tags", "Pricing"),
                (&format!("category.{news}"), "on"),
                ("updated_on", "2026-12-02"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let path = format!("/en/articles/{slug}");
    let html = app.page(&path).await;
    assert_eq!(
        attrs(&html, ".article-footer .tags a", "href"),
        vec!["/en/articles/tag/pricing"]
    );
    assert_eq!(
        attrs(&html, "meta[property='article:section']", "content"),
        vec!["How-tos", "News"]
    );
    let id = app.page_id(slug).await;
    let revisions = app.page(&format!("/admin/pages/{id}/revisions")).await;
    let oldest = attrs(&revisions, "tr[data-revision-id]", "data-revision-id")
        .pop()
        .unwrap();
    let restored = app
        .post_form(
            &format!("/admin/pages/{id}/revisions/{oldest}/restore"),
            &format!("/admin/pages/{id}/revisions"),
            &[],
        )
        .await;
    assert_eq!(restored.status(), 303);
    let html = app.page(&path).await;
    assert_eq!(
        attrs(&html, ".article-footer .tags a", "href"),
        vec!["/en/articles/tag/language-models", "/en/articles/tag/cost"]
    );
    assert_eq!(
        attrs(&html, "meta[property='article:section']", "content"),
        vec!["How-tos"]
    );
    assert_eq!(count(&html, ".article-header time"), 1, "no updated date");
    // The translation overview lists articles beside pages.
    let overview = app.page("/admin/translations").await;
    assert!(overview.html().contains("Reading a language model bill"));
}

#[tokio::test]
async fn tags_are_renamed_merged_and_removed_across_articles_in_one_place() {
    let app = TestApp::signed_in("editor").await;
    let settings = "/admin/articles/settings";
    let tags = "/admin/articles/settings/tags";
    let revisions = || async {
        magnetiq::db::sql("SELECT count(*) FROM page_revisions")
            .scalar::<i64>(&app.state.db)
            .await
            .unwrap()
    };
    let before = revisions().await;
    let r = app
        .post_form(
            tags,
            settings,
            &[
                ("key", "retail"),
                ("name", "Commerce"),
                ("action", "rename"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        card_links(&app.page("/en/articles/tag/commerce").await).len(),
        2
    );
    assert_eq!(app.get("/en/articles/tag/retail").await.status(), 404);
    // Two changed articles: each keeps its state before and gets a revision of the change.
    assert!(revisions().await >= before + 2);
    // A name another tag has merges the two: the article keeps one of them.
    let r = app
        .post_form(
            tags,
            settings,
            &[
                ("key", "cost"),
                ("name", "Language models"),
                ("action", "rename"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = app.page("/en/articles/reading-a-language-model-bill").await;
    assert_eq!(
        attrs(&html, ".article-footer .tags a", "href"),
        vec!["/en/articles/tag/language-models"]
    );
    let r = app
        .post_form(tags, settings, &[("key", "company"), ("action", "delete")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get("/en/articles/tag/company").await.status(), 404);
    let page = app.page(settings).await;
    assert!(!texts(&page, ".tag-row > a").contains(&"Company".to_string()));
    // Two tags typed as one name are refused, with what was typed kept.
    let r = app
        .post_form(
            tags,
            settings,
            &[("key", "search"), ("name", "a, b"), ("action", "rename")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert!(attrs(&html, ".tag-form input[name=name]", "value").contains(&"a, b".to_string()));
    assert_eq!(count(&html, ".tag-form .field-error"), 1);
    // Authors may not.
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let r = post(
        &author,
        &app,
        "/admin/articles",
        tags,
        &[("key", "search"), ("action", "delete")],
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        card_links(&app.page("/en/articles/tag/search").await).len(),
        1
    );
}
