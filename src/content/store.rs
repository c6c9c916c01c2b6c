//! Every SQL statement about pages and content blocks.
use anyhow::{Context, anyhow};
use serde_json::value::RawValue;
use sqlx::FromRow;
use time::OffsetDateTime;

use super::articles::model::{ArticleDetails, PageKind};
use super::blocks::{Block, BlockError, BlockKind};
use super::model::{Page, PageStatus, Placement, Slug};
use super::tree::{SiteTree, TreePage};
use crate::db::{Db, DbTime, JsonText, Sql, Tx, now, sql};
use crate::i18n::{Lang, Localized};

#[derive(FromRow)]
pub(super) struct PageRow {
    id: i64,
    slug: String,
    slugs: JsonText,
    title: JsonText,
    /// Absent when a list of every page reads its rows: none shows them.
    #[sqlx(default)]
    summary: Option<JsonText>,
    #[sqlx(default)]
    meta_description: Option<JsonText>,
    status: String,
    published_at: Option<DbTime>,
    parent_id: Option<i64>,
    nav_order: i64,
    placement: String,
    version: i64,
    updated_at: DbTime,
    kind: String,
    article: JsonText,
}

/// The columns of a page and its blocks aggregated as one JSON array (`blocks`), ending before
/// `FROM`: the start of every query that reads a page to show it, per engine. `content` and
/// `rendered_html` are JSON already (CHECK json_valid): spliced in as they are.
macro_rules! page_with_blocks_sqlite {
    () => {
        "SELECT p.id, p.slug, p.slugs, p.title, p.summary, p.meta_description, p.status, p.published_at,
                p.parent_id, p.nav_order, p.placement, p.version, p.updated_at, p.kind, p.article,
                '[' || coalesce((SELECT group_concat(
                        '[' || b.id || ',' || json_quote(b.block_type) || ',' || b.content || ','
                            || coalesce(b.rendered_html, 'null') || ',' || b.sort_order || ']', ',')
                    FROM (SELECT * FROM content_blocks WHERE page_id = p.id ORDER BY sort_order, id) AS b), '') || ']'
                    AS blocks
         "
    };
}

macro_rules! page_with_blocks_postgres {
    () => {
        "SELECT p.id, p.slug, p.slugs, p.title, p.summary, p.meta_description, p.status, p.published_at,
                p.parent_id, p.nav_order, p.placement, p.version, p.updated_at, p.kind, p.article,
                coalesce((SELECT jsonb_agg(jsonb_build_array(b.id, b.block_type, b.content, b.rendered_html,
                                                             b.sort_order) ORDER BY b.sort_order, b.id)
                          FROM content_blocks AS b WHERE b.page_id = p.id), '[]'::jsonb) AS blocks
         "
    };
}

/// The page visitors see at `/{lang}/{slug}` (published, or scheduled and due by `now`) with its
/// blocks in display order: one query by `page_slugs`' key, one row (the blocks come aggregated as
/// a JSON array).
pub async fn published_page(
    db: &Db,
    lang: Lang,
    slug: &Slug,
    kind: PageKind,
    now: OffsetDateTime,
) -> anyhow::Result<Option<(Page, Vec<Block>)>> {
    let row: Option<PageWithBlocksRow> = Sql::per_engine(
        concat!(page_with_blocks_sqlite!(), "FROM page_slugs AS s JOIN pages AS p ON p.id = s.page_id
         WHERE s.lang = $1 AND s.slug = $2 AND p.kind = $4 AND p.status IN ('published', 'scheduled') AND p.published_at <= $3"),
        concat!(page_with_blocks_postgres!(), "FROM page_slugs AS s JOIN pages AS p ON p.id = s.page_id
         WHERE s.lang = $1 AND s.slug = $2 AND p.kind = $4 AND p.status IN ('published', 'scheduled') AND p.published_at <= $3"),
    )
    .bind(lang.as_str())
    .bind(slug.as_str())
    .bind(now)
    .bind(kind.as_db())
    .fetch_optional(db)
    .await?;
    let Some(PageWithBlocksRow { page, blocks }) = row else {
        return Ok(None);
    };
    let page = page_from_row(page)?;
    let blocks = blocks_from_json(page.id, blocks.as_str())?;
    Ok(Some((page, blocks)))
}

/// The published pages of `kind` with these `ids` (each as [`published_page`] finds it, in every
/// language at once), in one query: what rendering many pages ahead reads, one round trip and one
/// row for a batch of pages in all their languages instead of one per address. Ids that answer
/// nothing are left out. On SQLite the ids lead the join (`CROSS JOIN` fixes the order): left to
/// itself the planner read every page by kind and status and looked each one up.
pub async fn published_pages(
    db: &Db,
    ids: &[i64],
    kind: PageKind,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<(Page, Vec<Block>)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<PageWithBlocksRow> = Sql::per_engine(
        concat!(
            page_with_blocks_sqlite!(),
            "FROM json_each($1) AS asked CROSS JOIN pages AS p
         WHERE p.id = asked.value AND p.kind = $3
           AND p.status IN ('published', 'scheduled') AND p.published_at <= $2"
        ),
        concat!(
            page_with_blocks_postgres!(),
            "FROM pages AS p
         WHERE p.id IN (SELECT (jsonb_array_elements_text($1::jsonb))::bigint) AND p.kind = $3
           AND p.status IN ('published', 'scheduled') AND p.published_at <= $2"
        ),
    )
    .bind(JsonText::of(&ids)?)
    .bind(now)
    .bind(kind.as_db())
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|PageWithBlocksRow { page, blocks }| {
            let page = page_from_row(page)?;
            let blocks = blocks_from_json(page.id, blocks.as_str())?;
            Ok((page, blocks))
        })
        .collect()
}

#[derive(FromRow)]
struct PageWithBlocksRow {
    #[sqlx(flatten)]
    page: PageRow,
    blocks: JsonText,
}

type BlockParts<'a> = (i64, String, &'a RawValue, Option<&'a RawValue>, i64);

/// Blocks from `[[id, type, content, rendered_html, sort_order], ...]`. A block of an unknown type, or
/// whose content no longer parses, becomes `BlockKind::Unknown` (and is logged) so the rest renders.
pub(super) fn blocks_from_json(page_id: i64, json: &str) -> anyhow::Result<Vec<Block>> {
    let parts: Vec<BlockParts<'_>> =
        serde_json::from_str(json).with_context(|| format!("content_blocks of page {page_id}"))?;
    let mut blocks: Vec<Block> = parts
        .into_iter()
        .map(|(id, block_type, content, html, sort_order)| {
            let kind = match BlockKind::parse(&block_type, content.get()) {
                Ok(mut kind) => {
                    if let Some(html) = html
                        && let Err(e) = kind.restore_rendered_html(html.get())
                    {
                        tracing::warn!(block_id = id, error = %e, "content_blocks row has invalid rendered_html");
                    }
                    kind
                }
                Err(error) => {
                    tracing::warn!(block_id = id, page_id, %error, "content_blocks row renders nothing");
                    BlockKind::Unknown { block_type }
                }
            };
            Block { id, sort_order, kind }
        })
        .collect();
    blocks.sort_by_key(|b| (b.sort_order, b.id));
    Ok(blocks)
}

#[derive(FromRow)]
struct ChoiceRow {
    id: i64,
    slug: String,
    title: JsonText,
}

/// Every page another page may be placed under (drafts too; articles are not parents), in
/// navigation order, labelled "Title (/slug)" in `lang`: the page editor's list, read without the
/// rest of each page (on a site of 10,000 pages the whole of them took 9 MB for each editor shown).
pub async fn parent_choices(
    db: &Db,
    lang: Lang,
    default: Lang,
) -> anyhow::Result<Vec<(i64, String)>> {
    let rows: Vec<ChoiceRow> = sql("SELECT id, slug, title FROM pages WHERE kind = 'page'
         ORDER BY parent_id IS NOT NULL, parent_id, nav_order, id")
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|ChoiceRow { id, slug, title }| {
            let title: Localized<String> = title
                .parse()
                .map_err(|e| anyhow!("pages row {id}, column title: {e}"))?;
            Ok((id, format!("{} (/{slug})", title.text(lang, default))))
        })
        .collect()
}

#[derive(FromRow)]
struct TreeRow {
    id: i64,
    slug: String,
    slugs: JsonText,
    title: JsonText,
    parent_id: Option<i64>,
    placement: String,
    published_at: DbTime,
    updated_at: DbTime,
}

/// Every published or scheduled page, for navigation, breadcrumbs and the sitemap.
pub async fn site_tree(db: &Db) -> anyhow::Result<SiteTree> {
    let rows: Vec<TreeRow> = sql(
        "SELECT id, slug, slugs, title, parent_id, placement, published_at, updated_at
         FROM pages WHERE kind = 'page' AND status IN ('published', 'scheduled')
         ORDER BY parent_id IS NOT NULL, parent_id, nav_order, id",
    )
    .fetch_all(db)
    .await?;
    let pages = rows
        .into_iter()
        .map(
            |TreeRow {
                 id,
                 slug,
                 slugs,
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
                    slugs: slugs.parse().map_err(|e| bad("slugs", &e))?,
                    title: title.parse().map_err(|e| bad("title", &e))?,
                    parent_id,
                    placement: Placement::parse(&placement)
                        .ok_or_else(|| bad("placement", &placement))?,
                    visible_from: published_at.0,
                    updated_at: updated_at.0,
                })
            },
        )
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(SiteTree::new(pages))
}

/// What it takes to create a page.
pub struct NewPage {
    pub slug: Slug,
    /// Own slugs in other languages.
    pub slugs: Localized<String>,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    pub meta_description: Localized<String>,
    pub status: PageStatus,
    pub parent_id: Option<i64>,
    pub nav_order: i64,
    pub placement: Placement,
    pub kind: PageKind,
    pub article: ArticleDetails,
}

/// Creates a page with its blocks and its addresses in `langs` in one transaction; returns the
/// page id.
pub async fn create_page(
    db: &Db,
    page: &NewPage,
    blocks: Vec<BlockKind>,
    langs: &[Lang],
) -> anyhow::Result<i64> {
    let mut tx = db.begin().await?;
    let id = insert_page(&mut tx, page, blocks).await?;
    addresses_of_new_page(&mut tx, id, langs).await?;
    tx.commit().await?;
    Ok(id)
}

async fn addresses_of_new_page(tx: &mut Tx, id: i64, langs: &[Lang]) -> anyhow::Result<()> {
    match super::addresses::write_slugs(tx, id, langs).await? {
        Ok(()) => super::findable::index_page(tx, id).await,
        Err(lang) => Err(anyhow!(
            "page {id}: another page answers at its address in {lang}"
        )),
    }
}

/// Creates many pages, a thousand per transaction (bulk seeding of large sites).
pub async fn create_pages(
    db: &Db,
    pages: impl IntoIterator<Item = (NewPage, Vec<BlockKind>)>,
    langs: &[Lang],
) -> anyhow::Result<usize> {
    let mut created = 0;
    let mut tx = db.begin().await?;
    for (page, blocks) in pages {
        let id = insert_page(&mut tx, &page, blocks).await?;
        addresses_of_new_page(&mut tx, id, langs).await?;
        created += 1;
        if created % 1000 == 0 {
            tx.commit().await?;
            tx = db.begin().await?;
        }
    }
    tx.commit().await?;
    Ok(created)
}

pub(super) async fn insert_page(
    tx: &mut Tx,
    page: &NewPage,
    blocks: Vec<BlockKind>,
) -> anyhow::Result<i64> {
    let id: i64 = sql(
        "INSERT INTO pages (slug, title, summary, meta_description, status, published_at, parent_id, nav_order,
                            placement, created_at, updated_at, slugs, kind, article)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) RETURNING id",
    )
    .bind(page.slug.as_str())
    .bind(JsonText::of(&page.title)?)
    .bind(JsonText::of(&page.summary)?)
    .bind(JsonText::of(&page.meta_description)?)
    .bind(page.status.as_db())
    .bind(page.status.published_at())
    .bind(page.parent_id)
    .bind(page.nav_order)
    .bind(page.placement.as_db())
    .bind(now())
    .bind(JsonText::of(&page.slugs)?)
    .bind(page.kind.as_db())
    .bind(JsonText::of(&page.article)?)
    .scalar(&mut *tx)
    .await
    .with_context(|| format!("cannot create page {}", page.slug))?;
    for (position, kind) in blocks.into_iter().enumerate() {
        insert_block(tx, id, kind, position as i64 * 10).await?;
    }
    Ok(id)
}

/// Stores a block (rendering its Markdown once, here); returns its id.
pub(super) async fn insert_block(
    tx: &mut Tx,
    page_id: i64,
    mut kind: BlockKind,
    sort_order: i64,
) -> anyhow::Result<i64> {
    if let BlockKind::Unknown { block_type } = &kind {
        return Err(BlockError::UnknownType(block_type.clone()).into());
    }
    kind.prepare_for_storage();
    let id = sql(
        "INSERT INTO content_blocks (page_id, block_type, content, rendered_html, sort_order, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(page_id)
    .bind(kind.type_name())
    .bind(JsonText(kind.content_json()))
    .bind(kind.rendered_html_json().map(JsonText))
    .bind(sort_order)
    .bind(now())
    .scalar(&mut *tx)
    .await?;
    Ok(id)
}

/// Any page (drafts too) with its blocks, for the editor and the preview.
pub async fn page_for_editing(db: &Db, id: i64) -> anyhow::Result<Option<(Page, Vec<Block>)>> {
    let row: Option<PageWithBlocksRow> = Sql::per_engine(
        concat!(
            page_with_blocks_sqlite!(),
            "FROM pages AS p WHERE p.id = $1"
        ),
        concat!(
            page_with_blocks_postgres!(),
            "FROM pages AS p WHERE p.id = $1"
        ),
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(PageWithBlocksRow { page, blocks }) = row else {
        return Ok(None);
    };
    let page = page_from_row(page)?;
    let blocks = blocks_from_json(page.id, blocks.as_str())?;
    Ok(Some((page, blocks)))
}

/// The pages and articles holding a block of any of `block_types` (what shows a feature's list).
pub async fn pages_with_blocks(db: &Db, block_types: &[&str]) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for block_type in block_types {
        ids.extend(
            sql("SELECT DISTINCT page_id FROM content_blocks WHERE block_type = $1")
                .bind(*block_type)
                .scalars::<i64>(db)
                .await?,
        );
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Whether any page exists (a fresh database gets the demo content).
pub async fn has_pages(db: &Db) -> anyhow::Result<bool> {
    Ok(sql("SELECT EXISTS (SELECT 1 FROM pages)")
        .scalar::<bool>(db)
        .await?)
}

pub(super) fn page_from_row(row: PageRow) -> anyhow::Result<Page> {
    let id = row.id;
    let bad =
        |column: &str, e: &dyn std::fmt::Display| anyhow!("pages row {id}, column {column}: {e}");
    let localized = |column: &str, json: &JsonText| -> anyhow::Result<Localized<String>> {
        json.parse()
            .map_err(|e| bad(column, &format!("invalid localized JSON: {e}")))
    };
    let published_at = row.published_at.map(|t| t.0);
    let status = match (row.status.as_str(), published_at) {
        ("draft", _) => PageStatus::Draft,
        ("published", Some(at)) => PageStatus::Published(at),
        ("scheduled", Some(at)) => PageStatus::Scheduled(at),
        (other, _) => return Err(bad("status", &other)),
    };
    Ok(Page {
        id,
        slug: Slug::parse(&row.slug).map_err(|e| bad("slug", &e))?,
        slugs: localized("slugs", &row.slugs)?,
        title: localized("title", &row.title)?,
        summary: row
            .summary
            .as_ref()
            .map(|json| localized("summary", json))
            .transpose()?
            .unwrap_or_default(),
        meta_description: row
            .meta_description
            .as_ref()
            .map(|json| localized("meta_description", json))
            .transpose()?
            .unwrap_or_default(),
        status,
        parent_id: row.parent_id,
        nav_order: row.nav_order,
        placement: Placement::parse(&row.placement)
            .ok_or_else(|| bad("placement", &row.placement))?,
        version: row.version,
        updated_at: row.updated_at.0,
        kind: PageKind::parse(&row.kind).ok_or_else(|| bad("kind", &row.kind))?,
        article: row
            .article
            .parse()
            .map_err(|e| bad("article", &format!("invalid JSON: {e}")))?,
    })
}

/// The id of the page at `slug`, whatever its status.
pub async fn page_id_by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<i64>> {
    Ok(sql("SELECT id FROM pages WHERE slug = $1")
        .bind(slug.as_str())
        .scalar_optional(db)
        .await?)
}

/// Every page's slug.
pub async fn page_slugs(db: &Db) -> anyhow::Result<Vec<String>> {
    Ok(sql("SELECT slug FROM pages").scalars(db).await?)
}

/// A page as the admin lists it.
pub struct PageSummary {
    pub id: i64,
    pub slug: Slug,
    pub slugs: Localized<String>,
    pub title: Localized<String>,
    pub status: PageStatus,
    pub parent_id: Option<i64>,
    pub placement: Placement,
    pub version: i64,
    pub updated_at: OffsetDateTime,
    pub updated_by: Option<String>,
    /// The live page this draft holds changes to (see `review`).
    pub draft_of: Option<i64>,
    pub kind: PageKind,
    pub article: ArticleDetails,
}

/// Every page, in navigation order, with who changed it last.
pub async fn page_summaries(db: &Db) -> anyhow::Result<Vec<PageSummary>> {
    // Without each page's summary and description, which no list shows: on a site of 10,000 pages
    // they were most of what a list of every page read.
    let rows: Vec<(PageRow, Option<String>, Option<i64>)> = sql(
        "SELECT p.id, p.slug, p.slugs, p.title, p.status, p.published_at, p.parent_id,
                p.nav_order, p.placement, p.version, p.updated_at, p.kind, p.article, u.display_name AS updated_by, p.draft_of
         FROM pages AS p LEFT JOIN users AS u ON u.id = p.updated_by
         ORDER BY p.parent_id IS NOT NULL, p.parent_id, p.nav_order, p.id",
    )
    .fetch_all::<SummaryRow>(db)
    .await?
    .into_iter()
    .map(|r| (r.page, r.updated_by, r.draft_of))
    .collect();
    rows.into_iter()
        .map(|(row, updated_by, draft_of)| {
            let page = page_from_row(row)?;
            Ok(PageSummary {
                id: page.id,
                slug: page.slug,
                slugs: page.slugs,
                title: page.title,
                status: page.status,
                parent_id: page.parent_id,
                placement: page.placement,
                version: page.version,
                updated_at: page.updated_at,
                updated_by,
                draft_of,
                kind: page.kind,
                article: page.article,
            })
        })
        .collect()
}

impl PageSummary {
    /// The slug the page answers at in `lang`.
    pub fn slug_in(&self, lang: Lang) -> &str {
        super::model::slug_in(&self.slug, &self.slugs, lang)
    }
}

#[derive(FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    page: PageRow,
    updated_by: Option<String>,
    draft_of: Option<i64>,
}

/// The name of whoever saved page `id` last.
pub async fn last_editor(db: &Db, id: i64) -> anyhow::Result<Option<String>> {
    Ok(sql(
        "SELECT u.display_name FROM pages AS p JOIN users AS u ON u.id = p.updated_by WHERE p.id = $1",
    )
    .bind(id)
    .scalar_optional(db)
    .await?)
}

/// Every page as its revisions snapshot it now (fields and blocks as JSON), by id; drafts of
/// changes to live pages left out.
pub async fn current_snapshots(db: &Db) -> anyhow::Result<Vec<(i64, JsonText)>> {
    Ok(Sql::per_engine(
        concat!(
            "SELECT p.id, ",
            sqlite_page_snapshot!(),
            " FROM pages AS p WHERE p.draft_of IS NULL ORDER BY p.id"
        ),
        concat!(
            "SELECT p.id, ",
            postgres_page_snapshot!(),
            " FROM pages AS p WHERE p.draft_of IS NULL ORDER BY p.id"
        ),
    )
    .fetch_all(db)
    .await?)
}

/// Every revision's snapshot and time, by page, oldest first.
pub async fn revision_snapshots(db: &Db) -> anyhow::Result<Vec<(i64, JsonText, DbTime)>> {
    Ok(
        sql("SELECT page_id, snapshot, created_at FROM page_revisions ORDER BY page_id, id")
            .fetch_all(db)
            .await?,
    )
}
