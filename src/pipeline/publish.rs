//! The end of a run: every table but `posts` (written day by day in pass 2) is built
//! from the finished accumulators into the staging directory, then the run summary and
//! the manifest, then the staged set is published.

use super::analyse::{timezone, Totals};
use super::stages::{Stages, REJECTS, WRITE_TABLES};
use super::{MANIFEST, TABLES};
use crate::analysis::emerging;
use crate::config::Config;
use crate::metrics::{self, Accumulators};
use crate::model::{Reject, RunReport};
use crate::privacy::Pseudonymiser;
use crate::sinks::{self, parquet::ParquetFile, publish::Staging};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use std::path::Path;

/// What the run's reading saw that the tables' manifest reports.
pub struct Seen {
    /// Rejects of this run's inputs (those of inputs read before are not news).
    pub new_rejects: usize,
    /// Own replies and thread continuations known (the response index).
    pub replies: usize,
}

/// Write `escalations`, `emerging_terms`, the metric tables and `rejects` (all of
/// them; `new_rejects` of which come from this run's inputs) from pass 2's totals;
/// fills in the report's counts.
pub fn write_tables(
    staging: &Staging,
    cfg: &Config,
    pseudo: &Pseudonymiser,
    totals: Totals,
    rejects: &[Reject],
    seen: Seen,
    stages: &Stages,
) -> Result<RunReport, String> {
    let Seen {
        new_rejects,
        replies,
    } = seen;
    let Totals {
        mut report,
        escalated,
        mut terms,
        mut metrics,
    } = totals;
    metrics.finish();
    let responded = metrics.responsiveness.responded();
    report
        .warnings
        .extend(super::warnings::unlinked_replies(replies, responded));
    report.partitions.retain(|p| !p.is_empty());
    report.partitions.sort();
    report.partitions.dedup();
    terms.sort_by_key(|t| t.0);
    report.duplicates_removed = report.posts_read.saturating_sub(report.posts_new);
    // `escalations` and `emerging_terms` are written beside the metric tables and
    // `rejects`: independent files, so a second thread need not wait for the first.
    let (escalations, tables) = rayon::join(
        || -> Result<u64, String> {
            // Written a row group at a time; the day batches are dropped once written.
            let mut file = ParquetFile::create(
                &staging.table_dir("escalations").join("part-00000.parquet"),
                sinks::escalations::schema(),
                cfg.output.row_group_size,
            )?;
            let n =
                sinks::escalations::queue_chunks(&{ escalated }, cfg.output.row_group_size, |b| {
                    file.write(&sinks::open_links(b, pseudo)?)
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
            Ok(n)
        },
        || -> Result<(), String> {
            stages.time(WRITE_TABLES, || {
                write_metrics(staging, cfg, pseudo, &metrics)
            })?;
            // Rejects are already in a stable order.
            stages.time(REJECTS, || {
                sinks::parquet::write_batches(
                    &staging.table_dir("rejects").join("part-00000.parquet"),
                    sinks::rejects::schema(),
                    &[sinks::rejects::batch(rejects)?],
                    cfg.output.row_group_size,
                )
            })
        },
    );
    report.escalations = escalations?;
    tables?;
    // The ratio judges this run's inputs: rejects of inputs read before are not news.
    report.rejects = new_rejects as u64;
    let seen = report.posts_read + report.rejects;
    report.reject_ratio = if seen == 0 {
        0.0
    } else {
        report.rejects as f64 / seen as f64
    };
    Ok(report)
}

/// The metric tables, built and written one at a time; `unanswered`, a large run's
/// biggest, in chunks.
fn write_metrics(
    staging: &Staging,
    cfg: &Config,
    pseudo: &Pseudonymiser,
    m: &Accumulators,
) -> Result<(), String> {
    // With a second thread, each table's batches are encoded while the next are built
    // (for `unanswered`, the sort and the opened links against the Parquet encoding).
    let pipelined = rayon::current_num_threads() > 1;
    metric_tables(cfg, pseudo, m, &mut |name, schema, build| {
        let path = staging.table_dir(name).join("part-00000.parquet");
        let mut file = ParquetFile::create(&path, schema, cfg.output.row_group_size)?;
        if !pipelined {
            build(&mut |b| file.write(b))?;
            return file.close();
        }
        let (tx, rx) = std::sync::mpsc::sync_channel::<RecordBatch>(1);
        std::thread::scope(|s| {
            let writer = s.spawn(move || {
                for b in rx {
                    file.write(&b)?;
                }
                file.close()
            });
            // A send fails only when the writer stopped on an error, which it returns.
            let built = build(&mut |b| tx.send(b.clone()).map_err(|_| String::new()));
            drop(tx);
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(format!("writing {} panicked", path.display())));
            written.and(built)
        })
    })
}

/// Where a metric table's batches go.
pub type BatchSink<'a> = dyn FnMut(&arrow::record_batch::RecordBatch) -> Result<(), String> + 'a;
/// Builds one metric table into a sink.
pub type Build<'a> = Box<dyn Fn(&mut BatchSink) -> Result<(), String> + 'a>;

/// What a metric table's rows depend on besides the accumulators.
pub struct TableCtx<'a> {
    pub cfg: &'a Config,
    pub pseudo: &'a Pseudonymiser,
    /// `metrics.timezone`.
    pub tz: chrono_tz::Tz,
}

/// One metric table: its name, schema and how its rows are built from the folded
/// accumulators.
pub struct MetricTable {
    pub name: &'static str,
    pub schema: fn() -> SchemaRef,
    pub build: fn(&TableCtx, &Accumulators, &mut BatchSink) -> Result<(), String>,
}

/// The registry of metric tables, in publication order. A new metric table is its file
/// in `metrics/`, its accumulator in [`Accumulators`], and one line here; [`TABLES`]
/// and every writer and reader of the tables follow from this list.
pub const METRIC_TABLES: &[MetricTable] = {
    use metrics::{cost_benefit as cb, daily_labels as dl, daily_sentiment as ds};
    use metrics::{daily_volume as dv, engagement as en, responsiveness as rs, topic_daily as td};
    &[
        MetricTable {
            name: "daily_volume",
            schema: dv::schema,
            build: |_, m, f| f(&dv::batch(&m.volume)?),
        },
        MetricTable {
            name: "daily_sentiment",
            schema: ds::schema,
            build: |_, m, f| f(&ds::batch(&m.sentiment)?),
        },
        MetricTable {
            name: "engagement",
            schema: en::schema,
            build: |c, m, f| f(&en::batch(&m.engagement, &c.cfg.followers)?),
        },
        MetricTable {
            name: "responsiveness",
            schema: rs::schema,
            build: |c, m, f| f(&rs::batch(&m.responsiveness, c.tz)?),
        },
        MetricTable {
            name: "unanswered",
            schema: rs::unanswered_schema,
            // The largest table of a large run: written in chunks, links opened per chunk.
            build: |c, m, f| {
                rs::unanswered_chunks(&m.responsiveness, c.cfg.output.row_group_size, |b| {
                    f(&sinks::open_links(b, c.pseudo)?)
                })
            },
        },
        MetricTable {
            name: "topic_daily",
            schema: td::schema,
            build: |c, m, f| {
                let baseline = i64::from(c.cfg.metrics.spike_baseline_days);
                f(&td::batch(
                    &m.topics,
                    baseline,
                    c.cfg.metrics.spike_min_count,
                )?)
            },
        },
        MetricTable {
            name: "daily_labels",
            schema: dl::schema,
            build: |_, m, f| f(&dl::batch(&m.labels)?),
        },
        MetricTable {
            name: "cost_benefit",
            schema: cb::schema,
            build: |c, m, f| f(&cb::batch(m, &c.cfg.cost, c.tz)?),
        },
    ]
};

/// Every metric table's name, schema and builder, in publication order, to `each`. A
/// run writes them to Parquet; the Python package collects them.
pub fn metric_tables(
    cfg: &Config,
    pseudo: &Pseudonymiser,
    m: &Accumulators,
    each: &mut dyn FnMut(&str, SchemaRef, Build) -> Result<(), String>,
) -> Result<(), String> {
    let cx = TableCtx {
        cfg,
        pseudo,
        tz: timezone(cfg),
    };
    for t in METRIC_TABLES {
        let build: Build = Box::new(|f| (t.build)(&cx, m, f));
        each(t.name, (t.schema)(), build)?;
    }
    Ok(())
}

/// Append this run's `run_summary` row (carrying earlier runs' rows over), write the
/// manifest, and publish the staged set.
pub fn publish(
    staging: Staging,
    cfg: &Config,
    out: &Path,
    report: &mut RunReport,
    elapsed_ms: u64,
) -> Result<(), String> {
    let started_micros = chrono::DateTime::parse_from_rfc3339(&report.started_at)
        .map(|d| d.timestamp_micros())
        .unwrap_or(0);
    let summary_dir = staging.table_dir("run_summary");
    // Earlier runs' rows: from the snapshot replaced, or a version 2 output's table.
    let earlier = match &staging.previous {
        Some(prev) => prev.join("run_summary"),
        None => out.join("run_summary"),
    };
    sinks::run_summary::carry_over(&earlier, &summary_dir)?;
    sinks::parquet::write_batches(
        &summary_dir.join(format!("part-{}.parquet", report.run_id)),
        sinks::run_summary::schema(),
        &[sinks::run_summary::batch(
            report,
            started_micros,
            elapsed_ms,
        )?],
        cfg.output.row_group_size,
    )?;
    let manifest = serde_json::to_string_pretty(report).map_err(|e| format!("manifest: {e}"))?;
    std::fs::write(staging.dir.join(MANIFEST), manifest).map_err(|e| format!("manifest: {e}"))?;
    for table in TABLES.iter() {
        // A table without rows still exists as a folder, so readers find every table.
        let dir = staging.table_dir(table);
        crate::sinks::publish::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // The report reads the staged tables as a reader of the published ones would. The
    // tables are the contract: a report that cannot be built or written (a full disk)
    // is a warning of the run, in the manifest and the log, not a failure.
    if let Err(e) = crate::report::write(&staging.dir, &report.report) {
        let _ = std::fs::remove_file(staging.dir.join(".report.html.tmp"));
        report.warnings.push(format!(
            "the report was not written ({e}); the tables are published: `socialpulse report OUT` builds it again"
        ));
        let manifest =
            serde_json::to_string_pretty(report).map_err(|e| format!("manifest: {e}"))?;
        std::fs::write(staging.dir.join(MANIFEST), manifest)
            .map_err(|e| format!("manifest: {e}"))?;
    }
    // A version 2 output kept the tables and manifest at its top level.
    let mut legacy: Vec<&str> = TABLES.to_vec();
    legacy.push(MANIFEST);
    staging.publish(&legacy)?;
    if let Err(e) = crate::report::link(out) {
        eprintln!("warning: {e}");
    }
    Ok(())
}
