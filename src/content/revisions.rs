//! A page's revisions: every change writes one (a full snapshot of the page and its blocks, in the
//! change's transaction), the editor lists them, and restoring one brings its fields and blocks
//! back as a new version. Writing a revision withdraws the page's open submission for review, so
//! review, which sits above, never sees a page change under it.
use serde::Deserialize;
use sqlx::FromRow;

use super::addresses::{addresses_moved, live_addresses, slug_taken};
use super::blocks::BlockKind;
use super::model::{SaveError, Saved, Slug};
use super::store::insert_block;
use crate::db::{Db, DbTime, JsonText, Sql, Tx, now, sql};
use crate::i18n::Lang;

#[derive(Debug, FromRow)]
pub struct Revision {
    pub id: i64,
    pub version: i64,
    pub user_name: Option<String>,
    pub created_at: DbTime,
    pub snapshot: JsonText,
}

/// A page's revisions, newest first.
pub async fn revisions(db: &Db, page_id: i64) -> anyhow::Result<Vec<Revision>> {
    Ok(sql(
        "SELECT r.id, r.version, u.display_name AS user_name, r.created_at, r.snapshot
         FROM page_revisions AS r LEFT JOIN users AS u ON u.id = r.user_id
         WHERE r.page_id = $1 ORDER BY r.id DESC",
    )
    .bind(page_id)
    .fetch_all(db)
    .await?)
}

#[derive(Deserialize)]
struct Snapshot {
    slug: String,
    /// Own slugs in other languages (revisions from before slugs per language have none).
    #[serde(default)]
    slugs: Option<serde_json::Value>,
    title: serde_json::Value,
    summary: serde_json::Value,
    meta_description: serde_json::Value,
    status: String,
    published_at: Option<String>,
    parent_id: Option<i64>,
    nav_order: i64,
    placement: String,
    /// An article's own fields (revisions of pages, and from before articles, have none).
    #[serde(default)]
    article: Option<serde_json::Value>,
    blocks: Vec<SnapshotBlock>,
}

#[derive(Deserialize)]
struct SnapshotBlock {
    block_type: String,
    content: serde_json::Value,
}

/// Brings back a revision's page fields and blocks, as a new version (and a new revision). With
/// `keep_draft` (someone who may not publish) the page stays a draft whatever the revision's status.
pub async fn restore(
    db: &Db,
    page_id: i64,
    revision_id: i64,
    user_id: i64,
    keep_draft: bool,
    langs: &[Lang],
) -> Saved<()> {
    let mut tx = db.begin().await?;
    tx.lock_row("pages", page_id).await?;
    let before = live_addresses(&mut tx, page_id).await?;
    let snapshot: Option<JsonText> =
        sql("SELECT snapshot FROM page_revisions WHERE id = $1 AND page_id = $2")
            .bind(revision_id)
            .bind(page_id)
            .scalar_optional(&mut tx)
            .await?;
    let Some(snapshot) = snapshot else {
        return Ok(Err(SaveError::NotFound));
    };
    let mut snap: Snapshot = snapshot.parse()?;
    if keep_draft {
        snap.status = "draft".to_owned();
        snap.published_at = None;
    }
    let published_at = snap
        .published_at
        .as_deref()
        .map(DbTime::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("revision {revision_id}: published_at: {e}"))?;
    let slug =
        Slug::parse(&snap.slug).map_err(|e| anyhow::anyhow!("revision {revision_id}: {e}"))?;
    if slug_taken(&mut tx, &slug, Some(page_id)).await? {
        return Ok(Err(SaveError::SlugTaken));
    }
    sql(
        "UPDATE pages SET slug = $1, title = $2, summary = $3, meta_description = $4, status = $5, published_at = $6,
                parent_id = $7, nav_order = $8, placement = $9, version = version + 1, updated_by = $10,
                updated_at = $11, slugs = $13, article = coalesce($14, article)
         WHERE id = $12",
    )
    .bind(slug.as_str())
    .bind(JsonText(snap.title.to_string()))
    .bind(JsonText(snap.summary.to_string()))
    .bind(JsonText(snap.meta_description.to_string()))
    .bind(&snap.status)
    .bind(published_at)
    .bind(snap.parent_id.filter(|p| *p != page_id))
    .bind(snap.nav_order)
    .bind(&snap.placement)
    .bind(user_id)
    .bind(now())
    .bind(page_id)
    .bind(JsonText(snap.slugs.as_ref().map_or_else(|| "{}".to_owned(), |s| s.to_string())))
    .bind(snap.article.as_ref().map(|a| JsonText(a.to_string())))
    .execute(&mut tx)
    .await?;
    sql("DELETE FROM content_blocks WHERE page_id = $1")
        .bind(page_id)
        .execute(&mut tx)
        .await?;
    for (position, block) in snap.blocks.iter().enumerate() {
        match BlockKind::parse(&block.block_type, &block.content.to_string()) {
            Ok(kind) => {
                insert_block(&mut tx, page_id, kind, position as i64 * 10).await?;
            }
            Err(error) => {
                tracing::warn!(revision_id, %error, "a block of the revision is no longer valid; skipped")
            }
        }
    }
    if let Err(lang) = addresses_moved(&mut tx, page_id, before, langs).await? {
        return Ok(Err(SaveError::SlugTakenIn(lang)));
    }
    write_revision(&mut tx, page_id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A page created without the editor (demo content, imports) has no revision yet: its state before the
/// first edit becomes one, so that edit can be undone too.
pub async fn keep_initial_state(tx: &mut Tx, page_id: i64) -> anyhow::Result<()> {
    let has: i64 = sql("SELECT count(*) FROM page_revisions WHERE page_id = $1")
        .bind(page_id)
        .scalar(&mut *tx)
        .await?;
    if has == 0 {
        insert_revision(tx, page_id, None).await?;
    }
    Ok(())
}

/// Snapshots the page as it now stands in the transaction. Also withdraws the page's open
/// submission for review: what was submitted is no longer the page.
pub async fn write_revision(tx: &mut Tx, page_id: i64, user_id: i64) -> anyhow::Result<()> {
    withdraw_submission(tx, page_id).await?;
    insert_revision(tx, page_id, Some(user_id)).await?;
    super::findable::index_page(tx, page_id).await
}

async fn insert_revision(tx: &mut Tx, page_id: i64, user_id: Option<i64>) -> anyhow::Result<()> {
    Sql::per_engine(
        concat!(
            "INSERT INTO page_revisions (page_id, version, snapshot, user_id, created_at)
             SELECT p.id, p.version, ",
            sqlite_page_snapshot!(),
            ", $1, $3 FROM pages AS p WHERE p.id = $2"
        ),
        concat!(
            "INSERT INTO page_revisions (page_id, version, snapshot, user_id, created_at)
             SELECT p.id, p.version, ",
            postgres_page_snapshot!(),
            ", $1, $3 FROM pages AS p WHERE p.id = $2"
        ),
    )
    .bind(user_id)
    .bind(page_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Ends the page's pending submission for review as withdrawn: the page is being changed.
async fn withdraw_submission(tx: &mut Tx, page_id: i64) -> anyhow::Result<()> {
    sql(
        "UPDATE page_submissions SET status = 'withdrawn', decided_at = $1
         WHERE page_id = $2 AND status = 'pending'",
    )
    .bind(now())
    .bind(page_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
