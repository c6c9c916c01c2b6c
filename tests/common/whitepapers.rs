//! Whitepapers as tests need them: made straight in the database with a generated PDF per language
//! (as an editor's upload and save would), the lead form as a visitor's browser fills it, and the
//! link the mail carries, read from the outbox as a mail client would show it.
use magnetiq::content::Slug;
use magnetiq::db::{JsonText, sql};
use magnetiq::media::store::{NewMedia, insert};
use magnetiq::whitepapers::model::WhitepaperStatus;
use magnetiq::whitepapers::pdf;
use magnetiq::whitepapers::store::{WhitepaperFields, save};

use super::{TestApp, attrs};

/// A new browser: its own cookies, no redirects followed.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A PDF in the media library (written where `/media/` would look), returns (media id, its bytes).
pub async fn add_pdf(app: &TestApp, text: &str) -> (i64, Vec<u8>) {
    let bytes = pdf::document(text, &[text]);
    let dir = &app.state.config.media_dir;
    std::fs::create_dir_all(dir).unwrap();
    let file_name = format!("{}.pdf", magnetiq::media::files::random_stem().unwrap());
    std::fs::write(dir.join(&file_name), &bytes).unwrap();
    let id = insert(
        &app.state.db,
        &NewMedia {
            file_name: &file_name,
            original_name: "paper.pdf",
            content_type: "application/pdf",
            size_bytes: bytes.len() as i64,
            width: None,
            height: None,
            renditions: &[],
        },
        None,
    )
    .await
    .unwrap();
    (id, bytes)
}

/// What a test whitepaper is made of; change fields before [`save_paper`].
pub fn fields(slug: &str, files: Vec<(String, Option<i64>)>) -> WhitepaperFields {
    WhitepaperFields {
        slug: Slug::parse(slug).unwrap(),
        title: JsonText::from(format!(
            r#"{{"en": "Paper {slug}", "de": "Papier {slug}"}}"#
        )),
        summary: JsonText::from(r#"{"en": "What it covers.", "de": "Worum es geht."}"#),
        description: JsonText::from("{}"),
        description_html: JsonText::from("{}"),
        preview: JsonText::from(r#"{"en": "A first paragraph."}"#),
        author_name: "Aylin Demir".into(),
        author_role: JsonText::from(r#"{"en": "Lead", "de": "Leitung"}"#),
        category: JsonText::from(
            r#"{"key": "testing", "label": {"en": "Testing", "de": "Testen"}}"#,
        ),
        tags: JsonText::from(r#"[{"key": "rust", "label": {"en": "Rust"}}]"#),
        // Yesterday: newer than every demo whitepaper (the newest is twelve days old), whatever today is.
        published_on: (time::OffsetDateTime::now_utc().date() - time::Duration::days(1))
            .to_string()
            .parse()
            .unwrap(),
        cover_image: String::new(),
        page_count: 4,
        status: WhitepaperStatus::Published,
        files,
    }
}

/// Saves `fields` (as whitepaper `id`, or a new one) and lets the site know, as the admin does.
pub async fn save_paper(app: &TestApp, id: Option<i64>, fields: &WhitepaperFields) -> i64 {
    let id = save(&app.state.db, id, fields).await.unwrap().unwrap();
    magnetiq::whitepapers::changed(&app.state).await.unwrap();
    id
}

/// A published whitepaper at `slug` with an English and a German PDF; returns (id, en PDF, de PDF).
pub async fn create(app: &TestApp, slug: &str) -> (i64, Vec<u8>, Vec<u8>) {
    let (en, en_bytes) = add_pdf(app, &format!("{slug} in English")).await;
    let (de, de_bytes) = add_pdf(app, &format!("{slug} auf Deutsch")).await;
    let files = vec![("en".to_owned(), Some(en)), ("de".to_owned(), Some(de))];
    let id = save_paper(app, None, &fields(slug, files)).await;
    (id, en_bytes, de_bytes)
}

/// The lead form's token on a whitepaper page, for `client`.
pub async fn form_token(client: &reqwest::Client, url: &str) -> String {
    let body = client.get(url).send().await.unwrap().text().await.unwrap();
    let html = scraper::Html::parse_document(&body);
    attrs(&html, "form input[name=csrf_token]", "value")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no form at {url}: {body}"))
}

/// A complete request; change entries to test mistakes.
pub fn lead<'a>(token: &'a str, first_name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", token),
        ("first_name", first_name),
        ("last_name", "Reader"),
        ("email", email),
        ("company", "Example GmbH"),
        ("job_title", "CTO"),
        ("consent", "yes"),
        (
            "source",
            "/en/whitepapers/x?utm_source=linkedin&utm_medium=social&utm_campaign=launch",
        ),
    ]
}

/// Posts a request for whitepaper `slug` in `lang` with `client`.
pub async fn post_request(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    slug: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/{lang}/whitepapers/{slug}/request")))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// A visitor in `client` opens whitepaper `slug` in `lang` and asks for it; the answer.
pub async fn request(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    slug: &str,
    first_name: &str,
    email: &str,
) -> reqwest::Response {
    let token = form_token(client, &app.url(&format!("/{lang}/whitepapers/{slug}"))).await;
    post_request(app, client, lang, slug, &lead(&token, first_name, email)).await
}

/// The download links mailed to `email`, oldest first, as paths on this site (`/download/...`).
pub async fn links_to(app: &TestApp, email: &str) -> Vec<String> {
    let bodies: Vec<String> = sql(
        "SELECT body_text FROM outbox WHERE recipient = $1 AND purpose = 'whitepaper-link' ORDER BY id",
    )
    .bind(email)
    .scalars(&app.state.db)
    .await
    .unwrap();
    bodies
        .iter()
        .map(|body| {
            let start = body
                .find("/download/")
                .unwrap_or_else(|| panic!("no link in {body}"));
            body[start..].split_whitespace().next().unwrap().to_owned()
        })
        .collect()
}

/// The newest link mailed to `email`.
pub async fn last_link(app: &TestApp, email: &str) -> String {
    links_to(app, email)
        .await
        .pop()
        .unwrap_or_else(|| panic!("no link mailed to {email}"))
}
