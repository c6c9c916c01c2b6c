//! Accounts people run themselves: invitations, forgotten passwords, two-factor sign-in, their own
//! sessions, and the one password rule.
use std::time::{Duration, Instant};

use scraper::Html;

use crate::common::accounts::{browser, code, mailed_link, mails, post};
use crate::common::{PASSWORD, TestApp, attrs, location, texts};

const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

use crate::common::accounts::html_of;

async fn password_step(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> reqwest::Response {
    post(
        client,
        app,
        "/admin/login",
        "/admin/login",
        &[("email", email), ("password", password)],
    )
    .await
}

async fn status(client: &reqwest::Client, app: &TestApp, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn audit_targets(app: &TestApp) -> String {
    let rows: Vec<String> = magnetiq::db::sql(
        "SELECT action || ' ' || coalesce(target, '') || ' ' || coalesce(user_email, '') FROM audit_log ORDER BY id",
    )
    .scalars(&app.state.db)
    .await
    .unwrap();
    rows.join("\n")
}

#[tokio::test]
async fn an_invited_editor_chooses_a_password_and_is_signed_in_once() {
    let app = TestApp::signed_in("admin").await;
    let bad = app
        .post_form(
            "/admin/users/invite",
            "/admin/users",
            &[
                ("email", "not an address"),
                ("display_name", "Ben"),
                ("role", "editor"),
                ("language", "de"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = Html::parse_document(&bad.text().await.unwrap());
    assert_eq!(attrs(&html, "#display_name", "value"), vec!["Ben"]);
    assert_eq!(texts(&html, "#email-error").len(), 1);
    let taken = app
        .post_form(
            "/admin/users/invite",
            "/admin/users",
            &[
                ("email", "editor@magnetiq.test"),
                ("display_name", "Me again"),
                ("role", "editor"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(taken.status(), 422, "an address that has an account");

    let sent = app
        .post_form(
            "/admin/users/invite",
            "/admin/users",
            &[
                ("email", "Ben@Magnetiq.test"),
                ("display_name", "Ben Kraus"),
                ("role", "editor"),
                ("language", "de"),
            ],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let subject: String =
        magnetiq::db::sql("SELECT subject FROM outbox WHERE recipient = 'ben@magnetiq.test'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert!(subject.starts_with("Sie sind zu"), "German: {subject}");
    let users_page = app.page("/admin/users").await;
    assert_eq!(
        texts(&users_page, ".invitations-table tbody td:first-child"),
        vec!["ben@magnetiq.test"]
    );
    let link = mailed_link(&app, "ben@magnetiq.test", "invitation").await;
    assert!(link.starts_with("/admin/invitation/"), "{link}");
    let stored: String = magnetiq::db::sql("SELECT token_hash FROM user_invitations")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert!(!link.contains(&stored), "the token is stored hashed");

    let ben = browser(FIREFOX);
    let (page_status, page) = html_of(&ben, &app, &link).await;
    assert_eq!(page_status, 200);
    assert_eq!(texts(&page, ".invitee"), vec!["Ben Kraus"]);
    let common = post(
        &ben,
        &app,
        &link,
        &link,
        &[
            ("password", "password1234"),
            ("confirm_password", "password1234"),
        ],
    )
    .await;
    assert_eq!(common.status(), 422, "a common password");
    let html = Html::parse_document(&common.text().await.unwrap());
    assert!(texts(&html, "#password-error")[0].contains("uncommon words"));
    let ok = post(
        &ben,
        &app,
        &link,
        &link,
        &[
            ("password", "lantern orchard quietly"),
            ("confirm_password", "lantern orchard quietly"),
        ],
    )
    .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/admin");
    assert_eq!(status(&ben, &app, "/admin/pages").await, 200, "signed in");
    assert_eq!(
        status(&ben, &app, "/admin/users").await,
        403,
        "as an editor"
    );

    // Used: the link says so plainly, to anyone.
    let again = browser(SAFARI);
    let (used, html) = html_of(&again, &app, &link).await;
    assert_eq!(used, 410);
    assert_eq!(texts(&html, ".link-gone").len(), 1);
    assert_eq!(
        status(&again, &app, "/admin/invitation/not-a-token").await,
        404
    );
    assert!(
        app.page("/admin/users")
            .await
            .root_element()
            .html()
            .contains("ben@magnetiq.test")
    );
    let audit = audit_targets(&app).await;
    assert!(audit.contains("user-invited") && audit.contains("invitation-accepted"));
    let token = link.rsplit('/').next().unwrap();
    assert!(!audit.contains(token), "no token in the audit log");
}

#[tokio::test]
async fn invitations_expire_are_resent_and_revoked() {
    let app = TestApp::signed_in("admin").await;
    let invite = |email: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/admin/users/invite",
                "/admin/users",
                &[
                    ("email", email),
                    ("display_name", "Someone"),
                    ("role", "admin"),
                    ("language", "en"),
                ],
            )
            .await
        }
    };
    assert_eq!(invite("cleo@magnetiq.test").await.status(), 303);
    assert_eq!(
        invite("cleo@magnetiq.test").await.status(),
        422,
        "one open invitation per address"
    );
    let first = mailed_link(&app, "cleo@magnetiq.test", "invitation").await;
    let id: i64 = magnetiq::db::sql("SELECT id FROM user_invitations")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let resent = app
        .post_form(
            &format!("/admin/users/invitations/{id}/resend"),
            "/admin/users",
            &[],
        )
        .await;
    assert_eq!(resent.status(), 303);
    let second = mailed_link(&app, "cleo@magnetiq.test", "invitation").await;
    assert_ne!(first, second);
    let visitor = browser(FIREFOX);
    assert_eq!(status(&visitor, &app, &first).await, 410, "replaced");
    assert_eq!(status(&visitor, &app, &second).await, 200);

    // Out of date after 72 hours.
    magnetiq::db::sql("UPDATE user_invitations SET expires_at = $1 WHERE revoked_at IS NULL")
        .bind(time::OffsetDateTime::now_utc() - time::Duration::minutes(1))
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status(&visitor, &app, &second).await, 410, "expired");
    let listed = app.page("/admin/users").await;
    assert_eq!(
        texts(&listed, ".invitations-table .status-expired").len(),
        1
    );

    assert_eq!(invite("dora@magnetiq.test").await.status(), 303);
    let dora = mailed_link(&app, "dora@magnetiq.test", "invitation").await;
    let dora_id: i64 =
        magnetiq::db::sql("SELECT id FROM user_invitations WHERE email = 'dora@magnetiq.test'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    let revoked = app
        .post_form(
            &format!("/admin/users/invitations/{dora_id}/revoke"),
            "/admin/users",
            &[],
        )
        .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(status(&visitor, &app, &dora).await, 410, "withdrawn");
    // The admin, and the demo's two authors (inactive staff accounts).
    let users: i64 = magnetiq::db::sql("SELECT count(*) FROM users WHERE active")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(users, 1, "nobody joined");
}

/// The forgot-password page without its per-browser form token.
fn without_token(body: &str) -> String {
    let html = Html::parse_document(body);
    let main = scraper::Selector::parse("main").unwrap();
    html.select(&main)
        .next()
        .map(|m| m.html())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_forgotten_password_answers_the_same_for_known_and_unknown_addresses() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let login = app.page("/admin/login").await;
    assert_eq!(
        attrs(&login, "a.forgot-link", "href"),
        vec!["/admin/password/forgot"]
    );
    let ask = |email: &'static str| {
        let app = &app;
        async move {
            let client = browser(FIREFOX);
            let started = Instant::now();
            let r = post(
                &client,
                app,
                "/admin/password/forgot",
                "/admin/password/forgot",
                &[("email", email)],
            )
            .await;
            (
                r.status().as_u16(),
                r.text().await.unwrap(),
                started.elapsed(),
            )
        }
    };
    let (known_status, known_body, known_time) = ask("Anna@Magnetiq.test").await;
    let (unknown_status, unknown_body, unknown_time) = ask("nobody@magnetiq.test").await;
    assert_eq!((known_status, unknown_status), (200, 200));
    assert_eq!(without_token(&known_body), without_token(&unknown_body));
    // Both wait for the same floor; the work for a known address hides below it.
    assert!(known_time >= Duration::from_millis(300), "{known_time:?}");
    assert!(
        unknown_time >= Duration::from_millis(300),
        "{unknown_time:?}"
    );
    assert_eq!(mails(&app, "anna@magnetiq.test", "password-reset").await, 1);
    assert_eq!(
        mails(&app, "nobody@magnetiq.test", "password-reset").await,
        0
    );

    // Three links an hour per address; more requests answer the same and mail nothing.
    for _ in 0..3 {
        assert_eq!(ask("anna@magnetiq.test").await.0, 200);
    }
    assert_eq!(mails(&app, "anna@magnetiq.test", "password-reset").await, 3);

    // Anna is signed in elsewhere; the link ends that session and signs this browser in.
    let laptop = browser(FIREFOX);
    assert_eq!(
        password_step(&laptop, &app, "anna@magnetiq.test", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(status(&laptop, &app, "/admin").await, 200);
    let link = mailed_link(&app, "anna@magnetiq.test", "password-reset").await;
    let phone = browser(SAFARI);
    assert_eq!(status(&phone, &app, &link).await, 200);
    let short = post(
        &phone,
        &app,
        &link,
        &link,
        &[("password", "short"), ("confirm_password", "short")],
    )
    .await;
    assert_eq!(short.status(), 422);
    let done = post(
        &phone,
        &app,
        &link,
        &link,
        &[
            ("password", "violet harbour ninety"),
            ("confirm_password", "violet harbour ninety"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(status(&phone, &app, "/admin").await, 200, "signed in");
    assert_eq!(status(&laptop, &app, "/admin").await, 303, "signed out");
    assert_eq!(status(&phone, &app, &link).await, 410, "used");
    let older = {
        let rows: Vec<String> = magnetiq::db::sql(
            "SELECT body_text FROM outbox WHERE recipient = 'anna@magnetiq.test' AND purpose = 'password-reset' ORDER BY id",
        )
        .scalars(&app.state.db)
        .await
        .unwrap();
        let text = &rows[0];
        let start = text.find(crate::common::BASE_URL).unwrap();
        text[start..].split_whitespace().next().unwrap()[crate::common::BASE_URL.len()..].to_owned()
    };
    assert_eq!(
        status(&phone, &app, &older).await,
        410,
        "every link is void once the password changed"
    );
    let (_, signed_in) = app
        .login_in_new_browser("anna@magnetiq.test", "violet harbour ninety")
        .await;
    assert_eq!(signed_in.status(), 303);

    let audit = audit_targets(&app).await;
    assert!(audit.contains("password-reset-requested") && audit.contains("password-reset"));
    assert!(!audit.contains(link.rsplit('/').next().unwrap()));
    assert!(!audit.contains("violet harbour"));
}

#[tokio::test]
async fn reset_links_expire_and_die_with_a_password_change() {
    let app = TestApp::signed_in("admin").await;
    let id = app
        .create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    // An admin sends the link instead of typing a password.
    let sent = app
        .post_form(&format!("/admin/users/{id}/password"), "/admin/users", &[])
        .await;
    assert_eq!(sent.status(), 303);
    let link = mailed_link(&app, "anna@magnetiq.test", "password-reset").await;
    let visitor = browser(FIREFOX);
    assert_eq!(status(&visitor, &app, &link).await, 200);
    let hash = magnetiq::users::password::hash_password("another fine passphrase").unwrap();
    magnetiq::users::store::set_password(&app.state.db, id, &hash)
        .await
        .unwrap();
    assert_eq!(status(&visitor, &app, &link).await, 410, "password changed");

    app.post_form(&format!("/admin/users/{id}/password"), "/admin/users", &[])
        .await;
    let fresh = mailed_link(&app, "anna@magnetiq.test", "password-reset").await;
    magnetiq::db::sql("UPDATE password_resets SET expires_at = $1")
        .bind(time::OffsetDateTime::now_utc() - time::Duration::seconds(1))
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status(&visitor, &app, &fresh).await, 410, "an hour is over");
}

#[tokio::test]
async fn forgot_password_requests_are_throttled_per_client() {
    let app = TestApp::spawn().await;
    let client = browser(FIREFOX);
    let mut statuses = Vec::new();
    for i in 0..11 {
        let email = format!("person{i}@example.com");
        let r = post(
            &client,
            &app,
            "/admin/password/forgot",
            "/admin/password/forgot",
            &[("email", &email)],
        )
        .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[200; 10]);
    assert_eq!(statuses[10], 429);
}

/// Enrols the client's user in two-factor; returns the key the page showed and the recovery codes.
/// Sets up the second factor: the key, the recovery codes, and the code the enrolment used.
async fn enrol(client: &reqwest::Client, app: &TestApp) -> (String, Vec<String>, String) {
    let (s, page) = html_of(client, app, "/admin/account/security").await;
    assert_eq!(s, 200);
    let key = texts(&page, ".totp-key").remove(0);
    let qr = client
        .get(app.url("/admin/account/security/qr.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    let wrong = post(
        client,
        app,
        "/admin/account/security",
        "/admin/account/security/enable",
        &[("current_password", PASSWORD), ("code", "000000")],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let used = code(&key, 0);
    let right = post(
        client,
        app,
        "/admin/account/security",
        "/admin/account/security/enable",
        &[("current_password", PASSWORD), ("code", &used)],
    )
    .await;
    assert_eq!(right.status(), 200);
    let html = Html::parse_document(&right.text().await.unwrap());
    let codes = texts(&html, ".recovery-codes code");
    assert_eq!(codes.len(), 10);
    (key, codes, used)
}

#[tokio::test]
async fn two_factor_sign_in_takes_each_code_once() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let first = browser(FIREFOX);
    assert_eq!(
        password_step(&first, &app, "anna@magnetiq.test", PASSWORD)
            .await
            .status(),
        303
    );
    let (key, codes, enrolled_with) = enrol(&first, &app).await;
    let stored: Vec<String> = magnetiq::db::sql("SELECT code_hash FROM user_recovery_codes")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    assert!(codes.iter().all(|c| !stored.contains(c)), "stored hashed");

    // The password alone no longer signs in.
    let second = browser(SAFARI);
    let step = password_step(&second, &app, "anna@magnetiq.test", PASSWORD).await;
    assert_eq!(location(&step), "/admin/login/code");
    assert_eq!(status(&second, &app, "/admin").await, 303, "not yet");
    // The code used to enrol cannot be replayed (the very code, not the current step's: a step may
    // have begun since); the next one works once.
    let replayed = post(
        &second,
        &app,
        "/admin/login/code",
        "/admin/login/code",
        &[("code", &enrolled_with)],
    )
    .await;
    assert_eq!(replayed.status(), 422);
    let next_code = code(&key, 1);
    let ok = post(
        &second,
        &app,
        "/admin/login/code",
        "/admin/login/code",
        &[("code", &next_code)],
    )
    .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(status(&second, &app, "/admin").await, 200);
    let third = browser(FIREFOX);
    password_step(&third, &app, "anna@magnetiq.test", PASSWORD).await;
    let again = post(
        &third,
        &app,
        "/admin/login/code",
        "/admin/login/code",
        &[("code", &next_code)],
    )
    .await;
    assert_eq!(again.status(), 422, "a used code is refused");

    // A recovery code, once.
    let recovered = post(
        &third,
        &app,
        "/admin/login/code",
        "/admin/login/code",
        &[("code", &codes[3].to_uppercase())],
    )
    .await;
    assert_eq!(recovered.status(), 303);
    assert_eq!(status(&third, &app, "/admin").await, 200);
    let fourth = browser(FIREFOX);
    password_step(&fourth, &app, "anna@magnetiq.test", PASSWORD).await;
    let reused = post(
        &fourth,
        &app,
        "/admin/login/code",
        "/admin/login/code",
        &[("code", &codes[3])],
    )
    .await;
    assert_eq!(reused.status(), 422);
    let (_, page) = html_of(&third, &app, "/admin/account/security").await;
    assert_eq!(texts(&page, ".codes-left"), vec!["9"]);

    // Guesses are throttled like passwords.
    let guesser = browser(FIREFOX);
    password_step(&guesser, &app, "anna@magnetiq.test", PASSWORD).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = post(
            &guesser,
            &app,
            "/admin/login/code",
            "/admin/login/code",
            &[("code", "123456")],
        )
        .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let audit = audit_targets(&app).await;
    assert!(audit.contains("two-factor-enabled") && audit.contains("login-recovery-code"));
    assert!(!audit.contains(&next_code) && !audit.contains(&codes[3]));
}

#[tokio::test]
async fn a_site_that_requires_two_factor_sends_editors_to_set_it_up() {
    let app = TestApp::signed_in("admin").await;
    let editor = app
        .create_user("ben@magnetiq.test", "editor", PASSWORD)
        .await;
    let policy = app
        .post_form(
            "/admin/users/two-factor",
            "/admin/users",
            &[("required", "on")],
        )
        .await;
    assert_eq!(policy.status(), 303);
    let ben = browser(FIREFOX);
    let signed = password_step(&ben, &app, "ben@magnetiq.test", PASSWORD).await;
    assert_eq!(location(&signed), "/admin/account/security");
    let elsewhere = ben.get(app.url("/admin/pages")).send().await.unwrap();
    assert_eq!(elsewhere.status(), 303);
    assert_eq!(location(&elsewhere), "/admin/account/security");
    let (key, _, _) = enrol(&ben, &app).await;
    assert_eq!(status(&ben, &app, "/admin/pages").await, 200, "enrolled");
    let off = post(
        &ben,
        &app,
        "/admin/account/security",
        "/admin/account/security/disable",
        &[("current_password", PASSWORD)],
    )
    .await;
    assert_eq!(off.status(), 422, "required: it stays on");
    let _ = key;

    // An admin resets Ben's two-factor (lost phone): he sets it up again at the next sign-in.
    let reset = app
        .post_form(
            &format!("/admin/users/{editor}/two-factor/reset"),
            "/admin/users",
            &[],
        )
        .await;
    assert_eq!(reset.status(), 303);
    let left: i64 = magnetiq::db::sql(
        "SELECT (SELECT count(*) FROM user_totp) + (SELECT count(*) FROM user_recovery_codes)",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let again = browser(SAFARI);
    let signed = password_step(&again, &app, "ben@magnetiq.test", PASSWORD).await;
    assert_eq!(location(&signed), "/admin/account/security");
}

#[tokio::test]
async fn people_see_and_end_their_own_sessions_and_admins_anyones() {
    let app = TestApp::signed_in("admin").await;
    let ben_id = app
        .create_user("ben@magnetiq.test", "editor", PASSWORD)
        .await;
    let laptop = browser(FIREFOX);
    let phone = browser(SAFARI);
    let tablet = browser(SAFARI);
    for client in [&laptop, &phone, &tablet] {
        password_step(client, &app, "ben@magnetiq.test", PASSWORD).await;
    }
    let (_, page) = html_of(&laptop, &app, "/admin/account/sessions").await;
    let rows = texts(&page, ".sessions-table tbody tr td:first-child");
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Firefox · Windows") && r.contains("(this browser)")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("Safari · iOS")),
        "{rows:?}"
    );
    let handles = attrs(&page, ".sessions-table tbody tr", "data-session");
    let this_one = attrs(
        &page,
        ".sessions-table tbody tr:has(.this-browser)",
        "data-session",
    )
    .remove(0);
    let other = handles.iter().find(|h| **h != this_one).unwrap().clone();
    let ended = post(
        &laptop,
        &app,
        "/admin/account/sessions",
        "/admin/account/sessions/end",
        &[("session", &other)],
    )
    .await;
    assert_eq!(ended.status(), 303);
    let alive = [
        status(&phone, &app, "/admin").await,
        status(&tablet, &app, "/admin").await,
    ];
    assert_eq!(alive.iter().filter(|s| **s == 303).count(), 1, "{alive:?}");
    let everywhere = post(
        &laptop,
        &app,
        "/admin/account/sessions",
        "/admin/account/sessions/end-others",
        &[],
    )
    .await;
    assert_eq!(everywhere.status(), 303);
    assert_eq!(status(&phone, &app, "/admin").await, 303);
    assert_eq!(status(&tablet, &app, "/admin").await, 303);
    assert_eq!(status(&laptop, &app, "/admin").await, 200, "this one stays");

    // Someone else's session cannot be named from one's own page.
    let admin_handles = attrs(
        &app.page("/admin/account/sessions").await,
        ".sessions-table tbody tr",
        "data-session",
    );
    let foreign = post(
        &laptop,
        &app,
        "/admin/account/sessions",
        "/admin/account/sessions/end",
        &[("session", &admin_handles[0])],
    )
    .await;
    assert_eq!(foreign.status(), 404);

    // The admin ends Ben's last session from his user page.
    let user_page = app.page(&format!("/admin/users/{ben_id}")).await;
    let listed = attrs(&user_page, ".sessions-table tbody tr", "data-session");
    assert_eq!(listed.len(), 1);
    let r = app
        .post_form(
            &format!("/admin/users/{ben_id}/sessions/end"),
            "/admin/users",
            &[("session", &listed[0])],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(&laptop, &app, "/admin").await, 303);
    let audit = audit_targets(&app).await;
    assert!(audit.contains("session-ended") && audit.contains("sessions-ended"));
}

#[tokio::test]
async fn the_password_rule_holds_wherever_a_password_is_set() {
    let app = TestApp::signed_in("editor").await;
    let common = app
        .post_form(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "qwertyuiop123"),
                ("confirm_password", "qwertyuiop123"),
            ],
        )
        .await;
    assert_eq!(common.status(), 422);
    let html = Html::parse_document(&common.text().await.unwrap());
    assert!(texts(&html, "#new-error")[0].contains("uncommon words"));
    let own_address = app
        .post_form(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "editor@magnetiq.test"),
                ("confirm_password", "editor@magnetiq.test"),
            ],
        )
        .await;
    assert_eq!(own_address.status(), 422, "one's own address");
}

#[tokio::test]
async fn deleting_a_user_takes_their_tokens_codes_and_sessions_along() {
    let app = TestApp::signed_in("admin").await;
    let ben_id = app
        .create_user("ben@magnetiq.test", "editor", PASSWORD)
        .await;
    let ben = browser(FIREFOX);
    password_step(&ben, &app, "ben@magnetiq.test", PASSWORD).await;
    enrol(&ben, &app).await;
    app.post_form(
        &format!("/admin/users/{ben_id}/password"),
        "/admin/users",
        &[],
    )
    .await;
    let unconfirmed = app
        .post_form(
            &format!("/admin/users/{ben_id}/delete"),
            "/admin/users",
            &[],
        )
        .await;
    assert_eq!(unconfirmed.status(), 303);
    assert_eq!(
        status(&ben, &app, "/admin").await,
        200,
        "not without the tick"
    );
    let deleted = app
        .post_form(
            &format!("/admin/users/{ben_id}/delete"),
            "/admin/users",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    for table in [
        "admin_sessions",
        "password_resets",
        "user_totp",
        "user_recovery_codes",
    ] {
        let left: i64 = magnetiq::db::Sql::assembled(format!(
            "SELECT count(*) FROM {table} WHERE user_id = {ben_id}"
        ))
        .scalar(&app.state.db)
        .await
        .unwrap();
        assert_eq!(left, 0, "{table}");
    }
    assert_eq!(status(&ben, &app, "/admin").await, 303);
    let me: i64 = magnetiq::db::sql("SELECT id FROM users")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let own = app
        .post_form(
            &format!("/admin/users/{me}/delete"),
            "/admin/users",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(own.status(), 303);
    assert_eq!(app.get("/admin/users").await.status(), 200, "still there");
}

#[tokio::test]
async fn a_lone_admin_who_lost_the_phone_resets_two_factor_from_the_command_line() {
    let app = TestApp::spawn().await;
    let id = app
        .create_user("boss@magnetiq.test", "admin", PASSWORD)
        .await;
    let secret = magnetiq::auth::two_factor::new_secret().unwrap();
    magnetiq::auth::two_factor::enable(&app.state.db, id, &secret, 1, &[])
        .await
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_magnetiq"))
        .args(["reset-two-factor", "--email", "Boss@Magnetiq.test"])
        .env("MAGNETIQ_DATA_DIR", app.state.config.data_dir.as_os_str())
        .env("MAGNETIQ_DATABASE_URL", &app.state.config.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        magnetiq::auth::two_factor::secret(&app.state.db, id)
            .await
            .unwrap()
            .is_none()
    );
    let (_, signed_in) = app
        .login_in_new_browser("boss@magnetiq.test", PASSWORD)
        .await;
    assert_eq!(location(&signed_in), "/admin", "the password alone again");
    assert!(audit_targets(&app).await.contains("two-factor-reset"));
}

#[tokio::test]
async fn editors_cannot_reach_any_account_admin_route() {
    let app = TestApp::signed_in("editor").await;
    // Invitations, reset links, settings turned on and mails: what an admin route would change.
    async fn changes(app: &TestApp) -> i64 {
        magnetiq::db::sql(
            "SELECT (SELECT count(*) FROM user_invitations) + (SELECT count(*) FROM password_resets)
                  + (SELECT count(*) FROM site_settings WHERE value <> 'off' AND name <> 'languages') + (SELECT count(*) FROM outbox)",
        )
        .scalar(&app.state.db)
        .await
        .unwrap()
    }
    let before = changes(&app).await;
    let other = app
        .create_user("ben@magnetiq.test", "editor", PASSWORD)
        .await;
    let routes = [
        "/admin/users/invite".to_owned(),
        "/admin/users/two-factor".to_owned(),
        "/admin/users/review".to_owned(),
        "/admin/users/invitations/1/resend".to_owned(),
        "/admin/users/invitations/1/revoke".to_owned(),
        format!("/admin/users/{other}/password"),
        format!("/admin/users/{other}/two-factor/reset"),
        format!("/admin/users/{other}/sessions/end"),
        format!("/admin/users/{other}/delete"),
    ];
    for path in &routes {
        let r = app
            .post_form(
                path,
                "/admin/account/sessions",
                &[
                    ("email", "mole@example.com"),
                    ("display_name", "Mole"),
                    ("role", "admin"),
                    ("language", "en"),
                    ("required", "on"),
                    ("confirm", "yes"),
                    ("session", "x"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403, "{path}");
    }
    assert_eq!(changes(&app).await, before);
    assert_eq!(
        app.get(&format!("/admin/users/{other}")).await.status(),
        403
    );
}

#[tokio::test]
async fn ended_invitations_and_expired_reset_links_are_deleted_by_the_server_itself() {
    let app = TestApp::signed_in("admin").await;
    for email in ["old@example.com", "recent@example.com", "open@example.com"] {
        let r = app
            .post_form(
                "/admin/users/invite",
                "/admin/users",
                &[
                    ("email", email),
                    ("display_name", "X"),
                    ("role", "editor"),
                    ("language", "en"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    let now = time::OffsetDateTime::now_utc();
    let days_ago = |d: i64| now - time::Duration::days(d);
    // Withdrawn 31 days ago, expired 10 days ago, still open.
    magnetiq::db::sql(
        "UPDATE user_invitations SET revoked_at = $1 WHERE email = 'old@example.com'",
    )
    .bind(days_ago(31))
    .execute(&app.state.db)
    .await
    .unwrap();
    magnetiq::db::sql(
        "UPDATE user_invitations SET expires_at = $1 WHERE email = 'recent@example.com'",
    )
    .bind(days_ago(10))
    .execute(&app.state.db)
    .await
    .unwrap();
    let me: i64 = magnetiq::db::sql("SELECT id FROM users")
        .scalar(&app.state.db)
        .await
        .unwrap();
    for (hash, expired) in [("a", days_ago(2)), ("b", now - time::Duration::hours(2))] {
        magnetiq::db::sql(
            "INSERT INTO password_resets (token_hash, user_id, password_fingerprint, created_at, expires_at)
             VALUES ($1, $2, 'f', $3, $3)",
        )
        .bind(hash)
        .bind(me)
        .bind(expired)
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    let deleted = magnetiq::people::retention::run_once(
        &app.state.db,
        app.state.config.retention,
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        (deleted.ended_invitations, deleted.expired_reset_links),
        (1, 1)
    );
    let mut left: Vec<String> = magnetiq::db::sql("SELECT email FROM user_invitations")
        .scalars(&app.state.db)
        .await
        .unwrap();
    left.sort();
    assert_eq!(left, ["open@example.com", "recent@example.com"]);
    let links: Vec<String> = magnetiq::db::sql("SELECT token_hash FROM password_resets")
        .scalars(&app.state.db)
        .await
        .unwrap();
    assert_eq!(links, ["b"]);
    assert!(
        audit_targets(&app)
            .await
            .contains("1 ended invitations, 1 expired password links")
    );
}

#[tokio::test]
async fn session_ids_are_stored_only_as_hashes() {
    let app = TestApp::spawn().await;
    let id = app
        .create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let browser = magnetiq::auth::sessions::Browser {
        ip: "127.0.0.1",
        user_agent: FIREFOX,
    };
    let session = magnetiq::auth::sessions::create(&app.state.db, id, &browser, false)
        .await
        .unwrap();
    let plain: i64 = magnetiq::db::sql("SELECT count(*) FROM admin_sessions WHERE id = $1")
        .bind(session.as_str())
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(plain, 0, "the cookie's id is not in the table");
    let found = magnetiq::auth::sessions::find(&app.state.db, &session)
        .await
        .unwrap();
    assert_eq!(found.map(|s| s.user.id), Some(id));
    magnetiq::auth::sessions::delete(&app.state.db, &session)
        .await
        .unwrap();
    assert!(
        magnetiq::auth::sessions::find(&app.state.db, &session)
            .await
            .unwrap()
            .is_none()
    );
}
