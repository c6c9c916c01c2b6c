//! What a red-team pass tried with a stolen session, a mailbox, or a script, and what now holds:
//! second factors change only with their owner, account pages throttle password guesses, a reset
//! link waits for the code, the audit log keeps nothing a stranger typed and is the admins' alone,
//! and forwarded headers count only from trusted proxies.
use scraper::Html;

use crate::common::accounts::{browser, code, html_of, mailed_link, post};
use crate::common::{PASSWORD, TestApp, location, texts};

const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

async fn signed_in_browser(app: &TestApp, email: &str, agent: &str) -> reqwest::Client {
    let client = browser(agent);
    let r = post(
        &client,
        app,
        "/admin/login",
        "/admin/login",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    client
}

async fn stored_secret(app: &TestApp) -> Option<String> {
    magnetiq::db::sql("SELECT secret FROM user_totp")
        .scalar_optional(&app.state.db)
        .await
        .unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    magnetiq::db::sql("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .scalar(&app.state.db)
        .await
        .unwrap()
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

/// Turns two-factor on for the client's person; the key the page showed.
async fn enrol(client: &reqwest::Client, app: &TestApp) -> String {
    let (_, page) = html_of(client, app, "/admin/account/security").await;
    let key = texts(&page, ".totp-key").remove(0);
    let on = post(
        client,
        app,
        "/admin/account/security",
        "/admin/account/security/enable",
        &[("current_password", PASSWORD), ("code", &code(&key, 0))],
    )
    .await;
    assert_eq!(on.status(), 200);
    key
}

#[tokio::test]
async fn a_stolen_session_cannot_set_up_replace_or_renew_a_second_factor() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let owner = signed_in_browser(&app, "anna@magnetiq.test", FIREFOX).await;
    let thief = signed_in_browser(&app, "anna@magnetiq.test", SAFARI).await;

    // Setting it up needs the password, not only a code for a key the thief scanned.
    let (_, page) = html_of(&thief, &app, "/admin/account/security").await;
    let thiefs_key = texts(&page, ".totp-key").remove(0);
    for password in ["", "a guess at the password"] {
        let r = post(
            &thief,
            &app,
            "/admin/account/security",
            "/admin/account/security/enable",
            &[
                ("current_password", password),
                ("code", &code(&thiefs_key, 0)),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = Html::parse_document(&r.text().await.unwrap());
        assert_eq!(texts(&html, "#current-error").len(), 1);
    }
    assert_eq!(stored_secret(&app).await, None);
    assert_eq!(audit_count(&app, "password-check-failed").await, 2);

    // The owner turns it on: the thief's browser is signed out and the owner is told by mail.
    let key = enrol(&owner, &app).await;
    let secret = stored_secret(&app).await.expect("on");
    assert_eq!(
        status_of(&thief, &app, "/admin").await,
        303,
        "other sessions end"
    );
    let told: i64 = magnetiq::db::sql(
        "SELECT count(*) FROM outbox WHERE recipient = $1 AND subject LIKE '%sign in%'",
    )
    .bind("anna@magnetiq.test")
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(told, 1);

    // While it is on there is no new key to scan, and enabling again changes nothing.
    let qr = owner
        .get(app.url("/admin/account/security/qr.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.status(), 404);
    let again = post(
        &owner,
        &app,
        "/admin/account/security",
        "/admin/account/security/enable",
        &[("current_password", PASSWORD), ("code", &code(&key, 1))],
    )
    .await;
    assert_eq!(again.status(), 303);
    assert_eq!(stored_secret(&app).await.as_deref(), Some(secret.as_str()));

    // New recovery codes need the password or a current code.
    let codes_before: Vec<String> =
        magnetiq::db::sql("SELECT code_hash FROM user_recovery_codes ORDER BY code_hash")
            .scalars(&app.state.db)
            .await
            .unwrap();
    let bare = post(
        &owner,
        &app,
        "/admin/account/security",
        "/admin/account/security/recovery-codes",
        &[],
    )
    .await;
    assert_eq!(bare.status(), 422);
    let codes_after: Vec<String> =
        magnetiq::db::sql("SELECT code_hash FROM user_recovery_codes ORDER BY code_hash")
            .scalars(&app.state.db)
            .await
            .unwrap();
    assert_eq!(codes_before, codes_after, "nothing renewed");
    let with_code = post(
        &owner,
        &app,
        "/admin/account/security",
        "/admin/account/security/recovery-codes",
        &[("current_password", &code(&key, 1))],
    )
    .await;
    assert_eq!(with_code.status(), 200);
    let html = Html::parse_document(&with_code.text().await.unwrap());
    assert_eq!(texts(&html, ".recovery-codes code").len(), 10);

    // Turning it off: a wrong password is refused; the right one works.
    let wrong = post(
        &owner,
        &app,
        "/admin/account/security",
        "/admin/account/security/disable",
        &[("current_password", "not my password at all")],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    assert!(stored_secret(&app).await.is_some());
    let off = post(
        &owner,
        &app,
        "/admin/account/security",
        "/admin/account/security/disable",
        &[("current_password", PASSWORD)],
    )
    .await;
    assert_eq!(off.status(), 303);
    assert_eq!(stored_secret(&app).await, None);
}

#[tokio::test]
async fn password_guesses_inside_the_account_pages_are_throttled_and_audited() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let thief = signed_in_browser(&app, "anna@magnetiq.test", FIREFOX).await;
    let mut statuses = Vec::new();
    for i in 0..4 {
        let r = post(
            &thief,
            &app,
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current_password", &format!("guess number {i} here")),
                ("new_password", "a long enough passphrase"),
                ("confirm_password", "a long enough passphrase"),
            ],
        )
        .await;
        statuses.push(r.status().as_u16());
    }
    for i in 0..4 {
        let r = post(
            &thief,
            &app,
            "/admin/account/security",
            "/admin/account/security/disable",
            &[("current_password", &format!("another guess {i}"))],
        )
        .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[422; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    assert_eq!(audit_count(&app, "password-check-failed").await, 5);
    assert!(audit_count(&app, "password-check-throttled").await >= 1);
    // The right password waits for the pause too.
    let right = post(
        &thief,
        &app,
        "/admin/account/password",
        "/admin/account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "a long enough passphrase"),
            ("confirm_password", "a long enough passphrase"),
        ],
    )
    .await;
    assert_eq!(right.status(), 429);
}

#[tokio::test]
async fn a_reset_link_of_a_two_factor_account_takes_effect_only_with_a_code() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let owner = signed_in_browser(&app, "anna@magnetiq.test", FIREFOX).await;
    let key = enrol(&owner, &app).await;

    // Someone with the mailbox asks for a link and opens it.
    let mailbox = browser(SAFARI);
    post(
        &mailbox,
        &app,
        "/admin/password/forgot",
        "/admin/password/forgot",
        &[("email", "anna@magnetiq.test")],
    )
    .await;
    let link = mailed_link(&app, "anna@magnetiq.test", "password-reset").await;
    let (s, form) = html_of(&mailbox, &app, &link).await;
    assert_eq!(s, 200);
    assert_eq!(
        crate::common::attrs(&form, "input[name=code]", "type"),
        vec!["text"]
    );
    let hash_before: String = magnetiq::db::sql("SELECT password_hash FROM users")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let without = post(
        &mailbox,
        &app,
        &link,
        &link,
        &[
            ("password", "a long enough passphrase"),
            ("confirm_password", "a long enough passphrase"),
            ("code", "123456"),
        ],
    )
    .await;
    assert_eq!(without.status(), 422);
    let hash_after: String = magnetiq::db::sql("SELECT password_hash FROM users")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(hash_before, hash_after, "the password stays");
    assert_eq!(status_of(&owner, &app, "/admin").await, 200, "owner stays");

    // With the code the owner's phone shows, the new password takes effect and signs in.
    let with = post(
        &mailbox,
        &app,
        &link,
        &link,
        &[
            ("password", "a long enough passphrase"),
            ("confirm_password", "a long enough passphrase"),
            ("code", &code(&key, 1)),
        ],
    )
    .await;
    assert_eq!(with.status(), 303);
    assert_eq!(location(&with), "/admin");
    assert_eq!(status_of(&mailbox, &app, "/admin").await, 200);
}

#[tokio::test]
async fn the_audit_log_is_for_admins_and_keeps_no_stranger_typed_identifier() {
    let app = TestApp::signed_in("admin").await;
    app.create_user("ben@magnetiq.test", "editor", PASSWORD)
        .await;
    // A password typed into the address field, and a known account's wrong password.
    let stranger = browser(FIREFOX);
    for (email, password) in [
        ("Secret-Password-123", "x"),
        ("ben@magnetiq.test", "wrong password here"),
    ] {
        let r = post(
            &stranger,
            &app,
            "/admin/login",
            "/admin/login",
            &[("email", email), ("password", password)],
        )
        .await;
        assert_eq!(r.status(), 422);
    }
    let failed: Vec<String> = magnetiq::db::sql(
        "SELECT user_email FROM audit_log WHERE action = 'login-failed' ORDER BY id",
    )
    .scalars(&app.state.db)
    .await
    .unwrap();
    assert_eq!(failed, vec!["unknown address", "ben@magnetiq.test"]);

    let admin_view = app.page("/admin").await;
    let rows = texts(&admin_view, ".recent-changes td").join(" ");
    assert!(rows.contains("Sign-in failed") && rows.contains("unknown address"));
    assert!(!rows.contains("Secret-Password-123"));

    let ben = signed_in_browser(&app, "ben@magnetiq.test", SAFARI).await;
    let (_, editor_view) = html_of(&ben, &app, "/admin").await;
    assert!(texts(&editor_view, ".recent-changes td").is_empty());
    assert!(
        editor_view
            .select(&scraper::Selector::parse("#recent-heading").unwrap())
            .next()
            .is_none()
    );
}

#[tokio::test]
async fn a_forwarded_host_counts_only_from_a_trusted_proxy() {
    let app = TestApp::signed_in("admin").await;
    let token = app.csrf_token("/admin").await;
    // A client that is no proxy names the attacker's host: the Origin still does not match.
    for forwarded in [
        ("x-forwarded-host", "evil.example"),
        ("forwarded", "host=evil.example;proto=https"),
    ] {
        let r = app
            .client
            .post(app.url("/admin/logout"))
            .header("Origin", "https://evil.example")
            .header(forwarded.0, forwarded.1)
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{forwarded:?}");
    }
    assert_eq!(app.get("/admin").await.status(), 200, "still signed in");

    // Behind a trusted proxy, the host it forwards is the one the browser asked for.
    let proxied = TestApp::spawn_with(|c| {
        c.trusted_proxies = magnetiq::web::client::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    proxied.sign_in_as("admin").await;
    let token = proxied.csrf_token("/admin").await;
    let r = proxied
        .client
        .post(proxied.url("/admin/logout"))
        .header("Origin", "https://www.magnetiq.example")
        .header("x-forwarded-host", "www.magnetiq.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn a_line_break_in_a_return_address_is_a_bad_request() {
    let app = TestApp::signed_in("admin").await;
    let r = app
        .post_form(
            "/admin/whitepapers/leads/1/delete",
            "/admin/whitepapers/leads",
            &[("back", "/admin/whitepapers/leads\r\nSet-Cookie: x=1")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(
        r.headers()
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().starts_with("x="))
    );
}
