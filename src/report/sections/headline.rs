//! Headline figures for the period against the one before it.

use crate::metrics::responsiveness::quantile;
use crate::report::data::{Data, Pair};
use crate::report::html::{Better, Format, Html, Kpi};
use crate::report::Settings;

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

fn both<T, U>(p: &Pair<T>, f: impl Fn(&T) -> U) -> (U, U) {
    (f(&p.cur), f(&p.prev))
}

pub fn render(d: &Data, s: &Settings, h: &mut Html) -> Result<(), String> {
    let Some(period) = d.period else {
        h.p("empty", "The tables hold no posts yet.");
        return Ok(());
    };
    if let Some((day, at)) = &d.partial_day {
        h.p(
            "partial",
            &format!(
                "{day} is left out of the figures and charts: it had not ended when the run started ({at}, {}), so it holds only part of a day's posts.",
                d.timezone
            ),
        );
    }
    let prev_label = format!("previous {} days", period.prev.days());
    let mut sorted = d.response_minutes.clone();
    sorted.cur.sort_by(f64::total_cmp);
    sorted.prev.sort_by(f64::total_cmp);
    let int = |p: &Pair<i64>| (Some(p.cur as f64), Some(Some(p.prev as f64)));
    let target = s.response_target_minutes;
    let within = |v: &Vec<f64>| {
        ratio(
            v.iter().filter(|m| **m <= target).count() as i64,
            v.len() as i64,
        )
    };
    let (rate, rate_p) = (
        ratio(d.responded.cur, d.needs_response.cur),
        ratio(d.responded.prev, d.needs_response.prev),
    );
    // No own reply links to any post of the period's accounts: the rate is not
    // measurable, not 0.
    let rate_unmeasured = d.needs_response.cur == 0 && d.needing_unmeasured.cur > 0;
    let unmeasured_why = format!(
        "not measurable: no own reply in the data links to any post of these accounts ({} needing a response)",
        d.needing_unmeasured.cur
    );
    let mut rate_note = format!(
        "{} of {} needing a response",
        d.responded.cur, d.needs_response.cur
    );
    if d.needing_unmeasured.cur > 0 {
        rate_note.push_str(&format!(
            "; {} more on accounts no own reply links to, not counted",
            d.needing_unmeasured.cur
        ));
    }
    let (median, median_p) = both(&sorted, |v| quantile(v, 0.5));
    let (p90, p90_p) = both(&sorted, |v| quantile(v, 0.9));
    let (wt, wt_p) = both(&sorted, within);
    let esc_total = Pair {
        cur: d.escalations.values().map(|p| p.cur).sum::<i64>(),
        prev: d.escalations.values().map(|p| p.prev).sum::<i64>(),
    };
    let target_label = format!("{target} min");
    let (posts_in, posts_in_p) = int(&d.posts_in);
    let (posts_out, posts_out_p) = int(&d.posts_out);
    let (authors, authors_p) = int(&d.unique_authors);
    let (open, open_p) = int(&d.unanswered);
    let (esc, esc_p) = int(&esc_total);
    let within_label = format!("Answered within {target_label}");
    let due_label = format!(
        "Information requests due within {} working days",
        s.due_soon_working_days
    );
    let mut kpis = vec![
        Kpi {
            metric: "posts_in",
            label: "Inbound posts",
            format: Format::Int,
            value: posts_in,
            previous: posts_in_p,
            note: None,
        },
        Kpi {
            metric: "posts_out",
            label: "Outbound posts",
            format: Format::Int,
            value: posts_out,
            previous: posts_out_p,
            note: None,
        },
        Kpi {
            metric: "unique_authors",
            label: "People writing in",
            format: Format::Int,
            value: authors,
            previous: authors_p,
            note: None,
        },
        Kpi {
            metric: "mean_sentiment",
            label: "Mean inbound sentiment",
            format: Format::Signed3,
            value: d.mean_sentiment.cur,
            previous: Some(d.mean_sentiment.prev),
            note: Some("VADER compound, −1 to +1".into()),
        },
        Kpi {
            metric: "response_rate",
            label: "Response rate",
            format: Format::Pct,
            value: rate,
            previous: Some(rate_p),
            note: Some(rate_note),
        },
        Kpi {
            metric: "median_response",
            label: "Median first response",
            format: Format::Minutes,
            value: median,
            previous: Some(median_p),
            note: None,
        },
        Kpi {
            metric: "p90_response",
            label: "90th percentile first response",
            format: Format::Minutes,
            value: p90,
            previous: Some(p90_p),
            note: None,
        },
        Kpi {
            metric: "within_target",
            label: &within_label,
            format: Format::Pct,
            value: wt,
            previous: Some(wt_p),
            note: Some("share of answered items".into()),
        },
        Kpi {
            metric: "unanswered",
            label: "Unanswered",
            format: Format::Int,
            value: open,
            previous: open_p,
            note: Some("questions, complaints, requests".into()),
        },
        Kpi {
            metric: "escalations",
            label: "Escalations",
            format: Format::Int,
            value: esc,
            previous: esc_p,
            note: None,
        },
    ];
    let prio_labels: Vec<(String, String)> = d
        .escalations
        .keys()
        .map(|p| {
            let name = u8::try_from(*p).ok().and_then(|p| s.priority_names.get(&p));
            let label = match name {
                Some(name) => format!("Escalations, priority {p}: {name}"),
                None => format!("Escalations, priority {p}"),
            };
            (format!("escalations_p{p}"), label)
        })
        .collect();
    for ((metric, label), pair) in prio_labels.iter().zip(d.escalations.values()) {
        kpis.push(Kpi {
            metric,
            label,
            format: Format::Int,
            value: Some(pair.cur as f64),
            previous: Some(Some(pair.prev as f64)),
            note: None,
        });
    }
    let due_note = match (d.info_as_of, d.info_due_by) {
        (Some(a), Some(b)) => Some(format!("open on {a}, due by {b}")),
        _ => None,
    };
    kpis.push(Kpi {
        metric: "info_due_soon",
        label: &due_label,
        format: Format::Int,
        value: Some(d.info_due_soon as f64),
        previous: None,
        note: due_note.clone(),
    });
    kpis.push(Kpi {
        metric: "info_overdue",
        label: "Information requests overdue",
        format: Format::Int,
        value: Some(d.info_overdue as f64),
        previous: None,
        note: d.info_as_of.map(|a| format!("open and past due on {a}")),
    });
    if s.cost_configured {
        cost_kpis(d, &mut kpis);
    }
    h.push(r#"<div class="kpis">"#);
    for k in &kpis {
        if k.metric == "response_rate" && rate_unmeasured {
            h.kpi_unmeasured(k, &unmeasured_why);
        } else {
            h.kpi(k, &d.currency, &prev_label, better(k.metric));
        }
    }
    h.push("</div>");
    Ok(())
}

/// The cost cards, shown only when `[cost]` sets an amount.
fn cost_kpis(d: &Data, kpis: &mut Vec<Kpi<'_>>) {
    let cost_per = |c: Option<f64>, r: i64| c.and_then(|c| ratio(1, r).map(|x| c * x));
    kpis.push(Kpi {
        metric: "cost_per_response",
        label: "Cost per resolved inquiry",
        format: Format::Money,
        value: cost_per(d.cost_total.cur, d.cost_responses.cur),
        previous: Some(cost_per(d.cost_total.prev, d.cost_responses.prev)),
        note: Some("cost periods overlapping the period".into()),
    });
    kpis.push(Kpi {
        metric: "net_benefit",
        label: "Net benefit",
        format: Format::Money,
        value: d.net_benefit.cur,
        previous: Some(d.net_benefit.prev),
        note: Some("estimated value − cost".into()),
    });
}

/// Which way each headline figure is better: volumes are neither.
fn better(metric: &str) -> Better {
    match metric {
        "mean_sentiment" | "response_rate" | "within_target" | "net_benefit" => Better::Higher,
        "median_response" | "p90_response" | "unanswered" | "cost_per_response"
        | "info_overdue" => Better::Lower,
        m if m.starts_with("escalations") => Better::Lower,
        _ => Better::Neither,
    }
}
