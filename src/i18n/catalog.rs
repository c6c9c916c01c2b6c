//! UI strings: the Fluent files under `locales/{lang}/*.ftl`, compiled into the binary and loaded once at
//! start-up. Messages without variables are formatted once then; templates look them up by id.
use std::collections::{BTreeSet, HashMap};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use super::{Lang, Languages};

use crate::embedded;

/// Every configured language's messages.
pub struct Catalog {
    per_lang: Vec<Messages>,
}

/// One language's UI strings.
pub struct Messages {
    lang: Lang,
    plain: HashMap<String, String>,
    bundle: FluentBundle<FluentResource>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no Fluent files for language {0} (expected locales/{0}/*.ftl)")]
    NoFiles(Lang),
    #[error("locales/{lang}/{file}: {detail}")]
    Invalid {
        lang: String,
        file: String,
        detail: String,
    },
}

impl Catalog {
    /// Loads the messages of every configured language; fails on a language without files, a syntax
    /// error or a message defined twice.
    pub fn load(langs: &Languages) -> Result<Catalog, CatalogError> {
        let per_lang = langs
            .all()
            .iter()
            .map(|lang| Messages::load(*lang))
            .collect::<Result<_, _>>()?;
        Ok(Catalog { per_lang })
    }

    /// The messages of `lang`; a language outside the catalog gets the default language's.
    pub fn messages(&self, lang: Lang) -> &Messages {
        self.per_lang
            .iter()
            .find(|m| m.lang == lang)
            .unwrap_or(&self.per_lang[0])
    }
}

impl Messages {
    fn load(lang: Lang) -> Result<Messages, CatalogError> {
        let id: unic_langid::LanguageIdentifier = lang
            .as_str()
            .parse()
            .map_err(|_| CatalogError::NoFiles(lang))?;
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Unicode isolation marks around placeables would leak into HTML attributes and e-mail subjects.
        bundle.set_use_isolating(false);
        let mut found = false;
        for (file_lang, file, source) in embedded::LOCALE_FILES {
            if *file_lang != lang.as_str() {
                continue;
            }
            found = true;
            let invalid = |detail: String| CatalogError::Invalid {
                lang: lang.to_string(),
                file: (*file).to_owned(),
                detail,
            };
            let resource = FluentResource::try_new((*source).to_owned())
                .map_err(|(_, errors)| invalid(format!("syntax errors: {errors:?}")))?;
            bundle
                .add_resource(resource)
                .map_err(|errors| invalid(format!("{errors:?}")))?;
        }
        if !found {
            return Err(CatalogError::NoFiles(lang));
        }
        let mut plain = HashMap::new();
        for id in message_ids(lang.as_str()) {
            let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors);
            if errors.is_empty() {
                plain.insert(id, text.into_owned());
            }
        }
        Ok(Messages {
            lang,
            plain,
            bundle,
        })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `id`. A missing id (a bug the catalog tests catch) shows the id rather than failing.
    pub fn t<'a>(&'a self, id: &'a str) -> &'a str {
        match self.plain.get(id) {
            Some(text) => text,
            None => {
                tracing::warn!(lang = %self.lang, id, "missing or parameterised UI message used without arguments");
                id
            }
        }
    }

    /// The message `id` if the catalog has it (for values that may or may not have a label).
    pub fn get(&self, id: &str) -> Option<&str> {
        self.plain.get(id).map(String::as_str)
    }

    /// `lang`'s name in this catalog's language ("German" in English, "Deutsch" in German); its
    /// code when the catalog has no name for it.
    pub fn language_name(&self, lang: Lang) -> String {
        self.plain
            .get(&format!("language-{lang}"))
            .cloned()
            .unwrap_or_else(|| lang.to_string())
    }

    /// The version of a consent sentence, as a consent records it: `{id}/{version}` from the
    /// message's `.version` attribute (`lead-consent/2026-11`). A changed text gets a new version in
    /// the Fluent file, so what someone agreed to earlier keeps its own.
    pub fn version(&self, id: &str) -> String {
        let version = self
            .bundle
            .get_message(id)
            .and_then(|m| m.get_attribute("version"))
            .map(|a| {
                let mut errors = Vec::new();
                self.bundle
                    .format_pattern(a.value(), None, &mut errors)
                    .into_owned()
            });
        match version {
            Some(v) => format!("{id}/{v}"),
            None => {
                tracing::warn!(lang = %self.lang, id, "consent text without a .version");
                format!("{id}/unversioned")
            }
        }
    }

    /// The message `id` with variables, e.g. `t_args("footer-copyright", &[("year", 2026.into())])`.
    pub fn t_args(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(lang = %self.lang, id, "missing UI message");
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(lang = %self.lang, id, ?errors, "UI message formatted with errors");
        }
        text.into_owned()
    }
}

/// The ids of the messages defined for `lang` in the embedded Fluent files.
pub fn message_ids(lang: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (file_lang, _, source) in embedded::LOCALE_FILES {
        if *file_lang != lang {
            continue;
        }
        let resource = match FluentResource::try_new((*source).to_owned()) {
            Ok(r) | Err((r, _)) => r,
        };
        for entry in resource.entries() {
            if let ast::Entry::Message(message) = entry {
                ids.insert(message.id.name.to_owned());
            }
        }
    }
    ids
}

/// The languages that have Fluent files in the binary.
pub fn shipped_languages() -> BTreeSet<&'static str> {
    embedded::LOCALE_FILES
        .iter()
        .map(|(lang, _, _)| *lang)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_every_shipped_language() {
        let langs: Vec<_> = shipped_languages().into_iter().collect();
        assert!(langs.len() >= 2, "English and German ship: {langs:?}");
        let reference = message_ids(langs[0]);
        assert!(!reference.is_empty());
        for lang in &langs[1..] {
            let ids = message_ids(lang);
            let only_first: Vec<_> = reference.difference(&ids).collect();
            let only_this: Vec<_> = ids.difference(&reference).collect();
            assert!(
                only_first.is_empty() && only_this.is_empty(),
                "{} only: {only_first:?}; {lang} only: {only_this:?}",
                langs[0]
            );
        }
    }

    #[test]
    fn all_shipped_languages_load_without_errors() {
        let list = shipped_languages()
            .into_iter()
            .collect::<Vec<_>>()
            .join(",");
        let catalog = Catalog::load(&Languages::parse(&list).unwrap()).unwrap();
        let de = catalog.messages(Lang::parse("de").unwrap());
        assert_eq!(de.t("nav-skip-to-content"), "Zum Inhalt springen");
        assert_eq!(
            de.t_args(
                "footer-copyright",
                &[("year", 2026.into()), ("site", "X".into())]
            ),
            "© 2026 X"
        );
    }

    /// Every consent sentence carries a `.version`, the same in every language (the translations
    /// say the same thing), so what people agreed to is recorded by version.
    #[test]
    fn consent_sentences_carry_one_version_in_every_language() {
        let list = shipped_languages()
            .into_iter()
            .collect::<Vec<_>>()
            .join(",");
        let languages = Languages::parse(&list).unwrap();
        let catalog = Catalog::load(&languages).unwrap();
        for id in [
            "book-consent",
            "lead-consent",
            "lead-marketing",
            "contact-consent",
            "newsletter-consent",
        ] {
            let versions: BTreeSet<String> = languages
                .all()
                .iter()
                .map(|l| catalog.messages(*l).version(id))
                .collect();
            assert_eq!(versions.len(), 1, "{id}: {versions:?}");
            let version = versions.into_iter().next().unwrap();
            assert!(
                version.starts_with(&format!("{id}/")) && !version.ends_with("/unversioned"),
                "{version}"
            );
        }
    }

    /// Every message id the templates and the code ask for (`t("id")`, `t_args("id", ...)`, and the
    /// error pages' `("error-...-title", "error-...-text")` pairs) exists in every shipped language.
    #[test]
    fn every_message_used_in_templates_and_code_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = BTreeSet::new();
        let mut stack = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.ends_with("i18n/catalog.rs") {
                    continue; // this test's own patterns are not messages
                }
                let source = std::fs::read_to_string(&path).unwrap();
                let is_rust = path.extension().is_some_and(|e| e == "rs");
                for marker in [".t(\"", ".t_args(\"", "\"error-"] {
                    if marker == "\"error-" && !is_rust {
                        continue; // in templates that is a CSS class
                    }
                    for rest in source.split(marker).skip(1) {
                        let id: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                            .collect();
                        let closed = rest[id.len()..].starts_with('"');
                        let id = if marker == "\"error-" {
                            format!("error-{id}")
                        } else {
                            id
                        };
                        if closed && !id.is_empty() {
                            used.insert(id);
                        }
                    }
                }
            }
        }
        assert!(
            used.contains("nav-skip-to-content") && used.contains("error-404-title"),
            "{used:?}"
        );
        for lang in shipped_languages() {
            let ids = message_ids(lang);
            let missing: Vec<_> = used.iter().filter(|id| !ids.contains(*id)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn a_language_without_files_is_refused_at_start() {
        let langs = Languages::parse("en,xq").unwrap();
        assert!(matches!(
            Catalog::load(&langs),
            Err(CatalogError::NoFiles(_))
        ));
    }
}
