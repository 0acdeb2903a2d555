//! The report's sections, in page order: one file each, one line in [`SECTIONS`].

mod escalations;
mod headline;
mod quality;
mod sentiment;
mod topics;
mod volume;

use super::data::Data;
use super::html::Html;
use super::Settings;
use chrono::NaiveDate;

/// A section writes its heading's content from the data.
pub type Render = fn(&Data, &Settings, &mut Html) -> Result<(), String>;

/// (anchor id, heading, renderer).
pub const SECTIONS: &[(&str, &str, Render)] = &[
    ("headline", "Headline figures", headline::render),
    ("volume", "Daily volume", volume::render),
    ("sentiment", "Daily sentiment", sentiment::render),
    ("topics", "Topics over time", topics::render),
    ("escalations", "Escalation queue", escalations::render),
    ("quality", "Data quality", quality::render),
];

/// The days the daily charts cover: the history window, from the first day with data.
pub fn chart_days(d: &Data, first_with_data: Option<NaiveDate>) -> Vec<NaiveDate> {
    let Some(h) = d.history else {
        return Vec::new();
    };
    let start = first_with_data.map_or(h.start, |f| f.max(h.start));
    let mut out = Vec::new();
    let mut day = start;
    while day <= h.end {
        out.push(day);
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// `Nov 7, 2026`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%b %-d, %Y").to_string()
}
