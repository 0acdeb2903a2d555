//! The stored posts of a day: the published `posts` partition read back, and a small
//! sidecar (`_state/posts/day-<N>.parquet`) holding only what the partition does not:
//!
//! - `link`: the sealed working link (see [`Post::link`]), as bytes
//!   ([`crate::privacy::pack_link`]);
//! - `withheld`: whether the post is kept out of the public metrics;
//! - `text`: the text the partition writes as null (`flags.drop_text`, withheld
//!   posts) while the day keeps its text, so a config change can analyse it again.
//!
//! The sidecar's rows are the day's posts in partition order. There is no second
//! encoding of the posts: a night reads back only the days it touches, through the
//! same `posts` reader the report and the Python package use.

use super::state::{self, FULL_HINT};
use crate::model::Post;
use crate::privacy::{pack_link, unpack_link};
use crate::sinks::{self, read::Batch};
use crate::text::{utc_date, utc_day};
use arrow::array::{ArrayRef, BinaryArray, BooleanArray, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::statistics::Statistics;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

const DAY_US: i64 = 86_400_000_000;

/// Where a snapshot's `posts` rows of a day are: its `posts` folder and layout.
#[derive(Clone, Copy, Debug)]
pub struct Layout<'a> {
    pub posts_dir: &'a Path,
    pub by_month: bool,
}

impl Layout<'_> {
    /// The partition file holding the day's rows.
    pub fn partition(&self, day: i64) -> PathBuf {
        if self.by_month {
            month_partition(self.posts_dir, &utc_date(day * DAY_US)[..7])
        } else {
            day_partition(self.posts_dir, day)
        }
    }
}

/// The published partition of a UTC day under day partitioning.
pub fn day_partition(posts_dir: &Path, day: i64) -> PathBuf {
    posts_dir
        .join(format!("date={}", utc_date(day * DAY_US)))
        .join("part-00000.parquet")
}

/// The published partition of a UTC month (`YYYY-MM`) under month partitioning.
pub fn month_partition(posts_dir: &Path, month: &str) -> PathBuf {
    posts_dir
        .join(format!("month={month}"))
        .join("part-00000.parquet")
}

fn schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            Field::new("link", DataType::Binary, true),
            Field::new("withheld", DataType::Boolean, false),
            Field::new("text", DataType::Utf8, true),
        ]))
    })
    .clone()
}

/// Write the sidecar of a day's posts, which are written to its partition with
/// `drop_text` (`flags.drop_text`, or the day past `retention.text_days`).
pub fn write_sidecar(
    snapshot: &Path,
    day: i64,
    posts: &[Post],
    drop_text: bool,
) -> Result<(), String> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(BinaryArray::from_iter(
            posts.iter().map(|p| p.link.as_deref().map(pack_link)),
        )),
        Arc::new(
            posts
                .iter()
                .map(|p| Some(p.withheld))
                .collect::<BooleanArray>(),
        ),
        Arc::new(
            posts
                .iter()
                .map(|p| {
                    let published = !drop_text && !p.withheld;
                    (!published && !p.text.is_empty()).then_some(p.text.as_str())
                })
                .collect::<StringArray>(),
        ),
    ];
    let batch = RecordBatch::try_new(schema(), columns)
        .map_err(|e| format!("building stored posts sidecar: {e}"))?;
    sinks::parquet::write_batches(
        &state::sidecar_path(snapshot, day),
        schema(),
        &[batch],
        usize::MAX,
    )
}

/// The stored posts of `day`: its rows of the partition in `layout`, completed by the
/// sidecar in `snapshot`. `priority` gives an escalation reason's priority (not
/// stored). A missing or damaged file is an error naming it.
pub fn read_day(
    layout: Layout<'_>,
    snapshot: &Path,
    day: i64,
    priority: &dyn Fn(&str) -> Option<u8>,
) -> Result<Vec<Post>, String> {
    let legacy = state::legacy_posts_path(snapshot, day);
    let sidecar = state::sidecar_path(snapshot, day);
    if !sidecar.is_file() && legacy.is_file() {
        // A snapshot written before the posts were stored only once.
        return state::read_bin(&legacy);
    }
    let mut posts = read_rows(
        &layout.partition(day),
        layout.by_month.then_some(day),
        priority,
    )?;
    let damaged = |e: &dyn std::fmt::Display| {
        format!("damaged state file {}: {e}; {FULL_HINT}", sidecar.display())
    };
    let mut at = 0;
    sinks::read::scan_file(&sidecar, &["link", "withheld", "text"], |b: &Batch| {
        let (link, withheld, text) = (b.binary("link")?, b.bool("withheld")?, b.str("text")?);
        for i in 0..b.rows() {
            let p = posts
                .get_mut(at)
                .ok_or_else(|| format!("more rows than the day's {} posts", at))?;
            p.link = match link[i] {
                Some(packed) => Some(unpack_link(packed).ok_or("a damaged link")?),
                None => None,
            };
            p.withheld = withheld[i].unwrap_or(false);
            if let Some(t) = text[i] {
                p.text = t.to_string();
            }
            at += 1;
        }
        Ok(())
    })
    .map_err(|e| damaged(&e))?;
    if at != posts.len() {
        return Err(damaged(&format!(
            "{at} rows for the day's {} posts",
            posts.len()
        )));
    }
    Ok(posts)
}

/// The posts of a `posts` partition file; with `day`, only that UTC day's (the row
/// groups whose `created_at` range misses it are not read).
fn read_rows(
    path: &Path,
    day: Option<i64>,
    priority: &dyn Fn(&str) -> Option<u8>,
) -> Result<Vec<Post>, String> {
    let err = |e: &dyn std::fmt::Display| {
        format!(
            "cannot read stored posts {}: {e}; {FULL_HINT}",
            path.display()
        )
    };
    let file = std::fs::File::open(path).map_err(|e| err(&e))?;
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(&e))?;
    if let Some(day) = day {
        let (from, to) = (day * DAY_US, (day + 1) * DAY_US);
        let meta = builder.metadata().clone();
        let col = builder
            .parquet_schema()
            .columns()
            .iter()
            .position(|c| c.name() == "created_at")
            .ok_or_else(|| err(&"no created_at column"))?;
        let groups: Vec<usize> = (0..meta.num_row_groups())
            .filter(|&g| match meta.row_group(g).column(col).statistics() {
                Some(Statistics::Int64(s)) => match (s.min_opt(), s.max_opt()) {
                    (Some(&lo), Some(&hi)) => lo < to && hi >= from,
                    _ => true,
                },
                _ => true,
            })
            .collect();
        builder = builder.with_row_groups(groups);
    }
    let label = path.display().to_string();
    let mut posts = Vec::new();
    for batch in builder.build().map_err(|e| err(&e))? {
        let batch = batch.map_err(|e| err(&e))?;
        let rows = sinks::posts::posts_from_batch(&Batch::new(batch, &label), false, priority)
            .map_err(|e| err(&e))?;
        match day {
            Some(d) => posts.extend(rows.into_iter().filter(|p| utc_day(p.created_at) == d)),
            None => posts.extend(rows),
        }
    }
    Ok(posts)
}
