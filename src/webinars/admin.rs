//! `/admin/webinars` (editors and admins): the list (upcoming and past, seats taken and left), the
//! form with every field per language, publishing, and calling a webinar off (every registrant is
//! told). A save that moves the start or adds the recording mails the registrants in the same
//! transaction (see [`super::store::save_webinar`]).
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;

use super::form::{self, Errors, FormMap};
use super::mails::{self, To};
use super::model::{RegistrationStatus, Webinar, WebinarStatus};
use super::public::{local_time, site};
use super::registration_store::Registrant;
use super::store::{self, Changes, SaveRefused, WebinarFields};
use crate::audit::store::record_action;
use crate::content::blocks::SafeUrl;
use crate::error::AppError;
use crate::i18n::{Lang, Localized};
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;
use crate::zones::TIME_ZONES;

/// A webinar as a row of the admin's list.
pub struct Row {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub status: WebinarStatus,
    pub registered: i64,
    pub capacity: i64,
    pub seats_left: i64,
    pub waitlisted: i64,
}

impl Row {
    /// `w` as the admin lists it, in `ui`'s language ("Montag, 14.12.2026, 10:00 Berlin (UTC+1)").
    pub fn of(w: &Webinar, ui: &crate::i18n::Messages, default: Lang) -> Row {
        let lang = ui.lang();
        Row {
            id: w.id,
            title: w.title.text(lang, default).to_owned(),
            when: format!(
                "{} {}",
                local_time(w.starts_at, w.zone_name(), lang),
                crate::zones::label(w.zone_name(), ui)
            ),
            status: w.status,
            registered: w.registered,
            capacity: w.capacity,
            seats_left: w.seats_left(),
            waitlisted: w.waitlisted,
        }
    }

    pub fn status_label(&self) -> &'static str {
        status_label(self.status)
    }
}

fn status_label(status: WebinarStatus) -> &'static str {
    match status {
        WebinarStatus::Draft => "draft",
        WebinarStatus::Published => "published",
        WebinarStatus::Cancelled => "webinar-status-cancelled",
    }
}

#[derive(Template)]
#[template(path = "admin/webinars.html")]
struct ListPage<'a> {
    layout: AdminLayout<'a>,
    upcoming: Vec<Row>,
    past: Vec<Row>,
}

impl ListPage<'_> {
    fn sections(&self) -> [(&'static str, &[Row]); 2] {
        [
            ("webinars-upcoming", &self.upcoming),
            ("webinars-past", &self.past),
        ]
    }
}

/// GET `/admin/webinars`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let webinars = store::all_webinars(&state.db).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Webinars,
    );
    let (ui, default) = (layout.ui, state.config.languages.default_lang());
    let now = Timestamp::now();
    let (past, upcoming): (Vec<&Webinar>, Vec<&Webinar>) =
        webinars.iter().partition(|w| w.is_past(now));
    let page = ListPage {
        layout,
        // Soonest first; past ones most recent first (the store lists newest first).
        upcoming: upcoming
            .iter()
            .rev()
            .map(|w| Row::of(w, ui, default))
            .collect(),
        past: past.iter().map(|w| Row::of(w, ui, default)).collect(),
    };
    Ok(html(StatusCode::OK, page.render()?))
}

#[derive(Template)]
#[template(path = "admin/webinar_edit.html")]
struct EditPage<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    status: WebinarStatus,
    public_href: Option<String>,
    form: FormMap,
    errors: Errors,
    langs: Vec<(Lang, String)>,
    zones: &'static [&'static str],
    speaker_rows: Vec<usize>,
    /// The media library's images a speaker photo can be chosen from.
    photos: Vec<String>,
    registered: i64,
    waitlisted: i64,
}

impl EditPage<'_> {
    fn value(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }

    /// The value of `name.{lang}` (or of `speaker.{i}.name` with `lang` = None and `i`).
    fn lv(&self, name: &str, lang: &Lang) -> &str {
        self.value(&format!("{name}.{lang}"))
    }

    fn lerror(&self, name: &str, lang: &Lang) -> Option<&str> {
        self.error(&format!("{name}.{lang}"))
    }

    fn sv(&self, i: &usize, name: &str) -> &str {
        self.value(&format!("speaker.{i}.{name}"))
    }

    fn serror(&self, i: &usize, name: &str) -> Option<&str> {
        self.error(&format!("speaker.{i}.{name}"))
    }

    /// A `datetime-local` input's value: what was typed if it is a date and time (else empty: the
    /// input cannot hold anything else; the error says what was wrong).
    fn datetime_value(&self, name: &str) -> &str {
        let value = self.value(name);
        if value.parse::<jiff::civil::DateTime>().is_ok() {
            value
        } else {
            ""
        }
    }

    fn checked(&self, name: &str) -> bool {
        self.form.contains_key(name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    /// The photos to offer for speaker row `i`: the library's, and the current one if it is not there.
    fn photo_options(&self, i: &usize) -> Vec<&str> {
        let current = self.value(&format!("speaker.{i}.photo"));
        let mut options: Vec<&str> = self.photos.iter().map(String::as_str).collect();
        if !current.is_empty() && !options.contains(&current) {
            options.insert(0, current);
        }
        options
    }

    fn status_label(&self) -> &'static str {
        status_label(self.status)
    }

    fn is_published(&self) -> bool {
        self.status == WebinarStatus::Published
    }

    fn is_cancelled(&self) -> bool {
        self.status == WebinarStatus::Cancelled
    }
}

/// GET `/admin/webinars/new`.
pub async fn new_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let default = state.config.languages.default_lang();
    // A new webinar starts in the organiser's own zone.
    let (_, zone) = crate::web::admin_layout::user_zone(&state, Some(&user.user));
    let form = form::new_form(&zone, default);
    render(
        &req,
        &state,
        &user,
        Some(&session),
        None,
        form,
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

/// GET `/admin/webinars/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let w = store::webinar(&state.db, path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form::form_from_webinar(&w);
    render(
        &req,
        &state,
        &user,
        Some(&session),
        Some(&w),
        form,
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    webinar: Option<&Webinar>,
    form: FormMap,
    errors: Errors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Webinars,
    );
    let langs = state
        .config
        .languages
        .all()
        .iter()
        .map(|l| (*l, layout.ui.language_name(*l)))
        .collect();
    let photos = crate::media::store::list(&state.db)
        .await?
        .into_iter()
        .filter(|m| m.is_image())
        .map(|m| m.path())
        .collect();
    let default = state.config.languages.default_lang();
    let page = EditPage {
        layout,
        id: webinar.map_or(0, |w| w.id),
        status: webinar.map_or(WebinarStatus::Draft, |w| w.status),
        public_href: webinar
            .filter(|w| w.status != WebinarStatus::Draft)
            .map(|w| format!("/{default}/webinars/{}", w.slug)),
        speaker_rows: (0..form::speaker_rows(&form)).collect(),
        form,
        errors,
        langs,
        zones: TIME_ZONES,
        photos,
        registered: webinar.map_or(0, |w| w.registered),
        waitlisted: webinar.map_or(0, |w| w.waitlisted),
    };
    Ok(html(status, page.render()?))
}

/// The status a save asks for: the `action` button (`publish`, `unpublish`) or the current one.
fn status_after(action: &str, current: WebinarStatus) -> WebinarStatus {
    match (action, current) {
        ("publish", _) => WebinarStatus::Published,
        ("unpublish", WebinarStatus::Published) => WebinarStatus::Draft,
        (_, current) => current,
    }
}

/// POST `/admin/webinars/new` and `/admin/webinars/{id}`.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: Option<web::Path<i64>>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    if path.is_none() && req.match_info().get("id").is_some() {
        return Err(AppError::NotFound); // `/admin/webinars/abc`
    }
    let before = match path {
        Some(id) => Some(
            store::webinar(&state.db, id.into_inner())
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let action = form.get("action").map_or("save", String::as_str);
    let status = status_after(
        action,
        before.as_ref().map_or(WebinarStatus::Draft, |w| w.status),
    );
    let fields = match form::parse(&form, &state.config.languages, status, ui) {
        Ok(fields) => fields,
        Err(errors) => {
            return render(
                &req,
                &state,
                &user,
                None,
                before.as_ref(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match save_and_tell(&state, before.as_ref(), &fields).await? {
        Ok((id, changes)) => {
            let verb = match (action, &changes) {
                ("publish", _) => "webinar-published",
                (_, c) if c.moved => "webinar-moved",
                _ => "webinar-saved",
            };
            record_action(
                &state.db,
                &user,
                &req,
                verb,
                &format!("webinar {id} ({})", fields.slug.as_str()),
            )
            .await?;
            super::changed(&state).await?;
            let message = if changes.moved {
                "webinar-saved-moved"
            } else {
                "webinar-saved"
            };
            flash(&session, ui.t(message));
            Ok(see_other(&format!("/admin/webinars/{id}")))
        }
        Err(refused) => {
            let mut errors = Errors::new();
            match refused {
                SaveRefused::SlugTaken => {
                    errors.insert("slug".into(), ui.t("error-webinar-slug-taken").into())
                }
                SaveRefused::NotFound => return Err(AppError::NotFound),
            };
            render(
                &req,
                &state,
                &user,
                None,
                before.as_ref(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Saves `fields` over `before` (or as a new webinar) and queues, in the same transaction, what
/// each registrant must hear about the change.
async fn save_and_tell(
    state: &AppState,
    before: Option<&Webinar>,
    fields: &WebinarFields,
) -> anyhow::Result<Result<(i64, Changes), SaveRefused>> {
    let after = before.map(|b| webinar_after(b, fields));
    let site = site(state);
    let now = Timestamp::now();
    store::save_webinar(
        &state.db,
        before.map(|b| b.id),
        fields,
        |changes, registrant| {
            let Some(after) = &after else {
                return Ok(Vec::new()); // a new webinar has nobody to tell
            };
            let mut w = after.clone();
            if changes.moved || changes.cancelled {
                w.sequence += 1;
            }
            registrant_mails(state, changes, &w, registrant, &site, now)
        },
    )
    .await
}

fn registrant_mails(
    state: &AppState,
    changes: &Changes,
    w: &Webinar,
    r: &Registrant,
    site: &mails::Site<'_>,
    now: Timestamp,
) -> anyhow::Result<
    Vec<(
        crate::outbox::store::NewMail,
        crate::outbox::store::Placement,
    )>,
> {
    let to = To::registrant(r, &state.config.languages);
    let has_seat =
        RegistrationStatus::parse(&r.status).is_some_and(RegistrationStatus::takes_a_seat);
    mails::for_changes(
        state.catalog.messages(to.lang),
        changes,
        w,
        &to,
        has_seat,
        site,
        now,
    )
}

/// The webinar as it is after `fields` are saved over `before` (for the mails the save queues).
fn webinar_after(before: &Webinar, f: &WebinarFields) -> Webinar {
    let parsed =
        |json: &crate::db::JsonText| -> Localized<String> { json.parse().unwrap_or_default() };
    let link = |s: &str| SafeUrl::parse(s).ok();
    Webinar {
        id: before.id,
        slug: f.slug.clone(),
        title: parsed(&f.title),
        summary: parsed(&f.summary),
        description: parsed(&f.description),
        description_html: parsed(&f.description_html),
        objectives: f.objectives.parse().unwrap_or_default(),
        speakers: f.speakers.clone(),
        starts_at: f.starts_at,
        timezone: jiff::tz::TimeZone::get(&f.timezone).unwrap_or(jiff::tz::TimeZone::UTC),
        duration_minutes: f.duration_minutes,
        capacity: f.capacity,
        waitlist: f.waitlist,
        confirm_by_mail: f.confirm_by_mail,
        registration_deadline: f.registration_deadline,
        talk_language: f.talk_language.clone(),
        meeting_link: link(&f.meeting_link),
        recording_link: link(&f.recording_link),
        status: f.status,
        sequence: before.sequence,
        updated_at: before.updated_at,
        registered: before.registered,
        waitlisted: before.waitlisted,
    }
}

/// The fields a stored webinar has, to save it again with another status.
fn fields_of(w: &Webinar, status: WebinarStatus) -> WebinarFields {
    use form::json;
    WebinarFields {
        slug: w.slug.clone(),
        title: json(&w.title),
        summary: json(&w.summary),
        description: json(&w.description),
        description_html: json(&w.description_html),
        objectives: json(&w.objectives),
        speakers: w.speakers.clone(),
        starts_at: w.starts_at,
        timezone: w.zone_name().to_owned(),
        duration_minutes: w.duration_minutes,
        capacity: w.capacity,
        waitlist: w.waitlist,
        registration_deadline: w.registration_deadline,
        talk_language: w.talk_language.clone(),
        meeting_link: form::link_text(&w.meeting_link),
        recording_link: form::link_text(&w.recording_link),
        status,
        confirm_by_mail: w.confirm_by_mail,
    }
}

/// POST `/admin/webinars/{id}/cancel`: calls the webinar off, after the confirmation checkbox, and
/// mails every registrant (with a calendar file that removes it).
pub async fn cancel(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let id = path.into_inner();
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let w = store::webinar(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if form.get("confirm").map(String::as_str) != Some("yes") {
        flash(&session, ui.t("webinar-cancel-confirm"));
        return Ok(see_other(&format!("/admin/webinars/{id}")));
    }
    if w.status != WebinarStatus::Cancelled {
        let fields = fields_of(&w, WebinarStatus::Cancelled);
        if save_and_tell(&state, Some(&w), &fields).await?.is_err() {
            return Err(AppError::NotFound);
        }
        record_action(
            &state.db,
            &user,
            &req,
            "webinar-cancelled",
            &format!(
                "webinar {id} ({}), {} registrants told",
                w.slug.as_str(),
                w.registered + w.waitlisted
            ),
        )
        .await?;
        super::changed(&state).await?;
    }
    flash(&session, ui.t("webinar-cancelled-flash"));
    Ok(see_other(&format!("/admin/webinars/{id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buttons_choose_the_status() {
        use WebinarStatus::*;
        assert_eq!(status_after("save", Draft), Draft);
        assert_eq!(status_after("publish", Draft), Published);
        assert_eq!(status_after("unpublish", Published), Draft);
        assert_eq!(status_after("save", Cancelled), Cancelled);
        // A cancelled webinar is not quietly made a draft again; publishing it is a decision.
        assert_eq!(status_after("unpublish", Cancelled), Cancelled);
        assert_eq!(status_after("publish", Cancelled), Published);
    }
}
