use crate::common::{PASSWORD, TestApp, attrs, location, texts};

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("magnetiq_session="))
        .map(str::to_owned)
}

#[tokio::test]
async fn admin_pages_send_visitors_to_the_login_page_and_back() {
    let app = TestApp::spawn().await;
    let response = app.get("/admin").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin/login?next=/admin");
    assert_eq!(response.headers()["cache-control"], "no-store");

    let form = app.get("/admin/login?next=/admin").await;
    assert_eq!(form.status(), 200);
    assert_eq!(form.headers()["cache-control"], "no-store");
    let cookie = session_cookie(&form).expect("login form sets the session cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Path=/admin"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
}

#[tokio::test]
async fn an_editor_signs_in_gets_a_new_session_and_sees_the_dashboard() {
    let app = TestApp::spawn().await;
    app.create_user("Anna@Magnetiq.test", "editor", PASSWORD)
        .await;
    let form = app.get("/admin/login").await;
    let before = session_cookie(&form).unwrap();
    let html = scraper::Html::parse_document(&form.text().await.unwrap());
    let token = attrs(&html, "input[name=csrf_token]", "value").remove(0);

    let response = app
        .client
        .post(app.url("/admin/login"))
        .form(&[
            ("email", "anna@magnetiq.test"),
            ("password", PASSWORD),
            ("csrf_token", &token),
            ("next", "/admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin");
    let after = session_cookie(&response).expect("login sets a new cookie");
    assert_ne!(
        before.split(';').next(),
        after.split(';').next(),
        "session renewed at login"
    );

    let dashboard = app.get("/admin").await;
    assert_eq!(dashboard.status(), 200);
    let html = scraper::Html::parse_document(&dashboard.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Dashboard"]);
    // The demo has an English-only page: the dashboard says which translation is missing.
    assert!(
        texts(&html, ".untranslated li")
            .iter()
            .any(|t| t.contains("Cloud consulting") && t.contains("DE"))
    );
    // The audit log, failed sign-ins among it, is for admins only.
    assert!(texts(&html, ".recent-changes td").is_empty());
}

#[tokio::test]
async fn a_hash_made_with_older_parameters_is_made_again_at_the_next_sign_in() {
    use argon2::password_hash::PasswordHasher;
    let app = TestApp::spawn().await;
    let id = app
        .create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    // As stored before the parameters changed: 19 MiB, 2 passes.
    let old = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(19 * 1024, 2, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    magnetiq::users::store::set_password(&app.state.db, id, &old)
        .await
        .unwrap();
    let stored = || magnetiq::users::store::password_hash(&app.state.db, id);

    let wrong = app
        .login("anna@magnetiq.test", "not the password at all")
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(
        stored().await.unwrap().unwrap(),
        old,
        "a wrong password changes nothing"
    );

    let right = app.login("anna@magnetiq.test", PASSWORD).await;
    assert_eq!(right.status(), 303);
    let new = stored().await.unwrap().unwrap();
    assert!(new.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{new}");
    assert!(magnetiq::users::password::verify_password(PASSWORD, &new));
    assert_eq!(app.get("/admin").await.status(), 200, "signed in");

    // The new hash is the one the next sign-in checks, and it stays.
    let (_, again) = app
        .login_in_new_browser("anna@magnetiq.test", PASSWORD)
        .await;
    assert_eq!(again.status(), 303);
    assert_eq!(stored().await.unwrap().unwrap(), new);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let wrong = app
        .login("anna@magnetiq.test", "not the password at all")
        .await;
    assert_eq!(wrong.status(), 422);
    let wrong_body = scraper::Html::parse_document(&wrong.text().await.unwrap());
    let unknown = app
        .login("nobody@magnetiq.test", "not the password at all")
        .await;
    assert_eq!(unknown.status(), 422);
    let unknown_body = scraper::Html::parse_document(&unknown.text().await.unwrap());
    assert_eq!(
        texts(&wrong_body, ".form-error"),
        texts(&unknown_body, ".form-error")
    );
    // The typed address is kept, the password is not.
    assert_eq!(
        attrs(&wrong_body, "input[name=email]", "value"),
        vec!["anna@magnetiq.test"]
    );
    assert_eq!(
        attrs(&wrong_body, "input[name=password]", "value"),
        Vec::<String>::new()
    );
    assert_eq!(app.get("/admin").await.status(), 303, "still signed out");
}

#[tokio::test]
async fn login_without_the_form_token_is_refused() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "admin", PASSWORD)
        .await;
    let _ = app.get("/admin/login").await;
    let response = app
        .client
        .post(app.url("/admin/login"))
        .form(&[
            ("email", "anna@magnetiq.test"),
            ("password", PASSWORD),
            ("csrf_token", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(app.get("/admin").await.status(), 303);
}

#[tokio::test]
async fn login_redirects_only_inside_the_site() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let token = app.csrf_token("/admin/login").await;
    let response = app
        .client
        .post(app.url("/admin/login"))
        .form(&[
            ("email", "anna@magnetiq.test"),
            ("password", PASSWORD),
            ("csrf_token", &token),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/admin");
}

#[tokio::test]
async fn logout_makes_a_kept_copy_of_the_cookie_worthless() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    let login = app.login("anna@magnetiq.test", PASSWORD).await;
    let stolen = session_cookie(&login).unwrap();
    let stolen = stolen.split(';').next().unwrap().to_owned();

    let logout = app.post_form("/admin/logout", "/admin", &[]).await;
    assert_eq!(logout.status(), 303);
    assert_eq!(location(&logout), "/admin/login");

    // Someone replays the cookie from before the logout.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = replay
        .get(app.url("/admin"))
        .header("Cookie", &stolen)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/admin/login"));
}

#[tokio::test]
async fn logout_without_a_valid_csrf_token_changes_nothing() {
    let app = TestApp::signed_in("editor").await;
    let forged = app
        .client
        .post(app.url("/admin/logout"))
        .form(&[("csrf_token", "0000")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let missing = app
        .client
        .post(app.url("/admin/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 403);
    let token = app.csrf_token("/admin").await;
    let cross_site = app
        .client
        .post(app.url("/admin/logout"))
        .header("Origin", "https://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(app.get("/admin").await.status(), 200, "still signed in");
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_on_the_next_request() {
    let app = TestApp::signed_in("editor").await;
    assert_eq!(app.get("/admin").await.status(), 200);
    magnetiq::db::sql("UPDATE users SET active = FALSE")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(app.get("/admin").await.status(), 303);
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::signed_in("editor").await;
    magnetiq::db::sql("UPDATE admin_sessions SET last_seen_at = '2020-01-01T00:00:00Z'")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(app.get("/admin").await.status(), 303);
    let left: i64 = magnetiq::db::sql("SELECT count(*) FROM admin_sessions")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(left, 0, "the expired session is deleted");
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_a_retry_time_while_others_are_served() {
    let app = TestApp::spawn().await;
    app.create_user("anna@magnetiq.test", "editor", PASSWORD)
        .await;
    for _ in 0..5 {
        assert_eq!(
            app.login("anna@magnetiq.test", "wrong password here")
                .await
                .status(),
            422
        );
    }
    let throttled = app.login("anna@magnetiq.test", PASSWORD).await;
    assert_eq!(throttled.status(), 429);
    let retry: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let html = scraper::Html::parse_document(&throttled.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Too many requests"]);
    // The public site answers everyone meanwhile.
    assert_eq!(app.get("/en/").await.status(), 200);
    // The attempts are in the audit log.
    let failed: i64 =
        magnetiq::db::sql("SELECT count(*) FROM audit_log WHERE action = 'login-failed'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(failed, 5);
}

#[tokio::test]
async fn the_editor_chooses_the_admin_language() {
    let app = TestApp::signed_in("editor").await;
    let switch = app.get("/admin/language/de?next=/admin").await;
    assert_eq!(switch.status(), 303);
    assert_eq!(location(&switch), "/admin");
    let html = scraper::Html::parse_document(&app.get("/admin").await.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["Übersicht"]);
    assert_eq!(attrs(&html, "html", "lang"), vec!["de"]);
}

#[tokio::test]
async fn strangers_guessing_a_password_do_not_lock_the_owner_out_of_their_usual_browser() {
    let app = TestApp::spawn().await;
    app.create_user("owner@magnetiq.test", "admin", PASSWORD)
        .await;
    // The owner signed in from this browser before: it is a known device now.
    let (owner, response) = app
        .login_in_new_browser("owner@magnetiq.test", PASSWORD)
        .await;
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("mq_device="))
        .expect("a device cookie");
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin",
        "Max-Age=31536000",
    ] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    let logout_token = {
        let html = scraper::Html::parse_document(
            &owner
                .get(app.url("/admin"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        attrs(&html, "input[name=csrf_token]", "value").remove(0)
    };
    owner
        .post(app.url("/admin/logout"))
        .form(&[("csrf_token", logout_token.as_str())])
        .send()
        .await
        .unwrap();

    // An attack from one client: the account pauses for every unknown browser.
    for _ in 0..8 {
        app.login("owner@magnetiq.test", "guess").await;
    }
    assert_eq!(
        app.login("owner@magnetiq.test", PASSWORD).await.status(),
        429
    );
    let (_, stranger) = app
        .login_in_new_browser("owner@magnetiq.test", PASSWORD)
        .await;
    assert_eq!(stranger.status(), 429, "a new browser is still throttled");

    // The owner's usual browser signs in during the attack.
    let sign_in = |client: reqwest::Client, password: &'static str| {
        let app = &app;
        async move {
            let page = client
                .get(app.url("/admin/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let token = attrs(
                &scraper::Html::parse_document(&page),
                "input[name=csrf_token]",
                "value",
            )
            .remove(0);
            client
                .post(app.url("/admin/login"))
                .form(&[
                    ("email", "owner@magnetiq.test"),
                    ("password", password),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(sign_in(owner.clone(), PASSWORD).await, 303);

    // A device's own failures pause that device only.
    for _ in 0..5 {
        assert_eq!(sign_in(owner.clone(), "typo").await, 422);
    }
    assert_eq!(sign_in(owner.clone(), PASSWORD).await, 429);

    // A device cookie altered (another device id under the signature) is an unknown browser.
    let value = cookie
        .trim_start_matches("mq_device=")
        .split(';')
        .next()
        .unwrap();
    let forged = format!("{}{}", &value[..value.len() - 4], "abcd");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("mq_device={forged}; Path=/admin"),
        &app.url("/admin/login").parse().unwrap(),
    );
    let forger = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(sign_in(forger, PASSWORD).await, 429);
}
