//! The page form: turning what an editor typed into page fields (or errors per field), the slug
//! suggested from a title, and the `datetime-local` values of the publication time.
use std::borrow::Cow;
use std::collections::HashMap;

use super::editing::{PageFields, SaveError};
use super::model::{PageStatus, Placement, Slug};
use crate::db;
use crate::i18n::Localized;
use crate::web::state::AppState;

/// A submitted form, field by field.
pub type FormMap = HashMap<String, String>;

/// The page form's fields, or the errors per field. The `action` button decides the status: `save`
/// keeps it, `publish`, `unpublish` and `schedule` change it.
pub(super) fn parse_page_form<'a>(
    state: &AppState,
    form: &FormMap,
    current: Option<&PageStatus>,
    ui: &'a crate::i18n::Messages,
    zone: &(jiff::tz::TimeZone, String),
) -> (Option<PageFields>, HashMap<&'static str, Cow<'a, str>>) {
    let mut errors = HashMap::new();
    let langs = state.config.languages.all();
    let default = state.config.languages.default_lang();
    let localized = |name: &str| {
        let mut l = Localized::new();
        for lang in langs {
            if let Some(v) = form
                .get(&format!("{name}.{lang}"))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
            {
                l.set(*lang, v.to_owned());
            }
        }
        l
    };
    let title = localized("title");
    if title.exact(default).is_none() {
        errors.insert("title", ui.t("error-title-required").into());
    }
    // The articles section answers at its address in each language: a page there would not.
    let sections = super::articles::current(state).sections.clone();
    let section_addresses: Vec<&str> = langs.iter().map(|l| sections.segment(*l)).collect();
    let slug_input = form.get("slug").map(|s| s.trim()).unwrap_or("");
    let slug_text = if slug_input.is_empty() {
        suggest_slug(title.text(default, default))
    } else {
        slug_input.to_owned()
    };
    let slug = Slug::parse(&slug_text)
        .map_err(|_| errors.insert("slug", ui.t("error-slug-invalid").into()))
        .ok()
        .filter(|slug| {
            let free = !RESERVED_SLUGS.contains(&slug.as_str())
                && !section_addresses.contains(&slug.as_str());
            if !free {
                errors.insert("slug", ui.t("error-slug-reserved").into());
            }
            free
        });
    // Own slugs in the other languages: each a valid, unreserved slug unlike the default one (the
    // home page answers at `/{lang}/` in every language and has none).
    let mut slugs = Localized::new();
    for lang in langs.iter().filter(|l| **l != default) {
        let typed = form
            .get(&format!("slug.{lang}"))
            .map(|s| s.trim())
            .unwrap_or("");
        if typed.is_empty()
            || slug
                .as_ref()
                .is_some_and(|s| s.is_home() || s.as_str() == typed)
        {
            continue;
        }
        match Slug::parse(typed) {
            Ok(own)
                if !RESERVED_SLUGS.contains(&own.as_str())
                    && !section_addresses.contains(&own.as_str())
                    && !own.is_home() =>
            {
                slugs.set(*lang, own.to_string());
            }
            Ok(_) => {
                errors.insert("slugs", ui.t("error-slug-reserved").into());
                errors.insert("slugs-lang", lang.to_string().into());
            }
            Err(_) => {
                errors.insert("slugs", ui.t("error-slug-invalid").into());
                errors.insert("slugs-lang", lang.to_string().into());
            }
        }
    }
    let parent_id = match form.get("parent_id").map(|s| s.trim()).unwrap_or("") {
        "" => None,
        p => p
            .parse::<i64>()
            .map_err(|_| errors.insert("parent_id", ui.t("error-invalid").into()))
            .ok(),
    };
    let nav_order = form
        .get("nav_order")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or("0");
    let nav_order = nav_order
        .parse::<i64>()
        .map_err(|_| errors.insert("nav_order", ui.t("error-invalid").into()))
        .ok();
    let placement = Placement::parse(form.get("placement").map(String::as_str).unwrap_or("main"));
    if placement.is_none() {
        errors.insert("placement", ui.t("error-invalid").into());
    }
    let now = db::now();
    let publish_at = form
        .get("publish_at")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|typed| (typed, crate::zones::parse_local(typed, &zone.0).map(odt)));
    let status = match (
        form.get("action").map(String::as_str).unwrap_or("save"),
        current,
    ) {
        ("publish", Some(PageStatus::Published(at))) => Some(PageStatus::Published(*at)),
        ("publish", _) => Some(PageStatus::Published(now)),
        ("unpublish", _) => Some(PageStatus::Draft),
        ("schedule", _) => match publish_at {
            Some((_, Ok(at))) if at > now => Some(PageStatus::Scheduled(at)),
            Some((_, Ok(_))) => {
                errors.insert("publish_at", ui.t("error-schedule-past").into());
                None
            }
            Some((typed, Err(e))) => {
                errors.insert("publish_at", e.message(ui, typed, &zone.1).into());
                None
            }
            None => {
                errors.insert("publish_at", ui.t("error-schedule-time").into());
                None
            }
        },
        (_, Some(status)) => Some(*status),
        (_, None) => Some(PageStatus::Draft),
    };
    let fields = match (slug, nav_order, placement, status) {
        (Some(slug), Some(nav_order), Some(placement), Some(status))
            if !errors.contains_key("slugs") =>
        {
            Some(PageFields {
                slug,
                slugs,
                title,
                summary: localized("summary"),
                meta_description: localized("meta_description"),
                status,
                parent_id,
                nav_order,
                placement,
            })
        }
        _ => None,
    };
    (fields, errors)
}

pub(super) fn add_save_error<'a>(
    errors: &mut HashMap<&'static str, Cow<'a, str>>,
    e: &SaveError,
    ui: &'a crate::i18n::Messages,
) {
    match e {
        SaveError::SlugTaken => errors.insert("slug", ui.t("error-slug-taken").into()),
        SaveError::SlugTakenIn(lang) => {
            let language = ui.language_name(*lang);
            let message = ui.t_args("error-slug-taken-in", &[("language", language.into())]);
            errors.insert("slugs-lang", lang.to_string().into());
            errors.insert("slugs", message.into())
        }
        SaveError::ParentCycle => errors.insert("parent_id", ui.t("error-parent-cycle").into()),
        SaveError::Stale => errors.insert("version", ui.t("page-stale").into()),
        SaveError::NotFound => errors.insert("version", ui.t("error-invalid").into()),
    };
}

/// Addresses below a language that Magnetiq's features answer themselves (see `app::routes`): a
/// page there would never be seen.
pub const RESERVED_SLUGS: &[&str] = &["book", "webinars", "whitepapers", "search", "authors"];

/// A slug from a title: lowercase ASCII letters and digits, words joined by hyphens.
pub fn suggest_slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        slug.push_str(mapped);
    }
    let parts: Vec<&str> = slug.split('-').filter(|p| !p.is_empty()).collect();
    let joined = parts.join("-");
    joined
        .chars()
        .take(80)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// `t` as the value of a `datetime-local` input in `zone`.
pub(super) fn datetime_local(t: time::OffsetDateTime, zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_second(t.unix_timestamp())
        .map(|ts| crate::zones::to_input(ts, zone))
        .unwrap_or_default()
}

/// A jiff instant as the `time` crate's, which the page model uses.
pub(super) fn odt(t: jiff::Timestamp) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.as_second())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_suggested_from_titles() {
        assert_eq!(
            suggest_slug("Über uns – Team & Werte"),
            "ueber-uns-team-werte"
        );
        assert_eq!(
            suggest_slug("  AI Engineering 2026! "),
            "ai-engineering-2026"
        );
        assert_eq!(suggest_slug("???"), "");
    }
}
