//! Every SQL statement about whitepapers themselves: reading them, saving an editor's changes with
//! their files, the lists the admin shows. Leads and download links are `lead_store`.
use sqlx::FromRow;

use super::model::{Label, Whitepaper, WhitepaperStatus};
use crate::content::Slug;
use crate::db::{Db, DbTime, JsonText, Sql, Tx, is_unique_violation, now as db_now, sql};

#[derive(FromRow)]
struct WhitepaperRow {
    id: i64,
    slug: String,
    title: JsonText,
    summary: JsonText,
    description: JsonText,
    description_html: JsonText,
    preview: JsonText,
    author_name: String,
    author_role: JsonText,
    category: JsonText,
    tags: JsonText,
    published_on: String,
    cover_image: String,
    page_count: i64,
    status: String,
    download_count: i64,
    updated_at: DbTime,
    leads: i64,
}

const SELECT: &str = "SELECT w.id, w.slug, w.title, w.summary, w.description, w.description_html, w.preview, \
     w.author_name, w.author_role, w.category, w.tags, w.published_on, w.cover_image, w.page_count, w.status, \
     w.download_count, w.updated_at, \
     (SELECT count(*) FROM whitepaper_leads AS l WHERE l.whitepaper_id = w.id) AS leads \
     FROM whitepapers AS w";

fn from_row(r: WhitepaperRow) -> anyhow::Result<Whitepaper> {
    let id = r.id;
    let bad = |column: &str, e: &dyn std::fmt::Display| {
        anyhow::anyhow!("whitepapers row {id}, column {column}: {e}")
    };
    let category: Option<Label> = if r.category.trim() == "{}" {
        None
    } else {
        Some(r.category.parse().map_err(|e| bad("category", &e))?)
    };
    Ok(Whitepaper {
        id,
        slug: Slug::parse(&r.slug).map_err(|e| bad("slug", &e))?,
        title: r.title.parse().map_err(|e| bad("title", &e))?,
        summary: r.summary.parse().map_err(|e| bad("summary", &e))?,
        description: r.description.parse().map_err(|e| bad("description", &e))?,
        description_html: r
            .description_html
            .parse()
            .map_err(|e| bad("description_html", &e))?,
        preview: r.preview.parse().map_err(|e| bad("preview", &e))?,
        author_name: r.author_name,
        author_role: r.author_role.parse().map_err(|e| bad("author_role", &e))?,
        category: category.filter(|c| !c.key.is_empty()),
        tags: r.tags.parse().map_err(|e| bad("tags", &e))?,
        published_on: r
            .published_on
            .parse()
            .map_err(|e| bad("published_on", &e))?,
        cover_image: r.cover_image,
        page_count: r.page_count,
        status: WhitepaperStatus::parse(&r.status).ok_or_else(|| bad("status", &r.status))?,
        download_count: r.download_count,
        updated_at: r.updated_at.into(),
        files: Vec::new(),
        leads: r.leads,
    })
}

/// The rows with their files (one more query for all of them).
async fn with_files(db: &Db, rows: Vec<WhitepaperRow>) -> anyhow::Result<Vec<Whitepaper>> {
    let mut papers = rows
        .into_iter()
        .map(from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    if papers.is_empty() {
        return Ok(papers);
    }
    let files: Vec<(i64, String, i64)> = sql(
        "SELECT whitepaper_id, language, media_id FROM whitepaper_files ORDER BY whitepaper_id, language",
    )
    .fetch_all(db)
    .await?;
    for paper in &mut papers {
        paper.files = files
            .iter()
            .filter(|(w, _, _)| *w == paper.id)
            .map(|(_, lang, media)| (lang.clone(), *media))
            .collect();
    }
    Ok(papers)
}

/// Published whitepapers, newest first.
pub async fn published(db: &Db) -> anyhow::Result<Vec<Whitepaper>> {
    let rows: Vec<WhitepaperRow> = Sql::assembled(format!(
        "{SELECT} WHERE w.status = 'published' ORDER BY w.published_on DESC, w.id DESC"
    ))
    .fetch_all(db)
    .await?;
    with_files(db, rows).await
}

/// Every whitepaper, newest first (the admin).
pub async fn all(db: &Db) -> anyhow::Result<Vec<Whitepaper>> {
    let rows: Vec<WhitepaperRow> =
        Sql::assembled(format!("{SELECT} ORDER BY w.published_on DESC, w.id DESC"))
            .fetch_all(db)
            .await?;
    with_files(db, rows).await
}

/// The published whitepaper at `slug`.
pub async fn published_by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<Whitepaper>> {
    let row: Option<WhitepaperRow> = Sql::assembled(format!(
        "{SELECT} WHERE w.slug = $1 AND w.status = 'published'"
    ))
    .bind(slug.as_str())
    .fetch_optional(db)
    .await?;
    one(db, row).await
}

pub async fn by_id(db: &Db, id: i64) -> anyhow::Result<Option<Whitepaper>> {
    let row: Option<WhitepaperRow> = Sql::assembled(format!("{SELECT} WHERE w.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    one(db, row).await
}

async fn one(db: &Db, row: Option<WhitepaperRow>) -> anyhow::Result<Option<Whitepaper>> {
    let Some(row) = row else { return Ok(None) };
    let id = row.id;
    let mut paper = from_row(row)?;
    paper.files = sql(
        "SELECT language, media_id FROM whitepaper_files WHERE whitepaper_id = $1 ORDER BY language",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(Some(paper))
}

pub async fn has_whitepapers(db: &Db) -> anyhow::Result<bool> {
    Ok(sql("SELECT EXISTS (SELECT 1 FROM whitepapers)")
        .scalar::<bool>(db)
        .await?)
}

/// What the editor's form saves.
#[derive(Debug)]
pub struct WhitepaperFields {
    pub slug: Slug,
    pub title: JsonText,
    pub summary: JsonText,
    pub description: JsonText,
    pub description_html: JsonText,
    pub preview: JsonText,
    pub author_name: String,
    pub author_role: JsonText,
    pub category: JsonText,
    pub tags: JsonText,
    pub published_on: jiff::civil::Date,
    pub cover_image: String,
    pub page_count: i64,
    pub status: WhitepaperStatus,
    /// The PDF (a media id) per language; languages not named keep what they have, `None` removes.
    pub files: Vec<(String, Option<i64>)>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SaveRefused {
    SlugTaken,
    NotFound,
}

trait WithFields {
    fn with_fields(self, f: &WhitepaperFields) -> Self;
}

impl WithFields for Sql {
    /// Binds `$1`…`$14` in the order of the INSERT and UPDATE below.
    fn with_fields(self, f: &WhitepaperFields) -> Sql {
        self.bind(f.slug.as_str())
            .bind(&f.title)
            .bind(&f.summary)
            .bind(&f.description)
            .bind(&f.description_html)
            .bind(&f.preview)
            .bind(&f.author_name)
            .bind(&f.author_role)
            .bind(&f.category)
            .bind(&f.tags)
            .bind(f.published_on.to_string())
            .bind(&f.cover_image)
            .bind(f.page_count)
            .bind(f.status.as_db())
    }
}

/// Creates (`id: None`) or updates a whitepaper with its files; the files attached are marked gated
/// in the media library (and a file no whitepaper uses any more is not).
pub async fn save(
    db: &Db,
    id: Option<i64>,
    f: &WhitepaperFields,
) -> anyhow::Result<Result<i64, SaveRefused>> {
    let now = db_now();
    let mut tx = db.begin().await?;
    let saved = match id {
        None => {
            sql("INSERT INTO whitepapers (slug, title, summary, description, description_html, preview, author_name,
                    author_role, category, tags, published_on, cover_image, page_count, status, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id")
            .with_fields(f)
            .bind(now)
            .scalar::<i64>(&mut tx)
            .await
        }
        Some(id) => sql(
            "UPDATE whitepapers SET slug = $1, title = $2, summary = $3, description = $4, description_html = $5,
                preview = $6, author_name = $7, author_role = $8, category = $9, tags = $10, published_on = $11,
                cover_image = $12, page_count = $13, status = $14, updated_at = $15
             WHERE id = $16 RETURNING id",
        )
        .with_fields(f)
        .bind(now)
        .bind(id)
        .scalar_optional::<i64>(&mut tx)
        .await
        .map(|found| found.unwrap_or(0)),
    };
    let id = match saved {
        Ok(0) => return Ok(Err(SaveRefused::NotFound)),
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Ok(Err(SaveRefused::SlugTaken)),
        Err(e) => return Err(e.into()),
    };
    set_files(&mut tx, id, &f.files).await?;
    super::findable::index_whitepaper(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Attaches (or removes) the PDF of each language named and keeps the media library's `gated`
/// marks true to what whitepapers use.
async fn set_files(tx: &mut Tx, id: i64, files: &[(String, Option<i64>)]) -> anyhow::Result<()> {
    let mut touched: Vec<i64> = Vec::new();
    for (lang, media) in files {
        let before: Option<i64> =
            sql("SELECT media_id FROM whitepaper_files WHERE whitepaper_id = $1 AND language = $2")
                .bind(id)
                .bind(lang)
                .scalar_optional(&mut *tx)
                .await?;
        if before == *media {
            continue;
        }
        touched.extend(before);
        sql("DELETE FROM whitepaper_files WHERE whitepaper_id = $1 AND language = $2")
            .bind(id)
            .bind(lang)
            .execute(&mut *tx)
            .await?;
        if let Some(media) = media {
            sql("INSERT INTO whitepaper_files (whitepaper_id, language, media_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(lang)
                .bind(*media)
                .execute(&mut *tx)
                .await?;
            touched.push(*media);
        }
    }
    for media in touched {
        let used: bool = sql("SELECT EXISTS (SELECT 1 FROM whitepaper_files WHERE media_id = $1)")
            .bind(media)
            .scalar(&mut *tx)
            .await?;
        crate::media::store::set_gated(tx, media, used).await?;
    }
    Ok(())
}

/// The titles of every whitepaper, for the leads filter.
pub async fn titles(db: &Db) -> anyhow::Result<Vec<(i64, JsonText)>> {
    Ok(
        sql("SELECT id, title FROM whitepapers ORDER BY published_on DESC, id DESC")
            .fetch_all(db)
            .await?,
    )
}

/// Every whitepaper's translatable texts as one JSON object (title, summary, description, author
/// role, category), newest first, for the translation overview.
pub async fn translatable(db: &Db) -> anyhow::Result<Vec<(i64, JsonText)>> {
    Ok(Sql::per_engine(
        "SELECT id, json_object('title', json(title), 'summary', json(summary),
                'description', json(description), 'author_role', json(author_role),
                'category', json(category))
         FROM whitepapers ORDER BY id DESC",
        "SELECT id, jsonb_build_object('title', title, 'summary', summary,
                'description', description, 'author_role', author_role, 'category', category)
         FROM whitepapers ORDER BY id DESC",
    )
    .fetch_all(db)
    .await?)
}
