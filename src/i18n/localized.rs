//! `Localized<T>`: a translatable field stored as a JSON object of language variants
//! (`{"en": "...", "de": "..."}`), and the fallback rule every part of Magnetiq uses to read one.
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Lang;

/// A value that can be "missing" even when present: an empty or blank string counts as untranslated.
pub trait Variant {
    fn is_blank(&self) -> bool;
}

impl Variant for String {
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

/// A list (e.g. a webinar's learning objectives) is untranslated while it says nothing.
impl Variant for Vec<String> {
    fn is_blank(&self) -> bool {
        self.iter().all(|item| item.trim().is_empty())
    }
}

/// One value per language, in the order they were stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Localized<T> {
    variants: Vec<(Lang, T)>,
}

impl<T> Default for Localized<T> {
    fn default() -> Self {
        Localized {
            variants: Vec::new(),
        }
    }
}

impl<T: Variant> Localized<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets (or replaces) the variant for `lang`.
    pub fn with(mut self, lang: Lang, value: T) -> Self {
        self.set(lang, value);
        self
    }

    pub fn set(&mut self, lang: Lang, value: T) {
        match self.variants.iter_mut().find(|(l, _)| *l == lang) {
            Some(slot) => slot.1 = value,
            None => self.variants.push((lang, value)),
        }
    }

    /// The variant to show a reader of `lang`: that language, else the site's default language, else the
    /// first non-blank variant; `None` only when every variant is blank.
    pub fn get(&self, lang: Lang, default: Lang) -> Option<&T> {
        self.resolve(lang, default).map(|(_, value)| value)
    }

    /// Like [`Localized::get`], also saying which language the value is in (for `lang` attributes on
    /// fallback text).
    pub fn resolve(&self, lang: Lang, default: Lang) -> Option<(Lang, &T)> {
        self.exact(lang)
            .map(|v| (lang, v))
            .or_else(|| self.exact(default).map(|v| (default, v)))
            .or_else(|| {
                self.variants
                    .iter()
                    .find(|(_, v)| !v.is_blank())
                    .map(|(l, v)| (*l, v))
            })
    }

    /// The variant for `lang` itself, if it is there and not blank.
    pub fn exact(&self, lang: Lang) -> Option<&T> {
        self.variants
            .iter()
            .find(|(l, v)| *l == lang && !v.is_blank())
            .map(|(_, v)| v)
    }

    /// The languages of `wanted` that have no (or only a blank) variant.
    pub fn missing(&self, wanted: &[Lang]) -> Vec<Lang> {
        wanted
            .iter()
            .copied()
            .filter(|l| self.exact(*l).is_none())
            .collect()
    }

    pub fn variants(&self) -> impl Iterator<Item = (Lang, &T)> {
        self.variants.iter().map(|(l, v)| (*l, v))
    }
}

impl Localized<String> {
    /// The text to show a reader of `lang` (see [`Localized::get`]), or `""` when nothing is translated.
    pub fn text(&self, lang: Lang, default: Lang) -> &str {
        self.get(lang, default).map_or("", String::as_str)
    }
}

impl<T: fmt::Debug> fmt::Debug for Localized<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.variants.iter().map(|(l, v)| (l.as_str(), v)))
            .finish()
    }
}

impl<T: Serialize> Serialize for Localized<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.variants.len()))?;
        for (lang, value) in &self.variants {
            map.serialize_entry(lang.as_str(), value)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Localized<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocalizedVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for LocalizedVisitor<T> {
            type Value = Localized<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"an object of language variants like {"en": "...", "de": "..."}"#)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut variants: Vec<(Lang, T)> = Vec::with_capacity(map.size_hint().unwrap_or(2));
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let lang = Lang::parse(&key).map_err(serde::de::Error::custom)?;
                    // `null` is an absent variant, as in a form left empty.
                    let Some(value) = map.next_value::<Option<T>>()? else {
                        continue;
                    };
                    match variants.iter_mut().find(|(l, _)| *l == lang) {
                        Some(slot) => slot.1 = value,
                        None => variants.push((lang, value)),
                    }
                }
                Ok(Localized { variants })
            }
        }

        deserializer.deserialize_map(LocalizedVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    fn field(json: &str) -> Localized<String> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn requested_language_wins() {
        let f = field(r#"{"en": "Hello", "de": "Hallo"}"#);
        assert_eq!(f.text(lang("de"), lang("en")), "Hallo");
        assert_eq!(
            f.resolve(lang("de"), lang("en")).map(|(l, _)| l),
            Some(lang("de"))
        );
    }

    #[test]
    fn missing_language_falls_back_to_the_default() {
        let f = field(r#"{"fr": "Bonjour", "en": "Hello"}"#);
        assert_eq!(f.text(lang("de"), lang("en")), "Hello");
    }

    #[test]
    fn empty_or_blank_variant_counts_as_missing() {
        let f = field(r#"{"en": "Hello", "de": "  "}"#);
        assert_eq!(f.text(lang("de"), lang("en")), "Hello");
        assert_eq!(f.missing(&[lang("en"), lang("de")]), vec![lang("de")]);
        let g = field(r#"{"en": "", "de": null, "fr": "Bonjour"}"#);
        assert_eq!(g.text(lang("de"), lang("en")), "Bonjour");
    }

    #[test]
    fn without_requested_or_default_any_non_empty_variant_is_used() {
        let f = field(r#"{"fr": "", "it": "Ciao"}"#);
        assert_eq!(
            f.resolve(lang("de"), lang("en")),
            Some((lang("it"), &"Ciao".to_string()))
        );
    }

    #[test]
    fn nothing_translated_renders_empty_instead_of_failing() {
        assert_eq!(field("{}").text(lang("de"), lang("en")), "");
        assert_eq!(field(r#"{"en": " "}"#).get(lang("de"), lang("en")), None);
    }

    #[test]
    fn invalid_json_is_an_error_not_a_panic() {
        assert!(serde_json::from_str::<Localized<String>>("not json").is_err());
        assert!(serde_json::from_str::<Localized<String>>(r#"["en", "x"]"#).is_err());
        assert!(serde_json::from_str::<Localized<String>>(r#"{"english": "x"}"#).is_err());
        assert!(serde_json::from_str::<Localized<String>>(r#"{"en": 5}"#).is_err());
    }

    #[test]
    fn round_trips_through_json_in_stored_order() {
        let f = Localized::new()
            .with(lang("en"), "A".to_string())
            .with(lang("de"), "B".to_string());
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, r#"{"en":"A","de":"B"}"#);
        assert_eq!(field(&json), f);
    }
}
