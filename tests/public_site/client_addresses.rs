//! Which client a request is from, for rate limits, login throttles and the audit log: the TCP
//! peer, unless the peer is a trusted proxy (`MAGNETIQ_TRUSTED_PROXIES`) — then the right-most
//! forwarded address that is not one of them. Spoofed headers from anyone else change nothing.
use crate::common::TestApp;
use crate::common::whitepapers::{browser, form_token, lead};

/// Asks for a demo whitepaper as a new visitor whose request carries `forwarded_for`; the status.
async fn ask(app: &TestApp, forwarded_for: &str, n: usize) -> u16 {
    let client = browser();
    let token = form_token(&client, &app.url("/en/whitepapers/mlops-checklist")).await;
    let email = format!("visitor{n}@example.com");
    client
        .post(app.url("/en/whitepapers/mlops-checklist/request"))
        .header("x-forwarded-for", forwarded_for)
        .form(&lead(&token, "Ada", &email))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn forwarded_headers_from_an_untrusted_peer_change_nothing() {
    // No trusted proxies (the default): every request is from 127.0.0.1, whatever it claims.
    let app = TestApp::spawn_with(|c| c.booking_limit = 2).await;
    let statuses = [
        ask(&app, "198.51.100.1", 0).await,
        ask(&app, "198.51.100.2", 1).await,
        ask(&app, "198.51.100.3", 2).await,
    ];
    assert_eq!(statuses, [303, 303, 429]);

    // Trusted proxies elsewhere do not make the local peer trusted either.
    let app = TestApp::spawn_with(|c| {
        c.booking_limit = 2;
        c.trusted_proxies = magnetiq::web::client::TrustedProxies::parse("10.0.0.0/8").unwrap();
    })
    .await;
    let statuses = [
        ask(&app, "198.51.100.1", 0).await,
        ask(&app, "198.51.100.2", 1).await,
        ask(&app, "198.51.100.3", 2).await,
    ];
    assert_eq!(statuses, [303, 303, 429]);
}

#[tokio::test]
async fn behind_a_chain_of_trusted_proxies_each_visitor_has_their_own_limit() {
    // nginx on this host (127.0.0.1) behind a load balancer in 10.0.0.0/8.
    let app = TestApp::spawn_with(|c| {
        c.booking_limit = 2;
        c.trusted_proxies =
            magnetiq::web::client::TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
    })
    .await;
    // Three visitors, each claiming to be 6.6.6.6 on the left (spoofed) and recorded by the
    // proxies on the right: each is their own client.
    for (n, visitor) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
        .iter()
        .enumerate()
    {
        let chain = format!("6.6.6.6, {visitor}, 10.0.0.7");
        assert_eq!(ask(&app, &chain, n).await, 303, "{visitor}");
    }
    // One visitor asking often is still limited, whatever they put on the left.
    let statuses = [
        ask(&app, "1.1.1.1, 203.0.113.5, 10.0.0.7", 10).await,
        ask(&app, "2.2.2.2, 203.0.113.5, 10.0.0.7", 11).await,
        ask(&app, "3.3.3.3, 203.0.113.5, 10.0.0.7", 12).await,
    ];
    assert_eq!(statuses, [303, 303, 429]);

    // The audit log and the session record the same client.
    app.create_user("editor@magnetiq.test", "editor", crate::common::PASSWORD)
        .await;
    let client = browser();
    let page = client
        .get(app.url("/admin/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::common::attrs(
        &scraper::Html::parse_document(&page),
        "input[name=csrf_token]",
        "value",
    )
    .remove(0);
    let r = client
        .post(app.url("/admin/login"))
        .header("x-forwarded-for", "6.6.6.6, 203.0.113.77")
        .form(&[
            ("email", "editor@magnetiq.test"),
            ("password", crate::common::PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let ip: String = magnetiq::db::sql("SELECT ip FROM audit_log WHERE action = 'login'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(ip, "203.0.113.77");
}
