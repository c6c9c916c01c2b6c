//! The booking form as a visitor's browser sees and fills it.
use super::{TestApp, attrs};

pub struct Form {
    pub token: String,
    pub consultant: String,
    pub duration: String,
    pub tz: String,
    pub slots: Vec<String>,
}

pub async fn booking_form(app: &TestApp, client: &reqwest::Client, query: &str) -> Form {
    form_at(client, &app.url(&format!("/en/book{query}"))).await
}

/// The form on the booking page at `url`.
pub async fn form_at(client: &reqwest::Client, url: &str) -> Form {
    let body = client.get(url).send().await.unwrap().text().await.unwrap();
    booking_form_from(&scraper::Html::parse_document(&body))
}

/// The form on a booking page already read (the form sent back after a refusal, say).
pub fn booking_form_from(html: &scraper::Html) -> Form {
    let one = |sel: &str| {
        attrs(html, sel, "value")
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    Form {
        token: one(".booking-form input[name=csrf_token]"),
        // What the page's times were found for (the choices a browser sends as they stand).
        consultant: one(".booking-form input[name=shown_consultant]"),
        duration: one(".booking-form input[name=shown_duration]"),
        tz: one(".booking-form input[name=shown_tz]"),
        slots: attrs(html, "input[name=slot]", "value"),
    }
}

pub fn fields<'a>(form: &'a Form, slot: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", form.token.as_str()),
        ("consultant", form.consultant.as_str()),
        ("duration", form.duration.as_str()),
        ("tz", form.tz.as_str()),
        ("shown_consultant", form.consultant.as_str()),
        ("shown_duration", form.duration.as_str()),
        ("shown_tz", form.tz.as_str()),
        ("slot", slot),
        ("meeting_type", "video"),
        ("name", name),
        ("email", "visitor@example.com"),
        ("company", "Example GmbH"),
        ("message", "Let's talk, \"soon\" <b>"),
        ("consent", "yes"),
    ]
}
