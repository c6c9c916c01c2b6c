//! What the site search finds of a whitepaper: title, summary, description, preview, author,
//! category and tags, in every language, while it is published.
use crate::db::{Db, JsonText, Tx, sql};
use crate::search::index::{self, Item, Kind};

#[derive(sqlx::FromRow)]
struct Row {
    slug: String,
    status: String,
    title: JsonText,
    summary: JsonText,
    description: JsonText,
    preview: JsonText,
    author_name: String,
    author_role: JsonText,
    category: JsonText,
    tags: JsonText,
}

/// Puts whitepaper `id` into the search index as it is now (inside the transaction that changed it).
pub(super) async fn index_whitepaper(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    let row: Option<Row> = sql(
        "SELECT slug, status, title, summary, description, preview, author_name, author_role, category, tags
         FROM whitepapers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row.filter(|r| r.status == "published") else {
        return index::remove(tx, Kind::Whitepaper, id).await;
    };
    let json = |t: &JsonText| t.parse::<serde_json::Value>().unwrap_or_default();
    index::replace_item(
        tx,
        &Item {
            kind: Kind::Whitepaper,
            id,
            section: "whitepapers",
            slug: &row.slug,
            title: &json(&row.title),
            texts: vec![
                json(&row.summary),
                json(&row.description),
                json(&row.preview),
                json(&row.author_role),
                json(&row.category),
                json(&row.tags),
            ],
            names: vec![row.author_name.as_str()],
        },
    )
    .await
}

/// Every whitepaper into the index anew (`magnetiq reindex`).
pub async fn reindex(db: &Db) -> anyhow::Result<usize> {
    let ids: Vec<i64> = sql("SELECT id FROM whitepapers ORDER BY id")
        .scalars(db)
        .await?;
    let mut tx = db.begin().await?;
    for &id in &ids {
        index_whitepaper(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}
