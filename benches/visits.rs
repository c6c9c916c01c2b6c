//! What counting a page view costs, without HTTP: the checks every request passes, and the count
//! itself for a returning visitor and for a new one. `cargo bench --bench visits`.
use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddr};

use actix_web::test::TestRequest;
use criterion::{Criterion, criterion_group, criterion_main};
use magnetiq::app;
use magnetiq::config::Config;

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

fn request(
    state: &actix_web::web::Data<magnetiq::web::state::AppState>,
    ip: Ipv4Addr,
    ua: &str,
) -> actix_web::HttpRequest {
    TestRequest::get()
        .uri("/en/")
        .peer_addr(SocketAddr::from((ip, 40000)))
        .insert_header(("User-Agent", ua))
        .insert_header(("Accept", ACCEPT))
        .insert_header(("Accept-Encoding", "gzip, deflate, br, zstd"))
        .insert_header(("Cookie", "lang=en"))
        .app_data(state.clone())
        .to_http_request()
}

fn counting(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let state = rt.block_on(async {
        actix_web::web::Data::new(
            app::prepare(Config::local(dir.path(), "127.0.0.1:0"))
                .await
                .expect("prepare"),
        )
    });
    let returning = request(&state, Ipv4Addr::new(192, 0, 2, 1), CHROME);
    let crawler = request(
        &state,
        Ipv4Addr::new(192, 0, 2, 2),
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    );
    c.bench_function("page view: a crawler, checked and left out", |b| {
        b.to_async(&rt).iter(|| async {
            magnetiq::visits::count::page_view(&state, black_box(&crawler)).await
        })
    });
    c.bench_function("page view: a returning visitor", |b| {
        b.to_async(&rt).iter(|| async {
            magnetiq::visits::count::page_view(&state, black_box(&returning)).await
        })
    });
    let mut n = 0u32;
    let fresh: Vec<_> = (0..50_000u32)
        .map(|i| request(&state, Ipv4Addr::from(0x0a00_0000 + i), CHROME))
        .collect();
    c.bench_function("page view: a new visitor", |b| {
        b.to_async(&rt).iter(|| {
            n = (n + 1) % fresh.len() as u32;
            let req = &fresh[n as usize];
            let state = &state;
            async move { magnetiq::visits::count::page_view(state, black_box(req)).await }
        })
    });
    rt.block_on(magnetiq::visits::write_now(&state));
}

criterion_group!(benches, counting);
criterion_main!(benches);
