//! Daily volume by platform, inbound and outbound.

use super::chart_days;
use crate::report::charts::{hex, DayChart, Mark, Series, PALETTE};
use crate::report::data::Data;
use crate::report::html::{Cell, Html};
use crate::report::Settings;
use std::collections::BTreeMap;

/// Platforms by volume, largest first; past the palette's seven colours the rest are
/// drawn together as `other`.
pub fn top_names(totals: &BTreeMap<String, i64>, keep: usize) -> Vec<String> {
    let mut v: Vec<(&String, &i64)> = totals.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.into_iter().take(keep).map(|(k, _)| k.clone()).collect()
}

pub fn render(d: &Data, _s: &Settings, h: &mut Html) -> Result<(), String> {
    let days = chart_days(d, d.volume.keys().next().map(|k| k.0));
    if days.is_empty() {
        h.p("empty", "No posts in the history window.");
        return Ok(());
    }
    h.push(r#"<div class="charts">"#);
    for (direction, title) in [
        ("inbound", "Inbound posts per day by platform"),
        ("outbound", "Outbound posts per day by platform"),
    ] {
        let mut totals: BTreeMap<String, i64> = BTreeMap::new();
        for ((_, p, dir), n) in &d.volume {
            if dir == direction {
                *totals.entry(p.clone()).or_default() += n;
            }
        }
        let named = top_names(&totals, 7);
        let mut per: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for ((date, p, dir), n) in &d.volume {
            if dir != direction {
                continue;
            }
            let Some(i) = days.iter().position(|x| x == date) else {
                continue;
            };
            let key = if named.contains(p) {
                p.clone()
            } else {
                "other".into()
            };
            per.entry(key).or_insert_with(|| vec![0.0; days.len()])[i] += *n as f64;
        }
        let mut order = named.clone();
        if per.contains_key("other") {
            order.push("other".into());
        }
        let series: Vec<Series> = order
            .iter()
            .enumerate()
            .filter_map(|(k, name)| {
                per.get(name).map(|v| Series {
                    name: name.clone(),
                    colour: PALETTE[k % PALETTE.len()],
                    mark: Mark::Line,
                    points: v.iter().copied().enumerate().collect(),
                })
            })
            .collect();
        let chart = DayChart {
            title,
            days: &days,
            y_label: "posts per day",
            y_range: None,
        };
        h.push(r#"<figure class="chart-box">"#);
        h.push(&chart.lines(&series)?);
        h.legend(
            &series
                .iter()
                .map(|s| (s.name.clone(), hex(s.colour)))
                .collect::<Vec<_>>(),
        );
        h.push("</figure>");
    }
    h.push("</div>");
    let rows: Vec<Vec<Cell>> = d
        .volume
        .iter()
        .rev()
        .map(|((date, p, dir), n)| {
            vec![
                Cell::s(date.to_string()),
                Cell::s(p.clone()),
                Cell::s(dir.clone()),
                Cell::int(*n),
            ]
        })
        .collect();
    h.details_table(
        "Posts per day, platform and direction (newest first)",
        &["date", "platform", "direction", "posts"],
        &rows,
    );
    Ok(())
}
