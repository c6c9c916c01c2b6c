//! The issue editor's page: the form's fields made from an issue (or from what was typed), the
//! choices its blocks offer, and the report once it is sent.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::delivery_store;
use super::model::{Issue, MAX_BLOCKS, MailBlock, Report, Texts};
use crate::error::AppError;
use crate::i18n::{Lang, Messages};
use crate::web::admin_layout::{AdminLayout, Section, person_lang, user_zone};
use crate::web::auth::CurrentUser;
use crate::web::private_html;
use crate::web::state::AppState;

/// A field of the editor.
pub struct Field {
    pub name: String,
    pub id: String,
    pub label: String,
    pub lang: Option<Lang>,
    pub value: String,
    pub kind: FieldKind,
    pub error: Option<String>,
    pub help: Option<String>,
}

pub enum FieldKind {
    Line,
    Url,
    Area,
    /// value, label
    Select(Vec<(String, String)>),
    Check,
}

/// A block of the editor.
pub struct BlockForm {
    pub index: usize,
    pub kind: &'static str,
    pub label: String,
    pub fields: Vec<Field>,
    pub last: bool,
}

#[derive(Template)]
#[template(path = "admin/newsletter_issue.html")]
pub struct EditorPage<'a> {
    pub layout: AdminLayout<'a>,
    pub issue: Issue,
    pub subject: String,
    pub langs: Vec<(Lang, String)>,
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
    pub blocks: Vec<BlockForm>,
    pub kinds: Vec<(&'static str, String)>,
    pub report: Option<Report>,
    pub problems: Vec<(String, String, String)>,
    pub may_send: bool,
    pub may_review: bool,
    /// Editors and admins delete any draft, an author their own.
    pub may_delete: bool,
    pub send_at_value: String,
    pub zone_name: String,
    pub send_at_text: String,
    pub own_email: String,
}

impl EditorPage<'_> {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn error(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    fn status_label(&self) -> &str {
        self.layout.t(self.issue.status.label_id())
    }

    fn editable(&self) -> bool {
        self.issue.status.is_editable()
    }

    fn is(&self, status: &str) -> bool {
        self.issue.status.as_str() == status
    }
}

/// The form's values of a stored issue, named as the form names them.
pub fn values_of(issue: &Issue) -> HashMap<String, String> {
    let mut v = HashMap::new();
    for (lang, t) in &issue.subject {
        v.insert(format!("subject.{lang}"), t.clone());
    }
    for (lang, t) in &issue.preheader {
        v.insert(format!("preheader.{lang}"), t.clone());
    }
    v.insert(
        "audience".to_owned(),
        issue.audience.clone().unwrap_or_else(|| "all".to_owned()),
    );
    v.insert("blocks".to_owned(), issue.blocks.len().to_string());
    for (i, block) in issue.blocks.iter().enumerate() {
        v.insert(format!("b{i}.kind"), block.kind().to_owned());
        let mut texts = |name: &str, texts: &Texts| {
            for (lang, t) in texts {
                v.insert(format!("b{i}.{name}.{lang}"), t.clone());
            }
        };
        match block {
            MailBlock::Heading { text } => texts("text", text),
            MailBlock::Text { markdown } => texts("markdown", markdown),
            MailBlock::Image { media_id, alt } => {
                texts("alt", alt);
                if let Some(id) = media_id {
                    v.insert(format!("b{i}.media_id"), id.to_string());
                }
            }
            MailBlock::Button { label, url } => {
                texts("label", label);
                texts("url", url);
            }
            MailBlock::Divider => {}
            MailBlock::Article { article_id, full } => {
                if let Some(id) = article_id {
                    v.insert(format!("b{i}.article_id"), id.to_string());
                }
                if *full {
                    v.insert(format!("b{i}.full"), "yes".to_owned());
                }
            }
            MailBlock::Webinar { path } | MailBlock::Whitepaper { path } => {
                v.insert(format!("b{i}.path"), path.clone());
            }
        }
    }
    v
}

/// What the editor offers to choose from.
pub struct Choices {
    images: Vec<(String, String)>,
    articles: Vec<(String, String)>,
    webinars: Vec<(String, String)>,
    whitepapers: Vec<(String, String)>,
}

impl Choices {
    /// Whether `value` is one of the choices for a block of `kind`.
    pub fn knows(&self, kind: &str, value: &str) -> bool {
        let list = match kind {
            "image" => &self.images,
            "article" => &self.articles,
            "webinar" => &self.webinars,
            _ => &self.whitepapers,
        };
        list.iter().any(|(v, _)| v == value)
    }
}

pub async fn choices(state: &AppState, lang: Lang) -> anyhow::Result<Choices> {
    let default = state.config.languages.default_lang();
    let images = crate::media::store::list(&state.db)
        .await?
        .into_iter()
        .filter(|m| m.is_image() && !m.gated)
        .map(|m| (m.id.to_string(), m.original_name))
        .collect();
    let index = crate::content::articles::current(state);
    let articles = index
        .articles
        .iter()
        .map(|a| (a.id.to_string(), a.title.text(lang, default).to_owned()))
        .collect();
    let teasers = |name: &str| {
        state
            .teasers(name)
            .iter()
            .map(|t| (t.path.clone(), t.title.text(lang, default).to_owned()))
            .collect()
    };
    Ok(Choices {
        images,
        articles,
        webinars: teasers(crate::webinars::TEASERS),
        whitepapers: teasers(crate::whitepapers::TEASERS),
    })
}

fn block_forms(
    values: &HashMap<String, String>,
    errors: &HashMap<String, String>,
    langs: &[(Lang, String)],
    ui: &Messages,
    choices: &Choices,
) -> Vec<BlockForm> {
    let count = values
        .get("blocks")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BLOCKS);
    let mut blocks = Vec::new();
    for i in 0..count {
        let Some(kind) = values
            .get(&format!("b{i}.kind"))
            .and_then(|k| MailBlock::KINDS.iter().find(|known| *known == k))
        else {
            continue;
        };
        let field = |name: &str, lang: Option<Lang>, label: &str, kind: FieldKind| {
            let full = match lang {
                Some(l) => format!("b{i}.{name}.{l}"),
                None => format!("b{i}.{name}"),
            };
            Field {
                id: full.replace('.', "-"),
                value: values.get(&full).cloned().unwrap_or_default(),
                error: errors.get(&full).cloned(),
                name: full,
                label: match lang {
                    Some(l) => format!(
                        "{} ({})",
                        ui.t(label),
                        langs.iter().find(|(x, _)| *x == l).map_or("", |(_, n)| n)
                    ),
                    None => ui.t(label).to_owned(),
                },
                lang,
                kind,
                help: None,
            }
        };
        let per_lang = |name: &str, label: &str, kind: fn() -> FieldKind| -> Vec<Field> {
            langs
                .iter()
                .map(|(l, _)| field(name, Some(*l), label, kind()))
                .collect()
        };
        let select = |options: &Vec<(String, String)>| {
            let mut all = vec![(String::new(), ui.t("issue-choose").to_owned())];
            all.extend(options.iter().cloned());
            FieldKind::Select(all)
        };
        let fields = match *kind {
            "heading" => per_lang("text", "mail-field-heading", || FieldKind::Line),
            "text" => {
                let mut f = per_lang("markdown", "mail-field-text", || FieldKind::Area);
                if let Some(first) = f.first_mut() {
                    first.help = Some(ui.t("mail-field-text-help").to_owned());
                }
                f
            }
            "image" => {
                let mut f = vec![field(
                    "media_id",
                    None,
                    "mail-field-image",
                    select(&choices.images),
                )];
                f.extend(per_lang("alt", "mail-field-alt", || FieldKind::Line));
                f
            }
            "button" => {
                let mut f = per_lang("label", "mail-field-button-label", || FieldKind::Line);
                f.extend(per_lang("url", "mail-field-button-url", || FieldKind::Url));
                f
            }
            "article" => vec![
                field(
                    "article_id",
                    None,
                    "mail-field-article",
                    select(&choices.articles),
                ),
                field("full", None, "mail-field-full-text", FieldKind::Check),
            ],
            "webinar" => vec![field(
                "path",
                None,
                "mail-field-webinar",
                select(&choices.webinars),
            )],
            "whitepaper" => vec![field(
                "path",
                None,
                "mail-field-whitepaper",
                select(&choices.whitepapers),
            )],
            _ => Vec::new(),
        };
        blocks.push(BlockForm {
            index: i,
            kind,
            label: ui.t(MailBlock::label_id(kind)).to_owned(),
            fields,
            last: i + 1 == count,
        });
    }
    blocks
}

/// The editor (or, once it is sending or sent, the report) of an issue.
#[allow(clippy::too_many_arguments)]
pub async fn editor_page(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    state: &AppState,
    issue: Issue,
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = person_lang(req, state, Some(&user.user));
    let ui = state.catalog.messages(lang);
    let default = state.config.languages.default_lang();
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        Some(session),
        Section::Newsletter,
    );
    let langs: Vec<(Lang, String)> = layout
        .languages
        .iter()
        .map(|(l, name, _)| (*l, name.clone()))
        .collect();
    let choices = choices(state, lang).await?;
    let blocks = block_forms(&values, &errors, &langs, ui, &choices);
    let kinds = MailBlock::KINDS
        .iter()
        .map(|k| (*k, ui.t(MailBlock::label_id(k)).to_owned()))
        .collect();
    let (report, problems) = if issue.started_at.is_some() {
        (
            Some(delivery_store::report(&state.db, issue.id).await?),
            delivery_store::problems(&state.db, issue.id, 50).await?,
        )
    } else {
        (None, Vec::new())
    };
    let review_required = crate::content::review::store::required(&state.db).await?;
    let (zone, zone_name) = user_zone(state, Some(&user.user));
    let send_at_value = values.get("send_at").cloned().unwrap_or_else(|| {
        issue
            .send_at
            .map(|t| crate::zones::to_input(t.into(), &zone))
            .unwrap_or_default()
    });
    let send_at_text = issue
        .send_at
        .map(|t| crate::zones::show(t.into(), &zone))
        .unwrap_or_default();
    let view = EditorPage {
        subject: issue.subject_in(lang, default).to_owned(),
        may_send: user.user.may_publish(review_required),
        may_review: user.user.is_reviewer()
            && (user.user.is_admin() || issue.submitted_by != Some(user.user.id)),
        may_delete: user.user.is_reviewer() || issue.created_by == Some(user.user.id),
        own_email: user.user.email.as_str().to_owned(),
        layout,
        issue,
        langs,
        values,
        errors,
        blocks,
        kinds,
        report,
        problems,
        send_at_value,
        zone_name,
        send_at_text,
    };
    Ok(private_html(status, view.render()?))
}
