//! `cost_benefit` [period × platform × account] from the cost model in `[cost]`.
//!
//! For each period (calendar month or day in the reporting zone) only the *active days*
//! (days with any post in the data) are costed: staff cost = staff_hours_per_day ×
//! hourly_cost × active days; an item `per = "day"` costs amount × active days, `per =
//! "month"` costs amount × active days / days in the month. Costs are allocated to the
//! period's platform × account groups (every group with a post that period, inbound-only
//! groups included) by their share of the period's outbound posts, or equally when the
//! period has no outbound posts. An item with a `platform` is shared the same way among
//! that platform's groups only; when the period has none, the item gets a row of its own
//! (that platform, no account, no activity), so every configured cost appears in the
//! table. Value = answered inquiries × value_per_resolved_inquiry.

use super::{date32, engagement, responsiveness, Accumulators};
use crate::config::CostConfig;
use arrow::array::{ArrayRef, Date32Array, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq)]
/// One row of the `cost_benefit` table.
pub struct Row {
    /// First day of the month (or the day).
    pub period_start: NaiveDate,
    /// The group's platform.
    pub platform: String,
    /// The group's own account.
    pub account: Option<String>,
    /// Days of the period with any post in the data.
    pub active_days: u32,
    /// Our posts in the group.
    pub outbound_posts: u64,
    /// Likes + reposts + replies + quotes on our posts (known counters).
    pub engagements: i64,
    /// Answered inquiries (first responses).
    pub responses: u64,
    /// The group's share of the period's staff cost and unscoped items (see above).
    pub allocation_share: f64,
    /// Staff cost × allocation_share.
    pub staff_cost: f64,
    /// The group's share of every `[[cost.items]]` entry.
    pub other_cost: f64,
    /// Staff_cost + other_cost.
    pub total_cost: f64,
    /// Responses × value_per_resolved_inquiry.
    pub estimated_value: f64,
}

fn period_of(d: NaiveDate, cfg: &CostConfig) -> NaiveDate {
    if cfg.period == crate::config::Period::Day {
        d
    } else {
        d.with_day(1).unwrap_or(d)
    }
}

fn days_in_month(d: NaiveDate) -> u32 {
    let first = d.with_day(1).unwrap_or(d);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map_or(30, |n| (n - first).num_days() as u32)
}

/// The `cost_benefit` rows, in output order.
pub fn rows(acc: &Accumulators, cfg: &CostConfig, tz: Tz) -> Vec<Row> {
    type Key = (NaiveDate, String, Option<String>);
    let mut groups: BTreeMap<Key, Row> = BTreeMap::new();
    let mut active: BTreeMap<NaiveDate, BTreeSet<NaiveDate>> = BTreeMap::new();
    for k in acc.volume.keys() {
        let period = period_of(k.0, cfg);
        active.entry(period).or_default().insert(k.0);
        groups
            .entry((period, k.1.clone(), k.2.clone()))
            .or_default();
    }
    for ((day, platform, account), g) in acc.engagement.groups() {
        let r = groups
            .entry((period_of(*day, cfg), platform.clone(), account.clone()))
            .or_default();
        r.outbound_posts += g.posts;
        r.engagements += engagement::engagement(g).unwrap_or(0);
    }
    for r in responsiveness::rows(&acc.responsiveness, tz) {
        let row = groups
            .entry((
                period_of(r.date, cfg),
                r.platform.clone(),
                r.account.clone(),
            ))
            .or_default();
        row.responses += r.responded;
    }
    // Platform-specific items of a period without a group of their platform get a row
    // of their own, so no configured cost is lost; such a row takes no other share.
    let mut cost_only: BTreeSet<Key> = BTreeSet::new();
    for period in active.keys() {
        for item in cfg.items.iter().filter(|i| !i.platform.is_empty()) {
            let platform = item.platform.to_lowercase();
            if !groups.keys().any(|k| k.0 == *period && k.1 == platform) {
                let key = (*period, platform, None);
                groups.entry(key.clone()).or_default();
                cost_only.insert(key);
            }
        }
    }
    let mut out = Vec::new();
    for (period, days) in &active {
        let n_days = days.len() as u32;
        let keys: Vec<&Key> = groups.keys().filter(|k| k.0 == *period).collect();
        let share_among = |filter: &dyn Fn(&Key) -> bool, k: &Key| -> f64 {
            let members: Vec<&&Key> = keys.iter().filter(|k| filter(k)).collect();
            if members.is_empty() || !filter(k) {
                return 0.0;
            }
            let total: u64 = members.iter().map(|m| groups[**m].outbound_posts).sum();
            if total == 0 {
                1.0 / members.len() as f64
            } else {
                groups[k].outbound_posts as f64 / total as f64
            }
        };
        let staff = cfg.staff_hours_per_day * cfg.hourly_cost * f64::from(n_days);
        for k in &keys {
            let mut r = groups[*k].clone();
            r.period_start = *period;
            r.platform = k.1.clone();
            r.account = k.2.clone();
            r.active_days = n_days;
            r.allocation_share = share_among(&|x: &Key| !cost_only.contains(x), k);
            r.staff_cost = staff * r.allocation_share;
            r.other_cost = cfg
                .items
                .iter()
                .map(|item| {
                    let amount = if item.per == crate::config::Period::Day {
                        item.amount * f64::from(n_days)
                    } else {
                        item.amount * f64::from(n_days) / f64::from(days_in_month(*period))
                    };
                    let platform = item.platform.to_lowercase();
                    let share = if platform.is_empty() {
                        r.allocation_share
                    } else {
                        share_among(&|x: &Key| x.1 == platform, k)
                    };
                    amount * share
                })
                .sum();
            r.total_cost = r.staff_cost + r.other_cost;
            r.estimated_value = r.responses as f64 * cfg.value_per_resolved_inquiry;
            out.push(r);
        }
    }
    out
}

/// The Arrow schema of the `cost_benefit` table.
pub fn schema() -> SchemaRef {
    let f = |n: &str| Field::new(n, DataType::Float64, true);
    let i = |n: &str| Field::new(n, DataType::Int64, false);
    Arc::new(Schema::new(vec![
        Field::new("period_start", DataType::Date32, false),
        Field::new("period", DataType::Utf8, false),
        Field::new("platform", DataType::Utf8, false),
        Field::new("account", DataType::Utf8, true),
        i("active_days"),
        i("outbound_posts"),
        i("engagements"),
        i("responses"),
        Field::new("currency", DataType::Utf8, false),
        f("staff_hours_per_day"),
        f("hourly_cost"),
        f("value_per_resolved_inquiry"),
        f("allocation_share"),
        f("staff_cost"),
        f("other_cost"),
        f("total_cost"),
        f("cost_per_post"),
        f("cost_per_engagement"),
        f("cost_per_response"),
        f("estimated_value"),
        f("net_benefit"),
        f("roi"),
    ]))
}

/// The `cost_benefit` table as one Arrow batch, in output order.
pub fn batch(acc: &Accumulators, cfg: &CostConfig, tz: Tz) -> Result<RecordBatch, String> {
    let rows = rows(acc, cfg, tz);
    let fl = |g: &dyn Fn(&Row) -> Option<f64>| -> ArrayRef {
        Arc::new(rows.iter().map(g).collect::<Float64Array>())
    };
    let per = |num: f64, den: f64| (den > 0.0).then(|| num / den);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            rows.iter()
                .map(|r| Some(date32(r.period_start)))
                .collect::<Date32Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|_| Some(cfg.period.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.platform.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.account.as_deref())
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(i64::from(r.active_days)))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.outbound_posts as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.engagements))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.responses as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|_| Some(cfg.currency.as_str()))
                .collect::<StringArray>(),
        ),
        fl(&|_| Some(cfg.staff_hours_per_day)),
        fl(&|_| Some(cfg.hourly_cost)),
        fl(&|_| Some(cfg.value_per_resolved_inquiry)),
        fl(&|r| Some(r.allocation_share)),
        fl(&|r| Some(r.staff_cost)),
        fl(&|r| Some(r.other_cost)),
        fl(&|r| Some(r.total_cost)),
        fl(&|r| per(r.total_cost, r.outbound_posts as f64)),
        fl(&|r| per(r.total_cost, r.engagements as f64)),
        fl(&|r| per(r.total_cost, r.responses as f64)),
        fl(&|r| Some(r.estimated_value)),
        fl(&|r| Some(r.estimated_value - r.total_cost)),
        fl(&|r| per(r.estimated_value - r.total_cost, r.total_cost)),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building cost_benefit batch: {e}"))
}
