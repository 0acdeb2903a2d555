//! `output.partition = "month"`: one `posts` file per calendar month (UTC), written
//! from the stored days after pass 2. A month is written again when one of its days
//! was recomputed; the others are linked from the previous snapshot.

use super::analyse::write_partition;
use super::state::{self, read_bin, DayState};
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

pub fn partition_path(month: &str) -> std::path::PathBuf {
    Path::new("posts")
        .join(format!("month={month}"))
        .join("part-00000.parquet")
}

/// Write (or link) every month with published days; returns the partition names.
pub fn write(
    cfg: &Config,
    snapshot: &Path,
    previous: Option<&Path>,
    days: &[(i64, DayState)],
    touched: &[i64],
) -> Result<Vec<String>, String> {
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
            let rel = partition_path(month);
            let old = previous.map(|p| p.join(&rel)).filter(|p| p.is_file());
            match old {
                Some(old) if !rewrite.contains(month) => link_or_copy(&old, &snapshot.join(&rel)),
                _ => {
                    let posts: Vec<(Vec<Post>, bool)> = month_days
                        .iter()
                        .map(|&(d, text)| Ok((read_bin(&state::posts_path(snapshot, d))?, text)))
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
