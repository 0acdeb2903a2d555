//! Data quality: rejects by reason and file, skipped files, duplicates, posts not scored.

use crate::report::data::Data;
use crate::report::html::{show, thousands, Cell, Format, Html};
use crate::report::Settings;
use std::collections::BTreeMap;

/// Rows of the reason and file tables; the rest are summed in one row.
const TOP: usize = 15;

fn top_rows(counts: &BTreeMap<String, i64>, total: i64) -> Vec<Vec<Cell>> {
    let mut v: Vec<(&String, &i64)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let share = |n: i64| {
        show(
            (total > 0).then(|| n as f64 / total as f64),
            Format::Pct,
            "",
        )
    };
    let mut rows: Vec<Vec<Cell>> = v
        .iter()
        .take(TOP)
        .map(|(k, n)| vec![Cell::s((*k).clone()), Cell::int(**n), Cell::n(share(**n))])
        .collect();
    if v.len() > TOP {
        let rest: i64 = v[TOP..].iter().map(|x| *x.1).sum();
        rows.push(vec![
            Cell::s(format!("{} others", v.len() - TOP)),
            Cell::int(rest),
            Cell::n(share(rest)),
        ]);
    }
    rows
}

/// `1 record`, `2 records`, `3 duplicate copies`.
fn plural(n: i64, noun: &str) -> String {
    let word = match (n, noun.strip_suffix('y')) {
        (1, _) => noun.to_string(),
        (_, Some(stem)) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    };
    format!("{} {word}", thousands(n))
}

pub fn render(d: &Data, _s: &Settings, h: &mut Html) -> Result<(), String> {
    h.p(
        "lead",
        &format!(
            "{} rejected (kept in the rejects table with file, position and reason); {} removed of {} read over every run.",
            plural(d.rejects_total, "record"),
            plural(d.duplicates_removed, "duplicate copy"),
            plural(d.posts_read, "post")
        ),
    );
    h.push(r#"<div class="tables">"#);
    h.table(
        "Rejects by reason",
        &["reason", "rejects", "share"],
        &top_rows(&d.rejects_by_reason, d.rejects_total),
    );
    h.table(
        "Rejects by file",
        &["file", "rejects", "share"],
        &top_rows(&d.rejects_by_file, d.rejects_total),
    );
    let rows: Vec<Vec<Cell>> = d
        .skipped_files
        .iter()
        .map(|(f, why)| vec![Cell::s(f.clone()), Cell::s(why.clone())])
        .collect();
    h.table("Files holding no posts (last run)", &["file", "why"], &rows);
    let total = |cur: bool| -> i64 {
        d.scoring
            .values()
            .map(|p| if cur { p.cur } else { p.prev })
            .sum()
    };
    let (tc, tp) = (total(true), total(false));
    let pct = |n: i64, t: i64| show((t > 0).then(|| n as f64 / t as f64), Format::Pct, "");
    let rows: Vec<Vec<Cell>> = ["scored", "non-English", "no text", "disabled"]
        .iter()
        .filter_map(|k| {
            let p = d.scoring.get(*k)?;
            Some(vec![
                Cell::s(*k),
                Cell::int(p.cur),
                Cell::n(pct(p.cur, tc)),
                Cell::n(pct(p.prev, tp)),
            ])
        })
        .collect();
    h.table(
        "Posts of the period by sentiment scoring",
        &["scoring", "posts", "share", "previous share"],
        &rows,
    );
    h.push("</div>");
    Ok(())
}
