//! `Lang`, a language code the site can speak, and the configured set of languages.
use std::fmt;
use std::str::FromStr;

/// A lowercase ISO 639 language code (`en`, `de`, `fra`): two or three ASCII letters, `Copy` and cheap.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang {
    code: [u8; 3],
    len: u8,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a language code (two or three letters, like en or de)")]
pub struct BadLang(pub String);

impl Lang {
    pub fn parse(s: &str) -> Result<Lang, BadLang> {
        let bytes = s.as_bytes();
        if !(2..=3).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(BadLang(s.to_owned()));
        }
        let mut code = [0u8; 3];
        for (slot, b) in code.iter_mut().zip(bytes) {
            *slot = b.to_ascii_lowercase();
        }
        Ok(Lang {
            code,
            len: bytes.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored, so this cannot fail.
        std::str::from_utf8(&self.code[..usize::from(self.len)]).unwrap_or("")
    }
}

impl FromStr for Lang {
    type Err = BadLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.as_str())
    }
}

/// The languages this site publishes in, in the order the operator gave them; the first is the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Languages {
    all: Vec<Lang>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BadLanguages {
    #[error("MAGNETIQ_LANGUAGES names no language")]
    Empty,
    #[error(transparent)]
    BadCode(#[from] BadLang),
    #[error("MAGNETIQ_LANGUAGES names {0} twice")]
    Duplicate(Lang),
}

impl Languages {
    /// Parses a comma-separated list such as `en,de`.
    pub fn parse(list: &str) -> Result<Languages, BadLanguages> {
        let mut all = Vec::new();
        for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let lang = Lang::parse(code)?;
            if all.contains(&lang) {
                return Err(BadLanguages::Duplicate(lang));
            }
            all.push(lang);
        }
        if all.is_empty() {
            return Err(BadLanguages::Empty);
        }
        Ok(Languages { all })
    }

    pub fn default_lang(&self) -> Lang {
        self.all[0]
    }

    pub fn all(&self) -> &[Lang] {
        &self.all
    }

    /// The configured language for a URL segment or cookie value, if it is one.
    pub fn find(&self, code: &str) -> Option<Lang> {
        let lang = Lang::parse(code).ok()?;
        self.all.contains(&lang).then_some(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_two_or_three_letters_and_lowercased() {
        assert_eq!(Lang::parse("DE").unwrap().as_str(), "de");
        assert_eq!(Lang::parse("fra").unwrap().as_str(), "fra");
        for bad in ["", "e", "engl", "e1", "de-AT", "../"] {
            assert!(Lang::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn configured_languages_keep_order_and_refuse_duplicates() {
        let langs = Languages::parse(" de, en ").unwrap();
        assert_eq!(langs.default_lang().as_str(), "de");
        assert_eq!(langs.find("en").map(|l| l.to_string()), Some("en".into()));
        assert_eq!(langs.find("fr"), None);
        assert!(matches!(
            Languages::parse("en,EN"),
            Err(BadLanguages::Duplicate(_))
        ));
        assert_eq!(Languages::parse(" , "), Err(BadLanguages::Empty));
    }
}
