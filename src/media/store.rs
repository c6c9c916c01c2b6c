//! Every SQL statement about media.
use sqlx::FromRow;

use crate::db::{Db, DbTime, JsonText, now, sql};

#[derive(Debug, Clone, FromRow)]
pub struct MediaItem {
    pub id: i64,
    pub file_name: String,
    pub original_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub renditions: JsonText,
    pub alt: JsonText,
    /// A whitepaper's PDF: never served by `/media/`, only through a download link.
    pub gated: bool,
    pub created_at: DbTime,
}

impl MediaItem {
    pub fn path(&self) -> String {
        format!("/media/{}", self.file_name)
    }

    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    pub fn is_pdf(&self) -> bool {
        self.content_type == "application/pdf"
    }

    /// A small version for choosers: the smallest rendition when the image is wider, else itself.
    pub fn thumbnail(&self) -> String {
        let smallest = crate::media::files::RENDITION_WIDTHS.iter().min().copied();
        match (self.width, smallest, self.file_name.rsplit_once('.')) {
            (Some(w), Some(small), Some((stem, ext))) if w > i64::from(small) => {
                let ext = if ext == "jpg" { "jpg" } else { "png" };
                format!("/media/{stem}-{small}.{ext}")
            }
            _ => self.path(),
        }
    }
}

pub struct NewMedia<'a> {
    pub file_name: &'a str,
    pub original_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub renditions: &'a [u32],
}

pub async fn insert(db: &Db, m: &NewMedia<'_>, user_id: Option<i64>) -> anyhow::Result<i64> {
    Ok(sql(
        "INSERT INTO media (file_name, original_name, content_type, size_bytes, width, height, renditions, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(m.file_name)
    .bind(m.original_name)
    .bind(m.content_type)
    .bind(m.size_bytes)
    .bind(m.width)
    .bind(m.height)
    .bind(JsonText::of(m.renditions)?)
    .bind(user_id)
    .bind(now())
    .scalar(db)
    .await?)
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<MediaItem>> {
    Ok(sql(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, gated, created_at
         FROM media ORDER BY id DESC",
    )
    .fetch_all(db)
    .await?)
}

/// What the library shows: the newest first, `limit` from `offset`, those whose original name
/// contains `name` (any case) when given.
pub async fn list_page(
    db: &Db,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<MediaItem>> {
    Ok(sql(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, gated, created_at
         FROM media WHERE $1 IS NULL OR lower(original_name) LIKE $1
         ORDER BY id DESC LIMIT $2 OFFSET $3",
    )
    .bind(name_pattern(name))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

/// The images a chooser offers (never a whitepaper's PDF): newest first, filtered by name.
pub async fn images_page(
    db: &Db,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> anyhow::Result<(Vec<MediaItem>, i64)> {
    let pattern = name_pattern(name);
    let items = sql(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, gated, created_at
         FROM media WHERE content_type LIKE 'image/%' AND NOT gated AND ($1 IS NULL OR lower(original_name) LIKE $1)
         ORDER BY id DESC LIMIT $2 OFFSET $3",
    )
    .bind(pattern.clone())
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let total = sql(
        "SELECT count(*) FROM media WHERE content_type LIKE 'image/%' AND NOT gated AND ($1 IS NULL OR lower(original_name) LIKE $1)",
    )
    .bind(pattern)
    .scalar(db)
    .await?;
    Ok((items, total))
}

pub async fn count(db: &Db, name: Option<&str>) -> anyhow::Result<i64> {
    Ok(
        sql("SELECT count(*) FROM media WHERE $1 IS NULL OR lower(original_name) LIKE $1")
            .bind(name_pattern(name))
            .scalar(db)
            .await?,
    )
}

/// `%name%` for LIKE, the name's own `%` and `_` taken as text.
fn name_pattern(name: Option<&str>) -> Option<String> {
    name.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| format!("%{}%", n.to_lowercase().replace(['%', '_'], "")))
}

pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<MediaItem>> {
    Ok(sql(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, gated, created_at
         FROM media WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

pub async fn by_file_name(db: &Db, file_name: &str) -> anyhow::Result<Option<MediaItem>> {
    Ok(sql(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, gated, created_at
         FROM media WHERE file_name = $1",
    )
    .bind(file_name)
    .fetch_optional(db)
    .await?)
}

pub async fn set_alt(db: &Db, id: i64, alt: &JsonText) -> anyhow::Result<bool> {
    Ok(sql("UPDATE media SET alt = $1 WHERE id = $2")
        .bind(alt)
        .bind(id)
        .execute(db)
        .await?
        == 1)
}

pub async fn delete(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(sql("DELETE FROM media WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        == 1)
}

/// Slugs of the pages whose blocks use the file.
pub async fn used_on(db: &Db, file_name: &str) -> anyhow::Result<Vec<String>> {
    let pattern = format!("%/media/{file_name}%");
    Ok(sql(
        "SELECT DISTINCT p.slug FROM content_blocks AS b JOIN pages AS p ON p.id = b.page_id
         WHERE CAST(b.content AS TEXT) LIKE $1 ORDER BY p.slug",
    )
    .bind(pattern)
    .scalars(db)
    .await?)
}

/// Marks a file gated (a whitepaper's PDF) or not, inside the caller's transaction.
pub async fn set_gated(tx: &mut crate::db::Tx, id: i64, gated: bool) -> anyhow::Result<()> {
    sql("UPDATE media SET gated = $1 WHERE id = $2")
        .bind(gated)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Whether `/media/{file_name}` is a gated file (unknown files are not).
pub async fn is_gated(db: &Db, file_name: &str) -> anyhow::Result<bool> {
    Ok(sql("SELECT gated FROM media WHERE file_name = $1")
        .bind(file_name)
        .scalar_optional::<bool>(db)
        .await?
        .unwrap_or(false))
}
