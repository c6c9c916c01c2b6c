//! Every SQL statement about review: the site's "publishing needs review" setting, submissions, and
//! drafts of changes to live pages. Approval runs in one transaction that holds the page, checks
//! that it is still the submitted version, and publishes (or copies the draft of changes onto the
//! live page) before anything else can change it.
use time::OffsetDateTime;

use super::super::model::Slug;
use super::super::revisions::{keep_initial_state, write_revision};
use super::super::store::{NewPage, insert_page, page_for_editing};
use crate::db::{Db, DbTime, JsonText, Sql, Tx, now, sql};
use crate::outbox::store::{NewMail, Placement, enqueue_placed};

/// How the outbox knows a reviewer's decision mail.
fn decision_mail() -> Placement {
    Placement {
        purpose: "review-decision",
        ..Placement::default()
    }
}

const REQUIRED_SETTING: &str = "publishing_needs_review";

/// Whether publishing needs review (editors then submit like authors; admins still publish).
pub async fn required(db: &Db) -> anyhow::Result<bool> {
    crate::db::settings::flag(db, REQUIRED_SETTING).await
}

pub async fn set_required(db: &Db, on: bool) -> anyhow::Result<()> {
    crate::db::settings::set_flag(db, REQUIRED_SETTING, on).await
}

/// Sets the setting only where nobody chose yet (a new demo site).
pub async fn set_required_unless_set(db: &Db, on: bool) -> anyhow::Result<()> {
    crate::db::settings::set_flag_unless_set(db, REQUIRED_SETTING, on).await
}

/// A submission with the names a list shows.
#[derive(sqlx::FromRow)]
pub struct Submission {
    pub id: i64,
    pub page_id: i64,
    pub version: i64,
    pub message: String,
    pub publish_at: Option<DbTime>,
    pub status: String,
    pub submitted_by: Option<i64>,
    pub submitter: Option<String>,
    pub submitter_email: Option<String>,
    /// The submitter's own language (`None`: the site's default).
    pub submitter_language: Option<String>,
    pub submitted_at: DbTime,
    pub reviewer: Option<String>,
    pub decided_at: Option<DbTime>,
    pub comment: String,
    /// The page's title (JSON of language variants).
    pub title: JsonText,
    /// The live page a draft of changes belongs to.
    pub draft_of: Option<i64>,
    pub snapshot: JsonText,
    /// For an approved draft of changes: the live page as it was just before (`None` otherwise).
    pub before_snapshot: Option<String>,
}

/// The submissions query, ending with `$tail` (its WHERE and ORDER BY).
macro_rules! select_submissions {
    ($tail:literal) => {
        concat!(
            "SELECT s.id, s.page_id, s.version, s.message, s.publish_at, s.status, s.submitted_by,
        su.display_name AS submitter, su.email AS submitter_email, su.language AS submitter_language, s.submitted_at,
        du.display_name AS reviewer, s.decided_at, s.comment, p.title, p.draft_of, s.snapshot, s.before_snapshot
    FROM page_submissions AS s
    JOIN pages AS p ON p.id = s.page_id
    LEFT JOIN users AS su ON su.id = s.submitted_by
    LEFT JOIN users AS du ON du.id = s.decided_by ",
            $tail
        )
    };
}

pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<Submission>> {
    Ok(sql(select_submissions!("WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// The queue: every pending submission, oldest first.
pub async fn pending(db: &Db, limit: i64) -> anyhow::Result<Vec<Submission>> {
    Ok(sql(select_submissions!(
        "WHERE s.status = 'pending' ORDER BY s.submitted_at, s.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// What `user_id` submitted, newest first (pending and decided), `limit` from `offset`.
pub async fn submitted_by(
    db: &Db,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<Submission>> {
    Ok(sql(select_submissions!(
        "WHERE s.submitted_by = $1 ORDER BY s.submitted_at DESC, s.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(user_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count_submitted_by(db: &Db, user_id: i64) -> anyhow::Result<i64> {
    Ok(
        sql("SELECT count(*) FROM page_submissions WHERE submitted_by = $1")
            .bind(user_id)
            .scalar(db)
            .await?,
    )
}

pub async fn count_pending(db: &Db) -> anyhow::Result<i64> {
    Ok(
        sql("SELECT count(*) FROM page_submissions WHERE status = 'pending'")
            .scalar(db)
            .await?,
    )
}

/// A page's review history, newest first.
pub async fn for_page(db: &Db, page_id: i64) -> anyhow::Result<Vec<Submission>> {
    Ok(sql(select_submissions!(
        "WHERE s.page_id = $1 ORDER BY s.submitted_at DESC, s.id DESC"
    ))
    .bind(page_id)
    .fetch_all(db)
    .await?)
}

/// The open submission of a page, if any.
pub async fn pending_for_page(db: &Db, page_id: i64) -> anyhow::Result<Option<i64>> {
    Ok(
        sql("SELECT id FROM page_submissions WHERE page_id = $1 AND status = 'pending'")
            .bind(page_id)
            .scalar_optional(db)
            .await?,
    )
}

/// The page as it is now, in the revision snapshot's shape (`None`: no such page).
pub async fn snapshot(db: &Db, page_id: i64) -> anyhow::Result<Option<String>> {
    Ok(snapshot_sql().bind(page_id).scalar_optional(db).await?)
}

/// The snapshot of page `$1`, as the submissions store it.
fn snapshot_sql() -> Sql {
    Sql::per_engine(
        concat!(
            "SELECT ",
            sqlite_page_snapshot!(),
            " FROM pages AS p WHERE p.id = $1"
        ),
        concat!(
            "SELECT CAST(",
            postgres_page_snapshot!(),
            " AS TEXT) FROM pages AS p WHERE p.id = $1"
        ),
    )
}

#[derive(Debug, PartialEq, Eq)]
pub enum SubmitError {
    /// Someone saved the page since the form was opened.
    Stale,
    /// Only drafts are submitted; a live page is changed through a draft of changes.
    NotDraft,
    AlreadyPending,
    NotFound,
}

/// Submits page `page_id` at `version`; returns the submission's id.
pub async fn submit(
    db: &Db,
    page_id: i64,
    version: i64,
    message: &str,
    publish_at: Option<OffsetDateTime>,
    user_id: i64,
) -> anyhow::Result<Result<i64, SubmitError>> {
    let mut tx = db.begin().await?;
    tx.lock_row("pages", page_id).await?;
    let row: Option<(i64, String)> = sql("SELECT version, status FROM pages WHERE id = $1")
        .bind(page_id)
        .fetch_optional(&mut tx)
        .await?;
    let Some((current, status)) = row else {
        return Ok(Err(SubmitError::NotFound));
    };
    if current != version {
        return Ok(Err(SubmitError::Stale));
    }
    if status != "draft" {
        return Ok(Err(SubmitError::NotDraft));
    }
    let id: Option<i64> = Sql::per_engine(
        concat!(
            "INSERT INTO page_submissions (page_id, version, snapshot, message, publish_at, submitted_by, submitted_at)
             SELECT p.id, p.version, ",
            sqlite_page_snapshot!(),
            ", $2, $3, $4, $5 FROM pages AS p WHERE p.id = $1
             ON CONFLICT DO NOTHING RETURNING id"
        ),
        concat!(
            "INSERT INTO page_submissions (page_id, version, snapshot, message, publish_at, submitted_by, submitted_at)
             SELECT p.id, p.version, ",
            postgres_page_snapshot!(),
            ", $2, $3, $4, $5 FROM pages AS p WHERE p.id = $1
             ON CONFLICT DO NOTHING RETURNING id"
        ),
    )
    .bind(page_id)
    .bind(message)
    .bind(publish_at.map(DbTime::new))
    .bind(user_id)
    .bind(now())
    .scalar_optional(&mut tx)
    .await?;
    let Some(id) = id else {
        return Ok(Err(SubmitError::AlreadyPending));
    };
    tx.commit().await?;
    Ok(Ok(id))
}

/// Ends a pending submission with `status` ('withdrawn' or 'changes-requested'); false when it was
/// no longer pending.
pub async fn decide(
    db: &Db,
    id: i64,
    status: &str,
    user_id: i64,
    comment: &str,
    mail: Option<&NewMail>,
) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let changed = sql(
        "UPDATE page_submissions SET status = $1, decided_by = $2, decided_at = $3, comment = $4
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status)
    .bind(user_id)
    .bind(now())
    .bind(comment)
    .bind(id)
    .execute(&mut tx)
    .await?;
    if changed != 1 {
        return Ok(false);
    }
    if let Some(mail) = mail {
        enqueue_placed(&mut tx, mail, &decision_mail()).await?;
    }
    tx.commit().await?;
    Ok(true)
}

#[derive(Debug, PartialEq, Eq)]
pub enum ApproveError {
    /// Approved, withdrawn or sent back already.
    NotPending,
    /// The page is no longer the version that was submitted.
    Changed,
}

/// What approval did: the page that is now live (the live page a draft of changes was copied onto).
pub struct Approved {
    pub page_id: i64,
    pub slug: Slug,
    pub scheduled: bool,
}

/// Approves submission `id`: publishes exactly the submitted version — now, or at the time the
/// submission asked for — or copies a draft of changes onto its live page and deletes the draft.
pub async fn approve(
    db: &Db,
    id: i64,
    user_id: i64,
    comment: &str,
    mail: Option<&NewMail>,
) -> anyhow::Result<Result<Approved, ApproveError>> {
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, Option<DbTime>, String)> =
        sql("SELECT page_id, version, publish_at, status FROM page_submissions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut tx)
            .await?;
    let Some((page_id, version, publish_at, status)) = row else {
        return Ok(Err(ApproveError::NotPending));
    };
    if status != "pending" {
        return Ok(Err(ApproveError::NotPending));
    }
    tx.lock_row("pages", page_id).await?;
    let page: Option<(i64, Option<i64>, String)> =
        sql("SELECT version, draft_of, slug FROM pages WHERE id = $1")
            .bind(page_id)
            .fetch_optional(&mut tx)
            .await?;
    let Some((current, draft_of, slug)) = page else {
        return Ok(Err(ApproveError::NotPending));
    };
    if current != version {
        return Ok(Err(ApproveError::Changed));
    }
    sql(
        "UPDATE page_submissions SET status = 'approved', decided_by = $1, decided_at = $2, comment = $3
         WHERE id = $4",
    )
    .bind(user_id)
    .bind(now())
    .bind(comment)
    .bind(id)
    .execute(&mut tx)
    .await?;
    let approved = match draft_of {
        Some(live) => {
            // What the page was, kept for the history: the draft and this state both go now.
            let before: Option<String> = snapshot_sql().bind(live).scalar_optional(&mut tx).await?;
            sql("UPDATE page_submissions SET before_snapshot = $1 WHERE id = $2")
                .bind(before)
                .bind(id)
                .execute(&mut tx)
                .await?;
            apply_draft(&mut tx, page_id, live, user_id).await?;
            // The history stays with the live page; the draft goes.
            sql("UPDATE page_submissions SET page_id = $1 WHERE page_id = $2")
                .bind(live)
                .bind(page_id)
                .execute(&mut tx)
                .await?;
            sql("DELETE FROM pages WHERE id = $1")
                .bind(page_id)
                .execute(&mut tx)
                .await?;
            let slug: String = sql("SELECT slug FROM pages WHERE id = $1")
                .bind(live)
                .scalar(&mut tx)
                .await?;
            Approved {
                page_id: live,
                slug: Slug::parse(&slug)?,
                scheduled: false,
            }
        }
        None => {
            let at = publish_at.map(|t| t.0).filter(|t| *t > now());
            let (status, when) = match at {
                Some(t) => ("scheduled", t),
                None => ("published", now()),
            };
            sql("UPDATE pages SET status = $1, published_at = $2, version = version + 1, updated_by = $3, updated_at = $4
                 WHERE id = $5")
                .bind(status)
                .bind(DbTime::new(when))
                .bind(user_id)
                .bind(now())
                .bind(page_id)
                .execute(&mut tx)
                .await?;
            write_revision(&mut tx, page_id, user_id).await?;
            Approved {
                page_id,
                slug: Slug::parse(&slug)?,
                scheduled: at.is_some(),
            }
        }
    };
    if let Some(mail) = mail {
        enqueue_placed(&mut tx, mail, &decision_mail()).await?;
    }
    tx.commit().await?;
    Ok(Ok(approved))
}

/// Copies the draft's fields (all but its slug, status and place in the tree) and blocks onto the
/// live page, as the live page's next version.
async fn apply_draft(tx: &mut Tx, draft: i64, live: i64, user_id: i64) -> anyhow::Result<()> {
    tx.lock_row("pages", live).await?;
    keep_initial_state(tx, live).await?;
    sql("UPDATE pages SET title = d.title, summary = d.summary, meta_description = d.meta_description,
            article = d.article, version = pages.version + 1, updated_by = $1, updated_at = $2
         FROM (SELECT title, summary, meta_description, article FROM pages WHERE id = $3) AS d
         WHERE pages.id = $4")
    .bind(user_id)
    .bind(now())
    .bind(draft)
    .bind(live)
    .execute(&mut *tx)
    .await?;
    sql("DELETE FROM content_blocks WHERE page_id = $1")
        .bind(live)
        .execute(&mut *tx)
        .await?;
    sql("UPDATE content_blocks SET page_id = $1 WHERE page_id = $2")
        .bind(live)
        .bind(draft)
        .execute(&mut *tx)
        .await?;
    write_revision(tx, live, user_id).await?;
    Ok(())
}

/// The draft of changes of live page `live`, made now (a copy of the page and its blocks) unless
/// there is one; returns its id.
pub async fn draft_of_changes(
    db: &Db,
    live: i64,
    user_id: i64,
    langs: &[crate::i18n::Lang],
) -> anyhow::Result<Option<i64>> {
    let existing: Option<i64> = sql("SELECT id FROM pages WHERE draft_of = $1")
        .bind(live)
        .scalar_optional(db)
        .await?;
    if existing.is_some() {
        return Ok(existing);
    }
    let Some((page, blocks)) = page_for_editing(db, live).await? else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    let slug = super::super::addresses::free_slug(&mut tx, &page.slug, "changes").await?;
    let draft = NewPage {
        slug,
        slugs: crate::i18n::Localized::new(),
        title: page.title,
        summary: page.summary,
        meta_description: page.meta_description,
        status: super::super::model::PageStatus::Draft,
        parent_id: page.parent_id,
        nav_order: page.nav_order,
        placement: page.placement,
        kind: page.kind,
        article: page.article,
    };
    let kinds = blocks.into_iter().map(|b| b.kind).collect();
    let id = insert_page(&mut tx, &draft, kinds).await?;
    if let Err(lang) = super::super::addresses::write_slugs(&mut tx, id, langs).await? {
        anyhow::bail!("the draft's address in {lang} was taken meanwhile");
    }
    let claimed = sql("UPDATE pages SET draft_of = $1, updated_by = $2 WHERE id = $3")
        .bind(live)
        .bind(user_id)
        .bind(id)
        .execute(&mut tx)
        .await;
    match claimed {
        Ok(_) => {}
        // Someone else started one meanwhile: theirs is the draft.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            return Ok(sql("SELECT id FROM pages WHERE draft_of = $1")
                .bind(live)
                .scalar_optional(db)
                .await?);
        }
        Err(e) => return Err(e.into()),
    }
    write_revision(&mut tx, id, user_id).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The draft of changes a page has, if any.
pub async fn draft_for(db: &Db, live: i64) -> anyhow::Result<Option<i64>> {
    Ok(sql("SELECT id FROM pages WHERE draft_of = $1")
        .bind(live)
        .scalar_optional(db)
        .await?)
}

/// The live page a draft of changes belongs to.
pub async fn live_of(db: &Db, draft: i64) -> anyhow::Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = sql("SELECT draft_of FROM pages WHERE id = $1")
        .bind(draft)
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(|(live,)| live))
}
