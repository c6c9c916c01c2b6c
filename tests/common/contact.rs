//! Contact messages and newsletter sign-ups as a visitor's browser sends them: the form token
//! from a page made for the visitor (the cached pages' forms carry none), and the browser's
//! `Origin` with every POST.
use super::{TestApp, attrs};

/// The visitor's form token (the newsletter page is made per visitor; the token works for every
/// public form).
pub async fn token(app: &TestApp, client: &reqwest::Client) -> String {
    let html = client
        .get(app.url("/en/newsletter/subscribe"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    attrs(
        &scraper::Html::parse_document(&html),
        "main form input[name=csrf_token]",
        "value",
    )
    .remove(0)
}

/// A complete contact message from the demo contact page.
pub fn message<'a>(token: &'a str, name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", token),
        ("page", "contact"),
        ("name", name),
        ("email", email),
        ("company", "Example GmbH"),
        ("phone", "+49 30 1234"),
        ("topic", "A project enquiry"),
        ("message", "We would like to talk about a RAG pilot."),
        ("consent", "yes"),
    ]
}

/// Posts `fields` to `path` as the browser would (with its `Origin`).
pub async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("origin", app.url(""))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// A newsletter sign-up.
pub fn sign_up<'a>(token: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("csrf_token", token), ("email", email), ("consent", "yes")]
}

/// The newest confirmation link mailed to `email` (as the mail shows it), below the site.
pub async fn confirmation_link(app: &TestApp, email: &str) -> String {
    let text: String = magnetiq::db::sql(
        "SELECT body_text FROM outbox WHERE recipient = $1 AND purpose = 'newsletter-confirm' ORDER BY id DESC",
    )
    .bind(email)
    .scalar(&app.state.db)
    .await
    .unwrap();
    link_in(&text, "/newsletter/confirm/")
}

/// The one-click unsubscribe address of the newest mail to `email` (its List-Unsubscribe).
pub async fn unsubscribe_link(app: &TestApp, email: &str) -> String {
    let url: String = magnetiq::db::sql(
        "SELECT list_unsubscribe FROM outbox WHERE recipient = $1 AND list_unsubscribe IS NOT NULL ORDER BY id DESC",
    )
    .bind(email)
    .scalar(&app.state.db)
    .await
    .unwrap();
    url.strip_prefix(super::BASE_URL).unwrap().to_owned()
}

fn link_in(text: &str, marker: &str) -> String {
    let start = text.find(super::BASE_URL).unwrap_or(0);
    let found = text[start..]
        .split_whitespace()
        .find(|w| w.contains(marker))
        .unwrap_or_else(|| panic!("no {marker} link in {text}"));
    let url = found.trim_end_matches(['.', ')', '>']);
    url.strip_prefix(super::BASE_URL).unwrap_or(url).to_owned()
}
