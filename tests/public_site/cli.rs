use std::process::Command;

fn magnetiq(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_magnetiq"))
        .args(args)
        .env("MAGNETIQ_DATA_DIR", data_dir)
        .env_remove("MAGNETIQ_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("magnetiq runs")
}

#[test]
fn migrate_seed_and_backup_produce_a_database_that_opens() {
    let dir = tempfile::tempdir().unwrap();
    let out = magnetiq(dir.path(), &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = magnetiq(dir.path(), &["seed-demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("12 pages, 8 articles, 2 consultants, 4 webinars and 3 whitepapers added")
    );
    // Seeding again adds nothing and breaks nothing.
    let out = magnetiq(dir.path(), &["seed-demo"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("0 pages, 0 articles, 0 consultants, 0 webinars and 0 whitepapers added")
    );

    let copy = dir.path().join("backup.db");
    let out = magnetiq(dir.path(), &["backup", copy.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(copy.exists());

    // The copy is a complete database on its own.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}", copy.display());
        let pool = magnetiq::db::Db::sqlite(sqlx::SqlitePool::connect(&url).await.unwrap());
        let check: String = magnetiq::db::sql("PRAGMA integrity_check")
            .scalar(&pool)
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let pages: i64 = magnetiq::db::sql("SELECT count(*) FROM pages")
            .scalar(&pool)
            .await
            .unwrap();
        assert_eq!(pages, 12 + 8, "the demo's pages and articles");
    });

    // A second backup never overwrites the first.
    let out = magnetiq(dir.path(), &["backup", copy.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn invalid_configuration_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_magnetiq"))
        .args(["migrate"])
        .env("MAGNETIQ_DATA_DIR", dir.path())
        .env("MAGNETIQ_LANGUAGES", "en,english")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a language code"));
}

#[test]
fn sigterm_shuts_the_server_down_cleanly() {
    use std::io::{BufRead, BufReader, Read, Write};

    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_magnetiq"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("MAGNETIQ_DATA_DIR", dir.path())
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while log.read_line(&mut line).unwrap() > 0 && !line.contains("is serving") {}
    assert!(line.contains("is serving"), "server did not start: {line}");

    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
    let mut rest = String::new();
    log.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("closing the database"), "{rest}");
}

#[test]
fn reindex_rebuilds_the_search_index_from_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let out = magnetiq(dir.path(), &["seed-demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = format!("sqlite://{}", dir.path().join("magnetiq.db").display());
    let documents = |sql: &'static str| {
        let url = url.clone();
        rt.block_on(async move {
            let pool = magnetiq::db::Db::sqlite(sqlx::SqlitePool::connect(&url).await.unwrap());
            let n: i64 = magnetiq::db::sql(sql).scalar(&pool).await.unwrap();
            pool.close().await;
            n
        })
    };
    let seeded = documents("SELECT count(*) FROM search_documents");
    assert!(seeded > 20, "the seed indexes what it adds: {seeded}");
    // An index lost (a restore from an old backup, say) comes back whole.
    rt.block_on(async {
        let pool = magnetiq::db::Db::sqlite(sqlx::SqlitePool::connect(&url).await.unwrap());
        magnetiq::db::sql("DELETE FROM search_documents")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    assert_eq!(documents("SELECT count(*) FROM search_documents"), 0);
    let out = magnetiq(dir.path(), &["reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("search index rebuilt"), "{said}");
    assert!(
        said.contains("19 pages findable"),
        "eleven pages and eight articles; the twelfth page is a draft: {said}"
    );
    assert_eq!(documents("SELECT count(*) FROM search_documents"), seeded);
    assert!(
        documents(
            "SELECT count(*) FROM search_fts_plain WHERE search_fts_plain MATCH '\"erstgespräch\"*'"
        ) > 0
    );
    // Run with fewer languages, it keeps documents in those only.
    let out = Command::new(env!("CARGO_BIN_EXE_magnetiq"))
        .args(["reindex"])
        .env("MAGNETIQ_DATA_DIR", dir.path())
        .env("MAGNETIQ_LANGUAGES", "en")
        .env_remove("MAGNETIQ_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        documents("SELECT count(*) FROM search_documents WHERE lang <> 'en'"),
        0
    );
}
