//! `/admin/translations`: every page × every language — complete, partial or missing, page fields
//! and blocks counted apart — and stale where the default language changed after the translation
//! last did ("German older than the English edit of …"). Derived from the pages as they stand and
//! from their revisions; nothing extra is stored.
use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::login::html;
use crate::db::DbTime;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::state::AppState;

const PER_PAGE: i64 = 100;

/// Every text in `lang` within a page's snapshot, by where it stands (`/title`, `/blocks/2/content/body`):
/// the string under a key named after the language, in any object.
pub fn texts_in(value: &serde_json::Value, lang: &str) -> BTreeMap<String, String> {
    fn walk(
        value: &serde_json::Value,
        lang: &str,
        path: &mut String,
        out: &mut BTreeMap<String, String>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    if key == lang {
                        if let Some(text) = v.as_str().filter(|t| !t.trim().is_empty()) {
                            out.insert(path.clone(), text.to_owned());
                        }
                        continue;
                    }
                    let len = path.len();
                    path.push('/');
                    path.push_str(key);
                    walk(v, lang, path, out);
                    path.truncate(len);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    walk(v, lang, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(value, lang, &mut String::new(), &mut out);
    out
}

/// How much of what the default language says a translation says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub fields: (usize, usize),
    pub blocks: (usize, usize),
}

impl Coverage {
    pub fn of(snapshot: &serde_json::Value, default: &str, lang: &str) -> Coverage {
        let source = texts_in(snapshot, default);
        let target = texts_in(snapshot, lang);
        let mut c = Coverage::default();
        for path in source.keys() {
            let done = target.contains_key(path);
            let slot = if path.starts_with("/blocks/") {
                &mut c.blocks
            } else {
                &mut c.fields
            };
            slot.1 += 1;
            if done {
                slot.0 += 1;
            }
        }
        c
    }

    pub fn state(&self) -> &'static str {
        let done = self.fields.0 + self.blocks.0;
        let all = self.fields.1 + self.blocks.1;
        if done == all {
            "complete"
        } else if done == 0 {
            "missing"
        } else {
            "partial"
        }
    }
}

/// When each language last changed on a page, by its revisions (oldest first): the position of
/// the last revision that changed the language's texts, and that revision's time.
pub fn last_changes(
    revisions: &[(serde_json::Value, DbTime)],
    langs: &[Lang],
) -> BTreeMap<Lang, (usize, DbTime)> {
    let mut out = BTreeMap::new();
    for lang in langs {
        let mut before: Option<BTreeMap<String, String>> = None;
        for (i, (snapshot, at)) in revisions.iter().enumerate() {
            let now = texts_in(snapshot, lang.as_str());
            let changed = match &before {
                Some(b) => *b != now,
                None => !now.is_empty(),
            };
            if changed {
                out.insert(*lang, (i, *at));
            }
            before = Some(now);
        }
    }
    out
}

/// `?missing=de` (pages not complete in that language) and `?page=`.
#[derive(Deserialize, Default)]
pub struct MatrixQuery {
    #[serde(default)]
    missing: String,
    page: Option<i64>,
}

struct Cell {
    state: &'static str,
    /// The Fluent id of `state`.
    label: &'static str,
    fields: String,
    blocks: String,
    /// "German older than the English edit of 2026-12-01", when stale.
    stale: Option<String>,
    /// The page's form in translate mode for this language.
    translate: String,
    lang_name: String,
}

struct Row {
    id: i64,
    title: String,
    /// When the default language last changed, if the page has revisions.
    default_changed: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "admin/translations.html")]
struct MatrixPage<'a> {
    layout: AdminLayout<'a>,
    /// The languages translated into (all but the default), with their names.
    targets: Vec<(Lang, String)>,
    default_name: String,
    rows: Vec<Row>,
    missing: String,
    /// The matrix's address with its filter, for the pager.
    pager_base: String,
    total: usize,
    page: i64,
    pages: i64,
}

/// GET `/admin/translations`.
pub async fn matrix(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<MatrixQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Translations,
    );
    let ui = state.catalog.messages(layout.lang);
    let default = state.config.languages.default_lang();
    let langs = state.config.languages.all().to_vec();
    let name = |l: Lang| state.catalog.messages(l).t("language-name").to_owned();
    let targets: Vec<(Lang, String)> = langs
        .iter()
        .filter(|l| **l != default)
        .map(|l| (*l, name(*l)))
        .collect();
    let current = super::store::current_snapshots(&state.db).await?;
    let mut history: BTreeMap<i64, Vec<(serde_json::Value, DbTime)>> = BTreeMap::new();
    for (page_id, snapshot, at) in super::store::revision_snapshots(&state.db).await? {
        history
            .entry(page_id)
            .or_default()
            .push((snapshot.parse().map_err(anyhow::Error::from)?, at));
    }
    let mut rows = Vec::new();
    for (id, snapshot) in current {
        let snapshot: serde_json::Value = snapshot.parse().map_err(anyhow::Error::from)?;
        let changes = last_changes(history.get(&id).map_or(&[][..], Vec::as_slice), &langs);
        let default_change = changes.get(&default);
        let cells: Vec<Cell> = targets
            .iter()
            .map(|(lang, lang_name)| {
                let c = Coverage::of(&snapshot, default.as_str(), lang.as_str());
                let stale = match (default_change, changes.get(lang)) {
                    (Some((d, at)), Some((t, _))) if d > t && c.state() != "missing" => {
                        Some(ui.t_args(
                            "translation-stale",
                            &[
                                ("lang", lang_name.as_str().into()),
                                ("default", name(default).into()),
                                ("at", at.to_string().into()),
                            ],
                        ))
                    }
                    _ => None,
                };
                Cell {
                    state: c.state(),
                    label: match c.state() {
                        "complete" => "translation-state-complete",
                        "missing" => "translation-state-missing",
                        _ => "translation-state-partial",
                    },
                    fields: format!("{}/{}", c.fields.0, c.fields.1),
                    blocks: format!("{}/{}", c.blocks.0, c.blocks.1),
                    stale,
                    translate: format!("/admin/pages/{id}?translate={lang}"),
                    lang_name: lang_name.clone(),
                }
            })
            .collect();
        let shown = match targets
            .iter()
            .position(|(l, _)| l.as_str() == query.missing)
        {
            Some(i) => cells[i].state != "complete" || cells[i].stale.is_some(),
            None => true,
        };
        if !shown {
            continue;
        }
        let title = snapshot
            .get("title")
            .and_then(|t| {
                t.get(layout.lang.as_str())
                    .or_else(|| t.get(default.as_str()))
            })
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_owned();
        rows.push(Row {
            id,
            title,
            default_changed: default_change
                .map(|(_, at)| at.to_string())
                .unwrap_or_default(),
            cells,
        });
    }
    let total = rows.len();
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total as i64, query.page, PER_PAGE);
    let rows = rows
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(PER_PAGE as usize)
        .collect();
    let missing = if targets.iter().any(|(l, _)| l.as_str() == query.missing) {
        query.missing
    } else {
        String::new()
    };
    let view = MatrixPage {
        default_name: name(default),
        layout,
        rows,
        pager_base: format!("/admin/translations?missing={missing}&"),
        missing,
        targets,
        total,
        page,
        pages,
    };
    Ok(html(StatusCode::OK, view.render()?))
}
