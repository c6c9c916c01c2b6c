//! The two engines side by side: their migrations define the same tables and columns, a site moves
//! from SQLite to PostgreSQL and back with `magnetiq copy-db` without losing a row, and a database
//! URL of any other kind is refused. The tests that need PostgreSQL run on the suite's PostgreSQL
//! leg (MAGNETIQ_TEST_POSTGRES).
#[path = "common/mod.rs"]
mod common;

use std::process::Command;

use common::booking::{booking_form, fields};
use common::{PASSWORD, TestApp, TestDatabase, postgres_server};
use magnetiq::db::{self, schema, sql};

fn skipped() {
    eprintln!("skipped: needs PostgreSQL (MAGNETIQ_TEST_POSTGRES)");
}

#[tokio::test]
async fn both_engines_migrations_define_the_same_tables_and_columns() {
    let Some(server) = postgres_server() else {
        return skipped();
    };
    let postgres = TestDatabase::create(&server).await;
    let pg = db::connect(&postgres.url, Default::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("m.db").display());
    let lite = db::connect(&sqlite_url, Default::default()).await.unwrap();
    let columns = |tables: schema::Tables| -> Vec<(String, Vec<String>)> {
        tables
            .into_iter()
            .map(|(t, cols)| {
                let mut names: Vec<String> = cols.into_iter().map(|(c, _)| c).collect();
                names.sort();
                (t, names)
            })
            .collect()
    };
    let on_sqlite = columns(schema::tables(&lite).await.unwrap());
    let on_postgres = columns(schema::tables(&pg).await.unwrap());
    assert!(on_sqlite.len() >= 13, "{on_sqlite:?}");
    assert_eq!(on_sqlite, on_postgres);
    pg.close().await;
    lite.close().await;
}

fn copy_db(data_dir: &std::path::Path, from: Option<&str>, to: &str) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_magnetiq"));
    command
        .args(["copy-db", "--to", to])
        .env("MAGNETIQ_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .env_remove("MAGNETIQ_DATABASE_URL");
    if let Some(from) = from {
        command.env("MAGNETIQ_DATABASE_URL", from);
    }
    command.output().unwrap()
}

/// The seat counts of every webinar agree with its registrations, and the registration's webinar
/// has its row (made by the triggers: copy-db leaves the table out).
async fn seat_counts_agree(db: &db::Db) {
    let webinars: Vec<i64> = sql("SELECT id FROM webinars").scalars(db).await.unwrap();
    for id in webinars {
        common::webinars::seat_counts_agree(db, id).await;
    }
    let counted: i64 = sql(
        "SELECT count(*) FROM webinar_seat_counts AS s JOIN webinars AS w ON w.id = s.webinar_id
         WHERE w.slug = 'rag-in-production'",
    )
    .scalar(db)
    .await
    .unwrap();
    assert_eq!(counted, 1, "the registration's webinar is counted");
}

async fn counts(db: &db::Db) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in schema::tables(db).await.unwrap().keys() {
        let n: i64 = db::Sql::assembled(format!("SELECT count(*) FROM {table}"))
            .scalar(db)
            .await
            .unwrap();
        counts.push((table.clone(), n));
    }
    counts
}

#[tokio::test]
async fn a_site_moves_to_postgresql_and_back_with_every_row() {
    let Some(server) = postgres_server() else {
        return skipped();
    };
    // A SQLite site with a bit of everything: an editor, an edited page (revisions, audit log), a
    // booking with its mails.
    let site = TestApp::spawn_with(|c| {
        c.database_url = format!("sqlite://{}", c.data_dir.join("magnetiq.db").display());
    })
    .await;
    site.sign_in_as("editor").await;
    site.edit_first_heading("about", "Moved, not lost", "Umgezogen, nicht verloren")
        .await;
    let form = booking_form(&site, &site.client, "").await;
    let booked = site
        .client
        .post(site.url("/en/book"))
        .form(&fields(&form, &form.slots[0], "Ada Lovelace"))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 303);
    let confirmation = common::location(&booked).to_owned();
    // A webinar seat: the seat counts are derived data the target's triggers make again.
    let webinar = site.url("/en/webinars/rag-in-production");
    let token = common::webinars::form_token(&site.client, &webinar).await;
    let fields = common::webinars::registration(&token, "Ada", "ada@example.com");
    let registered =
        common::webinars::register(&site, &site.client, "en", "rag-in-production", &fields).await;
    assert_eq!(registered.status(), 303);
    let before = counts(&site.state.db).await;
    let sqlite_url = site.state.config.database_url.clone();

    let postgres = TestDatabase::create(&server).await;
    let out = copy_db(site.data_dir.path(), Some(&sqlite_url), &postgres.url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("bookings") && printed.contains("page_revisions"),
        "{printed}"
    );
    // Copying again into a database that holds data is refused.
    let again = copy_db(site.data_dir.path(), Some(&sqlite_url), &postgres.url);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // The copy is the same site: same rows (but the session key a PostgreSQL site keeps in its
    // database, made at start), same page, same password, same booking.
    let moved = TestApp::spawn_with(|c| c.database_url = postgres.url.clone()).await;
    let without_keys = |c: Vec<(String, i64)>| {
        c.into_iter()
            .filter(|(t, _)| t != "site_keys")
            .collect::<Vec<_>>()
    };
    assert_eq!(
        without_keys(counts(&moved.state.db).await),
        without_keys(before)
    );
    let html = moved.page("/en/about").await;
    assert_eq!(
        common::texts(&html, ".block-heading h2"),
        vec!["Moved, not lost"]
    );
    let login = moved.login("editor@magnetiq.test", PASSWORD).await;
    assert_eq!(login.status(), 303, "the password hash moved along");
    let page = moved.get(&confirmation).await;
    assert_eq!(page.status(), 200);
    seat_counts_agree(&moved.state.db).await;
    // The search documents moved; PostgreSQL indexed them its own way, so the site's search finds
    // the edited heading there.
    let found = moved.page("/de/search?q=umgezogen").await;
    assert_eq!(
        common::attrs(&found, ".search-result h2 a", "href"),
        vec!["/de/ueber-uns"]
    );
    // New rows continue after the copied ids.
    moved
        .edit_first_heading("about", "Moved again", "Wieder umgezogen")
        .await;

    // And back to a one-file copy of the live site.
    let back_dir = tempfile::tempdir().unwrap();
    let back_url = format!("sqlite://{}", back_dir.path().join("copy.db").display());
    let out = copy_db(back_dir.path(), Some(&postgres.url), &back_url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back = db::connect(&back_url, Default::default()).await.unwrap();
    assert_eq!(counts(&back).await, counts(&moved.state.db).await);
    seat_counts_agree(&back).await;
    let indexed: i64 =
        sql("SELECT count(*) FROM search_fts_plain WHERE search_fts_plain MATCH '\"umgezogen\"*'")
            .scalar(&back)
            .await
            .unwrap();
    assert_eq!(indexed, 1, "SQLite indexed the documents it was given");
    let title: String = sql("SELECT slug FROM pages WHERE id = (SELECT max(id) FROM pages)")
        .scalar(&back)
        .await
        .unwrap();
    assert!(!title.is_empty());
    back.close().await;
}

#[test]
fn a_database_url_of_another_kind_is_refused_with_the_supported_ones_named() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "mysql://root@localhost/magnetiq",
        "postgres:magnetiq",
        "data/magnetiq.db",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_magnetiq"))
            .args(["migrate"])
            .env("MAGNETIQ_DATA_DIR", dir.path())
            .env("MAGNETIQ_DATABASE_URL", url)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{url} accepted");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("not supported") && said.contains("postgres://"),
            "{said}"
        );
    }
    // Nothing was created for it (it used to make a folder named `mysql:`).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let out = copy_db(dir.path(), None, "mysql://root@localhost/magnetiq");
    assert!(!out.status.success());
}

#[tokio::test]
async fn backup_of_a_postgresql_site_points_to_pg_dump() {
    let Some(server) = postgres_server() else {
        return skipped();
    };
    let postgres = TestDatabase::create(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_magnetiq"))
        .args(["backup", dir.path().join("b.db").to_str().unwrap()])
        .env("MAGNETIQ_DATA_DIR", dir.path())
        .env("MAGNETIQ_DATABASE_URL", &postgres.url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}

/// SQLite writes one transaction at a time: this process's writers wait for their turn in the order
/// they asked for it (a queue), not by SQLite's busy handler, where whoever wakes first wins and a
/// writer that asked early can wait longest.
#[tokio::test]
async fn sqlite_writers_are_served_in_the_order_they_asked() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("w.db").display());
    let db = db::connect(&url, Default::default()).await.unwrap();
    sql("CREATE TABLE turns (n INTEGER NOT NULL)")
        .execute(&db)
        .await
        .unwrap();
    for round in 0..3 {
        // One writer holds the lock while the others line up, a few milliseconds apart.
        let first = db.begin().await.unwrap();
        let mut waiting = Vec::new();
        for n in 0..8i64 {
            let db = db.clone();
            waiting.push(tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                sql("INSERT INTO turns (n) VALUES ($1)")
                    .bind(n + round * 100)
                    .execute(&mut tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }));
            tokio::time::sleep(std::time::Duration::from_millis(15)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        first.commit().await.unwrap();
        for w in waiting {
            w.await.unwrap();
        }
        let order: Vec<i64> = sql("SELECT n FROM turns WHERE n >= $1 AND n < $2 ORDER BY rowid")
            .bind(round * 100)
            .bind(round * 100 + 100)
            .scalars(&db)
            .await
            .unwrap();
        let asked: Vec<i64> = (0..8).map(|n| n + round * 100).collect();
        assert_eq!(order, asked, "round {round}: written in the order asked");
    }
    db.close().await;
}
