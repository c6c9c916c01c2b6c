//! The SQL of editing: saving page fields with optimistic locking, blocks, deleting. Every change
//! runs in one write transaction that holds the page (`BEGIN IMMEDIATE` on SQLite, the page's row
//! locked on PostgreSQL), bumps the page's version and writes a revision (`revisions`).

use super::addresses::{addresses_moved, live_addresses, slug_taken, write_slugs};
use super::articles::model::{ArticleDetails, PageKind, parse_tags, tag_key};
use super::blocks::BlockKind;
use super::model::{PageStatus, Placement, Slug};
use super::revisions::{keep_initial_state, write_revision};
use super::store::{NewPage, insert_block, insert_page};
use crate::db::{Db, JsonText, Tx, is_unique_violation, now, sql};
use crate::i18n::{Lang, Localized};

/// The fields of the page form.
pub struct PageFields {
    pub slug: Slug,
    /// Own slugs in languages other than the default.
    pub slugs: Localized<String>,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    pub meta_description: Localized<String>,
    pub status: PageStatus,
    pub parent_id: Option<i64>,
    pub nav_order: i64,
    pub placement: Placement,
}

pub use super::model::{SaveError, Saved};

/// Creates a page (and its first revision); returns its id.
/// `article`: an article's details (`None`: a page of the site's tree).
pub async fn create(
    db: &Db,
    article: Option<&ArticleDetails>,
    fields: &PageFields,
    user_id: i64,
    langs: &[Lang],
) -> Saved<i64> {
    let mut tx = db.begin().await?;
    if slug_taken(&mut tx, &fields.slug, None).await? {
        return Ok(Err(SaveError::SlugTaken));
    }
    let new = NewPage {
        slug: fields.slug.clone(),
        slugs: fields.slugs.clone(),
        title: fields.title.clone(),
        summary: fields.summary.clone(),
        meta_description: fields.meta_description.clone(),
        status: fields.status,
        parent_id: fields.parent_id,
        nav_order: fields.nav_order,
        placement: fields.placement,
        kind: if article.is_some() {
            PageKind::Article
        } else {
            PageKind::Page
        },
        article: article.cloned().unwrap_or_default(),
    };
    let id = match insert_page(&mut tx, &new, Vec::new()).await {
        Ok(id) => id,
        // Another instance took the slug between the check and the insert.
        Err(e) if e.downcast_ref().is_some_and(is_unique_violation) => {
            return Ok(Err(SaveError::SlugTaken));
        }
        Err(e) => return Err(e),
    };
    if let Err(lang) = write_slugs(&mut tx, id, langs).await? {
        return Ok(Err(SaveError::SlugTakenIn(lang)));
    }
    sql("UPDATE pages SET updated_by = $1 WHERE id = $2")
        .bind(user_id)
        .bind(id)
        .execute(&mut tx)
        .await?;
    write_revision(&mut tx, id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Saves the page form if the page is still at `version`; returns the new version.
/// A live page whose slug changes keeps its old addresses (in each of `langs`) as redirects.
/// `article`: an article's details, when the form carried them.
pub async fn update(
    db: &Db,
    id: i64,
    version: i64,
    fields: &PageFields,
    article: Option<&ArticleDetails>,
    user_id: i64,
    langs: &[Lang],
) -> Saved<i64> {
    let mut tx = db.begin().await?;
    tx.lock_row("pages", id).await?;
    let before = live_addresses(&mut tx, id).await?;
    if slug_taken(&mut tx, &fields.slug, Some(id)).await? {
        return Ok(Err(SaveError::SlugTaken));
    }
    if let Some(parent) = fields.parent_id
        && is_self_or_descendant(&mut tx, parent, id).await?
    {
        return Ok(Err(SaveError::ParentCycle));
    }
    keep_initial_state(&mut tx, id).await?;
    let updated = sql(
        "UPDATE pages SET slug = $1, title = $2, summary = $3, meta_description = $4, status = $5, published_at = $6,
                parent_id = $7, nav_order = $8, placement = $9, version = version + 1, updated_by = $10,
                updated_at = $11, slugs = $14, article = coalesce($15, article)
         WHERE id = $12 AND version = $13",
    )
    .bind(fields.slug.as_str())
    .bind(JsonText::of(&fields.title)?)
    .bind(JsonText::of(&fields.summary)?)
    .bind(JsonText::of(&fields.meta_description)?)
    .bind(fields.status.as_db())
    .bind(fields.status.published_at())
    .bind(fields.parent_id)
    .bind(fields.nav_order)
    .bind(fields.placement.as_db())
    .bind(user_id)
    .bind(now())
    .bind(id)
    .bind(version)
    .bind(JsonText::of(&fields.slugs)?)
    .bind(article.map(JsonText::of).transpose()?)
    .execute(&mut tx)
    .await;
    let updated = match updated {
        Err(e) if is_unique_violation(&e) => return Ok(Err(SaveError::SlugTaken)),
        other => other?,
    };
    if updated == 0 {
        return Ok(Err(if page_exists(&mut tx, id).await? {
            SaveError::Stale
        } else {
            SaveError::NotFound
        }));
    }
    if let Err(lang) = addresses_moved(&mut tx, id, before, langs).await? {
        return Ok(Err(SaveError::SlugTakenIn(lang)));
    }
    write_revision(&mut tx, id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(version + 1))
}

/// Renames the tag whose address form is `key` to `to`, or removes it (`None`), on every article
/// that carries it, drafts included; each article changed gets a new version and a revision.
/// Returns how many changed.
pub async fn retag(db: &Db, key: &str, to: Option<&str>, user_id: i64) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let ids: Vec<i64> = sql("SELECT id FROM pages WHERE kind = 'article' ORDER BY id")
        .scalars(&mut tx)
        .await?;
    let mut changed = 0;
    for id in ids {
        tx.lock_row("pages", id).await?;
        let Some((version, article)): Option<(i64, JsonText)> =
            sql("SELECT version, article FROM pages WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut tx)
                .await?
        else {
            continue;
        };
        let mut details: ArticleDetails = article.parse()?;
        if !details.tags.iter().any(|t| tag_key(t) == key) {
            continue;
        }
        let tags: Vec<&str> = details
            .tags
            .iter()
            .filter_map(|t| match (tag_key(t) == key, to) {
                (false, _) => Some(t.as_str()),
                (true, to) => to,
            })
            .collect();
        // Renamed to a tag the article has already: one of them stays.
        details.tags = parse_tags(&tags.join(","));
        if let Err(e) = bump_version(&mut tx, id, version, user_id).await? {
            anyhow::bail!("article {id} changed while its tags were renamed: {e:?}");
        }
        sql("UPDATE pages SET article = $1 WHERE id = $2")
            .bind(JsonText::of(&details)?)
            .bind(id)
            .execute(&mut tx)
            .await?;
        write_revision(&mut tx, id, user_id).await?;
        changed += 1;
    }
    tx.commit().await?;
    Ok(changed)
}

#[derive(Debug, PartialEq, Eq)]
pub enum DeleteOutcome {
    Deleted,
    HasChildren,
    /// The home page: the site's front door, never deleted (its content can be changed).
    IsHome,
    NotFound,
}

/// Deletes a page with its blocks and revisions, unless it is the home page or other pages sit
/// below it.
pub async fn delete(db: &Db, id: i64) -> anyhow::Result<DeleteOutcome> {
    let mut tx = db.begin().await?;
    tx.lock_row("pages", id).await?;
    let slug: Option<String> = sql("SELECT slug FROM pages WHERE id = $1")
        .bind(id)
        .scalar_optional(&mut tx)
        .await?;
    match slug.as_deref() {
        None => return Ok(DeleteOutcome::NotFound),
        Some(super::model::Slug::HOME) => return Ok(DeleteOutcome::IsHome),
        Some(_) => {}
    }
    let children: i64 = sql("SELECT count(*) FROM pages WHERE parent_id = $1")
        .bind(id)
        .scalar(&mut tx)
        .await?;
    if children > 0 {
        return Ok(DeleteOutcome::HasChildren);
    }
    // A child added meanwhile on another instance makes the foreign key refuse the delete.
    let deleted = match sql("DELETE FROM pages WHERE id = $1")
        .bind(id)
        .execute(&mut tx)
        .await
    {
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
            return Ok(DeleteOutcome::HasChildren);
        }
        other => other?,
    };
    super::findable::index_page(&mut tx, id).await?;
    tx.commit().await?;
    Ok(if deleted == 1 {
        DeleteOutcome::Deleted
    } else {
        DeleteOutcome::NotFound
    })
}

/// Adds a block at the end of the page.
pub async fn add_block(
    db: &Db,
    page_id: i64,
    version: i64,
    kind: BlockKind,
    user_id: i64,
) -> Saved<i64> {
    let mut tx = db.begin().await?;
    if let Err(e) = bump_version(&mut tx, page_id, version, user_id).await? {
        return Ok(Err(e));
    }
    let last: Option<i64> = sql("SELECT max(sort_order) FROM content_blocks WHERE page_id = $1")
        .bind(page_id)
        .scalar(&mut tx)
        .await?;
    let id = insert_block(&mut tx, page_id, kind, last.map_or(0, |l| l + 10)).await?;
    write_revision(&mut tx, page_id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Replaces a block's content.
pub async fn update_block(
    db: &Db,
    page_id: i64,
    version: i64,
    block_id: i64,
    mut kind: BlockKind,
    user_id: i64,
) -> Saved<()> {
    let mut tx = db.begin().await?;
    if let Err(e) = bump_version(&mut tx, page_id, version, user_id).await? {
        return Ok(Err(e));
    }
    kind.prepare_for_storage();
    let updated = sql(
        "UPDATE content_blocks SET block_type = $1, content = $2, rendered_html = $3, updated_at = $4
         WHERE id = $5 AND page_id = $6",
    )
    .bind(kind.type_name())
    .bind(JsonText(kind.content_json()))
    .bind(kind.rendered_html_json().map(JsonText))
    .bind(now())
    .bind(block_id)
    .bind(page_id)
    .execute(&mut tx)
    .await?;
    if updated == 0 {
        return Ok(Err(SaveError::NotFound));
    }
    write_revision(&mut tx, page_id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub async fn delete_block(
    db: &Db,
    page_id: i64,
    version: i64,
    block_id: i64,
    user_id: i64,
) -> Saved<()> {
    let mut tx = db.begin().await?;
    if let Err(e) = bump_version(&mut tx, page_id, version, user_id).await? {
        return Ok(Err(e));
    }
    let deleted = sql("DELETE FROM content_blocks WHERE id = $1 AND page_id = $2")
        .bind(block_id)
        .bind(page_id)
        .execute(&mut tx)
        .await?;
    if deleted == 0 {
        return Ok(Err(SaveError::NotFound));
    }
    write_revision(&mut tx, page_id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Puts the page's blocks in the given order (ids of other pages' blocks are ignored; blocks left out
/// keep their relative order after the listed ones).
pub async fn reorder_blocks(
    db: &Db,
    page_id: i64,
    version: i64,
    order: &[i64],
    user_id: i64,
) -> Saved<()> {
    let mut tx = db.begin().await?;
    if let Err(e) = bump_version(&mut tx, page_id, version, user_id).await? {
        return Ok(Err(e));
    }
    let mut current: Vec<i64> =
        sql("SELECT id FROM content_blocks WHERE page_id = $1 ORDER BY sort_order, id")
            .bind(page_id)
            .scalars(&mut tx)
            .await?;
    let mut ordered: Vec<i64> = order
        .iter()
        .copied()
        .filter(|id| current.contains(id))
        .collect();
    ordered.dedup();
    current.retain(|id| !ordered.contains(id));
    ordered.extend(current);
    for (position, id) in ordered.iter().enumerate() {
        sql("UPDATE content_blocks SET sort_order = $1 WHERE id = $2")
            .bind(position as i64 * 10)
            .bind(*id)
            .execute(&mut tx)
            .await?;
    }
    write_revision(&mut tx, page_id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Checks the form's version and moves the page to the next one.
async fn bump_version(
    tx: &mut Tx,
    page_id: i64,
    version: i64,
    user_id: i64,
) -> anyhow::Result<Result<(), SaveError>> {
    tx.lock_row("pages", page_id).await?;
    keep_initial_state(tx, page_id).await?;
    let updated = sql(
        "UPDATE pages SET version = version + 1, updated_by = $1, updated_at = $2
         WHERE id = $3 AND version = $4",
    )
    .bind(user_id)
    .bind(now())
    .bind(page_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if updated == 1 {
        Ok(Ok(()))
    } else if page_exists(tx, page_id).await? {
        Ok(Err(SaveError::Stale))
    } else {
        Ok(Err(SaveError::NotFound))
    }
}

async fn page_exists(tx: &mut Tx, id: i64) -> anyhow::Result<bool> {
    let n: i64 = sql("SELECT count(*) FROM pages WHERE id = $1")
        .bind(id)
        .scalar(&mut *tx)
        .await?;
    Ok(n == 1)
}

/// Whether `candidate` is `page` or lies below it (so cannot become its parent).
async fn is_self_or_descendant(tx: &mut Tx, candidate: i64, page: i64) -> anyhow::Result<bool> {
    let found: i64 = sql(
        "WITH RECURSIVE up(id, parent_id, depth) AS (
             SELECT id, parent_id, 0 FROM pages WHERE id = $1
             UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM pages AS p JOIN up ON p.id = up.parent_id WHERE up.depth < 64)
         SELECT count(*) FROM up WHERE id = $2",
    )
    .bind(candidate)
    .bind(page)
    .scalar(&mut *tx)
    .await?;
    Ok(found > 0)
}
