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
    assert!(String::from_utf8_lossy(&out.stdout).contains("11 pages added"));
    // Seeding again adds nothing and breaks nothing.
    let out = magnetiq(dir.path(), &["seed-demo"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 pages added"));

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
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let pages: i64 = sqlx::query_scalar("SELECT count(*) FROM pages")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(pages, 11);
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
