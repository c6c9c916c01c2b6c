//! What the site search finds of a page: its title and the text of its summary and blocks in every
//! language, as visitors read it there (a missing translation shows the default language's text, so
//! that is what is found). Written with every change of the page, in the change's transaction
//! (`editing::write_revision`, which every change goes through, and the bulk creation of pages).
use super::model::{Slug, slug_in};
use crate::db::{DbTime, JsonText, Tx, sql};
use crate::i18n::Localized;
use crate::search::index::{self, Document, Kind, localized_text, push};

#[derive(sqlx::FromRow)]
struct Row {
    slug: String,
    slugs: JsonText,
    title: JsonText,
    summary: JsonText,
    status: String,
    published_at: Option<DbTime>,
    draft_of: Option<i64>,
    kind: String,
}

/// Puts page `id` into the search index as it is now, or takes it out when visitors cannot see it
/// (a draft, a draft of changes, deleted).
pub(super) async fn index_page(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    let row: Option<Row> = sql(
        "SELECT slug, slugs, title, summary, status, published_at, draft_of, kind FROM pages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row.filter(|r| r.status != "draft" && r.draft_of.is_none()) else {
        return index::remove(tx, Kind::Page, id).await;
    };
    let languages = index::languages(tx).await?;
    let default = languages.default_lang();
    let blocks: Vec<JsonText> =
        sql("SELECT content FROM content_blocks WHERE page_id = $1 ORDER BY sort_order, id")
            .bind(id)
            .scalars(&mut *tx)
            .await?;
    let blocks: Vec<serde_json::Value> = blocks.iter().filter_map(|b| b.parse().ok()).collect();
    let slug = Slug::parse(&row.slug)?;
    let slugs: Localized<String> = row.slugs.parse()?;
    let title: Localized<String> = row.title.parse()?;
    let summary: Localized<String> = row.summary.parse()?;
    // An article answers below the section's address.
    let sections = match row.kind == super::articles::model::PageKind::Article.as_db() {
        true => Some(super::articles::store::sections(&mut *tx).await?),
        false => None,
    };
    let documents: Vec<Document> = languages
        .all()
        .iter()
        .map(|&lang| {
            let mut body = String::new();
            push(&mut body, summary.text(lang, default));
            for block in &blocks {
                push(&mut body, &localized_text(block, lang, &languages));
            }
            Document {
                lang,
                path: match &sections {
                    Some(sections) => {
                        super::articles::article_path(sections, lang, slug_in(&slug, &slugs, lang))
                    }
                    None => super::page_path(lang, slug_in(&slug, &slugs, lang)),
                },
                title: title.text(lang, default).to_owned(),
                body,
                visible_from: row.published_at,
            }
        })
        .collect();
    index::replace(tx, Kind::Page, id, &documents).await
}

/// Every page into the index anew (`magnetiq reindex`); returns how many pages are findable.
pub async fn reindex_pages(db: &crate::db::Db) -> anyhow::Result<usize> {
    let ids: Vec<i64> = sql("SELECT id FROM pages ORDER BY id").scalars(db).await?;
    for chunk in ids.chunks(500) {
        let mut tx = db.begin().await?;
        for &id in chunk {
            index_page(&mut tx, id).await?;
        }
        tx.commit().await?;
    }
    let findable: i64 =
        sql("SELECT count(DISTINCT item_id) FROM search_documents WHERE kind = 'page'")
            .scalar(db)
            .await?;
    Ok(usize::try_from(findable).unwrap_or(0))
}
