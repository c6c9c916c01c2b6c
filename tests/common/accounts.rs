//! Reading what the accounts feature mailed, and computing an authenticator's codes.
use scraper::Html;

use super::TestApp;

/// The link (below the site) in the newest mail of `purpose` to `email`.
pub async fn mailed_link(app: &TestApp, email: &str, purpose: &str) -> String {
    let text: String = magnetiq::db::sql(
        "SELECT body_text FROM outbox WHERE recipient = $1 AND purpose = $2 ORDER BY id DESC",
    )
    .bind(email)
    .bind(purpose)
    .scalar(&app.state.db)
    .await
    .unwrap_or_else(|e| panic!("no {purpose} mail to {email}: {e}"));
    let start = text.find(super::BASE_URL).expect("a link in the mail");
    let url = text[start..].split_whitespace().next().unwrap();
    url.strip_prefix(super::BASE_URL).unwrap().to_owned()
}

/// How many mails of `purpose` went to `email`.
pub async fn mails(app: &TestApp, email: &str, purpose: &str) -> i64 {
    magnetiq::db::sql("SELECT count(*) FROM outbox WHERE recipient = $1 AND purpose = $2")
        .bind(email)
        .bind(purpose)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

/// The code an authenticator with `key` (as the security page shows it, in groups) shows
/// `offset_steps` time steps from now.
pub fn code(key: &str, offset_steps: i64) -> String {
    let secret: String = key.split_whitespace().collect();
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + offset_steps * 30;
    magnetiq::auth::two_factor::code_at(&secret, now as u64).unwrap()
}

/// A browser of its own: cookies, no redirects followed, and a user agent.
pub fn browser(user_agent: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .unwrap()
}

pub async fn html_of(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, Html) {
    let r = client.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, Html::parse_document(&r.text().await.unwrap()))
}

/// POSTs `fields` to `path` from `client`, with the CSRF token of the form on `token_page`.
pub async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    token_page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, html) = html_of(client, app, token_page).await;
    let token = super::attrs(&html, "input[name=csrf_token]", "value")
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    client.post(app.url(path)).form(&all).send().await.unwrap()
}
