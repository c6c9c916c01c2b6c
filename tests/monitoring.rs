//! What monitors and load balancers see: `/readyz` follows the database, the migrations and a
//! stop in progress; after SIGTERM an instance keeps serving for `MAGNETIQ_SHUTDOWN_DELAY` while it
//! says it is not ready, then stops gracefully; `/metrics` for the bearer of the token only, with
//! values that move; and one log line per request that never holds personal data.
#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use common::process::{Server, data_dir};

async fn readiness(app: &TestApp) -> (u16, serde_json::Value) {
    let r = app.get("/readyz").await;
    let status = r.status().as_u16();
    assert_eq!(r.headers()["cache-control"], "no-store");
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn readiness_follows_the_database_and_the_migrations() {
    let app = TestApp::spawn().await;
    let (status, body) = readiness(&app).await;
    assert_eq!(
        (status, body),
        (200, serde_json::json!({"status": "ready"}))
    );
    let head = app.client.head(app.url("/readyz")).send().await.unwrap();
    assert_eq!(head.status(), 200);

    // A migration this build carries that the database lacks (an instance newer than its database).
    let latest: i64 = magnetiq::db::sql("SELECT max(version) FROM _sqlx_migrations")
        .scalar(&app.state.db)
        .await
        .unwrap();
    magnetiq::db::sql("UPDATE _sqlx_migrations SET success = false WHERE version = $1")
        .bind(latest)
        .execute(&app.state.db)
        .await
        .unwrap();
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503);
    assert_eq!(body["failing"], serde_json::json!(["migrations"]));
    magnetiq::db::sql("UPDATE _sqlx_migrations SET success = true WHERE version = $1")
        .bind(latest)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(readiness(&app).await.0, 200);

    // The database gone (PostgreSQL: the test's database dropped under the instance).
    if let Some(database) = &app.database {
        use sqlx::Connection;
        let server = common::postgres_server().unwrap();
        let name = database.url.rsplit('/').next().unwrap().to_owned();
        let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await
        .unwrap();
        let started = Instant::now();
        let (status, body) = readiness(&app).await;
        assert_eq!(status, 503);
        assert_eq!(body["failing"], serde_json::json!(["database"]));
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn after_sigterm_it_serves_unready_for_the_delay_then_stops() {
    let (_guard, dir) = data_dir();
    let mut server = tokio::task::spawn_blocking(move || {
        Server::start(&dir, None, &[("MAGNETIQ_SHUTDOWN_DELAY", "3")])
    })
    .await
    .unwrap();
    magnetiq::app::install_tls_provider();
    let client = reqwest::Client::new();
    let ready = client.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    server.terminate();
    let signalled = Instant::now();
    let mut unready = None;
    while signalled.elapsed() < Duration::from_secs(2) {
        let r = client.get(server.url("/readyz")).send().await.unwrap();
        if r.status() == 503 {
            unready =
                Some(serde_json::from_str::<serde_json::Value>(&r.text().await.unwrap()).unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let unready = unready.expect("/readyz answers 503 soon after SIGTERM");
    assert_eq!(unready["failing"], serde_json::json!(["shutting-down"]));
    // Still serving visitors meanwhile.
    assert_eq!(
        client
            .get(server.url("/en/"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        client
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Then it stops by itself, after the delay and not long after.
    let exited = tokio::task::spawn_blocking(move || {
        let exited = server.has_exited_within(Duration::from_secs(10));
        (exited, server)
    })
    .await
    .unwrap();
    assert!(exited.0, "the instance stopped");
    assert!(
        signalled.elapsed() >= Duration::from_millis(2900),
        "{:?}",
        signalled.elapsed()
    );
}

fn with_metrics(c: &mut magnetiq::config::Config) {
    c.metrics_token = Some(magnetiq::config::Secret("scrape-token".into()));
    c.booking_limit = 1000;
}

async fn scrape(app: &TestApp) -> String {
    let r = app
        .client
        .get(app.url("/metrics"))
        .header("authorization", "Bearer scrape-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    r.text().await.unwrap()
}

/// The value of the sample line starting with `name` (labels included), or 0.
fn value(text: &str, name: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_are_only_for_the_bearer_of_the_token() {
    let off = TestApp::spawn().await;
    assert_eq!(off.get("/metrics").await.status(), 404);
    let app = TestApp::spawn_with(with_metrics).await;
    assert_eq!(
        app.get("/metrics").await.status(),
        404,
        "no token: not there"
    );
    for wrong in [
        "Bearer nope",
        "Bearer scrape-token2",
        "Basic scrape-token",
        "scrape-token",
    ] {
        let r = app
            .client
            .get(app.url("/metrics"))
            .header("authorization", wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{wrong}");
    }
    assert!(scrape(&app).await.ends_with("# EOF\n"));
}

#[tokio::test]
async fn metric_values_move_with_requests_and_leads() {
    let app = TestApp::spawn_with(with_metrics).await;
    let before = scrape(&app).await;
    for _ in 0..3 {
        assert_eq!(app.get("/en/about").await.status(), 200);
    }
    app.get("/en/no-such-page").await;
    // The style sheet is answered before routing, like a cached page, under a name of its own.
    let css = app.state.assets.href("site.css").to_owned();
    for _ in 0..2 {
        let r = app.get_with(&css, &[("accept-encoding", "br")]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-encoding"], "br");
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    // A request for an asset that is not one still meets the route and its 404.
    assert_eq!(app.get("/static/no-such.css").await.status(), 404);
    // A booking and a whitepaper request: leads by path, and the outbox fills.
    let client = common::whitepapers::browser();
    let form = common::booking::booking_form(&app, &client, "").await;
    let booked = client
        .post(app.url("/en/book"))
        .form(&common::booking::fields(
            &form,
            &form.slots[0],
            "Ada Lovelace",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 303);
    let asked = common::whitepapers::request(
        &app,
        &client,
        "en",
        "mlops-checklist",
        "Ada",
        "ada@example.com",
    )
    .await;
    assert_eq!(asked.status(), 303);
    let after = scrape(&app).await;
    let moved = |name: &str| value(&after, name) - value(&before, name);
    assert!(
        moved(r#"magnetiq_http_requests_total{route="/{lang}/{slug}",method="GET",status="2xx"}"#)
            + moved(
                r#"magnetiq_http_requests_total{route="(page cache)",method="GET",status="2xx"}"#
            )
            >= 3.0,
        "{after}"
    );
    assert_eq!(
        moved(r#"magnetiq_http_requests_total{route="/{lang}/{slug}",method="GET",status="4xx"}"#),
        1.0
    );
    assert_eq!(
        moved(r#"magnetiq_http_requests_total{route="/static/{asset}",method="GET",status="2xx"}"#),
        2.0,
        "{after}"
    );
    assert!(moved("magnetiq_page_cache_hits_total") >= 2.0, "{after}");
    assert!(value(&after, "magnetiq_page_cache_entries") >= 1.0);
    assert!(value(&after, "magnetiq_page_cache_bytes") > 1000.0);
    assert_eq!(
        moved(r#"magnetiq_leads_total{path="booking"}"#),
        1.0,
        "{after}"
    );
    assert_eq!(
        moved(r#"magnetiq_leads_total{path="whitepaper-request"}"#),
        1.0
    );
    assert!(value(&after, "magnetiq_outbox_pending") >= 2.0, "{after}");
    assert!(value(&after, "magnetiq_db_pool_connections") >= 1.0);
    assert!(
        after.contains(r#"magnetiq_http_request_duration_seconds_count{route="/{lang}/book"}"#)
    );
    assert!(after.contains("magnetiq_build_info{version="));
    assert!(value(&after, "magnetiq_start_time_seconds") > 1.7e9);
    // Never a raw path as a label: the unknown page is counted under its pattern.
    assert!(!after.contains("no-such-page"));
    assert!(!after.contains("ada@example.com"));
}

/// Rendering ahead and what changes forget show in the metrics: every page rendered at start, an
/// edit's two addresses forgotten and rendered again, no page forgotten all at once.
#[tokio::test]
async fn metrics_count_pages_rendered_ahead_and_addresses_a_change_forgot() {
    let app = TestApp::spawn_with(with_metrics).await;
    let everything = magnetiq::content::prerender::all_paths(&app.state).len() as f64;
    let settled = |text: &str, at_least: f64| {
        value(text, "magnetiq_page_prerender_waiting") == 0.0
            && value(text, "magnetiq_page_prerenders_total") >= at_least
    };
    let mut before = scrape(&app).await;
    for _ in 0..400 {
        if settled(&before, everything) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        before = scrape(&app).await;
    }
    assert!(settled(&before, everything), "{before}");
    app.sign_in_as("editor").await;
    app.edit_first_heading("about", "Counted", "Gezählt").await;
    let rendered = value(&before, "magnetiq_page_prerenders_total");
    let mut after = scrape(&app).await;
    for _ in 0..400 {
        if settled(&after, rendered + 2.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        after = scrape(&app).await;
    }
    let moved = |name: &str| value(&after, name) - value(&before, name);
    assert_eq!(
        moved("magnetiq_page_cache_invalidations_total"),
        2.0,
        "{after}"
    );
    assert_eq!(moved("magnetiq_page_cache_clears_total"), 0.0, "{after}");
    assert_eq!(moved("magnetiq_page_prerenders_total"), 2.0, "{after}");
}

#[tokio::test]
async fn each_request_is_one_log_line_without_personal_data() {
    let (_guard, dir) = data_dir();
    let log = dir.join("magnetiq.log");
    let log_path = log.clone();
    let database = format!("sqlite://{}", dir.join("magnetiq.db").display());
    let server = tokio::task::spawn_blocking(move || {
        Server::start_logged(
            &dir,
            &[("RUST_LOG", "info"), ("MAGNETIQ_LOG_FORMAT", "json")],
            &log_path,
        )
    })
    .await
    .unwrap();
    magnetiq::app::install_tls_provider();
    let client = common::whitepapers::browser();
    // Every lead form, with personal data a log must never hold.
    let form = common::booking::form_at(&client, &server.url("/en/book")).await;
    let booked = client
        .post(server.url("/en/book"))
        .form(&common::booking::fields(
            &form,
            &form.slots[0],
            "Zelda Secretname",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 303);
    let booking_page = common::location(&booked).to_owned();
    let token =
        common::webinars::form_token(&client, &server.url("/en/webinars/rag-in-production")).await;
    let registered = client
        .post(server.url("/en/webinars/rag-in-production/register"))
        .form(&common::webinars::registration(
            &token,
            "Zelda",
            "zelda.secret@example.com",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 303);
    // The page says "check your inbox"; the registration's own page is the mailed link.
    let mailed: String = magnetiq::db::sql(
        "SELECT body_text FROM outbox WHERE recipient = 'zelda.secret@example.com' ORDER BY id",
    )
    .scalar(
        &magnetiq::db::connect(&database, Default::default())
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    let registration_page = mailed
        .split_whitespace()
        .find_map(|w| {
            w.strip_prefix(common::BASE_URL)
                .filter(|p| p.contains("/registered/"))
        })
        .expect("the registration's link in the mail")
        .to_owned();
    let token =
        common::whitepapers::form_token(&client, &server.url("/en/whitepapers/mlops-checklist"))
            .await;
    let asked = client
        .post(server.url("/en/whitepapers/mlops-checklist/request?utm_source=autumn-mailing"))
        .form(&common::whitepapers::lead(
            &token,
            "Zelda",
            "zelda.wp@example.com",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 303);
    let wrote = client
        .post(server.url("/en/contact/send"))
        .header("origin", server.url(""))
        .form(&common::contact::message(
            "",
            "Zelda Secretname",
            "zelda.contact@example.com",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrote.status(), 303);
    let subscribed = client
        .post(server.url("/en/newsletter/subscribe"))
        .header("origin", server.url(""))
        .form(&[("email", "zelda.news@example.com"), ("consent", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(subscribed.status(), 303);
    client.get(server.url(&booking_page)).send().await.unwrap();
    client
        .get(server.url(&registration_page))
        .send()
        .await
        .unwrap();
    client
        .get(server.url("/en/about?email=zelda.query@example.com"))
        .header("x-request-id", "spoofed-id")
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    let requests: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"] == "magnetiq::request")
        .collect();
    assert!(requests.len() >= 9, "{text}");
    for line in &requests {
        let fields = &line["fields"];
        for field in [
            "request_id",
            "method",
            "route",
            "status",
            "duration_ms",
            "bytes",
            "client",
        ] {
            assert!(!fields[field].is_null(), "{field} missing in {line}");
        }
        assert_ne!(fields["request_id"], "spoofed-id", "taken from a stranger");
    }
    assert!(
        requests
            .iter()
            .any(|l| l["fields"]["route"] == "/{lang}/book/{token}")
    );
    let secrets = [
        "Zelda",
        "Secretname",
        "zelda.secret@example.com",
        "zelda.wp@example.com",
        "zelda.query",
        "zelda.contact@example.com",
        "zelda.news@example.com",
        "RAG pilot",
        "visitor@example.com",
        "autumn-mailing",
        &form.token,
        booking_page.rsplit('/').next().unwrap(),
        registration_page.rsplit('/').next().unwrap(),
        "csrf",
        "mq_",
    ];
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} in the log:\n{text}");
    }
}
