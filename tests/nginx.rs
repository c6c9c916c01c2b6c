//! Magnetiq behind Debian's nginx with the page cache of `deploy/nginx-cache.conf`, as an operator
//! runs it: public pages are kept for MAGNETIQ_PUBLIC_MAX_AGE, nothing personal is kept, an edit shows
//! after the max-age, and with MAGNETIQ_PURGE_URL at once. Needs `nginx` and
//! `libnginx-mod-http-cache-purge`; skipped with a message without them, unless
//! MAGNETIQ_REQUIRE_NGINX=1 (CI) makes their absence a failure.
#[path = "common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestApp, decoded_body, texts};
use magnetiq::config::{Purge, PurgeMethod, Secret};

const NGINX: &str = "/usr/sbin/nginx";
const PURGE_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_cache_purge_module.so";

fn nginx_is_installed() -> bool {
    let installed = Path::new(NGINX).exists() && Path::new(PURGE_MODULE).exists();
    if !installed {
        assert!(
            std::env::var("MAGNETIQ_REQUIRE_NGINX").as_deref() != Ok("1"),
            "MAGNETIQ_REQUIRE_NGINX=1 but nginx or its cache purge module is missing \
             (apt-get install nginx libnginx-mod-http-cache-purge)"
        );
        eprintln!("skipped: nginx with libnginx-mod-http-cache-purge is not installed");
    }
    installed
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in the foreground, one process, with the operator's site file adapted to this test's ports
/// and folders only.
struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(port: u16, upstream: SocketAddr) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let shipped = std::fs::read_to_string("deploy/nginx-cache.conf").unwrap();
        let site = [
            ("listen 80;", format!("listen 127.0.0.1:{port};")),
            ("server 127.0.0.1:8080;", format!("server {upstream};")),
            (
                "server_name example.com;",
                "server_name magnetiq.test;".into(),
            ),
            (
                "/var/cache/nginx/magnetiq",
                root.join("cache").display().to_string(),
            ),
        ]
        .iter()
        .fold(shipped, |conf, (from, to)| {
            assert!(conf.contains(from), "deploy/nginx-cache.conf lost {from:?}");
            conf.replace(from, to)
        });
        std::fs::write(root.join("site.conf"), site).unwrap();
        let main = format!(
            "daemon off;\nmaster_process off;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n\
             load_module {PURGE_MODULE};\nevents {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n\
             fastcgi_temp_path {root}/fastcgi;\n  uwsgi_temp_path {root}/uwsgi;\n  scgi_temp_path {root}/scgi;\n\
             include {root}/site.conf;\n}}\n",
            root = root.display()
        );
        std::fs::write(root.join("nginx.conf"), main).unwrap();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(root)
            .arg("-c")
            .arg(root.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nginx did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx {
            child,
            port,
            _dir: dir,
        }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut request = client
            .get(format!("http://127.0.0.1:{}{path}", self.port))
            .header("Host", "magnetiq.test");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cache_status(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-cache-status")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn heading(response: reqwest::Response) -> Vec<String> {
    texts(
        &scraper::Html::parse_document(&decoded_body(response).await),
        ".block-heading h2",
    )
}

/// Asks through nginx until the page shows `expected` (in brotli and plain); the time it took.
async fn wait_for_heading(nginx: &Nginx, expected: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let br = heading(nginx.get("/en/about", &[("Accept-Encoding", "br")]).await).await;
        let plain = heading(nginx.get("/en/about", &[]).await).await;
        if br == [expected] && plain == [expected] {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "nginx still shows {br:?} / {plain:?} after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn nginx_keeps_public_pages_for_the_max_age_and_nothing_personal() {
    if !nginx_is_installed() {
        return;
    }
    let app = TestApp::spawn_with(|c| c.public_max_age = Some(2)).await;
    let nginx = Nginx::start(free_port(), app.addr);

    let first = nginx.get("/en/about", &[("Accept-Encoding", "br")]).await;
    assert_eq!(first.status(), 200);
    assert_eq!(cache_status(&first), "MISS");
    assert_eq!(
        first.headers()["content-encoding"],
        "br",
        "nginx passes the kept brotli bytes on"
    );
    let second = nginx.get("/en/about", &[("Accept-Encoding", "br")]).await;
    assert_eq!(cache_status(&second), "HIT");
    let gzip = nginx
        .get("/en/about", &[("Accept-Encoding", "gzip, deflate")])
        .await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    let plain = nginx.get("/en/about", &[]).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(heading(plain).await, heading(second).await);

    // Personal answers pass through and are never kept: the admin, forms with tokens, a visitor's
    // language switch (it sets a cookie).
    for (path, headers) in [
        ("/admin/login", vec![]),
        ("/en/book", vec![]),
        ("/de/", vec![("Cookie", "lang=en")]),
    ] {
        for _ in 0..2 {
            let response = nginx.get(path, &headers).await;
            assert_ne!(cache_status(&response), "HIT", "{path} was kept");
        }
    }

    // An edit shows once the max-age has passed (stale-while-revalidate lets one visitor see the old
    // page while nginx fetches the new one).
    app.sign_in_as("editor").await;
    app.edit_first_heading("about", "Engineers, every day", "Jeden Tag Ingenieure")
        .await;
    let kept = nginx.get("/en/about", &[("Accept-Encoding", "br")]).await;
    assert_eq!(cache_status(&kept), "HIT");
    assert_ne!(heading(kept).await, ["Engineers, every day"]);
    wait_for_heading(&nginx, "Engineers, every day", Duration::from_secs(15)).await;
}

#[tokio::test]
async fn behind_nginx_the_counting_image_counts_pages_nginx_answers_itself() {
    if !nginx_is_installed() {
        return;
    }
    let app = TestApp::spawn_with(|c| {
        c.public_max_age = Some(60);
        c.visits = magnetiq::config::VisitCounting::Pixel;
        c.trusted_proxies = magnetiq::config::proxies::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    let nginx = Nginx::start(free_port(), app.addr);
    let browser = [
        (
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        ),
        ("Accept", "text/html,application/xhtml+xml"),
        ("Accept-Encoding", "br"),
    ];
    let image = [
        browser[0],
        ("Accept", "image/avif,image/webp,image/*,*/*;q=0.8"),
        ("Referer", "http://magnetiq.test/en/about?utm_campaign=cdn"),
    ];
    // Two page views of a page nginx keeps: the second never reaches Magnetiq, both images do.
    for expected in ["MISS", "HIT"] {
        let page = nginx.get("/en/about", &browser).await;
        assert_eq!(cache_status(&page), expected);
        let pixel = nginx.get("/visit.gif?p=%2Fen%2Fabout", &image).await;
        assert_eq!(pixel.status(), 200);
        assert_ne!(
            cache_status(&pixel),
            "HIT",
            "no cache keeps the counting image"
        );
    }
    magnetiq::visits::write_now(&app.state).await;
    let views: i64 = magnetiq::db::sql(
        "SELECT CAST(COALESCE(SUM(views), 0) AS BIGINT) FROM visit_pages WHERE path = '/en/about'",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    let visitors: i64 = magnetiq::db::sql("SELECT count(*) FROM visit_visitors")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!((views, visitors), (2, 1));
}

#[tokio::test]
async fn a_publish_purges_nginx_so_an_edit_shows_at_once() {
    if !nginx_is_installed() {
        return;
    }
    let port = free_port();
    let app = TestApp::spawn_with(|c| {
        // Kept for an hour: only the purge can show the edit within this test.
        c.public_max_age = Some(3600);
        c.purge = Some(Purge {
            url: Secret(format!("http://127.0.0.1:{port}/purge")),
            method: PurgeMethod::Purge,
        });
    })
    .await;
    let nginx = Nginx::start(port, app.addr);
    for _ in 0..2 {
        nginx.get("/en/about", &[("Accept-Encoding", "br")]).await;
        nginx.get("/en/about", &[]).await;
    }
    assert_eq!(
        cache_status(&nginx.get("/en/about", &[]).await),
        "HIT",
        "kept before the edit"
    );
    app.sign_in_as("editor").await;
    app.edit_first_heading("about", "Engineers, at once", "Sofort Ingenieure")
        .await;
    wait_for_heading(&nginx, "Engineers, at once", Duration::from_secs(5)).await;
    let sent: String =
        magnetiq::db::sql("SELECT status FROM outbox WHERE kind = 'purge' ORDER BY id DESC")
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert_eq!(sent, "sent");
}

#[test]
fn the_shipped_nginx_files_pass_nginx_t() {
    if !nginx_is_installed() {
        return;
    }
    for file in ["deploy/nginx.conf", "deploy/nginx-cache.conf"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().display().to_string();
        let site = std::fs::read_to_string(file)
            .unwrap()
            .replace("/var/cache/nginx/magnetiq", &format!("{root}/cache"))
            .replace("listen 80;", &format!("listen 127.0.0.1:{};", free_port()));
        std::fs::write(dir.path().join("site.conf"), site).unwrap();
        let main = format!(
            "pid {root}/nginx.pid;\nerror_log {root}/error.log;\nload_module {PURGE_MODULE};\n\
             events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {root}/body;\n\
             proxy_temp_path {root}/proxy;\n  fastcgi_temp_path {root}/fastcgi;\n  uwsgi_temp_path {root}/uwsgi;\n\
             scgi_temp_path {root}/scgi;\n  include {root}/site.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
        let out = Command::new(NGINX)
            .args(["-t", "-p", &root, "-c"])
            .arg(dir.path().join("nginx.conf"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_readme_shows_the_tested_nginx_file() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let shipped = std::fs::read_to_string("deploy/nginx-cache.conf").unwrap();
    let server = &shipped[shipped.find("map $http_accept_encoding").unwrap()..];
    assert!(
        readme.contains(server.trim()),
        "README's nginx snippet differs from deploy/nginx-cache.conf"
    );
}
