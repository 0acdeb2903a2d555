//! The pipeline: sources → normalise → spill by day → dedup + analyse → sinks.
//!
//! Memory stays bounded by one day of posts per worker: pass 1 streams every input
//! (files in parallel, records in parallel batches) into per-day spill files; pass 2
//! takes each day, keeps one copy of every (platform, post_id), analyses the posts
//! and writes that day's Parquet partition. A post's creation instant never changes
//! between exports, so every copy of a post lands in the same day.

use crate::analysis::emerging::{self, DayTerms, Emerging};
use crate::analysis::Analyzer;
use crate::config::Config;
use crate::metrics::{self, Accumulators};
use crate::model::{Direction, Draft, Post, Reject};
use crate::privacy::{KeySource, Pseudonymiser};
use crate::sinks::{self, parquet::ParquetFile, publish::Staging};
use crate::sources::{self, Batch, FileReport};
use crate::text::{utc_date, utc_day};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use bincode::Options;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The tables a run publishes, in publication order (manifest last).
pub const TABLES: &[&str] = &[
    "posts",
    "rejects",
    "escalations",
    "emerging_terms",
    "daily_volume",
    "daily_sentiment",
    "engagement",
    "responsiveness",
    "unanswered",
    "topic_daily",
    "cost_benefit",
    "run_summary",
];
pub const MANIFEST: &str = "_run.json";

/// The run manifest written as `OUT/_run.json`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunReport {
    pub version: String,
    pub run_id: String,
    pub started_at: String,
    pub config_hash: String,
    pub pseudonym_key: String,
    pub inputs: Vec<FileReport>,
    pub posts_read: u64,
    pub duplicates_removed: u64,
    pub posts_written: u64,
    pub rejects: u64,
    pub reject_ratio: f64,
    pub max_reject_ratio: f64,
    pub escalations: u64,
    pub partitions: Vec<String>,
    pub durations_ms: BTreeMap<String, u64>,
    /// Thread time per stage, summed over workers (see README, performance).
    pub stage_cpu_ms: BTreeMap<String, u64>,
    pub output: String,
}

impl RunReport {
    pub fn too_many_rejects(&self) -> bool {
        self.reject_ratio > self.max_reject_ratio
    }
}

/// Who the organisation is: own accounts per platform, for direction and attribution.
pub struct Accounts {
    /// (platform or "", lower-cased handle or id) -> display handle.
    own: FxHashMap<(String, String), String>,
    /// platform -> default account for inbound posts that address no own account.
    defaults: FxHashMap<String, String>,
}

impl Accounts {
    pub fn from_config(cfg: &Config) -> Accounts {
        let mut own = FxHashMap::default();
        let mut defaults = FxHashMap::default();
        for a in &cfg.accounts {
            let handle = a.handle.trim_start_matches('@').to_string();
            let platform = a.platform.to_lowercase();
            own.insert((platform.clone(), handle.to_lowercase()), handle.clone());
            if let Some(id) = &a.id {
                own.insert((platform.clone(), id.to_lowercase()), handle.clone());
            }
            if a.default || !defaults.contains_key(&platform) {
                if a.default {
                    defaults.insert(platform.clone(), handle.clone());
                } else {
                    defaults.entry(platform.clone()).or_insert(handle.clone());
                }
            }
        }
        Accounts { own, defaults }
    }

    /// The own account's display handle if `who` (handle or id) is one of ours.
    pub fn own(&self, platform: &str, who: &str) -> Option<&str> {
        let key = who.trim_start_matches('@').to_lowercase();
        self.own
            .get(&(platform.to_string(), key.clone()))
            .or_else(|| self.own.get(&(String::new(), key)))
            .map(String::as_str)
    }

    fn default_for(&self, platform: &str) -> Option<&str> {
        self.defaults
            .get(platform)
            .or_else(|| self.defaults.get(""))
            .map(String::as_str)
    }
}

/// Decide direction and account, then pseudonymise the public (see README, privacy).
pub fn normalise(d: Draft, accounts: &Accounts, pseudo: &Pseudonymiser) -> Post {
    let mut p = d.post;
    let own_author = p
        .author_handle
        .as_deref()
        .and_then(|h| accounts.own(&p.platform, h))
        .or_else(|| {
            p.author_id
                .as_deref()
                .and_then(|i| accounts.own(&p.platform, i))
        })
        .map(str::to_string);
    let outbound = d.by_owner || own_author.is_some();
    p.direction = if outbound {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    if outbound {
        p.account = own_author
            .or_else(|| p.author_handle.clone())
            .or_else(|| accounts.default_for(&p.platform).map(str::to_string));
        if p.author_handle.is_none() {
            p.author_handle = p.account.clone();
        }
        if p.author_id.is_none() {
            p.author_id = p.author_handle.clone();
        }
    } else {
        p.account = d
            .addressed_to
            .iter()
            .find_map(|h| accounts.own(&p.platform, h))
            .or_else(|| accounts.default_for(&p.platform))
            .map(str::to_string);
        p.author_id = p
            .author_id
            .as_deref()
            .map(|a| pseudo.pseudonym(&p.platform, a));
        p.author_handle = p
            .author_handle
            .as_deref()
            .map(|a| pseudo.pseudonym(&p.platform, a));
    }
    // Mentions of members of the public are identities too.
    for m in &mut p.mentions {
        if accounts.own(&p.platform, m).is_none() {
            *m = pseudo.pseudonym(&p.platform, m);
        }
    }
    p
}

/// Deterministic choice between two copies of the same post: more known counters,
/// then higher engagement (the later export), then the first by (source_file, position).
pub fn better_copy(a: &Post, b: &Post) -> bool {
    let ka = (a.counts.known_fields(), a.counts.known_total());
    let kb = (b.counts.known_fields(), b.counts.known_total());
    if ka != kb {
        return ka > kb;
    }
    (&a.source_file, a.source_position) < (&b.source_file, b.source_position)
}

/// Per-day spill files of bincode-encoded posts.
struct Spill {
    dir: PathBuf,
    writers: FxHashMap<i64, BufWriter<std::fs::File>>,
    days: FxHashSet<i64>,
    error: Option<String>,
}

/// At most this many spill files open at once (the rest are reopened for append).
const MAX_OPEN_SPILLS: usize = 128;

impl Spill {
    fn path(dir: &Path, day: i64) -> PathBuf {
        dir.join(format!("day-{day}.bin"))
    }

    fn append(&mut self, day: i64, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if !self.writers.contains_key(&day) && self.writers.len() >= MAX_OPEN_SPILLS {
            for (_, mut w) in self.writers.drain() {
                if let Err(e) = w.flush() {
                    self.error = Some(format!("spill flush: {e}"));
                }
            }
        }
        let w = match self.writers.entry(day) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let path = Spill::path(&self.dir, day);
                match std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                {
                    Ok(f) => v.insert(BufWriter::with_capacity(256 * 1024, f)),
                    Err(e) => {
                        self.error = Some(format!("cannot write spill {}: {e}", path.display()));
                        return;
                    }
                }
            }
        };
        if let Err(e) = w.write_all(bytes) {
            self.error = Some(format!("spill write: {e}"));
        }
        self.days.insert(day);
    }

    fn close(&mut self) -> Result<Vec<i64>, String> {
        for (_, mut w) in self.writers.drain() {
            w.flush().map_err(|e| format!("spill flush: {e}"))?;
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut days: Vec<i64> = self.days.iter().copied().collect();
        days.sort_unstable();
        Ok(days)
    }
}

/// The spill's encoding: variable-length integers, so the many short strings, lists and
/// small counters of a post cost a byte of length each instead of eight (about half the
/// bytes written and read back).
fn spill_codec() -> impl bincode::Options + Copy {
    bincode::DefaultOptions::new()
}

/// Encode posts as length-prefixed bincode records, grouped by UTC day. Each post is
/// serialised straight into its day's buffer (the length patched in afterwards), so
/// no buffer per post is allocated and copied.
fn encode_by_day(posts: Vec<Post>) -> Vec<(i64, Vec<u8>)> {
    let mut groups: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
    for p in posts {
        let buf = groups.entry(utc_day(p.created_at)).or_default();
        let at = buf.len();
        buf.extend_from_slice(&[0u8; 8]);
        if spill_codec().serialize_into(&mut *buf, &p).is_ok() {
            let len = (buf.len() - at - 8) as u64;
            buf[at..at + 8].copy_from_slice(&len.to_le_bytes());
        } else {
            buf.truncate(at);
        }
    }
    groups.into_iter().collect()
}

/// Decode a day's spill file, read whole: it holds no more than the day's posts,
/// which are decoded into memory anyway.
fn decode_day(path: &Path) -> Result<Vec<Post>, String> {
    let err = |e: &dyn std::fmt::Display| format!("spill {}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| err(&e))?;
    let mut out = Vec::new();
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<8>()
            .ok_or_else(|| err(&"truncated record length"))?;
        let len = u64::from_le_bytes(*len) as usize;
        if tail.len() < len {
            return Err(err(&"truncated record"));
        }
        let (record, tail) = tail.split_at(len);
        out.push(spill_codec().deserialize(record).map_err(|e| err(&e))?);
        rest = tail;
    }
    Ok(out)
}

/// Reports progress on a terminal, and one line per file otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    bytes: Arc<AtomicU64>,
    quiet: bool,
}

impl Progress {
    fn new(total: u64, enabled: bool, quiet: bool) -> Progress {
        use std::io::IsTerminal;
        let bar = (enabled && !quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} reading [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b
        });
        Progress {
            bar,
            bytes: Arc::new(AtomicU64::new(0)),
            quiet,
        }
    }
    fn tick(&self) {
        if let Some(b) = &self.bar {
            b.set_position(self.bytes.load(Ordering::Relaxed));
        }
    }
    fn file_done(&self, r: &FileReport) {
        if let Some(b) = &self.bar {
            b.set_message(format!("{} posts", r.posts));
        } else if !self.quiet {
            let status = match (&r.error, &r.skipped) {
                (Some(e), _) => format!(" ERROR: {e}"),
                (None, Some(s)) => format!(" skipped: {s}"),
                _ => String::new(),
            };
            eprintln!(
                "read {} [{}]: {} posts, {} rejects{status}",
                r.path, r.format, r.posts, r.rejects
            );
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Options of one invocation that are not part of the pipeline config.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub quiet: bool,
}

/// Run the whole pipeline for a config. Returns the manifest; the caller decides the
/// exit code from [`RunReport::too_many_rejects`].
pub fn run(cfg: &Config, opts: &RunOptions) -> Result<RunReport, String> {
    if cfg.run.threads > 0 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.run.threads)
            .build()
            .map_err(|e| format!("thread pool: {e}"))?;
        pool.install(|| run_inner(cfg, opts))
    } else {
        run_inner(cfg, opts)
    }
}

fn run_id() -> (String, String) {
    let now = chrono::Utc::now();
    (
        format!(
            "{}-{}",
            now.format("%Y%m%dT%H%M%S%.6fZ"),
            std::process::id()
        ),
        now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    )
}

fn run_inner(cfg: &Config, opts: &RunOptions) -> Result<RunReport, String> {
    let t0 = Instant::now();
    let (run_id, started_at) = run_id();
    let out = cfg.output.dir.clone();
    std::fs::create_dir_all(&out)
        .map_err(|e| format!("cannot create output dir {}: {e}", out.display()))?;
    let (pseudo, key_source) = Pseudonymiser::from_config(&cfg.privacy, &out.join(".socialpulse"))?;
    if let KeySource::Generated(path) = &key_source {
        if !opts.quiet {
            eprintln!(
                "note: no ${} set; pseudonyms use the generated key in {path} (set the variable to share one key across outputs)",
                cfg.privacy.key_env
            );
        }
    }
    let files = sources::discover(&cfg.input.paths)?;
    if files.is_empty() {
        return Err("no input files found".into());
    }
    let staging = Staging::create(&out, &run_id)?;
    let stages = Stages::new();
    let result = run_staged(cfg, opts, &files, &staging, &pseudo, &stages);
    let (mut report, durations) = match result {
        Ok(r) => r,
        Err(e) => {
            staging.abandon();
            return Err(e);
        }
    };
    report.version = env!("CARGO_PKG_VERSION").to_string();
    report.run_id = run_id;
    report.started_at = started_at;
    report.config_hash = cfg.hash();
    report.pseudonym_key = match key_source {
        KeySource::Env(v) => format!("env:{v}"),
        KeySource::File(f) => format!("file:{f}"),
        KeySource::Generated(f) => format!("generated:{f}"),
    };
    report.max_reject_ratio = cfg.run.max_reject_ratio;
    report.output = out.display().to_string();
    report.durations_ms = durations;
    report.stage_cpu_ms = stages.report();
    let started_micros = chrono::DateTime::parse_from_rfc3339(&report.started_at)
        .map(|d| d.timestamp_micros())
        .unwrap_or(0);
    let summary_dir = staging.table_dir("run_summary");
    sinks::run_summary::carry_over(&out.join("run_summary"), &summary_dir)?;
    sinks::parquet::write_batches(
        &summary_dir.join(format!("part-{}.parquet", report.run_id)),
        sinks::run_summary::schema(),
        &[sinks::run_summary::batch(
            &report,
            started_micros,
            t0.elapsed().as_millis() as u64,
        )?],
        cfg.output.row_group_size,
    )?;
    let t_pub = Instant::now();
    let manifest = serde_json::to_string_pretty(&report).map_err(|e| format!("manifest: {e}"))?;
    std::fs::write(staging.dir.join(MANIFEST), manifest).map_err(|e| format!("manifest: {e}"))?;
    let mut entries: Vec<&str> = TABLES.to_vec();
    entries.push(MANIFEST);
    staging.publish(&entries)?;
    report
        .durations_ms
        .insert("publish".into(), t_pub.elapsed().as_millis() as u64);
    report
        .durations_ms
        .insert("total".into(), t0.elapsed().as_millis() as u64);
    Ok(report)
}

type Durations = BTreeMap<String, u64>;

/// Thread time spent per pipeline stage, summed across workers: where a run's CPU goes.
pub struct Stages {
    nanos: [AtomicU64; Stages::NAMES.len()],
}

impl Stages {
    pub const NAMES: [&'static str; 9] = [
        "parse",
        "spill",
        "dedup",
        "sentiment",
        "listening",
        "aggregate",
        "write_posts",
        "write_tables",
        "rejects",
    ];

    pub fn new() -> Stages {
        Stages {
            nanos: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    /// Run `f`, charging its time to `stage`.
    pub fn time<T>(&self, stage: usize, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.nanos[stage].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        out
    }

    fn add(&self, stage: usize, d: std::time::Duration) {
        self.nanos[stage].fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
    }

    fn sub(&self, stage: usize, d: std::time::Duration) {
        self.nanos[stage].fetch_sub(d.as_nanos() as u64, Ordering::Relaxed);
    }

    pub fn report(&self) -> BTreeMap<String, u64> {
        Stages::NAMES
            .iter()
            .zip(&self.nanos)
            .map(|(n, v)| (n.to_string(), v.load(Ordering::Relaxed) / 1_000_000))
            .collect()
    }
}

impl Default for Stages {
    fn default() -> Stages {
        Stages::new()
    }
}

const PARSE: usize = 0;
const SPILL: usize = 1;
const DEDUP: usize = 2;
const SENTIMENT: usize = 3;
const LISTENING: usize = 4;
const AGGREGATE: usize = 5;
const WRITE_POSTS: usize = 6;
const WRITE_TABLES: usize = 7;

/// What pass 2 produces for one day.
struct DayResult {
    date: String,
    day: i64,
    read: u64,
    written: u64,
    /// The day's escalations table rows, ordered at the end.
    escalated: RecordBatch,
    terms: DayTerms,
    metrics: Accumulators,
}

/// Pass 2's running totals over finished days.
#[derive(Default)]
struct Totals {
    report: RunReport,
    escalated: Vec<RecordBatch>,
    terms: Vec<(i64, DayTerms)>,
    metrics: Accumulators,
}

impl Totals {
    fn absorb(mut self, r: DayResult) -> Totals {
        self.metrics = self.metrics.merge(r.metrics);
        self.report.partitions.push(r.date);
        self.report.posts_read += r.read;
        self.report.posts_written += r.written;
        self.escalated.push(r.escalated);
        self.terms.push((r.day, r.terms));
        self
    }

    fn merge(mut self, o: Totals) -> Totals {
        self.metrics = self.metrics.merge(o.metrics);
        self.report.partitions.extend(o.report.partitions);
        self.report.posts_read += o.report.posts_read;
        self.report.posts_written += o.report.posts_written;
        self.escalated.extend(o.escalated);
        self.terms.extend(o.terms);
        self
    }
}

fn timezone(cfg: &Config) -> Result<chrono_tz::Tz, String> {
    cfg.metrics.timezone.parse().map_err(|_| {
        format!(
            "metrics.timezone: unknown time zone {:?}",
            cfg.metrics.timezone
        )
    })
}

/// Metric accumulators of one batch of posts: folded per rayon task, then reduced.
fn accumulate(posts: &[Post], tz: chrono_tz::Tz) -> Accumulators {
    posts
        .par_iter()
        .fold(Accumulators::default, |mut acc, p| {
            acc.add(p, tz);
            acc
        })
        .reduce(Accumulators::default, Accumulators::merge)
}

fn write_metrics(staging: &Staging, cfg: &Config, m: &Accumulators) -> Result<(), String> {
    use metrics::{daily_sentiment, daily_volume, engagement, responsiveness, topic_daily};
    let (baseline, min_count) = (
        i64::from(cfg.metrics.spike_baseline_days),
        cfg.metrics.spike_min_count,
    );
    let tz = timezone(cfg)?;
    // Built and written one at a time; `unanswered`, a large run's biggest, in chunks.
    let chunk = cfg.output.row_group_size;
    type Build<'a> = Box<dyn Fn(&mut ParquetFile) -> Result<(), String> + 'a>;
    let tables: Vec<(&str, SchemaRef, Build)> = vec![
        (
            "daily_volume",
            daily_volume::schema(),
            Box::new(|f| f.write(&daily_volume::batch(&m.volume)?)),
        ),
        (
            "daily_sentiment",
            daily_sentiment::schema(),
            Box::new(|f| f.write(&daily_sentiment::batch(&m.sentiment)?)),
        ),
        (
            "topic_daily",
            topic_daily::schema(),
            Box::new(|f| f.write(&topic_daily::batch(&m.topics, baseline, min_count)?)),
        ),
        (
            "cost_benefit",
            metrics::cost_benefit::schema(),
            Box::new(|f| f.write(&metrics::cost_benefit::batch(m, &cfg.cost, tz)?)),
        ),
        (
            "engagement",
            engagement::schema(),
            Box::new(|f| f.write(&engagement::batch(&m.engagement, &cfg.followers)?)),
        ),
        (
            "responsiveness",
            responsiveness::schema(),
            Box::new(|f| f.write(&responsiveness::batch(&m.responsiveness, tz)?)),
        ),
        (
            "unanswered",
            responsiveness::unanswered_schema(),
            Box::new(|f| {
                responsiveness::unanswered_chunks(&m.responsiveness, chunk, |b| f.write(&b))
            }),
        ),
    ];
    for (name, schema, build) in tables {
        let path = staging.table_dir(name).join("part-00000.parquet");
        let mut file = ParquetFile::create(&path, schema, chunk)?;
        build(&mut file)?;
        file.close()?;
    }
    Ok(())
}

/// Emerging-term counts of one day's posts: folded per rayon batch, reduced across batches.
fn day_terms(posts: &[Post]) -> DayTerms {
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

/// Pass 1: read every file (in parallel), normalise its drafts and hand them to
/// `on_posts` batch by batch. Returns the per-file reports and all rejects.
fn read_inputs(
    cfg: &Config,
    opts: &RunOptions,
    files: &[PathBuf],
    accounts: &Accounts,
    pseudo: &Pseudonymiser,
    stages: &Stages,
    on_posts: &(dyn Fn(Vec<Post>) + Sync),
) -> (Vec<FileReport>, Vec<Reject>) {
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let progress = Progress::new(total_bytes, cfg.run.progress, opts.quiet);
    let rejects: Mutex<Vec<Reject>> = Mutex::new(Vec::new());
    let emit = |batch: Batch| {
        let posts: Vec<Post> = batch
            .drafts
            .into_par_iter()
            .map(|d| normalise(d, accounts, pseudo))
            .collect();
        on_posts(posts);
        if !batch.rejects.is_empty() {
            match rejects.lock() {
                Ok(mut r) => r.extend(batch.rejects),
                Err(p) => p.into_inner().extend(batch.rejects),
            }
        }
        progress.tick();
    };
    let reports: Vec<FileReport> = files
        .par_iter()
        .with_max_len(1)
        .map(|f| {
            let r = stages.time(PARSE, || {
                sources::read_file(f, cfg, Some(progress.bytes.clone()), &emit)
            });
            progress.file_done(&r);
            r
        })
        .collect();
    progress.finish();
    let mut rejects = match rejects.into_inner() {
        Ok(r) => r,
        Err(p) => p.into_inner(),
    };
    sort_rejects(&mut rejects);
    (reports, rejects)
}

fn sort_rejects(rejects: &mut [Reject]) {
    rejects.sort_by(|a, b| {
        (&a.source_file, a.position, &a.reason).cmp(&(&b.source_file, b.position, &b.reason))
    });
}

/// Everything a run computes, held in memory (for tests, benchmarks and bindings on
/// small inputs; [`run`] streams instead).
pub struct Collected {
    pub posts: Vec<Post>,
    pub rejects: Vec<Reject>,
    pub inputs: Vec<FileReport>,
    /// Escalated posts in queue order.
    pub escalations: Vec<Post>,
    pub emerging: Vec<Emerging>,
    pub metrics: Accumulators,
}

/// Deduplicated posts before analysis, with what reading them gave.
pub struct ReadPosts {
    pub posts: Vec<Post>,
    pub rejects: Vec<Reject>,
    pub inputs: Vec<FileReport>,
}

/// Read, normalise and deduplicate in memory, without analysis (benchmarks time the
/// analysis steps on these posts).
pub fn read_posts(cfg: &Config, pseudo: &Pseudonymiser) -> Result<ReadPosts, String> {
    let files = sources::discover(&cfg.input.paths)?;
    let accounts = Accounts::from_config(cfg);
    let all: Mutex<Vec<Post>> = Mutex::new(Vec::new());
    let opts = RunOptions { quiet: true };
    let stages = Stages::new();
    let (inputs, rejects) = read_inputs(
        cfg,
        &opts,
        &files,
        &accounts,
        pseudo,
        &stages,
        &|mut posts| {
            if let Ok(mut a) = all.lock() {
                a.append(&mut posts);
            }
        },
    );
    let posts = dedup(all.into_inner().map_err(|_| "posts lock poisoned")?);
    Ok(ReadPosts {
        posts,
        rejects,
        inputs,
    })
}

/// Read, normalise, deduplicate and analyse in memory with a given pseudonymiser.
pub fn collect(cfg: &Config, pseudo: &Pseudonymiser) -> Result<Collected, String> {
    let ReadPosts {
        mut posts,
        rejects,
        inputs,
    } = read_posts(cfg, pseudo)?;
    let analyzer = Analyzer::new(cfg)?;
    posts.par_iter_mut().for_each(|p| analyzer.analyse(p));
    let mut escalations: Vec<Post> = posts
        .iter()
        .filter(|p| p.listening.escalate)
        .cloned()
        .collect();
    sinks::escalations::sort(&mut escalations);
    let mut by_day: BTreeMap<i64, Vec<Post>> = BTreeMap::new();
    for p in &posts {
        by_day
            .entry(utc_day(p.created_at))
            .or_default()
            .push(p.clone());
    }
    let terms: Vec<(i64, DayTerms)> = by_day
        .into_iter()
        .map(|(d, ps)| (d, day_terms(&ps)))
        .collect();
    let emerging = emerging::emerging(&terms, &cfg.emerging);
    let metrics = accumulate(&posts, timezone(cfg)?);
    Ok(Collected {
        posts,
        rejects,
        inputs,
        escalations,
        emerging,
        metrics,
    })
}

fn run_staged(
    cfg: &Config,
    opts: &RunOptions,
    files: &[PathBuf],
    staging: &Staging,
    pseudo: &Pseudonymiser,
    stages: &Stages,
) -> Result<(RunReport, Durations), String> {
    let mut durations = Durations::new();
    let accounts = Accounts::from_config(cfg);
    let spill_dir = staging.dir.join(".spill");
    std::fs::create_dir_all(&spill_dir)
        .map_err(|e| format!("cannot create {}: {e}", spill_dir.display()))?;

    // Pass 1: read every file, normalise, spill by day.
    let t = Instant::now();
    let spill = Mutex::new(Spill {
        dir: spill_dir.clone(),
        writers: FxHashMap::default(),
        days: FxHashSet::default(),
        error: None,
    });
    let responses: Mutex<Vec<(u64, i64)>> = Mutex::new(Vec::new());
    let (reports, rejects) = read_inputs(cfg, opts, files, &accounts, pseudo, stages, &|posts| {
        // Runs inside a file's parse timer: move the spill's share to its own stage.
        let t = Instant::now();
        let mut found = Vec::new();
        for p in &posts {
            metrics::responsiveness::response_targets(p, |k, t| found.push((k, t)));
        }
        if let Ok(mut r) = responses.lock() {
            r.extend(found);
        }
        let groups = encode_by_day(posts);
        if let Ok(mut s) = spill.lock() {
            for (day, bytes) in groups {
                s.append(day, &bytes);
            }
        }
        stages.add(SPILL, t.elapsed());
        stages.sub(PARSE, t.elapsed());
    });
    let days = spill
        .into_inner()
        .map_err(|_| "spill lock poisoned")?
        .close()?;
    durations.insert("read".into(), t.elapsed().as_millis() as u64);
    let responses = metrics::responsiveness::ResponseIndex::new(
        responses
            .into_inner()
            .map_err(|_| "response index lock poisoned")?,
    );

    // Pass 2: per day, deduplicate, analyse, write the partition.
    let t = Instant::now();
    let analyzer = Analyzer::new(cfg)?;
    let tz = timezone(cfg)?;
    let posts_dir = staging.table_dir("posts");
    std::fs::create_dir_all(&posts_dir)
        .map_err(|e| format!("cannot create {}: {e}", posts_dir.display()))?;
    let policy = sinks::posts::TextPolicy {
        drop_text: cfg.flags.drop_text,
    };
    // Days are folded into running totals as they finish (not collected first), so
    // only one merged copy of the metric state is alive at a time.
    // One day per job, so a thread that runs out of work steals a whole day, not only
    // the analysis chunks of the other thread's day.
    let totals = days
        .par_iter()
        .with_max_len(1)
        .map(|&day| {
            let spill_path = Spill::path(&spill_dir, day);
            let posts = stages.time(SPILL, || decode_day(&spill_path))?;
            let _ = std::fs::remove_file(&spill_path);
            let read = posts.len() as u64;
            let mut posts = stages.time(DEDUP, || dedup(posts));
            // Both steps run on a chunk while it is in cache: the listening step's time
            // is then its marginal cost over a sentiment-only run, which pays for bringing
            // the posts in. Timed per chunk, so stage times sum over threads.
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
            let date = utc_date(day * 86_400_000_000);
            stages.time(WRITE_POSTS, || {
                let batch = sinks::posts::batch(&posts, policy)?;
                let path = posts_dir
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
                let escalated: Vec<&Post> = posts.iter().filter(|p| p.listening.escalate).collect();
                let escalated = sinks::escalations::batch(&escalated, cfg.flags.drop_text);
                let mut metrics = accumulate(&posts, tz);
                // Answered items shrink to a duration now; only open ones are kept.
                metrics.responsiveness.settle(&responses, tz);
                (day_terms(&posts), metrics, escalated)
            });
            let escalated = escalated?;
            Ok::<DayResult, String>(DayResult {
                date,
                day,
                read,
                written: posts.len() as u64,
                escalated,
                terms,
                metrics,
            })
        })
        .fold(
            || Ok(Totals::default()),
            |acc: Result<Totals, String>, r| Ok(acc?.absorb(r?)),
        )
        .reduce(|| Ok(Totals::default()), |a, b| Ok(a?.merge(b?)));
    let _ = std::fs::remove_dir_all(&spill_dir);
    let Totals {
        mut report,
        escalated,
        mut terms,
        mut metrics,
    } = totals?;
    metrics.finish();
    report.partitions.sort();
    terms.sort_by_key(|t| t.0);
    report.duplicates_removed = report.posts_read - report.posts_written;
    // Written a row group at a time; the day batches are dropped once written.
    let mut file = ParquetFile::create(
        &staging.table_dir("escalations").join("part-00000.parquet"),
        sinks::escalations::schema(),
        cfg.output.row_group_size,
    )?;
    report.escalations =
        sinks::escalations::queue_chunks(&{ escalated }, cfg.output.row_group_size, |b| {
            file.write(&b)
        })? as u64;
    file.close()?;
    let emerging = emerging::emerging(&terms, &cfg.emerging);
    sinks::parquet::write_batches(
        &staging
            .table_dir("emerging_terms")
            .join("part-00000.parquet"),
        sinks::emerging::schema(),
        &[sinks::emerging::batch(&emerging)?],
        cfg.output.row_group_size,
    )?;
    stages.time(WRITE_TABLES, || write_metrics(staging, cfg, &metrics))?;
    durations.insert("dedup_analyse_write".into(), t.elapsed().as_millis() as u64);

    // Rejects are already in a stable order.
    stages.time(8, || {
        sinks::parquet::write_batches(
            &staging.table_dir("rejects").join("part-00000.parquet"),
            sinks::rejects::schema(),
            &[sinks::rejects::batch(&rejects)?],
            cfg.output.row_group_size,
        )
    })?;
    report.rejects = rejects.len() as u64;
    let seen = report.posts_read + report.rejects;
    report.reject_ratio = if seen == 0 {
        0.0
    } else {
        report.rejects as f64 / seen as f64
    };
    report.inputs = reports;
    Ok((report, durations))
}

/// Keep one copy per (platform, post_id) by [`better_copy`], ordered by time then id.
///
/// Works on indices so each (large) post moves once, not at every swap of a sort. The
/// best copy of each id is found through a hash map in one pass (a sort by the string
/// keys cost more than the rest of the day's deduplication).
pub fn dedup(posts: Vec<Post>) -> Vec<Post> {
    let mut best: FxHashMap<(&str, &str), usize> =
        FxHashMap::with_capacity_and_hasher(posts.len(), Default::default());
    for (i, p) in posts.iter().enumerate() {
        match best.entry((p.platform.as_str(), p.post_id.as_str())) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            // Indices rise, so on a tie the earlier copy (the one kept) stays.
            std::collections::hash_map::Entry::Occupied(mut o) => {
                if better_copy(p, &posts[*o.get()]) {
                    o.insert(i);
                }
            }
        }
    }
    let mut keep: Vec<usize> = best.into_values().collect();
    keep.sort_unstable_by(|&a, &b| {
        let (pa, pb) = (&posts[a], &posts[b]);
        (pa.created_at, &pa.platform, &pa.post_id).cmp(&(pb.created_at, &pb.platform, &pb.post_id))
    });
    let mut slots: Vec<Option<Post>> = posts.into_iter().map(Some).collect();
    keep.iter().filter_map(|&i| slots[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::XorShift;

    /// The rule written as a sort: each id's copies ordered best first (ties by index),
    /// the first kept, then ordered by time and id.
    fn dedup_by_sort(posts: &[Post]) -> Vec<(String, String, String, u64)> {
        let mut order: Vec<usize> = (0..posts.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&posts[a], &posts[b]);
            (&pa.platform, &pa.post_id)
                .cmp(&(&pb.platform, &pb.post_id))
                .then_with(|| {
                    if better_copy(pa, pb) {
                        std::cmp::Ordering::Less
                    } else if better_copy(pb, pa) {
                        std::cmp::Ordering::Greater
                    } else {
                        a.cmp(&b)
                    }
                })
        });
        order.dedup_by(|b, a| {
            (&posts[*a].platform, &posts[*a].post_id) == (&posts[*b].platform, &posts[*b].post_id)
        });
        order.sort_by_key(|&i| (posts[i].created_at, &posts[i].platform, &posts[i].post_id));
        order.iter().map(|&i| key(&posts[i])).collect()
    }

    fn key(p: &Post) -> (String, String, String, u64) {
        (
            p.platform.clone(),
            p.post_id.clone(),
            p.source_file.clone(),
            p.source_position,
        )
    }

    #[test]
    fn dedup_keeps_what_the_sorted_rule_keeps() {
        let mut rng = XorShift(0x6a09_e667_f3bc_c909);
        for round in 0..200 {
            let n = 1 + rng.below(60);
            let posts: Vec<Post> = (0..n)
                .map(|_| {
                    let id = rng.below(12);
                    let platform = ["twitter", "mastodon"][rng.below(2)];
                    // A post's creation time is the same in every export.
                    let mut p = Post::new(
                        platform,
                        id.to_string(),
                        (id as i64 % 5) * 1_000,
                        String::new(),
                    );
                    let mut count = || [None, Some(0), Some(3), Some(7)][rng.below(4)];
                    p.counts.likes = count();
                    p.counts.reposts = count();
                    p.counts.views = count();
                    p.source_file = ["a.ndjson", "b.ndjson"][rng.below(2)].to_string();
                    p.source_position = rng.below(4) as u64;
                    p
                })
                .collect();
            let want = dedup_by_sort(&posts);
            let got: Vec<_> = dedup(posts).iter().map(key).collect();
            assert_eq!(got, want, "round {round}");
        }
    }
}
