//! Redirects: a renamed page's old addresses lead to the new ones in one hop however often it was
//! renamed; editors add old paths; loops are refused; hits are counted; existing pages never look.
use crate::common::{TestApp, attrs, location, texts};

async fn rename(app: &TestApp, slug: &str, to: &str) {
    let id = app.page_id(slug).await;
    let edit = format!("/admin/pages/{id}");
    let saved = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &app.page_version(id).await),
                ("title.en", "About us"),
                ("title.de", "Über uns"),
                ("slug", to),
                ("placement", "main"),
                ("nav_order", "10"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "rename {slug} → {to}");
}

async fn hop(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.get(path).await;
    (r.status().as_u16(), location(&r).to_owned())
}

#[tokio::test]
async fn a_renamed_page_keeps_its_old_addresses_in_one_hop_and_back() {
    let app = TestApp::signed_in("editor").await;
    rename(&app, "about", "about-us").await;
    assert_eq!(hop(&app, "/en/about").await, (301, "/en/about-us".into()));
    // The form sent no German slug: the page's German address moved from ueber-uns as well.
    assert_eq!(
        hop(&app, "/de/ueber-uns").await,
        (301, "/de/about-us".into())
    );
    assert_eq!(app.get("/en/about-us").await.status(), 200);
    // Renamed again: both old addresses lead straight to the newest.
    rename(&app, "about-us", "company").await;
    assert_eq!(hop(&app, "/en/about").await, (301, "/en/company".into()));
    assert_eq!(hop(&app, "/en/about-us").await, (301, "/en/company".into()));
    // The query string goes along.
    assert_eq!(
        hop(&app, "/en/about?utm_source=flyer").await,
        (301, "/en/company?utm_source=flyer".into())
    );
    // And back to the first name: the page answers there again, no loop.
    rename(&app, "company", "about").await;
    assert_eq!(app.get("/en/about").await.status(), 200);
    assert_eq!(hop(&app, "/en/company").await, (301, "/en/about".into()));
    assert_eq!(hop(&app, "/en/about-us").await, (301, "/en/about".into()));
    // The list shows them with their hits.
    let list = app.page("/admin/redirects").await;
    let rows = texts(&list, "tr[data-redirect-id] td:first-child");
    assert!(rows.contains(&"/en/company".to_owned()), "{rows:?}");
    assert!(
        !rows.contains(&"/en/about".to_owned()),
        "no redirect from a live page: {rows:?}"
    );
    let hits: i64 =
        magnetiq::db::sql("SELECT hits FROM redirects WHERE from_path = '/en/about-us'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(hits, 2, "followed twice");
}

#[tokio::test]
async fn editors_add_old_paths_chains_collapse_and_loops_are_refused() {
    let app = TestApp::signed_in("editor").await;
    let about = app.page_id("about").await;
    let add = |from: &'static str, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let mut all: Vec<(&str, &str)> = vec![("from", from)];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            app.post_form("/admin/redirects", "/admin/redirects", &all)
                .await
        }
    };
    let to_page = add(
        "/old-site/team.html",
        vec![("to_page", about.to_string()), ("to_lang", "de".into())],
    )
    .await;
    assert_eq!(to_page.status(), 303);
    assert_eq!(
        hop(&app, "/old-site/team.html").await,
        (301, "/de/ueber-uns".into())
    );

    assert_eq!(
        add("/a", vec![("to_path", "/b".into())]).await.status(),
        303
    );
    let back = add("/b", vec![("to_path", "/a".into())]).await;
    assert_eq!(back.status(), 422, "a loop");
    assert!(
        back.text()
            .await
            .unwrap()
            .contains("lead back to its own address")
    );
    // /x → /a, and /a already leads to /b: /x leads to /b in one hop.
    assert_eq!(
        add("/x", vec![("to_path", "/a".into())]).await.status(),
        303
    );
    assert_eq!(hop(&app, "/x").await, (301, "/b".into()));
    // /b → /en/contact: everything that led to /b now leads there.
    assert_eq!(
        add("/b", vec![("to_path", "/en/contact".into())])
            .await
            .status(),
        303
    );
    assert_eq!(hop(&app, "/a").await, (301, "/en/contact".into()));
    assert_eq!(hop(&app, "/x").await, (301, "/en/contact".into()));

    // From a live page, from the admin, or twice: refused, input kept.
    for (from, why) in [
        ("/en/about", "A page answers at this address"),
        ("/admin/users", "not the admin"),
        ("/a", "redirected already"),
        ("no-slash", "starting with /"),
    ] {
        let r = add(from, vec![("to_path", "/en/".into())]).await;
        assert_eq!(r.status(), 422, "{from}");
        let body = r.text().await.unwrap();
        assert!(body.contains(why), "{from}: {why}");
        let html = scraper::Html::parse_document(&body);
        assert_eq!(attrs(&html, "#from", "value"), [from]);
    }
    // Deleted: the old path is a plain 404 again.
    let list = app.page("/admin/redirects").await;
    let first = attrs(&list, "tr[data-redirect-id]", "data-redirect-id").remove(0);
    let deleted = app
        .post_form(
            &format!("/admin/redirects/{first}/delete"),
            "/admin/redirects",
            &[],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    let left: i64 = magnetiq::db::sql("SELECT count(*) FROM redirects")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(left, 3);
}

#[tokio::test]
async fn unknown_paths_stay_404_and_a_draft_rename_makes_no_redirect() {
    let app = TestApp::signed_in("editor").await;
    assert_eq!(app.get("/en/never-was").await.status(), 404);
    assert_eq!(app.get("/nothing/here").await.status(), 404);
    // A draft has no address visitors could hold.
    rename(&app, "careers", "jobs").await;
    let made: i64 = magnetiq::db::sql("SELECT count(*) FROM redirects")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(made, 0);
}
