//! `socialpulse` command line: a thin shell over the library's pipeline.

use clap::{Parser, Subcommand};
use socialpulse::config::{AccountConfig, Config};
use socialpulse::pipeline::{self, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;

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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            config,
            inputs,
            out,
            accounts,
            threads,
            quiet,
        } => {
            let mut cfg = match &config {
                Some(path) => match Config::load(path) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                },
                None => Config::default(),
            };
            if config.is_none() && inputs.is_empty() {
                eprintln!("error: give a pipeline config or at least one --input");
                return ExitCode::from(2);
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
            match pipeline::run(&cfg, &RunOptions { quiet }) {
                Ok(report) => {
                    print_summary(&report);
                    if report.too_many_rejects() {
                        eprintln!(
                            "error: reject ratio {:.2}% exceeds run.max_reject_ratio {:.2}% (see {}/rejects)",
                            report.reject_ratio * 100.0,
                            report.max_reject_ratio * 100.0,
                            report.output
                        );
                        return ExitCode::from(3);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
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
    println!(
        "socialpulse {}: {} files, {} posts ({} duplicates removed), {} rejects ({:.2}%) in {:.2}s",
        r.version,
        r.inputs.len(),
        r.posts_written,
        r.duplicates_removed,
        r.rejects,
        r.reject_ratio * 100.0,
        secs
    );
    println!(
        "  posts    {}/posts ({} daily partitions)",
        r.output,
        r.partitions.len()
    );
    println!("  rejects  {}/rejects", r.output);
    println!("  manifest {}/_run.json", r.output);
    for f in failed {
        println!("  problem  {f}: see rejects");
    }
}
