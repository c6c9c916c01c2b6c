//! Site-wide on/off settings an admin changes in the admin panel (`site_settings`): two-factor
//! required, publishing needs review. A setting never written is off.
use super::{Db, sql};

/// Whether setting `name` is on.
pub async fn flag(db: &Db, name: &str) -> anyhow::Result<bool> {
    let value: Option<String> = sql("SELECT value FROM site_settings WHERE name = $1")
        .bind(name)
        .scalar_optional(db)
        .await?;
    Ok(value.as_deref() == Some("on"))
}

pub async fn set_flag(db: &Db, name: &str, on: bool) -> anyhow::Result<()> {
    sql("INSERT INTO site_settings (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    .bind(name)
    .bind(if on { "on" } else { "off" })
    .execute(db)
    .await?;
    Ok(())
}

/// Sets `name` only where nobody chose yet (a new demo site).
pub async fn set_flag_unless_set(db: &Db, name: &str, on: bool) -> anyhow::Result<()> {
    sql("INSERT INTO site_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(if on { "on" } else { "off" })
        .execute(db)
        .await?;
    Ok(())
}

/// Records the languages the site runs with (`en,de`, the default first), at start: work done inside
/// a transaction far from the configuration (the search index) reads them with [`languages`].
pub async fn record_languages(db: &Db, languages: &crate::i18n::Languages) -> anyhow::Result<()> {
    let list: Vec<&str> = languages.all().iter().map(|l| l.as_str()).collect();
    sql(
        "INSERT INTO site_settings (name, value) VALUES ('languages', $1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(list.join(","))
    .execute(db)
    .await?;
    Ok(())
}

/// The languages recorded at start (English and German when none were).
pub async fn languages<'a>(
    on: impl Into<super::query::On<'a>>,
) -> anyhow::Result<crate::i18n::Languages> {
    let list: Option<String> = sql("SELECT value FROM site_settings WHERE name = 'languages'")
        .scalar_optional(on)
        .await?;
    Ok(crate::i18n::Languages::parse(
        list.as_deref().unwrap_or("en,de"),
    )?)
}
