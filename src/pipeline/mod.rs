//! The pipeline: sources → posts → analysis → metrics → sinks, one file per stage.
//!
//! - [`read`]: every input streamed (files in parallel, records in parallel batches),
//!   each draft normalised ([`normalise`]: direction, account, pseudonyms);
//! - [`spill`]: posts encoded into one spill file per UTC day;
//! - [`dedup`]: per day, one copy of every (platform, post_id);
//! - [`analyse`]: per day, sentiment and listening, the `posts` partition, and the day
//!   folded into the metric accumulators;
//! - [`publish`]: the other tables, the run summary and the manifest, staged and then
//!   published.
//!
//! Memory stays bounded by one day of posts per worker. A post's creation instant never
//! changes between exports, so every copy of a post lands in the same day.

pub mod analyse;
pub mod dedup;
mod dry_run;
mod lock;
mod months;
pub mod normalise;
pub mod parts;
pub mod plan;
pub mod publish;
pub mod read;
mod run_id;
pub mod spill;
pub mod stages;
pub mod state;
pub mod stored;
pub mod warnings;

pub use crate::model::RunReport;
pub use dedup::{better_copy, dedup};
pub use dry_run::{dry_run, DryRun};
use lock::OutputLock;
pub use normalise::{normalise, Accounts};
use run_id::run_id;
pub use stages::Stages;

use crate::analysis::emerging::{self, DayTerms, Emerging};
use crate::analysis::Analyzer;
use crate::config::Config;
use crate::metrics::{self, Accumulators};
use crate::model::{FileReport, Post, Reject};
use crate::privacy::{KeySource, Pseudonymiser};
use crate::sinks::{self, publish::Staging};
use crate::sources::{self, Discovered};
use crate::text::utc_day;
use analyse::{accumulate, day_terms, timezone, DayPass};
use rayon::prelude::*;
use stages::{PARSE, SPILL};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

/// The tables a run publishes, in publication order: `posts`, `rejects`, the queues,
/// every table of the metric registry ([`publish::METRIC_TABLES`]), `run_summary`.
pub static TABLES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut t = vec!["posts", "rejects", "escalations", "emerging_terms"];
    t.extend(publish::METRIC_TABLES.iter().map(|m| m.name));
    t.push("run_summary");
    t
});
pub use crate::model::MANIFEST;

/// The version of the output contract (tables, columns, manifest), recorded in
/// `_run.json`. Raised with every change a reader would notice (see CHANGELOG.md).
pub const SCHEMA_VERSION: u32 = 6;

/// Why a run did not publish. Callers branch on the kind: the CLI for its exit status
/// ([`RunError::status`]), the Python package for its exception class.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Another run holds the output directory (the message names it).
    #[error("{0}")]
    Locked(String),
    /// The config changed in a way the stored posts cannot follow (it needs the raw
    /// inputs): the message says what and how to rebuild.
    #[error("{0}")]
    NeedsFull(String),
    /// The config, the key or the invocation cannot be used as given (exit 2).
    #[error("{0}")]
    Config(String),
    /// No input file was found (the message names what was wrong with each path).
    #[error("{0}")]
    NoInputs(String),
    /// The output could not be created, opened or locked.
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Anything else: unwritable output, a failed write, a damaged file.
    #[error("{0}")]
    Failed(String),
}

impl RunError {
    /// How the CLI exits on this error.
    pub fn status(&self) -> crate::exit::ExitStatus {
        use crate::exit::ExitStatus;
        match self {
            RunError::Locked(_) => ExitStatus::Locked,
            RunError::NeedsFull(_) | RunError::Config(_) => ExitStatus::Usage,
            RunError::NoInputs(_) | RunError::Io { .. } | RunError::Failed(_) => ExitStatus::Failed,
        }
    }

    /// The kind, as the Python package names its exception classes.
    pub fn kind(&self) -> &'static str {
        match self {
            RunError::Locked(_) => "locked",
            RunError::NeedsFull(_) => "needs_full",
            RunError::Config(_) => "config",
            RunError::NoInputs(_) => "no_inputs",
            RunError::Io { .. } => "io",
            RunError::Failed(_) => "failed",
        }
    }

    pub(crate) fn io(op: &'static str, path: &std::path::Path, source: std::io::Error) -> RunError {
        RunError::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<crate::privacy::KeyError> for RunError {
    fn from(e: crate::privacy::KeyError) -> RunError {
        match e {
            crate::privacy::KeyError::Unusable(m) => RunError::Config(m),
            crate::privacy::KeyError::Io(m) => RunError::Failed(m),
        }
    }
}

impl From<String> for RunError {
    fn from(m: String) -> RunError {
        RunError::Failed(m)
    }
}

/// Options of one invocation that are not part of the pipeline config.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub quiet: bool,
    /// Rebuild from the inputs, ignoring the nightly state (`--full`).
    pub full: bool,
    /// Let `full` drop the posts of inputs ingested before that are no longer found
    /// (`--forget-missing`); without it such a rebuild is refused.
    pub forget_missing: bool,
}

/// Run the whole pipeline for a config. Returns the manifest; the caller decides the
/// exit code from [`RunReport::too_many_rejects`].
pub fn run(cfg: &Config, opts: &RunOptions) -> Result<RunReport, RunError> {
    if cfg.run.threads > 0 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.run.threads)
            .build()
            .map_err(|e| RunError::Failed(format!("thread pool: {e}")))?;
        pool.install(|| run_inner(cfg, opts))
    } else {
        run_inner(cfg, opts)
    }
}

/// What every run sets up before its work, the CLI's and a distributed run's alike: the
/// output created and locked, the pseudonymisation key resolved, a snapshot staged.
pub(super) struct Setup {
    lock: OutputLock,
    pub pseudo: Pseudonymiser,
    pub key_source: KeySource,
    pub staging: Staging,
    pub run_id: String,
    pub started_at: String,
}

pub(super) fn setup(cfg: &Config) -> Result<Setup, RunError> {
    let (run_id, started_at) = run_id();
    let out = &cfg.output.dir;
    std::fs::create_dir_all(out).map_err(|e| RunError::io("create output dir", out, e))?;
    let lock = OutputLock::acquire(out)?;
    let (pseudo, key_source) = Pseudonymiser::from_config(&cfg.privacy, &out.join(".socialpulse"))?;
    let staging = Staging::create(out, &run_id)?;
    Ok(Setup {
        lock,
        pseudo,
        key_source,
        staging,
        run_id,
        started_at,
    })
}

fn run_inner(cfg: &Config, opts: &RunOptions) -> Result<RunReport, RunError> {
    let t0 = Instant::now();
    let out = cfg.output.dir.clone();
    sinks::publish::check_current(&out).map_err(RunError::Config)?;
    // A model that cannot score is a config error, before anything is read or written.
    crate::analysis::check_models(cfg).map_err(RunError::Config)?;
    // Inputs first: a run with nothing to read leaves no trace (not even a key).
    let found = sources::discover(
        &cfg.input.paths,
        std::slice::from_ref(&out),
        cfg.base_dir.as_deref(),
    );
    if nothing_to_read(cfg, &found, sinks::publish::current(&out).is_some()) {
        return Err(no_inputs(&found));
    }
    let Setup {
        lock: _lock,
        pseudo,
        key_source,
        staging,
        run_id,
        started_at,
    } = setup(cfg)?;
    if let KeySource::Generated(path) = &key_source {
        if !opts.quiet {
            eprintln!(
                "note: no ${} set; pseudonyms use the generated key in {path} (set the variable to share one key across outputs)",
                cfg.privacy.key_env
            );
        }
    }
    let plan = match plan::plan(cfg, &found, staging.previous.as_deref(), opts, &pseudo) {
        Ok(p) => p,
        Err(e) => {
            staging.abandon();
            return Err(e);
        }
    };
    let stages = Stages::new();
    let mut report = match run_staged(cfg, opts, &plan, &staging, &pseudo, &stages) {
        Ok(r) => r,
        Err(e) => {
            staging.abandon();
            return Err(e.into());
        }
    };
    let elapsed = stamp(
        &mut report,
        cfg,
        (run_id, started_at, t0),
        key_source,
        &staging,
        &stages,
    );
    publish::publish(staging, cfg, &out, &mut report, elapsed)?;
    Ok(report)
}

/// The manifest's identity and settings: version, run (id, start, clock), config, key
/// source, report settings, where it is published, the total time (returned).
fn stamp(
    report: &mut RunReport,
    cfg: &Config,
    (run_id, started_at, t0): (String, String, Instant),
    key_source: KeySource,
    staging: &Staging,
    stages: &Stages,
) -> u64 {
    report.schema_version = SCHEMA_VERSION;
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
    report.report = crate::report::Settings::from_config(cfg);
    report.report.priority_names = crate::analysis::priority_names(cfg);
    report.output = cfg.output.dir.display().to_string();
    report.snapshot = staging.dir.display().to_string();
    report.stage_cpu_ms = stages.report();
    report.inputs_lost = report.inputs.iter().filter(|i| i.error.is_some()).count() as u64;
    report.status = report.exit_status().name().to_string();
    let elapsed = t0.elapsed().as_millis() as u64;
    report.durations_ms.insert("total".into(), elapsed);
    elapsed
}

/// Pass 1 (read the new inputs, normalise, spill by day), pass 2 (per touched day:
/// merge with the stored posts, dedup, analyse, write; per other day: carry over),
/// then the other tables, all into the new snapshot.
fn run_staged(
    cfg: &Config,
    opts: &RunOptions,
    plan: &plan::Plan,
    staging: &Staging,
    pseudo: &Pseudonymiser,
    stages: &Stages,
) -> Result<RunReport, String> {
    let mut durations = BTreeMap::new();
    let accounts = Accounts::from_config(cfg);
    let spill_dir = staging.dir.join(".spill");
    crate::sinks::publish::create_dir_all(&spill_dir)
        .map_err(|e| format!("cannot create {}: {e}", spill_dir.display()))?;
    let previous = plan.prior.as_ref().and(staging.previous.as_deref());

    // Pass 1: read every new file, normalise, spill by day; index the responses.
    let t = Instant::now();
    let budget =
        usize::try_from(cfg.run.memory_budget_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
    let spill = Mutex::new(spill::Spill::new(spill_dir.clone(), budget));
    let mut responses: Vec<(u64, i64)> = match previous {
        Some(prev) => state::read_bin(&state::responses_path(prev))?,
        None => Vec::new(),
    };
    let new_responses: Mutex<Vec<(u64, i64)>> = Mutex::new(Vec::new());
    let audit = warnings::Audit::default();
    let (inputs, new_rejects) = read::read_inputs(
        cfg,
        opts,
        &plan.to_read,
        read::Reading {
            accounts: &accounts,
            pseudo,
            audit: &audit,
        },
        stages,
        &|posts| {
            // Runs inside a file's parse timer: move the spill's share to its own stage.
            let t = Instant::now();
            let mut found = Vec::new();
            for p in &posts {
                metrics::responsiveness::response_targets(p, |k, t| found.push((k, t)));
            }
            if let Ok(mut r) = new_responses.lock() {
                r.extend(found);
            }
            // Encoding (the costly part) runs outside the lock once posts go to disk.
            let on_disk = spill.lock().is_ok_and(|s| s.on_disk());
            if on_disk {
                let groups = spill::encode_by_day(posts);
                if let Ok(mut s) = spill.lock() {
                    for (day, bytes) in groups {
                        s.append(day, &bytes);
                    }
                }
            } else if let Ok(mut s) = spill.lock() {
                s.hold(posts);
            }
            stages.add(SPILL, t.elapsed());
            stages.sub(PARSE, t.elapsed());
        },
    );
    let spilled = spill
        .into_inner()
        .map_err(|_| "spill lock poisoned")?
        .close()?;
    durations.insert("read".into(), t.elapsed().as_millis() as u64);
    responses.extend(
        new_responses
            .into_inner()
            .map_err(|_| "response index lock poisoned")?,
    );
    let responses = metrics::responsiveness::ResponseIndex::new(responses);
    state::write_bin(&state::responses_path(&staging.dir), &responses.as_slice())?;

    // Pass 2: per touched day, merge, deduplicate, analyse, write; carry the others.
    let t = Instant::now();
    let analyzer = Analyzer::new(cfg)?;
    let posts_dir = staging.table_dir("posts");
    crate::sinks::publish::create_dir_all(&posts_dir)
        .map_err(|e| format!("cannot create {}: {e}", posts_dir.display()))?;
    let by_month = cfg.output.partition == crate::config::Period::Month;
    let publish_from = retention_from(cfg, cfg.retention.days)?;
    let text_from = retention_from(cfg, cfg.retention.text_days)?;
    let (touched, carried) = plan.days(&spilled.days, publish_from, text_from, by_month);
    // Under month partitioning each recomputed day is written as a day file first,
    // and the months are written from those and the previous snapshot's months.
    let day_files = staging.dir.join(".days");
    let prior_posts = previous.map(|p| p.join("posts"));
    let prior_layout = match (&plan.prior, &prior_posts) {
        (Some(st), Some(dir)) => Some(plan::prior_layout(st, dir)),
        _ => None,
    };
    let pass = DayPass {
        cfg,
        analyzer: &analyzer,
        responses: &responses,
        spilled: &spilled,
        snapshot: &staging.dir,
        previous,
        prior_layout,
        posts_dir: if by_month { &day_files } else { &posts_dir },
        day_partitions: !by_month,
        stages,
        tz: timezone(cfg),
        publish_from,
        text_from,
        reanalyse: plan.reanalyse,
    };
    let (totals, days) = pass.run(&touched, &carried)?;
    let _ = std::fs::remove_dir_all(&spill_dir);
    let mut totals = totals;
    if by_month {
        let touched_days: Vec<i64> = touched.iter().map(|j| j.day).collect();
        totals.report.partitions = stages.time(stages::WRITE_POSTS, || {
            months::write(
                cfg,
                &staging.dir,
                months::Sources {
                    recomputed: &day_files,
                    prior: prior_layout,
                },
                &days,
                &touched_days,
            )
        })?;
        let _ = std::fs::remove_dir_all(&day_files);
    }
    durations.insert("dedup_analyse_write".into(), t.elapsed().as_millis() as u64);

    // Rejects: those of the inputs read now replace what the same paths gave before.
    // Paths that could not be walked are tonight's news only: not stored.
    let walked = &plan.to_read.rejects;
    let mut rejects: Vec<Reject> = match previous {
        Some(prev) => state::read_bin(&state::rejects_path(prev))?,
        None => Vec::new(),
    };
    let reread: std::collections::BTreeSet<&str> = inputs.iter().map(|r| r.path.as_str()).collect();
    rejects.retain(|r| !reread.contains(r.source_file.as_str()));
    rejects.extend(new_rejects.iter().filter(|r| !walked.contains(r)).cloned());
    read::sort_rejects(&mut rejects);
    state::write_bin(&state::rejects_path(&staging.dir), &rejects)?;
    rejects.extend(walked.iter().cloned());
    read::sort_rejects(&mut rejects);

    // The other tables.
    let t = Instant::now();
    let mut report = publish::write_tables(
        staging,
        cfg,
        pseudo,
        totals,
        &rejects,
        publish::Seen {
            new_rejects: new_rejects.len(),
            replies: responses.as_slice().len(),
        },
        stages,
    )?;
    durations.insert("write_tables".into(), t.elapsed().as_millis() as u64);
    report.durations_ms = durations;
    report.mode = plan.mode().to_string();
    report.inputs_unchanged = plan.unchanged.len() as u64;
    report.reanalysed = plan.reanalyse;
    report.partitions_rewritten = touched.len() as u64;
    plan.next_state(cfg, pseudo, &inputs, days)
        .save(&staging.dir)?;
    report.warnings.extend(warnings::file_notes(&inputs));
    report
        .warnings
        .extend(audit.warnings(accounts.any_declared()));
    report.top_reject_reasons = warnings::commonest_reasons(&new_rejects, 3);
    if let Some(w) = warnings::lost_inputs(&inputs) {
        report.warnings.insert(0, w);
    }
    report.inputs = inputs;
    Ok(report)
}

/// The first UTC day (days since the epoch) that keeps what `days` of retention keep:
/// `retention.as_of` (or the run's UTC date) minus `days`; none when `days` is 0.
fn retention_from(cfg: &Config, days: u32) -> Result<Option<i64>, String> {
    if days == 0 {
        return Ok(None);
    }
    let reference = match &cfg.retention.as_of {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| format!("retention.as_of: {d:?} is not YYYY-MM-DD"))?,
        None => chrono::Utc::now().date_naive(),
    };
    Ok(Some(
        (reference - chrono::NaiveDate::default()).num_days() - i64::from(days),
    ))
}

/// A run with nothing to read fails: no file was found, and either there is no
/// published state or none of the configured input paths exists. With a published
/// state and an input folder that exists, a night without new files still publishes
/// (retention moves on, a changed config re-analyses the stored posts); a path that is
/// not there at all is the same error on a fresh output and on an existing one.
pub(super) fn nothing_to_read(cfg: &Config, found: &Discovered, has_current: bool) -> bool {
    found.files.is_empty()
        && (!has_current
            || cfg
                .input
                .paths
                .iter()
                .all(|p| std::fs::symlink_metadata(p).is_err()))
}

/// The error of a run with nothing to read, naming what was wrong with each path.
pub fn no_inputs(found: &Discovered) -> RunError {
    RunError::NoInputs(no_inputs_message(found))
}

fn no_inputs_message(found: &Discovered) -> String {
    let problems: Vec<String> = found
        .reports
        .iter()
        .map(|r| {
            let why = r.error.as_deref().or(r.skipped.as_deref()).unwrap_or("");
            format!("{}: {why}", r.path)
        })
        .collect();
    if problems.is_empty() {
        "no input files found".to_string()
    } else {
        format!("no input files found ({})", problems.join("; "))
    }
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
    let found = sources::discover(&cfg.input.paths, &[], cfg.base_dir.as_deref());
    if found.files.is_empty() {
        return Err(no_inputs_message(&found));
    }
    let accounts = Accounts::from_config(cfg);
    let all: Mutex<Vec<Post>> = Mutex::new(Vec::new());
    let opts = RunOptions {
        quiet: true,
        ..RunOptions::default()
    };
    let stages = Stages::new();
    let (inputs, rejects) = read::read_inputs(
        cfg,
        &opts,
        &found,
        read::Reading {
            accounts: &accounts,
            pseudo,
            audit: &Default::default(),
        },
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
    let metrics = accumulate(&posts, timezone(cfg));
    Ok(Collected {
        posts,
        rejects,
        inputs,
        escalations,
        emerging,
        metrics,
    })
}
