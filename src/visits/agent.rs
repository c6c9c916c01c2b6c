//! What a user agent string says for the statistics: a crawler or not, the device class and the
//! browser family. The crates do the reading (isbot's list of known crawlers, woothee's browser and
//! device data); each distinct string is read once and remembered, so a page view costs a lookup.
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

/// Distinct user agents remembered at most; past that the memory starts afresh (a flood of made-up
/// strings costs parsing time, never memory).
const REMEMBERED: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agent {
    /// A crawler, a monitor, a script: not a visitor.
    Bot,
    Browser {
        device: Device,
        browser: &'static str,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    Desktop,
    Phone,
    Tablet,
    Other,
}

impl Device {
    pub const ALL: [Device; 4] = [
        Device::Desktop,
        Device::Phone,
        Device::Tablet,
        Device::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Phone => "phone",
            Device::Tablet => "tablet",
            Device::Other => "other",
        }
    }
}

/// Browser families shown as they are; any other name becomes "other", so the column holds a
/// handful of values whatever a client claims.
const FAMILIES: [&str; 10] = [
    "Chrome",
    "Safari",
    "Firefox",
    "Edge",
    "Opera",
    "Samsung Internet",
    "Vivaldi",
    "Internet Explorer",
    "Webview",
    "other",
];

static BOTS: LazyLock<isbot::Bots> = LazyLock::new(isbot::Bots::default);
static WOOTHEE: LazyLock<woothee::parser::Parser> = LazyLock::new(woothee::parser::Parser::new);

/// Reads one user agent string (no memory: see [`Agents`]).
pub fn read(user_agent: &str) -> Agent {
    let user_agent = user_agent.trim();
    if user_agent.is_empty() || BOTS.is_bot(user_agent) {
        return Agent::Bot;
    }
    let Some(found) = WOOTHEE.parse(user_agent) else {
        return Agent::Browser {
            device: Device::Other,
            browser: "other",
        };
    };
    let device = match (found.category, found.os) {
        ("crawler", _) => return Agent::Bot,
        (_, "iPad") => Device::Tablet,
        // Android tablets leave "Mobile" out of their string (Google's advice to sites).
        ("smartphone", "Android") if !user_agent.contains("Mobile") => Device::Tablet,
        ("smartphone" | "mobilephone", _) => Device::Phone,
        ("pc", _) => Device::Desktop,
        _ => Device::Other,
    };
    let name = match found.name {
        "Safari" if found.category == "smartphone" && device == Device::Phone => "Safari",
        "SamsungBrowser" => "Samsung Internet",
        name => name,
    };
    let browser = FAMILIES
        .iter()
        .copied()
        .find(|family| *family == name)
        .unwrap_or("other");
    Agent::Browser { device, browser }
}

thread_local! {
    /// User agents this thread has read, by their bytes. A fast unkeyed hash is enough here: a
    /// string made to collide with a browser's could at worst be read as that browser, which
    /// sending its string achieves as well. Per thread, so no lock is shared on the way.
    static READ: std::cell::RefCell<FxHashMap<Box<[u8]>, Agent>> = std::cell::RefCell::default();
}

/// What `user_agent` says, read once per thread and remembered.
pub fn of(user_agent: &[u8]) -> Agent {
    if let Some(agent) = READ.with(|read| read.borrow().get(user_agent).copied()) {
        return agent;
    }
    let agent = std::str::from_utf8(user_agent).map_or(Agent::Bot, read);
    READ.with(|remembered| {
        let mut remembered = remembered.borrow_mut();
        if remembered.len() >= REMEMBERED {
            remembered.clear();
        }
        remembered.insert(user_agent.into(), agent);
    });
    agent
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const EDGE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const ANDROID_PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    const ANDROID_TABLET: &str = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const FIREFOX_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    #[test]
    fn browsers_are_told_by_device_and_family() {
        let cases = [
            (CHROME_WINDOWS, Device::Desktop, "Chrome"),
            (EDGE, Device::Desktop, "Edge"),
            (IPHONE, Device::Phone, "Safari"),
            (IPAD, Device::Tablet, "Safari"),
            (ANDROID_PHONE, Device::Phone, "Chrome"),
            (ANDROID_TABLET, Device::Tablet, "Chrome"),
            (FIREFOX_LINUX, Device::Desktop, "Firefox"),
        ];
        for (ua, device, browser) in cases {
            assert_eq!(read(ua), Agent::Browser { device, browser }, "{ua}");
        }
    }

    #[test]
    fn crawlers_scripts_and_empty_strings_are_bots() {
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "curl/8.5.0",
            "python-requests/2.32.3",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "",
            "   ",
        ] {
            assert_eq!(read(ua), Agent::Bot, "{ua:?}");
        }
    }

    #[test]
    fn a_remembered_agent_reads_the_same() {
        assert_eq!(of(IPHONE.as_bytes()), read(IPHONE));
        assert_eq!(of(IPHONE.as_bytes()), read(IPHONE));
        assert_eq!(of(b"curl/8.5.0"), Agent::Bot);
        assert_eq!(of(b"\xff\xfe not text"), Agent::Bot);
    }
}
