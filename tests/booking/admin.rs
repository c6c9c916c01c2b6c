//! The bookings and outbox sections of the admin panel.
use crate::common::{PASSWORD, TestApp, attrs, location, texts};

async fn book(app: &TestApp, visitor: &reqwest::Client, name: &str, index: usize) -> String {
    let page = visitor
        .get(app.url("/en/book"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&page);
    let value = |sel: &str| attrs(&html, sel, "value").into_iter().next().unwrap();
    let slot = attrs(&html, "input[name=slot]", "value")[index].clone();
    let form = [
        ("csrf_token", value(".booking-form input[name=csrf_token]")),
        (
            "consultant",
            value(".booking-form input[name=shown_consultant]"),
        ),
        (
            "duration",
            value(".booking-form input[name=shown_duration]"),
        ),
        ("tz", value(".booking-form input[name=shown_tz]")),
        ("slot", slot.clone()),
        ("meeting_type", "video".to_owned()),
        ("name", name.to_owned()),
        ("email", "client@example.com".to_owned()),
        ("phone", "+49 89 1234".to_owned()),
        ("consent", "yes".to_owned()),
    ];
    let r = visitor
        .post(app.url("/en/book"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    slot
}

fn visitor() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn editors_see_filter_export_change_and_erase_bookings() {
    let app = TestApp::spawn().await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    let guest = visitor();
    let slot = book(&app, &guest, "=HYPERLINK(\"http://evil\")", 0).await;
    book(&app, &guest, "Second Client", 5).await;
    assert_eq!(
        app.login("editor@magnetiq.test", PASSWORD).await.status(),
        303
    );

    let list = app.page("/admin/bookings").await;
    assert_eq!(texts(&list, ".bookings-table tbody tr").len(), 2);
    let dashboard = app.page("/admin").await;
    assert_eq!(
        texts(&dashboard, ".upcoming li").len(),
        2,
        "the dashboard shows upcoming bookings"
    );

    let csv = app.get("/admin/bookings/export.csv").await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "the formula is neutralised: {csv}"
    );
    assert!(csv.contains("'+49 89 1234"));
    assert_eq!(csv.lines().count(), 3);

    let id: i64 = magnetiq::db::sql("SELECT id FROM bookings ORDER BY id LIMIT 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let detail = format!("/admin/bookings/{id}");
    let r = app
        .post_form(
            &detail,
            &detail,
            &[("status", "cancelled"), ("notes", "Client asked by phone")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let filtered = app.page("/admin/bookings?status=cancelled").await;
    assert_eq!(texts(&filtered, ".bookings-table tbody tr").len(), 1);
    assert!(
        attrs(
            &scraper::Html::parse_document(
                &guest
                    .get(app.url("/en/book"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            ),
            "input[name=slot]",
            "value"
        )
        .contains(&slot),
        "cancelling frees the slot"
    );

    let not_confirmed = app
        .post_form(&format!("{detail}/delete"), &detail, &[])
        .await;
    assert_eq!(not_confirmed.status(), 303);
    assert_eq!(
        magnetiq::db::sql("SELECT count(*) FROM bookings")
            .scalar::<i64>(&app.state.db)
            .await
            .unwrap(),
        2,
        "nothing erased without the confirmation"
    );
    let erased = app
        .post_form(&format!("{detail}/delete"), &detail, &[("confirm", "yes")])
        .await;
    assert_eq!(location(&erased), "/admin/bookings");
    assert_eq!(
        magnetiq::db::sql("SELECT count(*) FROM bookings")
            .scalar::<i64>(&app.state.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        magnetiq::db::sql("SELECT count(*) FROM outbox WHERE booking_id = $1")
            .bind(id)
            .scalar::<i64>(&app.state.db)
            .await
            .unwrap(),
        0,
        "its mails are gone too"
    );
    let actions: Vec<String> = magnetiq::db::sql("SELECT action FROM audit_log")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert!(
        actions.contains(&"booking-erased".to_string())
            && actions.contains(&"bookings-exported".to_string())
    );
}

#[tokio::test]
async fn the_outbox_shows_queued_mails_and_retries_failed_ones() {
    let app = TestApp::spawn().await;
    app.create_user("editor@magnetiq.test", "editor", PASSWORD)
        .await;
    book(&app, &visitor(), "Client", 0).await;
    magnetiq::db::sql("UPDATE outbox SET status = 'failed', attempts = 10, last_error = 'connection refused' WHERE id = 1").execute(&app.state.db).await.unwrap();
    assert_eq!(
        app.login("editor@magnetiq.test", PASSWORD).await.status(),
        303
    );
    let page = app.page("/admin/outbox").await;
    assert_eq!(texts(&page, ".outbox-table tbody tr").len(), 2);
    assert_eq!(
        texts(&page, ".form-error").len(),
        1,
        "no SMTP configured is said"
    );
    assert!(
        texts(&page, ".mail-failed")
            .iter()
            .any(|t| t.contains("connection refused"))
    );
    let retry = app
        .post_form("/admin/outbox/1/retry", "/admin/outbox", &[])
        .await;
    assert_eq!(retry.status(), 303);
    let status: String = magnetiq::db::sql("SELECT status FROM outbox WHERE id = 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "pending");
    let forged = app
        .client
        .post(app.url("/admin/outbox/2/retry"))
        .form(&[("csrf_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let forged = app
        .client
        .post(app.url("/admin/bookings/1"))
        .form(&[("csrf_token", "x"), ("status", "cancelled")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let status: String = magnetiq::db::sql("SELECT status FROM bookings WHERE id = 1")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "confirmed");
}
