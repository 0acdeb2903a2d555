//! Daily sentiment of inbound posts: mean compound with a trailing 7-day line, and the
//! label shares.

use super::chart_days;
use crate::report::charts::{hex, DayChart, Mark, Series, GREY, PALETTE};
use crate::report::data::Data;
use crate::report::html::{show, Cell, Format, Html};
use crate::report::Settings;

/// Days in the smoothed line's trailing window.
const SMOOTH_DAYS: usize = 7;

pub fn render(d: &Data, _s: &Settings, h: &mut Html) -> Result<(), String> {
    let days = chart_days(d, d.sentiment.keys().next().copied());
    if days.is_empty() || d.sentiment.is_empty() {
        h.p("empty", "No scored inbound posts in the history window.");
        return Ok(());
    }
    let per_day: Vec<Option<&crate::report::data::DaySentiment>> = days
        .iter()
        .map(|x| d.sentiment.get(x).filter(|s| s.scored > 0))
        .collect();
    let mean: Vec<(usize, f64)> = per_day
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i, s.compound_sum / s.scored as f64)))
        .collect();
    // The trailing window's posts weigh equally: sum of compounds over posts scored.
    let smooth: Vec<(usize, Option<f64>)> = (0..days.len())
        .map(|i| {
            let from = (i + 1).saturating_sub(SMOOTH_DAYS);
            let (sum, n) = per_day[from..=i]
                .iter()
                .flatten()
                .fold((0.0, 0i64), |a, s| (a.0 + s.compound_sum, a.1 + s.scored));
            (i, (n > 0).then(|| sum / n as f64))
        })
        .collect();
    let (positive, neutral, negative) = (PALETTE[2], GREY, PALETTE[3]);
    let mean_series = Series {
        name: "daily mean".into(),
        colour: PALETTE[0],
        mark: Mark::Points,
        points: mean.clone(),
    };
    let smooth_series = Series {
        name: format!("{SMOOTH_DAYS}-day trailing mean"),
        colour: PALETTE[1],
        mark: Mark::Bold,
        points: smooth
            .iter()
            .filter_map(|(i, v)| v.map(|v| (*i, v)))
            .collect(),
    };
    h.push(r#"<div class="charts"><figure class="chart-box">"#);
    let chart = DayChart {
        title: "Mean sentiment of inbound posts",
        days: &days,
        y_label: "VADER compound (−1 to +1)",
        y_range: Some((-1.0, 1.0)),
    };
    h.push(&chart.lines(&[mean_series, smooth_series])?);
    h.legend(&[
        ("daily mean".into(), hex(PALETTE[0])),
        (format!("{SMOOTH_DAYS}-day trailing mean"), hex(PALETTE[1])),
    ]);
    h.push(r#"</figure><figure class="chart-box">"#);
    let layer = |f: fn(&crate::report::data::DaySentiment) -> f64| -> Vec<f64> {
        per_day.iter().map(|s| s.map_or(0.0, f)).collect()
    };
    let chart = DayChart {
        title: "Inbound posts by sentiment label",
        days: &days,
        y_label: "scored posts per day",
        y_range: None,
    };
    h.push(&chart.stacked(&[
        ("negative".into(), negative, layer(|s| s.negative)),
        ("neutral".into(), neutral, layer(|s| s.neutral)),
        ("positive".into(), positive, layer(|s| s.positive)),
    ])?);
    h.legend(&[
        ("positive".into(), hex(positive)),
        ("neutral".into(), hex(neutral)),
        ("negative".into(), hex(negative)),
    ]);
    h.push("</figure></div>");
    let rows: Vec<Vec<Cell>> = days
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, date)| {
            let s = per_day[i]?;
            let n = s.scored as f64;
            Some(vec![
                Cell::s(date.to_string()),
                Cell::int(s.scored),
                Cell::n(show(Some(s.compound_sum / n), Format::Signed3, "")),
                Cell::n(show(smooth[i].1, Format::Signed3, "")),
                Cell::n(show(Some(s.positive / n), Format::Pct, "")),
                Cell::n(show(Some(s.neutral / n), Format::Pct, "")),
                Cell::n(show(Some(s.negative / n), Format::Pct, "")),
            ])
        })
        .collect();
    h.details_table(
        "Sentiment per day (newest first)",
        &[
            "date",
            "scored",
            "mean",
            "7-day mean",
            "positive",
            "neutral",
            "negative",
        ],
        &rows,
    );
    Ok(())
}
