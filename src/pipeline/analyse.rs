//! Pass 2: per day, deduplicate, analyse, write the day's `posts` partition and fold
//! the day into the metric accumulators, the emerging-term counts and the escalation
//! queue.

use super::dedup::dedup;
use super::spill::{decode_day, Spill};
use super::stages::{Stages, AGGREGATE, DEDUP, LISTENING, SENTIMENT, SPILL, WRITE_POSTS};
use crate::analysis::emerging::DayTerms;
use crate::analysis::Analyzer;
use crate::config::Config;
use crate::metrics::responsiveness::ResponseIndex;
use crate::metrics::Accumulators;
use crate::model::{Post, RunReport};
use crate::sinks;
use crate::text::utc_date;
use arrow::record_batch::RecordBatch;
use rayon::prelude::*;
use std::path::Path;

/// What pass 2 produces for one day.
struct DayResult {
    date: String,
    day: i64,
    read: u64,
    written: u64,
    expired: u64,
    /// The day's escalations table rows, ordered at the end.
    escalated: RecordBatch,
    terms: DayTerms,
    metrics: Accumulators,
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
    fn absorb(mut self, r: DayResult) -> Totals {
        self.metrics = self.metrics.merge(r.metrics);
        self.report.partitions.push(r.date);
        self.report.posts_read += r.read;
        self.report.posts_written += r.written;
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
        self.report.posts_expired += o.report.posts_expired;
        self.escalated.extend(o.escalated);
        self.terms.extend(o.terms);
        self
    }
}

pub fn timezone(cfg: &Config) -> Result<chrono_tz::Tz, String> {
    cfg.metrics.timezone.parse().map_err(|_| {
        format!(
            "metrics.timezone: unknown time zone {:?}",
            cfg.metrics.timezone
        )
    })
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

/// Everything pass 2 needs besides the days themselves.
pub struct DayPass<'a> {
    pub cfg: &'a Config,
    pub analyzer: &'a Analyzer,
    pub responses: &'a ResponseIndex,
    pub spill_dir: &'a Path,
    pub posts_dir: &'a Path,
    pub stages: &'a Stages,
    pub tz: chrono_tz::Tz,
    /// Retention: UTC days before this one are not published (`retention.days`).
    pub publish_from: Option<i64>,
    /// Retention: UTC days before this one are published without text.
    pub text_from: Option<i64>,
}

impl DayPass<'_> {
    /// Run every spilled day and fold the results. Days are folded into running totals
    /// as they finish (not collected first), so only one merged copy of the metric state
    /// is alive at a time. One day per job, so a thread that runs out of work steals a
    /// whole day, not only the analysis chunks of the other thread's day.
    pub fn run(&self, days: &[i64]) -> Result<Totals, String> {
        days.par_iter()
            .with_max_len(1)
            .map(|&day| self.day(day))
            .fold(
                || Ok(Totals::default()),
                |acc: Result<Totals, String>, r| Ok(acc?.absorb(r?)),
            )
            .reduce(|| Ok(Totals::default()), |a, b| Ok(a?.merge(b?)))
    }

    fn day(&self, day: i64) -> Result<DayResult, String> {
        let (cfg, stages) = (self.cfg, self.stages);
        let tz = self.tz;
        let spill_path = Spill::path(self.spill_dir, day);
        let posts = stages.time(SPILL, || decode_day(&spill_path))?;
        let _ = std::fs::remove_file(&spill_path);
        let read = posts.len() as u64;
        let mut posts = stages.time(DEDUP, || dedup(posts));
        analyse_posts(&mut posts, self.analyzer, stages);
        let date = utc_date(day * 86_400_000_000);
        // The metrics below count every post; retention only limits what is published.
        let publish = self.publish_from.is_none_or(|from| day >= from);
        let drop_text = cfg.flags.drop_text || self.text_from.is_some_and(|from| day < from);
        let policy = sinks::posts::TextPolicy { drop_text };
        let written = if publish { posts.len() as u64 } else { 0 };
        stages.time(WRITE_POSTS, || {
            if !publish {
                return Ok(());
            }
            let batch = sinks::posts::batch(&posts, policy)?;
            let path = self
                .posts_dir
                .join(format!("date={date}"))
                .join("part-00000.parquet");
            sinks::parquet::write_batches(
                &path,
                sinks::posts::schema(),
                &[batch],
                cfg.output.row_group_size,
            )
        })?;
        let (terms, metrics, escalated) = stages.time(AGGREGATE, || {
            let escalated: Vec<&Post> = posts
                .iter()
                .filter(|p| publish && p.listening.escalate)
                .collect();
            let escalated = sinks::escalations::batch(&escalated, drop_text);
            let mut metrics = accumulate(&posts, tz);
            // Answered items shrink to a duration now; only open ones are kept.
            metrics.responsiveness.settle(self.responses, tz);
            (day_terms(&posts), metrics, escalated)
        });
        Ok(DayResult {
            date: if publish { date } else { String::new() },
            day,
            read,
            written,
            expired: posts.len() as u64 - written,
            escalated: escalated?,
            terms,
            metrics,
        })
    }
}
