use crate::common::{PASSWORD, TestApp, attrs, location, texts};

/// A second browser with its own cookies, signed in as `email`.
async fn second_browser(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    let (client, response) = app.login_in_new_browser(email, password).await;
    assert_eq!(response.status(), 303, "{email} signs in");
    client
}

async fn status_of(client: &reqwest::Client, app: &TestApp, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn editors_get_403_on_admin_only_pages_and_change_nothing() {
    let app = TestApp::signed_in("editor").await;
    for path in ["/admin/users", "/admin/audit", "/admin/users/1"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 403, "{path}");
        let html = scraper::Html::parse_document(&r.text().await.unwrap());
        assert_eq!(texts(&html, "h1"), vec!["Access denied"]);
    }
    let r = app
        .post_form(
            "/admin/users/invite",
            "/admin",
            &[
                ("email", "mole@x.de"),
                ("display_name", "Mole"),
                ("role", "admin"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post_form(
            "/admin/users/1",
            "/admin",
            &[("display_name", "x"), ("role", "admin"), ("active", "on")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let n: i64 = magnetiq::db::sql(
        "SELECT (SELECT count(*) FROM users WHERE active) + (SELECT count(*) FROM user_invitations)",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(n, 1);
    let html = app.page("/admin").await;
    assert!(
        !attrs(&html, ".admin-nav a", "href").contains(&"/admin/users".to_string()),
        "no link to what is forbidden"
    );
}

#[tokio::test]
async fn changing_a_role_or_deactivating_signs_the_user_out() {
    let app = TestApp::signed_in("admin").await;
    let ben_id = app
        .create_user("ben@magnetiq.test", "editor", PASSWORD)
        .await;
    let ben = second_browser(&app, "ben@magnetiq.test", PASSWORD).await;
    assert_eq!(status_of(&ben, &app, "/admin").await, 200);

    let r = app
        .post_form(
            &format!("/admin/users/{ben_id}"),
            "/admin/users",
            &[("display_name", "Ben"), ("role", "admin"), ("active", "on")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        status_of(&ben, &app, "/admin").await,
        303,
        "signed out by the role change"
    );

    let ben = second_browser(&app, "ben@magnetiq.test", PASSWORD).await;
    assert_eq!(
        status_of(&ben, &app, "/admin/users").await,
        200,
        "now an admin"
    );
    let r = app
        .post_form(
            &format!("/admin/users/{ben_id}"),
            "/admin/users",
            &[("display_name", "Ben"), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(&ben, &app, "/admin").await, 303, "deactivated");
    let (_, denied) = app
        .login_in_new_browser("ben@magnetiq.test", PASSWORD)
        .await;
    assert_eq!(denied.status(), 422, "a deactivated user cannot sign in");
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = TestApp::signed_in("admin").await;
    let me: i64 = magnetiq::db::sql("SELECT id FROM users WHERE email = 'editor@magnetiq.test'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/admin/users/{me}"),
            "/admin/users",
            &[("display_name", "Me"), ("role", "editor"), ("active", "on")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.get("/admin/users").await.status(), 200);
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_other_sessions_end() {
    let app = TestApp::signed_in("editor").await;
    let other = second_browser(&app, "editor@magnetiq.test", PASSWORD).await;
    let wrong = app
        .post_form(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let mismatch = app
        .post_form(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a different passphrase"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    let ok = app
        .post_form(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/admin");
    assert_eq!(
        app.get("/admin").await.status(),
        200,
        "this browser stays signed in"
    );
    assert_eq!(
        status_of(&other, &app, "/admin").await,
        303,
        "the other session ended"
    );
    let _ = second_browser(&app, "editor@magnetiq.test", "a brand new passphrase").await;
}

#[tokio::test]
async fn the_audit_log_pages_through_every_change() {
    let app = TestApp::signed_in("admin").await;
    for i in 0..60 {
        magnetiq::db::sql("INSERT INTO audit_log (user_email, action, target, at) VALUES ('x@y.de', 'page-updated', $1, '2026-01-01T00:00:00Z')")
            .bind(format!("page {i}"))
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let first = app.page("/admin/audit").await;
    assert_eq!(texts(&first, ".audit-table tbody tr").len(), 50);
    assert_eq!(
        texts(&first, ".audit-table tbody tr td:nth-child(3)")[0],
        "Signed in",
        "newest first"
    );
    assert_eq!(
        attrs(&first, ".pager a[rel=next]", "href"),
        vec!["/admin/audit?page=2"]
    );
    let second = app.page("/admin/audit?page=2").await;
    assert_eq!(texts(&second, ".audit-table tbody tr").len(), 11);
}
