//! `AdminLayout`: the admin panel's frame (navigation, signed-in user, language, flash message),
//! resolved before the template sees it; and the admin language, remembered in the `lang` cookie.
use actix_session::Session;
use actix_web::HttpRequest;
use actix_web::http::header;

use crate::i18n::{LANG_COOKIE, Lang, Messages, negotiate};
use crate::users::User;
use crate::web::state::AppState;

const FLASH: &str = "flash";

/// Which section of the admin panel is open.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    None,
    Dashboard,
    Analytics,
    Pages,
    Articles,
    Translations,
    Review,
    Redirects,
    Media,
    Bookings,
    Webinars,
    Whitepapers,
    Inbox,
    Leads,
    Messages,
    People,
    Subscribers,
    Newsletter,
    Outbox,
    Webhooks,
    Consultants,
    Users,
    Audit,
}

pub struct AdminLayout<'a> {
    pub lang: Lang,
    pub ui: &'a Messages,
    pub site_name: &'a str,
    pub user: Option<&'a User>,
    /// The session's CSRF token, for the forms of the page (the logout button among them).
    pub csrf_token: &'a str,
    pub flash: Option<String>,
    pub section: Section,
    pub css_href: &'a str,
    /// Each language of the site, its name in the admin's language, and whether it is the admin's.
    pub languages: Vec<(Lang, String, bool)>,
    catalog: &'a crate::i18n::Catalog,
    pub here: String,
    /// The zone every time on the page is shown in: the person's, else the site's.
    pub zone: jiff::tz::TimeZone,
    pub zone_name: String,
}

impl<'a> AdminLayout<'a> {
    /// A time zone as people read it: "Berlin (UTC+1)", "Wien (UTC+1)".
    pub fn zone_label(&self, name: &str) -> String {
        crate::zones::label(name, self.ui)
    }

    pub fn new(
        req: &HttpRequest,
        state: &'a AppState,
        user: Option<&'a User>,
        csrf_token: &'a str,
        session: Option<&Session>,
        section: Section,
    ) -> AdminLayout<'a> {
        let lang = person_lang(req, state, user);
        let (zone, zone_name) = user_zone(state, user);
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        };
        AdminLayout {
            lang,
            ui: state.catalog.messages(lang),
            catalog: &state.catalog,
            site_name: &state.config.site_name,
            user,
            csrf_token,
            flash: session.and_then(take_flash),
            section,
            css_href: state.assets.href("admin.css"),
            languages: state
                .config
                .languages
                .all()
                .iter()
                .map(|l| {
                    (
                        *l,
                        state.catalog.messages(lang).language_name(*l),
                        *l == lang,
                    )
                })
                .collect(),
            here,
            zone,
            zone_name,
        }
    }

    /// A stored UTC time (`2026-12-02T19:19:41Z`) as this person reads it: `2026-12-02 20:19 CET`.
    pub fn when(&self, utc: impl std::fmt::Display) -> String {
        crate::zones::show_text(&utc.to_string(), &self.zone)
    }

    pub fn t(&self, id: &'a str) -> &'a str {
        self.ui.t(id)
    }

    /// A UI string with one argument (`{ $name }` in the Fluent message): a count for plurals, a
    /// language's name, so no template glues words together.
    pub fn t_with(&self, id: &str, name: &str, value: &str) -> String {
        self.ui.t_args(id, &[(name, value.to_owned().into())])
    }

    /// A UI string with a number `{ $count }`, whose plural form Fluent chooses.
    pub fn t_count<N: Copy + TryInto<i64>>(&self, id: &str, count: &N) -> String {
        let count: i64 = (*count).try_into().unwrap_or(i64::MAX);
        self.ui.t_args(id, &[("count", count.into())])
    }

    /// `lang`'s name in itself, as the language switcher offers it.
    pub fn native_name(&self, lang: &Lang) -> &'a str {
        self.catalog.messages(*lang).t("language-name")
    }

    pub fn is(&self, section: Section) -> bool {
        self.section == section
    }

    /// Whether the page belongs to the navigation's group `group` (`content`, `leads`, `people`,
    /// `settings`): that group's links stand open as the second row.
    pub fn in_group(&self, group: &str) -> bool {
        use Section::*;
        let of = match self.section {
            Pages | Articles | Newsletter | Translations | Review | Redirects | Media => "content",
            Inbox | Bookings | Webinars | Whitepapers | Leads | Messages => "leads",
            People | Subscribers => "people",
            Outbox | Webhooks | Consultants | Users | Audit => "settings",
            None | Dashboard | Analytics => "",
        };
        of == group
    }

    pub fn is_admin(&self) -> bool {
        self.user.is_some_and(User::is_admin)
    }

    /// Editors and admins: everyone but authors, who see only pages, media and their reviews.
    pub fn is_reviewer(&self) -> bool {
        self.user.is_some_and(User::is_reviewer)
    }
}

/// The time zone `user` sees and types times in (the site's when they chose none), with its name.
pub fn user_zone(state: &AppState, user: Option<&User>) -> (jiff::tz::TimeZone, String) {
    let own = user
        .and_then(|u| u.time_zone.as_deref())
        .and_then(|name| crate::zones::zone(name).map(|z| (z, name.to_owned())));
    own.unwrap_or_else(|| {
        let name = state.config.timezone.clone();
        (
            crate::zones::zone(&name).unwrap_or(jiff::tz::TimeZone::UTC),
            name,
        )
    })
}

/// The language a signed-in person's admin speaks: one switched to in this browser wins, else the
/// person's own, else the browser's.
pub fn person_lang(req: &HttpRequest, state: &AppState, user: Option<&User>) -> Lang {
    match (
        req.cookie(LANG_COOKIE),
        user.and_then(|u| u.language.as_deref()),
    ) {
        (None, Some(own)) => state
            .config
            .languages
            .find(own)
            .unwrap_or_else(|| admin_lang(req, state)),
        _ => admin_lang(req, state),
    }
}

/// The editor's language: the `lang` cookie, else the browser's, else the site's default.
pub fn admin_lang(req: &HttpRequest, state: &AppState) -> Lang {
    let cookie = req.cookie(LANG_COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    negotiate(
        cookie.as_ref().map(|c| c.value()),
        accept,
        &state.config.languages,
    )
}

/// A message shown once, on the next admin page (after a redirect).
pub fn flash(session: &Session, message: &str) {
    let _ = session.insert(FLASH, message);
}

fn take_flash(session: &Session) -> Option<String> {
    session.remove_as::<String>(FLASH).and_then(Result::ok)
}
