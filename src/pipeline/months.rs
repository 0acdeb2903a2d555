//! `output.partition = "month"`: one `posts` file per calendar month (UTC), written
//! after pass 2 from its days: the recomputed ones from the day files pass 2 wrote, the
//! others from the previous snapshot's `posts`. A month is written again when one of
//! its days was recomputed; the others are linked from the previous snapshot.

use super::analyse::write_partition;
use super::state::DayState;
use super::stored::{month_partition, read_day, Layout};
use crate::config::Config;
use crate::model::Post;
use crate::sinks::publish::link_or_copy;
use crate::text::utc_date;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn month_of(day: i64) -> String {
    utc_date(day * 86_400_000_000)[..7].to_string()
}

/// Where a month's days are read from.
pub struct Sources<'a> {
    /// The day files of the days pass 2 recomputed.
    pub recomputed: &'a Path,
    /// The previous snapshot's `posts`, for the other days.
    pub prior: Option<Layout<'a>>,
}

/// Write (or link) every month with published days; returns the partition names.
pub fn write(
    cfg: &Config,
    snapshot: &Path,
    from: Sources<'_>,
    days: &[(i64, DayState)],
    touched: &[i64],
) -> Result<Vec<String>, String> {
    let touched_set: BTreeSet<i64> = touched.iter().copied().collect();
    let recomputed = Layout {
        posts_dir: from.recomputed,
        by_month: false,
    };
    let mut months: BTreeMap<String, Vec<(i64, bool)>> = BTreeMap::new();
    for &(day, st) in days {
        if st.stored {
            months
                .entry(month_of(day))
                .or_default()
                .push((day, st.text));
        }
    }
    let months: Vec<(String, Vec<(i64, bool)>)> = months.into_iter().collect();
    let rewrite: BTreeSet<String> = touched.iter().map(|&d| month_of(d)).collect();
    months
        .par_iter()
        .with_max_len(1)
        .map(|(month, month_days)| {
            let rel = month_partition(Path::new("posts"), month);
            let old = from
                .prior
                .filter(|l| l.by_month)
                .map(|l| l.partition(month_days[0].0))
                .filter(|p| p.is_file());
            match old {
                Some(old) if !rewrite.contains(month) => link_or_copy(&old, &snapshot.join(&rel)),
                _ => {
                    // (escalation priorities are not written: none needed)
                    let posts: Vec<(Vec<Post>, bool)> = month_days
                        .iter()
                        .map(|&(d, text)| {
                            let layout = if touched_set.contains(&d) {
                                recomputed
                            } else {
                                from.prior
                                    .ok_or("a carried day without a previous snapshot")?
                            };
                            Ok((read_day(layout, snapshot, d, &|_| None)?, text))
                        })
                        .collect::<Result<_, String>>()?;
                    let refs: Vec<(&[Post], bool)> =
                        posts.iter().map(|(p, t)| (p.as_slice(), *t)).collect();
                    write_partition(cfg, &snapshot.join(&rel), &refs)
                }
            }
        })
        .collect::<Result<Vec<()>, String>>()?;
    Ok(months.into_iter().map(|(m, _)| m).collect())
}
