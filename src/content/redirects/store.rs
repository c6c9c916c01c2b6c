//! Every SQL statement about redirects. Chains never form: a new target that is itself redirected
//! is followed first, and redirects that led to an address now redirected elsewhere are pointed at
//! the new target (A→B, B→C becomes A→C, B→C). A redirect whose target is its own address is never
//! stored.
use crate::db::{Db, DbTime, Tx, now, sql};

#[derive(sqlx::FromRow)]
pub struct Redirect {
    pub id: i64,
    pub from_path: String,
    pub to_path: String,
    pub automatic: bool,
    pub hits: i64,
    pub created_at: DbTime,
}

/// Where `path` leads, counting the visit; `None` when it is not redirected.
pub async fn follow(db: &Db, path: &str) -> anyhow::Result<Option<String>> {
    let to: Option<String> =
        sql("UPDATE redirects SET hits = hits + 1 WHERE from_path = $1 RETURNING to_path")
            .bind(path)
            .scalar_optional(db)
            .await?;
    Ok(to)
}

pub async fn list(db: &Db, limit: i64, offset: i64) -> anyhow::Result<Vec<Redirect>> {
    Ok(sql(
        "SELECT id, from_path, to_path, automatic, hits, created_at FROM redirects
         ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count(db: &Db) -> anyhow::Result<i64> {
    Ok(sql("SELECT count(*) FROM redirects").scalar(db).await?)
}

#[derive(Debug, PartialEq, Eq)]
pub enum AddError {
    /// The redirect would lead back to where it starts.
    Loop,
    /// That address is redirected already.
    Taken,
}

/// Adds a redirect from `from` to `to` (both paths on this site), collapsing chains both ways.
pub async fn add(
    db: &Db,
    from: &str,
    to: &str,
    automatic: bool,
) -> anyhow::Result<Result<i64, AddError>> {
    let mut tx = db.begin().await?;
    let result = add_in(&mut tx, from, to, automatic).await?;
    if result.is_ok() {
        tx.commit().await?;
    }
    Ok(result)
}

async fn add_in(
    tx: &mut Tx,
    from: &str,
    to: &str,
    automatic: bool,
) -> anyhow::Result<Result<i64, AddError>> {
    // The target is itself redirected: lead straight to where that goes.
    let onward: Option<String> = sql("SELECT to_path FROM redirects WHERE from_path = $1")
        .bind(to)
        .scalar_optional(&mut *tx)
        .await?;
    let to = onward.unwrap_or_else(|| to.to_owned());
    if to == from {
        return Ok(Err(AddError::Loop));
    }
    let id: Option<i64> = sql(
        "INSERT INTO redirects (from_path, to_path, automatic, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (from_path) DO NOTHING RETURNING id",
    )
    .bind(from)
    .bind(&to)
    .bind(automatic)
    .bind(now())
    .scalar_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Ok(Err(AddError::Taken));
    };
    // Redirects that led to `from` now lead to `to` (and one that would lead to itself goes).
    sql("DELETE FROM redirects WHERE to_path = $1 AND from_path = $2")
        .bind(from)
        .bind(&to)
        .execute(&mut *tx)
        .await?;
    sql("UPDATE redirects SET to_path = $1 WHERE to_path = $2")
        .bind(&to)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    Ok(Ok(id))
}

/// A page moved from `old` to `new` (one path per language): the old address redirects to the new
/// one, older redirects follow, and a redirect from the page's new address (it was there before)
/// goes, since the page answers there again. Runs in the rename's transaction.
pub(in crate::content) async fn page_moved(
    tx: &mut Tx,
    moves: &[(String, String)],
) -> anyhow::Result<()> {
    for (old, new) in moves {
        sql("DELETE FROM redirects WHERE from_path = $1")
            .bind(new)
            .execute(&mut *tx)
            .await?;
        sql("DELETE FROM redirects WHERE from_path = $1")
            .bind(old)
            .execute(&mut *tx)
            .await?;
        // Cannot loop: `new` is no longer redirected, and `old` differs from it.
        let _ = add_in(tx, old, new, true).await?;
    }
    Ok(())
}

pub async fn delete(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(sql("DELETE FROM redirects WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        == 1)
}
