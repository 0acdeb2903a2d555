//! What a run does given the published state: which inputs it reads, which days it
//! recomputes, and whether stored posts are analysed again.
//!
//! - An input whose recorded path, size and modification time are unchanged was
//!   ingested already and is not read; a new path, or a recorded one whose size or
//!   time changed, is read (its posts merged like any re-export's, its rejects
//!   replacing the ones that path gave before). A file that could not be read to its
//!   end is not recorded, so every run reads it again until it reads whole.
//! - A day is recomputed when new posts fall on it, when it crosses a retention
//!   boundary, or when the analysis config or the partitioning changed; every other day
//!   is carried over (files hard-linked, summary folded into the tables).
//! - When what reading depends on changed (mappings, accounts, privacy options or
//!   key), stored posts cannot follow: the run stops and asks for `--full`.

use super::analyse::DayJob;
use super::state::{self, DayState, InputRecord, State, STATE_FORMAT};
use super::{RunError, RunOptions};
use crate::config::Config;
use crate::model::FileReport;
use crate::privacy::Pseudonymiser;
use crate::sources::Discovered;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Plan {
    /// The state of the previous snapshot, when this run builds on it.
    pub prior: Option<State>,
    /// Why the run is full (no state yet, `--full`, an older layout).
    pub full_reason: Option<String>,
    /// The inputs to read (with discovery's own rejects and reports).
    pub to_read: Discovered,
    /// Recorded paths of inputs found unchanged (not read).
    pub unchanged: Vec<String>,
    pub reanalyse: bool,
    /// The `posts` partitioning changed: every partition is written again.
    pub repartition: bool,
    /// The state has the previous layout (format 2): every day is rewritten in this one.
    pub migrate: bool,
    /// The run's stamp of each input it reads.
    stamps: BTreeMap<String, (u64, i64)>,
}

/// A pseudonym made with the run's key: changes exactly when the key does.
fn key_check(pseudo: &Pseudonymiser) -> String {
    pseudo.pseudonym("socialpulse", "key-check")
}

pub fn plan(
    cfg: &Config,
    found: &Discovered,
    previous: Option<&Path>,
    opts: &RunOptions,
    pseudo: &Pseudonymiser,
) -> Result<Plan, RunError> {
    let full = opts.full;
    if let Some(prev) = previous.filter(|_| full && !opts.forget_missing) {
        refuse_to_forget(cfg, found, prev)?;
    }
    // `--full` never reads the state: it is the way out of a damaged one.
    let prior = match previous.filter(|_| !full) {
        Some(p) => State::load(p)?,
        None => None,
    };
    let full_reason = if full {
        Some("--full".to_string())
    } else if previous.is_none() {
        Some("first run into this output".to_string())
    } else if prior.is_none() {
        // (an older layout: `State::load` gives none for another format)
        Some(format!(
            "the output holds no nightly state of format {STATE_FORMAT}"
        ))
    } else {
        None
    };
    let prior = prior.filter(|_| full_reason.is_none());
    if let (Some(st), Some(prev)) = (&prior, previous) {
        check_snapshot(cfg, st, prev)?;
    }
    if let Some(st) = &prior {
        let check = key_check(pseudo);
        let same = st.ingest == state::ingest_fingerprint(cfg, &check)
            || st.ingest == state::legacy_ingest_fingerprint(cfg, &check);
        if !same {
            let now = state::ingest_parts(cfg, &pseudo.key_id());
            let changed: Vec<&str> = now
                .iter()
                .filter(|(k, v)| st.ingest_parts.get(*k).is_some_and(|old| old != *v))
                .map(|(k, _)| k.as_str())
                .collect();
            let what = if changed.is_empty() {
                "the mappings, accounts, privacy options, pseudonymisation key or input time zone differ".to_string()
            } else {
                format!("{} changed", changed.join(", "))
            };
            let key_note = if changed.contains(&"the pseudonymisation key") {
                " (a --full run under another key changes every pseudonym: to keep them, give the run the key the output was built with)"
            } else {
                ""
            };
            return Err(RunError::NeedsFull(format!(
                "{}: {what} since the stored posts were read{key_note}; \
                 stored posts cannot follow such a change without their inputs: {}",
                cfg.output.dir.display(),
                state::FULL_HINT
            )));
        }
    }
    let mut to_read = Discovered {
        files: Vec::new(),
        rejects: found.rejects.clone(),
        reports: found.reports.clone(),
    };
    let mut unchanged = Vec::new();
    let mut stamps = BTreeMap::new();
    for f in &found.files {
        let path = cfg.display_path(f);
        let stamp = state::file_stamp(f).unwrap_or((0, 0));
        let seen = prior
            .as_ref()
            .and_then(|st| st.inputs.get(&path))
            .is_some_and(|r| (r.bytes, r.modified_ns) == stamp);
        if seen {
            unchanged.push(path);
        } else {
            to_read.files.push(f.clone());
            stamps.insert(path, stamp);
        }
    }
    let reanalyse = prior
        .as_ref()
        .is_some_and(|st| st.analysis != state::analysis_fingerprint(cfg));
    let repartition = prior
        .as_ref()
        .is_some_and(|st| st.partition != cfg.output.partition.as_str());
    let migrate = prior
        .as_ref()
        .is_some_and(|st| st.format == state::LEGACY_FORMAT);
    Ok(Plan {
        prior,
        full_reason,
        to_read,
        unchanged,
        reanalyse,
        repartition,
        migrate,
        stamps,
    })
}

/// The files of the published snapshot a run builds on (each day's summary, stored
/// posts and partition, the response index, the rejects) are all there: one deleted by
/// hand would otherwise fail every later run at the point of linking it.
fn check_snapshot(cfg: &Config, st: &State, prev: &Path) -> Result<(), RunError> {
    let mut needed = vec![state::responses_path(prev), state::rejects_path(prev)];
    let posts = prev.join("posts");
    for (&day, d) in &st.days {
        needed.push(state::summary_path(prev, day));
        if d.stored {
            needed.push(if st.format == state::LEGACY_FORMAT {
                state::legacy_posts_path(prev, day)
            } else {
                state::sidecar_path(prev, day)
            });
            needed.push(prior_layout(st, &posts).partition(day));
        }
    }
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !p.is_file())
        .map(|p| p.strip_prefix(prev).unwrap_or(p).display().to_string())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut named: Vec<String> = missing.iter().take(5).cloned().collect();
    if missing.len() > 5 {
        named.push(format!("and {} more", missing.len() - 5));
    }
    Err(RunError::Config(format!(
        "{}/current is missing {} file(s) the next run builds on: {} (deleted by hand, or a partial copy); \
         restore them, or {}",
        cfg.output.dir.display(),
        missing.len(),
        named.join(", "),
        state::FULL_HINT
    )))
}

/// Where the previous snapshot's `posts` rows are, as its state records the layout.
pub fn prior_layout<'a>(st: &State, prev_posts: &'a Path) -> super::stored::Layout<'a> {
    super::stored::Layout {
        posts_dir: prev_posts,
        by_month: st.partition == crate::config::Period::Month.as_str(),
    }
}

/// A full rebuild reads only the inputs found now: refuse it when inputs the state
/// holds posts from are gone, naming them. (A state too damaged to list its inputs
/// cannot be checked; `--full` is the way out of it.)
fn refuse_to_forget(cfg: &Config, found: &Discovered, previous: &Path) -> Result<(), RunError> {
    let Ok(Some(st)) = State::load(previous) else {
        return Ok(());
    };
    let now: std::collections::BTreeSet<String> =
        found.files.iter().map(|f| cfg.display_path(f)).collect();
    let gone: Vec<&String> = st.inputs.keys().filter(|p| !now.contains(*p)).collect();
    if gone.is_empty() {
        return Ok(());
    }
    let mut named: Vec<String> = gone.iter().take(5).map(|p| p.to_string()).collect();
    if gone.len() > 5 {
        named.push(format!("and {} more", gone.len() - 5));
    }
    Err(RunError::Config(format!(
        "--full rebuilds {} from the inputs found now, but {} of the {} inputs it holds posts from are gone: {}; \
         their posts would leave every table. Restore them to input.paths, or confirm with --full --forget-missing",
        cfg.output.dir.display(),
        gone.len(),
        st.inputs.len(),
        named.join(", ")
    )))
}

impl Plan {
    pub fn mode(&self) -> &'static str {
        if self.prior.is_none() {
            "full"
        } else if self.to_read.files.is_empty()
            && !self.reanalyse
            && !self.repartition
            && !self.migrate
        {
            "unchanged"
        } else {
            "incremental"
        }
    }

    /// Split the days into those recomputed and those carried over.
    pub fn days(
        &self,
        spilled: &[i64],
        publish_from: Option<i64>,
        text_from: Option<i64>,
        by_month: bool,
    ) -> (Vec<DayJob>, Vec<(i64, DayState)>) {
        let empty = BTreeMap::new();
        let prior = self.prior.as_ref().map_or(&empty, |s| &s.days);
        let spilled: std::collections::BTreeSet<i64> = spilled.iter().copied().collect();
        let mut touched = Vec::new();
        let mut carried = Vec::new();
        for (&day, &st) in prior {
            let expires = st.stored && publish_from.is_some_and(|f| day < f);
            let loses_text = st.text && text_from.is_some_and(|f| day < f);
            // Day partitions are rewritten on a change of layout; month ones are
            // written from the stored days after the pass.
            let relayout = self.repartition && !by_month;
            if spilled.contains(&day)
                || self.reanalyse
                || self.migrate
                || expires
                || loses_text
                || relayout
            {
                touched.push(DayJob {
                    day,
                    spilled: spilled.contains(&day),
                    prior: Some(st),
                });
            } else {
                carried.push((day, st));
            }
        }
        for &day in spilled.iter().filter(|d| !prior.contains_key(d)) {
            touched.push(DayJob {
                day,
                spilled: true,
                prior: None,
            });
        }
        touched.sort_by_key(|j| j.day);
        (touched, carried)
    }

    /// The state the new snapshot records.
    pub fn next_state(
        &self,
        cfg: &Config,
        pseudo: &Pseudonymiser,
        read: &[FileReport],
        days: Vec<(i64, DayState)>,
    ) -> State {
        let mut inputs = self
            .prior
            .as_ref()
            .map(|s| s.inputs.clone())
            .unwrap_or_default();
        for r in read {
            // A file that could not be read to its end is not ingested: the next run
            // reads it again (repaired files often keep their size and time).
            if r.error.is_some() {
                inputs.remove(&r.path);
                continue;
            }
            if let Some(&(bytes, modified_ns)) = self.stamps.get(&r.path) {
                inputs.insert(
                    r.path.clone(),
                    InputRecord {
                        bytes,
                        modified_ns,
                        blake3: r.blake3.clone(),
                    },
                );
            }
        }
        State {
            format: STATE_FORMAT,
            ingest: state::ingest_fingerprint(cfg, &key_check(pseudo)),
            ingest_parts: state::ingest_parts(cfg, &pseudo.key_id()),
            analysis: state::analysis_fingerprint(cfg),
            partition: cfg.output.partition.as_str().to_string(),
            inputs,
            days: days.into_iter().collect(),
        }
    }

    /// Paths of the inputs this run reads.
    pub fn reading(&self) -> &[PathBuf] {
        &self.to_read.files
    }
}
