//! A run's steps as separate calls over posts in memory, for engines that schedule them
//! elsewhere: the Python package (`read`, `analyse`, `metrics`) and the Spark path
//! (read on executors, deduplicate as a Spark window, analyse and summarise each day on
//! executors, fold the summaries on the driver). Every call is the function [`run`]
//! itself uses, so there is one definition of each rule.
//!
//! [`run`]: super::run

use super::analyse::{accumulate, day_terms, fold_day, timezone, write_partition};
use super::analyse::{analyse_posts, Totals};
use super::state::DaySummary;
use super::stored::day_partition;
use super::{publish, read, OutputLock, RunError, RunOptions, Stages};
use crate::analysis::{emerging, Analyzer};
use crate::config::Config;
use crate::metrics::responsiveness::{response_targets, ResponseIndex};
use crate::model::{FileReport, Post, Reject, RunReport};
use crate::pipeline::normalise::Accounts;
use crate::privacy::{KeySource, Pseudonymiser};
use crate::sinks::{self, publish::Staging};
use crate::sources::{self, Discovered};
use crate::text::utc_day;
use arrow::record_batch::RecordBatch;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// What one worker needs: the config, the pseudonymiser and what is built from them.
pub struct Job {
    pub cfg: Config,
    pub pseudo: Pseudonymiser,
    accounts: Accounts,
    analyzer: Analyzer,
    tz: chrono_tz::Tz,
}

/// Posts and rejects read from some files, with the responses they hold (for
/// responsiveness, gathered before deduplication as a run does).
#[derive(Default)]
pub struct ReadPart {
    pub posts: Vec<Post>,
    pub rejects: Vec<Reject>,
    pub inputs: Vec<FileReport>,
    pub responses: Vec<(u64, i64)>,
}

impl Job {
    pub fn new(cfg: Config, pseudo: Pseudonymiser) -> Result<Job, String> {
        Ok(Job {
            accounts: Accounts::from_config(&cfg),
            analyzer: Analyzer::new(&cfg)?,
            tz: timezone(&cfg),
            cfg,
            pseudo,
        })
    }

    /// The input files the config names (sorted), and the paths that could not be walked.
    pub fn discover(&self) -> Discovered {
        sources::discover(
            &self.cfg.input.paths,
            std::slice::from_ref(&self.cfg.output.dir),
            self.cfg.base_dir.as_deref(),
        )
    }

    /// Read and normalise `files` (in parallel, as a run's pass 1 does).
    pub fn read(&self, files: Vec<PathBuf>) -> Result<ReadPart, String> {
        let found = Discovered {
            files,
            ..Discovered::default()
        };
        let posts: Mutex<Vec<Post>> = Mutex::new(Vec::new());
        let responses: Mutex<Vec<(u64, i64)>> = Mutex::new(Vec::new());
        let opts = RunOptions {
            quiet: true,
            full: true,
            ..RunOptions::default()
        };
        let (inputs, rejects) = read::read_inputs(
            &self.cfg,
            &opts,
            &found,
            read::Reading {
                accounts: &self.accounts,
                pseudo: &self.pseudo,
                audit: &Default::default(),
            },
            &Stages::new(),
            &|mut batch| gather(&mut batch, &posts, &responses),
        );
        Ok(ReadPart {
            posts: posts.into_inner().map_err(|_| "posts lock poisoned")?,
            rejects,
            inputs,
            responses: responses
                .into_inner()
                .map_err(|_| "responses lock poisoned")?,
        })
    }

    /// Byte ranges of about `chunk` bytes for a plain line-format file larger than that
    /// (read with [`Job::read_range`]); none when the file is read whole.
    pub fn line_ranges(&self, path: &Path, chunk: u64) -> Option<Vec<(u64, u64)>> {
        sources::line_ranges(path, &self.cfg, chunk)
    }

    /// Read the lines starting in [`start`, `end`) of a plain line-format file.
    pub fn read_range(&self, path: &Path, start: u64, end: u64) -> Result<ReadPart, String> {
        let posts: Mutex<Vec<Post>> = Mutex::new(Vec::new());
        let responses: Mutex<Vec<(u64, i64)>> = Mutex::new(Vec::new());
        let (report, rejects) = read::read_range(
            &self.cfg,
            (path, start, end),
            read::Reading {
                accounts: &self.accounts,
                pseudo: &self.pseudo,
                audit: &Default::default(),
            },
            &|mut batch| gather(&mut batch, &posts, &responses),
        );
        Ok(ReadPart {
            posts: posts.into_inner().map_err(|_| "posts lock poisoned")?,
            rejects,
            inputs: vec![report],
            responses: responses
                .into_inner()
                .map_err(|_| "responses lock poisoned")?,
        })
    }

    /// Sentiment and listening, in place.
    pub fn analyse(&self, posts: &mut [Post]) {
        analyse_posts(posts, &self.analyzer, &Stages::new());
    }

    /// Posts from a `posts` batch (published, normalised or analysed).
    pub fn posts_from(&self, batch: &sinks::read::Batch) -> Result<Vec<Post>, String> {
        let withhold = self.cfg.privacy.private_messages == crate::config::PrivateMessages::Exclude;
        sinks::posts::posts_from_batch(batch, withhold, &|r| self.analyzer.priority_of(r))
    }

    /// The `posts` table rows of analysed posts, text written as the config says.
    pub fn posts_batch(&self, posts: &[Post]) -> Result<RecordBatch, String> {
        sinks::posts::batch(
            posts,
            sinks::posts::TextPolicy {
                drop_text: self.cfg.flags.drop_text,
            },
        )
    }

    /// What the tables need of one UTC day, from its deduplicated, analysed posts (as
    /// pass 2 keeps it in the nightly state).
    pub fn summarise_day(&self, posts: &[Post]) -> DaySummary {
        let mut acc = accumulate(posts, self.tz);
        acc.responsiveness.forget_responses();
        DaySummary {
            acc,
            terms: day_terms(posts),
            escalated: posts
                .iter()
                .filter(|p| p.listening.escalate)
                .cloned()
                .collect(),
        }
    }

    /// Write one day's `posts` partition under `posts_dir`, as a run does.
    pub fn write_day(&self, posts_dir: &Path, day: i64, posts: &[Post]) -> Result<(), String> {
        write_partition(&self.cfg, &day_partition(posts_dir, day), &[(posts, true)])
    }

    /// The metric tables, `escalations` and `emerging_terms` of deduplicated, analysed
    /// posts held in memory, in publication order.
    pub fn tables(&self, posts: &[Post]) -> Result<Vec<Table>, String> {
        let mut by_day: BTreeMap<i64, Vec<&Post>> = BTreeMap::new();
        for p in posts {
            by_day.entry(utc_day(p.created_at)).or_default().push(p);
        }
        let mut summaries = Vec::new();
        let mut responses = Vec::new();
        for p in posts {
            response_targets(p, |k, t| responses.push((k, t)));
        }
        for (day, ps) in by_day {
            let owned: Vec<Post> = ps.into_iter().cloned().collect();
            summaries.push((day, owned.len() as u64, self.summarise_day(&owned)));
        }
        let totals = fold_days(&self.cfg, self.tz, summaries, responses)?;
        let mut out = Vec::new();
        let Totals {
            escalated,
            mut terms,
            mut metrics,
            ..
        } = totals;
        metrics.finish();
        terms.sort_by_key(|t| t.0);
        let mut queue = Vec::new();
        sinks::escalations::queue_chunks(&escalated, usize::MAX, |b| {
            queue.push(sinks::open_links(b, &self.pseudo)?);
            Ok(())
        })?;
        out.push((
            "escalations".to_string(),
            sinks::escalations::schema(),
            queue,
        ));
        let found = emerging::emerging(&terms, &self.cfg.emerging);
        out.push((
            "emerging_terms".to_string(),
            sinks::emerging::schema(),
            vec![sinks::emerging::batch(&found)?],
        ));
        publish::metric_tables(
            &self.cfg,
            &self.pseudo,
            &metrics,
            &mut |name, schema, build| {
                let mut batches = Vec::new();
                build(&mut |b| {
                    batches.push(b.clone());
                    Ok(())
                })?;
                out.push((name.to_string(), schema, batches));
                Ok(())
            },
        )?;
        Ok(out)
    }
}

/// A batch of read posts kept, with the responses it holds.
fn gather(batch: &mut Vec<Post>, posts: &Mutex<Vec<Post>>, responses: &Mutex<Vec<(u64, i64)>>) {
    let mut found = Vec::new();
    for p in batch.iter() {
        response_targets(p, |k, t| found.push((k, t)));
    }
    if let Ok(mut r) = responses.lock() {
        r.extend(found);
    }
    if let Ok(mut all) = posts.lock() {
        all.append(batch);
    }
}

/// A table held in memory: name, schema, batches.
pub type Table = (String, arrow::datatypes::SchemaRef, Vec<RecordBatch>);

/// Day summaries folded into the totals the tables are written from, responsiveness
/// settled against every response: what pass 2 does with the days of a run.
fn fold_days(
    cfg: &Config,
    tz: chrono_tz::Tz,
    mut days: Vec<(i64, u64, DaySummary)>,
    responses: Vec<(u64, i64)>,
) -> Result<Totals, String> {
    let responses = ResponseIndex::new(responses);
    days.sort_by_key(|d| d.0);
    let mut totals = Totals::default();
    for (day, posts, mut summary) in days {
        let mut r = fold_day(&responses, tz, day, &mut summary, true, cfg.flags.drop_text)?;
        r.written = posts;
        r.added = posts;
        totals = totals.absorb(r);
    }
    Ok(totals)
}

/// The driver's side of a distributed run: the output's lock and the snapshot being
/// staged. Workers write `posts` partitions into [`Driver::posts_dir`]; [`Driver::finish`]
/// writes every other table from the days' summaries and publishes.
pub struct Driver {
    _lock: OutputLock,
    staging: Staging,
    run_id: String,
    started_at: String,
    key_source: KeySource,
    t0: Instant,
}

impl Driver {
    /// Lock the output, resolve the pseudonymisation key (as a run does) and stage a
    /// snapshot.
    pub fn begin(cfg: &Config) -> Result<(Driver, Pseudonymiser), RunError> {
        if cfg.retention.days > 0 || cfg.retention.text_days > 0 {
            return Err(RunError::Failed(
                "retention is applied by `socialpulse run` only; a distributed run would publish every post"
                    .into(),
            ));
        }
        let t0 = Instant::now();
        let super::Setup {
            lock,
            pseudo,
            key_source,
            staging,
            run_id,
            started_at,
        } = super::setup(cfg)?;
        let posts_dir = staging.table_dir("posts");
        if let Err(e) = std::fs::create_dir_all(&posts_dir) {
            staging.abandon();
            return Err(RunError::io("create", &posts_dir, e));
        }
        Ok((
            Driver {
                _lock: lock,
                staging,
                run_id,
                started_at,
                key_source,
                t0,
            },
            pseudo,
        ))
    }

    pub fn posts_dir(&self) -> PathBuf {
        self.staging.table_dir("posts")
    }

    /// Write the other tables from what the workers gathered, then publish the snapshot.
    pub fn finish(
        self,
        job: &Job,
        walked: &Discovered,
        gathered: Gathered,
    ) -> Result<RunReport, RunError> {
        match self.finish_inner(job, walked, gathered) {
            Ok((staging, mut report, elapsed)) => {
                publish::publish(staging, &job.cfg, &job.cfg.output.dir, &mut report, elapsed)?;
                Ok(report)
            }
            Err((staging, e)) => {
                staging.abandon();
                Err(e.into())
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn finish_inner(
        self,
        job: &Job,
        walked: &Discovered,
        gathered: Gathered,
    ) -> Result<(Staging, RunReport, u64), (Staging, String)> {
        let Gathered {
            days,
            responses,
            reads: read,
        } = gathered;
        let Driver {
            staging,
            run_id,
            started_at,
            key_source,
            t0,
            ..
        } = self;
        let cfg = &job.cfg;
        let stages = Stages::new();
        let mut days = days;
        days.sort_by_key(|d| d.0);
        let mut written = 0;
        let mut partitions = Vec::new();
        for (day, posts, _) in &days {
            written += posts;
            partitions.push(crate::text::utc_date(day * 86_400_000_000));
        }
        // (distinct, as the response index counts them)
        let replies = {
            let mut r = responses.clone();
            r.sort_unstable();
            r.dedup();
            r.len()
        };
        let totals = match fold_days(cfg, job.tz, days, responses) {
            Ok(t) => t,
            Err(e) => return Err((staging, e)),
        };
        let mut rejects: Vec<Reject> = walked.rejects.clone();
        let mut inputs: Vec<FileReport> = walked.reports.clone();
        let mut posts_read = 0;
        for r in read {
            rejects.extend(r.rejects);
            inputs.extend(r.inputs);
            posts_read += r.posts;
        }
        read::sort_rejects(&mut rejects);
        let inputs = merge_ranges(inputs);
        let mut totals = totals;
        totals.report.posts_read = posts_read;
        let mut report = match publish::write_tables(
            &staging,
            cfg,
            &job.pseudo,
            totals,
            &rejects,
            publish::Seen {
                new_rejects: rejects.len(),
                replies,
            },
            &stages,
        ) {
            Ok(r) => r,
            Err(e) => return Err((staging, e)),
        };
        report.posts_written = written;
        report.posts_new = written;
        report.partitions = partitions;
        report.mode = "full".into();
        report.partitions_rewritten = report.partitions.len() as u64;
        if let Some(w) = super::warnings::lost_inputs(&inputs) {
            report.warnings.insert(0, w);
        }
        report.inputs = inputs;
        let elapsed = super::stamp(
            &mut report,
            cfg,
            (run_id, started_at, t0),
            key_source,
            &staging,
            &stages,
        );
        Ok((staging, report, elapsed))
    }

    /// Remove the staged snapshot; the published output stays as it was.
    pub fn abandon(self) {
        self.staging.abandon();
    }
}

/// One report per file: the reports of a file's byte ranges summed (the range at 0
/// carries the file's hash), sorted by path.
fn merge_ranges(reports: Vec<FileReport>) -> Vec<FileReport> {
    let mut by_path: BTreeMap<String, FileReport> = BTreeMap::new();
    for r in reports {
        match by_path.get_mut(&r.path) {
            None => {
                by_path.insert(r.path.clone(), r);
            }
            Some(m) => m.absorb(r),
        }
    }
    by_path.into_values().collect()
}

/// What the workers send the driver: each day's (day, posts, summary), the responses
/// every read found, and what each read gave.
#[derive(Default)]
pub struct Gathered {
    pub days: Vec<(i64, u64, DaySummary)>,
    pub responses: Vec<(u64, i64)>,
    pub reads: Vec<ReadSummary>,
}

/// What the driver keeps of one worker's read: its rejects, file reports and count of
/// posts read (the posts go on to deduplication).
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct ReadSummary {
    pub rejects: Vec<Reject>,
    pub inputs: Vec<FileReport>,
    pub posts: u64,
}
