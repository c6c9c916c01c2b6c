//! The render path alone, without HTTP: loading a page with its blocks from SQLite, and rendering it.
//! `cargo bench` (add `-- --quick` for a short run). Regressions show here without a load generator.
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use magnetiq::app;
use magnetiq::config::Config;
use magnetiq::content::articles::model::PageKind;
use magnetiq::content::view::PageTemplate;
use magnetiq::content::{Slug, seed, store};
use magnetiq::db;
use magnetiq::i18n::Lang;

fn render_path(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let state = rt.block_on(async {
        let state = app::prepare(Config::local(dir.path(), "127.0.0.1:0"))
            .await
            .expect("prepare");
        seed::seed_generated_pages(&state.db, 1000, state.config.languages.all())
            .await
            .expect("seed");
        magnetiq::content::content_changed(&state, None)
            .await
            .expect("tree");
        state
    });
    let slug = Slug::parse("page-500").expect("slug");
    let de = Lang::parse("de").expect("lang");
    let now = db::now();
    let (page, blocks) = rt
        .block_on(store::published_page(
            &state.db,
            de,
            &slug,
            PageKind::Page,
            now,
        ))
        .expect("query")
        .expect("page");
    let tree = magnetiq::content::tree(&state);

    c.bench_function("SELECT 1 (sqlx round trip)", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                magnetiq::db::sql("SELECT 1")
                    .scalar::<i64>(&state.db)
                    .await
                    .expect("query"),
            )
        })
    });
    c.bench_function("load page with blocks (SQLite)", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                store::published_page(&state.db, de, &slug, PageKind::Page, now)
                    .await
                    .expect("query"),
            )
        })
    });
    c.bench_function("render page (template)", |b| {
        b.iter(|| {
            let html = askama::Template::render(&PageTemplate::new(
                &state, &tree, &page, &blocks, de, now,
            ));
            black_box(html.expect("render"))
        })
    });
    let html = askama::Template::render(&PageTemplate::new(&state, &tree, &page, &blocks, de, now))
        .expect("render");
    for (name, quality) in [("brotli 1", 1), ("brotli 5", 5)] {
        c.bench_function(&format!("compress page ({name})"), |b| {
            b.iter(|| black_box(magnetiq::web::compression::brotli(html.as_bytes(), quality)))
        });
    }
    c.bench_function("compress page (gzip 1)", |b| {
        b.iter(|| black_box(magnetiq::web::compression::gzip(html.as_bytes(), 1)))
    });
    c.bench_function("load and render", |b| {
        b.to_async(&rt).iter(|| async {
            let (page, blocks) = store::published_page(&state.db, de, &slug, PageKind::Page, now)
                .await
                .expect("query")
                .expect("page");
            let tree = magnetiq::content::tree(&state);
            let html = askama::Template::render(&PageTemplate::new(
                &state, &tree, &page, &blocks, de, now,
            ));
            black_box(html.expect("render"))
        })
    });
}

criterion_group!(benches, render_path);
criterion_main!(benches);
