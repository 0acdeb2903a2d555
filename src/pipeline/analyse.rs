//! Pass 2: per day, deduplicate, analyse, write the day's `posts` partition and fold
//! the day into the metric accumulators, the emerging-term counts and the escalation
//! queue.

use super::dedup::dedup;
use super::spill::Spilled;
use super::stages::{Stages, AGGREGATE, DEDUP, LISTENING, SENTIMENT, SPILL, STATE, WRITE_POSTS};
use super::state::{self, read_bin, DayState, DaySummary};
use super::stored::{self, day_partition, Layout};
use crate::analysis::emerging::DayTerms;
use crate::analysis::Analyzer;
use crate::config::Config;
use crate::metrics::responsiveness::ResponseIndex;
use crate::metrics::Accumulators;
use crate::model::{Post, RunReport};
use crate::sinks;
use crate::sinks::publish::link_or_copy;
use crate::text::utc_date;
use arrow::record_batch::RecordBatch;
use rayon::prelude::*;
use std::path::Path;
use std::sync::Mutex;

/// What pass 2 produces for one day.
pub(crate) struct DayResult {
    pub date: String,
    pub day: i64,
    pub read: u64,
    pub written: u64,
    /// Posts the day gained in the dataset (not copies of posts it held).
    pub added: u64,
    pub expired: u64,
    /// The day's escalations table rows, ordered at the end.
    pub escalated: RecordBatch,
    pub terms: DayTerms,
    pub metrics: Accumulators,
}

/// Pass 2's running totals over finished days.
#[derive(Default)]
pub struct Totals {
    pub report: RunReport,
    /// Each day's escalated posts as `escalations` rows, in no particular order.
    pub escalated: Vec<RecordBatch>,
    /// Emerging-term counts per UTC day.
    pub terms: Vec<(i64, DayTerms)>,
    pub metrics: Accumulators,
}

impl Totals {
    pub(crate) fn absorb(mut self, r: DayResult) -> Totals {
        self.metrics = self.metrics.merge(r.metrics);
        self.report.partitions.push(r.date);
        self.report.posts_read += r.read;
        self.report.posts_written += r.written;
        self.report.posts_new += r.added;
        self.report.posts_expired += r.expired;
        self.escalated.push(r.escalated);
        self.terms.push((r.day, r.terms));
        self
    }

    fn merge(mut self, o: Totals) -> Totals {
        self.metrics = self.metrics.merge(o.metrics);
        self.report.partitions.extend(o.report.partitions);
        self.report.posts_read += o.report.posts_read;
        self.report.posts_written += o.report.posts_written;
        self.report.posts_new += o.report.posts_new;
        self.report.posts_expired += o.report.posts_expired;
        self.escalated.extend(o.escalated);
        self.terms.extend(o.terms);
        self
    }
}

/// `metrics.timezone` (checked when the config was read).
pub fn timezone(cfg: &Config) -> chrono_tz::Tz {
    cfg.metrics.timezone.tz()
}

/// Metric accumulators of one batch of posts: folded per rayon task, then reduced.
pub fn accumulate(posts: &[Post], tz: chrono_tz::Tz) -> Accumulators {
    posts
        .par_iter()
        .fold(Accumulators::default, |mut acc, p| {
            acc.add(p, tz);
            acc
        })
        .reduce(Accumulators::default, Accumulators::merge)
}

/// Emerging-term counts of one day's posts: folded per rayon batch, reduced across batches.
pub fn day_terms(posts: &[Post]) -> DayTerms {
    let mut t = posts
        .par_iter()
        .fold(DayTerms::default, |mut acc, p| {
            acc.add(p);
            acc
        })
        .reduce(DayTerms::default, DayTerms::merge);
    t.compact();
    t
}

/// Sentiment, then listening, over each chunk while it is in cache: the listening
/// step's time is then its marginal cost over a sentiment-only run, which pays for
/// bringing the posts in. Timed per chunk, so stage times sum over threads.
pub fn analyse_posts(posts: &mut [Post], analyzer: &Analyzer, stages: &Stages) {
    posts
        .par_chunks_mut(crate::analysis::ANALYSIS_CHUNK)
        .for_each(|chunk| {
            stages.time(SENTIMENT, || {
                chunk.iter_mut().for_each(|p| analyzer.score_sentiment(p))
            });
            stages.time(LISTENING, || {
                chunk.iter_mut().for_each(|p| analyzer.listen(p))
            });
        });
}

/// A day pass 2 recomputes: its new posts (if any were spilled), and what the
/// previous snapshot stored of it.
#[derive(Clone, Copy, Debug)]
pub struct DayJob {
    pub day: i64,
    pub spilled: bool,
    /// What the previous snapshot holds of the day.
    pub prior: Option<DayState>,
}

/// Everything pass 2 needs besides the days themselves.
pub struct DayPass<'a> {
    pub cfg: &'a Config,
    pub analyzer: &'a Analyzer,
    pub responses: &'a ResponseIndex,
    /// The posts pass 1 read, by day.
    pub spilled: &'a Spilled,
    /// The snapshot being written, and the one it replaces (state and partitions of
    /// untouched days are linked from it).
    pub snapshot: &'a Path,
    pub previous: Option<&'a Path>,
    /// Where the previous snapshot's `posts` rows are (the stored posts).
    pub prior_layout: Option<Layout<'a>>,
    /// Each recomputed day's posts are written here as a day partition: the `posts`
    /// table under day partitioning, a scratch folder the months are written from
    /// under month partitioning.
    pub posts_dir: &'a Path,
    /// `posts_dir` is the table's own folder (day partitioning).
    pub day_partitions: bool,
    pub stages: &'a Stages,
    pub tz: chrono_tz::Tz,
    /// Retention: UTC days before this one are not published (`retention.days`).
    pub publish_from: Option<i64>,
    /// Retention: UTC days before this one are published without text.
    pub text_from: Option<i64>,
    /// The analysis config changed: stored posts are analysed again.
    pub reanalyse: bool,
}

impl DayPass<'_> {
    /// Recompute the touched days and fold every day (touched or carried over) into
    /// the totals. Days are folded as they finish (not collected first), so only one
    /// merged copy of the metric state is alive at a time. One day per job, so a thread
    /// that runs out of work steals a whole day, not only the other day's chunks.
    pub fn run(
        &self,
        touched: &[DayJob],
        carried: &[(i64, DayState)],
    ) -> Result<(Totals, Vec<(i64, DayState)>), String> {
        let states: Mutex<Vec<(i64, DayState)>> = Mutex::new(Vec::new());
        let note = |day: i64, st: DayState| match states.lock() {
            Ok(mut v) => v.push((day, st)),
            Err(p) => p.into_inner().push((day, st)),
        };
        let touched_totals = fold(touched.par_iter().with_max_len(1).map(|job| {
            let (r, st) = self.touched_day(job)?;
            note(job.day, st);
            Ok(r)
        }));
        let carried_totals = fold(carried.par_iter().with_max_len(1).map(|&(day, st)| {
            let r = self.carried_day(day, st)?;
            note(day, st);
            Ok(r)
        }));
        let totals = touched_totals?.merge(carried_totals?);
        let mut states = states.into_inner().map_err(|_| "day state lock poisoned")?;
        states.sort_by_key(|s| s.0);
        Ok((totals, states))
    }

    /// A day whose posts or stored state change this run: stored posts and new ones
    /// deduplicated together, the day's state, summary and partition rewritten.
    fn touched_day(&self, job: &DayJob) -> Result<(DayResult, DayState), String> {
        let (cfg, stages, day) = (self.cfg, self.stages, job.day);
        let mut fresh = if job.spilled {
            stages.time(SPILL, || self.spilled.take(day))?
        } else {
            Vec::new()
        };
        let read = fresh.len() as u64;
        fresh = stages.time(DEDUP, || dedup(fresh));
        analyse_posts(&mut fresh, self.analyzer, stages);
        let publish = self.publish_from.is_none_or(|from| day >= from);
        let keep_text = self.text_from.is_none_or(|from| day >= from);
        let prev = self.previous.filter(|_| job.prior.is_some());
        let prior = job.prior.unwrap_or(DayState {
            posts: 0,
            stored: true,
            text: true,
        });
        let (mut summary, posts, state) = if let (Some(prev), false) = (prev, prior.stored) {
            // Past retention: the posts are gone, the counts stay; late posts add to them.
            let mut summary: DaySummary =
                stages.time(STATE, || read_bin(&state::summary_path(prev, day)))?;
            let mut acc = stages.time(AGGREGATE, || accumulate(&fresh, self.tz));
            acc.responsiveness.forget_responses();
            summary.acc = summary.acc.merge(acc);
            let state = DayState {
                posts: prior.posts + fresh.len() as u64,
                stored: false,
                text: false,
            };
            (summary, Vec::new(), state)
        } else {
            let mut stored: Vec<Post> = match (prev, self.prior_layout) {
                (Some(prev), Some(layout)) => stages.time(STATE, || {
                    stored::read_day(layout, prev, day, &|r| self.analyzer.priority_of(r))
                })?,
                _ => Vec::new(),
            };
            // Posts whose text is gone keep the analysis they were stored with.
            if self.reanalyse && prior.text {
                analyse_posts(&mut stored, self.analyzer, stages);
            }
            let before = stored.len();
            // `fresh` is deduplicated and in order already: alone, it is the day.
            let mut posts = if stored.is_empty() {
                fresh
            } else {
                stored.extend(fresh);
                stages.time(DEDUP, || dedup(stored))
            };
            let terms = if prior.text {
                stages.time(AGGREGATE, || day_terms(&posts))
            } else {
                // Words already removed: the day's term counts stay as they were.
                let old: DaySummary = match prev {
                    Some(prev) => read_bin(&state::summary_path(prev, day))?,
                    None => DaySummary::default(),
                };
                old.terms
            };
            if !keep_text {
                posts.iter_mut().for_each(|p| p.text = String::new());
            }
            let mut acc = stages.time(AGGREGATE, || accumulate(&posts, self.tz));
            acc.responsiveness.forget_responses();
            let escalated: Vec<Post> = if publish {
                posts
                    .iter()
                    .filter(|p| p.listening.escalate)
                    .map(sinks::escalations::kept)
                    .collect()
            } else {
                Vec::new()
            };
            let state = DayState {
                posts: prior.posts.max(before as u64) + (posts.len() - before) as u64,
                stored: publish,
                text: keep_text,
            };
            (
                DaySummary {
                    acc,
                    terms,
                    escalated,
                },
                posts,
                state,
            )
        };
        stages.time(STATE, || {
            state::write_bin(&state::summary_path(self.snapshot, day), &summary)
        })?;
        let written = if publish { posts.len() as u64 } else { 0 };
        if publish {
            let drop_text = cfg.flags.drop_text || !keep_text;
            stages.time(STATE, || {
                stored::write_sidecar(self.snapshot, day, &posts, drop_text)
            })?;
            stages.time(WRITE_POSTS, || {
                write_partition(
                    cfg,
                    &day_partition(self.posts_dir, day),
                    &[(&posts, keep_text)],
                )
            })?;
        }
        let mut r = self.fold(day, &mut summary, publish)?;
        r.read = read;
        r.written = written;
        r.added = state.posts - job.prior.map_or(0, |p| p.posts);
        r.expired = if publish { 0 } else { r.added };
        drop(posts);
        Ok((r, state))
    }

    /// A day nothing changes: its files are linked from the previous snapshot and its
    /// summary folded into the tables.
    fn carried_day(&self, day: i64, st: DayState) -> Result<DayResult, String> {
        let prev = self
            .previous
            .ok_or("carried day without a previous snapshot")?;
        link_or_copy(
            &state::summary_path(prev, day),
            &state::summary_path(self.snapshot, day),
        )?;
        if st.stored {
            link_or_copy(
                &state::sidecar_path(prev, day),
                &state::sidecar_path(self.snapshot, day),
            )?;
            if self.day_partitions {
                let rel = day_partition(Path::new("posts"), day);
                link_or_copy(
                    &prev.join(&rel),
                    &self
                        .posts_dir
                        .join(rel.strip_prefix("posts").unwrap_or(&rel)),
                )?;
            }
        }
        let mut summary: DaySummary = self
            .stages
            .time(STATE, || read_bin(&state::summary_path(prev, day)))?;
        let mut r = self.fold(day, &mut summary, st.stored)?;
        r.written = if st.stored { st.posts } else { 0 };
        Ok(r)
    }

    /// What a day adds to the tables (see [`fold_day`]).
    fn fold(&self, day: i64, summary: &mut DaySummary, publish: bool) -> Result<DayResult, String> {
        let drop_text = self.cfg.flags.drop_text || self.text_from.is_some_and(|from| day < from);
        self.stages.time(AGGREGATE, || {
            fold_day(self.responses, self.tz, day, summary, publish, drop_text)
        })
    }
}

/// What a day adds to the tables: its responsiveness items matched against every
/// response, its escalations as rows, its term counts.
pub(crate) fn fold_day(
    responses: &ResponseIndex,
    tz: chrono_tz::Tz,
    day: i64,
    summary: &mut DaySummary,
    publish: bool,
    drop_text: bool,
) -> Result<DayResult, String> {
    let escalated: Vec<&Post> = summary.escalated.iter().collect();
    let escalated = sinks::escalations::batch(&escalated, drop_text)?;
    let mut metrics = std::mem::take(&mut summary.acc);
    // Answered items shrink to a duration now; only open ones are kept.
    metrics.responsiveness.settle(responses, tz);
    Ok(DayResult {
        date: if publish {
            utc_date(day * 86_400_000_000)
        } else {
            String::new()
        },
        day,
        read: 0,
        written: 0,
        added: 0,
        expired: 0,
        escalated,
        terms: std::mem::take(&mut summary.terms),
        metrics,
    })
}

/// Days' results folded into running totals per rayon task, then reduced.
fn fold(days: impl ParallelIterator<Item = Result<DayResult, String>>) -> Result<Totals, String> {
    days.fold(
        || Ok(Totals::default()),
        |acc: Result<Totals, String>, r| Ok(acc?.absorb(r?)),
    )
    .reduce(|| Ok(Totals::default()), |a, b| Ok(a?.merge(b?)))
}

/// Write one `posts` partition file from days of posts in order, each with whether
/// its text is kept (retention).
pub fn write_partition(cfg: &Config, path: &Path, days: &[(&[Post], bool)]) -> Result<(), String> {
    let batches = days
        .iter()
        .filter(|d| !d.0.is_empty())
        .map(|&(posts, keep_text)| {
            let policy = sinks::posts::TextPolicy {
                drop_text: cfg.flags.drop_text || !keep_text,
            };
            sinks::posts::batch(posts, policy)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if batches.is_empty() {
        return Ok(());
    }
    sinks::parquet::write_batches(
        path,
        sinks::posts::schema(),
        &batches,
        cfg.output.row_group_size,
    )
}
