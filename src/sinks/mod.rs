//! Sinks: Parquet tables (Hive-partitioned where it helps), the run manifest, and
//! atomic publication (everything is staged, then renamed into place).

pub mod emerging;
pub mod escalations;
pub mod parquet;
pub mod posts;
pub mod publish;
pub mod read;
pub mod rejects;
pub mod run_summary;

/// An operational table's batch (`escalations`, `unanswered`) with the working links of
/// its `url` column opened (they are sealed everywhere else, the nightly state
/// included: see `Pseudonymiser::seal`). A link sealed with another key is left out.
pub fn open_links(
    b: arrow::record_batch::RecordBatch,
    pseudo: &crate::privacy::Pseudonymiser,
) -> Result<arrow::record_batch::RecordBatch, String> {
    use arrow::array::{Array, StringArray};
    let Some(at) = b.schema().index_of("url").ok() else {
        return Ok(b);
    };
    let Some(urls) = b.column(at).as_any().downcast_ref::<StringArray>() else {
        return Ok(b);
    };
    let opened: StringArray = urls
        .iter()
        .map(|u| u.and_then(|u| pseudo.open(u)))
        .collect();
    let mut columns = b.columns().to_vec();
    columns[at] = std::sync::Arc::new(opened);
    arrow::record_batch::RecordBatch::try_new(b.schema(), columns)
        .map_err(|e| format!("opening working links: {e}"))
}
