//! The demo's built form ("Ask for a proposal" on the services page) as a visitor's browser sends
//! it, and the inbox's rows as an editor reads them.
use super::{TestApp, attrs};

/// The address the built form on `/{lang}/services` (or `/de/leistungen`) posts to.
pub async fn proposal_action(app: &TestApp, client: &reqwest::Client, page: &str) -> String {
    let html = client
        .get(app.url(page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    attrs(
        &scraper::Html::parse_document(&html),
        "form.built-form",
        "action",
    )
    .into_iter()
    .next()
    .unwrap_or_else(|| panic!("no built form on {page}"))
}

/// A complete proposal request: name, address, team size (the second option), one interest, a
/// plan, the consent; change entries to test mistakes.
pub fn proposal<'a>(name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("page", "services"),
        ("f0", name),
        ("f1", email),
        ("f2", "Example GmbH"),
        ("f3", "1"),
        ("f4_0", "yes"),
        ("f5", "A forecasting pilot for our sales team."),
        ("f6", "yes"),
    ]
}

/// Sends `fields` to the built form at `action` as a browser would (with its `Origin`), as every
/// form on a cached page is sent.
pub async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    super::contact::post(app, client, action, fields).await
}

/// The inbox rows on `path` (`/admin/leads?…`): (lead id, path, status) in the order shown.
pub async fn inbox(app: &TestApp, path: &str) -> Vec<(i64, String, String)> {
    let html = app.page(path).await;
    let ids = attrs(&html, "tr[data-lead-id]", "data-lead-id");
    let paths = attrs(&html, "tr[data-lead-id]", "data-path");
    let statuses = attrs(&html, "tr[data-lead-id]", "data-status");
    ids.into_iter()
        .zip(paths)
        .zip(statuses)
        .map(|((id, path), status)| (id.parse().unwrap(), path, status))
        .collect()
}
