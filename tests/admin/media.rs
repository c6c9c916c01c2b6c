use crate::common::media::{png, upload, upload_with};
use crate::common::{TestApp, attrs, count, location, texts};

/// The library's files besides the demo whitepapers' PDFs.
/// The images people uploaded (the demo's article covers have no uploader).
async fn media_count(app: &TestApp) -> i64 {
    magnetiq::db::sql("SELECT count(*) FROM media WHERE NOT gated AND uploaded_by IS NOT NULL")
        .scalar(&app.state.db)
        .await
        .unwrap()
}

/// The files in the media folder besides the demo's (whitepapers' PDFs, articles' covers and
/// their renditions).
async fn files_in_media_dir(app: &TestApp) -> usize {
    let demo: Vec<String> =
        magnetiq::db::sql("SELECT file_name FROM media WHERE uploaded_by IS NULL")
            .scalars(&app.state.db)
            .await
            .unwrap();
    let stems: Vec<&str> = demo
        .iter()
        .map(|f| f.rsplit_once('.').map_or(f.as_str(), |(stem, _)| stem))
        .collect();
    std::fs::read_dir(app.data_dir.path().join("media"))
        .map(|d| {
            d.flatten()
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    !stems.iter().any(|s| name.starts_with(s))
                })
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
        magnetiq::db::sql("SELECT file_name, width, height, renditions FROM media WHERE NOT gated AND uploaded_by IS NOT NULL")
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
    let media_id: i64 =
        magnetiq::db::sql("SELECT id FROM media WHERE NOT gated AND uploaded_by IS NOT NULL")
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
    let html = app.page("/de/ueber-uns").await;
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
    assert_eq!(
        files_in_media_dir(&app).await,
        0,
        "files and renditions removed"
    );
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
    assert_eq!(files_in_media_dir(&app).await, 0);
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
    assert_eq!(files_in_media_dir(&app).await, 0);
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
    assert_eq!(files_in_media_dir(&app).await, 0);
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

#[tokio::test]
async fn an_image_is_chosen_from_the_library_with_its_dimensions_uploaded_in_place_and_filtered() {
    let app = TestApp::signed_in("editor").await;
    let page = app.page_id("about").await;
    let form = format!("/admin/pages/{page}/blocks/new?type=image");
    // Upload from the block form: back to it, the new image chosen.
    let token = app.csrf_token(&form).await;
    let uploaded = upload_with(
        &app,
        "harbour-view.png",
        png(1200, 800),
        Some(&token),
        &[("return_to", form.as_str())],
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let back = location(&uploaded).to_owned();
    assert!(
        back.starts_with(&format!("{form}&chosen=/media/")),
        "{back}"
    );
    let chosen = back.split("chosen=").nth(1).unwrap().to_owned();
    let html = app.page(&back).await;
    assert_eq!(
        attrs(&html, "input[type=radio][name=src][checked]", "value"),
        std::slice::from_ref(&chosen)
    );
    let thumbs = attrs(&html, ".chooser-grid img", "src");
    assert!(thumbs.iter().any(|t| t.ends_with("-480.png")), "{thumbs:?}");
    assert_eq!(
        count(&html, "input[name=width]:not([type=hidden])"),
        0,
        "no typing sizes"
    );
    // An upload elsewhere is never sent off-site.
    let token = app.csrf_token("/admin/media").await;
    let away = upload_with(
        &app,
        "x.png",
        png(10, 10),
        Some(&token),
        &[("return_to", "//evil.example/")],
    )
    .await;
    assert!(
        location(&away).starts_with("/admin/media/"),
        "{}",
        location(&away)
    );

    // The filter finds by name; nothing matches, nothing offered.
    let found = app.page(&format!("{form}&media_q=HARBOUR")).await;
    assert!(attrs(&found, ".chooser-grid input", "value").contains(&chosen));
    let none = app.page(&format!("{form}&media_q=nothing-like-it")).await;
    assert_eq!(count(&none, ".chooser-grid input"), 0);

    // Choosing it: the stored block takes the size from the media record.
    let saved = app
        .post_form(
            &form,
            &form,
            &[
                ("version", &app.page_version(page).await),
                ("src", &chosen),
                ("src__other", ""),
                ("alt.en", "The harbour"),
                ("width", "1"),
                ("height", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let content: String = magnetiq::db::sql(
        "SELECT CAST(content AS TEXT) FROM content_blocks WHERE page_id = $1 AND block_type = 'image' ORDER BY id DESC LIMIT 1",
    )
    .bind(page)
    .scalar(&app.state.db)
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&content).unwrap();
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(1200), Some(800))
    );
    // The page's block list shows it as a picture.
    let edit = app.page(&format!("/admin/pages/{page}")).await;
    assert!(attrs(&edit, ".block-preview img", "src").contains(&chosen));

    // Another address still works, through the field beside the chooser.
    let other = app
        .post_form(
            &form,
            &form,
            &[
                ("version", &app.page_version(page).await),
                ("src", ""),
                ("src__other", "/static/img/team.svg"),
                ("alt.en", "Our team"),
            ],
        )
        .await;
    assert_eq!(other.status(), 303);
}

#[tokio::test]
async fn the_chooser_pages_through_a_large_library_keeping_the_current_choice() {
    let app = TestApp::signed_in("editor").await;
    for i in 0..30 {
        let name = format!("bulk-{i:02}.png");
        magnetiq::media::store::insert(
            &app.state.db,
            &magnetiq::media::store::NewMedia {
                file_name: &name,
                original_name: &name,
                content_type: "image/png",
                size_bytes: 10,
                width: Some(100),
                height: Some(100),
                renditions: &[],
            },
            None,
        )
        .await
        .unwrap();
    }
    let page = app.page_id("about").await;
    let form = format!("/admin/pages/{page}/blocks/new?type=image&chosen=/media/bulk-00.png");
    let first = app.page(&form).await;
    let offered = attrs(&first, ".chooser-grid input", "value");
    // 24 a page, plus the current choice (the oldest, on the last page) kept first and checked.
    assert_eq!(offered.len(), 25, "{offered:?}");
    assert_eq!(offered[0], "/media/bulk-00.png");
    assert_eq!(
        attrs(&first, ".chooser-grid input[checked]", "value"),
        ["/media/bulk-00.png"]
    );
    let next = attrs(&first, ".media-chooser .pager a[rel=next]", "href");
    assert_eq!(next.len(), 1);
    let second = app.page(&next[0].replace("&amp;", "&")).await;
    assert!(count(&second, ".chooser-grid input") >= 6);
}

#[tokio::test]
async fn link_fields_offer_the_sites_pages_and_take_any_address() {
    let app = TestApp::signed_in("editor").await;
    let page = app.page_id("about").await;
    let html = app
        .page(&format!(
            "/admin/pages/{page}/blocks/new?type=call_to_action"
        ))
        .await;
    assert_eq!(attrs(&html, "input[name='url.de']", "list"), ["links-de"]);
    let de = attrs(&html, "datalist#links-de option", "value");
    assert!(
        de.contains(&"/de/ueber-uns".to_owned()) || de.iter().any(|p| p.starts_with("/de/")),
        "{de:?}"
    );
    assert!(de.contains(&"/de/".to_owned()), "the home page: {de:?}");
    let saved = app
        .post_form(
            &format!("/admin/pages/{page}/blocks/new?type=call_to_action"),
            &format!("/admin/pages/{page}"),
            &[
                ("version", &app.page_version(page).await),
                ("headline.en", "Talk to us"),
                ("label.en", "Book"),
                ("url.en", "https://cal.example.com/team"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let edit = app.page(&format!("/admin/pages/{page}")).await;
    assert!(texts(&edit, ".block-preview .preview-button").contains(&"Book".to_owned()));
}
