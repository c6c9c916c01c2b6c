//! Review before publishing. Authors write drafts and submit them; with "publishing needs review" on
//! (a site setting, on in the demo) editors submit too, and only admins publish straight away.
//! Reviewers (editors and admins, never on their own submission unless admin) see a queue, read what
//! the submission changes against the live page, and approve (publish exactly the submitted version,
//! now or at the time asked for) or send it back with a comment; the submitter is mailed either way.
//! A live page is changed by someone who may not publish through a *draft of changes*: a draft copy
//! that approval copies onto the live page. Editing a submitted page withdraws its submission.
pub mod actions;
pub mod admin;
pub mod diff;
pub mod mails;
pub mod store;

use super::model::PageStatus;
use crate::db::{Db, sql};
use crate::error::AppError;
use crate::users::User;

/// What a person may do with one page now.
#[derive(Clone, Copy, Debug)]
pub struct Access {
    /// Put it live, schedule it or take it down without a review.
    pub may_publish: bool,
    /// Change its fields and blocks: any draft, a live page only with `may_publish`.
    pub may_edit: bool,
    /// Delete it: editors and admins who may also edit it.
    pub may_delete: bool,
    pub review_required: bool,
}

pub async fn access(db: &Db, user: &User, status: &PageStatus) -> anyhow::Result<Access> {
    let review_required = store::required(db).await?;
    let may_publish = user.may_publish(review_required);
    let may_edit = matches!(status, PageStatus::Draft) || may_publish;
    Ok(Access {
        may_publish,
        may_edit,
        may_delete: may_edit && user.is_reviewer(),
        review_required,
    })
}

/// The access of `user` to page `page_id` (404 when there is no such page).
pub async fn page_access(db: &Db, user: &User, page_id: i64) -> Result<Access, AppError> {
    let status: Option<String> = sql("SELECT status FROM pages WHERE id = $1")
        .bind(page_id)
        .scalar_optional(db)
        .await
        .map_err(anyhow::Error::from)?;
    let status = status.ok_or(AppError::NotFound)?;
    // Only whether it is a draft matters here; the time is not read.
    let status = if status == "draft" {
        PageStatus::Draft
    } else {
        PageStatus::Published(crate::db::now())
    };
    Ok(access(db, user, &status).await?)
}

/// 403 unless `user` may change page `page_id`'s fields and blocks.
pub async fn require_edit(db: &Db, user: &User, page_id: i64) -> Result<Access, AppError> {
    let access = page_access(db, user, page_id).await?;
    if access.may_edit {
        Ok(access)
    } else {
        Err(AppError::Forbidden)
    }
}

/// What a page's edit form shows about review: which buttons this person has, the open
/// submission, the draft of changes, the last reviewer's comment.
#[derive(Default)]
pub struct PageReview {
    pub may_publish: bool,
    pub may_edit: bool,
    pub may_delete: bool,
    /// The open submission of this page.
    pub pending: Option<i64>,
    /// This page is a draft of changes to that live page.
    pub draft_of: Option<i64>,
    /// The draft of changes this live page has.
    pub changes_draft: Option<i64>,
    /// The newest decision's status and comment, when changes were requested.
    pub sent_back: Option<(String, String)>,
}

impl PageReview {
    pub async fn new_page(db: &Db, user: &User) -> anyhow::Result<PageReview> {
        let access = access(db, user, &PageStatus::Draft).await?;
        Ok(PageReview {
            may_publish: access.may_publish,
            may_edit: true,
            ..PageReview::default()
        })
    }

    pub async fn of(db: &Db, user: &User, page_id: i64) -> Result<PageReview, AppError> {
        let access = page_access(db, user, page_id).await?;
        let history = store::for_page(db, page_id).await?;
        let sent_back = history
            .first()
            .filter(|s| s.status == "changes-requested")
            .map(|s| (s.reviewer.clone().unwrap_or_default(), s.comment.clone()));
        Ok(PageReview {
            may_publish: access.may_publish,
            may_edit: access.may_edit,
            may_delete: access.may_delete,
            pending: history.iter().find(|s| s.status == "pending").map(|s| s.id),
            draft_of: store::live_of(db, page_id).await?,
            changes_draft: store::draft_for(db, page_id).await?,
            sent_back,
        })
    }
}
