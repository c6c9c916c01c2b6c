//! Every SQL statement about pages and content blocks.
use anyhow::{Context, anyhow};
use sqlx::FromRow;
use time::OffsetDateTime;

use super::blocks::{Block, BlockError, BlockKind};
use super::model::{Page, PageStatus, Placement, Slug};
use super::tree::{SiteTree, TreePage};
use crate::db::{Db, from_db_time, to_db_time};
use crate::i18n::Localized;

#[derive(FromRow)]
struct PageRow {
    id: i64,
    slug: String,
    title: String,
    summary: String,
    meta_description: String,
    status: String,
    published_at: Option<String>,
    parent_id: Option<i64>,
    nav_order: i64,
    placement: String,
    version: i64,
    updated_at: String,
}

/// The page visitors see at `slug`: published, or scheduled and due by `now`.
pub async fn published_page(
    db: &Db,
    slug: &Slug,
    now: OffsetDateTime,
) -> anyhow::Result<Option<Page>> {
    let row: Option<PageRow> = sqlx::query_as(
        "SELECT id, slug, title, summary, meta_description, status, published_at, parent_id, \
                nav_order, placement, version, updated_at
         FROM pages WHERE slug = ? AND status IN ('published', 'scheduled') AND published_at <= ?",
    )
    .bind(slug.as_str())
    .bind(to_db_time(now))
    .fetch_optional(db)
    .await?;
    row.map(page_from_row).transpose()
}

/// A page's blocks in display order, in one query. Rows of an unknown type, or whose content no longer
/// parses, come back as `BlockKind::Unknown` (and are logged) so the rest of the page still renders.
pub async fn blocks_of(db: &Db, page_id: i64) -> anyhow::Result<Vec<Block>> {
    let rows: Vec<(i64, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT id, block_type, content, rendered_html, sort_order
         FROM content_blocks WHERE page_id = ? ORDER BY sort_order, id",
    )
    .bind(page_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, block_type, content, html, sort_order)| {
        let kind = match BlockKind::parse(&block_type, &content) {
            Ok(BlockKind::RichText(mut text)) => {
                text.html = html.as_deref().map(serde_json::from_str).transpose().unwrap_or_else(|e| {
                    tracing::warn!(block_id = id, error = %e, "content_blocks row has invalid rendered_html");
                    None
                }).unwrap_or_default();
                BlockKind::RichText(text)
            }
            Ok(kind) => kind,
            Err(error) => {
                tracing::warn!(block_id = id, page_id, %error, "content_blocks row renders nothing");
                BlockKind::Unknown { block_type }
            }
        };
        Block { id, sort_order, kind }
    }).collect())
}

#[derive(FromRow)]
struct TreeRow {
    id: i64,
    slug: String,
    title: String,
    parent_id: Option<i64>,
    placement: String,
    published_at: String,
    updated_at: String,
}

/// Every published or scheduled page, for navigation, breadcrumbs and the sitemap.
pub async fn site_tree(db: &Db) -> anyhow::Result<SiteTree> {
    let rows: Vec<TreeRow> = sqlx::query_as(
        "SELECT id, slug, title, parent_id, placement, published_at, updated_at
         FROM pages WHERE status IN ('published', 'scheduled')
         ORDER BY parent_id, nav_order, id",
    )
    .fetch_all(db)
    .await?;
    let pages = rows
        .into_iter()
        .map(
            |TreeRow {
                 id,
                 slug,
                 title,
                 parent_id,
                 placement,
                 published_at,
                 updated_at,
             }| {
                let bad = |column: &str, e: &dyn std::fmt::Display| {
                    anyhow!("pages row {id}, column {column}: {e}")
                };
                Ok(TreePage {
                    id,
                    slug: Slug::parse(&slug).map_err(|e| bad("slug", &e))?,
                    title: serde_json::from_str(&title).map_err(|e| bad("title", &e))?,
                    parent_id,
                    placement: Placement::parse(&placement)
                        .ok_or_else(|| bad("placement", &placement))?,
                    visible_from: from_db_time(&published_at)
                        .map_err(|e| bad("published_at", &e))?,
                    updated_at: from_db_time(&updated_at).map_err(|e| bad("updated_at", &e))?,
                })
            },
        )
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(SiteTree::new(pages))
}

/// What it takes to create a page.
pub struct NewPage {
    pub slug: Slug,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    pub meta_description: Localized<String>,
    pub status: PageStatus,
    pub parent_id: Option<i64>,
    pub nav_order: i64,
    pub placement: Placement,
}

/// Creates a page with its blocks in one transaction; returns the page id.
pub async fn create_page(db: &Db, page: &NewPage, blocks: Vec<BlockKind>) -> anyhow::Result<i64> {
    let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO pages (slug, title, summary, meta_description, status, published_at, parent_id, nav_order, placement)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(page.slug.as_str())
    .bind(serde_json::to_string(&page.title)?)
    .bind(serde_json::to_string(&page.summary)?)
    .bind(serde_json::to_string(&page.meta_description)?)
    .bind(page.status.as_db())
    .bind(page.status.published_at().map(to_db_time))
    .bind(page.parent_id)
    .bind(page.nav_order)
    .bind(page.placement.as_db())
    .fetch_one(&mut *tx)
    .await
    .with_context(|| format!("cannot create page {}", page.slug))?;
    for (position, mut kind) in blocks.into_iter().enumerate() {
        if let BlockKind::Unknown { block_type } = &kind {
            return Err(BlockError::UnknownType(block_type.clone()).into());
        }
        kind.prepare_for_storage();
        sqlx::query(
            "INSERT INTO content_blocks (page_id, block_type, content, rendered_html, sort_order)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(kind.type_name())
        .bind(kind.content_json())
        .bind(kind.rendered_html_json())
        .bind(position as i64 * 10)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Whether any page exists (a fresh database gets the demo content).
pub async fn has_pages(db: &Db) -> anyhow::Result<bool> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT EXISTS (SELECT 1 FROM pages)")
            .fetch_one(db)
            .await?
            == 1,
    )
}

fn page_from_row(row: PageRow) -> anyhow::Result<Page> {
    let id = row.id;
    let bad =
        |column: &str, e: &dyn std::fmt::Display| anyhow!("pages row {id}, column {column}: {e}");
    let localized = |column: &str, json: &str| -> anyhow::Result<Localized<String>> {
        serde_json::from_str(json).map_err(|e| bad(column, &format!("invalid localized JSON: {e}")))
    };
    let published_at = row
        .published_at
        .as_deref()
        .map(from_db_time)
        .transpose()
        .map_err(|e| bad("published_at", &e))?;
    let status = match (row.status.as_str(), published_at) {
        ("draft", _) => PageStatus::Draft,
        ("published", Some(at)) => PageStatus::Published(at),
        ("scheduled", Some(at)) => PageStatus::Scheduled(at),
        (other, _) => return Err(bad("status", &other)),
    };
    Ok(Page {
        id,
        slug: Slug::parse(&row.slug).map_err(|e| bad("slug", &e))?,
        title: localized("title", &row.title)?,
        summary: localized("summary", &row.summary)?,
        meta_description: localized("meta_description", &row.meta_description)?,
        status,
        parent_id: row.parent_id,
        nav_order: row.nav_order,
        placement: Placement::parse(&row.placement)
            .ok_or_else(|| bad("placement", &row.placement))?,
        version: row.version,
        updated_at: from_db_time(&row.updated_at).map_err(|e| bad("updated_at", &e))?,
    })
}

/// The id of the page at `slug`, whatever its status.
pub async fn page_id_by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM pages WHERE slug = ?")
        .bind(slug.as_str())
        .fetch_optional(db)
        .await?)
}
