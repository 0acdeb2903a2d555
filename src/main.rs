//! `socialpulse` command line: a thin shell over the library's pipeline.

use clap::{Parser, Subcommand};
use serde_json::json;
use socialpulse::analysis::classifier::{self, train::ThresholdRule};
use socialpulse::config::{AccountConfig, Config};
use socialpulse::corpus;
use socialpulse::exit::ExitStatus;
use socialpulse::pipeline::{self, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

// mimalloc: the pipeline allocates many short-lived strings on every thread; glibc's
// per-thread arenas fragment under that load (peak RSS several times the live heap).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` that tolerates a closed stdout (`socialpulse ... | head`).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "socialpulse",
    version,
    about = "Social listening and sentiment analytics: post archives in, Parquet out."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run a pipeline: `socialpulse run pipelines/example.toml`, or
    /// `socialpulse run --input DIR --out OUT` with defaults.
    Run {
        /// Pipeline config (TOML).
        config: Option<PathBuf>,
        /// Input files or directories (added to the config's inputs).
        #[arg(long = "input", short = 'i')]
        inputs: Vec<PathBuf>,
        /// Output directory (overrides the config).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Own account handle, `platform:handle` or `handle` (repeatable).
        #[arg(long = "account")]
        accounts: Vec<String>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// No progress or per-file lines; errors and the summary only.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Rebuild every table from all inputs, ignoring what earlier runs ingested.
        #[arg(long)]
        full: bool,
        /// With --full: rebuild even though inputs ingested before are gone, dropping
        /// their posts (without it such a rebuild is refused and names them).
        #[arg(long, requires = "full")]
        forget_missing: bool,
        /// Print what the run would read and rewrite, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// `text` for people; `json` for schedulers and log shippers: one JSON object
        /// per line on stdout (events start, input, warning, error, publish, exit).
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
    },
    /// Show what the readers make of one file: its format and first rows, or for an
    /// export no layout recognises a suggested `[[mappings]]` block and the first rows
    /// read through it.
    Inspect {
        /// The file (CSV, NDJSON, JSON, XLSX/ODS; gzip or zstd too).
        file: PathBuf,
        /// Read with this pipeline config's mappings and accounts.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Build the HTML report again from an output's published tables:
    /// `socialpulse report out/example` (writes `out/example/current/report.html`,
    /// which `out/example/report.html` links to).
    Report {
        /// The output directory a run wrote (the one holding `current/`).
        out: PathBuf,
        /// Write the report to this file instead of into the published snapshot
        /// (`--output` and `-o`, its former names, still work).
        #[arg(long = "report-file", alias = "output", short_alias = 'o')]
        output: Option<PathBuf>,
        /// Days in the report's period, as `report.period_days` (default: as the run's
        /// config said).
        #[arg(long)]
        period_days: Option<u32>,
        /// First-response target in minutes, as `report.response_target_minutes`
        /// (default: as the run's config said; `--target-minutes`, its former name,
        /// still works).
        #[arg(long = "response-target-minutes", alias = "target-minutes")]
        target_minutes: Option<f64>,
    },
    /// Train a classifier from labelled posts and write its model file:
    /// `socialpulse train complaint --labels complaints.csv --out models/complaint.json`.
    /// Prints the k-fold cross-validated precision, recall and F1 and the threshold chosen.
    Train {
        /// The classifier's name: `question`, `complaint`, `harm` (to replace a built-in
        /// flag's model) or a label of your own.
        name: String,
        /// CSV or TSV with the columns `text` and `label` (1/0 or true/false); repeat
        /// to train on several files (figures are printed per file).
        #[arg(long, required = true)]
        labels: Vec<PathBuf>,
        /// Where to write the model file (JSON).
        #[arg(long, short = 'o')]
        out: PathBuf,
        /// Pipeline config whose rules and sentiment settings the features read
        /// (default: the built-in ones).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Folds of the cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// The threshold is the best F1 among those reaching this precision.
        #[arg(long, default_value_t = 0.75)]
        min_precision: f64,
        /// Choose instead the highest threshold reaching this recall.
        #[arg(long)]
        min_recall: Option<f64>,
    },
    /// Precision, recall and F1 of a classifier on labelled posts:
    /// `socialpulse evaluate question --labels questions.csv [--model M]`.
    Evaluate {
        /// `question` or `harm` (the built-in model unless --model), or any name with --model.
        name: String,
        /// CSV or TSV with the columns `text` and `label`.
        #[arg(long, required = true)]
        labels: Vec<PathBuf>,
        /// A model file written by `socialpulse train`.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Pipeline config whose rules and sentiment settings the features read.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write a deterministic synthetic corpus and a `pipeline.toml` that reads it:
    /// `socialpulse generate --posts 100000 --out bench/data/100k`.
    Generate {
        /// Number of records (posts, re-exported duplicates and malformed records).
        #[arg(long, default_value_t = 10_000)]
        posts: u64,
        /// Archive format.
        #[arg(long, default_value = "ndjson",
              value_parser = clap::builder::PossibleValuesParser::new(
                  socialpulse::corpus::FORMATS.iter().map(|(name, _)| *name)))]
        format: String,
        /// Output directory (data in OUT/data, config in OUT/pipeline.toml).
        #[arg(long, short = 'o')]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Compression of line-oriented files.
        #[arg(long, default_value = "gzip",
              value_parser = clap::builder::PossibleValuesParser::new(["none", "gzip", "zstd"]))]
        compression: String,
        /// Records per file.
        #[arg(long, default_value_t = 100_000)]
        posts_per_file: u64,
        /// Days the corpus spans (default: from the size, 7 to 365).
        #[arg(long, default_value_t = 0)]
        days: u32,
    },
}

/// `--log-format json`, for the signal handler's exit event.
static JSON_LOG: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    let cli = Cli::parse();
    // An interrupted run removes what it staged; the published output stays as it was.
    if let Command::Run { log_format, .. } = &cli.command {
        JSON_LOG.store(*log_format == LogFormat::Json, Ordering::SeqCst);
    }
    if let Err(e) = ctrlc::set_handler(|| {
        socialpulse::sinks::publish::abandon_all();
        eprintln!("interrupted: nothing was published");
        if JSON_LOG.load(Ordering::SeqCst) {
            Log(LogFormat::Json).exit(ExitStatus::Interrupted);
        }
        std::process::exit(i32::from(ExitStatus::Interrupted.code()));
    }) {
        eprintln!("warning: cannot install the signal handler ({e}); an interrupted run leaves its staging directory for the next run to remove");
    }
    match cli.command {
        Command::Train {
            name,
            labels,
            out,
            config,
            folds,
            min_precision,
            min_recall,
        } => {
            let rule = match min_recall {
                Some(r) => ThresholdRule::Recall(r),
                None => ThresholdRule::MaxF1 { min_precision },
            };
            let opts = classifier::train::Options {
                folds,
                rule,
                ..Default::default()
            };
            match classifier::train::train_files(&name, &labels, config.as_deref(), &opts, &out) {
                Ok(t) => {
                    say!(
                        "{name}: threshold {:.2} ({}), regularisation C = {}, {} weights; wrote {}\n\ncross-validated ({folds} folds):\n\n{}",
                        t.file.threshold,
                        t.file.training.threshold_rule,
                        t.file.training.c,
                        t.file.weights.len(),
                        out.display(),
                        classifier::train::table(&t.file.training.cv)
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(e.exit_code())
                }
            }
        }
        Command::Evaluate {
            name,
            labels,
            model,
            config,
        } => match classifier::train::evaluate_files(
            &name,
            &labels,
            model.as_deref(),
            config.as_deref(),
        ) {
            Ok((threshold, rows)) => {
                say!(
                    "{name} at threshold {threshold:.2}:\n\n{}",
                    classifier::train::table(&rows)
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(e.exit_code())
            }
        },
        Command::Generate {
            posts,
            format,
            out,
            seed,
            compression,
            posts_per_file,
            days,
        } => generate(
            posts,
            &format,
            &out,
            seed,
            &compression,
            posts_per_file,
            days,
        ),
        Command::Inspect { file, config } => inspect(&file, config.as_deref()),
        Command::Report {
            out,
            output,
            period_days,
            target_minutes,
        } => report(&out, output, period_days, target_minutes),
        Command::Run {
            config,
            inputs,
            out,
            accounts,
            threads,
            quiet,
            full,
            forget_missing,
            dry_run,
            log_format,
        } => {
            let log = Log(log_format);
            log.event(
                "start",
                json!({ "config": config, "full": full, "dry_run": dry_run }),
            );
            let mut cfg = match &config {
                Some(path) => match Config::load(path) {
                    Ok(c) => c,
                    Err(e) => return log.fail(&e, ExitStatus::Usage),
                },
                None => Config::default(),
            };
            if config.is_none() && inputs.is_empty() {
                return log.fail(
                    "give a pipeline config or at least one --input",
                    ExitStatus::Usage,
                );
            }
            cfg.input.paths.extend(inputs);
            if let Some(o) = out {
                cfg.output.dir = o;
            }
            for a in accounts {
                let (platform, handle) = a.split_once(':').unwrap_or(("", a.as_str()));
                cfg.accounts.push(AccountConfig {
                    platform: platform.to_string(),
                    handle: handle.to_string(),
                    ..AccountConfig::default()
                });
            }
            if let Some(t) = threads {
                cfg.run.threads = t;
            }
            // `--account` entries are checked as the config's are.
            if let Err(e) = cfg.validate() {
                return log.fail(&e, ExitStatus::Usage);
            }
            if dry_run {
                return match pipeline::dry_run(&cfg) {
                    Ok(d) if log_format == LogFormat::Json => {
                        log.event("dry_run", serde_json::to_value(&d).unwrap_or_default());
                        log.exit(ExitStatus::Success)
                    }
                    Ok(d) => {
                        print_dry_run(&d);
                        ExitCode::SUCCESS
                    }
                    Err(e) => log.fail(&e.to_string(), stopping_or(e.status())),
                };
            }
            let opts = RunOptions {
                quiet: quiet || log_format == LogFormat::Json,
                full,
                forget_missing,
            };
            match pipeline::run(&cfg, &opts) {
                Ok(report) => log.finished(&report),
                Err(e) => log.fail(&e.to_string(), stopping_or(e.status())),
            }
        }
    }
}

fn inspect(file: &std::path::Path, config: Option<&std::path::Path>) -> ExitCode {
    use socialpulse::sources::inspect;
    if !file.is_file() {
        eprintln!("error: {} is not a file", file.display());
        return ExitStatus::Usage.into();
    }
    let cfg = match config.map(Config::load).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitStatus::Usage.into();
        }
    };
    let found = inspect::inspect(file, &cfg);
    match (&found.format, &found.suggested) {
        (Some(f), _) => say!("{}: {f}", file.display()),
        (None, Some(m)) => {
            say!(
                "{}: no layout recognises it ({}).\ncolumns: {}\n\nsuggested mapping (check it, then add it to the pipeline config):\n\n{}",
                file.display(),
                found.error.as_deref().unwrap_or("unrecognised"),
                found.header.join(", "),
                inspect::to_toml(m)
            );
        }
        (None, None) => {
            say!(
                "{}: no layout recognises it ({}).\ncolumns: {}\nno column looks like an id, a text and a time: write a [[mappings]] entry (docs/configuration.md)",
                file.display(),
                found.error.as_deref().unwrap_or("unrecognised"),
                found.header.join(", ")
            );
            return ExitStatus::Failed.into();
        }
    }
    if let (Some(e), Some(_)) = (&found.error, &found.format) {
        say!("problem: {e}");
    }
    say!("first {} rows as read:", found.rows.len());
    for p in &found.rows {
        let text: String = p.text.chars().take(80).collect();
        say!(
            "  {} {}: id {}, {} {}, author {}, reply to {}: {text}",
            p.source_position,
            p.platform,
            p.post_id,
            socialpulse::text::utc_date(p.created_at),
            chrono::DateTime::from_timestamp_micros(p.created_at)
                .map(|t| t.format("%H:%M:%S").to_string())
                .unwrap_or_default(),
            p.author_handle.as_deref().unwrap_or("-"),
            p.reply_to_id.as_deref().unwrap_or("-"),
        );
    }
    for r in &found.rejects {
        say!(
            "  reject at {} {}: {}",
            r.position_kind.as_str(),
            r.position,
            r.reason
        );
    }
    if let Some(block) = inspect::accounts_toml(&found, &cfg) {
        say!("\nown accounts it shows that [[accounts]] does not declare (check them, then add them to the pipeline config):\n\n{block}");
    }
    ExitCode::SUCCESS
}

fn report(
    out: &std::path::Path,
    output: Option<PathBuf>,
    period_days: Option<u32>,
    target_minutes: Option<f64>,
) -> ExitCode {
    use socialpulse::report;
    let Some(snapshot) = socialpulse::sinks::publish::current(out) else {
        eprintln!(
            "error: {} holds no published run (no {}/current); run `socialpulse run` first",
            out.display(),
            out.display()
        );
        return ExitCode::from(2);
    };
    let result = report::Settings::from_manifest(&snapshot).and_then(|mut s| {
        if let Some(p) = period_days {
            s.period_days = p;
        }
        if let Some(t) = target_minutes {
            s.response_target_minutes = t;
        }
        match &output {
            Some(path) => report::build(&snapshot, &s).and_then(|page| {
                std::fs::write(path, page)
                    .map(|_| path.clone())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            }),
            None => report::write(&snapshot, &s).and_then(|p| {
                report::link(out)?;
                Ok(p)
            }),
        }
    });
    match result {
        Ok(path) => {
            say!("report {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A run failing because a signal stopped it waits here: the handler is removing the
/// snapshot and exits 130 when done.
fn stopping_or(status: ExitStatus) -> ExitStatus {
    if socialpulse::sinks::publish::stopping() {
        loop {
            std::thread::park();
        }
    }
    status
}

/// Where a run's events go: people's text on stderr/stdout, or one JSON object per line
/// on stdout (`--log-format json`).
struct Log(LogFormat);

impl Log {
    fn event(&self, event: &str, fields: serde_json::Value) {
        if self.0 != LogFormat::Json {
            return;
        }
        let mut line = json!({ "event": event, "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true) });
        if let (Some(l), serde_json::Value::Object(f)) = (line.as_object_mut(), fields) {
            l.extend(f);
        }
        say!("{line}");
    }

    fn exit(&self, status: ExitStatus) -> ExitCode {
        self.event(
            "exit",
            json!({ "code": status.code(), "status": status.name() }),
        );
        status.into()
    }

    fn fail(&self, message: &str, status: ExitStatus) -> ExitCode {
        if self.0 == LogFormat::Json {
            self.event("error", json!({ "message": message }));
        } else {
            eprintln!("error: {message}");
        }
        self.exit(status)
    }

    /// A published run: its inputs, warnings and publication, then the exit status.
    fn finished(&self, report: &pipeline::RunReport) -> ExitCode {
        let status = report.exit_status();
        if self.0 == LogFormat::Text {
            print_summary(report);
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            if report.too_many_rejects() {
                eprintln!(
                    "error: reject ratio {:.2}% exceeds run.max_reject_ratio {:.2}% (see {}/current/rejects)",
                    report.reject_ratio * 100.0,
                    report.max_reject_ratio * 100.0,
                    report.output
                );
                let reasons: Vec<String> = report
                    .top_reject_reasons
                    .iter()
                    .map(|r| format!("{} × {}", r.rejects, r.reason))
                    .collect();
                if !reasons.is_empty() {
                    eprintln!("  commonest reasons: {}", reasons.join("; "));
                }
            }
            return status.into();
        }
        for i in &report.inputs {
            self.event("input", serde_json::to_value(i).unwrap_or_default());
        }
        for w in &report.warnings {
            self.event("warning", json!({ "message": w }));
        }
        self.event(
            "publish",
            json!({
                "run_id": report.run_id,
                "snapshot": report.snapshot,
                "mode": report.mode,
                "posts_written": report.posts_written,
                "posts_new": report.posts_new,
                "rejects": report.rejects,
                "reject_ratio": report.reject_ratio,
                "inputs_lost": report.inputs_lost,
                "escalations": report.escalations,
            }),
        );
        self.exit(status)
    }
}

fn print_dry_run(d: &pipeline::DryRun) {
    match &d.full_reason {
        Some(why) => say!("dry run: a full run ({why})"),
        None => say!("dry run: an {} run", d.mode),
    }
    say!(
        "  read      {} input files ({} unchanged, not read), {} posts",
        d.read.len(),
        d.unchanged,
        d.posts
    );
    for f in &d.read {
        say!("            {f}");
    }
    if d.reanalyse {
        say!("  analyse   every stored post again (the analysis config changed)");
    }
    say!("  rewrite   {} days", d.days.len());
    for day in &d.days {
        say!("            {day}");
    }
    say!("nothing was written");
}

fn generate(
    posts: u64,
    format: &str,
    out: &std::path::Path,
    seed: u64,
    compression: &str,
    posts_per_file: u64,
    days: u32,
) -> ExitCode {
    let spec = (|| {
        Ok::<_, String>(corpus::Spec {
            posts,
            format: format.parse()?,
            seed,
            compression: compression.parse()?,
            posts_per_file,
            days,
        })
    })();
    let spec = match spec {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match corpus::generate(&spec, out) {
        Ok(s) => {
            say!(
                "wrote {} records ({} unique posts, {} duplicates, {} malformed) in {} files, {} bytes",
                s.records,
                s.unique_posts,
                s.duplicates,
                s.malformed,
                s.files.len(),
                s.bytes
            );
            say!("  run: socialpulse run {}", s.config.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_summary(r: &pipeline::RunReport) {
    let secs = r.durations_ms.get("total").copied().unwrap_or(0) as f64 / 1000.0;
    let failed: Vec<&str> = r
        .inputs
        .iter()
        .filter(|i| i.error.is_some())
        .map(|i| i.path.as_str())
        .collect();
    say!(
        "socialpulse {}: {} files, {} posts ({} duplicates removed), {} rejects ({:.2}%) in {:.2}s",
        r.version,
        r.inputs.len(),
        r.posts_written,
        r.duplicates_removed,
        r.rejects,
        r.reject_ratio * 100.0,
        secs
    );
    say!(
        "  {} run: {} new posts, {} inputs read, {} unchanged, {} days recomputed",
        r.mode,
        r.posts_new,
        r.inputs.len(),
        r.inputs_unchanged,
        r.partitions_rewritten
    );
    say!(
        "  posts    {}/current/posts ({} partitions)",
        r.output,
        r.partitions.len()
    );
    say!("  rejects  {}/current/rejects", r.output);
    say!("  manifest {}/current/_run.json", r.output);
    for f in failed {
        say!("  problem  {f}: see rejects");
    }
}
