//! Topic volume per day for the largest topics, spikes marked; emerging terms.

use super::chart_days;
use super::volume::top_names;
use crate::report::charts::{hex, DayChart, Mark, Series, PALETTE};
use crate::report::data::Data;
use crate::report::html::{Cell, Html};
use crate::report::Settings;
use std::collections::BTreeMap;

/// Topics drawn: more lines than this cannot be told apart.
const TOPICS: usize = 6;
/// Emerging terms listed.
const TERMS: usize = 15;

pub fn render(d: &Data, _s: &Settings, h: &mut Html) -> Result<(), String> {
    let first = d.topics.keys().map(|k| k.1).min();
    let days = chart_days(d, first);
    let Some(period) = d.period else {
        return Ok(());
    };
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut prev: BTreeMap<String, i64> = BTreeMap::new();
    let mut spikes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((topic, date), (n, spike)) in &d.topics {
        if period.cur.contains(*date) {
            *totals.entry(topic.clone()).or_default() += n;
            if *spike {
                spikes
                    .entry(topic.clone())
                    .or_default()
                    .push(date.format("%b %-d").to_string());
            }
        } else if period.prev.contains(*date) {
            *prev.entry(topic.clone()).or_default() += n;
        }
        totals.entry(topic.clone()).or_default();
    }
    if days.is_empty() || totals.is_empty() {
        h.p(
            "empty",
            "No inbound post matched a topic in the history window.",
        );
    } else {
        let named = top_names(&totals, TOPICS);
        let mut series = Vec::new();
        let mut spike_points = Vec::new();
        for (k, topic) in named.iter().enumerate() {
            let mut points = Vec::new();
            for (i, day) in days.iter().enumerate() {
                let (n, spike) = d
                    .topics
                    .get(&(topic.clone(), *day))
                    .copied()
                    .unwrap_or((0, false));
                points.push((i, n as f64));
                if spike {
                    spike_points.push((i, n as f64));
                }
            }
            series.push(Series {
                name: topic.clone(),
                colour: PALETTE[k % PALETTE.len()],
                mark: Mark::Line,
                points,
            });
        }
        let mut legend: Vec<(String, String)> = series
            .iter()
            .map(|s| (s.name.clone(), hex(s.colour)))
            .collect();
        series.push(Series {
            name: "spike".into(),
            colour: PALETTE[7],
            mark: Mark::Points,
            points: spike_points,
        });
        legend.push(("spike (● on the line)".into(), hex(PALETTE[7])));
        let chart = DayChart {
            title: "Inbound posts per topic per day",
            days: &days,
            y_label: "posts per day",
            y_range: None,
        };
        h.push(r#"<figure class="chart-box wide">"#);
        h.push(&chart.lines(&series)?);
        h.legend(&legend);
        h.push("</figure>");
        // The chart's numbers: every charted topic's posts per day.
        let mut per_day: Vec<Vec<Cell>> = Vec::new();
        for day in days.iter().rev() {
            for topic in &named {
                if let Some((n, spike)) = d.topics.get(&(topic.clone(), *day)) {
                    per_day.push(vec![
                        Cell::s(day.to_string()),
                        Cell::s(topic.clone()),
                        Cell::int(*n),
                        Cell::s(if *spike { "spike" } else { "" }),
                    ]);
                }
            }
        }
        h.details_table(
            "Posts per charted topic per day (newest first)",
            &["date", "topic", "posts", "spike"],
            &per_day,
        );
        let mut order: Vec<(&String, &i64)> = totals.iter().collect();
        order.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let rows: Vec<Vec<Cell>> = order
            .into_iter()
            .map(|(t, n)| {
                vec![
                    Cell::s(t.clone()),
                    Cell::int(*n),
                    Cell::int(prev.get(t).copied().unwrap_or(0)),
                    Cell::s(spikes.get(t).map_or(String::new(), |v| v.join(", "))),
                ]
            })
            .collect();
        h.details_table(
            "Topics in the period",
            &["topic", "posts", "previous period", "spike days"],
            &rows,
        );
    }
    h.push("<h3>Emerging terms</h3>");
    let rows: Vec<Vec<Cell>> = d
        .emerging
        .iter()
        .take(TERMS)
        .map(|e| {
            vec![
                Cell::s(e.date.to_string()),
                Cell::s(e.term.clone()),
                Cell::int(e.count),
                Cell::n(format!("{:.1}", e.expected)),
                Cell::n(format!("{:.2}", e.score)),
            ]
        })
        .collect();
    h.table(
        "Terms rising most against their baseline in the period (see emerging_terms)",
        &["date", "term", "posts", "expected", "score"],
        &rows,
    );
    Ok(())
}
