//! The dashboard's chart, drawn on the server: visitors per day as bars, page views as a line, in
//! a fixed coordinate space the template scales to its width. Only numbers are computed here; the
//! template writes the SVG (so every text in it is escaped like any other).
use super::report::Figures;

pub const WIDTH: f64 = 720.0;
pub const HEIGHT: f64 = 260.0;
/// Room for the axis labels: left of the plot and below it.
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 34.0;
const TOP: f64 = 24.0;

pub struct Bar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// What a pointer over the bar shows (the day and its figures).
    pub title: String,
}

pub struct Tick {
    pub x: String,
    pub y: String,
    pub label: String,
}

pub struct Chart {
    pub bars: Vec<Bar>,
    /// The page views line, as SVG `points`.
    pub views_line: String,
    /// Dots where a day had leads.
    pub lead_dots: Vec<(String, String)>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub baseline_y: String,
    pub plot_left: String,
    pub plot_right: String,
}

fn at(value: f64) -> String {
    format!("{value:.1}")
}

/// A round top for the scale (1, 2 or 5 times a power of ten) at least `max`.
fn nice_top(max: i64) -> i64 {
    let max = max.max(1);
    let mut step = 1i64;
    loop {
        for factor in [1, 2, 5] {
            if step.saturating_mul(factor) >= max {
                return step.saturating_mul(factor);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// The chart of `days` (label and figures each), `titles[i]` the text for day `i`.
pub fn draw(days: &[(String, Figures)], titles: &[String]) -> Chart {
    let top = nice_top(
        days.iter()
            .map(|(_, f)| f.views.max(f.visitors))
            .max()
            .unwrap_or(0),
    );
    let plot_width = WIDTH - LEFT - 8.0;
    let plot_height = HEIGHT - BOTTOM - TOP;
    let slot = plot_width / days.len().max(1) as f64;
    let y_of = |value: i64| TOP + plot_height * (1.0 - value as f64 / top as f64);
    let mut bars = Vec::with_capacity(days.len());
    let mut points = Vec::with_capacity(days.len());
    let mut lead_dots = Vec::new();
    for (i, (_, figures)) in days.iter().enumerate() {
        let x = LEFT + slot * i as f64;
        let y = y_of(figures.visitors);
        bars.push(Bar {
            x: at(x + slot * 0.15),
            y: at(y),
            width: at((slot * 0.7).max(1.0)),
            height: at(TOP + plot_height - y),
            title: titles.get(i).cloned().unwrap_or_default(),
        });
        let middle = x + slot / 2.0;
        points.push(format!("{},{}", at(middle), at(y_of(figures.views))));
        if figures.leads > 0 {
            lead_dots.push((at(middle), at(y_of(figures.leads))));
        }
    }
    // Labels under the first, middle and last day (all of them for a week or less).
    let every = if days.len() <= 7 {
        1
    } else {
        (days.len() - 1).div_ceil(4).max(1)
    };
    let x_ticks = days
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i + 1 == days.len())
        .map(|(i, (label, _))| Tick {
            x: at(LEFT + slot * i as f64 + slot / 2.0),
            y: at(HEIGHT - 4.0),
            label: label.clone(),
        })
        .collect();
    let y_ticks = [0, top / 2, top]
        .into_iter()
        .map(|value| Tick {
            x: at(LEFT - 6.0),
            y: at(y_of(value) + 4.0),
            label: value.to_string(),
        })
        .collect();
    Chart {
        bars,
        views_line: points.join(" "),
        lead_dots,
        x_ticks,
        y_ticks,
        baseline_y: at(TOP + plot_height),
        plot_left: at(LEFT),
        plot_right: at(WIDTH - 8.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_tops_at_a_round_number_above_the_highest_day() {
        assert_eq!(nice_top(0), 1);
        assert_eq!(nice_top(7), 10);
        assert_eq!(nice_top(12), 20);
        assert_eq!(nice_top(480), 500);
    }

    #[test]
    fn the_tallest_bar_reaches_its_share_of_the_plot() {
        let day = |visitors, views| Figures {
            visitors,
            views,
            leads: 0,
        };
        let days = vec![("1".to_owned(), day(5, 10)), ("2".to_owned(), day(0, 0))];
        let chart = draw(&days, &[]);
        assert_eq!(chart.bars.len(), 2);
        let height: f64 = chart.bars[0].height.parse().unwrap();
        assert!(
            (height - (HEIGHT - BOTTOM - TOP) / 2.0).abs() < 0.2,
            "{height}"
        );
        assert_eq!(chart.bars[1].height, "0.0");
        assert_eq!(chart.views_line.split(' ').count(), 2);
    }
}
