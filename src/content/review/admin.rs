//! The review screens: `/admin/review` (the queue for reviewers, one's own submissions for
//! everyone), a submission with what it changes, and the forms that submit, withdraw, approve and
//! send back. Every step is audited; decisions mail the submitter.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::diff::{self, Labels};
use super::mails;
use super::store::{self, ApproveError, Submission};
use crate::content::admin::audit;
use crate::error::AppError;
use crate::i18n::{Localized, Messages};
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;

type FormMap = HashMap<String, String>;

/// A submission as the lists and the detail show it.
pub struct Item {
    pub id: i64,
    pub page_id: i64,
    pub title: String,
    /// A draft of changes to a live page, rather than a new page.
    pub changes: bool,
    pub submitter: String,
    pub submitted_at: String,
    pub message: String,
    pub publish_at: String,
    pub status: String,
    pub reviewer: String,
    pub decided_at: String,
    pub comment: String,
}

impl Item {
    pub fn of(s: &Submission, state: &AppState, ui: &Messages) -> Item {
        let default = state.config.languages.default_lang();
        let title: Localized<String> = s.title.parse().unwrap_or_default();
        Item {
            id: s.id,
            page_id: s.page_id,
            title: title.text(ui.lang(), default).to_owned(),
            changes: s.draft_of.is_some() || s.before_snapshot.is_some(),
            submitter: s.submitter.clone().unwrap_or_default(),
            submitted_at: s.submitted_at.to_text(),
            message: s.message.clone(),
            publish_at: s.publish_at.map(|t| t.to_text()).unwrap_or_default(),
            status: s.status.clone(),
            reviewer: s.reviewer.clone().unwrap_or_default(),
            decided_at: s.decided_at.map(|t| t.to_text()).unwrap_or_default(),
            comment: s.comment.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/review_list.html")]
struct ReviewList<'a> {
    layout: AdminLayout<'a>,
    pending: Vec<Item>,
    /// All pending, when more wait than the queue shows.
    pending_total: i64,
    mine: Vec<Item>,
    /// The pager of one's own submissions.
    pager_base: &'static str,
    page: i64,
    pages: i64,
}

/// The queue shows the oldest this many; one's own submissions are paged by this many.
const QUEUE: i64 = 100;
const MINE_PER_PAGE: i64 = 20;

#[derive(serde::Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

/// The message id of a submission's status.
pub fn status_id(status: &str) -> &'static str {
    match status {
        "pending" => "review-status-pending",
        "approved" => "review-status-approved",
        "changes-requested" => "review-status-changes-requested",
        _ => "review-status-withdrawn",
    }
}

impl ReviewList<'_> {
    fn status_id(&self, status: &str) -> &'static str {
        status_id(status)
    }
}

/// GET `/admin/review`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Review,
    );
    let (pending, pending_total) = if user.user.is_reviewer() {
        (
            store::pending(&state.db, QUEUE).await?,
            store::count_pending(&state.db).await?,
        )
    } else {
        (Vec::new(), 0)
    };
    let total = store::count_submitted_by(&state.db, user.user.id).await?;
    let paging = crate::web::Paging::of(total, query.page, MINE_PER_PAGE);
    let mine = store::submitted_by(&state.db, user.user.id, MINE_PER_PAGE, paging.offset).await?;
    let page = ReviewList {
        pending: pending
            .iter()
            .map(|s| Item::of(s, &state, layout.ui))
            .collect(),
        pending_total,
        mine: mine
            .iter()
            .map(|s| Item::of(s, &state, layout.ui))
            .collect(),
        pager_base: "/admin/review?",
        page: paging.page,
        pages: paging.pages,
        layout,
    };
    Ok(html(StatusCode::OK, page.render()?))
}

pub struct DiffRow {
    pub part: String,
    pub field: String,
    /// The language's name in the admin's language; empty for values without one.
    pub lang: String,
    pub before: Vec<diff::Piece>,
    pub after: Vec<diff::Piece>,
    pub change: &'static str,
}

#[derive(Template)]
#[template(path = "admin/review.html")]
struct ReviewDetail<'a> {
    layout: AdminLayout<'a>,
    item: Item,
    rows: Vec<DiffRow>,
    /// How many rows differ, and how many parts stayed as they were.
    changed: usize,
    unchanged: usize,
    /// This person may approve or send back (a reviewer, not on their own unless admin).
    may_decide: bool,
    may_withdraw: bool,
    comment: String,
    errors: HashMap<&'static str, &'a str>,
    error: Option<&'a str>,
}

impl ReviewDetail<'_> {
    fn status_id(&self, status: &str) -> &'static str {
        status_id(status)
    }
}

struct UiLabels<'a>(&'a Messages);

impl Labels for UiLabels<'_> {
    fn field(&self, name: &str) -> String {
        let id = match name {
            "title" => "field-title",
            "summary" => "field-summary",
            _ => "field-meta-description",
        };
        self.0.t(id).to_owned()
    }

    fn block(&self, position: usize, block_type: &str) -> String {
        format!(
            "{} {position}: {}",
            self.0.t("review-block"),
            self.0.t(block_type)
        )
    }
}

/// The submission `id` for a reviewer about to decide it: 403 for anyone else, and for the
/// submitter unless they are admin.
async fn deciding(state: &AppState, user: &CurrentUser, id: i64) -> Result<Submission, AppError> {
    let s = visible(state, user, id).await?;
    if !user.user.is_reviewer() || (s.submitted_by == Some(user.user.id) && !user.user.is_admin()) {
        return Err(AppError::Forbidden);
    }
    Ok(s)
}

/// The reviewer's comment, trimmed, at most 2,000 characters.
fn comment_of(form: &FormMap) -> String {
    form.get("comment")
        .map(|c| c.trim().chars().take(2000).collect())
        .unwrap_or_default()
}

fn may_decide(user: &CurrentUser, s: &Submission) -> bool {
    s.status == "pending"
        && user.user.is_reviewer()
        && (s.submitted_by != Some(user.user.id) || user.user.is_admin())
}

/// Reviewers see every submission; authors only their own.
async fn visible(state: &AppState, user: &CurrentUser, id: i64) -> Result<Submission, AppError> {
    let s = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if user.user.is_reviewer() || s.submitted_by == Some(user.user.id) {
        Ok(s)
    } else {
        Err(AppError::Forbidden)
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_detail(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    s: &Submission,
    comment: String,
    errors: HashMap<&'static str, &str>,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Review,
    );
    let submitted: serde_json::Value = s
        .snapshot
        .parse()
        .map_err(|e| AppError::Internal(e.into()))?;
    // A draft of changes compares with its live page as it is now, an approved one with the live
    // page as it was when approved; a new page with nothing.
    let live = match (&s.before_snapshot, s.draft_of) {
        (Some(before), _) => Some(before.clone()),
        (None, Some(live)) => store::snapshot(&state.db, live).await?,
        (None, None) => None,
    };
    let live: Option<serde_json::Value> = live
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|e| AppError::Internal(e.into()))?;
    let langs: Vec<&str> = state
        .config
        .languages
        .all()
        .iter()
        .map(|l| l.as_str())
        .collect();
    let d = diff::diff(live.as_ref(), &submitted, &langs, &UiLabels(layout.ui));
    let rows: Vec<DiffRow> = d
        .rows
        .into_iter()
        .map(|r| {
            let (before, after) = diff::words(&r.before, &r.after);
            let lang = state
                .config
                .languages
                .find(&r.lang)
                .map(|l| layout.ui.t(&format!("language-{}", l.as_str())).to_owned())
                .unwrap_or_default();
            DiffRow {
                part: r.part,
                field: r.field,
                lang,
                before,
                after,
                change: r.change.as_str(),
            }
        })
        .collect();
    let page = ReviewDetail {
        item: Item::of(s, state, layout.ui),
        changed: rows.len(),
        rows,
        unchanged: d.unchanged,
        may_decide: may_decide(user, s),
        may_withdraw: s.status == "pending" && s.submitted_by == Some(user.user.id),
        comment,
        errors,
        error,
        layout,
    };
    Ok(html(status, page.render()?))
}

/// GET `/admin/review/{id}`.
pub async fn detail(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let s = visible(&state, &user, path.into_inner()).await?;
    render_detail(
        &req,
        &state,
        &user,
        Some(&session),
        &s,
        String::new(),
        HashMap::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// POST `/admin/review/{id}/withdraw`: the submitter takes it back.
pub async fn withdraw(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let user = input.user;
    let s = visible(&state, &user, id).await?;
    if s.submitted_by != Some(user.user.id) {
        return Err(AppError::Forbidden);
    }
    let ui = state.catalog.messages(admin_lang(&req, &state));
    if store::decide(&state.db, id, "withdrawn", user.user.id, "", None).await? {
        audit(
            &state,
            &req,
            &user,
            "submission-withdrawn",
            s.page_id,
            &format!("submission {id}"),
        )
        .await?;
        flash(&session, ui.t("review-withdrawn"));
    } else {
        flash(&session, ui.t("review-not-pending"));
    }
    Ok(see_other(&format!("/admin/pages/{}", s.page_id)))
}

fn decision_mail(
    state: &AppState,
    s: &Submission,
    reviewer: &CurrentUser,
    comment: &str,
    page_id: i64,
    approved: bool,
) -> anyhow::Result<Option<crate::outbox::store::NewMail>> {
    let Some(recipient) = s.submitter_email.as_deref() else {
        return Ok(None);
    };
    if s.submitted_by == Some(reviewer.user.id) {
        return Ok(None);
    }
    // In the submitter's own language, else the site's.
    let default = state.config.languages.default_lang();
    let lang = s
        .submitter_language
        .as_deref()
        .and_then(|l| state.config.languages.find(l))
        .unwrap_or(default);
    let ui = state.catalog.messages(lang);
    let title: Localized<String> = s.title.parse().unwrap_or_default();
    let link = format!("{}/admin/pages/{page_id}", state.config.base_url);
    Ok(Some(mails::decision(
        ui,
        &mails::Decision {
            recipient,
            title: title.text(lang, default),
            reviewer: &reviewer.user.display_name,
            comment,
            link: &link,
            approved,
        },
    )?))
}

/// POST `/admin/review/{id}/approve`.
pub async fn approve(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, form } = input;
    let s = deciding(&state, &user, id).await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let comment = comment_of(&form);
    let target = s.draft_of.unwrap_or(s.page_id);
    let mail = decision_mail(&state, &s, &user, &comment, target, true)?;
    match store::approve(&state.db, id, user.user.id, &comment, mail.as_ref()).await? {
        Ok(approved) => {
            audit(
                &state,
                &req,
                &user,
                if approved.scheduled {
                    "page-approved-scheduled"
                } else {
                    "page-approved"
                },
                approved.page_id,
                &format!("submission {id}, {}", approved.slug),
            )
            .await?;
            crate::content::content_changed(&state, Some(approved.page_id)).await?;
            flash(&session, ui.t("review-approved"));
            Ok(see_other(&format!("/admin/pages/{}", approved.page_id)))
        }
        Err(e) => {
            let message = match e {
                ApproveError::NotPending => ui.t("review-not-pending"),
                ApproveError::Changed => ui.t("review-changed"),
            };
            refused(&req, &state, &user, id, comment, message).await
        }
    }
}

/// POST `/admin/review/{id}/request-changes`: back to the submitter with a comment (required).
pub async fn request_changes(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, form } = input;
    let s = deciding(&state, &user, id).await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let comment = comment_of(&form);
    if comment.is_empty() {
        let mut errors = HashMap::new();
        errors.insert("comment", ui.t("review-comment-required"));
        return render_detail(
            &req,
            &state,
            &user,
            None,
            &s,
            comment,
            errors,
            Some(ui.t("form-has-errors")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mail = decision_mail(&state, &s, &user, &comment, s.page_id, false)?;
    if store::decide(
        &state.db,
        id,
        "changes-requested",
        user.user.id,
        &comment,
        mail.as_ref(),
    )
    .await?
    {
        audit(
            &state,
            &req,
            &user,
            "changes-requested",
            s.page_id,
            &format!("submission {id}"),
        )
        .await?;
        flash(&session, ui.t("review-sent-back"));
        Ok(see_other("/admin/review"))
    } else {
        refused(&req, &state, &user, id, comment, ui.t("review-not-pending")).await
    }
}

/// A decision that came too late (decided or withdrawn meanwhile, or the page changed): 409 with
/// the submission as it is now and the reviewer's comment kept.
async fn refused(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    comment: String,
    message: &str,
) -> Result<HttpResponse, AppError> {
    let s = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    render_detail(
        req,
        state,
        user,
        None,
        &s,
        comment,
        HashMap::new(),
        Some(message),
        StatusCode::CONFLICT,
    )
    .await
}
