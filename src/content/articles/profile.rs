//! `/admin/account/author`: a staff member's own public profile as an author (display name, role
//! line and bio per language, photo, address), shown on their articles and at
//! `/{lang}/authors/{slug}` once they turn it on. Nobody else edits it.
use std::borrow::Cow;
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::model::AuthorProfile;
use super::store;
use crate::audit::store::record_action;
use crate::content::model::Slug;
use crate::content::page_form::{FormMap, suggest_slug};
use crate::error::AppError;
use crate::i18n::{Lang, Localized};
use crate::web::admin_layout::{AdminLayout, Section, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::state::AppState;
use crate::web::{html, see_other};

#[derive(Template)]
#[template(path = "admin/author_profile.html")]
struct ProfilePage<'a> {
    layout: AdminLayout<'a>,
    display_name: String,
    slug: String,
    photo: String,
    public: bool,
    /// Per language: language, its name, role line, bio.
    texts: Vec<(Lang, String, String, String)>,
    /// Library images: id, name.
    images: Vec<(i64, String)>,
    /// The public address when the profile is public.
    public_href: Option<String>,
    errors: HashMap<&'static str, Cow<'a, str>>,
    error: Option<&'a str>,
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    values: &FormMap,
    errors: HashMap<&'static str, Cow<'_, str>>,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::None,
    );
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let (images, _) = crate::media::store::images_page(&state.db, None, 500, 0).await?;
    let public = values.contains_key("public");
    let slug = get("slug");
    let view = ProfilePage {
        texts: state
            .config
            .languages
            .all()
            .iter()
            .map(|l| {
                (
                    *l,
                    layout.ui.language_name(*l),
                    get(&format!("role_line.{l}")),
                    get(&format!("bio.{l}")),
                )
            })
            .collect(),
        public_href: (public && errors.is_empty())
            .then(|| format!("/{}/authors/{slug}", layout.lang)),
        error: (!errors.is_empty()).then(|| layout.ui.t("form-has-errors")),
        layout,
        display_name: get("display_name"),
        slug,
        photo: get("photo"),
        public,
        images: images
            .into_iter()
            .map(|m| (m.id, m.original_name))
            .collect(),
        errors,
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(html(status, view.render()?))
}

/// GET `/admin/account/author`.
pub async fn page(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let mut values = FormMap::new();
    match store::profile(&state.db, user.user.id).await? {
        Some(p) => {
            values.insert("display_name".into(), p.display_name);
            values.insert("slug".into(), p.slug);
            if let Some(photo) = p.photo {
                values.insert("photo".into(), photo.to_string());
            }
            if p.public {
                values.insert("public".into(), "on".into());
            }
            for (lang, text) in p.role_line.variants() {
                values.insert(format!("role_line.{lang}"), text.clone());
            }
            for (lang, text) in p.bio.variants() {
                values.insert(format!("bio.{lang}"), text.clone());
            }
        }
        None => {
            values.insert("display_name".into(), user.user.display_name.clone());
            values.insert("slug".into(), suggest_slug(&user.user.display_name));
        }
    }
    render(&req, &state, &user, Some(&session), &values, HashMap::new()).await
}

/// POST `/admin/account/author`.
pub async fn save(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let mut errors: HashMap<&'static str, Cow<'_, str>> = HashMap::new();
    let get = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let display_name: String = get("display_name").chars().take(100).collect();
    if display_name.is_empty() {
        errors.insert("display_name", ui.t("error-title-required").into());
    }
    let slug_text = match get("slug") {
        "" => suggest_slug(&display_name),
        typed => typed.to_owned(),
    };
    if Slug::parse(&slug_text).is_err() {
        errors.insert("slug", ui.t("error-slug-invalid").into());
    }
    let photo = match get("photo") {
        "" => None,
        typed => {
            let (images, _) = crate::media::store::images_page(&state.db, None, 500, 0).await?;
            let id = typed
                .parse::<i64>()
                .ok()
                .filter(|id| images.iter().any(|m| m.id == *id));
            if id.is_none() {
                errors.insert("photo", ui.t("article-error-cover").into());
            }
            id
        }
    };
    let mut role_line = Localized::new();
    let mut bio = Localized::new();
    for lang in state.config.languages.all() {
        let role = get(&format!("role_line.{lang}"));
        if !role.is_empty() {
            role_line.set(*lang, role.chars().take(120).collect());
        }
        let text = get(&format!("bio.{lang}"));
        if !text.is_empty() {
            bio.set(*lang, text.chars().take(1500).collect());
        }
    }
    if errors.is_empty() {
        let profile = AuthorProfile {
            user_id: user.user.id,
            slug: slug_text,
            display_name,
            role_line,
            bio,
            photo,
            public: form.contains_key("public"),
        };
        if store::save_profile(&state.db, &profile).await? {
            record_action(
                &state.db,
                &user,
                &req,
                "author-profile-saved",
                &profile.slug,
            )
            .await?;
            crate::content::content_changed(&state, None).await?;
            flash(&session, ui.t("page-saved"));
            return Ok(see_other("/admin/account/author"));
        }
        errors.insert("slug", ui.t("article-error-author-slug").into());
    }
    render(&req, &state, &user, None, &form, errors).await
}
