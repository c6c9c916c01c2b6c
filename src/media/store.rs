//! Every SQL statement about media.
use sqlx::FromRow;

use crate::db::Db;

#[derive(Debug, Clone, FromRow)]
pub struct MediaItem {
    pub id: i64,
    pub file_name: String,
    pub original_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub renditions: String,
    pub alt: String,
    pub created_at: String,
}

impl MediaItem {
    pub fn path(&self) -> String {
        format!("/media/{}", self.file_name)
    }

    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
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

pub async fn insert(db: &Db, m: &NewMedia<'_>, user_id: i64) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO media (file_name, original_name, content_type, size_bytes, width, height, renditions, uploaded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(m.file_name)
    .bind(m.original_name)
    .bind(m.content_type)
    .bind(m.size_bytes)
    .bind(m.width)
    .bind(m.height)
    .bind(serde_json::to_string(m.renditions)?)
    .bind(user_id)
    .fetch_one(db)
    .await?)
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<MediaItem>> {
    Ok(sqlx::query_as(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, created_at
         FROM media ORDER BY id DESC",
    )
    .fetch_all(db)
    .await?)
}

pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<MediaItem>> {
    Ok(sqlx::query_as(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, created_at
         FROM media WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

pub async fn by_file_name(db: &Db, file_name: &str) -> anyhow::Result<Option<MediaItem>> {
    Ok(sqlx::query_as(
        "SELECT id, file_name, original_name, content_type, size_bytes, width, height, renditions, alt, created_at
         FROM media WHERE file_name = ?",
    )
    .bind(file_name)
    .fetch_optional(db)
    .await?)
}

pub async fn set_alt(db: &Db, id: i64, alt_json: &str) -> anyhow::Result<bool> {
    Ok(sqlx::query("UPDATE media SET alt = ? WHERE id = ?")
        .bind(alt_json)
        .bind(id)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

pub async fn delete(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(sqlx::query("DELETE FROM media WHERE id = ?")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

/// Slugs of the pages whose blocks use the file.
pub async fn used_on(db: &Db, file_name: &str) -> anyhow::Result<Vec<String>> {
    let pattern = format!("%/media/{file_name}%");
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT p.slug FROM content_blocks AS b JOIN pages AS p ON p.id = b.page_id WHERE b.content LIKE ? ORDER BY p.slug",
    )
    .bind(pattern)
    .fetch_all(db)
    .await?)
}
