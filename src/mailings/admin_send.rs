//! What happens to an issue after writing: its preview in each language (HTML exactly as mailed,
//! and the text part), a test to one's own address, sending now or at a time typed in one's own
//! zone (or submitting it for review, where the site requires review), approving or sending back,
//! and pause, resume and cancel while it sends.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use jiff::Timestamp;

use super::editor::editor_page;
use super::model::{Issue, RenderedMail, Status, UNSUBSCRIBE_MARK};
use super::{delivery_store, render, store};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{flash, person_lang, user_zone};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::see_other;
use crate::web::state::AppState;

/// Only the mail's own inline styles: a preview runs no script and loads nothing but images.
const PREVIEW_POLICY: &str = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; sandbox allow-popups allow-popups-to-escape-sandbox";

async fn issue(state: &AppState, id: i64) -> Result<Issue, AppError> {
    store::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// The mail of `issue` in `lang`: as it was sent, once sending started; else as it would be now.
async fn mail_of(state: &AppState, issue: &Issue, lang: Lang) -> anyhow::Result<RenderedMail> {
    if let Some(rendered) = store::rendered(&state.db, issue.id).await? {
        let mut mails: std::collections::BTreeMap<String, RenderedMail> = rendered.parse()?;
        if let Some(mail) = mails.remove(lang.as_str()) {
            return Ok(mail);
        }
    }
    let resolved = render::resolve(state, issue).await?;
    resolved.mail(issue, lang, state.catalog.messages(lang))
}

#[derive(serde::Deserialize)]
pub struct PreviewQuery {
    format: Option<String>,
}

/// GET `/admin/newsletter/{id}/preview/{lang}`: the HTML mail (or `?format=text`, its text part).
pub async fn preview(
    path: web::Path<(i64, String)>,
    query: web::Query<PreviewQuery>,
    _user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, code) = path.into_inner();
    let lang = state
        .config
        .languages
        .find(&code)
        .ok_or(AppError::NotFound)?;
    let issue = issue(&state, id).await?;
    let mail = mail_of(&state, &issue, lang).await?;
    let example = format!("{}/{lang}/newsletter/subscribe", state.config.base_url);
    let mut answer = HttpResponse::Ok();
    answer
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("Content-Security-Policy", PREVIEW_POLICY));
    Ok(if query.format.as_deref() == Some("text") {
        answer
            .content_type("text/plain; charset=utf-8")
            .body(mail.text.replace(UNSUBSCRIBE_MARK, &example))
    } else {
        answer
            .content_type("text/html; charset=utf-8")
            .body(mail.html.replace(UNSUBSCRIBE_MARK, &example))
    })
}

/// The fields an issue needs before it can go: a subject and a body that shows something, in the
/// language of its audience (the site's default language for everyone).
async fn not_ready(
    state: &AppState,
    issue: &Issue,
    ui: &crate::i18n::Messages,
) -> anyhow::Result<HashMap<String, String>> {
    let default = state.config.languages.default_lang();
    let lang = issue
        .audience
        .as_deref()
        .and_then(|a| state.config.languages.find(a))
        .unwrap_or(default);
    let mut errors = HashMap::new();
    if issue.subject_in(lang, default).trim().is_empty() {
        errors.insert(
            format!("subject.{lang}"),
            ui.t("issue-error-subject-missing").to_owned(),
        );
    }
    let resolved = render::resolve(state, issue).await?;
    if resolved.view(lang, state.catalog.messages(lang)).is_empty() {
        errors.insert("blocks".to_owned(), ui.t("issue-error-empty").to_owned());
    }
    Ok(errors)
}

/// When the form says to send: now, or the time typed in the person's zone (not in the past).
fn send_time(
    form: &HashMap<String, String>,
    state: &AppState,
    user: &CurrentUser,
    ui: &crate::i18n::Messages,
) -> Result<Option<Timestamp>, (String, String)> {
    if form.get("when").map(String::as_str) != Some("later") {
        return Ok(None);
    }
    let typed = form.get("send_at").map_or("", |s| s.trim());
    let (zone, zone_name) = user_zone(state, Some(&user.user));
    match crate::zones::parse_local(typed, &zone) {
        Ok(at) if at > Timestamp::now() => Ok(Some(at)),
        Ok(_) => Err(("send_at".to_owned(), ui.t("issue-error-past").to_owned())),
        Err(e) => Err(("send_at".to_owned(), e.message(ui, typed, &zone_name))),
    }
}

/// The editor again with `errors` (422), what was typed kept.
async fn refused(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    state: &AppState,
    issue: Issue,
    form: &HashMap<String, String>,
    errors: HashMap<String, String>,
) -> Result<HttpResponse, AppError> {
    let mut values = super::editor::values_of(&issue);
    for key in ["when", "send_at", "comment"] {
        if let Some(v) = form.get(key) {
            values.insert(key.to_owned(), v.clone());
        }
    }
    editor_page(
        req,
        session,
        user,
        state,
        issue,
        values,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Where an admin action on issue `id` leads: back to the issue, with the action logged and
/// `said` shown when it happened, else "the issue has moved on meanwhile".
async fn back_to_issue(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    state: &AppState,
    id: i64,
    done: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    let ui = state
        .catalog
        .messages(person_lang(req, state, Some(&user.user)));
    match done {
        Some((action, said)) => {
            record_action(&state.db, user, req, action, &format!("issue {id}")).await?;
            flash(session, ui.t(said));
        }
        None => flash(session, ui.t("issue-not-editable")),
    }
    Ok(see_other(&format!("/admin/newsletter/{id}")))
}

/// POST `/admin/newsletter/{id}/send`: send now or schedule, for those who may send without a
/// review; others submit it (the same form).
pub async fn send(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let id = path.into_inner();
    let issue = issue(&state, id).await?;
    let ui = state
        .catalog
        .messages(person_lang(&req, &state, Some(&user.user)));
    if issue.status != Status::Draft {
        return back_to_issue(&req, &session, &user, &state, id, None).await;
    }
    let mut errors = not_ready(&state, &issue, ui).await?;
    let at = match send_time(&form, &state, &user, ui) {
        Ok(at) => at,
        Err((field, message)) => {
            errors.insert(field, message);
            None
        }
    };
    if !errors.is_empty() {
        return refused(&req, &session, &user, &state, issue, &form, errors).await;
    }
    let now = Timestamp::now();
    let review_required = crate::content::review::store::required(&state.db).await?;
    if !user.user.may_publish(review_required) {
        let done = store::submit(&state.db, id, user.user.id, at, now).await?;
        let done = done.then_some(("newsletter-issue-submitted", "issue-submitted"));
        return back_to_issue(&req, &session, &user, &state, id, done).await;
    }
    let done = store::schedule(&state.db, id, Status::Draft, at.unwrap_or(now), now).await?;
    let said = if at.is_some() {
        "issue-scheduled"
    } else {
        "issue-sending-now"
    };
    let done = done.then_some(("newsletter-issue-scheduled", said));
    back_to_issue(&req, &session, &user, &state, id, done).await
}

/// POST `/admin/newsletter/{id}/approve`: a reviewer (never of their own submission, unless an
/// admin) lets a submitted issue go at the time it asked for (now if that has passed).
pub async fn approve(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form: _ } = input;
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let id = path.into_inner();
    let issue = issue(&state, id).await?;
    if !user.user.is_admin() && issue.submitted_by == Some(user.user.id) {
        return Err(AppError::Forbidden);
    }
    let now = Timestamp::now();
    let at = issue
        .send_at
        .map(Timestamp::from)
        .filter(|at| *at > now)
        .unwrap_or(now);
    let done = store::schedule(&state.db, id, Status::Submitted, at, now).await?;
    let done = done.then_some(("newsletter-issue-approved", "issue-approved"));
    back_to_issue(&req, &session, &user, &state, id, done).await
}

/// POST `/admin/newsletter/{id}/return`: back to its author as a draft, with a comment.
pub async fn send_back(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let id = path.into_inner();
    let issue = issue(&state, id).await?;
    let ui = state
        .catalog
        .messages(person_lang(&req, &state, Some(&user.user)));
    let comment = form.get("comment").map_or("", |c| c.trim());
    if comment.is_empty() || comment.chars().count() > 2000 {
        let errors =
            HashMap::from([("comment".to_owned(), ui.t("issue-error-comment").to_owned())]);
        return refused(&req, &session, &user, &state, issue, &form, errors).await;
    }
    let done = store::send_back(&state.db, id, comment, Timestamp::now()).await?;
    let done = done.then_some(("newsletter-issue-returned", "issue-returned"));
    back_to_issue(&req, &session, &user, &state, id, done).await
}

/// POST `/admin/newsletter/{id}/{pause|resume|cancel|unschedule}` (editors and admins).
pub async fn control(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, String)>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let (id, verb) = path.into_inner();
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let ui = state
        .catalog
        .messages(person_lang(&req, &state, Some(&user.user)));
    let now = Timestamp::now();
    let (done, action, said) = match verb.as_str() {
        "pause" => (
            store::transition(&state.db, id, &[Status::Sending], Status::Paused, now).await?,
            "newsletter-issue-paused",
            "issue-paused",
        ),
        "resume" => (
            store::transition(&state.db, id, &[Status::Paused], Status::Sending, now).await?,
            "newsletter-issue-resumed",
            "issue-resumed",
        ),
        "unschedule" => (
            store::transition(&state.db, id, &[Status::Scheduled], Status::Draft, now).await?,
            "newsletter-issue-unscheduled",
            "issue-unscheduled",
        ),
        "cancel" => {
            if form.get("confirm").map(String::as_str) != Some("yes") {
                flash(&session, ui.t("issue-cancel-confirm"));
                return Ok(see_other(&format!("/admin/newsletter/{id}")));
            }
            (
                delivery_store::cancel(&state.db, id, now).await?,
                "newsletter-issue-cancelled",
                "issue-cancelled",
            )
        }
        _ => return Err(AppError::NotFound),
    };
    let done = done.then_some((action, said));
    back_to_issue(&req, &session, &user, &state, id, done).await
}

/// POST `/admin/newsletter/{id}/delete`: a draft goes (after the tick).
pub async fn delete(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let id = path.into_inner();
    let issue = issue(&state, id).await?;
    // Editors and admins delete any draft; an author their own.
    if !user.user.is_reviewer() && issue.created_by != Some(user.user.id) {
        return Err(AppError::Forbidden);
    }
    let ui = state
        .catalog
        .messages(person_lang(&req, &state, Some(&user.user)));
    if form.get("confirm").map(String::as_str) != Some("yes") {
        flash(&session, ui.t("issue-delete-confirm"));
        return Ok(see_other(&format!("/admin/newsletter/{id}")));
    }
    if !store::delete_draft(&state.db, id).await? {
        flash(&session, ui.t("issue-not-editable"));
        return Ok(see_other(&format!("/admin/newsletter/{id}")));
    }
    record_action(
        &state.db,
        &user,
        &req,
        "newsletter-issue-deleted",
        &format!("issue {id}"),
    )
    .await?;
    flash(&session, ui.t("issue-deleted"));
    Ok(see_other("/admin/newsletter"))
}

/// POST `/admin/newsletter/{id}/test`: the mail in the chosen language to one's own address,
/// through the outbox, its subject marked as a test.
pub async fn test(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let id = path.into_inner();
    let issue = issue(&state, id).await?;
    let ui = state
        .catalog
        .messages(person_lang(&req, &state, Some(&user.user)));
    let lang = form
        .get("lang")
        .and_then(|l| state.config.languages.find(l))
        .unwrap_or_else(|| state.config.languages.default_lang());
    let mail = mail_of(&state, &issue, lang).await?;
    let example = format!("{}/{lang}/newsletter/subscribe", state.config.base_url);
    let new = crate::outbox::store::NewMail {
        recipient: user.user.email.as_str().to_owned(),
        subject: format!("[{}] {}", ui.t("issue-test-mark"), mail.subject),
        text: mail.text.replace(UNSUBSCRIBE_MARK, &example),
        html: mail.html.replace(UNSUBSCRIBE_MARK, &example),
        attachment: None,
    };
    let mut tx = state.db.begin().await?;
    crate::outbox::store::enqueue_placed(
        &mut tx,
        &new,
        &crate::outbox::store::Placement {
            purpose: "newsletter-test",
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    record_action(
        &state.db,
        &user,
        &req,
        "newsletter-issue-tested",
        &format!("issue {id} ({lang})"),
    )
    .await?;
    flash(
        &session,
        &ui.t_args(
            "issue-test-sent",
            &[("email", user.user.email.as_str().into())],
        ),
    );
    Ok(see_other(&format!("/admin/newsletter/{id}")))
}

/// POST `/admin/newsletter/archive`: whether sent issues are listed at `/{lang}/newsletter`.
pub async fn archive(
    req: HttpRequest,
    session: Session,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let on = form.get("archive").is_some_and(|v| v == "yes");
    crate::db::settings::set_flag(&state.db, super::ARCHIVE_SETTING, on).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "newsletter-archive-changed",
        if on { "on" } else { "off" },
    )
    .await?;
    crate::content::content_changed(&state, None).await?;
    let ui = state
        .catalog
        .messages(person_lang(&req, &state, Some(&user.user)));
    flash(&session, ui.t("issue-archive-saved"));
    Ok(see_other("/admin/newsletter"))
}
