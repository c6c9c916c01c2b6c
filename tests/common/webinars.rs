//! Webinars as tests need them: made straight in the database (as an editor's save would), and the
//! registration form as a visitor's browser fills it.
use jiff::{SignedDuration, Timestamp};
use magnetiq::content::Slug;
use magnetiq::db::JsonText;
use magnetiq::webinars::model::{Speaker, WebinarStatus};
use magnetiq::webinars::store::{WebinarFields, save_webinar};

use super::{TestApp, attrs};

/// A published webinar starting `starts_in` from now; returns its id.
pub async fn create(
    app: &TestApp,
    slug: &str,
    capacity: i64,
    waitlist: bool,
    starts_in: SignedDuration,
) -> i64 {
    let fields = fields(slug, capacity, waitlist, Timestamp::now() + starts_in);
    save(app, None, &fields).await
}

/// What a test webinar is made of; change fields before [`save`].
pub fn fields(slug: &str, capacity: i64, waitlist: bool, starts_at: Timestamp) -> WebinarFields {
    WebinarFields {
        slug: Slug::parse(slug).unwrap(),
        title: JsonText::from(format!(
            r#"{{"en": "Webinar {slug}", "de": "Webinar {slug} (de)"}}"#
        )),
        summary: JsonText::from(r#"{"en": "What it is about.", "de": "Worum es geht."}"#),
        description: JsonText::from("{}"),
        description_html: JsonText::from("{}"),
        objectives: JsonText::from(r#"{"en": ["One thing", "Another"]}"#),
        speakers: vec![Speaker {
            name: "Aylin Demir".into(),
            ..Speaker::default()
        }],
        starts_at,
        timezone: "Europe/Berlin".into(),
        duration_minutes: 60,
        capacity,
        waitlist,
        registration_deadline: None,
        talk_language: "en".into(),
        meeting_link: "https://meet.example.com/room-42".into(),
        recording_link: String::new(),
        status: WebinarStatus::Published,
        confirm_by_mail: false,
    }
}

/// Saves `fields` (as webinar `id`, or a new one) and lets the site know, as the admin does.
pub async fn save(app: &TestApp, id: Option<i64>, fields: &WebinarFields) -> i64 {
    let (id, _) = save_webinar(&app.state.db, id, fields, |_, _| Ok(Vec::new()))
        .await
        .unwrap()
        .unwrap();
    magnetiq::webinars::changed(&app.state).await.unwrap();
    id
}

/// The registration form's token on a webinar page, for `client`.
pub async fn form_token(client: &reqwest::Client, url: &str) -> String {
    let body = client.get(url).send().await.unwrap().text().await.unwrap();
    let html = scraper::Html::parse_document(&body);
    attrs(&html, ".registration-form input[name=csrf_token]", "value")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no registration form at {url}: {body}"))
}

/// A complete registration; change entries to test mistakes.
pub fn registration<'a>(
    token: &'a str,
    first_name: &'a str,
    email: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", token),
        ("first_name", first_name),
        ("last_name", "Visitor"),
        ("email", email),
        ("company", "Example GmbH"),
        ("job_title", "CTO"),
        ("consent", "yes"),
        ("tz", "America/New_York"),
        (
            "source",
            "/en/webinars/x?utm_source=newsletter&utm_campaign=autumn",
        ),
    ]
}

/// Posts a registration for webinar `slug` in `lang` with `client`.
pub async fn register(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    slug: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/{lang}/webinars/{slug}/register")))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The registrations of webinar `id` by status; checks on the way that the seat counts the
/// database's triggers keep agree with the registrations.
pub async fn count(app: &TestApp, id: i64, status: &str) -> i64 {
    seat_counts_agree(&app.state.db, id).await;
    magnetiq::db::sql(
        "SELECT count(*) FROM webinar_registrations WHERE webinar_id = $1 AND status = $2",
    )
    .bind(id)
    .bind(status)
    .scalar(&app.state.db)
    .await
    .unwrap()
}

/// Panics unless `webinar_seat_counts` holds, for webinar `id`, the seats taken (registered or
/// attended) and the places on the waitlist that its registrations add up to.
pub async fn seat_counts_agree(db: &magnetiq::db::Db, id: i64) {
    let kept: (i64, i64) = magnetiq::db::sql(
        "SELECT coalesce((SELECT taken FROM webinar_seat_counts WHERE webinar_id = $1), 0),
                coalesce((SELECT waitlisted FROM webinar_seat_counts WHERE webinar_id = $1), 0)",
    )
    .bind(id)
    .fetch_one(db)
    .await
    .unwrap();
    let counted: (i64, i64) = magnetiq::db::sql(
        "SELECT (SELECT count(*) FROM webinar_registrations
                  WHERE webinar_id = $1 AND status IN ('registered', 'attended')),
                (SELECT count(*) FROM webinar_registrations WHERE webinar_id = $1 AND status = 'waitlisted')",
    )
    .bind(id)
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(
        kept, counted,
        "seat counts of webinar {id} (taken, waitlisted)"
    );
}

/// An outbox row of a registration: (recipient, purpose, send_after, not_after, subject), the times
/// as the database keeps them (`None` for a stored time: see [`mails`]).
pub type Queued<T = String> = (String, String, Option<T>, Option<T>, String);

/// The outbox rows of webinar `id`'s registrations, oldest first.
pub async fn mails(app: &TestApp, id: i64) -> Vec<Queued> {
    let rows: Vec<Queued<magnetiq::db::DbTime>> = magnetiq::db::sql(
        "SELECT o.recipient, o.purpose, o.next_attempt_at, o.not_after, o.subject FROM outbox AS o
             JOIN webinar_registrations AS r ON r.id = o.registration_id
             WHERE r.webinar_id = $1 ORDER BY o.id",
    )
    .bind(id)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(to, purpose, after, not_after, subject)| {
            (
                to,
                purpose,
                after.map(|t| t.to_text()),
                not_after.map(|t| t.to_text()),
                subject,
            )
        })
        .collect()
}

/// A new visitor (a browser of their own) opens webinar `slug` in `lang` and registers; the answer.
pub async fn sign_up(
    app: &TestApp,
    lang: &str,
    slug: &str,
    first_name: &str,
    email: &str,
) -> reqwest::Response {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = form_token(&browser, &app.url(&format!("/{lang}/webinars/{slug}"))).await;
    register(
        app,
        &browser,
        lang,
        slug,
        &registration(&token, first_name, email),
    )
    .await
}

/// The link to `email`'s registration, below the site, from the newest mail that carries one (the
/// form answers "check your inbox": the mail is the way to the registration's page).
pub async fn registration_link(app: &TestApp, email: &str) -> String {
    let bodies: Vec<String> =
        magnetiq::db::sql("SELECT body_text FROM outbox WHERE recipient = $1 ORDER BY id DESC")
            .bind(email)
            .scalars(&app.state.db)
            .await
            .unwrap();
    bodies
        .iter()
        .flat_map(|text| text.split_whitespace())
        .find(|word| word.starts_with(super::BASE_URL) && word.contains("/registered/"))
        .and_then(|url| url.strip_prefix(super::BASE_URL))
        .unwrap_or_else(|| panic!("no registration link mailed to {email}: {bodies:?}"))
        .to_owned()
}
