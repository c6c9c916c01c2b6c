//! The page cache's own tests: what it keeps, forgets and reads back from the spill file.
use super::*;
use crate::web::compression::Accepted;
use actix_web::http::header::HeaderValue;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-24 12:00 UTC);

fn page(html: &str, generation: u64) -> Arc<RenderedPage> {
    let en = Lang::parse("en").unwrap();
    Arc::new(RenderedPage::new(
        html.to_owned(),
        en,
        datetime!(2027-01-01 0:00 UTC),
        generation,
    ))
}

fn only(coding: Coding) -> Accepted {
    Accepted::only(coding)
}

fn body(cache: &PageCache, path: &str, coding: Coding, now: OffsetDateTime) -> Option<Vec<u8>> {
    cache
        .get(path, only(coding), now)
        .map(|hit| hit.body.to_vec())
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

#[test]
fn keeps_pages_until_cleared_and_never_stores_stale_renders() {
    let cache = PageCache::new(1 << 20, None);
    let before_edit = cache.generation();
    cache.insert("/en/about", page("<p>old</p>", before_edit));
    assert_eq!(
        body(&cache, "/en/about", Coding::Identity, NOW).unwrap(),
        b"<p>old</p>"
    );
    cache.clear();
    assert!(
        cache
            .get("/en/about", only(Coding::Identity), NOW)
            .is_none()
    );
    // A render that started before the edit must not be cached after it.
    cache.insert("/en/about", page("<p>old</p>", before_edit));
    assert!(
        cache
            .get("/en/about", only(Coding::Identity), NOW)
            .is_none()
    );
    cache.insert("/en/about", page("<p>new</p>", cache.generation()));
    let br = body(&cache, "/en/about", Coding::Brotli, NOW).unwrap();
    assert_eq!(unbrotli(&br), b"<p>new</p>");
}

#[test]
fn every_coding_has_its_own_etag() {
    let cache = PageCache::new(1 << 20, None);
    cache.insert("/en/", page("<h1>Home</h1>", 0));
    let tags: Vec<HeaderValue> = Coding::ALL
        .iter()
        .map(|&c| cache.get("/en/", only(c), NOW).unwrap().etag)
        .collect();
    assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2]);
    assert!(tags[1].to_str().unwrap().ends_with("-br\""));
}

#[test]
fn entries_expire_and_the_budget_evicts_pages_not_used_since() {
    let big = "x".repeat(200);
    let size = page(&big, 0).size("/de/a");
    let cache = PageCache::new(4 * size + 10, None);
    for slug in ["a", "b", "c", "d"] {
        cache.insert(&format!("/de/{slug}"), page(&big, 0));
    }
    // "a" is read, so the clock passes it over once.
    assert!(cache.get("/de/a", only(Coding::Identity), NOW).is_some());
    cache.insert("/de/e", page(&big, 0));
    assert!(
        cache.get("/de/a", only(Coding::Identity), NOW).is_some(),
        "used page kept"
    );
    assert!(
        cache.get("/de/b", only(Coding::Identity), NOW).is_none(),
        "unused page evicted"
    );
    assert!(
        cache
            .get(
                "/de/e",
                only(Coding::Identity),
                datetime!(2027-01-01 0:00 UTC)
            )
            .is_none(),
        "expired at the new year"
    );
}

#[test]
fn pages_beyond_the_memory_budget_are_answered_from_the_spill_file() {
    let dir = tempfile::tempdir().unwrap();
    let html = |n: usize| format!("<main>page {n}</main>").repeat(50);
    let size = page(&html(0), 0).size("/en/page-0");
    let cache = PageCache::new(3 * size, Some(dir.path().to_owned()));
    for n in 0..50 {
        cache.insert(&format!("/en/page-{n}"), page(&html(n), 0));
    }
    let (in_memory, spilled) = cache.counts();
    assert!(in_memory <= 3, "{in_memory} in memory");
    assert_eq!(spilled, 50);
    for n in [0, 17, 49] {
        let path = format!("/en/page-{n}");
        let plain = body(&cache, &path, Coding::Identity, NOW).unwrap();
        assert_eq!(plain, html(n).as_bytes());
        let br = body(&cache, &path, Coding::Brotli, NOW).unwrap();
        assert_eq!(unbrotli(&br), html(n).as_bytes());
        let gz = body(&cache, &path, Coding::Gzip, NOW).unwrap();
        assert_eq!(ungzip(&gz), html(n).as_bytes());
        if cache
            .entries
            .read()
            .unwrap()
            .spilled
            .contains_key(path.as_str())
            && !cache
                .entries
                .read()
                .unwrap()
                .memory
                .contains_key(path.as_str())
        {
            // Made once from the plain bytes, then kept in the file beside the others.
            let at = cache.entries.read().unwrap().spilled[path.as_str()].at;
            assert!(at.iter().all(Option::is_some), "{path}: {at:?}");
        }
        // The same validator whichever tier answers.
        let memory_tag = page(&html(n), 0).hit(only(Coding::Gzip)).etag;
        assert_eq!(
            cache.get(&path, only(Coding::Gzip), NOW).unwrap().etag,
            memory_tag
        );
    }
    cache.clear();
    assert_eq!(cache.counts(), (0, 0));
    assert!(
        cache
            .get("/en/page-17", only(Coding::Brotli), NOW)
            .is_none()
    );
}

#[test]
fn invalidating_forgets_those_addresses_only_and_refuses_their_racing_renders() {
    let dir = tempfile::tempdir().unwrap();
    let cache = PageCache::new(1 << 20, Some(dir.path().to_owned()));
    let started = cache.generation();
    for slug in ["a", "b", "c"] {
        cache.insert(&format!("/en/{slug}"), page(slug, started));
    }
    // A render of "/en/b" and one of "/en/c" began before "/en/b" changed.
    let racing = cache.generation();
    assert_eq!(cache.invalidate(&["/en/b", "/en/unknown"]), 1);
    assert!(cache.get("/en/b", only(Coding::Brotli), NOW).is_none());
    assert!(cache.get("/en/a", only(Coding::Brotli), NOW).is_some());
    cache.insert("/en/b", page("b, as it was", racing));
    assert!(
        cache.get("/en/b", only(Coding::Identity), NOW).is_none(),
        "stale render kept"
    );
    cache.insert("/en/c", page("c, unchanged", racing));
    assert_eq!(
        body(&cache, "/en/c", Coding::Identity, NOW).unwrap(),
        b"c, unchanged"
    );
    cache.insert("/en/b", page("b, new", cache.generation()));
    assert_eq!(
        body(&cache, "/en/b", Coding::Identity, NOW).unwrap(),
        b"b, new"
    );
    assert_eq!(cache.invalidations.load(Ordering::Relaxed), 2);
    // Everything at once: the clock's order and the counters stay consistent.
    cache.clear();
    assert_eq!(cache.counts(), (0, 0));
    assert_eq!(cache.clears.load(Ordering::Relaxed), 1);
    cache.insert("/en/a", page("a", racing));
    assert!(cache.get("/en/a", only(Coding::Identity), NOW).is_none());
}

#[test]
fn a_quickly_compressed_page_is_made_smaller_later_with_the_same_validators() {
    let dir = tempfile::tempdir().unwrap();
    let html = "<main><p>Magnetiq renders pages before visitors ask.</p></main>".repeat(80);
    let en = Lang::parse("en").unwrap();
    let until = datetime!(2027-01-01 0:00 UTC);
    let quick = RenderedPage::quick(html.clone(), en, until, 0);
    let cache = PageCache::new(1 << 20, Some(dir.path().to_owned()));
    cache.insert("/en/quick", Arc::new(quick));
    assert_eq!(cache.held("/en/quick", NOW), Held::Quick);
    // A browser takes the gzip made for the waiting visitor; brotli is made only for a client that
    // takes nothing else.
    let chromium = Accepted::parse(Some("gzip, deflate, br, zstd"));
    let first = cache.get("/en/quick", chromium, NOW).unwrap();
    assert_eq!(first.coding, Coding::Gzip);
    assert_eq!(ungzip(&first.body), html.as_bytes());
    let before = cache.get("/en/quick", only(Coding::Brotli), NOW).unwrap();
    assert!(cache.improve("/en/quick", NOW));
    assert_eq!(cache.held("/en/quick", NOW), Held::Kept);
    let after = cache.get("/en/quick", only(Coding::Brotli), NOW).unwrap();
    assert!(after.body.len() < before.body.len());
    assert_eq!(unbrotli(&after.body), html.as_bytes());
    assert_eq!(after.etag, before.etag);
    assert_eq!(
        cache.get("/en/quick", chromium, NOW).unwrap().coding,
        Coding::Brotli
    );
    // A gzip-only client meets the same validator whichever gzip it is sent.
    assert_eq!(
        cache
            .get("/en/quick", only(Coding::Gzip), NOW)
            .unwrap()
            .etag,
        first.etag
    );
    assert!(!cache.improve("/en/quick", NOW), "nothing left to improve");
    assert_eq!(cache.held("/en/none", NOW), Held::Nothing);
    // Read back from the spill file when memory holds no more, and improved from there.
    let small = PageCache::new(16, Some(dir.path().to_owned()));
    small.insert(
        "/de/quick",
        Arc::new(RenderedPage::quick(html.clone(), en, until, 0)),
    );
    assert_eq!(small.counts(), (0, 1));
    assert_eq!(small.held("/de/quick", NOW), Held::Quick);
    let spilled = small.get("/de/quick", chromium, NOW).unwrap();
    assert_eq!(spilled.coding, Coding::Gzip);
    assert_eq!(ungzip(&spilled.body), html.as_bytes());
    assert!(small.improve("/de/quick", NOW));
    assert_eq!(small.held("/de/quick", NOW), Held::Kept);
    let br = small.get("/de/quick", chromium, NOW).unwrap();
    assert_eq!(br.coding, Coding::Brotli);
    assert_eq!(unbrotli(&br.body), html.as_bytes());
}

#[test]
fn a_spilled_page_is_indexed_in_64_bytes_and_its_places_read_back() {
    assert!(std::mem::size_of::<Spilled>() <= 64);
    assert_eq!(std::mem::size_of::<Option<Place>>(), 8);
    let largest_offset = (1 << 39) - 1;
    for (offset, len) in [
        (0, 0),
        (0, 9_000),
        (1 << 30, 1),
        (largest_offset, (1 << 24) - 1),
    ] {
        let place = Place::new(offset, len).expect("fits");
        assert_eq!((place.offset(), place.len()), (offset, len));
    }
    assert!(Place::new(0, 1 << 24).is_none(), "16 MiB is not spilled");
    assert!(Place::new(1 << 39, 1).is_none());
}
