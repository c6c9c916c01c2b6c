//! The page editor's screen: what the form shows (stored or typed), the page's blocks beside it,
//! and for an article its own fields; `admin` handles what the form sends.
use std::borrow::Cow;
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::articles::Sections;
use super::articles::editor::{self, ArticleForm};
use super::articles::model::PageKind;
use super::block_form;
use super::blocks::Block;
use super::conflicts::Conflict;
use super::model::Slug;
use super::page_form::FormMap;
use super::review;
use super::store;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::state::AppState;

/// What the page form shows: the stored page, or what the editor typed.
pub(super) struct PageFormView {
    pub(super) id: Option<i64>,
    pub(super) version: i64,
    pub(super) slug: String,
    pub(super) parent_id: String,
    pub(super) nav_order: String,
    pub(super) placement: String,
    pub(super) publish_at: String,
    pub(super) status: &'static str,
    pub(super) languages: Vec<LangFields>,
    /// Translate mode: only this language's fields are editable, each beside the default
    /// language's text; everything else rides along unchanged in hidden fields.
    pub(super) translate: Option<Lang>,
    pub(super) default_lang: Lang,
    /// Set when someone else saved the page since this form was opened: theirs beside the
    /// editor's, field by field.
    pub(super) conflict: Option<Conflict>,
    /// An article's details as stored or typed (`None` for a page); `render_edit` makes the form.
    pub(super) article_values: Option<FormMap>,
    /// An article's section addresses, for its addresses on the site.
    pub(super) sections: Option<Sections>,
}

impl PageFormView {
    /// The default language's fields, when translating into `lang`.
    fn source_for(&self, lang: &Lang) -> Option<&LangFields> {
        if self.translate != Some(*lang) {
            return None;
        }
        self.languages.iter().find(|l| l.lang == self.default_lang)
    }

    fn is_default(&self, lang: &Lang) -> bool {
        *lang == self.default_lang
    }

    fn translating(&self, lang: &Lang) -> bool {
        self.translate == Some(*lang)
    }

    /// Whether `lang`'s fields are hidden (translate mode into another language).
    fn hidden(&self, lang: &Lang) -> bool {
        self.translate.is_some_and(|t| t != *lang)
    }

    /// The page's address below `/{lang}/` (empty for the home page; below the section for an
    /// article).
    fn path_in(&self, lang: &Lang) -> String {
        let own = self
            .languages
            .iter()
            .find(|l| l.lang == *lang && !l.slug.is_empty() && self.has_own_slug(lang))
            .map(|l| l.slug.as_str());
        let path = own.unwrap_or(super::path_below_lang(&self.slug));
        match &self.sections {
            Some(sections) => format!("{}/{path}", sections.segment(*lang)),
            None => path.to_owned(),
        }
    }

    fn is_article(&self) -> bool {
        self.article_values.is_some()
    }

    /// Where the form is sent.
    fn action(&self) -> String {
        match (self.id, self.is_article()) {
            (Some(id), _) => format!("/admin/pages/{id}"),
            (None, true) => "/admin/articles/new".into(),
            (None, false) => "/admin/pages/new".into(),
        }
    }

    /// Whether the page may have its own slug in `lang` (not the default language, not the home
    /// page, which answers at `/{lang}/`).
    fn has_own_slug(&self, lang: &Lang) -> bool {
        !self.is_default(lang) && self.slug != Slug::HOME
    }
}

/// The target language of translate mode, from `?translate=de` or the form's hidden field; never
/// the default language.
pub(super) fn translate_target(state: &AppState, value: Option<&String>) -> Option<Lang> {
    let default = state.config.languages.default_lang();
    let lang = state.config.languages.find(value?)?;
    (lang != default).then_some(lang)
}

pub(super) struct LangFields {
    pub(super) lang: Lang,
    pub(super) name: String,
    /// Its own slug (`slug.{lang}`); empty: the default language's.
    pub(super) slug: String,
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) meta_description: String,
}

#[derive(Template)]
#[template(path = "admin/page_edit.html")]
pub(super) struct PageEdit<'a> {
    pub(super) layout: AdminLayout<'a>,
    pub(super) review: review::PageReview,
    pub(super) form: PageFormView,
    pub(super) errors: HashMap<&'static str, Cow<'a, str>>,
    pub(super) error: Option<&'a str>,
    pub(super) parents: Vec<(i64, String)>,
    pub(super) blocks: Vec<BlockRowView>,
    pub(super) block_types: &'static [&'static str],
    pub(super) article: Option<ArticleForm>,
}

impl PageEdit<'_> {
    fn heading(&self) -> &str {
        self.layout
            .t(match (self.form.id.is_some(), self.form.is_article()) {
                (true, true) => "article-edit",
                (false, true) => "article-new",
                (true, false) => "page-edit",
                (false, false) => "page-new",
            })
    }

    /// The error about the own slug in `lang`, if that is where it is.
    fn slug_error(&self, lang: &Lang) -> Option<&str> {
        (self.errors.get("slugs-lang").map(|l| l.as_ref()) == Some(lang.as_str()))
            .then(|| self.errors.get("slugs").map(|e| e.as_ref()))
            .flatten()
    }
}

pub(super) struct BlockRowView {
    pub(super) id: i64,
    pub(super) block_type: String,
    pub(super) summary: String,
    pub(super) preview: super::block_preview::Preview,
    pub(super) position: usize,
    pub(super) order_up: Option<String>,
    pub(super) order_down: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn render_edit(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    mut form: PageFormView,
    errors: HashMap<&'static str, Cow<'_, str>>,
    error: Option<&str>,
    blocks: Vec<Block>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        if form.is_article() {
            Section::Articles
        } else {
            Section::Pages
        },
    );
    for fields in &mut form.languages {
        fields.name = layout.ui.language_name(fields.lang);
    }
    let article = match &form.article_values {
        Some(values) => {
            form.sections = Some(super::articles::current(state).sections.clone());
            let values = |k: &str| values.get(k).cloned();
            Some(editor::form(state, &values, layout.ui, layout.lang).await?)
        }
        None => None,
    };
    let default = state.config.languages.default_lang();
    let mut parents = store::parent_choices(&state.db, layout.lang, default).await?;
    parents.retain(|(id, _)| Some(*id) != form.id);
    let ids: Vec<i64> = blocks.iter().map(|b| b.id).collect();
    let swapped = |a: usize, b: usize| {
        let mut order = ids.clone();
        order.swap(a, b);
        order
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let blocks = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| BlockRowView {
            id: b.id,
            block_type: b.kind.type_name().to_owned(),
            summary: super::block_preview::summary(b, layout.lang, default),
            preview: super::block_preview::preview(b, layout.lang, default),
            position: i + 1,
            order_up: (i > 0).then(|| swapped(i, i - 1)),
            order_down: (i + 1 < ids.len()).then(|| swapped(i, i + 1)),
        })
        .collect();
    let review = match form.id {
        Some(id) => review::PageReview::of(&state.db, &user.user, id).await?,
        None => review::PageReview::new_page(&state.db, &user.user).await?,
    };
    let page = PageEdit {
        layout,
        review,
        form,
        errors,
        error,
        parents,
        blocks,
        block_types: block_form::BLOCK_TYPES,
        article,
    };
    Ok(html(status, page.render()?))
}

/// The page's fields per language; `render_edit` names each language in the admin's own.
pub(super) fn lang_fields(state: &AppState, map: &FormMap) -> Vec<LangFields> {
    let get = |k: String| map.get(&k).cloned().unwrap_or_default();
    state
        .config
        .languages
        .all()
        .iter()
        .map(|l| LangFields {
            lang: *l,
            name: String::new(),
            slug: get(format!("slug.{l}")),
            title: get(format!("title.{l}")),
            summary: get(format!("summary.{l}")),
            meta_description: get(format!("meta_description.{l}")),
        })
        .collect()
}

pub(super) fn form_view_from_input(
    state: &AppState,
    form: &FormMap,
    id: Option<i64>,
    version: i64,
    status: &'static str,
    kind: PageKind,
) -> PageFormView {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    PageFormView {
        id,
        version,
        slug: get("slug"),
        parent_id: get("parent_id"),
        nav_order: get("nav_order"),
        placement: get("placement"),
        publish_at: get("publish_at"),
        status,
        languages: lang_fields(state, form),
        translate: translate_target(state, form.get("translate")),
        default_lang: state.config.languages.default_lang(),
        conflict: None,
        article_values: (kind == PageKind::Article).then(|| form.clone()),
        sections: None,
    }
}
