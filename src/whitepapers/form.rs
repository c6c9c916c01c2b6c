//! The editor's whitepaper form: what an editor typed turned into a whitepaper's fields (or errors
//! per field), and a stored whitepaper turned back into the form. Category and tags are typed as
//! labels per language (tags one per line, in the same order in every language); their keys come
//! from the default language's label. The description is Markdown, rendered and sanitised here.
use std::collections::HashMap;

use super::model::{Label, Whitepaper, WhitepaperStatus};
use super::store::WhitepaperFields;
use crate::content::Slug;
use crate::content::blocks::{ImageSrc, markdown_to_safe_html};
use crate::content::page_form::suggest_slug;
use crate::db::JsonText;
use crate::i18n::{Lang, Languages, Localized, Messages};

pub type FormMap = HashMap<String, String>;
pub type Errors = HashMap<String, String>;

/// The most tags a whitepaper has.
const MAX_TAGS: usize = 12;

/// The form as it shows a stored whitepaper.
pub fn form_from_whitepaper(w: &Whitepaper) -> FormMap {
    let mut f = FormMap::new();
    f.insert("slug".into(), w.slug.as_str().to_owned());
    for (name, field) in [
        ("title", &w.title),
        ("summary", &w.summary),
        ("description", &w.description),
        ("preview", &w.preview),
        ("author_role", &w.author_role),
    ] {
        for (lang, text) in field.variants() {
            f.insert(format!("{name}.{lang}"), text.clone());
        }
    }
    if let Some(category) = &w.category {
        for (lang, text) in category.label.variants() {
            f.insert(format!("category.{lang}"), text.clone());
        }
    }
    let mut tags: HashMap<Lang, Vec<String>> = HashMap::new();
    for (i, tag) in w.tags.iter().enumerate() {
        for (lang, text) in tag.label.variants() {
            let lines = tags.entry(lang).or_default();
            lines.resize(i, String::new());
            lines.push(text.clone());
        }
    }
    for (lang, lines) in tags {
        f.insert(format!("tags.{lang}"), lines.join("\n"));
    }
    f.insert("author_name".into(), w.author_name.clone());
    f.insert("published_on".into(), w.published_on.to_string());
    f.insert("cover_image".into(), w.cover_image.clone());
    f.insert("page_count".into(), w.page_count.to_string());
    for (lang, media) in &w.files {
        f.insert(format!("file.{lang}"), media.to_string());
    }
    f
}

/// The form of a new whitepaper: published today.
pub fn new_form() -> FormMap {
    let today = super::model::today();
    FormMap::from([
        ("published_on".to_owned(), today.to_string()),
        ("page_count".to_owned(), "0".to_owned()),
    ])
}

/// The whitepaper the form describes, with `status`, or the errors per field. `pdfs` are the media
/// ids a file may be chosen from.
pub fn parse(
    form: &FormMap,
    languages: &Languages,
    status: WhitepaperStatus,
    pdfs: &[i64],
    ui: &Messages,
) -> Result<WhitepaperFields, Errors> {
    let mut errors = Errors::new();
    let langs = languages.all();
    let default = languages.default_lang();
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    let error = |errors: &mut Errors, field: &str, id: &str| {
        errors.insert(field.to_owned(), ui.t(id).to_owned());
    };
    let text = |name: &str, max: usize, errors: &mut Errors| {
        crate::forms::localized_text(form, langs, name, max, errors, ui)
    };
    let title = text("title", 200, &mut errors);
    if title.exact(default).is_none() {
        error(
            &mut errors,
            &format!("title.{default}"),
            "error-title-required",
        );
    }
    let summary = text("summary", 500, &mut errors);
    let description = text("description", 20_000, &mut errors);
    let mut description_html: Localized<String> = Localized::new();
    for (lang, markdown) in description.variants() {
        description_html.set(lang, markdown_to_safe_html(markdown));
    }
    let preview = text("preview", 3000, &mut errors);
    let author_role = text("author_role", 200, &mut errors);
    let author_name = get("author_name");
    if author_name.chars().count() > 100 {
        error(&mut errors, "author_name", "error-name");
    }
    let category_labels = text("category", 100, &mut errors);
    let category = keyed(&category_labels, default).map(|key| Label {
        key,
        label: category_labels.clone(),
    });
    let tags = tags(form, langs, default);
    if tags.len() > MAX_TAGS {
        error(
            &mut errors,
            &format!("tags.{default}"),
            "error-too-many-tags",
        );
    }
    let slug_text = match get("slug") {
        "" => suggest_slug(title.text(default, default)),
        typed => typed.to_owned(),
    };
    let slug = Slug::parse(&slug_text).ok();
    if slug.is_none() {
        error(&mut errors, "slug", "error-slug-invalid");
    }
    let published_on = get("published_on").parse::<jiff::civil::Date>().ok();
    if published_on.is_none() {
        error(&mut errors, "published_on", "error-date");
    }
    let cover_image = get("cover_image");
    if !cover_image.is_empty() && ImageSrc::parse(cover_image).is_err() {
        error(&mut errors, "cover_image", "error-invalid");
    }
    let page_count = match get("page_count") {
        "" => Some(0),
        typed => typed
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=10_000).contains(n)),
    };
    if page_count.is_none() {
        error(&mut errors, "page_count", "error-invalid");
    }
    let mut files = Vec::new();
    for lang in langs {
        let name = format!("file.{lang}");
        match get(&name) {
            "" => files.push((lang.to_string(), None)),
            typed => match typed.parse::<i64>().ok().filter(|id| pdfs.contains(id)) {
                Some(id) => files.push((lang.to_string(), Some(id))),
                None => error(&mut errors, &name, "error-invalid"),
            },
        }
    }
    if status == WhitepaperStatus::Published && errors.is_empty() {
        // Readers need something to ask for: a published whitepaper has a summary and a PDF.
        if summary.exact(default).is_none() {
            error(
                &mut errors,
                &format!("summary.{default}"),
                "error-whitepaper-required",
            );
        }
        if !files.iter().any(|(_, media)| media.is_some()) {
            error(
                &mut errors,
                &format!("file.{default}"),
                "error-whitepaper-required",
            );
        }
    }
    match (slug, published_on, page_count) {
        (Some(slug), Some(published_on), Some(page_count)) if errors.is_empty() => {
            Ok(WhitepaperFields {
                slug,
                title: json(&title),
                summary: json(&summary),
                description: json(&description),
                description_html: json(&description_html),
                preview: json(&preview),
                author_name: author_name.to_owned(),
                author_role: json(&author_role),
                category: category.map_or_else(|| "{}".into(), |c| json(&c)),
                tags: json(&tags),
                published_on,
                cover_image: cover_image.to_owned(),
                page_count,
                status,
                files,
            })
        }
        _ => Err(errors),
    }
}

fn json<T: serde::Serialize>(value: &T) -> JsonText {
    JsonText::of(value).unwrap_or_else(|_| "{}".into())
}

/// A key for labels: from the default language's, else the first language's that has one.
fn keyed(labels: &Localized<String>, default: Lang) -> Option<String> {
    let (_, text) = labels.resolve(default, default)?;
    Some(suggest_slug(text)).filter(|key| !key.is_empty())
}

/// The tags typed one per line per language, line by line across languages.
fn tags(form: &FormMap, langs: &[Lang], default: Lang) -> Vec<Label> {
    let lines: Vec<(Lang, Vec<&str>)> = langs
        .iter()
        .map(|lang| {
            let text = form.get(&format!("tags.{lang}")).map_or("", String::as_str);
            (*lang, text.lines().map(str::trim).collect())
        })
        .collect();
    let rows = lines.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
    let mut tags: Vec<Label> = Vec::new();
    for i in 0..rows {
        let mut label: Localized<String> = Localized::new();
        for (lang, texts) in &lines {
            if let Some(text) = texts.get(i).filter(|t| !t.is_empty()) {
                label.set(*lang, text.chars().take(60).collect());
            }
        }
        if let Some(key) = keyed(&label, default)
            && !tags.iter().any(|t| t.key == key)
        {
            tags.push(Label { key, label });
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;

    #[test]
    fn labels_become_keys_and_tags_line_up_across_languages() {
        let languages = Languages::parse("en,de").unwrap();
        let catalog = Catalog::load(&languages).unwrap();
        let ui = catalog.messages(Lang::parse("en").unwrap());
        let form = FormMap::from(
            [
                ("title.en", "Retrieval in practice"),
                ("summary.en", "What works."),
                ("category.en", "AI Engineering"),
                ("category.de", "KI-Entwicklung"),
                ("tags.en", "RAG\nEvaluation\n\nEvaluation"),
                ("tags.de", "RAG\nAuswertung"),
                ("published_on", "2026-03-05"),
                ("file.en", "7"),
                ("cover_image", "/static/img/code.svg"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        let f = parse(&form, &languages, WhitepaperStatus::Published, &[7], ui).unwrap();
        assert_eq!(f.slug.as_str(), "retrieval-in-practice");
        let category: Label = f.category.parse().unwrap();
        assert_eq!(category.key, "ai-engineering");
        let tags: Vec<Label> = f.tags.parse().unwrap();
        let keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            ["rag", "evaluation"],
            "duplicates and blank lines dropped"
        );
        assert_eq!(
            tags[1].label.exact(Lang::parse("de").unwrap()).unwrap(),
            "Auswertung"
        );
        assert_eq!(
            f.files,
            [("en".to_owned(), Some(7)), ("de".to_owned(), None)]
        );
    }

    #[test]
    fn a_published_whitepaper_needs_a_pdf_and_files_come_from_the_library() {
        let languages = Languages::parse("en,de").unwrap();
        let catalog = Catalog::load(&languages).unwrap();
        let ui = catalog.messages(Lang::parse("en").unwrap());
        let mut form = FormMap::from(
            [
                ("title.en", "A paper"),
                ("summary.en", "About it."),
                ("published_on", "2026-03-05"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        let errors = parse(&form, &languages, WhitepaperStatus::Published, &[7], ui).unwrap_err();
        assert!(errors.contains_key("file.en"), "{errors:?}");
        assert!(parse(&form, &languages, WhitepaperStatus::Draft, &[7], ui).is_ok());
        form.insert("file.de".into(), "8".into());
        form.insert("published_on".into(), "soon".into());
        form.insert(
            "cover_image".into(),
            "https://elsewhere.example/x.png".into(),
        );
        let errors = parse(&form, &languages, WhitepaperStatus::Draft, &[7], ui).unwrap_err();
        let mut fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["cover_image", "file.de", "published_on"]);
    }
}
