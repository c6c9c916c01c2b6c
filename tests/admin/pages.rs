use crate::common::{TestApp, attrs, count, location, texts};

async fn page_id(app: &TestApp, slug: &str) -> i64 {
    magnetiq::db::sql("SELECT id FROM pages WHERE slug = $1")
        .bind(slug)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

async fn version(app: &TestApp, id: i64) -> String {
    let v: i64 = magnetiq::db::sql("SELECT version FROM pages WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap();
    v.to_string()
}

#[tokio::test]
async fn the_page_list_shows_status_and_translation_completeness() {
    let app = TestApp::signed_in("editor").await;
    let html = app.page("/admin/pages").await;
    let cloud = page_id(&app, "cloud-consulting").await;
    let row = format!("tr[data-page-id='{cloud}'] .translations .badge-missing");
    assert_eq!(texts(&html, &row), vec!["DE ✗"]);
    let careers = page_id(&app, "careers").await;
    assert_eq!(
        texts(&html, &format!("tr[data-page-id='{careers}'] .status")),
        vec!["Draft"]
    );
}

#[tokio::test]
async fn an_editor_creates_a_page_with_blocks_and_publishes_it() {
    let app = TestApp::signed_in("editor").await;
    let created = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", "Our Approach"),
                ("title.de", "Unser Ansatz"),
                ("slug", ""),
                ("nav_order", "50"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let id = page_id(&app, "our-approach").await; // slug suggested from the title
    assert_eq!(location(&created), format!("/admin/pages/{id}"));
    assert_eq!(app.get("/en/our-approach").await.status(), 404, "a draft");

    let edit = format!("/admin/pages/{id}");
    let add = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/new?type=rich_text"),
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("body.en", "We **listen** first."),
                ("body.de", "Wir hören **zuerst** zu."),
            ],
        )
        .await;
    assert_eq!(add.status(), 303);
    let add = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/new?type=heading"),
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("text.en", "How we work"),
                ("text.de", "So arbeiten wir"),
                ("level", "2"),
            ],
        )
        .await;
    assert_eq!(add.status(), 303);

    let publish = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("title.en", "Our Approach"),
                ("title.de", "Unser Ansatz"),
                ("slug", "our-approach"),
                ("nav_order", "50"),
                ("placement", "main"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(publish.status(), 303);
    let de = app.page("/de/our-approach").await;
    assert_eq!(texts(&de, "h1"), vec!["Unser Ansatz"]);
    assert!(texts(&de, ".block-rich-text strong").contains(&"zuerst".to_string()));
    assert_eq!(texts(&de, ".block-heading h2"), vec!["So arbeiten wir"]);
    assert!(
        texts(&de, ".menu a").contains(&"Unser Ansatz".to_string()),
        "in the navigation at once"
    );
    let actions: Vec<String> = magnetiq::db::sql("SELECT action FROM audit_log ORDER BY id")
        .scalars(&app.state.db)
        .await
        .unwrap();
    for a in ["page-created", "block-added", "page-published"] {
        assert!(
            actions.contains(&a.to_string()),
            "{a} not audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn invalid_page_input_comes_back_with_field_errors_and_the_input_kept() {
    let app = TestApp::signed_in("editor").await;
    let response = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", ""),
                ("title.de", "Nur Deutsch <b>"),
                ("slug", "Bad Slug!"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(
        attrs(&html, "input[name='title.de']", "value"),
        vec!["Nur Deutsch <b>"]
    );
    assert_eq!(attrs(&html, "input[name=slug]", "value"), vec!["Bad Slug!"]);
    assert_eq!(texts(&html, "#slug-error").len(), 1);
    assert_eq!(texts(&html, "#title-error").len(), 1);
    let taken = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", "About again"),
                ("slug", "about"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(taken.status(), 422);
    let html = scraper::Html::parse_document(&taken.text().await.unwrap());
    assert_eq!(
        texts(&html, "#slug-error"),
        vec!["Another page already has this address."]
    );
}

#[tokio::test]
async fn a_save_from_an_older_version_is_refused_and_keeps_the_editors_input() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "about").await;
    let edit = format!("/admin/pages/{id}");
    let old = version(&app, id).await;
    let first = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &old),
                ("title.en", "About (Anna)"),
                ("slug", "about"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(first.status(), 303);
    // A second editor still has the form from before that save.
    let second = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &old),
                ("title.en", "About (Ben)"),
                ("slug", "about"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(second.status(), 409);
    let html = scraper::Html::parse_document(&second.text().await.unwrap());
    assert!(texts(&html, ".form-error")[0].contains("Someone else saved this page"));
    assert_eq!(
        attrs(&html, "input[name='title.en']", "value"),
        vec!["About (Ben)"]
    );
    assert_eq!(
        texts(&app.page("/en/about").await, "h1"),
        vec!["About (Anna)"]
    );
    // Both versions side by side, the differing row marked, and a form that now knows the version
    // saved meanwhile: saving it again puts Ben's title over Anna's on purpose.
    let differing = texts(&html, ".conflict-table tr.differs th");
    assert_eq!(differing, vec!["Title (en)"]);
    assert_eq!(
        texts(&html, ".conflict-table tr.differs .theirs"),
        vec!["About (Anna)"]
    );
    assert_eq!(
        texts(&html, ".conflict-table tr.differs .yours"),
        vec!["About (Ben)"]
    );
    assert!(
        texts(&html, ".conflict-table thead")
            .join(" ")
            .contains("Test User")
    );
    let now = version(&app, id).await;
    let versions = attrs(&html, "input[name=version]", "value");
    assert!(
        !versions.is_empty() && versions.iter().all(|v| *v == now),
        "{versions:?}"
    );
    let again = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &now),
                ("title.en", "About (Ben)"),
                ("slug", "about"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        texts(&app.page("/en/about").await, "h1"),
        vec!["About (Ben)"]
    );
}

#[tokio::test]
async fn a_scheduled_page_appears_after_its_time() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "careers").await;
    let edit = format!("/admin/pages/{id}");
    // A minute from now, typed as the editor reads clocks: in the site's zone.
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(61);
    let at = magnetiq::zones::to_input(soon, &jiff::tz::TimeZone::get("Europe/Berlin").unwrap());
    let past = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("title.en", "Careers"),
                ("slug", "careers"),
                ("placement", "main"),
                ("publish_at", "2020-01-01T10:00"),
                ("action", "schedule"),
            ],
        )
        .await;
    assert_eq!(past.status(), 422);
    let scheduled = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("title.en", "Careers"),
                ("slug", "careers"),
                ("placement", "main"),
                ("publish_at", &at),
                ("action", "schedule"),
            ],
        )
        .await;
    assert_eq!(scheduled.status(), 303);
    assert_eq!(app.get("/en/careers").await.status(), 404);
    assert!(
        texts(&app.page("/admin").await, "#scheduled-heading + ul li")
            .iter()
            .any(|t| t.contains("Careers"))
    );
    // Time passes: move the schedule into the past as the clock would.
    magnetiq::db::sql("UPDATE pages SET published_at = '2020-01-01T00:00:00Z' WHERE id = $1")
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    magnetiq::content::content_changed(&app.state, None)
        .await
        .unwrap();
    assert_eq!(app.get("/en/careers").await.status(), 200);
}

#[tokio::test]
async fn blocks_are_edited_moved_reordered_and_deleted() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "about").await;
    let edit = format!("/admin/pages/{id}");
    let html = app.page(&edit).await;
    let ids: Vec<String> = attrs(&html, ".block-row", "data-block-id");
    assert_eq!(ids.len(), 4);

    // Edit the heading (first block) in German.
    let form = app
        .page(&format!("/admin/pages/{id}/blocks/{}", ids[0]))
        .await;
    assert_eq!(
        attrs(&form, "input[name='text.de']", "value"),
        vec!["Zuerst Ingenieure"]
    );
    let saved = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/{}", ids[0]),
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("text.en", "Engineers first"),
                ("text.de", "Ingenieure zuerst"),
                ("level", "2"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        texts(&app.page("/de/ueber-uns").await, ".block-heading h2"),
        vec!["Ingenieure zuerst"]
    );

    // The down button of the first block swaps it with the second.
    let html = app.page(&edit).await;
    let order = attrs(
        &html,
        &format!(".block-row[data-block-id='{}'] input[name=order]", ids[0]),
        "value",
    );
    let moved = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/order"),
            &edit,
            &[("version", &version(&app, id).await), ("order", &order[0])],
        )
        .await;
    assert_eq!(moved.status(), 303);
    let now: Vec<String> = attrs(&app.page(&edit).await, ".block-row", "data-block-id");
    assert_eq!(
        now,
        vec![
            ids[1].clone(),
            ids[0].clone(),
            ids[2].clone(),
            ids[3].clone()
        ]
    );

    // The whole order in one request: reverse it.
    let v = version(&app, id).await;
    let mut fields: Vec<(String, String)> = vec![("version".into(), v)];
    for (i, block) in now.iter().enumerate() {
        fields.push((format!("position.{block}"), (10 - i).to_string()));
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        app.post_form(&format!("/admin/pages/{id}/blocks/order"), &edit, &refs)
            .await
            .status(),
        303
    );
    let reversed: Vec<String> = attrs(&app.page(&edit).await, ".block-row", "data-block-id");
    assert_eq!(reversed, now.iter().rev().cloned().collect::<Vec<_>>());

    // A stray click deletes nothing: the page asks first.
    let stray = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/{}/delete", ids[2]),
            &edit,
            &[("version", &version(&app, id).await)],
        )
        .await;
    assert_eq!(stray.status(), 303);
    let before = app.page(&edit).await;
    assert_eq!(
        attrs(&before, ".block-row", "data-block-id").len(),
        ids.len()
    );
    assert!(texts(&before, ".flash")[0].contains("Nothing was deleted"));
    assert_eq!(
        count(
            &before,
            ".block-row details.confirm-delete form input[name=confirm]"
        ),
        ids.len()
    );
    let deleted = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/{}/delete", ids[2]),
            &edit,
            &[("version", &version(&app, id).await), ("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(
        attrs(&app.page(&edit).await, ".block-row", "data-block-id").len(),
        3
    );
    assert!(app.page("/en/about").await.html().contains("block-heading"));
}

#[tokio::test]
async fn a_javascript_link_in_a_block_is_refused_when_stored() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "contact").await;
    let edit = format!("/admin/pages/{id}");
    let response = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/new?type=call_to_action"),
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("headline.en", "Click"),
                ("label.en", "Go"),
                ("url.en", "javascript:alert(document.cookie)"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(
        attrs(&html, "input[name='url.en']", "value"),
        vec!["javascript:alert(document.cookie)"],
        "input kept"
    );
    let n: i64 = magnetiq::db::sql(
        "SELECT count(*) FROM content_blocks WHERE CAST(content AS TEXT) LIKE '%javascript:%'",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn restoring_a_revision_brings_back_the_old_blocks() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "faq").await;
    let edit = format!("/admin/pages/{id}");
    let ids = attrs(&app.page(&edit).await, ".block-row", "data-block-id");
    let deleted = app
        .post_form(
            &format!("/admin/pages/{id}/blocks/{}/delete", ids[0]),
            &edit,
            &[("version", &version(&app, id).await), ("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    assert!(
        !app.page("/en/faq")
            .await
            .html()
            .contains("How long does a project take?")
    );

    let revisions = app.page(&format!("/admin/pages/{id}/revisions")).await;
    let rows = attrs(&revisions, "tr[data-revision-id]", "data-revision-id");
    assert_eq!(rows.len(), 2, "the state before the first edit is kept too");
    let oldest = rows.last().unwrap();
    let restored = app
        .post_form(
            &format!("/admin/pages/{id}/revisions/{oldest}/restore"),
            &format!("/admin/pages/{id}/revisions"),
            &[],
        )
        .await;
    assert_eq!(restored.status(), 303);
    assert!(
        app.page("/en/faq")
            .await
            .html()
            .contains("How long does a project take?")
    );
    let after = attrs(
        &app.page(&format!("/admin/pages/{id}/revisions")).await,
        "tr[data-revision-id]",
        "data-revision-id",
    );
    assert_eq!(after.len(), 3, "restoring is a new revision");
}

#[tokio::test]
async fn deleting_asks_first_and_refuses_a_page_with_children() {
    let app = TestApp::signed_in("editor").await;
    let services = page_id(&app, "services").await;
    let confirm = app.page(&format!("/admin/pages/{services}/delete")).await;
    assert_eq!(texts(&confirm, ".form-error").len(), 1);
    let refused = app
        .post_form(
            &format!("/admin/pages/{services}/delete"),
            "/admin/pages",
            &[],
        )
        .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(app.get("/en/services").await.status(), 200);

    let faq = page_id(&app, "faq").await;
    let confirm = app.page(&format!("/admin/pages/{faq}/delete")).await;
    assert_eq!(
        attrs(&confirm, "form[action$='/delete'] button", "type"),
        vec!["submit"]
    );
    let deleted = app
        .post_form(&format!("/admin/pages/{faq}/delete"), "/admin/pages", &[])
        .await;
    assert_eq!(location(&deleted), "/admin/pages");
    assert_eq!(app.get("/en/faq").await.status(), 404);

    // The home page is where every visitor arrives: never deleted, not even by a direct POST.
    let home = page_id(&app, "home").await;
    let edit = app.page(&format!("/admin/pages/{home}")).await;
    assert_eq!(attrs(&edit, "a.danger-link", "href").len(), 0);
    let confirm = app.get(&format!("/admin/pages/{home}/delete")).await;
    assert_eq!(location(&confirm), format!("/admin/pages/{home}"));
    let refused = app
        .post_form(&format!("/admin/pages/{home}/delete"), "/admin/pages", &[])
        .await;
    assert_eq!(location(&refused), format!("/admin/pages/{home}"));
    assert!(
        texts(&app.page(&format!("/admin/pages/{home}")).await, ".flash")[0]
            .contains("cannot be deleted")
    );
    assert_eq!(app.get("/en/").await.status(), 200);
    // Nor can its address be changed away from `home`, which would leave `/{lang}/` empty.
    let edit = format!("/admin/pages/{home}");
    let renamed = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &app.page_version(home).await),
                ("title.en", "Home"),
                ("slug", "start"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 422);
    let html = scraper::Html::parse_document(&renamed.text().await.unwrap());
    assert!(texts(&html, "#slug-error")[0].contains("home"));
    assert_eq!(page_id(&app, "home").await, home);
    assert_eq!(app.get("/en/").await.status(), 200);
}

#[tokio::test]
async fn a_draft_can_be_previewed_by_editors_only() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "careers").await;
    let preview = app.get(&format!("/admin/pages/{id}/preview/de")).await;
    assert_eq!(preview.status(), 200);
    let html = scraper::Html::parse_document(&preview.text().await.unwrap());
    assert_eq!(texts(&html, ".preview-banner").len(), 1);
    assert_eq!(texts(&html, "h1"), vec!["Karriere"]);
    let stranger = app
        .get_as_new_visitor(&format!("/admin/pages/{id}/preview/de"), &[])
        .await;
    assert_eq!(stranger.status(), 303);
}

#[tokio::test]
async fn every_page_post_without_a_valid_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "about").await;
    let block: i64 = magnetiq::db::sql("SELECT id FROM content_blocks WHERE page_id = $1 LIMIT 1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let before: i64 = magnetiq::db::sql("SELECT version FROM pages WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let v = before.to_string();
    let posts = [
        "/admin/pages/new".to_string(),
        format!("/admin/pages/{id}"),
        format!("/admin/pages/{id}/delete"),
        format!("/admin/pages/{id}/revisions/1/restore"),
        format!("/admin/pages/{id}/blocks/new?type=heading"),
        format!("/admin/pages/{id}/blocks/order"),
        format!("/admin/pages/{id}/blocks/{block}"),
        format!("/admin/pages/{id}/blocks/{block}/delete"),
        "/admin/logout".to_string(),
    ];
    for path in &posts {
        for token in [None, Some("wrong")] {
            let mut fields = vec![
                ("version", v.as_str()),
                ("title.en", "Hacked"),
                ("slug", "hacked"),
                ("text.en", "Hacked"),
                ("order", "1"),
            ];
            if let Some(t) = token {
                fields.push(("csrf_token", t));
            }
            let response = app
                .client
                .post(app.url(path))
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 403, "{path} with token {token:?}");
        }
    }
    let after: i64 = magnetiq::db::sql("SELECT version FROM pages WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(before, after);
    let pages: i64 = magnetiq::db::sql("SELECT count(*) FROM pages WHERE slug = 'hacked'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(pages, 0);
    assert_eq!(app.get("/admin").await.status(), 200, "still signed in");
}

#[tokio::test]
async fn editor_input_is_escaped_in_the_admin_and_on_the_site() {
    let app = TestApp::signed_in("editor").await;
    let xss = "<script>alert('x')</script>";
    let created = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", xss),
                ("summary.en", xss),
                ("slug", "xss-test"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    for path in ["/admin/pages", "/en/xss-test"] {
        let body = app.get(path).await.text().await.unwrap();
        assert!(!body.contains(xss), "{path} has the raw script");
        assert!(
            body.contains("&#60;script&#62;"),
            "{path} lacks the escaped text"
        );
    }
}

#[tokio::test]
async fn one_revision_can_be_viewed_in_full() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "contact").await;
    let edit = format!("/admin/pages/{id}");
    let saved = app
        .post_form(
            &edit,
            &edit,
            &[
                ("version", &version(&app, id).await),
                ("title.en", "Contact us"),
                ("title.de", "Kontakt"),
                ("slug", "contact"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let list = app.page(&format!("{edit}/revisions")).await;
    let oldest = attrs(&list, "tr[data-revision-id]", "data-revision-id")
        .pop()
        .unwrap();
    let view = app.page(&format!("{edit}/revisions/{oldest}")).await;
    let dd = texts(&view, ".revision-fields dd");
    assert!(dd.contains(&"Contact".to_string()), "the old title: {dd:?}");
    assert!(
        texts(&view, ".revision-blocks dd")
            .iter()
            .any(|t| t.contains("Leopoldstraße 42"))
    );
    assert_eq!(
        app.get(&format!("{edit}/revisions/999999")).await.status(),
        404
    );
}

#[tokio::test]
async fn xss_typed_into_every_block_field_comes_out_escaped_everywhere() {
    let app = TestApp::signed_in("editor").await;
    let x = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
    let table = format!("Head | {x}\n{x} | cell");
    let created = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", x),
                ("title.de", x),
                ("summary.en", x),
                ("meta_description.de", x),
                ("slug", "xss-blocks"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let id = page_id(&app, "xss-blocks").await;
    let edit = format!("/admin/pages/{id}");
    let blocks: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "hero",
            vec![
                ("headline.en", x),
                ("subheadline.de", x),
                ("buttons.0.label.en", x),
                ("buttons.0.url.en", "/en/contact"),
            ],
        ),
        ("rich_text", vec![("body.en", x), ("body.de", x)]),
        ("heading", vec![("text.en", x), ("level", "3")]),
        (
            "image",
            vec![
                ("src", "/static/img/team.svg"),
                ("alt.en", x),
                ("caption.de", x),
            ],
        ),
        (
            "video",
            vec![
                ("provider", "youtube"),
                ("video_id", "abc123"),
                ("title.en", x),
            ],
        ),
        (
            "call_to_action",
            vec![
                ("headline.en", x),
                ("text.en", x),
                ("label.en", x),
                ("url.en", "/en/"),
            ],
        ),
        (
            "features",
            vec![
                ("title.en", x),
                ("items.0.icon", "bolt"),
                ("items.0.title.en", x),
                ("items.0.text.de", x),
            ],
        ),
        (
            "quote",
            vec![
                ("text.en", x),
                ("person.en", x),
                ("role.de", x),
                ("company.en", x),
            ],
        ),
        (
            "stats",
            vec![
                ("title.en", x),
                ("items.0.value.en", x),
                ("items.0.label.de", x),
            ],
        ),
        (
            "faq",
            vec![
                ("title.en", x),
                ("items.0.question.en", x),
                ("items.0.answer.en", x),
            ],
        ),
        (
            "pricing",
            vec![
                ("title.en", x),
                ("items.0.name.en", x),
                ("items.0.price.en", x),
                ("items.0.period.de", x),
                ("items.0.features.en", x),
                ("items.0.highlighted", "yes"),
                ("items.0.cta_label.en", x),
                ("items.0.cta_url.en", "/en/book"),
            ],
        ),
        (
            "gallery",
            vec![
                ("title.en", x),
                ("items.0.src", "/static/img/team.svg"),
                ("items.0.alt.en", x),
                ("items.0.caption.de", x),
            ],
        ),
        (
            "testimonials",
            vec![
                ("title.de", x),
                ("items.0.quote.en", x),
                ("items.0.name.en", x),
                ("items.0.role.en", x),
            ],
        ),
        (
            "logo_wall",
            vec![
                ("title.en", x),
                ("items.0.src", "/static/img/code.svg"),
                ("items.0.name.en", x),
                ("items.0.url", "https://example.com/"),
            ],
        ),
        (
            "columns",
            vec![("items.0.body.en", x), ("items.1.body.en", x)],
        ),
        ("divider", vec![("style", "space")]),
        ("table", vec![("title.en", x), ("rows.en", &table)]),
        ("consultant", vec![("title.en", x), ("consultant", "1")]),
    ];
    for (block_type, fields) in &blocks {
        let v = version(&app, id).await;
        let mut all = fields.clone();
        all.push(("version", &v));
        let r = app
            .post_form(
                &format!("/admin/pages/{id}/blocks/new?type={block_type}"),
                &edit,
                &all,
            )
            .await;
        assert_eq!(r.status(), 303, "{block_type}: {}", r.text().await.unwrap());
    }
    let block_ids = attrs(&app.page(&edit).await, ".block-row", "data-block-id");
    assert_eq!(block_ids.len(), blocks.len());
    let mut paths = vec![
        "/en/xss-blocks".to_string(),
        "/de/xss-blocks".to_string(),
        "/admin/pages".to_string(),
        edit.clone(),
        format!("{edit}/revisions"),
        "/admin".to_string(),
    ];
    paths.extend(block_ids.iter().map(|b| format!("{edit}/blocks/{b}")));
    let revision = attrs(
        &app.page(&format!("{edit}/revisions")).await,
        "tr[data-revision-id]",
        "data-revision-id",
    )
    .remove(0);
    paths.push(format!("{edit}/revisions/{revision}"));
    paths.push(format!("/admin/pages/{id}/preview/de"));
    for path in &paths {
        let body = app.get(path).await.text().await.unwrap();
        assert!(!body.contains("<script>alert(1)"), "{path}: raw script");
        assert!(!body.contains("<img src=x"), "{path}: raw img");
        assert!(
            !body.contains("onerror=alert(2)>") || body.contains("&#60;img"),
            "{path}: live handler"
        );
    }
}

/// Duplicates page `id` (at `slug`) from its editor; returns the copy's id, after checking that the
/// editor is sent to the copy.
async fn duplicate(app: &TestApp, id: i64, slug: &str) -> i64 {
    let copied = app
        .post_form(
            &format!("/admin/pages/{id}/duplicate"),
            &format!("/admin/pages/{id}"),
            &[],
        )
        .await;
    assert_eq!(copied.status(), 303);
    let copy = app.page_id(&format!("{slug}-copy")).await;
    assert_eq!(location(&copied), format!("/admin/pages/{copy}"));
    copy
}

#[tokio::test]
async fn a_page_is_duplicated_as_a_draft_with_its_blocks() {
    let app = TestApp::signed_in("editor").await;
    let about = app.page_id("about").await;
    let original = app.page(&format!("/admin/pages/{about}")).await;
    assert_eq!(
        attrs(&original, "a.view-on-site", "href"),
        vec!["/en/about", "/de/ueber-uns"],
        "a published page links to itself on the site"
    );
    let blocks_of = |id: i64| {
        let db = app.state.db.clone();
        async move {
            let rows: Vec<String> = magnetiq::db::sql(
                "SELECT block_type || ' ' || content FROM content_blocks WHERE page_id = $1 ORDER BY sort_order",
            )
            .bind(id)
            .scalars(&db)
            .await
            .unwrap();
            rows
        }
    };
    let copy = duplicate(&app, about, "about").await;
    let original_blocks = blocks_of(about).await;
    assert!(!original_blocks.is_empty());
    assert_eq!(blocks_of(copy).await, original_blocks, "the same blocks");
    let (status, title): (String, String) =
        magnetiq::db::sql("SELECT status, CAST(title AS TEXT) FROM pages WHERE id = $1")
            .bind(copy)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(status, "draft");
    assert!(title.contains("About"), "{title}");
    let form = app.page(&format!("/admin/pages/{copy}")).await;
    assert!(
        attrs(&form, "a.view-on-site", "href").is_empty(),
        "a draft is not on the site"
    );
    assert_eq!(
        app.get("/en/about-copy").await.status(),
        404,
        "drafts stay private"
    );
    let again = app
        .post_form(
            &format!("/admin/pages/{about}/duplicate"),
            &format!("/admin/pages/{about}"),
            &[],
        )
        .await;
    assert_eq!(again.status(), 303);
    app.page_id("about-copy-2").await;
    let revisions: i64 =
        magnetiq::db::sql("SELECT count(*) FROM page_revisions WHERE page_id = $1")
            .bind(copy)
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(revisions, 1, "the copy starts its own history");
    let audit: Vec<String> =
        magnetiq::db::sql("SELECT target FROM audit_log WHERE action = 'page-duplicated'")
            .scalars(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audit.len(), 2);
    assert!(
        audit[0].contains(&format!("copy of page {about}")),
        "{audit:?}"
    );
    let missing = app
        .post_form("/admin/pages/999999/duplicate", "/admin/pages", &[])
        .await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_parent_list_offers_every_other_page_drafts_too_but_no_article() {
    let app = TestApp::signed_in("editor").await;
    let about = app.page_id("about").await;
    let copy = duplicate(&app, about, "about").await;
    let db = &app.state.db;
    let articles: Vec<i64> = magnetiq::db::sql("SELECT id FROM pages WHERE kind = 'article'")
        .scalars(db)
        .await
        .unwrap();
    assert!(!articles.is_empty(), "the demo has articles");

    let editor = app.page(&format!("/admin/pages/{about}")).await;
    let mut offered: Vec<i64> = attrs(&editor, "select#parent_id option", "value")
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| v.parse().unwrap())
        .collect();
    offered.sort_unstable();
    assert_eq!(
        offered,
        magnetiq::db::sql(
            "SELECT id FROM pages WHERE kind = 'page' AND slug <> 'about' ORDER BY id"
        )
        .scalars::<i64>(db)
        .await
        .unwrap(),
        "every page but itself"
    );
    assert!(offered.contains(&copy), "a draft too");
    assert!(articles.iter().all(|a| !offered.contains(a)));
    let labels = texts(&editor, "select#parent_id option");
    assert!(
        labels.iter().any(|l| l == "About us (/about-copy)"),
        "{labels:?}"
    );

    // The draft's own editor offers the page it was copied from, by its title and address.
    let editor = app.page(&format!("/admin/pages/{copy}")).await;
    let labels = texts(&editor, "select#parent_id option");
    assert!(
        labels.iter().any(|l| l == "About us (/about)"),
        "{labels:?}"
    );
    assert!(!labels.iter().any(|l| l.ends_with("(/about-copy)")));
}

#[tokio::test]
async fn the_page_list_is_searched_filtered_and_paged() {
    let app = TestApp::signed_in("editor").await;
    let cloud = page_id(&app, "cloud-consulting").await;
    let careers = page_id(&app, "careers").await;
    let ids = |html: &scraper::Html| attrs(html, ".pages-table tbody tr", "data-page-id");

    let missing = app.page("/admin/pages?missing=de").await;
    assert!(ids(&missing).contains(&cloud.to_string()));
    assert_eq!(
        texts(
            &missing,
            ".pages-table tbody tr .translations .badge-missing"
        )
        .len(),
        ids(&missing).len(),
        "every row lacks German"
    );
    let drafts = app.page("/admin/pages?status=draft").await;
    assert!(ids(&drafts).contains(&careers.to_string()));
    assert!(
        texts(&drafts, ".pages-table tbody .status")
            .iter()
            .all(|s| s == "Draft")
    );
    let found = app.page("/admin/pages?q=CLOUD").await;
    assert_eq!(ids(&found), vec![cloud.to_string()]);

    app.edit_first_heading("about", "About us", "Über uns")
        .await;
    let about = page_id(&app, "about").await;
    let mine = app.page("/admin/pages?author=Test+User").await;
    assert_eq!(ids(&mine), vec![about.to_string()]);

    magnetiq::content::seed::seed_generated_pages(
        &app.state.db,
        150,
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    let first = app.page("/admin/pages").await;
    assert_eq!(ids(&first).len(), 100);
    let next = attrs(&first, ".pager a[rel=next]", "href");
    assert_eq!(
        next,
        vec!["/admin/pages?q=&status=&missing=&author=&page=2"]
    );
    let second = app.page(&next[0]).await;
    let total: i64 = magnetiq::db::sql("SELECT count(*) FROM pages WHERE kind = 'page'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(ids(&second).len() as i64, total - 100);
    let filtered = app.page("/admin/pages?q=page-&page=2").await;
    assert!(
        attrs(&filtered, ".pager a[rel=prev]", "href")[0].starts_with("/admin/pages?q=page-&"),
        "the pager keeps the filter"
    );
}

#[tokio::test]
async fn the_translation_matrix_shows_missing_partial_and_stale_translations() {
    let app = TestApp::signed_in("editor").await;
    let cloud = page_id(&app, "cloud-consulting").await;
    let html = app.page("/admin/translations").await;
    let cell = |html: &scraper::Html, id: i64| {
        texts(
            html,
            &format!("tr[data-page-id='{id}'] td.translation .badge"),
        )
    };
    assert_ne!(
        cell(&html, cloud),
        vec!["Complete"],
        "cloud consulting lacks German"
    );

    // A page written in both languages, then changed in English only: German is stale.
    let created = app
        .post_form(
            "/admin/pages/new",
            "/admin/pages/new",
            &[
                ("title.en", "Pricing"),
                ("title.de", "Preise"),
                ("slug", "pricing"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let id = page_id(&app, "pricing").await;
    let fresh = app.page("/admin/translations").await;
    assert_eq!(cell(&fresh, id), vec!["Complete"]);
    assert!(texts(&fresh, &format!("tr[data-page-id='{id}'] .stale-note")).is_empty());
    let v = version(&app, id).await;
    let edited = app
        .post_form(
            &format!("/admin/pages/{id}"),
            &format!("/admin/pages/{id}"),
            &[
                ("version", &v),
                ("title.en", "Pricing and plans"),
                ("title.de", "Preise"),
                ("slug", "pricing"),
                ("placement", "main"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(edited.status(), 303);
    let stale = app.page("/admin/translations").await;
    let note = texts(&stale, &format!("tr[data-page-id='{id}'] .stale-note"));
    assert_eq!(note.len(), 1);
    assert!(
        note[0].starts_with("German older than the English edit of"),
        "{note:?}"
    );
    // Translated again: no longer stale.
    let v = version(&app, id).await;
    app.post_form(
        &format!("/admin/pages/{id}"),
        &format!("/admin/pages/{id}"),
        &[
            ("version", &v),
            ("title.en", "Pricing and plans"),
            ("title.de", "Preise und Pakete"),
            ("slug", "pricing"),
            ("placement", "main"),
            ("action", "save"),
        ],
    )
    .await;
    let current = app.page("/admin/translations").await;
    assert!(texts(&current, &format!("tr[data-page-id='{id}'] .stale-note")).is_empty());

    // What is missing in German: every row shown needs German work.
    let missing = app.page("/admin/translations?missing=de").await;
    let rows = attrs(&missing, ".translations-table tbody tr", "data-page-id");
    assert!(rows.contains(&cloud.to_string()));
    assert!(!rows.contains(&id.to_string()));
}

#[tokio::test]
async fn translate_mode_shows_the_original_beside_each_field_and_changes_only_that_language() {
    let app = TestApp::signed_in("editor").await;
    let id = page_id(&app, "about").await;
    let title = |lang: &'static str| {
        let app = &app;
        async move {
            let json: String =
                magnetiq::db::sql("SELECT CAST(title AS TEXT) FROM pages WHERE id = $1")
                    .bind(id)
                    .scalar(&app.state.db)
                    .await
                    .unwrap();
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            v[lang].as_str().unwrap_or("").to_owned()
        }
    };
    let english = title("en").await;
    let path = format!("/admin/pages/{id}?translate=de");
    let html = app.page(&path).await;
    assert_eq!(count(&html, "input[type=hidden][name='title.en']"), 1);
    assert_eq!(count(&html, "input[type=text][name='title.en']"), 0);
    assert_eq!(count(&html, "input[type=text][name='title.de']"), 1);
    assert_eq!(count(&html, "#slug"), 0, "settings ride along hidden");
    assert!(texts(&html, ".translate-source p").contains(&english));

    let fields = app
        .form_fields(
            &path,
            "form.page-form",
            &[("title.de", "Über uns, neu übersetzt"), ("action", "save")],
        )
        .await;
    let saved = app
        .client
        .post(app.url(&format!("/admin/pages/{id}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), path, "back in translate mode");
    assert_eq!(title("de").await, "Über uns, neu übersetzt");
    assert_eq!(title("en").await, english, "the original untouched");
    let slug: String = magnetiq::db::sql("SELECT slug FROM pages WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(slug, "about");

    // A block in translate mode: German fields editable beside the English text.
    let block = attrs(
        &app.page(&format!("/admin/pages/{id}")).await,
        ".block-row",
        "data-block-id",
    )
    .remove(0);
    let block_path = format!("/admin/pages/{id}/blocks/{block}?translate=de");
    let html = app.page(&block_path).await;
    assert!(count(&html, ".translate-source") >= 1);
    let german: Vec<String> = attrs(
        &html,
        "textarea[name$='.de'], input[type=text][name$='.de']",
        "name",
    );
    let english_fields = attrs(&html, "input[type=hidden][name$='.en']", "name");
    assert!(
        !german.is_empty() && !english_fields.is_empty(),
        "{german:?} {english_fields:?}"
    );
    let before: Vec<(String, String)> = app.form_fields(&block_path, "form.block-form", &[]).await;
    let fields = app
        .form_fields(
            &block_path,
            "form.block-form",
            &[(german[0].as_str(), "Neu auf Deutsch")],
        )
        .await;
    let saved = app
        .client
        .post(app.url(&format!("/admin/pages/{id}/blocks/{block}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    assert_eq!(
        location(&saved),
        format!("/admin/pages/{id}?translate=de#blocks")
    );
    let after = app
        .form_fields(
            &format!("/admin/pages/{id}/blocks/{block}"),
            "form.block-form",
            &[],
        )
        .await;
    for (name, value) in &before {
        if name.ends_with(".en") {
            assert!(
                after.contains(&(name.clone(), value.clone())),
                "{name} kept"
            );
        }
    }
    assert!(after.contains(&(german[0].clone(), "Neu auf Deutsch".to_owned())));
}

#[tokio::test]
async fn the_translation_matrix_covers_webinars_and_whitepapers_and_leaves_drafts_of_changes_out() {
    let app = TestApp::signed_in("editor").await;
    let before = app.page("/admin/translations").await;
    let pages_before = count(&before, "tr[data-kind='translations-kind-page']");
    let webinars: i64 =
        magnetiq::db::sql("SELECT count(*) FROM webinars WHERE status <> 'cancelled'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    let whitepapers: i64 = magnetiq::db::sql("SELECT count(*) FROM whitepapers")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert!(webinars > 0 && whitepapers > 0, "the demo has both");
    assert_eq!(
        count(&before, "tr[data-kind='translations-kind-webinar']") as i64,
        webinars
    );
    assert_eq!(
        count(&before, "tr[data-kind='translations-kind-whitepaper']") as i64,
        whitepapers
    );
    // A webinar written in English only: missing in German, and found by the filter.
    let mut fields = crate::common::webinars::fields(
        "english-only",
        10,
        false,
        jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48),
    );
    fields.title = magnetiq::db::JsonText::from(r#"{"en": "English only"}"#);
    fields.summary = magnetiq::db::JsonText::from(r#"{"en": "Nothing in German yet."}"#);
    let id = crate::common::webinars::save(&app, None, &fields).await;
    let missing = app.page("/admin/translations?missing=de").await;
    let row =
        format!("tr[data-kind='translations-kind-webinar']:has(a[href='/admin/webinars/{id}'])");
    assert_eq!(texts(&missing, &format!("{row} .badge")), ["Missing"]);
    assert_eq!(
        attrs(&missing, &format!("{row} a.translate-link"), "href"),
        [format!("/admin/webinars/{id}#lang-de")]
    );
    // A draft of changes to a live page is not a page of its own here.
    let about = app.page_id("about").await;
    magnetiq::content::review::store::draft_of_changes(
        &app.state.db,
        about,
        1,
        app.state.config.languages.all(),
    )
    .await
    .unwrap();
    let after = app.page("/admin/translations").await;
    assert_eq!(
        count(&after, "tr[data-kind='translations-kind-page']"),
        pages_before
    );
}

#[tokio::test]
async fn a_block_form_marks_what_it_needs_and_names_each_mistake_in_the_admins_language() {
    let app = TestApp::signed_in("editor").await;
    assert_eq!(
        app.get("/admin/language/de?next=/admin").await.status(),
        303
    );
    let page = page_id(&app, "about").await;
    let form = format!("/admin/pages/{page}/blocks/new?type=webinar_teaser");
    let html = app.page(&form).await;
    assert_eq!(attrs(&html, "input[name=count]", "type"), ["number"]);
    assert_eq!(
        attrs(&html, "input[name=count]", "value"),
        ["3"],
        "a default"
    );
    assert_eq!(attrs(&html, "input[name=count]", "min"), ["1"]);
    let required = texts(&html, "label .required-mark");
    assert_eq!(required, ["(Pflichtfeld)"], "the needed field is marked");

    let refused = app
        .post_form(
            &form,
            &format!("/admin/pages/{page}/blocks/new?type=webinar_teaser"),
            &[
                ("version", &version(&app, page).await),
                ("title.en", "Next dates <b>"),
                ("count", "99"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    assert_eq!(attrs(&html, "input[name=count]", "aria-invalid"), ["true"]);
    assert_eq!(attrs(&html, "input[name=count]", "value"), ["99"], "kept");
    assert_eq!(
        attrs(&html, "input[name='title.en']", "value"),
        ["Next dates <b>"]
    );
    let errors = texts(&html, ".field-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("1") && errors[0].contains("12"),
        "{errors:?}"
    );
    assert!(errors[0].contains("ganze Zahl"), "German: {errors:?}");
}
