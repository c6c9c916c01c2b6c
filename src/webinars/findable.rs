//! What the site search finds of a webinar: title, summary, description, objectives and speakers,
//! in every language, while visitors can open its page (published or cancelled).
use crate::db::{Db, JsonText, Tx, sql};
use crate::search::index::{self, Item, Kind};

#[derive(sqlx::FromRow)]
struct Row {
    slug: String,
    status: String,
    title: JsonText,
    summary: JsonText,
    description: JsonText,
    objectives: JsonText,
    speakers: JsonText,
}

/// Puts webinar `id` into the search index as it is now (inside the transaction that changed it).
pub(super) async fn index_webinar(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    let row: Option<Row> = sql(
        "SELECT slug, status, title, summary, description, objectives, speakers FROM webinars WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row.filter(|r| r.status == "published" || r.status == "cancelled") else {
        return index::remove(tx, Kind::Webinar, id).await;
    };
    let json = |t: &JsonText| t.parse::<serde_json::Value>().unwrap_or_default();
    let speakers = json(&row.speakers);
    index::replace_item(
        tx,
        &Item {
            kind: Kind::Webinar,
            id,
            section: "webinars",
            slug: &row.slug,
            title: &json(&row.title),
            texts: vec![
                json(&row.summary),
                json(&row.description),
                json(&row.objectives),
                speakers,
            ],
            names: Vec::new(),
        },
    )
    .await
}

/// Every webinar into the index anew (`magnetiq reindex`).
pub async fn reindex(db: &Db) -> anyhow::Result<usize> {
    let ids: Vec<i64> = sql("SELECT id FROM webinars ORDER BY id")
        .scalars(db)
        .await?;
    let mut tx = db.begin().await?;
    for &id in &ids {
        index_webinar(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}
