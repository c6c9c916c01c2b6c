//! Which language a visitor gets when the URL does not say: the `lang` cookie, then the browser's
//! `Accept-Language` (q-values honoured, `de-AT` counts as `de`), then the site's default.
use super::{Lang, Languages};

/// The name of the cookie that remembers the language a visitor last read in.
pub const LANG_COOKIE: &str = "lang";

pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>, langs: &Languages) -> Lang {
    cookie
        .and_then(|c| langs.find(c))
        .or_else(|| accept_language.and_then(|h| best_match(h, langs)))
        .unwrap_or_else(|| langs.default_lang())
}

/// The configured language the browser prefers most, if any. Among equal q-values the earlier one wins.
pub fn best_match(header: &str, langs: &Languages) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if !(q > 0.0 && q <= 1.0) {
            continue;
        }
        let lang = if tag == "*" {
            Some(langs.default_lang())
        } else {
            tag.split(['-', '_'])
                .next()
                .and_then(|primary| langs.find(primary))
        };
        if let Some(lang) = lang
            && best.is_none_or(|(best_q, _)| q > best_q)
        {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs() -> Languages {
        Languages::parse("en,de").unwrap()
    }

    fn pick(cookie: Option<&str>, header: Option<&str>) -> String {
        negotiate(cookie, header, &langs()).to_string()
    }

    #[test]
    fn cookie_beats_browser() {
        assert_eq!(pick(Some("de"), Some("en-US,en;q=0.9")), "de");
    }

    #[test]
    fn unknown_cookie_is_ignored() {
        assert_eq!(pick(Some("xx"), Some("de")), "de");
        assert_eq!(pick(Some("<script>"), None), "en");
    }

    #[test]
    fn q_values_are_honoured() {
        assert_eq!(pick(None, Some("en;q=0.4, de;q=0.8")), "de");
        assert_eq!(pick(None, Some("fr, en;q=0.5, de;q=0.9")), "de");
        assert_eq!(pick(None, Some("de;q=0, en;q=0.1")), "en");
    }

    #[test]
    fn region_falls_back_to_the_language() {
        assert_eq!(pick(None, Some("de-AT")), "de");
        assert_eq!(pick(None, Some("fr-CH, de-CH;q=0.7")), "de");
    }

    #[test]
    fn default_when_nothing_matches() {
        assert_eq!(pick(None, Some("fr, it;q=0.5")), "en");
        assert_eq!(pick(None, Some("garbage;;;q=zz")), "en");
        assert_eq!(pick(None, None), "en");
        assert_eq!(pick(None, Some("*")), "en");
    }

    #[test]
    fn equal_q_values_keep_header_order() {
        assert_eq!(pick(None, Some("de, en")), "de");
        assert_eq!(pick(None, Some("en;q=0.8, de;q=0.8")), "en");
    }
}
