//! The editor's webinar form: what an editor typed turned into a webinar's fields (or errors per
//! field), and a stored webinar turned back into the form. Times are typed in the organiser's zone
//! (`<input type=datetime-local>`) and stored in UTC; the description is Markdown, rendered and
//! sanitised here, once, when saved.
use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::model::{Speaker, Webinar, WebinarStatus};
use super::store::WebinarFields;
use crate::content::Slug;
use crate::content::blocks::{ImageSrc, SafeUrl, markdown_to_safe_html};
use crate::content::page_form::suggest_slug;
use crate::db::JsonText;
use crate::i18n::{Lang, Languages, Localized, Messages};

pub type FormMap = HashMap<String, String>;
pub type Errors = HashMap<String, String>;

/// How many speaker rows the form offers beyond the ones filled in (without JavaScript, one more
/// each time the form is saved).
pub const EMPTY_SPEAKER_ROWS: usize = 1;
/// The most speakers a webinar has.
pub const MAX_SPEAKERS: usize = 8;

/// The value of a `datetime-local` input showing `t` in `zone`.
pub fn to_local(t: Timestamp, zone: &TimeZone) -> String {
    zone.to_datetime(t).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// The form as it shows a stored webinar.
pub fn form_from_webinar(w: &Webinar) -> FormMap {
    let mut f = FormMap::new();
    f.insert("slug".into(), w.slug.as_str().to_owned());
    for (name, field) in [
        ("title", &w.title),
        ("summary", &w.summary),
        ("description", &w.description),
    ] {
        for (lang, text) in field.variants() {
            f.insert(format!("{name}.{lang}"), text.clone());
        }
    }
    for (lang, items) in w.objectives.variants() {
        f.insert(format!("objectives.{lang}"), items.join("\n"));
    }
    for (i, s) in w.speakers.iter().enumerate() {
        f.insert(format!("speaker.{i}.name"), s.name.clone());
        f.insert(format!("speaker.{i}.photo"), s.photo.clone());
        for (lang, role) in s.role.variants() {
            f.insert(format!("speaker.{i}.role.{lang}"), role.clone());
        }
        for (lang, bio) in s.bio.variants() {
            f.insert(format!("speaker.{i}.bio.{lang}"), bio.clone());
        }
    }
    f.insert("timezone".into(), w.zone_name().to_owned());
    f.insert("starts_at".into(), to_local(w.starts_at, &w.timezone));
    if let Some(deadline) = w.registration_deadline {
        f.insert(
            "registration_deadline".into(),
            to_local(deadline, &w.timezone),
        );
    }
    f.insert("duration_minutes".into(), w.duration_minutes.to_string());
    f.insert("capacity".into(), w.capacity.to_string());
    if w.confirm_by_mail {
        f.insert("confirm_by_mail".into(), "on".into());
    }
    if w.waitlist {
        f.insert("waitlist".into(), "on".into());
    }
    f.insert("talk_language".into(), w.talk_language.clone());
    f.insert("meeting_link".into(), link_text(&w.meeting_link));
    f.insert("recording_link".into(), link_text(&w.recording_link));
    f
}

/// A link as stored: empty when there is none.
pub(super) fn link_text(link: &Option<SafeUrl>) -> String {
    link.as_ref()
        .map_or(String::new(), |l| l.as_str().to_owned())
}

/// The form of a new webinar: a week ahead at 10:00 in `zone`, an hour, 100 seats with a waitlist.
pub fn new_form(zone: &str, talk_language: Lang) -> FormMap {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let week_ahead = tz
        .to_datetime(Timestamp::now())
        .date()
        .checked_add(jiff::Span::new().days(7))
        .map(|d| d.at(10, 0, 0, 0))
        .ok()
        .and_then(|dt| dt.to_zoned_datetime(tz.clone()).ok())
        .map(|z| to_local(z.timestamp(), &tz))
        .unwrap_or_default();
    FormMap::from([
        ("timezone".to_owned(), zone.to_owned()),
        ("starts_at".to_owned(), week_ahead),
        ("duration_minutes".to_owned(), "60".to_owned()),
        ("capacity".to_owned(), "100".to_owned()),
        ("waitlist".to_owned(), "on".to_owned()),
        ("talk_language".to_owned(), talk_language.to_string()),
    ])
}

/// How many speaker rows the form shows for `form`: the filled ones and an empty one or more.
pub fn speaker_rows(form: &FormMap) -> usize {
    let filled = (0..MAX_SPEAKERS)
        .filter(|i| {
            form.keys()
                .any(|k| k.starts_with(&format!("speaker.{i}.")) && !form[k].trim().is_empty())
        })
        .map(|i| i + 1)
        .max()
        .unwrap_or(0);
    (filled + EMPTY_SPEAKER_ROWS).min(MAX_SPEAKERS)
}

/// The webinar the form describes, with `status`, or the errors per field.
pub fn parse(
    form: &FormMap,
    languages: &Languages,
    status: WebinarStatus,
    ui: &Messages,
) -> Result<WebinarFields, Errors> {
    let mut errors = Errors::new();
    let langs = languages.all();
    let default = languages.default_lang();
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    let error = |errors: &mut Errors, field: &str, id: &str| {
        errors.insert(field.to_owned(), ui.t(id).to_owned());
    };
    let text = |name: &str, max: usize, errors: &mut Errors| {
        crate::forms::localized_text(form, langs, name, max, errors, ui)
    };
    let title = text("title", 200, &mut errors);
    if title.exact(default).is_none() {
        error(
            &mut errors,
            &format!("title.{default}"),
            "error-title-required",
        );
    }
    let summary = text("summary", 500, &mut errors);
    let description = text("description", 20_000, &mut errors);
    let mut description_html: Localized<String> = Localized::new();
    for (lang, markdown) in description.variants() {
        description_html.set(lang, markdown_to_safe_html(markdown));
    }
    let mut objectives: Localized<Vec<String>> = Localized::new();
    for (lang, lines) in text("objectives", 4000, &mut errors).variants() {
        let items: Vec<String> = lines
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        objectives.set(lang, items);
    }
    let slug_text = match get("slug") {
        "" => suggest_slug(title.text(default, default)),
        typed => typed.to_owned(),
    };
    let slug = Slug::parse(&slug_text).ok();
    if slug.is_none() {
        error(&mut errors, "slug", "error-slug-invalid");
    }
    let timezone = get("timezone");
    let zone = TimeZone::get(timezone).ok();
    if zone.is_none() {
        error(&mut errors, "timezone", "error-invalid");
    }
    let zone = zone.unwrap_or(TimeZone::UTC);
    // A time the clocks skip or repeat in the webinar's zone is refused with the reason.
    let local =
        |field: &str, errors: &mut Errors| match crate::zones::parse_local(get(field), &zone) {
            Ok(t) => Some(t),
            Err(crate::zones::LocalTimeError::Unreadable) => {
                error(errors, field, "error-datetime");
                None
            }
            Err(e) => {
                errors.insert(field.to_owned(), e.message(ui, get(field), timezone));
                None
            }
        };
    let starts_at = local("starts_at", &mut errors);
    let registration_deadline = match get("registration_deadline") {
        "" => None,
        _ => {
            let deadline = local("registration_deadline", &mut errors);
            match (deadline, starts_at) {
                (None, _) => {}
                (Some(d), Some(s)) if d > s => {
                    error(
                        &mut errors,
                        "registration_deadline",
                        "error-deadline-after-start",
                    );
                }
                _ => {}
            }
            deadline
        }
    };
    let number =
        |name: &str, range: std::ops::RangeInclusive<i64>, errors: &mut Errors| match get(name)
            .parse::<i64>()
        {
            Ok(n) if range.contains(&n) => n,
            _ => {
                error(errors, name, "error-invalid");
                0
            }
        };
    let duration_minutes = number("duration_minutes", 15..=480, &mut errors);
    let capacity = number("capacity", 1..=100_000, &mut errors);
    let talk_language = get("talk_language").to_ascii_lowercase();
    if Lang::parse(&talk_language).is_err() {
        errors.insert("talk_language".into(), ui.t("error-invalid").to_owned());
    }
    let link = |name: &str, errors: &mut Errors| match get(name) {
        "" => String::new(),
        typed => match SafeUrl::parse(typed) {
            Ok(url) if url.as_str().starts_with("http") => url.as_str().to_owned(),
            _ => {
                errors.insert(name.to_owned(), ui.t("error-link").to_owned());
                String::new()
            }
        },
    };
    let meeting_link = link("meeting_link", &mut errors);
    let recording_link = link("recording_link", &mut errors);
    let speakers = speakers(form, langs, ui, &mut errors);
    if status == WebinarStatus::Published && errors.is_empty() {
        // Visitors need to know what it is about and when: published webinars are complete in the
        // default language.
        if summary.exact(default).is_none() {
            error(
                &mut errors,
                &format!("summary.{default}"),
                "error-required-to-publish",
            );
        }
    }
    match (slug, starts_at) {
        (Some(slug), Some(starts_at)) if errors.is_empty() => Ok(WebinarFields {
            slug,
            title: json(&title),
            summary: json(&summary),
            description: json(&description),
            description_html: json(&description_html),
            objectives: json(&objectives),
            speakers,
            starts_at,
            timezone: timezone.to_owned(),
            duration_minutes,
            capacity,
            waitlist: form.contains_key("waitlist"),
            registration_deadline,
            talk_language,
            meeting_link,
            recording_link,
            status,
            confirm_by_mail: form.contains_key("confirm_by_mail"),
        }),
        _ => Err(errors),
    }
}

/// A value as stored JSON.
pub(super) fn json<T: serde::Serialize>(value: &T) -> JsonText {
    JsonText::of(value).unwrap_or_else(|_| "{}".into())
}

/// The speaker rows that have a name; a row with other fields but no name is an error.
fn speakers(form: &FormMap, langs: &[Lang], ui: &Messages, errors: &mut Errors) -> Vec<Speaker> {
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    let mut speakers = Vec::new();
    for i in 0..MAX_SPEAKERS {
        let field = |name: &str| format!("speaker.{i}.{name}");
        let mut role: Localized<String> = Localized::new();
        let mut bio: Localized<String> = Localized::new();
        for lang in langs {
            let r = get(&field(&format!("role.{lang}")));
            if !r.is_empty() {
                role.set(*lang, r.chars().take(200).collect());
            }
            let b = get(&field(&format!("bio.{lang}")));
            if !b.is_empty() {
                bio.set(*lang, b.chars().take(2000).collect());
            }
        }
        let name = get(&field("name"));
        let photo = get(&field("photo"));
        if name.is_empty() {
            if !photo.is_empty()
                || role.variants().next().is_some()
                || bio.variants().next().is_some()
            {
                errors.insert(field("name"), ui.t("error-name").to_owned());
            }
            continue;
        }
        if name.chars().count() > 100 {
            errors.insert(field("name"), ui.t("error-name").to_owned());
        }
        if !photo.is_empty() && ImageSrc::parse(photo).is_err() {
            errors.insert(field("photo"), ui.t("error-invalid").to_owned());
        }
        speakers.push(Speaker {
            name: name.to_owned(),
            role,
            bio,
            photo: photo.to_owned(),
        });
    }
    speakers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;

    fn languages() -> Languages {
        Languages::parse("en,de").unwrap()
    }

    fn filled() -> FormMap {
        FormMap::from(
            [
                ("title.en", "Shipping Rust"),
                ("title.de", "Rust ausliefern"),
                ("summary.en", "How we ship."),
                ("description.en", "**Bold** <script>alert(1)</script>"),
                ("objectives.en", "- one\n\n* two\r\nthree"),
                ("timezone", "Europe/Berlin"),
                ("starts_at", "2026-03-30T10:00"),
                ("registration_deadline", "2026-03-29T18:00"),
                ("duration_minutes", "60"),
                ("capacity", "25"),
                ("waitlist", "on"),
                ("talk_language", "de"),
                ("speaker.0.name", "Anna Berg"),
                ("speaker.0.role.de", "CTO"),
                ("speaker.0.photo", "/static/speaker.svg"),
                ("meeting_link", "https://meet.example.com/rust"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        )
    }

    #[test]
    fn a_filled_form_becomes_a_webinar_in_utc() {
        let catalog = Catalog::load(&languages()).unwrap();
        let ui = catalog.messages(Lang::parse("en").unwrap());
        let f = parse(&filled(), &languages(), WebinarStatus::Published, ui).unwrap();
        assert_eq!(f.slug.as_str(), "shipping-rust");
        // Berlin is on summer time (UTC+2) from 29 March 2026.
        assert_eq!(f.starts_at.to_string(), "2026-03-30T08:00:00Z");
        assert_eq!(
            f.registration_deadline.unwrap().to_string(),
            "2026-03-29T16:00:00Z"
        );
        let html: Localized<String> = f.description_html.parse().unwrap();
        let en = html.exact(Lang::parse("en").unwrap()).unwrap();
        assert!(
            en.contains("<strong>Bold</strong>") && !en.contains("<script"),
            "{en}"
        );
        let objectives: Localized<Vec<String>> = f.objectives.parse().unwrap();
        assert_eq!(
            objectives.exact(Lang::parse("en").unwrap()).unwrap(),
            &["one", "two", "three"]
        );
        assert_eq!(f.speakers.len(), 1);
        assert_eq!(
            f.speakers[0]
                .role
                .text(Lang::parse("de").unwrap(), Lang::parse("en").unwrap()),
            "CTO"
        );
    }

    #[test]
    fn mistakes_are_named_per_field() {
        let catalog = Catalog::load(&languages()).unwrap();
        let ui = catalog.messages(Lang::parse("en").unwrap());
        let mut form = filled();
        form.insert("title.en".into(), String::new());
        form.insert("slug".into(), "Not a slug!".into());
        form.insert("registration_deadline".into(), "2026-04-01T10:00".into());
        form.insert("capacity".into(), "0".into());
        form.insert("meeting_link".into(), "javascript:alert(1)".into());
        form.insert("speaker.1.role.en".into(), "Speaker without a name".into());
        form.insert(
            "speaker.2.photo".into(),
            "https://elsewhere.example/x.png".into(),
        );
        form.insert("speaker.2.name".into(), "Photo elsewhere".into());
        let errors = parse(&form, &languages(), WebinarStatus::Draft, ui).unwrap_err();
        let mut fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "capacity",
                "meeting_link",
                "registration_deadline",
                "slug",
                "speaker.1.name",
                "speaker.2.photo",
                "title.en"
            ]
        );
    }

    #[test]
    fn a_stored_webinar_comes_back_as_the_form_it_was_saved_from() {
        let catalog = Catalog::load(&languages()).unwrap();
        let ui = catalog.messages(Lang::parse("en").unwrap());
        let f = parse(&filled(), &languages(), WebinarStatus::Draft, ui).unwrap();
        let w = Webinar {
            id: 1,
            slug: f.slug.clone(),
            title: f.title.parse().unwrap(),
            summary: f.summary.parse().unwrap(),
            description: f.description.parse().unwrap(),
            description_html: f.description_html.parse().unwrap(),
            objectives: f.objectives.parse().unwrap(),
            speakers: f.speakers.clone(),
            starts_at: f.starts_at,
            timezone: TimeZone::get(&f.timezone).unwrap(),
            duration_minutes: f.duration_minutes,
            capacity: f.capacity,
            waitlist: f.waitlist,
            confirm_by_mail: f.confirm_by_mail,
            registration_deadline: f.registration_deadline,
            talk_language: f.talk_language.clone(),
            meeting_link: SafeUrl::parse(&f.meeting_link).ok(),
            recording_link: None,
            status: f.status,
            sequence: 0,
            updated_at: f.starts_at,
            registered: 0,
            waitlisted: 0,
        };
        let again = form_from_webinar(&w);
        assert_eq!(again["starts_at"], "2026-03-30T10:00");
        assert_eq!(again["registration_deadline"], "2026-03-29T18:00");
        assert_eq!(again["objectives.en"], "one\ntwo\nthree");
        assert_eq!(again["speaker.0.role.de"], "CTO");
        assert_eq!(speaker_rows(&again), 2);
        let reparsed = parse(&again, &languages(), WebinarStatus::Draft, ui).unwrap();
        assert_eq!(reparsed.starts_at, f.starts_at);
        assert_eq!(reparsed.speakers, f.speakers);
    }
}
