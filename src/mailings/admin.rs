//! `/admin/newsletter`: the issues (newest first, with how far each got), a new one (empty or made
//! from an article), and the editor: subject and preheader per language, the audience, and the
//! body's blocks (added, moved, removed; every field kept when the form is refused).
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::draft::parse_draft;
use super::editor::{choices, editor_page, values_of};
use super::model::{Issue, MAX_BLOCKS, MailBlock, Report, Status, Texts};
use super::{delivery_store, store};
use crate::error::AppError;

use crate::web::admin_layout::{AdminLayout, Section, flash, person_lang};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::state::AppState;
use crate::web::{private_html, see_other};

const PER_PAGE: i64 = 50;

/// An issue as the list shows it.
pub struct IssueRow {
    pub issue: Issue,
    pub subject: String,
    /// Everyone, or the readers of one language, in the admin's words.
    pub audience: String,
    pub report: Option<Report>,
}

#[derive(Template)]
#[template(path = "admin/newsletter.html")]
struct ListPage<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<IssueRow>,
    articles: Vec<(i64, String)>,
    archive: bool,
    page: i64,
    pages: i64,
    pager_base: &'static str,
}

impl ListPage<'_> {
    fn status_label(&self, status: &Status) -> &str {
        self.layout.t(status.label_id())
    }
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

/// GET `/admin/newsletter`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let total = store::count(&state.db).await?;
    let paging = crate::web::Paging::of(total, query.page, PER_PAGE);
    let issues = store::list(&state.db, PER_PAGE, paging.offset).await?;
    let lang = person_lang(&req, &state, Some(&user.user));
    let ui = state.catalog.messages(lang);
    let default = state.config.languages.default_lang();
    let mut rows = Vec::with_capacity(issues.len());
    for issue in issues {
        let report = if issue.started_at.is_some() {
            Some(delivery_store::report(&state.db, issue.id).await?)
        } else {
            None
        };
        let audience = match issue
            .audience
            .as_deref()
            .and_then(|a| state.config.languages.find(a))
        {
            Some(only) => ui.t_args(
                "issue-audience-only",
                &[(
                    "language",
                    ui.t(&format!("language-{only}")).to_owned().into(),
                )],
            ),
            None => ui.t("issue-audience-all").to_owned(),
        };
        rows.push(IssueRow {
            audience,
            subject: issue.subject_in(lang, default).to_owned(),
            issue,
            report,
        });
    }
    let index = crate::content::articles::current(&state);
    let articles = index
        .articles
        .iter()
        .map(|a| (a.id, a.title.text(lang, default).to_owned()))
        .collect();
    let archive = crate::db::settings::flag(&state.db, super::ARCHIVE_SETTING).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Newsletter,
    );
    let view = ListPage {
        layout,
        rows,
        articles,
        archive,
        page: paging.page,
        pages: paging.pages,
        pager_base: "/admin/newsletter?",
    };
    Ok(private_html(StatusCode::OK, view.render()?))
}

/// POST `/admin/newsletter/new`: an empty draft.
pub async fn create(
    req: HttpRequest,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = input.user;
    let id = store::create(&state.db, user.user.id, jiff::Timestamp::now()).await?;
    crate::audit::store::record_action(
        &state.db,
        &user,
        &req,
        "newsletter-issue-created",
        &format!("issue {id}"),
    )
    .await?;
    Ok(see_other(&format!("/admin/newsletter/{id}")))
}

/// POST `/admin/newsletter/from-article`: a draft made from an article: its title as the subject,
/// its summary as the preheader, and the article as a teaser or in full.
pub async fn from_article(
    req: HttpRequest,
    session: Session,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = state
        .catalog
        .messages(person_lang(&req, &state, Some(&user.user)));
    let index = crate::content::articles::current(&state);
    let article = form
        .get("article")
        .and_then(|a| a.parse::<i64>().ok())
        .and_then(|id| index.articles.iter().find(|a| a.id == id));
    let Some(article) = article else {
        flash(&session, ui.t("issue-error-article"));
        return Ok(see_other("/admin/newsletter"));
    };
    let texts = |l: &crate::i18n::Localized<String>| -> Texts {
        l.variants()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(lang, t)| (lang.as_str().to_owned(), t.clone()))
            .collect()
    };
    let full = form.get("full").is_some_and(|v| v == "yes");
    let blocks = vec![MailBlock::Article {
        article_id: Some(article.id),
        full,
    }];
    let id = store::create_with(
        &state.db,
        user.user.id,
        &texts(&article.title),
        &texts(&article.summary),
        &blocks,
        jiff::Timestamp::now(),
    )
    .await?;
    crate::audit::store::record_action(
        &state.db,
        &user,
        &req,
        "newsletter-issue-created",
        &format!("issue {id} from article {}", article.id),
    )
    .await?;
    Ok(see_other(&format!("/admin/newsletter/{id}")))
}

/// GET `/admin/newsletter/{id}`.
pub async fn show(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let issue = store::get(&state.db, path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let values = values_of(&issue);
    editor_page(
        &req,
        &session,
        &user,
        &state,
        issue,
        values,
        HashMap::new(),
        StatusCode::OK,
    )
    .await
}

/// POST `/admin/newsletter/{id}`: saves the issue, then does what the pressed button asks (add a
/// block, move one, remove one).
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let id = path.into_inner();
    let issue = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let lang = person_lang(&req, &state, Some(&user.user));
    let ui = state.catalog.messages(lang);
    if !issue.status.is_editable() {
        flash(&session, ui.t("issue-not-editable"));
        return Ok(see_other(&format!("/admin/newsletter/{id}")));
    }
    let mut values: HashMap<String, String> = form.into_iter().collect();
    values.remove("csrf_token");
    let choices = choices(&state, lang).await?;
    let known = |kind: &str, value: &str| choices.knows(kind, value);
    let mut draft = match parse_draft(&values, &state, ui, &known) {
        Ok(draft) => draft,
        Err(errors) => {
            return editor_page(
                &req,
                &session,
                &user,
                &state,
                issue,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let action = values.get("action").cloned().unwrap_or_default();
    let mut anchor = String::new();
    if action == "add" {
        if let Some(block) = values.get("add_kind").and_then(|k| MailBlock::empty(k))
            && draft.blocks.len() < MAX_BLOCKS
        {
            draft.blocks.push(block);
            anchor = format!("#block-{}", draft.blocks.len() - 1);
        }
    } else if let Some((verb, index)) = action.split_once('-')
        && let Ok(i) = index.parse::<usize>()
        && i < draft.blocks.len()
    {
        match verb {
            "up" if i > 0 => {
                draft.blocks.swap(i, i - 1);
                anchor = format!("#block-{}", i - 1);
            }
            "down" if i + 1 < draft.blocks.len() => {
                draft.blocks.swap(i, i + 1);
                anchor = format!("#block-{}", i + 1);
            }
            "remove" => {
                draft.blocks.remove(i);
                anchor = "#blocks".to_owned();
            }
            _ => {}
        }
    }
    let saved = store::save(
        &state.db,
        id,
        &draft.subject,
        &draft.preheader,
        &draft.blocks,
        &draft.audience,
        jiff::Timestamp::now(),
    )
    .await?;
    if !saved {
        flash(&session, ui.t("issue-not-editable"));
    } else if action.is_empty() || action == "save" {
        flash(&session, ui.t("issue-saved"));
    }
    Ok(see_other(&format!("/admin/newsletter/{id}{anchor}")))
}
