use crate::common::media::{png, upload};
use crate::common::{TestApp, attrs, location, texts};

/// The library's files besides the demo whitepapers' PDFs.
async fn media_count(app: &TestApp) -> i64 {
    magnetiq::db::sql("SELECT count(*) FROM media WHERE NOT gated")
        .scalar(&app.state.db)
        .await
        .unwrap()
}

/// The files in the media folder besides the demo whitepapers' PDFs.
fn files_in_media_dir(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.path().join("media"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_none_or(|x| x != "pdf"))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn an_uploaded_image_gets_its_dimensions_renditions_and_is_served() {
    let app = TestApp::signed_in("editor").await;
    let token = app.csrf_token("/admin/media").await;
    let response = upload(&app, "team photo.png", png(1200, 600), Some(&token)).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let (file_name, width, height, renditions): (String, i64, i64, magnetiq::db::JsonText) =
        magnetiq::db::sql("SELECT file_name, width, height, renditions FROM media WHERE NOT gated")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((width, height), (1200, 600));
    assert_eq!(renditions.parse::<Vec<u32>>().unwrap(), vec![480, 960]);
    assert!(
        file_name.ends_with(".png") && !file_name.contains("team"),
        "generated name: {file_name}"
    );

    let served = app.get(&format!("/media/{file_name}")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let stem = file_name.trim_end_matches(".png");
    let small = app
        .get(&format!("/media/{stem}-480.png"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(image::load_from_memory(&small).unwrap().width(), 480);

    // Used in an image block, the page offers the renditions and the alt text from the library.
    let media_id: i64 = magnetiq::db::sql("SELECT id FROM media WHERE NOT gated")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let saved = app
        .post_form(
            &format!("/admin/media/{media_id}"),
            &format!("/admin/media/{media_id}"),
            &[("alt.en", "Our team"), ("alt.de", "Unser Team")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let page: i64 = magnetiq::db::sql("SELECT id FROM pages WHERE slug = 'about'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    let version: i64 = magnetiq::db::sql("SELECT version FROM pages WHERE id = $1")
        .bind(page)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let src = format!("/media/{file_name}");
    let added = app
        .post_form(
            &format!("/admin/pages/{page}/blocks/new?type=image"),
            &format!("/admin/pages/{page}"),
            &[("version", &version.to_string()), ("src", &src)],
        )
        .await;
    assert_eq!(added.status(), 303, "{}", added.text().await.unwrap());
    let html = app.page("/de/about").await;
    let srcset = attrs(&html, &format!(".block-image img[src='{src}']"), "srcset");
    assert_eq!(
        srcset,
        vec![format!(
            "/media/{stem}-480.png 480w, /media/{stem}-960.png 960w, {src} 1200w"
        )]
    );
    assert_eq!(
        attrs(&html, &format!(".block-image img[src='{src}']"), "alt"),
        vec!["Unser Team"]
    );

    // In use: deleting asks first.
    let first = app
        .post_form(
            &format!("/admin/media/{media_id}/delete"),
            &format!("/admin/media/{media_id}"),
            &[],
        )
        .await;
    assert_eq!(first.status(), 409);
    let html = scraper::Html::parse_document(&first.text().await.unwrap());
    assert_eq!(texts(&html, ".form-error").len(), 1);
    assert_eq!(media_count(&app).await, 1);
    let confirmed = app
        .post_form(
            &format!("/admin/media/{media_id}/delete"),
            &format!("/admin/media/{media_id}"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&confirmed), "/admin/media");
    assert_eq!(media_count(&app).await, 0);
    assert_eq!(files_in_media_dir(&app), 0, "files and renditions removed");
}

#[tokio::test]
async fn a_renamed_program_is_refused_whatever_its_name_says() {
    let app = TestApp::signed_in("editor").await;
    let token = app.csrf_token("/admin/media").await;
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 2000));
    let response = upload(&app, "holiday.png", exe, Some(&token)).await;
    assert_eq!(response.status(), 422);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert!(texts(&html, ".form-error")[0].contains("not a JPEG"));
    // A file that starts like a PNG but is not one is refused too.
    let fake = upload(
        &app,
        "x.png",
        b"\x89PNG\r\n\x1a\nthis is not an image".to_vec(),
        Some(&token),
    )
    .await;
    assert_eq!(fake.status(), 422);
    assert_eq!(media_count(&app).await, 0);
    assert_eq!(files_in_media_dir(&app), 0);
}

#[tokio::test]
async fn an_oversized_upload_gets_413_and_stores_nothing() {
    let app = TestApp::signed_in("editor").await;
    let token = app.csrf_token("/admin/media").await;
    let mut big = png(10, 10);
    big.extend(std::iter::repeat_n(0u8, 21 * 1024 * 1024));
    let response = upload(&app, "big.png", big, Some(&token)).await;
    assert_eq!(response.status(), 413);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(texts(&html, "h1"), vec!["That was too much at once"]);
    assert_eq!(media_count(&app).await, 0);
    assert_eq!(files_in_media_dir(&app), 0);
}

#[tokio::test]
async fn an_upload_without_the_csrf_token_is_refused() {
    let app = TestApp::signed_in("editor").await;
    assert_eq!(upload(&app, "a.png", png(20, 20), None).await.status(), 403);
    assert_eq!(
        upload(&app, "a.png", png(20, 20), Some("forged"))
            .await
            .status(),
        403
    );
    assert_eq!(media_count(&app).await, 0);
    assert_eq!(files_in_media_dir(&app), 0);
}

#[tokio::test]
async fn media_paths_never_leave_the_media_folder() {
    let app = TestApp::spawn().await;
    std::fs::write(app.data_dir.path().join("secret.txt"), "outside").unwrap();
    for path in [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/..%2fsecret.txt",
        "/media/.hidden",
        "/media/",
        "/media/x%00.png",
        "/media/a/b.png",
        "/media/magnetiq.db",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(!response.text().await.unwrap().contains("outside"));
    }
}

#[tokio::test]
async fn the_library_is_searched_by_name_and_paged() {
    let app = TestApp::signed_in("editor").await;
    for i in 0..60 {
        let name = if i % 3 == 0 {
            format!("Team-Photo-{i}.jpg")
        } else {
            format!("diagram-{i}.png")
        };
        magnetiq::db::sql(
            "INSERT INTO media (file_name, original_name, content_type, size_bytes, width, height)
             VALUES ($1, $2, 'image/png', 100, 10, 10)",
        )
        .bind(format!("generated{i:04}.png"))
        .bind(name)
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    let ids = |html: &scraper::Html| attrs(html, ".media-grid li", "data-media-id");
    let first = app.page("/admin/media").await;
    assert_eq!(ids(&first).len(), 48);
    let next = attrs(&first, ".pager a[rel=next]", "href");
    assert_eq!(next, vec!["/admin/media?q=&page=2"]);
    let total: i64 = magnetiq::db::sql("SELECT count(*) FROM media")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(ids(&app.page(&next[0]).await).len() as i64, total - 48);
    let photos = app.page("/admin/media?q=team-photo").await;
    assert_eq!(ids(&photos).len(), 20, "any case");
    assert!(
        texts(&photos, ".media-grid .media-name")
            .iter()
            .all(|n| n.starts_with("Team-Photo-"))
    );
    let wildcards = app.page("/admin/media?q=%25_").await;
    assert_eq!(
        ids(&wildcards).len(),
        48,
        "LIKE's wildcards typed are ignored"
    );
}
