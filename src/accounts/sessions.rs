//! `/admin/account/sessions`: the browsers a person is signed in on (browser and system from the
//! user agent, address, signed in, last seen), each with "sign out", and "sign out everywhere
//! else". Admins end anyone's sessions from the user's page.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::audit::store::record_action;
use crate::error::AppError;
use crate::users::store as users;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::sessions::{self, SignedIn};
use crate::web::state::AppState;

/// A signed-in browser as a list shows it.
pub struct Row {
    pub handle: String,
    pub browser: String,
    pub ip: String,
    pub signed_in: String,
    pub last_seen: String,
    pub this_one: bool,
}

/// "Firefox on Windows", from a user agent; `None` when neither is recognised.
pub fn describe(user_agent: &str) -> Option<String> {
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => Some(format!("{b} · {s}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

/// The user's sessions as rows, `current` (this browser's handle) marked.
pub async fn rows(
    state: &AppState,
    user_id: i64,
    current: Option<&str>,
    unknown: &str,
) -> anyhow::Result<Vec<Row>> {
    let list: Vec<SignedIn> = sessions::list_for_user(&state.db, user_id).await?;
    Ok(list
        .into_iter()
        .map(|s| Row {
            this_one: current == Some(s.handle.as_str()),
            browser: describe(&s.user_agent).unwrap_or_else(|| unknown.to_owned()),
            ip: s.ip.unwrap_or_default(),
            signed_in: crate::db::DbTime(s.created_at).to_string(),
            last_seen: crate::db::DbTime(s.last_seen_at).to_string(),
            handle: s.handle,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "admin/account_sessions.html")]
struct SessionsPage<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<Row>,
    end_action: &'a str,
}

/// GET `/admin/account/sessions`.
pub async fn page(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::None,
    );
    let current = sessions::handle(&user.session_id);
    let rows = rows(
        &state,
        user.user.id,
        Some(&current),
        layout.t("session-unknown-browser"),
    )
    .await?;
    let page = SessionsPage {
        layout,
        rows,
        end_action: "/admin/account/sessions/end",
    };
    Ok(html(StatusCode::OK, page.render()?))
}

#[derive(serde::Deserialize)]
pub struct EndForm {
    #[serde(default)]
    session: String,
}

/// POST `/admin/account/sessions/end`: signs one of the person's browsers out.
pub async fn end(
    req: HttpRequest,
    session: Session,
    input: AdminForm<EndForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    end_one(&req, &session, &state, &user, user.user.id, &form.session).await?;
    if form.session == sessions::handle(&user.session_id) {
        session.purge();
        return Ok(see_other("/admin/login"));
    }
    Ok(see_other("/admin/account/sessions"))
}

/// POST `/admin/account/sessions/end-others`: every other browser of the person is signed out.
pub async fn end_others(
    req: HttpRequest,
    session: Session,
    input: AdminForm<std::collections::HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = input.user;
    let ended = sessions::delete_others(&state.db, user.user.id, &user.session_id).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "sessions-ended",
        &format!("user {} ({ended} other sessions)", user.user.id),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("sessions-ended"));
    Ok(see_other("/admin/account/sessions"))
}

/// POST `/admin/users/{id}/sessions/end` (admins): signs one browser of that user out.
pub async fn end_for(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<EndForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let id = path.into_inner();
    users::user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    end_one(&req, &session, &state, &user, id, &form.session).await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

async fn end_one(
    req: &HttpRequest,
    session: &Session,
    state: &AppState,
    by: &CurrentUser,
    user_id: i64,
    handle: &str,
) -> Result<(), AppError> {
    if !sessions::delete_by_handle(&state.db, user_id, handle).await? {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        by,
        req,
        "session-ended",
        &format!("user {user_id}"),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(req, state));
    flash(session, ui.t("session-ended"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn browsers_and_systems_are_named() {
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(describe(firefox).as_deref(), Some("Firefox · Windows"));
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(describe(edge).as_deref(), Some("Edge · Windows"));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(iphone).as_deref(), Some("Safari · iOS"));
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        assert_eq!(describe(android).as_deref(), Some("Chrome · Android"));
        assert_eq!(describe("curl/8.5.0"), None);
    }
}
