//! The `run_summary` table: one row per run, append-only across runs into the same
//! output (each run adds `part-<run_id>.parquet`; earlier parts are carried over).

use crate::model::RunReport;
use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use std::path::Path;
use std::sync::Arc;

pub fn schema() -> SchemaRef {
    let s = |n: &str| Field::new(n, DataType::Utf8, false);
    let i = |n: &str| Field::new(n, DataType::Int64, false);
    Arc::new(Schema::new(vec![
        s("run_id"),
        Field::new("started_at", super::parquet::timestamp_type(), false),
        s("version"),
        s("config_hash"),
        s("mode"),
        i("input_files"),
        i("inputs_unchanged"),
        i("input_bytes"),
        i("posts_read"),
        i("duplicates_removed"),
        i("posts_new"),
        i("posts_written"),
        i("rejects"),
        Field::new("reject_ratio", DataType::Float64, false),
        i("escalations"),
        i("duration_ms"),
    ]))
}

pub fn batch(r: &RunReport, started_micros: i64, duration_ms: u64) -> Result<RecordBatch, String> {
    let s = |v: &str| -> ArrayRef { Arc::new(StringArray::from(vec![v])) };
    let i = |v: u64| -> ArrayRef { Arc::new(Int64Array::from(vec![v as i64])) };
    let columns: Vec<ArrayRef> = vec![
        s(&r.run_id),
        Arc::new(TimestampMicrosecondArray::from(vec![started_micros]).with_timezone("UTC")),
        s(&r.version),
        s(&r.config_hash),
        s(&r.mode),
        i(r.inputs.len() as u64),
        i(r.inputs_unchanged),
        i(r.inputs.iter().map(|f| f.bytes).sum()),
        i(r.posts_read),
        i(r.duplicates_removed),
        i(r.posts_new),
        i(r.posts_written),
        i(r.rejects),
        Arc::new(Float64Array::from(vec![r.reject_ratio])),
        i(r.escalations),
        i(duration_ms),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building run_summary batch: {e}"))
}

/// Copy the parts of earlier runs into the staged table so publication keeps them.
pub fn carry_over(previous: &Path, staged: &Path) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(previous) else {
        return Ok(());
    };
    super::publish::create_dir_all(staged)
        .map_err(|e| format!("cannot create {}: {e}", staged.display()))?;
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name();
        if name.to_string_lossy().ends_with(".parquet") {
            super::publish::link_or_copy(&e.path(), &staged.join(&name))?;
        }
    }
    Ok(())
}
