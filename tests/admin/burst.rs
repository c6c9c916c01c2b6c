//! Sign-ins as an attacker's script sends them: fifty at once, against the real binary in a process
//! of its own, so its memory can be read. The throttle holds under the burst, and the password
//! hashes that do run never take more than a few at a time.
use std::process::Command;

use crate::common::process::{Server, data_dir};
use crate::common::{PASSWORD, TestDatabase, attrs, postgres_server};

const BURST: usize = 50;

fn create_user(dir: &std::path::Path, url: Option<&str>, email: &str) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_magnetiq"));
    command
        .args(["create-user", "--email", email, "--role", "admin"])
        .env("MAGNETIQ_DATA_DIR", dir)
        .env("MAGNETIQ_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .env_remove("MAGNETIQ_DATABASE_URL");
    if let Some(url) = url {
        command.env("MAGNETIQ_DATABASE_URL", url);
    }
    assert!(command.status().unwrap().success());
}

/// A browser with the sign-in form's token.
async fn login_client(server: &Server) -> (reqwest::Client, String) {
    magnetiq::app::install_tls_provider();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(server.url("/admin/login")).send().await.unwrap();
    let html = scraper::Html::parse_document(&form.text().await.unwrap());
    let token = attrs(&html, "input[name=csrf_token]", "value").remove(0);
    (client, token)
}

/// One sign-in attempt; its status.
async fn sign_in(
    client: reqwest::Client,
    url: String,
    token: String,
    email: String,
    password: String,
) -> u16 {
    client
        .post(url)
        .form(&[
            ("email", email.as_str()),
            ("password", password.as_str()),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// `BURST` attempts at once, the `i`th with `who(i)`'s address and password; their statuses.
async fn burst(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    who: impl Fn(usize) -> (String, String),
) -> Vec<u16> {
    let attempts: Vec<_> = (0..BURST)
        .map(|i| {
            let (email, password) = who(i);
            tokio::spawn(sign_in(
                client.clone(),
                server.url("/admin/login"),
                token.to_owned(),
                email,
                password,
            ))
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn fifty_parallel_guesses_evaluate_at_most_the_limit_and_memory_stays_bounded() {
    let database = match postgres_server() {
        Some(server) => Some(TestDatabase::create(&server).await),
        None => None,
    };
    let url = database.as_ref().map(|d| d.url.clone());
    let (_dir, path) = data_dir();
    let server = {
        let (path, url) = (path.clone(), url.clone());
        tokio::task::spawn_blocking(move || Server::start(&path, url.as_deref(), &[]))
            .await
            .unwrap()
    };
    create_user(&path, url.as_deref(), "anna@magnetiq.test");
    let (client, token) = login_client(&server).await;
    let before = server.peak_memory();

    // Fifty wrong passwords for one account, all at once.
    let statuses = burst(&client, &server, &token, |i| {
        (
            "anna@magnetiq.test".into(),
            format!("wrong guess number {i}"),
        )
    })
    .await;
    let evaluated = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        evaluated <= 5 && evaluated + refused == BURST,
        "at most the limit evaluated, the rest 429: {statuses:?}"
    );
    // The right password now waits for the pause like any other.
    assert_eq!(
        sign_in(
            client.clone(),
            server.url("/admin/login"),
            token.clone(),
            "anna@magnetiq.test".into(),
            PASSWORD.into()
        )
        .await,
        429
    );

    eprintln!(
        "peak after one account's burst: {} MiB",
        server.peak_memory() >> 20
    );
    // Fifty different addresses at once: each account is fresh, so only the hashing threads
    // (and the client's own count) stand between the burst and fifty 7 MiB hashes.
    let (other, other_token) = login_client(&server).await;
    let statuses = burst(&other, &server, &other_token, |i| {
        (
            format!("person{i}@example.com"),
            "not anybody's password".into(),
        )
    })
    .await;
    assert!(
        statuses.iter().all(|s| *s == 422 || *s == 429),
        "{statuses:?}"
    );

    let peak = server.peak_memory();
    eprintln!(
        "peak memory: {} MiB before the bursts, {} MiB after",
        before >> 20,
        peak >> 20
    );
    assert!(
        peak < 200 << 20,
        "peak resident memory {} MiB: password hashes ran unbounded",
        peak >> 20
    );
}
