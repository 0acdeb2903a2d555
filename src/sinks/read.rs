//! Reading tables back: every Parquet file under a table's folder (Hive partitions
//! included), only the columns asked for, batch by batch; and typed access by column
//! name to any record batch (the report, the Python bindings).

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{Date32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use std::path::{Path, PathBuf};

/// Parquet files under `dir`, sorted by path (partitions in date order); none when the
/// folder is missing.
fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot list {}: {e}", d.display())),
        };
        for entry in entries {
            let p = entry
                .map_err(|e| format!("cannot list {}: {e}", d.display()))?
                .path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Calls `f` with every batch of the table in `dir`, holding those of `cols` its files
/// have.
pub fn scan(
    dir: &Path,
    cols: &[&str],
    f: impl FnMut(&Batch) -> Result<(), String>,
) -> Result<(), String> {
    scan_partitions(dir, cols, |_| true, f)
}

/// [`scan`] over the files whose Hive partition (`key=value` folders under `dir`) `keep`
/// accepts, given as (key, value) pairs; files outside partitions are always read.
pub fn scan_partitions(
    dir: &Path,
    cols: &[&str],
    keep: impl Fn(&[(&str, &str)]) -> bool,
    mut f: impl FnMut(&Batch) -> Result<(), String>,
) -> Result<(), String> {
    for path in files(dir)? {
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        let parts: Vec<(&str, &str)> = rel
            .parent()
            .into_iter()
            .flat_map(|p| p.iter())
            .filter_map(|c| c.to_str()?.split_once('='))
            .collect();
        if keep(&parts) {
            scan_file(&path, cols, &mut f)?;
        }
    }
    Ok(())
}

/// Calls `f` with every batch of one Parquet file, holding those of `cols` it has.
pub fn scan_file(
    path: &Path,
    cols: &[&str],
    mut f: impl FnMut(&Batch) -> Result<(), String>,
) -> Result<(), String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let schema = builder.schema().clone();
    let mut roots = Vec::with_capacity(cols.len());
    // A column an older output lacks is left out; reading it names the file.
    for c in cols {
        if let Some((i, _)) = schema.column_with_name(c) {
            roots.push(i);
        }
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let label = path.display().to_string();
    for batch in reader {
        let batch = batch.map_err(|e| format!("{}: {e}", path.display()))?;
        f(&Batch::new(batch, &label))?;
    }
    Ok(())
}

/// One record batch with typed access by column name; errors name `label` (a file).
pub struct Batch<'a> {
    batch: RecordBatch,
    label: &'a str,
}

impl<'a> Batch<'a> {
    pub fn new(batch: RecordBatch, label: &'a str) -> Batch<'a> {
        Batch { batch, label }
    }

    pub fn has(&self, name: &str) -> bool {
        self.batch.column_by_name(name).is_some()
    }

    pub fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    fn col(&self, name: &str) -> Result<&ArrayRef, String> {
        self.batch
            .column_by_name(name)
            .ok_or_else(|| format!("{}: no column `{name}`", self.label))
    }

    fn wrong(&self, name: &str, want: &str) -> String {
        format!("{}: column `{name}` is not {want}", self.label)
    }

    pub fn str(&self, name: &str) -> Result<Vec<Option<&str>>, String> {
        let a = self.col(name)?;
        let s = a
            .as_string_opt::<i32>()
            .ok_or_else(|| self.wrong(name, "utf8"))?;
        Ok(s.iter().collect())
    }

    pub fn binary(&self, name: &str) -> Result<Vec<Option<&[u8]>>, String> {
        let a = self.col(name)?;
        let s = a
            .as_binary_opt::<i32>()
            .ok_or_else(|| self.wrong(name, "binary"))?;
        Ok(s.iter().collect())
    }

    pub fn i64(&self, name: &str) -> Result<Vec<Option<i64>>, String> {
        let a = self.col(name)?;
        let v = a
            .as_primitive_opt::<Int64Type>()
            .ok_or_else(|| self.wrong(name, "int64"))?;
        Ok(v.iter().collect())
    }

    pub fn i32(&self, name: &str) -> Result<Vec<Option<i32>>, String> {
        let a = self.col(name)?;
        let v = a
            .as_primitive_opt::<Int32Type>()
            .ok_or_else(|| self.wrong(name, "int32"))?;
        Ok(v.iter().collect())
    }

    pub fn f64(&self, name: &str) -> Result<Vec<Option<f64>>, String> {
        let a = self.col(name)?;
        let v = a
            .as_primitive_opt::<Float64Type>()
            .ok_or_else(|| self.wrong(name, "float64"))?;
        Ok(v.iter().collect())
    }

    /// Days since 1970-01-01.
    pub fn date(&self, name: &str) -> Result<Vec<Option<i32>>, String> {
        let a = self.col(name)?;
        let v = a
            .as_primitive_opt::<Date32Type>()
            .ok_or_else(|| self.wrong(name, "date32"))?;
        Ok(v.iter().collect())
    }

    /// Microseconds since the epoch, UTC.
    pub fn micros(&self, name: &str) -> Result<Vec<Option<i64>>, String> {
        let a = self.col(name)?;
        let v = a
            .as_primitive_opt::<TimestampMicrosecondType>()
            .ok_or_else(|| self.wrong(name, "timestamp[us]"))?;
        Ok(v.iter().collect())
    }

    pub fn bool(&self, name: &str) -> Result<Vec<Option<bool>>, String> {
        let a = self.col(name)?;
        let v = a.as_boolean_opt().ok_or_else(|| self.wrong(name, "bool"))?;
        Ok(v.iter().collect())
    }

    /// A `list<utf8>` column; a null list reads as empty.
    pub fn str_list(&self, name: &str) -> Result<Vec<Vec<String>>, String> {
        let a = self.col(name)?;
        let l = a
            .as_list_opt::<i32>()
            .ok_or_else(|| self.wrong(name, "list<utf8>"))?;
        let mut out = Vec::with_capacity(l.len());
        for row in l.iter() {
            let mut items = Vec::new();
            if let Some(values) = row {
                let s = values
                    .as_string_opt::<i32>()
                    .ok_or_else(|| self.wrong(name, "list<utf8>"))?;
                items.extend(s.iter().flatten().map(str::to_string));
            }
            out.push(items);
        }
        Ok(out)
    }

    /// A `list<float64>` column; a null list reads as empty.
    pub fn f64_list(&self, name: &str) -> Result<Vec<Vec<f64>>, String> {
        let a = self.col(name)?;
        let l = a
            .as_list_opt::<i32>()
            .ok_or_else(|| self.wrong(name, "list<float64>"))?;
        let mut out = Vec::with_capacity(l.len());
        for row in l.iter() {
            let mut items = Vec::new();
            if let Some(values) = row {
                let v = values
                    .as_primitive_opt::<Float64Type>()
                    .ok_or_else(|| self.wrong(name, "list<float64>"))?;
                items.extend(v.iter().flatten());
            }
            out.push(items);
        }
        Ok(out)
    }
}
