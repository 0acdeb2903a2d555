//! Pass 1: read every input (files in parallel, records in parallel batches) and
//! normalise each draft into a post.

use super::normalise::{normalise, Accounts};
use super::stages::{Stages, PARSE};
use super::warnings::Audit;
use super::RunOptions;
use crate::config::Config;
use crate::model::{FileReport, Post, Reject};
use crate::privacy::Pseudonymiser;
use crate::sources::{self, Batch, Discovered};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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

/// Who the organisation is, how the public is pseudonymised, and what the reading
/// notices: what pass 1 turns drafts into posts with.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    pub accounts: &'a Accounts,
    pub pseudo: &'a Pseudonymiser,
    pub audit: &'a Audit,
}

/// A parsed batch: its drafts normalised into posts for `on_posts`, its rejects kept
/// in `rejects` with their raw excerpts masked as the privacy options say.
fn take_batch(
    batch: Batch,
    reading: &Reading,
    on_posts: &(dyn Fn(Vec<Post>) + Sync),
    rejects: &Mutex<Vec<Reject>>,
) {
    let Reading {
        accounts,
        pseudo,
        audit,
    } = *reading;
    let mut drafts = batch.drafts;
    audit.self_replies(&mut drafts);
    let posts: Vec<Post> = drafts
        .into_par_iter()
        .map(|d| normalise(d, accounts, pseudo))
        .collect();
    audit.posts(&posts, accounts);
    on_posts(posts);
    if !batch.rejects.is_empty() {
        let mut batch_rejects = batch.rejects;
        // A raw record names its author: only its shape is kept by default.
        if !pseudo.keeps_raw() {
            for r in &mut batch_rejects {
                r.raw_excerpt = crate::privacy::mask_excerpt(&r.raw_excerpt);
            }
        }
        match rejects.lock() {
            Ok(mut r) => r.extend(batch_rejects),
            Err(p) => p.into_inner().extend(batch_rejects),
        }
    }
}

/// Read the lines starting in one byte range of a plain line-format file (see
/// [`sources::line_ranges`]) as pass 1 reads a whole file: normalised posts to
/// `on_posts`, the range's report and rejects returned.
pub fn read_range(
    cfg: &Config,
    (path, start, end): (&std::path::Path, u64, u64),
    reading: Reading,
    on_posts: &(dyn Fn(Vec<Post>) + Sync),
) -> (FileReport, Vec<Reject>) {
    let rejects: Mutex<Vec<Reject>> = Mutex::new(Vec::new());
    let emit = |batch: Batch| take_batch(batch, &reading, on_posts, &rejects);
    let report = sources::read_line_range(path, start, end, cfg, &emit);
    let mut rejects = match rejects.into_inner() {
        Ok(r) => r,
        Err(p) => p.into_inner(),
    };
    sort_rejects(&mut rejects);
    (report, rejects)
}

/// Pass 1: read every file (in parallel), normalise its drafts and hand them to
/// `on_posts` batch by batch. Returns the per-file reports and all rejects, those of
/// the paths discovery could not walk included.
pub fn read_inputs(
    cfg: &Config,
    opts: &RunOptions,
    found: &Discovered,
    reading: Reading,
    stages: &Stages,
    on_posts: &(dyn Fn(Vec<Post>) + Sync),
) -> (Vec<FileReport>, Vec<Reject>) {
    let files = &found.files;
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let progress = Progress::new(total_bytes, cfg.run.progress, opts.quiet);
    let rejects: Mutex<Vec<Reject>> = Mutex::new(Vec::new());
    let emit = |batch: Batch| {
        take_batch(batch, &reading, on_posts, &rejects);
        progress.tick();
    };
    let mut reports: Vec<FileReport> = files
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
    rejects.extend(found.rejects.iter().cloned());
    sort_rejects(&mut rejects);
    reports.extend(found.reports.iter().cloned());
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    (reports, rejects)
}

pub fn sort_rejects(rejects: &mut [Reject]) {
    rejects.sort_by(|a, b| {
        (&a.source_file, a.position, &a.reason).cmp(&(&b.source_file, b.position, &b.reason))
    });
}
