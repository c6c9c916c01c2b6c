//! `/admin/redirects`: every redirect with its hits, newest first; add one (any old path to a page
//! in a language, or to a path of this site); delete one. Editors and admins.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::store::{self, AddError, Redirect};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;

type FormMap = HashMap<String, String>;

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/redirects.html")]
struct RedirectsPage<'a> {
    layout: AdminLayout<'a>,
    redirects: Vec<Redirect>,
    /// Pages to lead to: id and "title (/slug)".
    targets: Vec<(i64, String)>,
    form: FormMap,
    errors: HashMap<&'static str, &'a str>,
    error: Option<&'a str>,
    total: i64,
    pager_base: &'static str,
    page: i64,
    pages: i64,
}

impl RedirectsPage<'_> {
    fn value(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    page: Option<i64>,
    form: FormMap,
    errors: HashMap<&'static str, &str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Redirects,
    );
    let total = store::count(&state.db).await?;
    let paging = crate::web::Paging::of(total, page, PER_PAGE);
    let redirects = store::list(&state.db, PER_PAGE, paging.offset).await?;
    let default = state.config.languages.default_lang();
    let tree = crate::content::tree(state);
    let targets = tree
        .visible(crate::db::now())
        .map(|p| {
            (
                p.id,
                format!("{} (/{})", p.title.text(layout.lang, default), p.slug),
            )
        })
        .collect();
    let error = (!errors.is_empty()).then(|| layout.t("form-has-errors"));
    let view = RedirectsPage {
        layout,
        redirects,
        targets,
        form,
        errors,
        error,
        total,
        pager_base: "/admin/redirects?",
        page: paging.page,
        pages: paging.pages,
    };
    Ok(html(status, view.render()?))
}

/// GET `/admin/redirects`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &state,
        &user,
        Some(&session),
        query.page,
        FormMap::new(),
        HashMap::new(),
        StatusCode::OK,
    )
    .await
}

/// An old address editors may redirect: a path of this site (no scheme, host, query or fragment),
/// never the admin's, the files' or a feature's own. Trailing slashes are kept as typed.
fn valid_from(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && (2..=500).contains(&path.len())
        && !path.contains(['?', '#', '\\'])
        && path.chars().all(|c| !c.is_control() && !c.is_whitespace())
        && ![
            "/admin", "/static", "/media", "/healthz", "/readyz", "/metrics",
        ]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// POST `/admin/redirects`: `from`, and `to_page` with `to_lang`, or `to_path`.
pub async fn add(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    let mut errors: HashMap<&'static str, &str> = HashMap::new();
    let from = field("from").to_owned();
    if !valid_from(&from) {
        errors.insert("from", ui.t("redirect-from-invalid"));
    }
    // A page answers there: a redirect would never be followed.
    let tree = crate::content::tree(&state);
    let langs = state.config.languages.all();
    if tree.visible(crate::db::now()).any(|p| {
        langs
            .iter()
            .any(|l| crate::content::page_path(*l, p.slug_in(*l)) == from)
    }) {
        errors.insert("from", ui.t("redirect-from-page"));
    }
    let to = match field("to_page").parse::<i64>() {
        Ok(id) => {
            let lang = state
                .config
                .languages
                .find(field("to_lang"))
                .unwrap_or(state.config.languages.default_lang());
            match tree.get(id) {
                Some(p) => Some(crate::content::page_path(lang, p.slug_in(lang))),
                None => {
                    errors.insert("to_page", ui.t("error-invalid"));
                    None
                }
            }
        }
        Err(_) => {
            let typed = field("to_path");
            if typed.starts_with('/') && !typed.starts_with("//") && valid_target(typed) {
                Some(typed.to_owned())
            } else {
                errors.insert("to_path", ui.t("redirect-to-invalid"));
                None
            }
        }
    };
    if let (Some(to), true) = (to, errors.is_empty()) {
        match store::add(&state.db, &from, &to, false).await? {
            Ok(id) => {
                record_action(
                    &state.db,
                    &user,
                    &req,
                    "redirect-added",
                    &format!("redirect {id}: {from} → {to}"),
                )
                .await?;
                flash(&session, ui.t("redirect-added"));
                return Ok(see_other("/admin/redirects"));
            }
            Err(AddError::Loop) => {
                errors.insert("to_path", ui.t("redirect-loop"));
            }
            Err(AddError::Taken) => {
                errors.insert("from", ui.t("redirect-taken"));
            }
        }
    }
    render(
        &req,
        &state,
        &user,
        None,
        None,
        form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn valid_target(path: &str) -> bool {
    path.len() <= 500
        && path
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && c != '\\')
}

/// POST `/admin/redirects/{id}/delete`.
pub async fn delete(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let user = input.user;
    if !store::delete(&state.db, id).await? {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        &user,
        &req,
        "redirect-deleted",
        &format!("redirect {id}"),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("redirect-deleted"));
    Ok(see_other("/admin/redirects"))
}
