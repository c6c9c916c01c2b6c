//! `/admin`: the next consultations and webinars, the newest registrations and whitepaper leads,
//! unread contact messages,
//! recent changes, scheduled pages, pages missing a
//! translation.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::audit::{AuditLine, store as audit};
use crate::content::PageStatus;
use crate::content::articles::model::PageKind;
use crate::content::review;
use crate::content::store::page_summaries;
use crate::db;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard<'a> {
    layout: AdminLayout<'a>,
    /// Submissions waiting for review (reviewers), and this person's newest ones.
    review_queue: Vec<review::admin::Item>,
    my_submissions: Vec<review::admin::Item>,
    recent: Vec<AuditLine>,
    scheduled: Vec<(i64, String, String)>,
    /// Articles that go live by themselves, and the newest article drafts (id, title, time).
    scheduled_articles: Vec<(i64, String, String)>,
    article_drafts: Vec<(i64, String, String)>,
    untranslated: Vec<(i64, String, Vec<Lang>)>,
    upcoming: Vec<crate::booking::store::BookingListing>,
    webinars: Vec<crate::webinars::admin::Row>,
    registrations: Vec<(i64, String, String, String)>,
    leads: Vec<(i64, String, String, String)>,
    /// Unread contact messages: how many, and the newest few.
    unread: i64,
    messages: Vec<crate::contact::store::Message>,
    failed_mails: i64,
    /// No mail server is set: mails wait in the outbox.
    mail_stays: bool,
    /// The last seven days' visitors, page views, leads and conversion (editors and admins).
    visits: Vec<crate::visits::admin::Card>,
    /// The inbox: leads nobody has touched, and open leads whose follow-up day has passed.
    inbox_new: i64,
    inbox_overdue: i64,
}

impl Dashboard<'_> {
    fn review_status(&self, status: &str) -> &'static str {
        review::admin::status_id(status)
    }
}

/// GET `/admin`.
pub async fn dashboard(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pages = page_summaries(&state.db).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Dashboard,
    );
    let (lang, default) = (layout.lang, state.config.languages.default_lang());
    let now = db::now();
    let scheduled_of = |kind: PageKind| -> Vec<(i64, String, String)> {
        pages
            .iter()
            .filter(|p| p.kind == kind)
            .filter_map(|p| match p.status {
                PageStatus::Scheduled(at) if at > now => Some((
                    p.id,
                    p.title.text(lang, default).to_owned(),
                    db::to_db_time(at),
                )),
                _ => None,
            })
            .collect()
    };
    let scheduled = scheduled_of(PageKind::Page);
    let scheduled_articles = scheduled_of(PageKind::Article);
    let mut drafts: Vec<_> = pages
        .iter()
        .filter(|p| p.kind == PageKind::Article && matches!(p.status, PageStatus::Draft))
        .collect();
    drafts.sort_by_key(|p| std::cmp::Reverse(p.updated_at));
    let article_drafts = drafts
        .iter()
        .take(5)
        .map(|p| {
            let title = p.title.text(lang, default).to_owned();
            (p.id, title, db::to_db_time(p.updated_at))
        })
        .collect();
    let langs = state.config.languages.all();
    let untranslated = pages
        .iter()
        .filter_map(|p| {
            let missing = p.title.missing(langs);
            (!missing.is_empty()).then(|| (p.id, p.title.text(lang, default).to_owned(), missing))
        })
        .collect();
    // Authors see their work only; leads, bookings and the audit log are for editors and admins.
    let reviewer = user.user.is_reviewer();
    let (recent, upcoming, webinars, registrations, leads, unread, messages, failed_mails) =
        if reviewer {
            // The audit log (sign-ins, failed ones among them) is the admins' alone.
            let recent = if user.user.is_admin() {
                audit::recent(&state.db, 10, 0).await?
            } else {
                Vec::new()
            };
            let upcoming =
                crate::booking::store::upcoming(&state.db, jiff::Timestamp::now(), 10).await?;
            let webinars = crate::webinars::store::upcoming(&state.db, jiff::Timestamp::now(), 5)
                .await?
                .iter()
                .map(|w| crate::webinars::admin::Row::of(w, layout.ui, default))
                .collect();
            let registrations =
                crate::webinars::registration_store::recent_registrations(&state.db, 8)
                    .await?
                    .into_iter()
                    .map(|r| {
                        let title: crate::i18n::Localized<String> =
                            r.webinar_title.parse().unwrap_or_default();
                        (
                            r.webinar_id,
                            format!("{} {}", r.first_name, r.last_name),
                            title.text(lang, default).to_owned(),
                            r.created_at.to_text(),
                        )
                    })
                    .collect();
            let filter = crate::whitepapers::lead_store::LeadFilter::default();
            let leads = crate::whitepapers::lead_store::leads(&state.db, &filter, 8, 0)
                .await?
                .into_iter()
                .map(|l| {
                    let title: crate::i18n::Localized<String> =
                        l.whitepaper_title.parse().unwrap_or_default();
                    (
                        l.whitepaper_id,
                        format!("{} {}", l.first_name, l.last_name),
                        title.text(lang, default).to_owned(),
                        l.created_at.to_text(),
                    )
                })
                .collect();
            let unread_filter = crate::contact::store::Filter {
                status: Some(crate::contact::store::Status::Unread),
            };
            let unread = crate::contact::store::count(&state.db, unread_filter).await?;
            let messages = crate::contact::store::list(&state.db, unread_filter, 5, 0).await?;
            let failed_mails = crate::outbox::store::count_failed(&state.db).await?;
            (
                recent,
                upcoming,
                webinars,
                registrations,
                leads,
                unread,
                messages,
                failed_mails,
            )
        } else {
            Default::default()
        };
    let review_queue = if reviewer {
        review::store::pending(&state.db, 10).await?
    } else {
        Vec::new()
    };
    let review_queue = review_queue
        .iter()
        .map(|s| review::admin::Item::of(s, &state, layout.ui))
        .collect();
    let my_submissions = review::store::submitted_by(&state.db, user.user.id, 5, 0)
        .await?
        .iter()
        .map(|s| review::admin::Item::of(s, &state, layout.ui))
        .collect();
    let recent = recent
        .into_iter()
        .map(|e| AuditLine::of(e, layout.ui))
        .collect();
    let visits = if reviewer {
        crate::visits::admin::last_week(&state, layout.lang).await?
    } else {
        Vec::new()
    };
    let (inbox_new, inbox_overdue) = if reviewer {
        crate::leads::store::new_and_overdue(&state.db, &crate::leads::reminders::today(&state))
            .await?
    } else {
        (0, 0)
    };
    let page = Dashboard {
        visits,
        inbox_new,
        inbox_overdue,
        layout,
        review_queue,
        my_submissions,
        recent,
        scheduled,
        scheduled_articles,
        article_drafts,
        untranslated,
        upcoming,
        webinars,
        registrations,
        leads,
        unread,
        messages,
        failed_mails,
        mail_stays: state.config.smtp_url.is_none(),
    };
    Ok(html(StatusCode::OK, page.render()?))
}
