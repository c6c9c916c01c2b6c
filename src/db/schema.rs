//! What the migrations made: the site's tables and their columns as each engine reports them, for the
//! check that both engines' migrations agree and for moving a site between engines.
use std::collections::BTreeMap;

use super::{Db, sql};

/// What a column holds, as far as moving it between engines is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Text,
    Bool,
    Time,
    Json,
    Bytes,
}

impl Kind {
    /// The kind of a PostgreSQL column type (`information_schema.columns.data_type`).
    fn of_postgres(data_type: &str) -> Kind {
        match data_type {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "double precision" | "real" | "numeric" => Kind::Float,
            "boolean" => Kind::Bool,
            "timestamp with time zone" | "timestamp without time zone" => Kind::Time,
            "jsonb" | "json" => Kind::Json,
            "bytea" => Kind::Bytes,
            _ => Kind::Text,
        }
    }
}

/// Table name → its columns in definition order. SQLite reports no kinds that tell times or JSON
/// from text, so its columns come as `Text` or `Int` by their declared type; PostgreSQL's are exact.
pub type Tables = BTreeMap<String, Vec<(String, Kind)>>;

/// The site's tables (not the migration bookkeeping, nor derived data each engine's triggers keep
/// in its own way: the site search's full-text indexes `search_fts_*` and the webinars' seat
/// counts).
pub async fn tables(db: &Db) -> sqlx::Result<Tables> {
    let rows: Vec<(String, String, String)> = match db {
        Db::Sqlite(..) => {
            sql("SELECT m.name, c.name, c.type FROM sqlite_master AS m, pragma_table_info(m.name) AS c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE '_sqlx%'
                   AND m.name NOT LIKE 'search_fts%' AND m.name <> 'webinar_seat_counts'
                 ORDER BY m.name, c.cid")
            .fetch_all(db)
            .await?
        }
        Db::Postgres(_) => {
            sql("SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'
                   AND table_name NOT LIKE 'search_fts%' AND table_name <> 'webinar_seat_counts'
                 ORDER BY table_name, ordinal_position")
            .fetch_all(db)
            .await?
        }
    };
    let mut tables = Tables::new();
    for (table, column, data_type) in rows {
        let kind = match db {
            Db::Sqlite(..) if data_type.eq_ignore_ascii_case("INTEGER") => Kind::Int,
            Db::Sqlite(..) => Kind::Text,
            Db::Postgres(_) => Kind::of_postgres(&data_type),
        };
        tables.entry(table).or_default().push((column, kind));
    }
    Ok(tables)
}
