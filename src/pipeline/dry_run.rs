//! `socialpulse run --dry-run`: plan a run and read its new inputs in memory, changing
//! nothing on disk.

use super::{no_inputs, plan, read, retention_from, Accounts, RunError, RunOptions, Stages};
use crate::config::Config;
use crate::privacy::Pseudonymiser;
use crate::sinks;
use crate::sources;
use crate::text::utc_day;
use std::sync::Mutex;

/// What a run would do, found without writing anything (`socialpulse run --dry-run`).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct DryRun {
    /// `full`, `incremental` or `unchanged`, as the run would record it.
    pub mode: String,
    /// Why the run would be full.
    pub full_reason: Option<String>,
    /// Inputs the run would read (new, or changed since they were ingested).
    pub read: Vec<String>,
    /// Inputs ingested before and unchanged.
    pub unchanged: usize,
    pub reanalyse: bool,
    /// UTC dates the run would recompute (and whose partitions it would rewrite).
    pub days: Vec<String>,
    /// Posts the new inputs hold (before deduplication).
    pub posts: u64,
}

/// Plan a run and read its new inputs in memory, changing nothing on disk.
pub fn dry_run(cfg: &Config) -> Result<DryRun, RunError> {
    crate::sinks::publish::check_current(&cfg.output.dir).map_err(RunError::Config)?;
    let out = cfg.output.dir.clone();
    let found = sources::discover(
        &cfg.input.paths,
        std::slice::from_ref(&out),
        cfg.base_dir.as_deref(),
    );
    let previous = sinks::publish::current(&out);
    if super::nothing_to_read(cfg, &found, previous.is_some()) {
        return Err(no_inputs(&found));
    }
    let state_dir = out.join(".socialpulse");
    // Without a published state the key does not matter, and none is generated.
    let pseudo = match previous {
        Some(_) => Pseudonymiser::from_config(&cfg.privacy, &state_dir)?.0,
        None => Pseudonymiser::from_secret(b"dry-run", cfg.privacy.keep_public_identities),
    };
    let opts = RunOptions {
        quiet: true,
        ..RunOptions::default()
    };
    let plan = plan::plan(cfg, &found, previous.as_deref(), &opts, &pseudo)?;
    let days: Mutex<std::collections::BTreeSet<i64>> = Mutex::new(Default::default());
    let posts = std::sync::atomic::AtomicU64::new(0);
    read::read_inputs(
        cfg,
        &opts,
        &plan.to_read,
        read::Reading {
            accounts: &Accounts::from_config(cfg),
            pseudo: &pseudo,
            audit: &Default::default(),
        },
        &Stages::new(),
        &|batch| {
            posts.fetch_add(batch.len() as u64, std::sync::atomic::Ordering::Relaxed);
            if let Ok(mut d) = days.lock() {
                d.extend(batch.iter().map(|p| utc_day(p.created_at)));
            }
        },
    );
    let spilled: Vec<i64> = days
        .into_inner()
        .map_err(|_| "day set lock poisoned".to_string())?
        .into_iter()
        .collect();
    let (touched, _) = plan.days(
        &spilled,
        retention_from(cfg, cfg.retention.days)?,
        retention_from(cfg, cfg.retention.text_days)?,
        cfg.output.partition == crate::config::Period::Month,
    );
    Ok(DryRun {
        mode: plan.mode().to_string(),
        full_reason: plan.full_reason.clone(),
        read: plan.reading().iter().map(|p| cfg.display_path(p)).collect(),
        unchanged: plan.unchanged.len(),
        reanalyse: plan.reanalyse,
        days: touched
            .iter()
            .map(|j| crate::text::utc_date(j.day * 86_400_000_000))
            .collect(),
        posts: posts.into_inner(),
    })
}
