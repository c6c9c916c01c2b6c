//! `/admin/analytics` (editors and admins): visitors, page views, leads and conversion for a
//! period against the one before, the days as a chart and a table, and the rows by page, entry
//! page, referrer, campaign, device, browser, language and lead path; choosing a row narrows
//! everything to it. `/admin/analytics.csv` gives any of those tables as a spreadsheet.
use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::chart::{self, Chart};
use super::report::{self, Dim, Figures, Filters, Period, Row};
use crate::error::AppError;
use crate::i18n::{Lang, Messages};
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::state::AppState;

/// Rows shown per table; the CSV has them all.
const SHOWN_ROWS: usize = 10;

/// The tables of the page, in order.
const TABLES: [Dim; 9] = [
    Dim::Page,
    Dim::Entry,
    Dim::Referrer,
    Dim::Campaign,
    Dim::UtmSource,
    Dim::Device,
    Dim::Browser,
    Dim::Lang,
    Dim::LeadPath,
];

/// A dashboard address's choices: the period and the chosen rows.
struct Choice {
    kind: String,
    month: String,
    from: String,
    to: String,
    period: Period,
    filters: Filters,
    /// The period could not be read; the last seven days are shown instead.
    unreadable: bool,
}

impl Choice {
    fn of(query: &HashMap<String, String>, today: jiff::civil::Date) -> Choice {
        let get = |key: &str| {
            query
                .get(key)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let (kind, month, from, to) = (get("period"), get("month"), get("from"), get("to"));
        let chosen = Period::chosen(&kind, &month, &from, &to, today);
        let mut filters = Filters::default();
        for dim in Dim::ALL {
            if let Some(value) = query.get(dim.key()) {
                filters.0.insert(dim, value.chars().take(300).collect());
            }
        }
        let fallback = Period::chosen("7d", "", "", "", today).unwrap_or(Period {
            from: today,
            to: today,
        });
        Choice {
            unreadable: chosen.is_none(),
            period: chosen.unwrap_or(fallback),
            kind: if chosen.is_some() { kind } else { "7d".into() },
            month,
            from,
            to,
            filters,
        }
    }

    /// The address's query with the period and the chosen rows, `change` applied.
    fn query(&self, change: Option<(Dim, Option<&str>)>) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![("period", self.kind.as_str())];
        match self.kind.as_str() {
            "month" => pairs.push(("month", &self.month)),
            "range" => pairs.extend([("from", self.from.as_str()), ("to", self.to.as_str())]),
            _ => {}
        }
        let mut filters = self.filters.0.clone();
        if let Some((dim, value)) = change {
            match value {
                Some(value) => filters.insert(dim, value.to_owned()),
                None => filters.remove(&dim),
            };
        }
        for (dim, value) in &filters {
            pairs.push((dim.key(), value));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

pub struct Card {
    pub label: &'static str,
    pub value: String,
    pub before: String,
    /// "+12 %", "−3 %", or empty when there is nothing to compare with.
    pub change: String,
    pub trend: &'static str,
}

pub struct TableRow {
    pub label: String,
    pub href: String,
    pub chosen: bool,
    pub visitors: i64,
    pub views: i64,
    pub leads: i64,
    pub conversion: String,
}

pub struct Table {
    pub key: &'static str,
    pub title: &'static str,
    pub rows: Vec<TableRow>,
    pub more: usize,
    pub csv_href: String,
    /// Lead paths have no visitors or page views of their own.
    pub leads_only: bool,
}

pub struct DayRow {
    pub day: String,
    pub label: String,
    pub figures: Figures,
    pub conversion: String,
}

pub struct ChosenRow {
    pub what: &'static str,
    pub value: String,
    pub remove_href: String,
}

#[derive(Template)]
#[template(path = "admin/analytics.html")]
struct AnalyticsPage<'a> {
    layout: AdminLayout<'a>,
    kind: String,
    month: String,
    from: String,
    to: String,
    period_label: String,
    unreadable: bool,
    counting_off: bool,
    cards: Vec<Card>,
    chart: Chart,
    chart_width: f64,
    chart_height: f64,
    days: Vec<DayRow>,
    tables: Vec<Table>,
    chosen: Vec<ChosenRow>,
    /// The chosen rows, kept when another period is asked for.
    keep: Vec<(&'static str, String)>,
    days_csv_href: String,
}

/// A number with one decimal, as `lang` writes it.
fn decimal(value: f64, lang: Lang) -> String {
    let text = format!("{value:.1}");
    if lang.as_str() == "de" {
        text.replace('.', ",")
    } else {
        text
    }
}

fn percent(value: Option<f64>, lang: Lang) -> String {
    match value {
        Some(value) => format!("{} %", decimal(value, lang)),
        None => "–".into(),
    }
}

fn change(now: i64, before: i64) -> (String, &'static str) {
    if before == 0 {
        return (String::new(), "same");
    }
    let change = ((now - before) as f64 * 100.0 / before as f64).round() as i64;
    match change {
        0 => ("±0 %".into(), "same"),
        c if c > 0 => (format!("+{c} %"), "up"),
        c => (format!("−{} %", c.abs()), "down"),
    }
}

/// Visitors, page views, leads and conversion, each against the period before.
fn cards(now: Figures, before: Figures, lang: Lang) -> Vec<Card> {
    let card = |label, now: i64, before: i64| {
        let (change, trend) = change(now, before);
        Card {
            label,
            value: now.to_string(),
            before: before.to_string(),
            change,
            trend,
        }
    };
    let (value, was) = (now.conversion(), before.conversion());
    let (change, trend) = match (value, was) {
        (Some(v), Some(w)) if (v - w).abs() < 0.05 => ("±0".into(), "same"),
        (Some(v), Some(w)) if v > w => (format!("+{}", decimal(v - w, lang)), "up"),
        (Some(v), Some(w)) => (format!("−{}", decimal(w - v, lang)), "down"),
        _ => (String::new(), "same"),
    };
    vec![
        card("analytics-visitors", now.visitors, before.visitors),
        card("analytics-views", now.views, before.views),
        card("analytics-leads", now.leads, before.leads),
        Card {
            label: "analytics-conversion",
            value: percent(value, lang),
            before: percent(was, lang),
            change,
            trend,
        },
    ]
}

/// The last seven days at a glance, for the admin's dashboard.
pub async fn last_week(state: &AppState, lang: Lang) -> Result<Vec<Card>, AppError> {
    let choice = Choice::of(&HashMap::new(), today(state));
    let (now, before, _) = read(state, &choice).await?;
    Ok(cards(now, before, lang))
}

fn dim_title(dim: Dim) -> &'static str {
    match dim {
        Dim::Page => "analytics-pages",
        Dim::Entry => "analytics-entry-pages",
        Dim::Referrer => "analytics-referrers",
        Dim::Campaign => "analytics-campaigns",
        Dim::UtmSource => "analytics-utm-sources",
        Dim::UtmMedium => "analytics-utm-media",
        Dim::Device => "analytics-devices",
        Dim::Browser => "analytics-browsers",
        Dim::Lang => "analytics-languages",
        Dim::LeadPath => "analytics-lead-paths",
    }
}

/// A row's value as the admin reads it.
fn value_label(dim: Dim, value: &str, ui: &Messages, state: &AppState) -> String {
    match (dim, value) {
        (Dim::Referrer, "") => ui.t("analytics-direct").to_owned(),
        (Dim::Entry | Dim::Page, "") => ui.t("analytics-unknown").to_owned(),
        (_, super::counter::OTHER) => ui.t("analytics-other").to_owned(),
        (Dim::Device, "") | (Dim::Browser, "") => ui.t("analytics-unknown").to_owned(),
        (Dim::Device, key) => ui.t(&format!("analytics-device-{key}")).to_owned(),
        (Dim::Browser, "other") => ui.t("analytics-other").to_owned(),
        (Dim::Lang, code) => state
            .config
            .languages
            .find(code)
            .map_or_else(|| code.to_owned(), |lang| ui.language_name(lang)),
        (Dim::LeadPath, key) => ui.t(&format!("analytics-lead-{key}")).to_owned(),
        (_, value) => value.to_owned(),
    }
}

/// Writes what this instance counted in the last seconds, so the figures read next hold it too.
async fn write_counted(state: &AppState) {
    if let Some(counter) = super::counter(state) {
        counter.write(&state.db).await;
    }
}

async fn read(
    state: &AppState,
    choice: &Choice,
) -> Result<(Figures, Figures, Vec<(jiff::civil::Date, Figures)>), AppError> {
    write_counted(state).await;
    let db = &state.db;
    let now = report::totals(db, choice.period, &choice.filters).await?;
    let before = report::totals(db, choice.period.before(), &choice.filters).await?;
    let days = report::days(db, choice.period, &choice.filters).await?;
    Ok((now, before, days))
}

fn short_day(day: jiff::civil::Date, lang: Lang) -> String {
    match lang.as_str() {
        "de" => format!("{:02}.{:02}.", day.day(), day.month()),
        _ => format!("{}/{}", day.month(), day.day()),
    }
}

fn long_day(day: jiff::civil::Date, lang: Lang) -> String {
    match time::Date::from_calendar_date(
        i32::from(day.year()),
        time::Month::try_from(day.month() as u8).unwrap_or(time::Month::January),
        day.day() as u8,
    ) {
        Ok(date) => crate::i18n::format_date(date, lang),
        Err(_) => day.to_string(),
    }
}

/// GET `/admin/analytics`.
pub async fn dashboard(
    req: HttpRequest,
    query: web::Query<HashMap<String, String>>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let today = today(&state);
    let choice = Choice::of(&query, today);
    let (now, before, days) = read(&state, &choice).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        None,
        Section::Analytics,
    );
    let ui = layout.ui;
    let lang = layout.lang;
    let cards = cards(now, before, lang);
    let titles: Vec<String> = days
        .iter()
        .map(|(day, f)| {
            format!(
                "{}: {} {}, {} {}, {} {}",
                long_day(*day, lang),
                f.visitors,
                ui.t("analytics-visitors"),
                f.views,
                ui.t("analytics-views"),
                f.leads,
                ui.t("analytics-leads")
            )
        })
        .collect();
    let labelled: Vec<(String, Figures)> = days
        .iter()
        .map(|(day, f)| (short_day(*day, lang), *f))
        .collect();
    let chart = chart::draw(&labelled, &titles);
    let days: Vec<DayRow> = days
        .into_iter()
        .map(|(day, figures)| DayRow {
            day: day.to_string(),
            label: long_day(day, lang),
            conversion: percent(figures.conversion(), lang),
            figures,
        })
        .collect();
    let mut tables = Vec::new();
    for dim in TABLES {
        let rows = report::breakdown(&state.db, choice.period, &choice.filters, dim).await?;
        tables.push(table(&state, &choice, dim, rows, ui, lang));
    }
    let chosen = choice
        .filters
        .0
        .iter()
        .map(|(dim, value)| ChosenRow {
            what: dim_title(*dim),
            value: value_label(*dim, value, ui, &state),
            remove_href: format!("/admin/analytics?{}", choice.query(Some((*dim, None)))),
        })
        .collect();
    let page = AnalyticsPage {
        period_label: format!(
            "{} – {}",
            long_day(choice.period.from, lang),
            long_day(choice.period.to, lang)
        ),
        kind: choice.kind.clone(),
        month: if choice.month.is_empty() {
            format!("{}-{:02}", today.year(), today.month())
        } else {
            choice.month.clone()
        },
        from: if choice.from.is_empty() {
            choice.period.from.to_string()
        } else {
            choice.from.clone()
        },
        to: if choice.to.is_empty() {
            choice.period.to.to_string()
        } else {
            choice.to.clone()
        },
        unreadable: choice.unreadable,
        counting_off: super::counter(&state).is_none(),
        cards,
        chart,
        chart_width: chart::WIDTH,
        chart_height: chart::HEIGHT,
        days,
        tables,
        chosen,
        keep: choice
            .filters
            .0
            .iter()
            .map(|(dim, value)| (dim.key(), value.clone()))
            .collect(),
        days_csv_href: format!("/admin/analytics.csv?table=days&{}", choice.query(None)),
        layout,
    };
    Ok(html(StatusCode::OK, page.render()?))
}

fn table(
    state: &AppState,
    choice: &Choice,
    dim: Dim,
    rows: Vec<Row>,
    ui: &Messages,
    lang: Lang,
) -> Table {
    let more = rows.len().saturating_sub(SHOWN_ROWS);
    let chosen = choice.filters.get(dim).map(str::to_owned);
    Table {
        key: dim.key(),
        title: dim_title(dim),
        more,
        csv_href: format!(
            "/admin/analytics.csv?table={}&{}",
            dim.key(),
            choice.query(None)
        ),
        leads_only: dim == Dim::LeadPath,
        rows: rows
            .into_iter()
            .take(SHOWN_ROWS)
            .map(|row| TableRow {
                label: value_label(dim, &row.value, ui, state),
                href: format!(
                    "/admin/analytics?{}",
                    choice.query(Some((dim, Some(&row.value))))
                ),
                chosen: chosen.as_deref() == Some(row.value.as_str()),
                visitors: row.figures.visitors,
                views: row.figures.views,
                leads: row.figures.leads,
                conversion: percent(row.figures.conversion(), lang),
            })
            .collect(),
    }
}

fn today(state: &AppState) -> jiff::civil::Date {
    match super::counter(state) {
        Some(counter) => counter.today(),
        None => {
            let zone =
                jiff::tz::TimeZone::get(&state.config.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
            zone.to_datetime(jiff::Timestamp::now()).date()
        }
    }
}

/// GET `/admin/analytics.csv?table=days|page|entry|…` with the dashboard's period and rows.
pub async fn csv(
    query: web::Query<HashMap<String, String>>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let choice = Choice::of(&query, today(&state));
    if choice.unreadable {
        return Err(AppError::BadRequest("period".into()));
    }
    let table = query.get("table").map(String::as_str).unwrap_or("days");
    let header = ["visitors", "page_views", "leads", "conversion_percent"];
    let line = |first: String, f: &Figures| {
        vec![
            first,
            f.visitors.to_string(),
            f.views.to_string(),
            f.leads.to_string(),
            f.conversion()
                .map(|c| format!("{c:.1}"))
                .unwrap_or_default(),
        ]
    };
    write_counted(&state).await;
    let (first, lines): (&str, Vec<Vec<String>>) = if table == "days" {
        let days = report::days(&state.db, choice.period, &choice.filters).await?;
        (
            "day",
            days.iter()
                .map(|(day, f)| line(day.to_string(), f))
                .collect(),
        )
    } else {
        let dim = Dim::of_key(table).ok_or_else(|| AppError::BadRequest("table".into()))?;
        let rows = report::breakdown(&state.db, choice.period, &choice.filters, dim).await?;
        (
            dim.key(),
            rows.iter()
                .map(|row| line(row.value.clone(), &row.figures))
                .collect(),
        )
    };
    let mut head = vec![first];
    head.extend(header);
    let text = crate::web::export::csv_text(&head, &lines).map_err(AppError::Internal)?;
    Ok(crate::web::export::csv_download(
        &format!(
            "visits-{table}-{}-{}.csv",
            choice.period.from, choice.period.to
        ),
        text,
    ))
}
