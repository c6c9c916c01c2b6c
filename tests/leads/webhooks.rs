//! Webhooks as a CRM receives them: signed deliveries verified by the test's own receiver, retried
//! after a 500, exactly once per event across a SIGKILL and across two instances, erasure handed
//! on, internal addresses and redirects refused.
use std::time::Duration;

use super::common::contact::{message, post};
use super::common::process::{Server, data_dir};
use super::common::receiver::{Behaviour, Receiver};
use super::common::whitepapers::browser;
use super::common::{TestApp, location, texts};
use magnetiq::db::sql;

/// Adds an endpoint for every event through the admin form; its page's secret goes to `receiver`.
async fn add_endpoint(app: &TestApp, receiver: &Receiver) -> i64 {
    let r = app
        .post_form(
            "/admin/webhooks",
            "/admin/webhooks",
            &[
                ("name", "Our CRM"),
                ("url", receiver.url.as_str()),
                ("lead.created", "yes"),
                ("lead.status_changed", "yes"),
                ("person.erased", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let page = location(&r).to_owned();
    let secret = texts(&app.page(&page).await, "[data-webhook-secret]").remove(0);
    assert!(secret.starts_with("whsec_"));
    receiver.set_secret(&secret);
    page.rsplit('/').next().unwrap().parse().unwrap()
}

async fn a_message_from(app: &TestApp, email: &str) {
    let r = post(
        app,
        &browser(),
        "/en/contact/send",
        &message("", "Carl Contact", email),
    )
    .await;
    assert_eq!(r.status(), 303);
}

async fn admin_with_private_webhooks() -> TestApp {
    let app = TestApp::spawn_with(|c| c.webhook_allow_private = true).await;
    app.sign_in_as("admin").await;
    app
}

#[tokio::test]
async fn a_delivery_is_signed_retried_after_a_500_and_status_changes_follow() {
    let receiver = Receiver::start(Behaviour {
        fail_first: 1.into(),
        ..Behaviour::default()
    })
    .await;
    let app = admin_with_private_webhooks().await;
    let endpoint = add_endpoint(&app, &receiver).await;
    a_message_from(&app, "carl@example.com").await;
    // The first attempt gets a 500; the outbox's backoff tries again 30 s later.
    let accepted = receiver
        .wait_for(Duration::from_secs(60), |got| !got.is_empty())
        .await;
    assert_eq!(accepted.len(), 1, "{:?}", receiver.received());
    let tries = receiver.received();
    assert_eq!(tries.len(), 2);
    assert_eq!(tries[0].answered, 500);
    assert_eq!(
        tries[0].event_id, tries[1].event_id,
        "the same event, again"
    );
    let created = &accepted[0];
    assert!(created.signature_ok, "signature verifies with the secret");
    assert_eq!(created.event, "lead.created");
    assert_eq!(created.body["type"], "lead.created");
    assert_eq!(created.body["data"]["lead"]["email"], "carl@example.com");
    assert_eq!(created.body["data"]["lead"]["path"], "contact-message");
    assert_eq!(created.body["data"]["lead"]["status"], "new");
    // The log: delivered on the second attempt, with the endpoint's answer.
    let log = app.page(&format!("/admin/webhooks/{endpoint}")).await;
    assert_eq!(texts(&log, "tr.delivery-sent td:nth-child(4)"), ["200"]);
    assert_eq!(texts(&log, "tr.delivery-sent td:nth-child(5)"), ["2"]);

    // A status changed in the inbox follows.
    let lead: i64 = sql("SELECT id FROM leads WHERE email = 'carl@example.com'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let page = format!("/admin/leads/{lead}");
    app.post_form(&page, &page, &[("status", "qualified")])
        .await;
    let accepted = receiver
        .wait_for(Duration::from_secs(10), |got| got.len() == 2)
        .await;
    assert_eq!(accepted[1].event, "lead.status_changed");
    assert!(accepted[1].signature_ok);
    assert_eq!(accepted[1].body["data"]["lead"]["status"], "qualified");
    assert_eq!(accepted[1].body["data"]["previous_status"], "new");

    // "Send again": the same event once more, under its own id.
    let delivery: i64 = sql("SELECT id FROM webhook_deliveries WHERE event = 'lead.created'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/admin/webhooks/deliveries/{delivery}/again"),
            &format!("/admin/webhooks/{endpoint}"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let accepted = receiver
        .wait_for(Duration::from_secs(10), |got| got.len() == 3)
        .await;
    assert_eq!(accepted[2].event_id, accepted[0].event_id);
}

#[tokio::test]
async fn an_erasure_is_handed_on_and_then_forgotten_here() {
    let receiver = Receiver::start(Behaviour::default()).await;
    let app = admin_with_private_webhooks().await;
    add_endpoint(&app, &receiver).await;
    a_message_from(&app, "erin@example.com").await;
    receiver
        .wait_for(Duration::from_secs(10), |got| got.len() == 1)
        .await;
    let r = app
        .post_form(
            "/admin/people/erin%40example.com/erase",
            "/admin/people/erin%40example.com",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let accepted = receiver
        .wait_for(Duration::from_secs(10), |got| got.len() == 2)
        .await;
    let erased = &accepted[1];
    assert_eq!(erased.event, "person.erased");
    assert!(erased.signature_ok);
    assert_eq!(erased.body["data"]["email"], "erin@example.com");
    // Handed on, nothing here names the address any more: not the lead's delivery, not the
    // erasure's own.
    let mut left = 0;
    for _ in 0..50 {
        left = sql("SELECT count(*) FROM webhook_deliveries WHERE email = 'erin@example.com' OR payload LIKE '%erin@%'")
            .scalar::<i64>(&app.state.db)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0);
    let kept: Vec<(String, String)> = sql("SELECT event, status FROM webhook_deliveries")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(kept, [("person.erased".to_owned(), "sent".to_owned())]);
}

#[tokio::test]
async fn only_public_http_addresses_are_taken_and_redirects_are_not_followed() {
    let app = TestApp::signed_in("admin").await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9/",
        "http://10.0.0.7/crm",
        "ftp://crm.example/",
        "https://user:pw@crm.example/",
        "not a url",
    ] {
        let r = app
            .post_form(
                "/admin/webhooks",
                "/admin/webhooks",
                &[("name", "CRM"), ("url", url), ("lead.created", "yes")],
            )
            .await;
        assert_eq!(r.status(), 422, "{url}");
        let html = scraper::Html::parse_document(&r.text().await.unwrap());
        assert_eq!(texts(&html, "#webhook-url-error").len(), 1, "{url}");
        assert_eq!(
            super::common::attrs(&html, "#webhook-url", "value"),
            [url],
            "kept"
        );
    }
    let endpoints: i64 = sql("SELECT count(*) FROM webhook_endpoints")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(endpoints, 0);
    // An endpoint that got in some other way (written before the rule, say) is still not sent to.
    let receiver = Receiver::start(Behaviour::default()).await;
    magnetiq::webhooks::store::add_endpoint(
        &app.state.db,
        &magnetiq::webhooks::store::NewEndpoint {
            name: "Inside",
            url: &receiver.url,
            secret: "whsec_x",
            events: &[magnetiq::webhooks::Event::LeadCreated],
        },
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    a_message_from(&app, "ivy@example.com").await;
    let mut error = None;
    for _ in 0..50 {
        error = sql("SELECT last_error FROM webhook_deliveries")
            .scalar::<Option<String>>(&app.state.db)
            .await
            .unwrap();
        if error.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(error.as_deref(), Some("an internal address"));
    assert!(receiver.received().is_empty());
    // Editors hand nothing to other systems: webhooks are the admins'.
    let editor = TestApp::signed_in("editor").await;
    assert_eq!(editor.get("/admin/webhooks").await.status(), 403);

    // Allowed private addresses, a redirect is an answer, not a way elsewhere.
    let redirecting = Receiver::start(Behaviour {
        redirect: true,
        ..Behaviour::default()
    })
    .await;
    let app = admin_with_private_webhooks().await;
    add_endpoint(&app, &redirecting).await;
    a_message_from(&app, "rex@example.com").await;
    let mut state = None;
    for _ in 0..50 {
        state = sql("SELECT status, response_code FROM webhook_deliveries WHERE attempts > 0")
            .fetch_optional::<(String, Option<i64>)>(&app.state.db)
            .await
            .unwrap();
        if state.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state, Some(("pending".to_owned(), Some(302))));
    assert_eq!(redirecting.received().len(), 1);
}

#[tokio::test]
async fn each_event_reaches_the_endpoint_exactly_once_across_a_sigkill() {
    let database = match super::common::postgres_server() {
        Some(server) => Some(super::common::TestDatabase::create(&server).await),
        None => None,
    };
    let url = database.as_ref().map(|d| d.url.clone());
    let (_guard, dir) = data_dir();
    let env = [("MAGNETIQ_WEBHOOK_ALLOW_PRIVATE", "1")];
    let start = {
        let (dir, url) = (dir.clone(), url.clone());
        move || Server::start(&dir, url.as_deref(), &env)
    };
    let mut a = tokio::task::spawn_blocking(start.clone()).await.unwrap();
    let database_url = url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("magnetiq.db").display()));
    let db = magnetiq::db::connect(&database_url, Default::default())
        .await
        .unwrap();
    // The receiver holds the first delivery without an answer: the instance dies while it waits.
    let receiver = Receiver::start(Behaviour {
        hold_first: 1.into(),
        ..Behaviour::default()
    })
    .await;
    receiver.set_secret("whsec_kill");
    magnetiq::webhooks::store::add_endpoint(
        &db,
        &magnetiq::webhooks::store::NewEndpoint {
            name: "CRM",
            url: &receiver.url,
            secret: "whsec_kill",
            events: &[magnetiq::webhooks::Event::LeadCreated],
        },
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    let client = browser();
    let mut sent = Vec::new();
    for i in 0..6 {
        let email = format!("kill{i}@example.com");
        let r = client
            .post(a.url("/en/contact/send"))
            .header("origin", a.url(""))
            .form(&message("", "Carl", &email))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        sent.push(email);
    }
    // Killed while the first delivery is in flight (and the rest claimed behind it).
    let started = std::time::Instant::now();
    while receiver.received().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "nothing was sent"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.kill();
    let _b = tokio::task::spawn_blocking(start).await.unwrap();
    // After the dead worker's lease, the restarted instance sends what was not accepted.
    let accepted = receiver
        .wait_for(Duration::from_secs(90), |got| got.len() >= sent.len())
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let accepted_now = receiver.accepted();
    assert_eq!(
        accepted_now.len(),
        accepted.len(),
        "nothing accepted twice later"
    );
    let mut emails: Vec<String> = accepted
        .iter()
        .map(|r| r.body["data"]["lead"]["email"].as_str().unwrap().to_owned())
        .collect();
    emails.sort();
    sent.sort();
    assert_eq!(emails, sent, "every event once, none twice");
    let mut ids: Vec<&str> = accepted.iter().map(|r| r.event_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), sent.len());
    assert!(accepted.iter().all(|r| r.signature_ok));
    // The delivery in flight at the kill went once more, answered this time; nothing else twice.
    assert_eq!(receiver.received().len(), sent.len() + 1);
    let unsent: i64 = sql("SELECT count(*) FROM webhook_deliveries WHERE status <> 'sent'")
        .scalar(&db)
        .await
        .unwrap();
    assert_eq!(unsent, 0);
    db.close().await;
    drop(database);
}

#[tokio::test]
async fn two_instances_send_each_delivery_once() {
    let receiver = Receiver::start(Behaviour::default()).await;
    let a = admin_with_private_webhooks().await;
    let Some(b) = a.second_instance().await else {
        // One SQLite file is one instance.
        return;
    };
    add_endpoint(&a, &receiver).await;
    let mut sent = Vec::new();
    for i in 0..12 {
        let email = format!("twin{i}@example.com");
        let app = if i % 2 == 0 { &a } else { &b };
        a_message_from(app, &email).await;
        sent.push(email);
    }
    let accepted = receiver
        .wait_for(Duration::from_secs(30), |got| got.len() >= sent.len())
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.accepted().len(), sent.len(), "none twice");
    let mut emails: Vec<String> = accepted
        .iter()
        .map(|r| r.body["data"]["lead"]["email"].as_str().unwrap().to_owned())
        .collect();
    emails.sort();
    sent.sort();
    assert_eq!(emails, sent);
}
