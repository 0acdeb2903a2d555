//! Writing Arrow record batches as zstd Parquet files.

use arrow::array::{ArrayRef, ListBuilder, StringBuilder};
use arrow::datatypes::{DataType, Field, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use std::path::Path;
use std::sync::Arc;

/// `timestamp[us, UTC]`, the only timestamp type socialpulse writes.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// `list<utf8>` with a nullable `item` field, as pyarrow writes it.
pub fn string_list_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

pub fn string_list<'a, I, S>(rows: I) -> ArrayRef
where
    I: IntoIterator<Item = &'a [S]>,
    S: AsRef<str> + 'a,
{
    let mut b = ListBuilder::new(StringBuilder::new());
    for row in rows {
        for s in row {
            b.values().append_value(s.as_ref());
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// Columns that are (nearly) unique per row in every table that has them: a dictionary
/// would be built value by value and then dropped for plain encoding at its size limit.
pub const UNIQUE_COLUMNS: [&str; 9] = [
    "age_hours",
    "link",
    "post_id",
    "url",
    "text",
    "created_at",
    "source_position",
    "reply_to_id",
    "conversation_id",
];

fn properties(row_group_size: usize) -> WriterProperties {
    let mut b = WriterProperties::builder();
    for c in UNIQUE_COLUMNS {
        b = b.set_column_dictionary_enabled(ColumnPath::from(c), false);
    }
    b.set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default()))
        .set_max_row_group_size(row_group_size.max(1))
        .set_created_by(format!("socialpulse {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A Parquet file being written batch by batch, for tables too large to build whole.
pub struct ParquetFile {
    path: std::path::PathBuf,
    writer: ArrowWriter<std::fs::File>,
}

impl ParquetFile {
    pub fn create(path: &Path, schema: SchemaRef, row_group_size: usize) -> Result<Self, String> {
        if let Some(dir) = path.parent() {
            super::publish::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let file = std::fs::File::create(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let writer = ArrowWriter::try_new(file, schema, Some(properties(row_group_size)))
            .map_err(|e| format!("parquet writer for {}: {e}", path.display()))?;
        Ok(ParquetFile {
            path: path.to_path_buf(),
            writer,
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        self.writer
            .write(batch)
            .map_err(|e| format!("writing {}: {e}", self.path.display()))
    }

    pub fn close(self) -> Result<(), String> {
        self.writer
            .close()
            .map(|_| ())
            .map_err(|e| format!("closing {}: {e}", self.path.display()))
    }
}

/// Write batches (possibly none: the file still carries the schema) to `path`.
pub fn write_batches(
    path: &Path,
    schema: SchemaRef,
    batches: &[RecordBatch],
    row_group_size: usize,
) -> Result<(), String> {
    let mut f = ParquetFile::create(path, schema, row_group_size)?;
    for b in batches {
        f.write(b)?;
    }
    f.close()
}
