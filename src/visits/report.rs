//! What the dashboard reads: a period's totals, its days, and its rows by page, entry page,
//! referrer, campaign, device, browser, language and lead path, each narrowed by the rows the
//! editor chose. Periods and filters are plain values, tested without a database.
use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use sqlx::FromRow;

use crate::db::Db;
use crate::db::query::Sql;

/// What the figures can be broken down and filtered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    Page,
    Entry,
    Referrer,
    Campaign,
    UtmSource,
    UtmMedium,
    Device,
    Browser,
    Lang,
    LeadPath,
}

impl Dim {
    pub const ALL: [Dim; 10] = [
        Dim::Page,
        Dim::Entry,
        Dim::Referrer,
        Dim::Campaign,
        Dim::UtmSource,
        Dim::UtmMedium,
        Dim::Device,
        Dim::Browser,
        Dim::Lang,
        Dim::LeadPath,
    ];

    /// Its name in addresses (`?referrer=google.com`) and file names.
    pub fn key(self) -> &'static str {
        match self {
            Dim::Page => "page",
            Dim::Entry => "entry",
            Dim::Referrer => "referrer",
            Dim::Campaign => "campaign",
            Dim::UtmSource => "utm_source",
            Dim::UtmMedium => "utm_medium",
            Dim::Device => "device",
            Dim::Browser => "browser",
            Dim::Lang => "lang",
            Dim::LeadPath => "lead",
        }
    }

    pub fn of_key(key: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|dim| dim.key() == key)
    }

    /// Its column among page views (`v`, joined to profiles `p`); lead paths have none.
    fn views_column(self) -> Option<&'static str> {
        match self {
            Dim::Page => Some("v.path"),
            Dim::Lang => Some("v.lang"),
            other => other.profile_column(),
        }
    }

    /// Its column among leads (`l`, joined to profiles `p`).
    fn leads_column(self) -> &'static str {
        match self {
            Dim::Page => "l.page",
            Dim::Lang => "l.lang",
            Dim::LeadPath => "l.kind",
            other => other.profile_column().unwrap_or("l.kind"),
        }
    }

    /// Its column among visit profiles, for what a visit's first page said.
    fn profile_column(self) -> Option<&'static str> {
        Some(match self {
            Dim::Entry => "p.entry_path",
            Dim::Referrer => "p.referrer",
            Dim::Campaign => "p.utm_campaign",
            Dim::UtmSource => "p.utm_source",
            Dim::UtmMedium => "p.utm_medium",
            Dim::Device => "p.device",
            Dim::Browser => "p.browser",
            Dim::Page | Dim::Lang | Dim::LeadPath => return None,
        })
    }

    /// Campaign fields are listed only where a visit had them.
    fn skips_empty(self) -> bool {
        matches!(self, Dim::Campaign | Dim::UtmSource | Dim::UtmMedium)
    }
}

/// Days from `from` to `to`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// The longest period one page shows: three years of days.
pub const MAX_DAYS: i64 = 3 * 366;

impl Period {
    /// The period a dashboard address asks for (`period=today|7d|30d|month|range`, `month=2026-11`,
    /// `from=…&to=…`); `None` when it cannot be read.
    pub fn chosen(kind: &str, month: &str, from: &str, to: &str, today: Date) -> Option<Period> {
        let last = |days: i64| Period {
            from: today.checked_sub((days - 1).days()).unwrap_or(today),
            to: today,
        };
        match kind {
            "" | "7d" => Some(last(7)),
            "today" => Some(last(1)),
            "30d" => Some(last(30)),
            "month" => {
                let first: Date = format!("{}-01", month.trim()).parse().ok()?;
                Some(Period {
                    from: first,
                    to: first.last_of_month(),
                })
            }
            "range" => {
                let (from, to): (Date, Date) = (from.trim().parse().ok()?, to.trim().parse().ok()?);
                let period = Period { from, to };
                (from <= to && period.days() <= MAX_DAYS).then_some(period)
            }
            _ => None,
        }
    }

    pub fn days(self) -> i64 {
        i64::from((self.to - self.from).get_days()) + 1
    }

    /// The as long period just before.
    pub fn before(self) -> Period {
        let days = self.days();
        Period {
            from: self.from.checked_sub(days.days()).unwrap_or(self.from),
            to: self.from.yesterday().unwrap_or(self.from),
        }
    }

    pub fn each_day(self) -> impl Iterator<Item = Date> {
        self.from
            .series(1.day())
            .take_while(move |day| *day <= self.to)
    }
}

/// The rows the editor chose: one value per dimension at most.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters(pub BTreeMap<Dim, String>);

impl Filters {
    pub fn get(&self, dim: Dim) -> Option<&str> {
        self.0.get(&dim).map(String::as_str)
    }

    /// Visitors of a page are those who saw it; without a page chosen, each visitor is counted at
    /// their first page.
    fn visitors_sum(&self) -> &'static str {
        if self.0.contains_key(&Dim::Page) {
            "SUM(v.visitors)"
        } else {
            "SUM(v.entries)"
        }
    }
}

/// The `WHERE` of a query over page views (`leads: false`) or leads, and its values from `$1`.
fn conditions(period: Period, filters: &Filters, leads: bool) -> (String, Vec<String>) {
    let day = if leads { "l.day" } else { "v.day" };
    let mut text = format!("{day} BETWEEN $1 AND $2");
    let mut values = vec![period.from.to_string(), period.to.to_string()];
    for (dim, value) in &filters.0 {
        let column = if leads {
            Some(dim.leads_column())
        } else {
            dim.views_column()
        };
        if let Some(column) = column {
            values.push(value.clone());
            text.push_str(&format!(" AND {column} = ${}", values.len()));
        }
    }
    (text, values)
}

fn bound(text: String, values: Vec<String>) -> Sql {
    values
        .into_iter()
        .fold(Sql::assembled(text), |statement, value| {
            statement.bind(value)
        })
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub visitors: i64,
    pub views: i64,
    pub leads: i64,
}

impl Figures {
    /// Leads per hundred visitors, to one decimal; `None` without visitors.
    pub fn conversion(&self) -> Option<f64> {
        (self.visitors > 0)
            .then(|| (self.leads as f64 * 1000.0 / self.visitors as f64).round() / 10.0)
    }
}

#[derive(FromRow)]
struct Sums {
    label: String,
    visitors: Option<i64>,
    views: Option<i64>,
}

#[derive(FromRow)]
struct LeadSums {
    label: String,
    leads: Option<i64>,
}

/// The label of a group; all rows together when there is no group.
fn label_of(group: &str) -> &str {
    if group.is_empty() { "'all'" } else { group }
}

fn group_by(group: &str) -> String {
    if group.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {group}")
    }
}

/// Figures by `group` (an SQL expression over `v`/`l` and `p`, the same for both), narrowed by
/// `filters`.
async fn grouped(
    db: &Db,
    period: Period,
    filters: &Filters,
    views_group: Option<&str>,
    leads_group: &str,
    visitors_sum: &str,
) -> sqlx::Result<BTreeMap<String, Figures>> {
    let mut found: BTreeMap<String, Figures> = BTreeMap::new();
    if let Some(group) = views_group {
        let (condition, values) = conditions(period, filters, false);
        let rows: Vec<Sums> = bound(
            format!(
                "SELECT {label} AS label, CAST({visitors_sum} AS BIGINT) AS visitors, \
                 CAST(SUM(v.views) AS BIGINT) AS views \
                 FROM visit_pages v JOIN visit_profiles p ON p.id = v.profile_id \
                 WHERE {condition}{by}",
                label = label_of(group),
                by = group_by(group),
            ),
            values,
        )
        .fetch_all(db)
        .await?;
        for row in rows {
            let figures = found.entry(row.label).or_default();
            figures.visitors = row.visitors.unwrap_or(0);
            figures.views = row.views.unwrap_or(0);
        }
    }
    let (condition, values) = conditions(period, filters, true);
    let rows: Vec<LeadSums> = bound(
        format!(
            "SELECT {label} AS label, CAST(SUM(l.leads) AS BIGINT) AS leads \
             FROM visit_leads l JOIN visit_profiles p ON p.id = l.profile_id \
             WHERE {condition}{by}",
            label = label_of(leads_group),
            by = group_by(leads_group),
        ),
        values,
    )
    .fetch_all(db)
    .await?;
    for row in rows {
        found.entry(row.label).or_default().leads = row.leads.unwrap_or(0);
    }
    Ok(found)
}

/// The period's totals.
pub async fn totals(db: &Db, period: Period, filters: &Filters) -> sqlx::Result<Figures> {
    let all = grouped(db, period, filters, Some(""), "", filters.visitors_sum()).await?;
    Ok(all.into_values().next().unwrap_or_default())
}

/// Each day of the period, days without visits included.
pub async fn days(
    db: &Db,
    period: Period,
    filters: &Filters,
) -> sqlx::Result<Vec<(Date, Figures)>> {
    let found = grouped(
        db,
        period,
        filters,
        Some("v.day"),
        "l.day",
        filters.visitors_sum(),
    )
    .await?;
    Ok(period
        .each_day()
        .map(|day| {
            (
                day,
                found.get(&day.to_string()).copied().unwrap_or_default(),
            )
        })
        .collect())
}

/// One row of a breakdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub value: String,
    pub figures: Figures,
}

/// The period's figures by `dim`, most visitors first (leads, then the value, break ties).
pub async fn breakdown(
    db: &Db,
    period: Period,
    filters: &Filters,
    dim: Dim,
) -> sqlx::Result<Vec<Row>> {
    // A page's visitors are those who saw it, whatever else is chosen.
    let visitors = if dim == Dim::Page {
        "SUM(v.visitors)"
    } else {
        filters.visitors_sum()
    };
    let found = grouped(
        db,
        period,
        filters,
        dim.views_column(),
        dim.leads_column(),
        visitors,
    )
    .await?;
    let mut rows: Vec<Row> = found
        .into_iter()
        .filter(|(value, _)| !(dim.skips_empty() && value.is_empty()))
        .map(|(value, figures)| Row { value, figures })
        .collect();
    rows.sort_by(|a, b| {
        (b.figures.visitors, b.figures.leads, b.figures.views)
            .cmp(&(a.figures.visitors, a.figures.leads, a.figures.views))
            .then_with(|| a.value.cmp(&b.value))
    });
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_end_today_or_cover_what_was_asked() {
        let today = date(2026, 12, 6);
        let week = Period::chosen("7d", "", "", "", today).unwrap();
        assert_eq!(
            (week.from, week.to, week.days()),
            (date(2026, 11, 30), today, 7)
        );
        assert_eq!(
            Period::chosen("today", "", "", "", today).unwrap().days(),
            1
        );
        let november = Period::chosen("month", "2026-11", "", "", today).unwrap();
        assert_eq!(
            (november.from, november.to),
            (date(2026, 11, 1), date(2026, 11, 30))
        );
        let range = Period::chosen("range", "", "2026-10-01", "2026-10-10", today).unwrap();
        assert_eq!(range.days(), 10);
        assert_eq!(
            Period::chosen("range", "", "2026-10-10", "2026-10-01", today),
            None
        );
        assert_eq!(Period::chosen("range", "", "soon", "later", today), None);
        assert_eq!(Period::chosen("month", "2026-13", "", "", today), None);
        assert_eq!(Period::chosen("fortnight", "", "", "", today), None);
        assert_eq!(
            Period::chosen("range", "", "2000-01-01", "2026-01-01", today),
            None
        );
    }

    #[test]
    fn the_period_before_is_as_long_and_ends_the_day_before() {
        let november = Period {
            from: date(2026, 11, 1),
            to: date(2026, 11, 30),
        };
        let before = november.before();
        assert_eq!(
            (before.from, before.to),
            (date(2026, 10, 2), date(2026, 10, 31))
        );
        assert_eq!(november.each_day().count(), 30);
    }

    #[test]
    fn filters_become_bound_conditions_on_their_own_columns() {
        let mut filters = Filters::default();
        filters.0.insert(Dim::Referrer, "google.com".into());
        filters.0.insert(Dim::LeadPath, "booking".into());
        let period = Period {
            from: date(2026, 12, 1),
            to: date(2026, 12, 6),
        };
        let (views, values) = conditions(period, &filters, false);
        assert_eq!(views, "v.day BETWEEN $1 AND $2 AND p.referrer = $3");
        assert_eq!(values, ["2026-12-01", "2026-12-06", "google.com"]);
        let (leads, values) = conditions(period, &filters, true);
        assert_eq!(
            leads,
            "l.day BETWEEN $1 AND $2 AND p.referrer = $3 AND l.kind = $4"
        );
        assert_eq!(values.len(), 4);
    }

    #[test]
    fn conversion_is_leads_per_hundred_visitors() {
        let figures = Figures {
            visitors: 3,
            views: 9,
            leads: 1,
        };
        assert_eq!(figures.conversion(), Some(33.3));
        assert_eq!(Figures::default().conversion(), None);
    }
}
