//! `/admin/consultants` (admins only): consultants and their availability. The form takes working
//! hours as `09:00-12:00, 13:00-17:00` per weekday and holidays as `2026-12-24 2026-12-26` per line;
//! everything is checked (times, overlaps, ranges) before it is stored.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::{Value, json};

use super::consultant_store::{self, ConsultantRecord};
use super::model::{StoredAvailability, rules_from_storage};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::i18n::{Lang, Localized, Messages};
use crate::users::Email;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;
use crate::zones::TIME_ZONES;

type FormMap = HashMap<String, String>;
const WEEKDAYS: [&str; 7] = [
    "weekday-mon",
    "weekday-tue",
    "weekday-wed",
    "weekday-thu",
    "weekday-fri",
    "weekday-sat",
    "weekday-sun",
];

#[derive(Template)]
#[template(path = "admin/consultants.html")]
struct ListPage<'a> {
    layout: AdminLayout<'a>,
    consultants: Vec<ConsultantRecord>,
}

/// GET `/admin/consultants`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let consultants = consultant_store::consultant_records(&state.db).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Consultants,
    );
    Ok(html(
        StatusCode::OK,
        ListPage {
            layout,
            consultants,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "admin/consultant_edit.html")]
struct EditPage<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    form: FormMap,
    errors: HashMap<String, String>,
    langs: Vec<(Lang, String)>,
    weekdays: Vec<(usize, &'a str)>,
    zones: &'static [&'static str],
}

impl EditPage<'_> {
    fn value(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }

    fn checked(&self, name: &str) -> bool {
        self.form.contains_key(name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }
}

/// GET `/admin/consultants/new` and `/admin/consultants/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    session: Session,
    path: Option<web::Path<i64>>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    if path.is_none() && req.match_info().get("id").is_some() {
        return Err(AppError::NotFound); // `/admin/consultants/abc`
    }
    let record = match path {
        Some(id) => consultant_store::consultant_record(&state.db, id.into_inner())
            .await?
            .ok_or(AppError::NotFound)?,
        None => ConsultantRecord {
            timezone: state.config.timezone.clone(),
            weekly_hours: json!([
                [["09:00", "17:00"]],
                [["09:00", "17:00"]],
                [["09:00", "17:00"]],
                [["09:00", "17:00"]],
                [["09:00", "17:00"]],
                [],
                []
            ])
            .to_string()
            .into(),
            breaks: "[[],[],[],[],[],[],[]]".into(),
            blackouts: "[]".into(),
            languages: "[\"de\",\"en\"]".into(),
            title: "{}".into(),
            bio: "{}".into(),
            active: true,
            buffer_minutes: 15,
            min_notice_hours: 12,
            max_advance_days: 60,
            durations: "[30,60]".into(),
            meeting_types: "[\"video\"]".into(),
            ..Default::default()
        },
    };
    let form = form_from_record(&record);
    render(
        &req,
        &state,
        &user,
        Some(&session),
        record.id,
        form,
        HashMap::new(),
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    id: i64,
    form: FormMap,
    errors: HashMap<String, String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Consultants,
    );
    let langs = state
        .config
        .languages
        .all()
        .iter()
        .map(|l| (*l, layout.ui.language_name(*l)))
        .collect();
    let weekdays = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(i, id)| (i, layout.t(id)))
        .collect();
    Ok(html(
        status,
        EditPage {
            layout,
            id,
            form,
            errors,
            langs,
            weekdays,
            zones: TIME_ZONES,
        }
        .render()?,
    ))
}

fn form_from_record(r: &ConsultantRecord) -> FormMap {
    let mut f = FormMap::new();
    f.insert("name".into(), r.name.clone());
    f.insert("email".into(), r.email.clone());
    f.insert("photo".into(), r.photo.clone().unwrap_or_default());
    f.insert("timezone".into(), r.timezone.clone());
    f.insert("buffer_minutes".into(), r.buffer_minutes.to_string());
    f.insert("min_notice_hours".into(), r.min_notice_hours.to_string());
    f.insert("max_advance_days".into(), r.max_advance_days.to_string());
    if r.active {
        f.insert("active".into(), "on".into());
    }
    let langs: Vec<String> = serde_json::from_str(&r.languages).unwrap_or_default();
    f.insert("languages".into(), langs.join(", "));
    for (field, json) in [("title", &r.title), ("bio", &r.bio)] {
        let l: Localized<String> = serde_json::from_str(json).unwrap_or_default();
        for (lang, text) in l.variants() {
            f.insert(format!("{field}.{lang}"), text.clone());
        }
    }
    for (field, json) in [("hours", &r.weekly_hours), ("breaks", &r.breaks)] {
        let days: Vec<Vec<(String, String)>> = serde_json::from_str(json).unwrap_or_default();
        for (i, day) in days.iter().enumerate() {
            f.insert(
                format!("{field}.{i}"),
                day.iter()
                    .map(|(a, b)| format!("{a}-{b}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }
    let blackouts: Vec<(String, String)> = serde_json::from_str(&r.blackouts).unwrap_or_default();
    f.insert(
        "blackouts".into(),
        blackouts
            .iter()
            .map(|(a, b)| format!("{a} {b}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let durations: Vec<i64> = serde_json::from_str(&r.durations).unwrap_or_default();
    for d in durations {
        f.insert(format!("duration.{d}"), "on".into());
    }
    let types: Vec<String> = serde_json::from_str(&r.meeting_types).unwrap_or_default();
    for t in types {
        f.insert(format!("type.{t}"), "on".into());
    }
    f
}

/// The record a form describes, or the errors per field.
fn record_from_form(
    id: i64,
    f: &FormMap,
    langs: &[Lang],
    ui: &Messages,
) -> Result<ConsultantRecord, HashMap<String, String>> {
    let mut errors: HashMap<String, String> = HashMap::new();
    let get = |k: &str| f.get(k).map_or("", |v| v.trim());
    let name = get("name");
    if name.is_empty() || name.chars().count() > 100 {
        errors.insert("name".into(), ui.t("error-name").into());
    }
    let email = Email::parse(get("email"))
        .map(|e| e.to_string())
        .unwrap_or_else(|_| {
            errors.insert("email".into(), ui.t("error-email").into());
            String::new()
        });
    let timezone = get("timezone");
    if jiff::tz::TimeZone::get(timezone).is_err() {
        errors.insert("timezone".into(), ui.t("error-invalid").into());
    }
    let number = |k: &str, min: i64, max: i64, errors: &mut HashMap<String, String>| match get(k)
        .parse::<i64>()
    {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            errors.insert(k.into(), ui.t("error-invalid").into());
            0
        }
    };
    let buffer_minutes = number("buffer_minutes", 0, 240, &mut errors);
    let min_notice_hours = number("min_notice_hours", 0, 720, &mut errors);
    let max_advance_days = number("max_advance_days", 1, 730, &mut errors);
    let days = |prefix: &str, errors: &mut HashMap<String, String>| -> Value {
        let mut week = Vec::new();
        for i in 0..7 {
            let mut intervals = Vec::new();
            for part in get(&format!("{prefix}.{i}"))
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                match part.split_once('-') {
                    Some((a, b)) => intervals.push(json!([a.trim(), b.trim()])),
                    None => {
                        errors.insert(format!("{prefix}.{i}"), ui.t("error-interval").into());
                    }
                }
            }
            week.push(Value::Array(intervals));
        }
        Value::Array(week)
    };
    let weekly_hours = days("hours", &mut errors);
    let breaks = days("breaks", &mut errors);
    let mut blackouts = Vec::new();
    for line in get("blackouts")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next().or(Some(line))) {
            (Some(a), Some(b)) => blackouts.push(json!([a, b])),
            _ => {
                errors.insert("blackouts".into(), ui.t("error-invalid").into());
            }
        }
    }
    let blackouts = Value::Array(blackouts);
    let durations: Vec<i64> = super::request::DURATIONS
        .into_iter()
        .filter(|d| f.contains_key(&format!("duration.{d}")))
        .collect();
    if durations.is_empty() {
        errors.insert("durations".into(), ui.t("error-choose-one").into());
    }
    let types: Vec<&str> = ["video", "phone", "in_person"]
        .into_iter()
        .filter(|t| f.contains_key(&format!("type.{t}")))
        .collect();
    if types.is_empty() {
        errors.insert("meeting_types".into(), ui.t("error-choose-one").into());
    }
    let languages: Vec<String> = get("languages")
        .split(',')
        .map(|l| l.trim().to_lowercase())
        .filter(|l| Lang::parse(l).is_ok())
        .collect();
    let localized = |field: &str| {
        let mut l: Localized<String> = Localized::new();
        for lang in langs {
            if let Some(v) = f
                .get(&format!("{field}.{lang}"))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
            {
                l.set(*lang, v.to_owned());
            }
        }
        serde_json::to_string(&l).unwrap_or_else(|_| "{}".into())
    };
    let photo = Some(get("photo").to_owned()).filter(|p| !p.is_empty());
    if photo
        .as_deref()
        .is_some_and(|p| crate::content::blocks::ImageSrc::parse(p).is_err())
    {
        errors.insert("photo".into(), ui.t("error-invalid").into());
    }
    if errors.is_empty() {
        // The same checks the booking pages make: valid times, no overlaps, real dates.
        let stored: Result<StoredAvailability, _> = serde_json::from_value(
            json!({"weekly_hours": weekly_hours, "breaks": breaks, "blackouts": blackouts}),
        );
        match stored.map_err(|e| e.to_string()).and_then(|s| {
            rules_from_storage(
                id,
                timezone,
                &s,
                buffer_minutes,
                min_notice_hours,
                max_advance_days,
            )
            .map_err(|e| e.detail)
        }) {
            Ok(_) => {}
            Err(detail) => {
                errors.insert(
                    "availability".into(),
                    format!("{} ({detail})", ui.t("error-availability")),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ConsultantRecord {
        id,
        name: name.to_owned(),
        title: localized("title").into(),
        bio: localized("bio").into(),
        email,
        photo,
        languages: serde_json::to_string(&languages)
            .unwrap_or_else(|_| "[]".into())
            .into(),
        active: f.contains_key("active"),
        timezone: timezone.to_owned(),
        weekly_hours: weekly_hours.to_string().into(),
        breaks: breaks.to_string().into(),
        blackouts: blackouts.to_string().into(),
        buffer_minutes,
        min_notice_hours,
        max_advance_days,
        durations: serde_json::to_string(&durations)
            .unwrap_or_else(|_| "[]".into())
            .into(),
        meeting_types: serde_json::to_string(&types)
            .unwrap_or_else(|_| "[]".into())
            .into(),
    })
}

/// POST `/admin/consultants/new` and `/admin/consultants/{id}`.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: Option<web::Path<i64>>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    if path.is_none() && req.match_info().get("id").is_some() {
        return Err(AppError::NotFound); // `/admin/consultants/abc`
    }
    let id = path.map_or(0, |p| p.into_inner());
    if id != 0
        && consultant_store::consultant_record(&state.db, id)
            .await?
            .is_none()
    {
        return Err(AppError::NotFound);
    }
    let ui = state.catalog.messages(admin_lang(&req, &state));
    match record_from_form(id, &form, state.config.languages.all(), ui) {
        Ok(record) => {
            let id = consultant_store::save_consultant(&state.db, &record).await?;
            record_action(
                &state.db,
                &user,
                &req,
                "consultant-saved",
                &format!("consultant {id} ({})", record.name),
            )
            .await?;
            super::changed(&state).await?;
            flash(&session, ui.t("consultant-saved"));
            Ok(see_other(&format!("/admin/consultants/{id}")))
        }
        Err(errors) => render(
            &req,
            &state,
            &user,
            None,
            id,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
