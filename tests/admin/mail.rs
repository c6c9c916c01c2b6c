//! Mails nobody would read, made visible: without a mail server the dashboard says so, the admin
//! is told an invitation waits in the outbox, and the outbox opens a mail (an invitation's link can
//! be copied from it; account mails only by admins).
use crate::common::accounts::{browser, html_of, post};
use crate::common::{PASSWORD, TestApp, attrs, texts};

#[tokio::test]
async fn without_a_mail_server_the_admin_sees_where_the_mails_wait_and_can_open_them() {
    let app = TestApp::signed_in("admin").await;
    let dashboard = app.page("/admin").await;
    assert_eq!(texts(&dashboard, ".mail-stays a").len(), 1);

    let invited = app
        .post_form(
            "/admin/users/invite",
            "/admin/users",
            &[
                ("email", "ina@example.com"),
                ("display_name", "Ina"),
                ("role", "editor"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303);
    let users = app.page("/admin/users").await;
    assert!(
        texts(&users, ".flash")
            .join(" ")
            .contains("waits in the outbox"),
        "{:?}",
        texts(&users, ".flash")
    );
    let outbox = app.page("/admin/outbox").await;
    let link = attrs(&outbox, ".outbox-table td a", "href").remove(0);
    let mail = app.page(&link).await;
    let text = texts(&mail, ".mail-text").join("");
    assert!(text.contains("/admin/invitation/"), "{text}");
    assert_eq!(texts(&mail, ".outbox-mail-facts dd")[0], "ina@example.com");

    // An editor opens lead mails, never an account's link.
    app.create_user("ed@magnetiq.test", "editor", PASSWORD)
        .await;
    let editor = browser("Mozilla/5.0 Firefox/133.0");
    post(
        &editor,
        &app,
        "/admin/login",
        "/admin/login",
        &[("email", "ed@magnetiq.test"), ("password", PASSWORD)],
    )
    .await;
    let (status, _) = html_of(&editor, &app, &link).await;
    assert_eq!(status, 403);
    let (status, _) = html_of(&editor, &app, "/admin/outbox/999999").await;
    assert_eq!(status, 404);
}
