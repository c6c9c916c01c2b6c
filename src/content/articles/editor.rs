//! The article's part of the page editor: cover and its description per language, authors,
//! categories, tags and the "updated" date, shown below an article's page fields and saved with
//! them (one form, one version, one revision).
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::model::{ArticleDetails, parse_tags};
use super::store;
use crate::error::AppError;
use crate::i18n::{Lang, Localized, Messages};
use crate::web::state::AppState;

/// The form's values as typed (or as stored), and what can be chosen.
pub struct ArticleForm {
    pub cover: String,
    /// The cover's description in each language, with that language's name.
    pub cover_alt: Vec<(Lang, String, String)>,
    pub updated_on: String,
    pub authors: Vec<i64>,
    pub categories: Vec<i64>,
    pub tags: String,
    /// Library images: id, name, thumbnail address.
    pub images: Vec<(i64, String, String)>,
    pub staff: Vec<(i64, String)>,
    pub category_names: Vec<(i64, String)>,
}

impl ArticleForm {
    pub fn has_author(&self, id: &i64) -> bool {
        self.authors.contains(id)
    }

    pub fn has_category(&self, id: &i64) -> bool {
        self.categories.contains(id)
    }

    pub fn is_cover(&self, id: &i64) -> bool {
        self.cover == id.to_string()
    }

    /// The chosen cover's thumbnail.
    pub fn cover_thumb(&self) -> Option<&str> {
        self.images
            .iter()
            .find(|(id, _, _)| self.is_cover(id))
            .map(|(_, _, thumb)| thumb.as_str())
    }
}

/// The values as stored.
pub fn values_of(details: &ArticleDetails, langs: &[Lang]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    map.insert("article_fields".into(), "1".into());
    if let Some(cover) = details.cover {
        map.insert("cover".into(), cover.to_string());
    }
    for lang in langs {
        if let Some(alt) = details.cover_alt.exact(*lang) {
            map.insert(format!("cover_alt.{lang}"), alt.clone());
        }
    }
    if let Some(on) = &details.updated_on {
        map.insert("updated_on".into(), on.clone());
    }
    for id in &details.authors {
        map.insert(format!("author.{id}"), "on".into());
    }
    for id in &details.categories {
        map.insert(format!("category.{id}"), "on".into());
    }
    map.insert("tags".into(), details.tags.join(", "));
    map
}

/// The form for `values` (stored or typed), with the choices loaded, every name in `ui`'s
/// language.
pub async fn form(
    state: &AppState,
    values: &impl Fn(&str) -> Option<String>,
    ui: &Messages,
    lang: Lang,
) -> Result<ArticleForm, AppError> {
    let default = state.config.languages.default_lang();
    let (images, _) = crate::media::store::images_page(&state.db, None, 500, 0).await?;
    let staff = store::staff(&state.db).await?;
    let categories = store::categories(&state.db).await?;
    let ticked = |prefix: &str, id: i64| values(&format!("{prefix}.{id}")).is_some();
    Ok(ArticleForm {
        cover: values("cover").unwrap_or_default(),
        cover_alt: state
            .config
            .languages
            .all()
            .iter()
            .map(|l| {
                (
                    *l,
                    ui.language_name(*l),
                    values(&format!("cover_alt.{l}")).unwrap_or_default(),
                )
            })
            .collect(),
        updated_on: values("updated_on").unwrap_or_default(),
        authors: staff
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| ticked("author", *id))
            .collect(),
        categories: categories
            .iter()
            .map(|c| c.id)
            .filter(|id| ticked("category", *id))
            .collect(),
        tags: values("tags").unwrap_or_default(),
        images: images
            .iter()
            .map(|m| (m.id, m.original_name.clone(), m.thumbnail()))
            .collect(),
        staff,
        category_names: categories
            .iter()
            .map(|c| (c.id, c.name.text(lang, default).to_owned()))
            .collect(),
    })
}

/// The article's details from the submitted form; `None` when the form carried none (translate
/// mode), so the stored ones stay. Field errors go into `errors`.
pub async fn parse(
    state: &AppState,
    values: &impl Fn(&str) -> Option<String>,
    ui: &Messages,
    errors: &mut HashMap<&'static str, Cow<'_, str>>,
) -> Result<Option<ArticleDetails>, AppError> {
    if values("article_fields").is_none() {
        return Ok(None);
    }
    let mut details = ArticleDetails::default();
    let cover = values("cover").unwrap_or_default();
    if !cover.trim().is_empty() {
        let id = cover.trim().parse::<i64>().ok();
        let (images, _) = crate::media::store::images_page(&state.db, None, 500, 0).await?;
        match id.filter(|id| images.iter().any(|m| m.id == *id)) {
            Some(id) => details.cover = Some(id),
            None => {
                errors.insert("cover", ui.t("article-error-cover").to_owned().into());
            }
        }
    }
    let mut alt = Localized::new();
    for lang in state.config.languages.all() {
        let text = values(&format!("cover_alt.{lang}")).unwrap_or_default();
        let text = text.trim();
        if !text.is_empty() {
            alt = alt.with(*lang, text.chars().take(300).collect());
        }
    }
    details.cover_alt = alt;
    let updated_on = values("updated_on").unwrap_or_default();
    if !updated_on.trim().is_empty() {
        details.updated_on = Some(updated_on.trim().to_owned());
        if details.updated_date().is_none() {
            errors.insert("updated_on", ui.t("article-error-date").to_owned().into());
        }
    }
    let staff = store::staff(&state.db).await?;
    details.authors = staff
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| values(&format!("author.{id}")).is_some())
        .collect();
    if details.authors.is_empty() {
        errors.insert("authors", ui.t("article-error-authors").to_owned().into());
    }
    details.categories = store::categories(&state.db)
        .await?
        .iter()
        .map(|c| c.id)
        .filter(|id| values(&format!("category.{id}")).is_some())
        .collect();
    details.tags = parse_tags(&values("tags").unwrap_or_default());
    Ok(Some(details))
}
