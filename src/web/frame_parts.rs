//! The pieces of the public page frame that the site fills (navigation, footer columns, legal
//! links) and where in the site a page is: plain values, so the frame's source and the layout both
//! use them.
use crate::i18n::Lang;

/// Where in the site a page is, for links that lead to "the same page in another language".
#[derive(Clone, Copy)]
pub enum Here<'a> {
    /// A content page (`id` marks it as current in the navigation) at `/{lang}/{path}` (`path` is
    /// empty for the home page), or at `/{lang}/{own}` in the languages `translated` names.
    Page {
        id: i64,
        path: &'a str,
        translated: &'a [(Lang, String)],
    },
    /// A fixed page of the site outside the content tree, e.g. `book` for `/{lang}/book`.
    Path { path: &'a str },
    /// A page outside the content tree, e.g. an error page: other languages lead to their home page.
    Elsewhere,
}

impl Here<'_> {
    /// The address of this page in `lang`.
    pub fn path_in(&self, lang: Lang) -> String {
        match self {
            Here::Page {
                path, translated, ..
            } => match translated.iter().find(|(l, _)| *l == lang) {
                Some((_, own)) => format!("/{lang}/{own}"),
                None => format!("/{lang}/{path}"),
            },
            Here::Path { path } => format!("/{lang}/{path}"),
            Here::Elsewhere => format!("/{lang}/"),
        }
    }

    /// Whether a link to `/{lang}/{path}` leads here.
    pub fn is(&self, path: &str) -> bool {
        match self {
            Here::Page { path: here, .. } | Here::Path { path: here } => *here == path,
            Here::Elsewhere => false,
        }
    }
}

#[derive(Hash)]
pub struct Link {
    pub href: String,
    pub title: String,
    /// `aria-current="page"` on the link to the page itself.
    pub current: bool,
}

impl Clone for Link {
    fn clone(&self) -> Link {
        Link {
            href: self.href.clone(),
            title: self.title.clone(),
            current: self.current,
        }
    }
}

#[derive(Hash)]
pub struct NavItem {
    pub link: Link,
    /// The page or one of its children is being shown.
    pub active: bool,
    pub children: Vec<Link>,
}

#[derive(Hash)]
pub struct FooterColumn {
    pub heading: String,
    pub links: Vec<Link>,
}

/// The parts of the frame that depend on what the site holds.
#[derive(Default, Hash)]
pub struct FrameParts {
    pub nav: Vec<NavItem>,
    pub footer_columns: Vec<FooterColumn>,
    pub legal: Vec<Link>,
    /// The privacy notice the footer's sign-up links to.
    pub privacy_href: String,
}
