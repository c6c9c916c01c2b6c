//! A page's addresses: its slug in every configured language (its own there, or the default
//! language's) in `page_slugs`, whose key keeps two pages from answering at one address in a
//! language; and the redirects a live page's changed address leaves behind.

use super::model::Slug;
use crate::db::{Db, JsonText, Sql, Tx, sql};
use crate::i18n::{Lang, Languages, Localized};

/// The address of page `id` in every one of `langs` (its own slug there, or its default one) into
/// `page_slugs`, after any change of its slugs; `Ok(Err(lang))` when another page answers at that
/// address in `lang` already (nothing written then).
pub async fn write_slugs(
    tx: &mut Tx,
    page_id: i64,
    langs: &[Lang],
) -> anyhow::Result<Result<(), Lang>> {
    let (slug, slugs): (String, JsonText) = sql("SELECT slug, slugs FROM pages WHERE id = $1")
        .bind(page_id)
        .fetch_one(&mut *tx)
        .await?;
    let slug = Slug::parse(&slug)?;
    let slugs: Localized<String> = slugs.parse()?;
    let wanted: Vec<(Lang, &str)> = langs
        .iter()
        .map(|&lang| (lang, super::model::slug_in(&slug, &slugs, lang)))
        .collect();
    for &(lang, slug) in &wanted {
        let taken: bool = sql(
            "SELECT EXISTS (SELECT 1 FROM page_slugs WHERE lang = $1 AND slug = $2 AND page_id <> $3)",
        )
        .bind(lang.as_str())
        .bind(slug)
        .bind(page_id)
        .scalar(&mut *tx)
        .await?;
        if taken {
            return Ok(Err(lang));
        }
    }
    sql("DELETE FROM page_slugs WHERE page_id = $1")
        .bind(page_id)
        .execute(&mut *tx)
        .await?;
    for (lang, slug) in wanted {
        let inserted = sql("INSERT INTO page_slugs (lang, slug, page_id) VALUES ($1, $2, $3)")
            .bind(lang.as_str())
            .bind(slug)
            .bind(page_id)
            .execute(&mut *tx)
            .await;
        match inserted {
            // Another instance's page took the address since the check above.
            Err(e) if crate::db::is_unique_violation(&e) => return Ok(Err(lang)),
            other => other?,
        };
    }
    Ok(Ok(()))
}

/// Completes `page_slugs` at start: every page gets its address in every configured language it
/// has none in yet (pages created in bulk by the demo seed, a language added to the
/// configuration). Returns how many addresses were added; one that another page holds is left
/// out and logged.
pub async fn complete_slugs(db: &Db, languages: &Languages) -> anyhow::Result<u64> {
    let mut added = 0;
    for lang in languages.all() {
        let missing: i64 = sql(
            "SELECT count(*) FROM pages AS p
             WHERE NOT EXISTS (SELECT 1 FROM page_slugs AS s WHERE s.page_id = p.id AND s.lang = $1)",
        )
        .bind(lang.as_str())
        .scalar(db)
        .await?;
        if missing == 0 {
            continue;
        }
        let done = Sql::per_engine(
            "INSERT INTO page_slugs (lang, slug, page_id)
             SELECT $1, CASE WHEN p.slug = 'home' THEN p.slug ELSE coalesce(p.slugs ->> $1, p.slug) END, p.id
             FROM pages AS p
             WHERE NOT EXISTS (SELECT 1 FROM page_slugs AS s WHERE s.page_id = p.id AND s.lang = $1)
             ON CONFLICT DO NOTHING",
            "INSERT INTO page_slugs (lang, slug, page_id)
             SELECT $1, CASE WHEN p.slug = 'home' THEN p.slug ELSE coalesce(p.slugs ->> $1::text, p.slug) END, p.id
             FROM pages AS p
             WHERE NOT EXISTS (SELECT 1 FROM page_slugs AS s WHERE s.page_id = p.id AND s.lang = $1)
             ON CONFLICT DO NOTHING",
        )
        .bind(lang.as_str())
        .execute(db)
        .await?;
        if (done as i64) < missing {
            tracing::warn!(
                %lang,
                pages = missing - done as i64,
                "pages whose address in this language another page holds: they answer only after a new slug is saved"
            );
        }
        added += done;
    }
    Ok(added)
}

/// The address of page `id` in every language (see `page_slugs`) when visitors can reach it
/// (published or scheduled), else `None`.
pub(super) async fn live_addresses(
    tx: &mut Tx,
    id: i64,
) -> anyhow::Result<Option<Vec<(String, String)>>> {
    let status: Option<String> = sql("SELECT status FROM pages WHERE id = $1")
        .bind(id)
        .scalar_optional(&mut *tx)
        .await?;
    if status.is_none_or(|s| s == "draft") {
        return Ok(None);
    }
    Ok(Some(
        sql("SELECT lang, slug FROM page_slugs WHERE page_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?,
    ))
}

/// After page `id`'s slugs were saved: its addresses rewritten, and where a live page's address
/// in a language changed (`before`: its addresses when it was live), a redirect from the old one.
/// `Ok(Err(lang))` when another page answers at the new address in `lang`.
pub(super) async fn addresses_moved(
    tx: &mut Tx,
    id: i64,
    before: Option<Vec<(String, String)>>,
    langs: &[Lang],
) -> anyhow::Result<Result<(), Lang>> {
    if let Err(lang) = write_slugs(tx, id, langs).await? {
        return Ok(Err(lang));
    }
    if let Some(before) = before {
        let after: Vec<(String, String)> =
            sql("SELECT lang, slug FROM page_slugs WHERE page_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        let kind: String = sql("SELECT kind FROM pages WHERE id = $1")
            .bind(id)
            .scalar(&mut *tx)
            .await?;
        let mut moves = super::redirects::moves(langs, &before, &after);
        if kind == super::articles::model::PageKind::Article.as_db() {
            // An article answers below the section's address, not at the page's.
            let sections = super::articles::store::sections(&mut *tx).await?;
            moves = super::redirects::moves_of(langs, &before, &after, |lang, slug| {
                super::articles::article_path(&sections, lang, slug)
            });
        }
        super::redirects::store::page_moved(tx, &moves).await?;
    }
    Ok(Ok(()))
}

/// Whether another page than `except` has the default slug `slug`.
pub async fn slug_taken(tx: &mut Tx, slug: &Slug, except: Option<i64>) -> anyhow::Result<bool> {
    let taken: i64 = sql("SELECT count(*) FROM pages WHERE slug = $1 AND id IS DISTINCT FROM $2")
        .bind(slug.as_str())
        .bind(except)
        .scalar(&mut *tx)
        .await?;
    Ok(taken > 0)
}

/// `{slug}-{suffix}`, else `{slug}-{suffix}-2`, `-3`, ... whichever is free (within the 100
/// characters a slug may have).
pub async fn free_slug(tx: &mut Tx, original: &Slug, suffix: &str) -> anyhow::Result<Slug> {
    let base: String = original.as_str().chars().take(88).collect();
    let base = base.trim_end_matches('-');
    for n in 1..1000 {
        let candidate = if n == 1 {
            format!("{base}-{suffix}")
        } else {
            format!("{base}-{suffix}-{n}")
        };
        let slug = Slug::parse(&candidate).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        // Free as a slug and as any page's address in any language: the copy answers at it in
        // every language until it gets slugs of its own.
        let taken: i64 = sql(
            "SELECT (SELECT count(*) FROM pages WHERE slug = $1) + (SELECT count(*) FROM page_slugs WHERE slug = $1)",
        )
            .bind(slug.as_str())
            .scalar(&mut *tx)
            .await?;
        if taken == 0 {
            return Ok(slug);
        }
    }
    anyhow::bail!("no free slug for a copy of {original}")
}
