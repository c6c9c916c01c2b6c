//! `/admin/translations`: every page, webinar and whitepaper × every language — complete, partial or
//! missing (page fields and blocks counted apart) — and, for pages, stale where the default language
//! changed after the translation last did ("German older than the English edit of …"). Derived from
//! what is stored and from the pages' revisions; nothing extra is kept. It shows three features at
//! once, so it sits above them.
use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::content::translations::{Coverage, last_changes};
use crate::db::{DbTime, JsonText};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::state::AppState;

const PER_PAGE: i64 = 100;

/// `?missing=de` (items not complete in that language) and `?page=`.
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
    /// Where to translate: a page's form in translate mode, a webinar's or whitepaper's form.
    translate: String,
    lang_name: String,
}

struct Row {
    id: i64,
    /// The Fluent id of what it is: a page, a webinar, a whitepaper.
    kind: &'static str,
    edit: String,
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

/// One translatable item: what it is, its id, its texts (JSON of language variants), and where it
/// is edited and translated.
struct Item {
    kind: &'static str,
    id: i64,
    snapshot: JsonText,
    edit: String,
    translate_base: String,
}

async fn items(state: &AppState) -> anyhow::Result<Vec<Item>> {
    let mut all = Vec::new();
    for (id, snapshot) in crate::content::store::current_snapshots(&state.db).await? {
        all.push(Item {
            kind: "translations-kind-page",
            id,
            snapshot,
            edit: format!("/admin/pages/{id}"),
            translate_base: format!("/admin/pages/{id}?translate="),
        });
    }
    for (id, snapshot) in crate::webinars::store::translatable(&state.db).await? {
        all.push(Item {
            kind: "translations-kind-webinar",
            id,
            snapshot,
            edit: format!("/admin/webinars/{id}"),
            translate_base: format!("/admin/webinars/{id}#lang-"),
        });
    }
    for (id, snapshot) in crate::whitepapers::store::translatable(&state.db).await? {
        all.push(Item {
            kind: "translations-kind-whitepaper",
            id,
            snapshot,
            edit: format!("/admin/whitepapers/{id}"),
            translate_base: format!("/admin/whitepapers/{id}#lang-"),
        });
    }
    Ok(all)
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
    let name = |l: Lang| ui.language_name(l);
    let targets: Vec<(Lang, String)> = langs
        .iter()
        .filter(|l| **l != default)
        .map(|l| (*l, name(*l)))
        .collect();
    let mut history: BTreeMap<i64, Vec<(serde_json::Value, DbTime)>> = BTreeMap::new();
    for (page_id, snapshot, at) in crate::content::store::revision_snapshots(&state.db).await? {
        history
            .entry(page_id)
            .or_default()
            .push((snapshot.parse().map_err(anyhow::Error::from)?, at));
    }
    let mut rows = Vec::new();
    for item in items(&state).await? {
        let snapshot: serde_json::Value = item.snapshot.parse().map_err(anyhow::Error::from)?;
        // Only pages keep revisions: staleness is known for them alone.
        let revisions = match item.kind {
            "translations-kind-page" => history.get(&item.id).map_or(&[][..], Vec::as_slice),
            _ => &[][..],
        };
        let changes = last_changes(revisions, &langs);
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
                                ("at", layout.when(at).into()),
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
                    translate: format!("{}{lang}", item.translate_base),
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
            id: item.id,
            kind: item.kind,
            edit: item.edit,
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
