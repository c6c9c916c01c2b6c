//! `magnetiq copy-db --to URL`: moves a whole site between SQLite and PostgreSQL (every table, with
//! revisions, users and their password hashes, bookings, the outbox, the audit log and media
//! records) into an empty database, in one transaction, then checks the row counts on both sides.
use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use sqlx::Row;

use super::query::Value;
use super::schema::{self, Kind, Tables};
use super::{Db, Engine, Sql, Tx, sql};

/// Values per INSERT, by the engine copied into. SQLite finds a numbered parameter by walking the
/// statement's list of them and sqlx looks up every one, so binding costs the square of a
/// statement's values: at 30,000 a 10,000-page site took 7 s to copy into SQLite, three quarters
/// of it in that lookup, and 3 s at 1,000. PostgreSQL has no such cost and pays a round trip per
/// statement instead: at 1,000 the same copy took 20 s rather than 8 s.
fn values_per_statement(engine: Engine) -> usize {
    match engine {
        Engine::Sqlite => 1_000,
        Engine::Postgres => 30_000,
    }
}

/// Row counts per table, as checked on both sides after the copy.
pub type Counts = BTreeMap<String, i64>;

/// Copies everything in `source` into `target` (which must hold no rows), in one transaction.
pub async fn copy(source: &Db, target: &Db) -> anyhow::Result<Counts> {
    let postgres = match (source.engine(), target.engine()) {
        (Engine::Sqlite, Engine::Postgres) => target,
        (Engine::Postgres, Engine::Sqlite) => source,
        _ => anyhow::bail!(
            "copy-db moves a site between SQLite and PostgreSQL; for a copy of a SQLite site use \
             `magnetiq backup FILE`, for PostgreSQL `pg_dump`"
        ),
    };
    // PostgreSQL knows the columns' real types; SQLite keeps times and JSON as text.
    let tables = schema::tables(postgres).await?;
    let sqlite = if source.engine() == Engine::Sqlite {
        source
    } else {
        target
    };
    let sqlite_tables = schema::tables(sqlite).await?;
    let names: BTreeSet<&String> = tables.keys().collect();
    anyhow::ensure!(
        names == sqlite_tables.keys().collect(),
        "the two databases have different tables; run the same version of Magnetiq on both"
    );
    for (table, count) in row_counts(target, &tables).await? {
        anyhow::ensure!(
            count == 0,
            "the target database is not empty ({table} has {count} rows); copy-db only fills an empty one"
        );
    }
    let links = foreign_keys(postgres).await?;
    let order = insertion_order(&tables, &links)?;

    let mut tx = target.begin().await?;
    for table in &order {
        let columns = &tables[table];
        let rows = read_rows(source, table, columns)
            .await
            .with_context(|| format!("reading {table}"))?;
        // A column pointing into its own table (a page's parent) is filled in a second pass, so a
        // row may come before the row it points to.
        let own: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, (column, _))| {
                links.contains(&(table.clone(), column.clone(), table.clone()))
            })
            .map(|(i, _)| i)
            .collect();
        insert_rows(&mut tx, table, columns, &rows, &own)
            .await
            .with_context(|| format!("writing {table}"))?;
        for &i in &own {
            for row in rows.iter().filter(|r| !is_null(&r[i])) {
                Sql::assembled(format!(
                    "UPDATE {} SET {} = $1 WHERE id = $2",
                    quoted(table),
                    quoted(&columns[i].0)
                ))
                .bind(row[i].clone())
                .bind(row[0].clone())
                .execute(&mut tx)
                .await?;
            }
        }
    }
    if target.engine() == Engine::Postgres {
        // Rows came with their ids: new rows continue after the highest.
        for (table, columns) in &tables {
            if columns
                .first()
                .is_some_and(|(name, kind)| name == "id" && *kind == Kind::Int)
            {
                Sql::assembled(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     (SELECT coalesce(max(id), 0) FROM {}) + 1, false)",
                    quoted(table)
                ))
                .execute(&mut tx)
                .await?;
            }
        }
    }
    tx.commit().await?;

    let copied = row_counts(target, &tables).await?;
    let original = row_counts(source, &tables).await?;
    for (table, count) in &original {
        anyhow::ensure!(
            copied.get(table) == Some(count),
            "{table}: {count} rows in the source but {:?} in the target",
            copied.get(table)
        );
    }
    Ok(copied)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn is_null(value: &Value) -> bool {
    matches!(
        value,
        Value::Bool(None)
            | Value::Int(None)
            | Value::Float(None)
            | Value::Text(None)
            | Value::Bytes(None)
            | Value::Time(None)
            | Value::Json(None)
    )
}

fn null_like(value: &Value) -> Value {
    match value {
        Value::Bool(_) => Value::Bool(None),
        Value::Int(_) => Value::Int(None),
        Value::Float(_) => Value::Float(None),
        Value::Text(_) => Value::Text(None),
        Value::Bytes(_) => Value::Bytes(None),
        Value::Time(_) => Value::Time(None),
        Value::Json(_) => Value::Json(None),
    }
}

async fn row_counts(db: &Db, tables: &Tables) -> anyhow::Result<Counts> {
    let mut counts = Counts::new();
    for table in tables.keys() {
        let count: i64 = Sql::assembled(format!("SELECT count(*) FROM {}", quoted(table)))
            .scalar(db)
            .await?;
        counts.insert(table.clone(), count);
    }
    Ok(counts)
}

/// `(table, column, referenced table)` of every foreign key.
async fn foreign_keys(postgres: &Db) -> anyhow::Result<BTreeSet<(String, String, String)>> {
    let rows: Vec<(String, String, String)> = sql(
        "SELECT kcu.table_name::text, kcu.column_name::text, ccu.table_name::text
         FROM information_schema.table_constraints AS tc
         JOIN information_schema.key_column_usage AS kcu
           ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
         JOIN information_schema.constraint_column_usage AS ccu
           ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
    )
    .fetch_all(postgres)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Tables ordered so that each comes after the tables it points to.
fn insertion_order(
    tables: &Tables,
    links: &BTreeSet<(String, String, String)>,
) -> anyhow::Result<Vec<String>> {
    let mut order: Vec<String> = Vec::new();
    let mut left: BTreeSet<&String> = tables.keys().collect();
    while !left.is_empty() {
        let ready: Vec<&String> = left
            .iter()
            .copied()
            .filter(|table| {
                links
                    .iter()
                    .filter(|(from, _, to)| from == *table && to != *table)
                    .all(|(_, _, to)| order.contains(to) || !tables.contains_key(to))
            })
            .collect();
        anyhow::ensure!(!ready.is_empty(), "foreign keys form a cycle: {left:?}");
        for table in ready {
            order.push(table.clone());
            left.remove(table);
        }
    }
    Ok(order)
}

async fn read_rows(
    db: &Db,
    table: &str,
    columns: &[(String, Kind)],
) -> anyhow::Result<Vec<Vec<Value>>> {
    let list: Vec<String> = columns.iter().map(|(c, _)| quoted(c)).collect();
    let text = format!("SELECT {} FROM {}", list.join(", "), quoted(table));
    macro_rules! values_of {
        ($row:expr) => {{
            let mut values = Vec::with_capacity(columns.len());
            for (i, (_, kind)) in columns.iter().enumerate() {
                values.push(match kind {
                    Kind::Int => Value::Int($row.try_get(i)?),
                    Kind::Float => Value::Float($row.try_get(i)?),
                    Kind::Text => Value::Text($row.try_get(i)?),
                    Kind::Bool => Value::Bool($row.try_get(i)?),
                    Kind::Time => Value::Time($row.try_get(i)?),
                    Kind::Json => Value::Json($row.try_get(i)?),
                    Kind::Bytes => Value::Bytes($row.try_get(i)?),
                });
            }
            values
        }};
    }
    let mut rows = Vec::new();
    match db {
        Db::Sqlite(pool, _) => {
            for row in sqlx::query(sqlx::AssertSqlSafe(text))
                .fetch_all(pool)
                .await?
            {
                rows.push(values_of!(row));
            }
        }
        Db::Postgres(pool) => {
            for row in sqlx::query(sqlx::AssertSqlSafe(text))
                .fetch_all(pool)
                .await?
            {
                rows.push(values_of!(row));
            }
        }
    }
    Ok(rows)
}

async fn insert_rows(
    tx: &mut Tx,
    table: &str,
    columns: &[(String, Kind)],
    rows: &[Vec<Value>],
    filled_later: &[usize],
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = columns.iter().map(|(c, _)| quoted(c)).collect();
    let per_statement = (values_per_statement(tx.engine()) / columns.len().max(1)).clamp(1, 500);
    for chunk in rows.chunks(per_statement) {
        let mut placeholders = Vec::with_capacity(chunk.len());
        let mut n = 0;
        for _ in chunk {
            let row: Vec<String> = (0..columns.len())
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            placeholders.push(format!("({})", row.join(", ")));
        }
        let mut statement = Sql::assembled(format!(
            "INSERT INTO {} ({}) VALUES {}",
            quoted(table),
            list.join(", "),
            placeholders.join(", ")
        ));
        for row in chunk {
            for (i, value) in row.iter().enumerate() {
                statement = statement.bind(if filled_later.contains(&i) {
                    null_like(value)
                } else {
                    value.clone()
                });
            }
        }
        statement.execute(&mut *tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_come_after_the_tables_they_point_to() {
        let mut tables = Tables::new();
        for t in ["bookings", "consultants", "outbox", "pages", "users"] {
            tables.insert(t.into(), vec![("id".into(), Kind::Int)]);
        }
        let link = |a: &str, c: &str, b: &str| (a.to_owned(), c.to_owned(), b.to_owned());
        let links = BTreeSet::from([
            link("bookings", "consultant_id", "consultants"),
            link("outbox", "booking_id", "bookings"),
            link("pages", "parent_id", "pages"),
            link("pages", "updated_by", "users"),
        ]);
        let order = insertion_order(&tables, &links).unwrap();
        let at = |t: &str| order.iter().position(|o| o == t).unwrap();
        assert!(at("consultants") < at("bookings") && at("bookings") < at("outbox"));
        assert!(at("users") < at("pages"));
    }
}
