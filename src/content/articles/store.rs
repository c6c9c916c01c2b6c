//! Every SQL statement about articles beyond the pages' own: what the index loads, categories,
//! authors' profiles and the section's settings.
use sqlx::FromRow;

use super::Sections;
use super::model::{AuthorProfile, Category};
use crate::db::{Db, DbTime, JsonText, On, Sql, now, sql};
use crate::i18n::{Lang, Localized};

/// The setting that holds the section's address per language (`{"en": "articles"}`).
const SECTIONS_SETTING: &str = "article_sections";
/// The setting that lists the latest articles in the footer.
const FOOTER_SETTING: &str = "articles_in_footer";

#[derive(FromRow)]
pub(super) struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub slugs: JsonText,
    pub title: JsonText,
    pub summary: JsonText,
    pub published_at: DbTime,
    pub updated_at: DbTime,
    pub article: JsonText,
}

/// Every published or scheduled article, newest first.
pub(super) async fn visible_articles(db: &Db) -> anyhow::Result<Vec<ArticleRow>> {
    Ok(sql(
        "SELECT id, slug, slugs, title, summary, published_at, updated_at, article
         FROM pages
         WHERE kind = 'article' AND status IN ('published', 'scheduled') AND draft_of IS NULL
         ORDER BY published_at DESC, id DESC",
    )
    .fetch_all(db)
    .await?)
}

/// The blocks' content of every published or scheduled article (for the reading time).
pub(super) async fn visible_article_blocks(db: &Db) -> anyhow::Result<Vec<(i64, JsonText)>> {
    Ok(sql(
        "SELECT b.page_id, b.content FROM content_blocks AS b JOIN pages AS p ON p.id = b.page_id
         WHERE p.kind = 'article' AND p.status IN ('published', 'scheduled') AND p.draft_of IS NULL",
    )
    .fetch_all(db)
    .await?)
}

#[derive(FromRow)]
pub(super) struct ImageRow {
    pub id: i64,
    pub file_name: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub alt: JsonText,
}

/// The images articles show: covers and authors' photos.
pub(super) async fn article_images(db: &Db) -> anyhow::Result<Vec<ImageRow>> {
    Ok(Sql::per_engine(
        "SELECT id, file_name, width, height, alt FROM media
         WHERE id IN (SELECT json_extract(article, '$.cover') FROM pages WHERE kind = 'article')
            OR id IN (SELECT photo_id FROM author_profiles)",
        "SELECT id, file_name, width, height, alt FROM media
         WHERE id IN (SELECT (article->>'cover')::bigint FROM pages WHERE kind = 'article')
            OR id IN (SELECT photo_id FROM author_profiles)",
    )
    .fetch_all(db)
    .await?)
}

#[derive(FromRow)]
struct CategoryRow {
    id: i64,
    name: JsonText,
    slugs: JsonText,
    position: i64,
}

pub async fn categories(db: &Db) -> anyhow::Result<Vec<Category>> {
    let rows: Vec<CategoryRow> =
        sql("SELECT id, name, slugs, position FROM article_categories ORDER BY position, id")
            .fetch_all(db)
            .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Category {
                id: r.id,
                name: r.name.parse()?,
                slugs: r.slugs.parse()?,
                position: r.position,
            })
        })
        .collect()
}

pub async fn add_category(
    db: &Db,
    name: &Localized<String>,
    slugs: &Localized<String>,
) -> anyhow::Result<i64> {
    Ok(sql(
        "INSERT INTO article_categories (name, slugs, position)
         VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 10 FROM article_categories)) RETURNING id",
    )
    .bind(JsonText::of(name)?)
    .bind(JsonText::of(slugs)?)
    .scalar(db)
    .await?)
}

pub async fn save_category(
    db: &Db,
    id: i64,
    name: &Localized<String>,
    slugs: &Localized<String>,
) -> anyhow::Result<bool> {
    Ok(
        sql("UPDATE article_categories SET name = $1, slugs = $2 WHERE id = $3")
            .bind(JsonText::of(name)?)
            .bind(JsonText::of(slugs)?)
            .bind(id)
            .execute(db)
            .await?
            == 1,
    )
}

/// Deletes a category; articles that named it simply no longer show it.
pub async fn delete_category(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(sql("DELETE FROM article_categories WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        == 1)
}

#[derive(FromRow)]
struct ProfileRow {
    user_id: i64,
    slug: String,
    display_name: String,
    role_line: JsonText,
    bio: JsonText,
    photo_id: Option<i64>,
    public: bool,
}

impl ProfileRow {
    fn into_profile(self) -> anyhow::Result<AuthorProfile> {
        Ok(AuthorProfile {
            user_id: self.user_id,
            slug: self.slug,
            display_name: self.display_name,
            role_line: self.role_line.parse()?,
            bio: self.bio.parse()?,
            photo: self.photo_id,
            public: self.public,
        })
    }
}

/// Every staff member as a byline names them: their profile, or for those without one a private
/// profile made of their display name.
pub(super) async fn bylines(db: &Db) -> anyhow::Result<Vec<AuthorProfile>> {
    let rows: Vec<ProfileRow> = sql("SELECT u.id AS user_id, coalesce(p.slug, '') AS slug,
                coalesce(p.display_name, u.display_name) AS display_name,
                coalesce(p.role_line, '{}') AS role_line, coalesce(p.bio, '{}') AS bio,
                p.photo_id, coalesce(p.public, false) AS public
         FROM users AS u LEFT JOIN author_profiles AS p ON p.user_id = u.id")
    .fetch_all(db)
    .await?;
    rows.into_iter().map(ProfileRow::into_profile).collect()
}

pub async fn profile(db: &Db, user_id: i64) -> anyhow::Result<Option<AuthorProfile>> {
    let row: Option<ProfileRow> = sql(
        "SELECT user_id, slug, display_name, role_line, bio, photo_id, public FROM author_profiles
         WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    row.map(ProfileRow::into_profile).transpose()
}

/// Stores a person's profile; `Ok(false)` when another profile has the slug.
pub async fn save_profile(db: &Db, p: &AuthorProfile) -> anyhow::Result<bool> {
    let saved = sql(
        "INSERT INTO author_profiles (user_id, slug, display_name, role_line, bio, photo_id, public, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (user_id) DO UPDATE SET slug = excluded.slug, display_name = excluded.display_name,
             role_line = excluded.role_line, bio = excluded.bio, photo_id = excluded.photo_id,
             public = excluded.public, updated_at = excluded.updated_at",
    )
    .bind(p.user_id)
    .bind(&p.slug)
    .bind(&p.display_name)
    .bind(JsonText::of(&p.role_line)?)
    .bind(JsonText::of(&p.bio)?)
    .bind(p.photo)
    .bind(p.public)
    .bind(now())
    .execute(db)
    .await;
    match saved {
        Ok(_) => Ok(true),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Staff members who may be named as authors: (id, display name), active ones first by name.
pub async fn staff(db: &Db) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(
        sql("SELECT id, display_name FROM users ORDER BY active DESC, display_name, id")
            .fetch_all(db)
            .await?,
    )
}

/// The section's addresses per language.
pub async fn sections<'a>(on: impl Into<On<'a>>) -> anyhow::Result<Sections> {
    let value: Option<String> = sql("SELECT value FROM site_settings WHERE name = $1")
        .bind(SECTIONS_SETTING)
        .scalar_optional(on)
        .await?;
    let localized = match value {
        Some(json) => serde_json::from_str(&json)?,
        None => Localized::new(),
    };
    Ok(Sections(localized))
}

pub async fn set_sections(db: &Db, sections: &Sections) -> anyhow::Result<()> {
    sql("INSERT INTO site_settings (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    .bind(SECTIONS_SETTING)
    .bind(serde_json::to_string(&sections.0)?)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether a page of the site's tree answers at `/{lang}/{slug}`.
pub(super) async fn page_at(db: &Db, lang: Lang, slug: &str) -> anyhow::Result<bool> {
    Ok(sql(
        "SELECT EXISTS (SELECT 1 FROM page_slugs AS s JOIN pages AS p ON p.id = s.page_id
                        WHERE s.lang = $1 AND s.slug = $2 AND p.kind = 'page')",
    )
    .bind(lang.as_str())
    .bind(slug)
    .scalar(db)
    .await?)
}

/// Whether the footer lists the latest three articles.
pub async fn in_footer(db: &Db) -> anyhow::Result<bool> {
    crate::db::settings::flag(db, FOOTER_SETTING).await
}

pub async fn set_in_footer(db: &Db, on: bool) -> anyhow::Result<()> {
    crate::db::settings::set_flag(db, FOOTER_SETTING, on).await
}
