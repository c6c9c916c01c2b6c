//! `/admin/articles/settings` (editors and admins): the section's address in each language, the
//! footer's latest articles, the categories with their names and addresses per language, and the
//! tags in use with how many articles carry each.
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::model::{Category, PageKind, parse_tags, tag_key};
use super::{Sections, store};
use crate::audit::store::record_action;
use crate::content::model::Slug;
use crate::content::page_form::{FormMap, RESERVED_SLUGS};
use crate::content::store::page_summaries;
use crate::error::AppError;
use crate::i18n::{Lang, Localized, Messages};
use crate::web::admin_layout::{AdminLayout, Section, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::state::AppState;
use crate::web::{html, see_other};

const HERE: &str = "/admin/articles/settings";

#[derive(Template)]
#[template(path = "admin/article_settings.html")]
struct SettingsPage<'a> {
    layout: AdminLayout<'a>,
    /// Each language, its name and the section's address typed or stored there.
    sections: Vec<(Lang, String, String)>,
    in_footer: bool,
    categories: Vec<CategoryRow>,
    /// A new category as typed, after a refused try.
    new_category: CategoryRow,
    /// Tags in use: name, address key, how many articles (in words).
    tags: Vec<(String, String, String)>,
    errors: HashMap<&'static str, Cow<'a, str>>,
    error: Option<&'a str>,
}

struct CategoryRow {
    id: i64,
    /// Per language: language, its name, the category's name and address there.
    fields: Vec<(Lang, String, String, String)>,
}

impl SettingsPage<'_> {
    /// The error of tag `key`'s form.
    fn tag_error(&self, key: &str) -> Option<&str> {
        (self.errors.get("tag-key").map(|k| k.as_ref()) == Some(key))
            .then(|| self.errors.get("tag").map(|e| e.as_ref()))
            .flatten()
    }

    /// Whether the section's address in `lang` was refused.
    fn section_failed(&self, lang: &Lang) -> bool {
        self.errors.get("section-lang").map(|l| l.as_ref()) == Some(lang.as_str())
    }

    /// The error of the category form `id` (0: the new one).
    fn category_error(&self, id: &i64) -> Option<&str> {
        (self.errors.get("category").map(|c| c.as_ref()) == Some(id.to_string().as_str()))
            .then(|| self.errors.get("category-message").map(|e| e.as_ref()))
            .flatten()
    }
}

fn category_row(
    state: &AppState,
    ui: &Messages,
    id: i64,
    values: &impl Fn(&str) -> String,
) -> CategoryRow {
    CategoryRow {
        id,
        fields: state
            .config
            .languages
            .all()
            .iter()
            .map(|l| {
                (
                    *l,
                    ui.language_name(*l),
                    values(&format!("name.{l}")),
                    values(&format!("slug.{l}")),
                )
            })
            .collect(),
    }
}

fn stored_category(state: &AppState, ui: &Messages, c: &Category) -> CategoryRow {
    category_row(state, ui, c.id, &|key: &str| {
        let (field, lang) = key.split_once('.').unwrap_or((key, ""));
        let lang = state.config.languages.find(lang);
        let of = if field == "name" { &c.name } else { &c.slugs };
        lang.and_then(|l| of.exact(l).cloned()).unwrap_or_default()
    })
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    typed: Option<&FormMap>,
    errors: HashMap<&'static str, Cow<'_, str>>,
) -> Result<HttpResponse, AppError> {
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Articles,
    );
    let stored = store::sections(&state.db).await?;
    let typed_value = |k: &str| typed.and_then(|t| t.get(k).cloned());
    let sections = state
        .config
        .languages
        .all()
        .iter()
        .map(|l| {
            let value = match typed_value("section_form") {
                Some(_) => typed_value(&format!("section.{l}")).unwrap_or_default(),
                None => stored.segment(*l).to_owned(),
            };
            (*l, layout.ui.language_name(*l), value)
        })
        .collect();
    let editing: Option<i64> = typed_value("category_id").and_then(|v| v.parse().ok());
    let categories = store::categories(&state.db)
        .await?
        .iter()
        .map(|c| match (editing, typed) {
            (Some(id), Some(form)) if id == c.id => category_row(state, layout.ui, id, &|k| {
                form.get(k).cloned().unwrap_or_default()
            }),
            _ => stored_category(state, layout.ui, c),
        })
        .collect();
    let new_category = category_row(state, layout.ui, 0, &|k| match (editing, typed) {
        (Some(0), Some(form)) => form.get(k).cloned().unwrap_or_default(),
        _ => String::new(),
    });
    let mut tags: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for page in page_summaries(&state.db).await? {
        if page.kind != PageKind::Article || page.draft_of.is_some() {
            continue;
        }
        for tag in &page.article.tags {
            tags.entry(tag_key(tag))
                .or_insert_with(|| (tag.clone(), 0))
                .1 += 1;
        }
    }
    let ui = layout.ui;
    let view = SettingsPage {
        layout,
        sections,
        in_footer: match typed_value("section_form") {
            Some(_) => typed_value("in_footer").is_some(),
            None => store::in_footer(&state.db).await?,
        },
        categories,
        new_category,
        tags: tags
            .into_iter()
            .map(|(key, (name, n))| {
                // A refused new name stays in its field.
                let name = match typed_value("tag_key") {
                    Some(k) if k == key => typed_value("name").unwrap_or(name),
                    _ => name,
                };
                let articles = ui.t_args("articles-found", &[("count", (n as i64).into())]);
                (name, key, articles)
            })
            .collect(),
        error: (!errors.is_empty()).then(|| ui.t("form-has-errors")),
        errors,
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(html(status, view.render()?))
}

/// GET `/admin/articles/settings`.
pub async fn show(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(&req, &state, &user, Some(&session), None, HashMap::new()).await
}

/// POST `/admin/articles/settings`: the section's addresses and the footer.
pub async fn save_section(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = editors_ui(&req, &state, &user.user)?;
    let mut errors = HashMap::new();
    let mut sections = Localized::new();
    let pages = page_summaries(&state.db).await?;
    for lang in state.config.languages.all() {
        let typed = form
            .get(&format!("section.{lang}"))
            .map(|s| s.trim())
            .unwrap_or("");
        let typed = if typed.is_empty() {
            super::DEFAULT_SECTION
        } else {
            typed
        };
        // A page's address in that language, or a feature's, would be hidden behind the section.
        let page_there = pages
            .iter()
            .any(|p| p.kind == PageKind::Page && p.slug_in(*lang) == typed);
        match Slug::parse(typed) {
            Ok(slug)
                if !RESERVED_SLUGS.contains(&slug.as_str()) && !slug.is_home() && !page_there =>
            {
                sections.set(*lang, typed.to_owned());
            }
            Ok(_) => {
                errors.insert("section", ui.t("article-error-section-taken").into());
                errors.insert("section-lang", lang.to_string().into());
            }
            Err(_) => {
                errors.insert("section", ui.t("error-slug-invalid").into());
                errors.insert("section-lang", lang.to_string().into());
            }
        }
    }
    if !errors.is_empty() {
        return render(&req, &state, &user, None, Some(&form), errors).await;
    }
    let sections = Sections(sections);
    moved_section(&state, &sections).await?;
    store::set_sections(&state.db, &sections).await?;
    store::set_in_footer(&state.db, form.contains_key("in_footer")).await?;
    // What the site search links to follows the articles' new addresses.
    crate::content::findable::reindex_pages(&state.db).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "articles-settings-changed",
        "articles",
    )
    .await?;
    // Every page's frame may show the footer's articles, and every article's address moved.
    crate::content::content_changed(&state, None).await?;
    flash(&session, ui.t("page-saved"));
    Ok(see_other(HERE))
}

/// Where the section's address changes in a language, its old addresses (the list, each category,
/// each article) redirect to the new ones, as a renamed page's do.
async fn moved_section(state: &AppState, new: &Sections) -> Result<(), AppError> {
    let index = super::current(state);
    let old = &index.sections;
    let default = state.config.languages.default_lang();
    let mut moves = Vec::new();
    for &lang in state.config.languages.all() {
        if old.segment(lang) == new.segment(lang) {
            continue;
        }
        let mut below: Vec<String> = vec![String::new()];
        below.extend(
            index
                .categories
                .iter()
                .map(|c| format!("/category/{}", c.slug_in(lang, default))),
        );
        below.extend(
            index
                .articles
                .iter()
                .map(|a| format!("/{}", a.slug_in(lang))),
        );
        moves.extend(below.iter().map(|rest| {
            (
                format!("{}{rest}", old.list_path(lang)),
                format!("{}{rest}", new.list_path(lang)),
            )
        }));
    }
    if !moves.is_empty() {
        let mut tx = state.db.begin().await?;
        crate::content::redirects::store::page_moved(&mut tx, &moves).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// POST `/admin/articles/settings/tags`: the tag `key` renamed to `name` (merged, where an article
/// has that one already), or removed with `action=delete`, on every article.
pub async fn retag(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, mut form } = input;
    let ui = editors_ui(&req, &state, &user.user)?;
    let key = form.get("key").cloned().unwrap_or_default();
    let delete = form.get("action").map(String::as_str) == Some("delete");
    let name = form.get("name").map(|n| parse_tags(n)).unwrap_or_default();
    let to = match (delete, name.as_slice()) {
        (true, _) => None,
        (false, [one]) => Some(one.as_str()),
        (false, _) => {
            let mut errors = HashMap::new();
            errors.insert("tag", ui.t("article-error-tag").into());
            errors.insert("tag-key", key.clone().into());
            form.insert("tag_key".into(), key);
            return render(&req, &state, &user, None, Some(&form), errors).await;
        }
    };
    let changed = crate::content::editing::retag(&state.db, &key, to, user.user.id).await?;
    if changed > 0 {
        let action = if delete {
            "article-tag-removed"
        } else {
            "article-tag-renamed"
        };
        let target = match to {
            Some(to) => format!("{key} → {to}"),
            None => key.clone(),
        };
        record_action(&state.db, &user, &req, action, &target).await?;
        crate::content::content_changed(&state, None).await?;
    }
    flash(&session, ui.t("page-saved"));
    Ok(see_other(HERE))
}

/// The admin's strings for a change of the section's settings, which editors and admins make.
fn editors_ui<'a>(
    req: &HttpRequest,
    state: &'a AppState,
    user: &crate::users::User,
) -> Result<&'a Messages, AppError> {
    if !user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    Ok(state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(req, state)))
}

/// Names and addresses of a category from its form; field errors into `errors`.
fn parse_category(
    state: &AppState,
    form: &FormMap,
    ui: &Messages,
    id: i64,
    others: &[Category],
    errors: &mut HashMap<&'static str, Cow<'_, str>>,
) -> (Localized<String>, Localized<String>) {
    let default = state.config.languages.default_lang();
    let mut name = Localized::new();
    let mut slugs = Localized::new();
    let mut fail = |message: &str| {
        errors.insert("category", id.to_string().into());
        errors.insert("category-message", message.to_owned().into());
    };
    for lang in state.config.languages.all() {
        let typed_name = form
            .get(&format!("name.{lang}"))
            .map(|s| s.trim())
            .unwrap_or("");
        if !typed_name.is_empty() {
            name.set(*lang, typed_name.chars().take(80).collect());
        }
        let typed_slug = form
            .get(&format!("slug.{lang}"))
            .map(|s| s.trim())
            .unwrap_or("");
        let slug = if typed_slug.is_empty() {
            crate::content::page_form::suggest_slug(name.text(*lang, default))
        } else {
            typed_slug.to_owned()
        };
        if slug.is_empty() {
            continue;
        }
        if Slug::parse(&slug).is_err() {
            fail(ui.t("error-slug-invalid"));
        } else if others
            .iter()
            .any(|c| c.id != id && c.slug_in(*lang, default) == slug)
        {
            fail(ui.t("error-slug-taken"));
        }
        slugs.set(*lang, slug);
    }
    if name.exact(default).is_none() {
        fail(ui.t("error-title-required"));
    }
    (name, slugs)
}

/// POST `/admin/articles/settings/categories`: a new category.
pub async fn add_category(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, mut form } = input;
    let ui = editors_ui(&req, &state, &user.user)?;
    let mut errors = HashMap::new();
    let others = store::categories(&state.db).await?;
    let (name, slugs) = parse_category(&state, &form, ui, 0, &others, &mut errors);
    if !errors.is_empty() {
        form.insert("category_id".into(), "0".into());
        return render(&req, &state, &user, None, Some(&form), errors).await;
    }
    let id = store::add_category(&state.db, &name, &slugs).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "article-category-added",
        &format!("category {id}"),
    )
    .await?;
    crate::content::content_changed(&state, None).await?;
    flash(&session, ui.t("page-saved"));
    Ok(see_other(HERE))
}

/// POST `/admin/articles/settings/categories/{id}`: saved, or deleted with `action=delete`.
pub async fn save_category(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, mut form } = input;
    let ui = editors_ui(&req, &state, &user.user)?;
    let others = store::categories(&state.db).await?;
    if !others.iter().any(|c| c.id == id) {
        return Err(AppError::NotFound);
    }
    if form.get("action").map(String::as_str) == Some("delete") {
        store::delete_category(&state.db, id).await?;
        record_action(
            &state.db,
            &user,
            &req,
            "article-category-deleted",
            &format!("category {id}"),
        )
        .await?;
    } else {
        let mut errors = HashMap::new();
        let (name, slugs) = parse_category(&state, &form, ui, id, &others, &mut errors);
        if !errors.is_empty() {
            form.insert("category_id".into(), id.to_string());
            return render(&req, &state, &user, None, Some(&form), errors).await;
        }
        store::save_category(&state.db, id, &name, &slugs).await?;
        record_action(
            &state.db,
            &user,
            &req,
            "article-category-changed",
            &format!("category {id}"),
        )
        .await?;
    }
    crate::content::content_changed(&state, None).await?;
    flash(&session, ui.t("page-saved"));
    Ok(see_other(HERE))
}
