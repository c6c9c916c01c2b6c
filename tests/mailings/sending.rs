//! Sending: each confirmed subscriber of the audience gets their language's mail once, with their
//! own unsubscribe; pause, cancel, bounces, schedules, a SIGKILL mid-send and two instances.
use std::time::Duration;

use magnetiq::db::sql;

use super::common::smtp::{SmtpBehaviour, SmtpServer};
use super::common::{self, TestApp};
use super::{admin_with_mail, confirmed, subscriber, wait_for_status, written_issue};

async fn send_now(app: &TestApp, id: i64) {
    let r = app
        .post_form(
            &format!("/admin/newsletter/{id}/send"),
            &format!("/admin/newsletter/{id}"),
            &[("when", "now")],
        )
        .await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn each_confirmed_subscriber_gets_their_language_once_with_their_own_unsubscribe() {
    let smtp = SmtpServer::start(SmtpBehaviour::default()).await;
    let app = admin_with_mail(&smtp, 60_000).await;
    let ana = confirmed(&app, "ana@example.com", "en").await;
    let ben = confirmed(&app, "ben@example.com", "de").await;
    confirmed(&app, "cleo@example.com", "en").await;
    subscriber(&app, "pending@example.com", "en", "pending").await;
    subscriber(&app, "gone@example.com", "de", "unsubscribed").await;
    let bounced = confirmed(&app, "bounced@example.com", "en").await;
    sql("UPDATE newsletter_subscribers SET bounced_at = $1 WHERE id = $2")
        .bind(jiff::Timestamp::now())
        .bind(bounced)
        .execute(&app.state.db)
        .await
        .unwrap();
    let id = written_issue(&app).await;
    send_now(&app, id).await;
    wait_for_status(&app, id, "sent", Duration::from_secs(20)).await;
    let counts = smtp.counts();
    let wanted: std::collections::BTreeMap<String, usize> = [
        ("ana@example.com".to_owned(), 1),
        ("ben@example.com".to_owned(), 1),
        ("cleo@example.com".to_owned(), 1),
    ]
    .into();
    assert_eq!(counts, wanted, "confirmed ones once each, nobody else");
    let mails = smtp.accepted();
    let to = |who: &str| {
        mails
            .iter()
            .find(|m| m.recipients == [who])
            .unwrap()
            .clone()
    };
    let (a, b) = (to("ana@example.com"), to("ben@example.com"));
    assert_eq!(a.header("Subject").unwrap(), "Spring news");
    assert!(
        b.header("Subject").unwrap().contains("=?utf-8?"),
        "encoded word"
    );
    let german = b.part("text/plain").unwrap();
    assert!(german.contains("Frühlingsnachrichten"), "{german}");
    assert!(german.contains("Was es Neues gibt"), "{german}");
    assert!(a.part("text/plain").unwrap().contains("What is new"));
    let html = a.part("text/html").unwrap();
    assert!(
        html.contains("href=\"http://magnetiq.test/en/contact\""),
        "absolute, not rewritten: {html}"
    );
    assert!(!html.contains("<img"), "no pixel: this issue has no image");
    // RFC 8058: each their own one-click address, the list named.
    let own = |m: &common::smtp::Accepted, id: i64| {
        let header = m.header("List-Unsubscribe").unwrap();
        assert!(header.starts_with("<http://magnetiq.test/"), "{header}");
        assert!(
            header.contains(&format!("/newsletter/unsubscribe/{id}/")),
            "{header}"
        );
        assert_eq!(
            m.header("List-Unsubscribe-Post").unwrap(),
            "List-Unsubscribe=One-Click"
        );
        assert!(
            m.header("List-Id")
                .unwrap()
                .contains("<newsletter.magnetiq.test>")
        );
        header.trim_matches(['<', '>']).to_owned()
    };
    let ana_link = own(&a, ana);
    own(&b, ben);
    assert!(a.data.contains("multipart/alternative"));
    assert!(a.data.contains("text/plain") && a.data.contains("text/html"));
    assert!(!a.data.contains("%%UNSUBSCRIBE%%"));
    // One click in the mail program unsubscribes, without a session.
    let path = ana_link.trim_start_matches("http://magnetiq.test");
    let r = reqwest::Client::new()
        .post(app.url(path))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let status: String = sql("SELECT status FROM newsletter_subscribers WHERE id = $1")
        .bind(ana)
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "unsubscribed");
    // The report counts it.
    let report = magnetiq::mailings::delivery_store::report(&app.state.db, id)
        .await
        .unwrap();
    assert_eq!((report.recipients, report.sent, report.pending), (3, 3, 0));
    assert_eq!(report.unsubscribed_since, 1);
    let page = app.page(&format!("/admin/newsletter/{id}")).await;
    assert_eq!(common::texts(&page, "dd[data-count=sent]"), ["3"]);
    assert_eq!(common::texts(&page, "dd[data-count=unsubscribed]"), ["1"]);
    // A second issue only for German readers reaches Ben alone.
    let second = written_issue(&app).await;
    let r = super::save(
        &app,
        second,
        &[
            ("subject.en", "Only German"),
            ("subject.de", "Nur Deutsch"),
            ("audience", "de"),
            ("blocks", "1"),
            ("b0.kind", "heading"),
            ("b0.text.de", "Hallo"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    send_now(&app, second).await;
    wait_for_status(&app, second, "sent", Duration::from_secs(20)).await;
    let counts = smtp.counts();
    assert_eq!(counts["ben@example.com"], 2);
    assert_eq!(counts["cleo@example.com"], 1);
    assert_eq!(counts["ana@example.com"], 1, "unsubscribed: nothing more");
}

#[tokio::test]
async fn a_subscriber_without_their_language_gets_the_default_one() {
    let smtp = SmtpServer::start(SmtpBehaviour::default()).await;
    let app = admin_with_mail(&smtp, 60_000).await;
    confirmed(&app, "dora@example.com", "de").await;
    let id = super::new_issue(&app).await;
    super::save(
        &app,
        id,
        &[
            ("subject.en", "English only"),
            ("audience", "all"),
            ("blocks", "1"),
            ("b0.kind", "heading"),
            ("b0.text.en", "Hello"),
        ],
    )
    .await;
    send_now(&app, id).await;
    wait_for_status(&app, id, "sent", Duration::from_secs(20)).await;
    let mails = smtp.accepted();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].header("Subject").unwrap(), "English only");
    let language: String = sql("SELECT language FROM newsletter_deliveries")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(language, "en");
}

#[tokio::test]
async fn a_permanent_refusal_marks_the_subscriber_bounced_and_a_temporary_one_retries() {
    let smtp = SmtpServer::start(SmtpBehaviour {
        refuse: vec!["nobody@example.com".to_owned()],
        defer: vec!["later@example.com".to_owned()],
        ..SmtpBehaviour::default()
    })
    .await;
    let app = admin_with_mail(&smtp, 60_000).await;
    let nobody = confirmed(&app, "nobody@example.com", "en").await;
    confirmed(&app, "later@example.com", "en").await;
    confirmed(&app, "fine@example.com", "en").await;
    let id = written_issue(&app).await;
    send_now(&app, id).await;
    let started = std::time::Instant::now();
    loop {
        let report = magnetiq::mailings::delivery_store::report(&app.state.db, id)
            .await
            .unwrap();
        if report.sent == 1 && report.bounced == 1 {
            assert_eq!(report.pending, 1, "the deferred one waits for its retry");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{report:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (bounced_at, reason): (Option<magnetiq::db::DbTime>, Option<String>) =
        sql("SELECT bounced_at, bounce_reason FROM newsletter_subscribers WHERE id = $1")
            .bind(nobody)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(bounced_at.is_some());
    assert!(reason.unwrap().contains("550"));
    let (attempts, error, next): (i64, String, magnetiq::db::DbTime) = sql(
        "SELECT d.attempts, d.last_error, d.next_attempt_at FROM newsletter_deliveries d
           JOIN newsletter_subscribers s ON s.id = d.subscriber_id WHERE s.email = 'later@example.com'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.contains("451"), "{error}");
    assert!(
        jiff::Timestamp::from(next) > jiff::Timestamp::now(),
        "retried after a backoff"
    );
    // The subscribers list shows the bounce; the next issue leaves the address out.
    let page = app.page("/admin/subscribers?status=bounced").await;
    assert_eq!(common::texts(&page, "tbody td:first-child").len(), 1);
    assert!(
        common::texts(&page, "tbody td")
            .iter()
            .any(|t| t == "Bounced")
    );
    let next = written_issue(&app).await;
    send_now(&app, next).await;
    let started = std::time::Instant::now();
    while magnetiq::mailings::delivery_store::report(&app.state.db, next)
        .await
        .unwrap()
        .sent
        < 1
    {
        assert!(started.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = magnetiq::mailings::delivery_store::report(&app.state.db, next)
        .await
        .unwrap();
    assert_eq!(
        report.recipients, 2,
        "the bounced address is not a recipient"
    );
    assert_eq!(smtp.counts().get("nobody@example.com"), None);
}

#[tokio::test]
async fn a_scheduled_issue_goes_out_at_the_time_typed_in_the_editors_zone() {
    let smtp = SmtpServer::start(SmtpBehaviour::default()).await;
    let app = admin_with_mail(&smtp, 60_000).await;
    confirmed(&app, "eva@example.com", "en").await;
    let id = written_issue(&app).await;
    // The admin's zone is the site's (Europe/Berlin): a time there, a day ahead.
    let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let at = zone
        .to_datetime(
            jiff::Timestamp::now()
                .checked_add(jiff::SignedDuration::from_hours(24))
                .unwrap(),
        )
        .round(jiff::Unit::Minute)
        .unwrap();
    let typed = at.strftime("%Y-%m-%dT%H:%M").to_string();
    let r = app
        .post_form(
            &format!("/admin/newsletter/{id}/send"),
            &format!("/admin/newsletter/{id}"),
            &[("when", "later"), ("send_at", &typed)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(super::status_of(&app, id).await, "scheduled");
    let stored: magnetiq::db::DbTime = sql("SELECT send_at FROM newsletter_issues WHERE id = $1")
        .bind(id)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let stored: jiff::Timestamp = stored.into();
    assert_eq!(
        jiff::tz::TimeZone::get("Europe/Berlin")
            .unwrap()
            .to_datetime(stored),
        at
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(smtp.accepted().is_empty(), "nothing before its time");
    // Its time comes (moved here instead of waiting a day): it goes out by itself.
    sql("UPDATE newsletter_issues SET send_at = $1 WHERE id = $2")
        .bind(jiff::Timestamp::now())
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    wait_for_status(&app, id, "sent", Duration::from_secs(20)).await;
    assert_eq!(smtp.counts()["eva@example.com"], 1);
}

#[tokio::test]
async fn sending_pauses_resumes_and_cancels() {
    let smtp = SmtpServer::start(SmtpBehaviour::default()).await;
    // Two mails a second: slow enough to act in the middle.
    let app = admin_with_mail(&smtp, 120).await;
    for i in 0..30 {
        confirmed(&app, &format!("p{i:02}@example.com"), "en").await;
    }
    let id = written_issue(&app).await;
    send_now(&app, id).await;
    smtp.wait_for(Duration::from_secs(20), |m| m.len() >= 2)
        .await;
    let control = |verb: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                &format!("/admin/newsletter/{id}/{verb}"),
                &format!("/admin/newsletter/{id}"),
                &[("confirm", "yes")],
            )
            .await
        }
    };
    assert_eq!(control("pause").await.status(), 303);
    assert_eq!(super::status_of(&app, id).await, "paused");
    // What was being handed over may still arrive; then nothing while paused.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let paused_at = smtp.accepted().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        smtp.accepted().len(),
        paused_at,
        "nothing sent while paused"
    );
    assert_eq!(control("resume").await.status(), 303);
    smtp.wait_for(Duration::from_secs(60), |m| m.len() >= paused_at + 2)
        .await;
    assert_eq!(control("cancel").await.status(), 303);
    assert_eq!(super::status_of(&app, id).await, "cancelled");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let cancelled_at = smtp.accepted().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        smtp.accepted().len(),
        cancelled_at,
        "nothing after the cancel"
    );
    assert!(cancelled_at < 30);
    let report = magnetiq::mailings::delivery_store::report(&app.state.db, id)
        .await
        .unwrap();
    assert_eq!(report.pending, 0);
    assert_eq!(report.sent as usize, cancelled_at);
    assert_eq!(report.cancelled as usize, 30 - cancelled_at);
    assert!(smtp.counts().values().all(|n| *n == 1));
}

#[tokio::test]
async fn the_export_lists_the_issues_sent_and_erasure_removes_the_deliveries() {
    let smtp = SmtpServer::start(SmtpBehaviour::default()).await;
    let app = admin_with_mail(&smtp, 60_000).await;
    confirmed(&app, "fay@example.com", "en").await;
    let id = written_issue(&app).await;
    send_now(&app, id).await;
    wait_for_status(&app, id, "sent", Duration::from_secs(20)).await;
    let export: serde_json::Value = serde_json::from_str(
        &app.get("/admin/people/fay%40example.com/export.json")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let issues = export["newsletter_issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["subject"], "Spring news");
    assert_eq!(issues[0]["status"], "sent");
    let r = app
        .post_form(
            "/admin/people/fay%40example.com/erase",
            "/admin/people/fay%40example.com",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let left: i64 = sql("SELECT count(*) FROM newsletter_deliveries")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn sent_issues_have_a_web_version_and_an_archive_when_the_site_lists_them() {
    let smtp = SmtpServer::start(SmtpBehaviour::default()).await;
    let app = admin_with_mail(&smtp, 60_000).await;
    confirmed(&app, "gil@example.com", "en").await;
    let id = written_issue(&app).await;
    assert_eq!(
        app.get(&format!("/en/newsletter/issues/{id}"))
            .await
            .status(),
        404,
        "not before it went out"
    );
    send_now(&app, id).await;
    wait_for_status(&app, id, "sent", Duration::from_secs(20)).await;
    let page = app.page(&format!("/de/newsletter/issues/{id}")).await;
    assert_eq!(common::texts(&page, "h1"), ["Frühlingsnachrichten"]);
    assert!(
        common::texts(&page, ".issue-body h2")
            .iter()
            .any(|t| t == "Was es Neues gibt")
    );
    assert_eq!(
        common::count(&page, "meta[name=robots][content=noindex]"),
        1,
        "unlisted"
    );
    // The mail's "view in your browser" leads here.
    let mail = &smtp.accepted()[0];
    assert!(mail.data.contains(&format!("/en/newsletter/issues/{id}")));
    assert_eq!(
        app.get("/en/newsletter").await.status(),
        404,
        "no archive unless turned on"
    );
    let r = app
        .post_form(
            "/admin/newsletter/archive",
            "/admin/newsletter",
            &[("archive", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let archive = app.page("/en/newsletter").await;
    assert_eq!(
        common::attrs(&archive, ".issue-archive a", "href"),
        [format!("/en/newsletter/issues/{id}")]
    );
    let page = app.page(&format!("/en/newsletter/issues/{id}")).await;
    assert_eq!(
        common::count(&page, "meta[name=robots]"),
        0,
        "listed, so indexable"
    );
}

#[tokio::test]
async fn a_sigkill_in_the_middle_of_a_send_neither_skips_nor_repeats_anyone() {
    let database = match common::postgres_server() {
        Some(server) => Some(common::TestDatabase::create(&server).await),
        None => None,
    };
    let url = database.as_ref().map(|d| d.url.clone());
    let (_guard, dir) = common::process::data_dir();
    // The 13th mail is never answered: the instance dies while the mail server holds it.
    let smtp = SmtpServer::start(SmtpBehaviour {
        hold: Some(12),
        ..SmtpBehaviour::default()
    })
    .await;
    let smtp_url = smtp.url();
    let env = [
        ("MAGNETIQ_SMTP_URL", smtp_url.as_str()),
        ("MAGNETIQ_MAIL_RATE", "600"),
    ];
    let start = {
        let (dir, url, env) = (
            dir.clone(),
            url.clone(),
            env.map(|(k, v)| (k, v.to_owned())),
        );
        move || {
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            common::process::Server::start(&dir, url.as_deref(), &env)
        }
    };
    let mut a = tokio::task::spawn_blocking(start.clone()).await.unwrap();
    let database_url = url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("magnetiq.db").display()));
    let db = magnetiq::db::connect(&database_url, Default::default())
        .await
        .unwrap();
    let now = jiff::Timestamp::now();
    let mut everyone = Vec::new();
    for i in 0..40 {
        let email = format!("k{i:02}@example.com");
        sql("INSERT INTO newsletter_subscribers (email, language, status, consent_at, consent_version, source_url,
                confirmed_at, created_at, updated_at)
             VALUES ($1, 'en', 'confirmed', $2, 'newsletter-consent/test', '', $2, $2, $2)")
        .bind(&email)
        .bind(now)
        .execute(&db)
        .await
        .unwrap();
        everyone.push(email);
    }
    let subject = std::collections::BTreeMap::from([("en".to_owned(), "Killed".to_owned())]);
    let blocks = vec![magnetiq::mailings::model::MailBlock::Heading {
        text: std::collections::BTreeMap::from([("en".to_owned(), "Still here".to_owned())]),
    }];
    let id =
        magnetiq::mailings::store::create_with(&db, 1, &subject, &Default::default(), &blocks, now)
            .await
            .unwrap();
    assert!(
        magnetiq::mailings::store::schedule(
            &db,
            id,
            magnetiq::mailings::model::Status::Draft,
            now,
            now
        )
        .await
        .unwrap()
    );
    let started = std::time::Instant::now();
    while smtp.arrived.load(std::sync::atomic::Ordering::SeqCst) < 13 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the send did not get far"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.kill();
    let before = smtp.accepted().len();
    assert!(
        (12..40).contains(&before),
        "{before} accepted before the kill"
    );
    let _b = tokio::task::spawn_blocking(start).await.unwrap();
    // After the dead sender's claims run out, the restarted instance sends the rest.
    let got = smtp
        .wait_for(Duration::from_secs(90), |m| m.len() >= everyone.len())
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(smtp.accepted().len(), got.len(), "nothing more later");
    let counts = smtp.counts();
    assert_eq!(
        counts.keys().cloned().collect::<Vec<_>>(),
        everyone,
        "nobody skipped"
    );
    assert!(counts.values().all(|n| *n == 1), "nobody twice: {counts:?}");
    let status: String = sql("SELECT status FROM newsletter_issues WHERE id = $1")
        .bind(id)
        .scalar(&db)
        .await
        .unwrap();
    assert_eq!(status, "sent");
    db.close().await;
    drop(database);
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_recipient_once_at_the_sites_pace() {
    let smtp = SmtpServer::start(SmtpBehaviour::default()).await;
    let a = admin_with_mail(&smtp, 1_200).await;
    let Some(b) = a.second_instance().await else {
        // One SQLite file is one instance.
        return;
    };
    for i in 0..60 {
        confirmed(
            &a,
            &format!("t{i:03}@example.com"),
            if i % 3 == 0 { "de" } else { "en" },
        )
        .await;
    }
    let id = written_issue(&a).await;
    send_now(&a, id).await;
    let started = std::time::Instant::now();
    wait_for_status(&b, id, "sent", Duration::from_secs(60)).await;
    let took = started.elapsed();
    let counts = smtp.counts();
    assert_eq!(counts.len(), 60, "nobody skipped");
    assert!(counts.values().all(|n| *n == 1), "nobody twice");
    // 20 mails a second for the whole site, not per instance: after the first second's 20, the
    // other 40 take two seconds more (at 20 a second each, two instances would need one).
    assert!(took >= Duration::from_millis(1800), "{took:?}");
}
