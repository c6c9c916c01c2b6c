//! Reading what the accounts feature mailed, and computing an authenticator's codes.
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
