//! Uploads as the admin's file form sends them.
use super::TestApp;

/// A PNG of the given size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub async fn upload(
    app: &TestApp,
    file_name: &str,
    bytes: Vec<u8>,
    token: Option<&str>,
) -> reqwest::Response {
    upload_with(app, file_name, bytes, token, &[]).await
}

/// An upload with more small fields beside the file (e.g. the chooser's `return_to`).
pub async fn upload_with(
    app: &TestApp,
    file_name: &str,
    bytes: Vec<u8>,
    token: Option<&str>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut body = Vec::new();
    let boundary = "magnetiq-test-boundary";
    if let Some(token) = token {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n").as_bytes());
    }
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.client
        .post(app.url("/admin/media"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}
