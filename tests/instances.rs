//! Several Magnetiq instances on one PostgreSQL database, as a load balancer spreads visitors over
//! them: they see each other's edits, share sign-ins and throttles, never book a slot twice or send a
//! mail twice, start together on an empty database, and a killed one loses nothing it acknowledged.
//! On the SQLite leg (a site is one instance there) only the tests that need one instance run.
#[path = "common/mod.rs"]
mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::booking::{booking_form, fields};
use common::process::{Server, data_dir};
use common::{PASSWORD, TestApp, TestDatabase, postgres_server, texts};
use magnetiq::db::sql;

/// Two instances of one site, or `None` on the SQLite leg.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    let first = TestApp::spawn().await;
    let second = first.second_instance().await?;
    Some((first, second))
}

fn skipped() {
    eprintln!("skipped: several instances need PostgreSQL (MAGNETIQ_TEST_POSTGRES)");
}

#[tokio::test]
async fn an_edit_on_one_instance_shows_on_the_other_at_once() {
    let Some((a, b)) = two_instances().await else {
        return skipped();
    };
    // Both have the page cached.
    for app in [&a, &b] {
        for _ in 0..2 {
            let html = app.page("/en/about").await;
            assert_ne!(
                texts(&html, ".block-heading h2"),
                vec!["Engineers, on every instance"]
            );
        }
    }
    a.sign_in_as("editor").await;
    let counts = |app: &TestApp| {
        let cache = &app.state.page_cache;
        (
            cache.invalidations.load(Ordering::Relaxed),
            cache.clears.load(Ordering::Relaxed),
        )
    };
    let (invalidated, cleared) = counts(&b);
    a.edit_first_heading(
        "about",
        "Engineers, on every instance",
        "Ingenieure überall",
    )
    .await;
    let started = Instant::now();
    loop {
        let html = b.page("/en/about").await;
        if texts(&html, ".block-heading h2") == vec!["Engineers, on every instance"] {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the other instance still shows its cached page"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "the other instance showed the edit after {:?}",
        started.elapsed()
    );
    // The notice named the page's two addresses: the other instance forgot those and kept the rest.
    assert_eq!(counts(&b), (invalidated + 2, cleared));
}

#[tokio::test]
async fn signed_in_on_one_instance_is_signed_in_on_all_and_signing_out_ends_it_everywhere() {
    let Some((a, b)) = two_instances().await else {
        return skipped();
    };
    a.sign_in_as("editor").await;
    // The same browser (cookies are per host, not per port) asks the other instance.
    let on_b = a.client.get(b.url("/admin")).send().await.unwrap();
    assert_eq!(on_b.status(), 200, "signed in on the other instance too");
    let token = a.csrf_token("/admin").await;
    let out = a
        .client
        .post(b.url("/admin/logout"))
        .header("Origin", format!("http://{}", b.addr))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let on_a = a.get("/admin").await;
    assert_eq!(
        on_a.status(),
        303,
        "signed out on the first instance as well"
    );
}

#[tokio::test]
async fn visitors_racing_for_one_slot_across_two_instances_get_one_booking() {
    let Some((a, b)) = two_instances().await else {
        return skipped();
    };
    let form = booking_form(&a, &a.client, "").await;
    let slot = form.slots[0].clone();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = a.client.clone();
        let url = if i % 2 == 0 {
            a.url("/en/book")
        } else {
            b.url("/en/book")
        };
        let body: Vec<(String, String)> = fields(&form, &slot, &format!("Visitor {i}"))
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 409),
        "{statuses:?}"
    );
    let stored: i64 = sql("SELECT count(*) FROM bookings")
        .scalar(&a.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn the_login_throttle_counts_failures_on_every_instance() {
    let Some((a, b)) = two_instances().await else {
        return skipped();
    };
    a.create_user("admin@magnetiq.test", "admin", PASSWORD)
        .await;
    // Round-robin gives an attacker no extra guesses.
    for i in 0..5 {
        let app = if i % 2 == 0 { &a } else { &b };
        let (_, response) = app
            .login_in_new_browser("admin@magnetiq.test", "wrong guess")
            .await;
        assert_eq!(response.status(), 422, "guess {i}");
    }
    for app in [&a, &b] {
        let (_, response) = app
            .login_in_new_browser("admin@magnetiq.test", "wrong guess")
            .await;
        assert_eq!(response.status(), 429);
    }
}

#[tokio::test]
async fn every_mail_is_sent_once_whichever_instances_run_workers() {
    use magnetiq::outbox::worker;
    let Some((a, b)) = two_instances().await else {
        return skipped();
    };
    // Ten bookings, each with two mails, then both instances' workers deliver at once.
    let form = booking_form(&a, &a.client, "").await;
    // Every third slot: far enough apart for the consultant's buffer between meetings.
    for (i, slot) in form.slots.iter().step_by(3).take(10).enumerate() {
        let app = if i % 2 == 0 { &a } else { &b };
        let r = a
            .client
            .post(app.url("/en/book"))
            .form(&fields(&form, slot, &format!("Visitor {i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = common::smtp::smtp_sink(listener).await;
    let from: lettre::message::Mailbox = "Magnetiq <no-reply@magnetiq.test>".parse().unwrap();
    let mut workers = Vec::new();
    for db in [a.state.db.clone(), b.state.db.clone(), a.state.db.clone()] {
        let transport = worker::transport(&format!("smtp://127.0.0.1:{port}")).unwrap();
        let from = from.clone();
        workers.push(tokio::spawn(async move {
            let mut sent = 0;
            for _ in 0..5 {
                sent += worker::send_due(&db, &transport, &from, jiff::Timestamp::now())
                    .await
                    .unwrap();
            }
            sent
        }));
    }
    let mut sent = 0;
    for w in workers {
        sent += w.await.unwrap();
    }
    assert_eq!(sent, 20, "each mail counted as sent once");
    assert_eq!(
        received.lock().unwrap().len(),
        20,
        "each mail delivered once"
    );
    let pending: i64 = sql("SELECT count(*) FROM outbox WHERE status <> 'sent'")
        .scalar(&a.state.db)
        .await
        .unwrap();
    assert_eq!(pending, 0);
}

#[tokio::test]
async fn a_mail_claimed_by_a_worker_that_died_is_sent_by_another_after_its_lease() {
    use magnetiq::outbox::store::{Kind, claim_due};
    let app = TestApp::spawn().await;
    let form = booking_form(&app, &app.client, "").await;
    let r = app
        .client
        .post(app.url("/en/book"))
        .form(&fields(&form, &form.slots[0], "Ada"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let now = jiff::Timestamp::now();
    let lease = jiff::SignedDuration::from_secs(300);
    // A worker claims both mails and dies before sending them.
    let claimed = claim_due(&app.state.db, Kind::Mail, now, lease, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    // Nobody else may take them while the lease runs...
    assert!(
        claim_due(&app.state.db, Kind::Mail, now, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // ...and anybody may once it ran out.
    let later = now + lease + jiff::SignedDuration::from_secs(1);
    let again = claim_due(&app.state.db, Kind::Mail, later, lease, 10)
        .await
        .unwrap();
    assert_eq!(
        again.iter().map(|m| m.id).collect::<Vec<_>>(),
        claimed.iter().map(|m| m.id).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn two_instances_started_at_once_on_an_empty_database_both_come_up() {
    let Some(server) = postgres_server() else {
        return skipped();
    };
    let database = TestDatabase::create(&server).await;
    let (_dir_a, dir_a) = data_dir();
    let (_dir_b, dir_b) = data_dir();
    let url = database.url.clone();
    let (a, b) = tokio::task::spawn_blocking(move || {
        let a = Server::spawn(&dir_a, Some(&url), &[]);
        let b = Server::spawn(&dir_b, Some(&url), &[]);
        a.wait_until_healthy(Duration::from_secs(60));
        b.wait_until_healthy(Duration::from_secs(60));
        (a, b)
    })
    .await
    .unwrap();
    magnetiq::app::install_tls_provider();
    let db = magnetiq::db::connect(&database.url, Default::default())
        .await
        .unwrap();
    let pages: i64 = sql("SELECT count(*) FROM pages").scalar(&db).await.unwrap();
    assert_eq!(
        pages,
        12 + 8,
        "the demo site (pages and articles) seeded once"
    );
    for server in [&a, &b] {
        let home = reqwest::get(server.url("/en/")).await.unwrap();
        assert_eq!(home.status(), 200);
    }
    db.close().await;
}

/// What the kill tests start: instance `a` to be killed (and on PostgreSQL `b`, which keeps
/// serving), a visitor's browser, and where the site's database is.
struct KillSetup {
    database: Option<TestDatabase>,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    a: Server,
    b: Option<Server>,
    client: reqwest::Client,
    database_url: String,
    /// Where `a` keeps its data, and its database URL (`None`: the SQLite file there).
    dir_a: std::path::PathBuf,
    url: Option<String>,
}

/// Starts the killed instance again on its data folder, as an operator's supervisor would.
async fn restart(dir: &std::path::Path, url: Option<&str>) -> Server {
    let (dir, url) = (dir.to_owned(), url.map(str::to_owned));
    tokio::task::spawn_blocking(move || Server::start(&dir, url.as_deref(), &[]))
        .await
        .unwrap()
}

async fn kill_setup() -> KillSetup {
    let database = match postgres_server() {
        Some(server) => Some(TestDatabase::create(&server).await),
        None => None,
    };
    let (dir_a_guard, dir_a) = data_dir();
    let (dir_b_guard, dir_b) = data_dir();
    let url = database.as_ref().map(|d| d.url.clone());
    let (a, b) = {
        let url = url.clone();
        let (dir_a, dir_b) = (dir_a.clone(), dir_b.clone());
        tokio::task::spawn_blocking(move || {
            let a = Server::start(&dir_a, url.as_deref(), &[]);
            let b = url.as_deref().map(|u| Server::start(&dir_b, Some(u), &[]));
            (a, b)
        })
        .await
        .unwrap()
    };
    magnetiq::app::install_tls_provider();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let database_url = url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir_a.join("magnetiq.db").display()));
    KillSetup {
        database,
        _dirs: (dir_a_guard, dir_b_guard),
        a,
        b,
        client,
        database_url,
        dir_a,
        url,
    }
}

/// Posts bookings of distinct slots through `servers` in turn until `stop` says so; every booking
/// the server acknowledged (303), by visitor name.
async fn book_until(
    servers: Vec<String>,
    slots: Vec<String>,
    form: common::booking::Form,
    client: reqwest::Client,
) -> Vec<String> {
    let mut acknowledged = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let base = &servers[i % servers.len()];
        let name = format!("Load visitor {i}");
        let answer = client
            .post(format!("{base}/en/book"))
            .form(&fields(&form, slot, &name))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match answer {
            Ok(answer) if answer.status() == 303 => acknowledged.push(name),
            Ok(answer) => eprintln!("{name}: {}", answer.status()),
            // The killed instance no longer answers: nothing acknowledged, nothing to check.
            Err(_) => {}
        }
    }
    acknowledged
}

async fn stored_names(db: &magnetiq::db::Db) -> Vec<String> {
    sql("SELECT client_name FROM bookings")
        .scalars(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn killing_an_instance_under_load_loses_no_acknowledged_booking() {
    let KillSetup {
        database,
        mut a,
        b,
        client,
        database_url,
        _dirs,
        dir_a,
        url,
    } = kill_setup().await;
    let app_like = common::booking::form_at(&client, &a.url("/en/book")).await;
    // Every third slot: far enough apart for the consultant's buffer between meetings.
    let slots: Vec<String> = app_like.slots.iter().step_by(3).take(40).cloned().collect();
    assert!(slots.len() >= 20, "{} slots", slots.len());
    let mut servers = vec![a.url("")];
    if let Some(b) = &b {
        servers.push(b.url(""));
    }
    let db = magnetiq::db::connect(&database_url, Default::default())
        .await
        .unwrap();
    let load = tokio::spawn(book_until(servers.clone(), slots, app_like, client.clone()));
    // Killed in the middle of it, once a few bookings are in.
    loop {
        let stored: i64 = sql("SELECT count(*) FROM bookings")
            .scalar(&db)
            .await
            .unwrap();
        if stored >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    a.kill();
    let acknowledged = load.await.unwrap();
    // Restarted on the same data folder, it serves again; what it acknowledged is there (below).
    let a = restart(&dir_a, url.as_deref()).await;
    let home = client.get(a.url("/en/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(
        !acknowledged.is_empty(),
        "some bookings went through before and after the kill"
    );
    if let Some(b) = &b {
        // The survivor kept serving: half the load was its own.
        let home = client.get(b.url("/en/")).send().await.unwrap();
        assert_eq!(home.status(), 200);
    }
    let db = magnetiq::db::connect(&database_url, Default::default())
        .await
        .unwrap();
    let stored = stored_names(&db).await;
    for name in &acknowledged {
        assert!(
            stored.contains(name),
            "{name} was acknowledged but is not stored"
        );
    }
    // And each stored booking has its mails (written in the same transaction).
    let without_mail: i64 = sql(
        "SELECT count(*) FROM bookings AS b WHERE NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.booking_id = b.id)",
    )
    .scalar(&db)
    .await
    .unwrap();
    assert_eq!(without_mail, 0);
    db.close().await;
    drop(servers);
    drop(database);
}

/// Posts `form(i)` to `path` 150 times, one visitor after another, through `servers` in turn;
/// every submission acknowledged (303), by e-mail address (`reader{i}@example.com`).
async fn submit_until(
    servers: Vec<String>,
    path: String,
    token: String,
    client: reqwest::Client,
    form: fn(&str, &str) -> Vec<(String, String)>,
) -> Vec<String> {
    let mut acknowledged = Vec::new();
    for i in 0..150 {
        let base = &servers[i % servers.len()];
        let email = format!("reader{i}@example.com");
        let answer = client
            .post(format!("{base}{path}"))
            .header("origin", base.as_str())
            .form(&form(&token, &email))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match answer {
            Ok(answer) if answer.status() == 303 => acknowledged.push(email),
            Ok(answer) => eprintln!("{email}: {}", answer.status()),
            // The killed instance no longer answers: nothing acknowledged, nothing to check.
            Err(_) => {}
        }
    }
    acknowledged
}

/// Owned form fields, for a load that outlives the test's borrows.
fn owned(fields: Vec<(&str, &str)>) -> Vec<(String, String)> {
    fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A lead form under load while its instance is killed: where it is, how a submission looks, and
/// the SQL that lists the stored submissions' addresses.
struct LeadForm {
    page: &'static str,
    post: &'static str,
    /// A page whose built form (`form.built-form`) is posted to instead of `post`.
    action_on: Option<&'static str>,
    form: fn(&str, &str) -> Vec<(String, String)>,
    stored: &'static str,
}

/// Submits `lead` one visitor after another (through both instances on PostgreSQL), SIGKILLs
/// instance `a` once a few are in, restarts it on its data folder, and checks that every
/// submission that got its 303 is stored. Returns the database (still open) for the form's own
/// checks, and the setup's guards to keep until then.
async fn kill_under_load(
    lead: LeadForm,
) -> (magnetiq::db::Db, Option<TestDatabase>, KillSetupGuards) {
    let KillSetup {
        database,
        mut a,
        b,
        client,
        database_url,
        _dirs,
        dir_a,
        url,
    } = kill_setup().await;
    let html = client
        .get(a.url(lead.page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::attrs(
        &scraper::Html::parse_document(&html),
        "form input[name=csrf_token]",
        "value",
    )
    .remove(0);
    let mut servers = vec![a.url("")];
    if let Some(b) = &b {
        servers.push(b.url(""));
    }
    let db = magnetiq::db::connect(&database_url, Default::default())
        .await
        .unwrap();
    let post = match lead.action_on {
        Some(page) => {
            let html = client
                .get(a.url(page))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            common::attrs(
                &scraper::Html::parse_document(&html),
                "form.built-form",
                "action",
            )
            .remove(0)
        }
        None => lead.post.to_owned(),
    };
    let load = tokio::spawn(submit_until(
        servers,
        post,
        token,
        client.clone(),
        lead.form,
    ));
    let count = format!("SELECT count(*) FROM ({}) AS stored", lead.stored);
    loop {
        let stored: i64 = magnetiq::db::Sql::assembled(count.clone())
            .scalar(&db)
            .await
            .unwrap();
        if stored >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    a.kill();
    let acknowledged = load.await.unwrap();
    // Restarted on the same data folder, it serves again, and what it acknowledged is there.
    let a = restart(&dir_a, url.as_deref()).await;
    let home = client.get(a.url("/en/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    eprintln!(
        "{} submissions to {} acknowledged",
        acknowledged.len(),
        lead.post
    );
    assert!(
        acknowledged.len() >= 7,
        "submissions went through before the kill"
    );
    db.close().await;
    let db = magnetiq::db::connect(&database_url, Default::default())
        .await
        .unwrap();
    let stored: Vec<String> = magnetiq::db::Sql::assembled(lead.stored.to_owned())
        .scalars(&db)
        .await
        .unwrap();
    for email in &acknowledged {
        assert!(
            stored.contains(email),
            "{email} was acknowledged but is not stored"
        );
    }
    (
        db,
        database,
        KillSetupGuards {
            _dirs,
            _a: a,
            _b: b,
        },
    )
}

/// What a kill test keeps alive until its checks are done.
struct KillSetupGuards {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    _a: Server,
    _b: Option<Server>,
}

#[tokio::test]
async fn killing_an_instance_under_registration_load_loses_no_acknowledged_registration() {
    // The demo webinar `forecasting-workshop`: 40 seats and a waitlist.
    let (db, database, servers) = kill_under_load(LeadForm {
        page: "/en/webinars/forecasting-workshop",
        post: "/en/webinars/forecasting-workshop/register",
        action_on: None,
        form: |token, email| owned(common::webinars::registration(token, "Load", email)),
        stored: "SELECT email FROM webinar_registrations",
    })
    .await;
    let seated: i64 = sql("SELECT count(*) FROM webinar_registrations WHERE status = 'registered'")
        .scalar(&db)
        .await
        .unwrap();
    assert!(seated <= 40, "{seated} seats of 40");
    // Each stored registration has its confirmation (written in the same transaction).
    let without_mail: i64 = sql(
        "SELECT count(*) FROM webinar_registrations AS r
         WHERE NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.registration_id = r.id AND o.purpose = 'webinar')",
    )
    .scalar(&db)
    .await
    .unwrap();
    assert_eq!(without_mail, 0);
    db.close().await;
    drop(servers);
    drop(database);
}

#[tokio::test]
async fn killing_an_instance_under_whitepaper_requests_loses_no_acknowledged_lead() {
    let (db, database, servers) = kill_under_load(LeadForm {
        page: "/en/whitepapers/llm-evaluation-guide",
        post: "/en/whitepapers/llm-evaluation-guide/request",
        action_on: None,
        form: |token, email| owned(common::whitepapers::lead(token, "Load", email)),
        stored: "SELECT email FROM whitepaper_leads",
    })
    .await;
    // Each stored lead has its link and its mail (written in the same transaction).
    let incomplete: i64 = sql(
        "SELECT count(*) FROM whitepaper_leads AS l
         WHERE NOT EXISTS (SELECT 1 FROM download_links AS d WHERE d.lead_id = l.id)
            OR NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.lead_id = l.id AND o.purpose = 'whitepaper-link')",
    )
    .scalar(&db)
    .await
    .unwrap();
    assert_eq!(incomplete, 0);
    db.close().await;
    drop(servers);
    drop(database);
}

#[tokio::test]
async fn killing_an_instance_under_built_form_submissions_loses_none_acknowledged() {
    // The demo's proposal request on the services page; the token from a page made for the visitor.
    let (db, database, servers) = kill_under_load(LeadForm {
        page: "/en/newsletter/subscribe",
        post: "",
        action_on: Some("/en/services"),
        form: |token, email| {
            let mut fields = owned(common::leads::proposal("Load", email));
            fields.push(("csrf_token".to_owned(), token.to_owned()));
            fields
        },
        stored: "SELECT email FROM form_submissions",
    })
    .await;
    // Each stored submission has its lead in the inbox (written in the same transaction).
    let without_lead: i64 = sql("SELECT count(*) FROM form_submissions AS f
         WHERE NOT EXISTS (SELECT 1 FROM leads AS l WHERE l.submission_id = f.id)")
    .scalar(&db)
    .await
    .unwrap();
    assert_eq!(without_lead, 0);
    db.close().await;
    drop(servers);
    drop(database);
}

#[tokio::test]
async fn killing_an_instance_under_contact_messages_loses_no_acknowledged_message() {
    // The visitor's token comes from a page made for them; it works for every public form.
    let (db, database, servers) = kill_under_load(LeadForm {
        page: "/en/newsletter/subscribe",
        post: "/en/contact/send",
        action_on: None,
        form: |token, email| owned(common::contact::message(token, "Load", email)),
        stored: "SELECT email FROM contact_messages",
    })
    .await;
    // Each stored message has its receipt (one transaction; the team's notifications go to the
    // site's admins, and this site has none yet).
    let incomplete: i64 = sql("SELECT count(*) FROM contact_messages AS m
         WHERE (SELECT count(*) FROM outbox AS o WHERE o.message_id = m.id AND o.recipient = m.email) <> 1")
    .scalar(&db)
    .await
    .unwrap();
    assert_eq!(incomplete, 0);
    db.close().await;
    drop(servers);
    drop(database);
}

#[tokio::test]
async fn killing_an_instance_under_newsletter_sign_ups_loses_no_acknowledged_sign_up() {
    let (db, database, servers) = kill_under_load(LeadForm {
        page: "/en/newsletter/subscribe",
        post: "/en/newsletter/subscribe",
        action_on: None,
        form: |token, email| owned(common::contact::sign_up(token, email)),
        stored: "SELECT email FROM newsletter_subscribers",
    })
    .await;
    // Each stored sign-up has its confirmation mail with the unsubscribe address.
    let incomplete: i64 = sql(
        "SELECT count(*) FROM newsletter_subscribers AS s
         WHERE NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.subscriber_id = s.id
                           AND o.purpose = 'newsletter-confirm' AND o.list_unsubscribe IS NOT NULL)",
    )
    .scalar(&db)
    .await
    .unwrap();
    assert_eq!(incomplete, 0);
    db.close().await;
    drop(servers);
    drop(database);
}

/// A TCP relay between Magnetiq and PostgreSQL that a test can cut and mend, as a network outage or
/// a database restart would: cut, it drops every connection and refuses new ones.
struct Relay {
    port: u16,
    upstream: String,
    tasks: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let port = common::process::free_port();
        let relay = Relay {
            port,
            upstream,
            tasks: std::sync::Mutex::new(Vec::new()),
        };
        relay.mend().await;
        relay
    }

    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn mend(&self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        let upstream = self.upstream.clone();
        let tasks = std::sync::Arc::new(std::sync::Mutex::new(
            Vec::<tokio::task::JoinHandle<()>>::new(),
        ));
        let connections = tasks.clone();
        let accept = tokio::spawn(async move {
            let open = AbortOnDrop(connections);
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                open.0.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }
}

/// Aborts the relayed connections when the accepting task ends (is aborted).
struct AbortOnDrop(std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for task in self.0.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

#[tokio::test]
async fn while_postgresql_is_away_cached_pages_are_served_and_the_rest_is_503_then_it_recovers() {
    let Some(server) = postgres_server() else {
        return skipped();
    };
    let database = TestDatabase::create(&server).await;
    let host = database
        .url
        .split('@')
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let relay = Relay::start(host.clone()).await;
    let relayed = database
        .url
        .replace(&host, &format!("127.0.0.1:{}", relay.port));
    let app = TestApp::spawn_with(|c| c.database_url = relayed).await;
    assert_eq!(app.get("/en/about").await.status(), 200);

    relay.cut();
    // A page in the cache costs no query: served as before.
    let cached = app.get("/en/about").await;
    assert_eq!(cached.status(), 200);
    // Anything that needs the database: 503 with the site's error page, soon, never a hang.
    let started = Instant::now();
    for path in ["/en/services", "/en/book", "/healthz"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 503, "{path}");
        assert!(response.headers().contains_key("retry-after"), "{path}");
        if path != "/healthz" {
            let html = response.text().await.unwrap();
            assert!(
                html.contains("<html") && html.contains("lang=\"en\""),
                "{html}"
            );
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );

    relay.mend().await;
    // Back by itself: no restart needed.
    let started = Instant::now();
    loop {
        if app.get("/en/services").await.status() == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "did not reconnect"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn two_saves_of_one_version_on_two_instances_are_a_conflict_not_an_overwrite() {
    let Some((a, b)) = two_instances().await else {
        return skipped();
    };
    a.sign_in_as("editor").await;
    let id = a.page_id("about").await;
    let edit = format!("/admin/pages/{id}");
    let version = a.page_version(id).await;
    let token = a.csrf_token(&edit).await;
    let save = |base: String, title: &'static str| {
        let client = a.client.clone();
        let (version, token, edit) = (version.clone(), token.clone(), edit.clone());
        async move {
            client
                .post(format!("{base}{edit}"))
                .form(&[
                    ("version", version.as_str()),
                    ("title.en", title),
                    ("slug", "about"),
                    ("placement", "main"),
                    ("action", "save"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (first, second) = tokio::join!(
        save(format!("http://{}", a.addr), "About (Anna)"),
        save(format!("http://{}", b.addr), "About (Ben)")
    );
    let mut statuses = [first, second];
    statuses.sort();
    assert_eq!(statuses, [303, 409], "one save wins, the other is told");
}

#[tokio::test]
async fn a_file_uploaded_on_one_instance_is_served_by_the_other() {
    let Some((a, b)) = two_instances().await else {
        return skipped();
    };
    a.sign_in_as("editor").await;
    let token = a.csrf_token("/admin/media").await;
    let uploaded =
        common::media::upload(&a, "team.png", common::media::png(1200, 600), Some(&token)).await;
    assert_eq!(uploaded.status(), 303);
    let file: String =
        sql("SELECT file_name FROM media WHERE NOT gated AND uploaded_by IS NOT NULL")
            .scalar(&a.state.db)
            .await
            .unwrap();
    for name in [file.clone(), file.replace(".png", "-480.png")] {
        let served = reqwest::get(b.url(&format!("/media/{name}")))
            .await
            .unwrap();
        assert_eq!(served.status(), 200, "{name} on the other instance");
    }
}
