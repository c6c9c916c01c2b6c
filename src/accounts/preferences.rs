//! `/admin/account/preferences`: the time zone every admin time is shown and read in, and the
//! language of the admin and of the mails a person gets. Both default to the site's.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::audit::store::record_action;
use crate::error::AppError;
use crate::users::store as users;
use crate::web::admin_layout::{AdminLayout, Section, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/account_preferences.html")]
struct PreferencesPage<'a> {
    layout: AdminLayout<'a>,
    /// Every zone by region: (region's message id, [(zone, label)]).
    zones: Vec<(String, Vec<(String, String)>)>,
    /// The person's own choices (empty: the site's).
    zone: String,
    language: String,
    site_zone: String,
    error: Option<&'a str>,
}

fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    (zone, language): (String, String),
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::None,
    );
    let page = PreferencesPage {
        zones: crate::zones::grouped(layout.ui),
        layout,
        zone,
        language,
        site_zone: state.config.timezone.clone(),
        error,
    };
    Ok(html(status, page.render()?))
}

impl PreferencesPage<'_> {
    fn site_zone_label(&self) -> String {
        self.layout.ui.t_args(
            "preferences-zone-site",
            &[("zone", self.layout.zone_label(&self.site_zone).into())],
        )
    }
}

/// GET `/admin/account/preferences`.
pub async fn page(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let zone = user.user.time_zone.clone().unwrap_or_default();
    let language = user.user.language.clone().unwrap_or_default();
    render(
        &req,
        &state,
        &user,
        Some(&session),
        (zone, language),
        None,
        StatusCode::OK,
    )
}

/// POST `/admin/account/preferences`.
pub async fn save(
    req: HttpRequest,
    session: Session,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let zone = form.get("time_zone").map(|z| z.trim()).unwrap_or("");
    let language = form.get("language").map(|l| l.trim()).unwrap_or("");
    let zone_ok = zone.is_empty() || crate::zones::zone(zone).is_some();
    let language_ok = language.is_empty() || state.config.languages.find(language).is_some();
    if !zone_ok || !language_ok {
        let ui = state
            .catalog
            .messages(crate::web::admin_layout::admin_lang(&req, &state));
        return render(
            &req,
            &state,
            &user,
            None,
            (zone.to_owned(), language.to_owned()),
            Some(ui.t("form-has-errors")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let some = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    users::set_preferences(
        &state.db,
        user.user.id,
        some(zone).as_deref(),
        some(language).as_deref(),
    )
    .await?;
    record_action(&state.db, &user, &req, "preferences-changed", "own account").await?;
    let lang = some(language)
        .and_then(|l| state.config.languages.find(&l))
        .unwrap_or_else(|| crate::web::admin_layout::admin_lang(&req, &state));
    flash(
        &session,
        state.catalog.messages(lang).t("preferences-saved"),
    );
    let mut response = see_other("/admin/account/preferences");
    if !language.is_empty() {
        // The person's language now speaks for them: a language switched to earlier in this browser
        // would otherwise win.
        let mut gone = Cookie::build(crate::i18n::LANG_COOKIE, "")
            .path("/")
            .finish();
        gone.make_removal();
        response
            .add_cookie(&gone)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    }
    Ok(response)
}
