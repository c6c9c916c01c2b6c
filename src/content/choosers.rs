//! Choosing instead of typing, for block forms: the media chooser of an image field (a page of the
//! library's thumbnails as radio buttons, filtered by name, the current choice kept first, another
//! address typed beside them), and the suggestions of file and link fields (the library's images,
//! the site's published pages in each language).
use super::admin::FormMap;
use super::store;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::state::AppState;

/// The media library's images, for file fields' suggestions: path and name.
pub(super) async fn media_images(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    let (items, _) = crate::media::store::images_page(&state.db, None, 500, 0).await?;
    Ok(items
        .iter()
        .map(|m| (m.path(), m.original_name.clone()))
        .collect())
}

/// The published pages of the site in each language, for the link fields' suggestions.
pub(super) async fn site_links(
    state: &AppState,
    langs: &[Lang],
) -> Result<Vec<(String, Vec<(String, String)>)>, AppError> {
    let pages = store::page_summaries(&state.db).await?;
    let default = state.config.languages.default_lang();
    Ok(langs
        .iter()
        .map(|lang| {
            let options = pages
                .iter()
                .filter(|p| !matches!(p.status, super::model::PageStatus::Draft))
                .map(|p| {
                    let path = super::page_path(*lang, p.slug_in(*lang));
                    (path, p.title.text(*lang, default).to_owned())
                })
                .collect();
            (format!("links-{lang}"), options)
        })
        .collect())
}

/// The media chooser of an image field: a page of thumbnails as radio buttons, the current choice
/// first, and a field for an address outside the library.
pub(super) struct Chooser {
    pub(super) items: Vec<Choice>,
    pub(super) other: String,
    pub(super) other_checked: bool,
    pub(super) q: String,
    pub(super) page: i64,
    pub(super) pages: i64,
    /// The block form's address with `media_q` and `type` kept, for the pager's links.
    pub(super) pager_base: String,
}

pub(super) struct Choice {
    pub(super) path: String,
    pub(super) thumb: String,
    pub(super) name: String,
    pub(super) size: String,
    pub(super) checked: bool,
}

const CHOOSER_PAGE: i64 = 24;

impl Chooser {
    pub(super) async fn load(
        state: &AppState,
        current: &str,
        values: &FormMap,
        form_path: &str,
    ) -> Result<Chooser, AppError> {
        let q = values.get("media_q").map_or("", |q| q.trim()).to_owned();
        let page = values
            .get("media_page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1);
        let (items, total) = crate::media::store::images_page(
            &state.db,
            Some(q.as_str()),
            CHOOSER_PAGE,
            (page - 1) * CHOOSER_PAGE,
        )
        .await?;
        let choice = |m: &crate::media::store::MediaItem| Choice {
            checked: m.path() == current,
            path: m.path(),
            thumb: m.thumbnail(),
            name: m.original_name.clone(),
            size: match (m.width, m.height) {
                (Some(w), Some(h)) => format!("{w}×{h}"),
                _ => String::new(),
            },
        };
        let mut choices: Vec<Choice> = items.iter().map(choice).collect();
        let in_library = match current.strip_prefix("/media/") {
            Some(name) => crate::media::store::by_file_name(&state.db, name).await?,
            None => None,
        };
        // The current choice stays choosable (and chosen) whatever page is shown.
        if let Some(item) = &in_library
            && !choices.iter().any(|c| c.checked)
        {
            choices.insert(0, choice(item));
        }
        let other = if in_library.is_none() { current } else { "" };
        let sep = if form_path.contains('?') { '&' } else { '?' };
        Ok(Chooser {
            items: choices,
            other_checked: in_library.is_none(),
            other: other.to_owned(),
            pager_base: format!(
                "{form_path}{sep}media_q={}",
                crate::web::percent_encode(&q, b"")
            ),
            q,
            page,
            pages: ((total + CHOOSER_PAGE - 1) / CHOOSER_PAGE).max(1),
        })
    }
}
