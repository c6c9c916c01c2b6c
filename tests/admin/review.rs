//! Review before publishing: authors (and editors, with "publishing needs review" on) submit,
//! reviewers approve or send back, and nobody without the right publishes through any route.
use crate::common::accounts::{html_of, mails, post};
use crate::common::{PASSWORD, TestApp, attrs, count, location, routes, texts};

async fn review_on(app: &TestApp) {
    magnetiq::content::review::store::set_required(&app.state.db, true)
        .await
        .unwrap();
}

/// A browser signed in as a new user with `role`.
async fn person(app: &TestApp, email: &str, role: &str) -> reqwest::Client {
    app.create_user(email, role, PASSWORD).await;
    let (client, response) = app.login_in_new_browser(email, PASSWORD).await;
    assert_eq!(response.status(), 303, "{email} signs in");
    client
}

async fn status_of(app: &TestApp, id: i64) -> String {
    magnetiq::db::sql("SELECT status FROM pages WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

async fn version(app: &TestApp, id: i64) -> String {
    app.page_version(id).await
}

/// The author writes a draft with one rich-text block; returns its id.
async fn draft_by(app: &TestApp, author: &reqwest::Client, slug: &str, body: &str) -> i64 {
    let created = post(
        author,
        app,
        "/admin/pages/new",
        "/admin/pages/new",
        &[
            ("title.en", "Careers"),
            ("title.de", "Karriere"),
            ("slug", slug),
            ("nav_order", "60"),
            ("placement", "main"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(created.status(), 303, "an author creates a draft");
    let id = app.page_id(slug).await;
    let edit = format!("/admin/pages/{id}");
    let added = post(
        author,
        app,
        &edit,
        &format!("/admin/pages/{id}/blocks/new?type=rich_text"),
        &[
            ("version", &version(app, id).await),
            ("body.en", body),
            ("body.de", "Wir stellen ein."),
        ],
    )
    .await;
    assert_eq!(added.status(), 303, "an author adds a block to a draft");
    id
}

/// `who` presses "publish" on page `id` (slug `slug`); the answer's status.
async fn publish(app: &TestApp, who: &reqwest::Client, id: i64, slug: &str) -> u16 {
    post(
        who,
        app,
        "/admin/pages",
        &format!("/admin/pages/{id}"),
        &[
            ("version", &version(app, id).await),
            ("title.en", "Careers"),
            ("slug", slug),
            ("placement", "main"),
            ("nav_order", "60"),
            ("action", "publish"),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn submit(app: &TestApp, who: &reqwest::Client, id: i64, fields: &[(&str, &str)]) -> i64 {
    let edit = format!("/admin/pages/{id}");
    let v = version(app, id).await;
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    let submitted = post(who, app, &edit, &format!("/admin/pages/{id}/submit"), &all).await;
    assert_eq!(submitted.status(), 303);
    let to = location(&submitted).to_owned();
    to.strip_prefix("/admin/review/")
        .unwrap_or_else(|| panic!("submitted, then sent to {to}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_author_cannot_publish_through_any_route() {
    let app = TestApp::spawn().await;
    review_on(&app).await;
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let live = app.page_id("about").await;
    let live_version = version(&app, live).await;
    let draft = draft_by(&app, &author, "open-roles", "We are hiring.").await;
    let draft_version = version(&app, draft).await;
    let published_before: i64 =
        magnetiq::db::sql("SELECT count(*) FROM pages WHERE status <> 'draft'")
            .scalar(&app.state.db)
            .await
            .unwrap();

    // The form's publish buttons, posted anyway.
    for action in ["publish", "schedule"] {
        for (path, v) in [
            (format!("/admin/pages/{draft}"), draft_version.as_str()),
            ("/admin/pages/new".to_owned(), "0"),
        ] {
            let r = post(
                &author,
                &app,
                "/admin/pages/new",
                &path,
                &[
                    ("version", v),
                    ("title.en", "Careers"),
                    ("slug", "careers-two"),
                    ("placement", "main"),
                    ("nav_order", "1"),
                    ("publish_at", "2099-01-01T10:00"),
                    ("action", action),
                ],
            )
            .await;
            assert_eq!(r.status(), 403, "{action} on {path}");
        }
    }

    let unpublish = post(
        &author,
        &app,
        "/admin/pages",
        &format!("/admin/pages/{live}"),
        &[
            ("version", &live_version),
            ("title.en", "About"),
            ("slug", "about"),
            ("placement", "main"),
            ("nav_order", "1"),
            ("action", "unpublish"),
        ],
    )
    .await;
    assert_eq!(unpublish.status(), 403, "taking a live page down");

    // Every admin route, with the live page and an existing block, revision and submission.
    let block: i64 = magnetiq::db::sql("SELECT min(id) FROM content_blocks WHERE page_id = $1")
        .bind(live)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let revision: i64 = magnetiq::db::sql("SELECT max(id) FROM page_revisions WHERE page_id = $1")
        .bind(draft)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let author_sections = [
        "/admin",
        "/admin/",
        "/admin/pages",
        "/admin/media",
        "/admin/translations",
        "/admin/review",
        "/admin/newsletter",
        "/admin/account",
        "/admin/logout",
        "/admin/language",
        "/admin/login",
        "/admin/password",
        "/admin/invitation",
    ];
    // The POSTs an author may make on a live page: copies and drafts of changes, never the page.
    let allowed_on_live = ["/duplicate", "/changes"];
    let mut walked = 0;
    for (route, methods) in routes() {
        // Signing out (or ending one's sessions) would end the walk.
        if !route.starts_with("/admin")
            || route == "/admin/logout"
            || route.starts_with("/admin/account/sessions/end")
        {
            continue;
        }
        let path = route
            .replace("{id}", &live.to_string())
            .replace("{block}", &block.to_string())
            .replace("{revision}", &revision.to_string())
            .replace("{registration}", "1")
            .replace("{lang}", "en")
            .replace("{email}", "someone%40example.com")
            .replace("{token}", "x")
            .replace("{verb}", "pause");
        let section = path
            .trim_start_matches("/admin")
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        // Authors write articles and newsletter issues; the articles' settings, and letting an
        // issue go (approving, sending back, pausing, the archive), are the editors'.
        let reviewers_only = path.starts_with("/admin/newsletter")
            && ["/approve", "/return", "/pause", "/archive"]
                .iter()
                .any(|end| path.ends_with(end));
        let own = ((section == "articles" && !path.starts_with("/admin/articles/settings"))
            || author_sections
                .iter()
                .any(|s| s.trim_start_matches("/admin").trim_start_matches('/') == section))
            && !reviewers_only;
        for method in &methods {
            let response = match method.as_str() {
                "GET" => author.get(app.url(&path)).send().await.unwrap(),
                "POST" => {
                    post(
                        &author,
                        &app,
                        "/admin/pages",
                        &path,
                        &[
                            ("version", &live_version),
                            ("title.en", "Hijacked"),
                            ("slug", "about"),
                            ("placement", "main"),
                            ("nav_order", "1"),
                            ("action", "save"),
                            ("required", "on"),
                            ("confirm", "yes"),
                            ("comment", "fine"),
                            ("order", &block.to_string()),
                        ],
                    )
                    .await
                }
                _ => continue,
            };
            let status = response.status().as_u16();
            if !own {
                assert_eq!(status, 403, "{method} {path} as an author");
                walked += 1;
            } else if method == "POST"
                && path.starts_with(&format!("/admin/pages/{live}"))
                && !allowed_on_live.iter().any(|a| path.ends_with(a))
            {
                assert!(
                    status == 403 || status == 404,
                    "{method} {path} changes a live page as an author: {status}"
                );
                walked += 1;
            }
        }
    }
    assert!(walked > 60, "walked {walked} forbidden routes");
    assert_eq!(
        version(&app, live).await,
        live_version,
        "the live page unchanged"
    );
    let published_after: i64 =
        magnetiq::db::sql("SELECT count(*) FROM pages WHERE status <> 'draft'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(published_after, published_before, "nothing published");
    assert_eq!(status_of(&app, draft).await, "draft");
    // Navigation shows an author only what they can use.
    let (_, dashboard) = html_of(&author, &app, "/admin").await;
    let nav = attrs(&dashboard, ".admin-nav a", "href");
    assert!(nav.contains(&"/admin/review".to_owned()), "{nav:?}");
    assert!(!nav.contains(&"/admin/people".to_owned()), "{nav:?}");
    assert_eq!(
        count(&dashboard, "#upcoming-heading"),
        0,
        "no leads on an author's dashboard"
    );
}

#[tokio::test]
async fn an_approval_publishes_exactly_the_submitted_version() {
    let app = TestApp::spawn().await;
    review_on(&app).await;
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let editor = person(&app, "eve@magnetiq.test", "editor").await;
    let id = draft_by(&app, &author, "open-roles", "We are hiring engineers.").await;

    // Editors need review too now: their own publish button is refused.
    assert_eq!(
        publish(&app, &editor, id, "open-roles").await,
        403,
        "an editor publishing with review on"
    );

    let submission = submit(&app, &author, id, &[("message", "Ready for launch")]).await;
    // The reviewer's queue, on the dashboard and at /admin/review.
    let (_, dashboard) = html_of(&editor, &app, "/admin").await;
    assert_eq!(texts(&dashboard, ".review-queue a"), vec!["Careers"]);
    let (_, queue) = html_of(&editor, &app, "/admin/review").await;
    assert_eq!(
        attrs(
            &queue,
            "#queue-heading ~ .table-wrap tr[data-submission-id]",
            "data-submission-id"
        ),
        vec![submission.to_string()]
    );
    // The diff: everything on a new page is added, per language.
    let (status, detail) = html_of(&editor, &app, &format!("/admin/review/{submission}")).await;
    assert_eq!(status, 200);
    let added = texts(&detail, ".diff-added .after");
    assert!(
        added.contains(&"We are hiring engineers.".to_owned()),
        "{added:?}"
    );
    assert!(added.contains(&"Wir stellen ein.".to_owned()), "{added:?}");
    assert!(
        texts(&detail, ".details")
            .join(" ")
            .contains("Ready for launch")
    );

    // The author cannot approve their own submission; another author cannot see it.
    let r = post(
        &author,
        &app,
        "/admin/review",
        &format!("/admin/review/{submission}/approve"),
        &[],
    )
    .await;
    assert_eq!(r.status(), 403);
    let other = person(&app, "otto@magnetiq.test", "author").await;
    let (status, _) = html_of(&other, &app, &format!("/admin/review/{submission}")).await;
    assert_eq!(status, 403);

    // Editing after submitting withdraws the submission; approving the stale one is refused.
    let edit = format!("/admin/pages/{id}");
    let block = attrs(
        &html_of(&author, &app, &edit).await.1,
        ".block-row",
        "data-block-id",
    )
    .remove(0);
    let changed = post(
        &author,
        &app,
        &edit,
        &format!("/admin/pages/{id}/blocks/{block}"),
        &[
            ("version", &version(&app, id).await),
            ("body.en", "Not yet reviewed text."),
            ("body.de", "Noch nicht geprüft."),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    let refused = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{submission}/approve"),
        &[],
    )
    .await;
    assert_eq!(refused.status(), 409);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("no longer waiting for review")
    );
    assert_eq!(
        status_of(&app, id).await,
        "draft",
        "the unreviewed text stays unpublished"
    );
    assert_eq!(app.get("/en/open-roles").await.status(), 404);

    // Submitted again and approved: exactly the submitted text goes live.
    let again = submit(&app, &author, id, &[("message", "Second try")]).await;
    let approved = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{again}/approve"),
        &[("comment", "Looks good")],
    )
    .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(status_of(&app, id).await, "published");
    let public = app.get("/en/open-roles").await;
    assert_eq!(public.status(), 200);
    assert!(
        public
            .text()
            .await
            .unwrap()
            .contains("Not yet reviewed text.")
    );
    assert_eq!(mails(&app, "ada@magnetiq.test", "review-decision").await, 1);
    let history: Vec<String> =
        magnetiq::db::sql("SELECT status FROM page_submissions WHERE page_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|(s,): (String,)| s)
            .collect();
    assert_eq!(history, vec!["withdrawn", "approved"]);
    // The page's history shows both, with the reviewer's comment.
    let (_, revisions) = html_of(&editor, &app, &format!("/admin/pages/{id}/revisions")).await;
    assert_eq!(
        count(&revisions, ".review-history tr[data-submission-id]"),
        2
    );
    assert!(
        texts(&revisions, ".review-history")
            .join(" ")
            .contains("Looks good")
    );
    let audit: Vec<String> = magnetiq::db::sql("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(a,): (String,)| a)
        .collect();
    for action in ["page-created", "page-submitted", "page-approved"] {
        assert!(audit.contains(&action.to_owned()), "{action} in {audit:?}");
    }
    // The author's dashboard says so.
    let (_, dashboard) = html_of(&author, &app, "/admin").await;
    assert!(
        texts(&dashboard, ".my-submissions")
            .join(" ")
            .contains("Approved")
    );
}

#[tokio::test]
async fn changes_requested_go_back_with_the_comment_and_a_schedule_is_kept() {
    let app = TestApp::spawn().await;
    review_on(&app).await;
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let editor = person(&app, "eve@magnetiq.test", "editor").await;
    let id = draft_by(&app, &author, "open-roles", "We are hiring.").await;
    let submission = submit(&app, &author, id, &[("publish_at", "2099-06-01T08:00")]).await;

    let empty = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{submission}/request-changes"),
        &[("comment", "  ")],
    )
    .await;
    assert_eq!(empty.status(), 422, "a comment is needed");
    let sent_back = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{submission}/request-changes"),
        &[("comment", "Please add the salary range <b>first</b>.")],
    )
    .await;
    assert_eq!(sent_back.status(), 303);
    assert_eq!(mails(&app, "ada@magnetiq.test", "review-decision").await, 1);
    let (_, form) = html_of(&author, &app, &format!("/admin/pages/{id}")).await;
    assert_eq!(
        texts(&form, ".sent-back p"),
        vec!["Please add the salary range <b>first</b>."],
        "shown as text"
    );
    let (_, dashboard) = html_of(&author, &app, "/admin").await;
    assert!(
        texts(&dashboard, ".my-submissions")
            .join(" ")
            .contains("salary range")
    );
    assert_eq!(status_of(&app, id).await, "draft");

    // Submitted again with a time: approval schedules it.
    let again = submit(&app, &author, id, &[("publish_at", "2099-06-01T08:00")]).await;
    let approved = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{again}/approve"),
        &[],
    )
    .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(status_of(&app, id).await, "scheduled");
    assert_eq!(
        app.get("/en/open-roles").await.status(),
        404,
        "not before its time"
    );
    // Decided submissions cannot be decided again.
    let twice = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{again}/request-changes"),
        &[("comment", "late")],
    )
    .await;
    assert_eq!(twice.status(), 409);
}

#[tokio::test]
async fn a_live_page_changes_through_a_draft_of_changes() {
    let app = TestApp::spawn().await;
    review_on(&app).await;
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let editor = person(&app, "eve@magnetiq.test", "editor").await;
    let live = app.page_id("about").await;
    let (_, form) = html_of(&author, &app, &format!("/admin/pages/{live}")).await;
    assert_eq!(
        count(&form, "button[value=save]"),
        0,
        "no save button on a live page"
    );
    assert_eq!(count(&form, "form[action$='/changes']"), 1);
    assert_eq!(
        count(
            &form,
            "fieldset.form-whole[disabled] input[name='title.en']"
        ),
        1,
        "what the author cannot save is read-only"
    );
    let started = post(
        &author,
        &app,
        &format!("/admin/pages/{live}"),
        &format!("/admin/pages/{live}/changes"),
        &[],
    )
    .await;
    assert_eq!(started.status(), 303);
    let draft: i64 = location(&started)
        .trim_start_matches("/admin/pages/")
        .parse()
        .unwrap();
    assert_ne!(draft, live);
    // Asking again opens the same draft.
    let again = post(
        &author,
        &app,
        &format!("/admin/pages/{live}"),
        &format!("/admin/pages/{live}/changes"),
        &[],
    )
    .await;
    assert_eq!(location(&again), format!("/admin/pages/{draft}"));
    // The pages list says whose changes the draft holds.
    let (_, list) = html_of(&author, &app, "/admin/pages?status=draft").await;
    assert_eq!(
        attrs(
            &list,
            &format!("tr[data-page-id='{draft}'] .changes-to a"),
            "href"
        ),
        [format!("/admin/pages/{live}")]
    );

    let edit = format!("/admin/pages/{draft}");
    let block = attrs(
        &html_of(&author, &app, &edit).await.1,
        ".block-row",
        "data-block-id",
    )
    .remove(0);
    let before = app.get("/en/about").await.text().await.unwrap();
    let content: String =
        magnetiq::db::sql("SELECT CAST(content AS TEXT) FROM content_blocks WHERE id = $1")
            .bind(block.parse::<i64>().unwrap())
            .scalar(&app.state.db)
            .await
            .unwrap();
    let fields = magnetiq::content::block_form::flatten(
        &serde_json::from_str::<serde_json::Value>(&content).unwrap(),
    );
    // Keep every field of the first block, with a new English heading or text.
    let mut form_fields: Vec<(String, String)> = fields.into_iter().collect();
    let changed_key = form_fields
        .iter()
        .map(|(k, _)| k.clone())
        .find(|k| k.ends_with(".en"))
        .expect("an English text in the first block");
    let mut changed_value = String::new();
    for (k, v) in form_fields.iter_mut() {
        if *k == changed_key {
            *v = format!("{v} Reviewed new words");
            changed_value = v.clone();
        }
    }
    let v = version(&app, draft).await;
    form_fields.push(("version".to_owned(), v));
    let refs: Vec<(&str, &str)> = form_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = post(
        &author,
        &app,
        &edit,
        &format!("/admin/pages/{draft}/blocks/{block}"),
        &refs,
    )
    .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    assert_eq!(
        app.get("/en/about").await.text().await.unwrap(),
        before,
        "live page unchanged"
    );

    let submission = submit(&app, &author, draft, &[("message", "New intro")]).await;
    let (_, detail) = html_of(&editor, &app, &format!("/admin/review/{submission}")).await;
    let changed = texts(&detail, ".diff-changed .after");
    assert_eq!(
        changed,
        vec![changed_value.clone()],
        "only the changed value"
    );
    let marked = |html: &scraper::Html| -> Vec<String> {
        texts(html, ".diff-changed .after ins")
            .iter()
            .map(|t| t.trim().to_owned())
            .collect()
    };
    assert_eq!(
        marked(&detail),
        ["Reviewed new words"],
        "only the new words"
    );
    assert_eq!(count(&detail, ".diff-changed .before del"), 0);
    assert_eq!(
        count(&detail, "textarea[name=comment]"),
        1,
        "one comment box"
    );
    let approved = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{submission}/approve"),
        &[],
    )
    .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(location(&approved), format!("/admin/pages/{live}"));
    let after = app.get("/en/about").await;
    assert_eq!(after.status(), 200, "the same address");
    assert!(after.text().await.unwrap().contains("Reviewed new words"));
    // The history keeps what changed after the draft of changes is gone.
    let (_, history) = html_of(&editor, &app, &format!("/admin/review/{submission}")).await;
    assert_eq!(texts(&history, ".diff-changed .after"), vec![changed_value]);
    assert_eq!(marked(&history), ["Reviewed new words"]);
    let drafts: i64 = magnetiq::db::sql("SELECT count(*) FROM pages WHERE id = $1")
        .bind(draft)
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(drafts, 0, "the draft of changes is gone");
    let kept: i64 = magnetiq::db::sql(
        "SELECT count(*) FROM page_submissions WHERE page_id = $1 AND status = 'approved'",
    )
    .bind(live)
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(kept, 1, "the history stays with the live page");
}

#[tokio::test]
async fn reviewers_do_not_approve_their_own_but_admins_publish_directly() {
    let app = TestApp::spawn().await;
    review_on(&app).await;
    let editor = person(&app, "eve@magnetiq.test", "editor").await;
    let id = draft_by(&app, &editor, "open-roles", "Hiring.").await;
    let submission = submit(&app, &editor, id, &[]).await;
    let own = post(
        &editor,
        &app,
        "/admin/review",
        &format!("/admin/review/{submission}/approve"),
        &[],
    )
    .await;
    assert_eq!(own.status(), 403, "not one's own submission");
    let admin = person(&app, "boss@magnetiq.test", "admin").await;
    assert_eq!(
        publish(&app, &admin, id, "open-roles").await,
        303,
        "admins publish without review"
    );
    assert_eq!(status_of(&app, id).await, "published");
    // Publishing withdrew the submission (the page changed).
    let state: String = magnetiq::db::sql("SELECT status FROM page_submissions WHERE id = $1")
        .bind(submission)
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(state, "withdrawn");
    // With review off, editors publish again.
    magnetiq::content::review::store::set_required(&app.state.db, false)
        .await
        .unwrap();
    let draft = draft_by(&app, &editor, "jobs", "Jobs.").await;
    assert_eq!(publish(&app, &editor, draft, "jobs").await, 303);
}

#[tokio::test]
async fn ones_own_submissions_are_paged() {
    let app = TestApp::spawn().await;
    review_on(&app).await;
    let author = person(&app, "ada@magnetiq.test", "author").await;
    let id = draft_by(&app, &author, "open-roles", "Hiring.").await;
    for _ in 0..21 {
        let submission = submit(&app, &author, id, &[]).await;
        let withdrawn = post(
            &author,
            &app,
            "/admin/review",
            &format!("/admin/review/{submission}/withdraw"),
            &[],
        )
        .await;
        assert_eq!(withdrawn.status(), 303);
    }
    let (_, first) = html_of(&author, &app, "/admin/review").await;
    assert_eq!(count(&first, "tr[data-submission-id]"), 20);
    assert_eq!(
        attrs(&first, ".pager a[rel=next]", "href"),
        ["/admin/review?page=2"]
    );
    let (_, second) = html_of(&author, &app, "/admin/review?page=2").await;
    assert_eq!(count(&second, "tr[data-submission-id]"), 1);
}
