//! `socialpulse._native`: the Python face of the socialpulse core. Every function calls
//! the library the CLI calls (`socialpulse::pipeline::parts`); Arrow crosses through the
//! C Data Interface, and the GIL is released while Rust works. The Python package
//! (`socialpulse/__init__.py`, `socialpulse/spark.py`) wraps these.

use arrow::array::{Array, ArrayRef, AsArray, BinaryArray, Float64Array, Int32Array, Int64Array};
use arrow::array::{RecordBatch, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use arrow::ffi_stream::ArrowArrayStreamReader;
use arrow::pyarrow::{FromPyArrow, PyArrowType, ToPyArrow};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyType};
use socialpulse::config::Config;
use socialpulse::model::Post;
use socialpulse::pipeline::parts::{Driver, Gathered, Job, ReadSummary};
use socialpulse::pipeline::state::DaySummary;
use socialpulse::pipeline::RunError;
use socialpulse::privacy::Pseudonymiser;
use socialpulse::sinks;
use socialpulse::sources::Discovered;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

fn err(e: impl std::fmt::Display) -> PyErr {
    PyRuntimeError::new_err(e.to_string())
}

/// A run error as the exception class of its kind (`socialpulse.errors`): `ConfigError`,
/// `NoInputsError`, `LockedError`, `NeedsFullError`, `OutputError` or `RunFailed`.
fn run_err(py: Python<'_>, e: RunError) -> PyErr {
    let class = match e.kind() {
        "config" => "ConfigError",
        "no_inputs" => "NoInputsError",
        "locked" => "LockedError",
        "needs_full" => "NeedsFullError",
        "io" => "OutputError",
        _ => "RunFailed",
    };
    let found = py
        .import("socialpulse.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.downcast_into::<PyType>().map_err(PyErr::from));
    match found {
        Ok(cls) => PyErr::from_type(cls, e.to_string()),
        Err(missing) => missing,
    }
}

/// The config at `path`, or the defaults (as `socialpulse run --input` uses).
fn load_config(py: Python<'_>, path: Option<PathBuf>) -> PyResult<Config> {
    match path {
        Some(p) => Config::load(&p).map_err(|e| run_err(py, RunError::Config(e))),
        None => Ok(Config::default()),
    }
}

/// A job with the pseudonymisation key a run into the config's output would use.
fn job(py: Python<'_>, cfg: Config) -> PyResult<Job> {
    let state = cfg.output.dir.join(".socialpulse");
    let (pseudo, _) = Pseudonymiser::from_config(&cfg.privacy, &state)
        .map_err(|e| run_err(py, RunError::from(e)))?;
    Job::new(cfg, pseudo).map_err(|e| run_err(py, RunError::Config(e)))
}

/// Columns cast to the types of the `posts` table (Arrow producers differ: polars
/// exports string views and large lists, pandas nanosecond timestamps).
fn conform(batch: &RecordBatch) -> PyResult<RecordBatch> {
    let want = sinks::posts::schema();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
        let target = match (want.field_with_name(f.name()), f.name().as_str()) {
            (Ok(w), _) => Some(w.data_type().clone()),
            (Err(_), "link") => Some(DataType::Utf8),
            (Err(_), "withheld") => Some(DataType::Boolean),
            _ => None,
        };
        match target {
            Some(t) if &t != c.data_type() => {
                let cast_to = cast(c, &t)
                    .map_err(|e| PyTypeError::new_err(format!("column `{}`: {e}", f.name())))?;
                fields.push(Field::new(f.name(), t, true));
                columns.push(cast_to);
            }
            _ => {
                fields.push(Field::new(f.name(), c.data_type().clone(), true));
                columns.push(c.clone());
            }
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(err)
}

/// Every batch of an Arrow stream, read while holding the GIL (a Python-backed stream
/// may need it); the work on them happens without it.
fn batches(stream: PyArrowType<ArrowArrayStreamReader>) -> PyResult<Vec<RecordBatch>> {
    stream
        .0
        .map(|b| b.map_err(err).and_then(|b| conform(&b)))
        .collect()
}

fn decode(job: &Job, batches: &[RecordBatch]) -> PyResult<Vec<Post>> {
    let mut posts = Vec::new();
    for b in batches {
        let label = "posts";
        let batch = sinks::read::Batch::new(b.clone(), label);
        posts.extend(job.posts_from(&batch).map_err(PyValueError::new_err)?);
    }
    Ok(posts)
}

/// read(paths, config=None) -> (posts, rejects): normalised, deduplicated posts and the
/// rejects, as pyarrow record batches.
#[pyfunction]
#[pyo3(signature = (paths, config=None))]
fn read(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: Option<PathBuf>,
) -> PyResult<(PyObject, PyObject)> {
    let mut cfg = load_config(py, config)?;
    cfg.input.paths = paths;
    let job = job(py, cfg)?;
    let (posts, rejects) = py
        .allow_threads(|| -> Result<_, RunError> {
            let found = job.discover();
            if found.files.is_empty() {
                return Err(socialpulse::pipeline::no_inputs(&found));
            }
            let part = job.read(found.files.clone())?;
            let posts = socialpulse::pipeline::dedup(part.posts);
            let mut rejects = found.rejects.clone();
            rejects.extend(part.rejects);
            socialpulse::pipeline::read::sort_rejects(&mut rejects);
            Ok((
                sinks::posts::normalised_batch(&posts)?,
                sinks::rejects::batch(&rejects)?,
            ))
        })
        .map_err(|e| run_err(py, e))?;
    Ok((posts.to_pyarrow(py)?, rejects.to_pyarrow(py)?))
}

/// analyse(posts, config=None) -> [RecordBatch]: the posts with the sentiment and
/// listening columns, in the `posts` table's schema, row for row.
#[pyfunction]
#[pyo3(signature = (posts, config=None))]
fn analyse(
    py: Python<'_>,
    posts: PyArrowType<ArrowArrayStreamReader>,
    config: Option<PathBuf>,
) -> PyResult<Vec<PyObject>> {
    let job = job(py, load_config(py, config)?)?;
    let input = batches(posts)?;
    let out = py.allow_threads(|| -> PyResult<Vec<RecordBatch>> {
        let mut out = Vec::new();
        for b in &input {
            let mut ps = decode(&job, std::slice::from_ref(b))?;
            job.analyse(&mut ps);
            out.push(job.posts_batch(&ps).map_err(err)?);
        }
        Ok(out)
    })?;
    out.iter().map(|b| b.to_pyarrow(py)).collect()
}

/// score(texts, config=None) -> RecordBatch: VADER neg/neu/pos/compound and the label
/// (the config's thresholds) of each string; nulls stay null.
#[pyfunction]
#[pyo3(signature = (texts, config=None))]
fn score(py: Python<'_>, texts: &Bound<'_, PyAny>, config: Option<PathBuf>) -> PyResult<PyObject> {
    let cfg = load_config(py, config)?;
    let data = arrow::array::ArrayData::from_pyarrow_bound(texts)?;
    let array = arrow::array::make_array(data);
    let strings = cast(&array, &DataType::Utf8).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    let strings: StringArray = strings.as_string::<i32>().clone();
    let (pos_t, neg_t) = (
        cfg.sentiment.positive_threshold,
        cfg.sentiment.negative_threshold,
    );
    let batch = py
        .allow_threads(|| -> Result<RecordBatch, String> {
            use rayon::prelude::*;
            let vader = socialpulse::analysis::vader::vader();
            let scores: Vec<Option<[f64; 4]>> = (0..strings.len())
                .into_par_iter()
                .map(|i| {
                    (!strings.is_null(i)).then(|| {
                        let s = vader.polarity_scores(strings.value(i));
                        [s.neg, s.neu, s.pos, s.compound]
                    })
                })
                .collect();
            let col = |k: usize| -> ArrayRef {
                Arc::new(
                    scores
                        .iter()
                        .map(|s| s.map(|s| s[k]))
                        .collect::<Float64Array>(),
                )
            };
            let label: StringArray = scores
                .iter()
                .map(|s| {
                    s.map(|s| {
                        if s[3] >= pos_t {
                            "positive"
                        } else if s[3] <= neg_t {
                            "negative"
                        } else {
                            "neutral"
                        }
                    })
                })
                .collect();
            let f = |n: &str| Field::new(n, DataType::Float64, true);
            let schema = Schema::new(vec![
                f("neg"),
                f("neu"),
                f("pos"),
                f("compound"),
                Field::new("label", DataType::Utf8, true),
            ]);
            RecordBatch::try_new(
                Arc::new(schema),
                vec![col(0), col(1), col(2), col(3), Arc::new(label)],
            )
            .map_err(|e| e.to_string())
        })
        .map_err(err)?;
    batch.to_pyarrow(py)
}

/// metrics(posts, config=None) -> {table: (schema, [RecordBatch])}: the metric tables,
/// `escalations` and `emerging_terms` of analysed posts.
#[pyfunction]
#[pyo3(signature = (posts, config=None))]
fn metrics(
    py: Python<'_>,
    posts: PyArrowType<ArrowArrayStreamReader>,
    config: Option<PathBuf>,
) -> PyResult<PyObject> {
    let job = job(py, load_config(py, config)?)?;
    let input = batches(posts)?;
    let tables = py.allow_threads(|| -> PyResult<Vec<socialpulse::pipeline::parts::Table>> {
        let posts = decode(&job, &input)?;
        job.tables(&posts).map_err(err)
    })?;
    let out = PyDict::new(py);
    for (name, schema, batches) in tables {
        let list = PyList::empty(py);
        for b in &batches {
            list.append(b.to_pyarrow(py)?)?;
        }
        out.set_item(name, (schema.as_ref().to_pyarrow(py)?, list))?;
    }
    Ok(out.into())
}

// ---- The Spark path: the driver's handle and the executors' two steps. ----

/// What an executor needs: the loaded config (its paths already resolved), where the
/// config file lives (inputs are recorded relative to it), the pseudonymiser and the
/// staged `posts` folder.
#[derive(serde::Serialize, serde::Deserialize)]
struct Task {
    config: String,
    base_dir: Option<PathBuf>,
    pseudo: Vec<u8>,
    posts_dir: PathBuf,
}

impl Task {
    fn job(&self) -> PyResult<Job> {
        let mut cfg: Config = serde_json::from_str(&self.config).map_err(err)?;
        cfg.base_dir = self.base_dir.clone();
        Job::new(cfg, Pseudonymiser::from_bytes(&self.pseudo).map_err(err)?).map_err(err)
    }

    fn decode(bytes: &[u8]) -> PyResult<Task> {
        bincode::deserialize(bytes).map_err(err)
    }
}

/// A Spark run on the driver: holds the output's lock and the staged snapshot from
/// `SparkRun(config, out)` until `finish` publishes it or `abandon` drops it.
#[pyclass]
struct SparkRun {
    driver: Option<Driver>,
    job: Job,
    found: Discovered,
    task: Vec<u8>,
}

#[pymethods]
impl SparkRun {
    #[new]
    #[pyo3(signature = (config, out=None))]
    fn new(py: Python<'_>, config: PathBuf, out: Option<PathBuf>) -> PyResult<SparkRun> {
        let mut cfg = load_config(py, Some(config))?;
        if let Some(o) = out {
            cfg.output.dir = o;
        }
        let (driver, pseudo) = Driver::begin(&cfg).map_err(|e| run_err(py, e))?;
        let task = Task {
            config: serde_json::to_string(&cfg).map_err(err)?,
            base_dir: cfg.base_dir.clone(),
            pseudo: pseudo.to_bytes(),
            posts_dir: driver.posts_dir(),
        };
        let job = match Job::new(cfg, pseudo) {
            Ok(j) => j,
            Err(e) => {
                driver.abandon();
                return Err(err(e));
            }
        };
        let found = job.discover();
        Ok(SparkRun {
            driver: Some(driver),
            job,
            found,
            task: bincode::serialize(&task).map_err(err)?,
        })
    }

    /// The input files, sorted.
    fn files(&self) -> Vec<String> {
        self.found
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    /// The reads to schedule: (path, start, end) per file, or per byte range of a plain
    /// line-format file larger than `split_bytes` (start and end -1: the whole file).
    fn reads(&self, py: Python<'_>, split_bytes: u64) -> Vec<(String, i64, i64)> {
        let job = &self.job;
        let files = &self.found.files;
        py.allow_threads(|| {
            let mut out = Vec::new();
            for f in files {
                let name = f.display().to_string();
                match job.line_ranges(f, split_bytes) {
                    Some(ranges) => {
                        for (a, b) in ranges {
                            out.push((name.clone(), a as i64, b as i64));
                        }
                    }
                    None => out.push((name, -1, -1)),
                }
            }
            out
        })
    }

    /// The executors' task description (secret: it holds the pseudonymisation key).
    fn task<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.task)
    }

    /// Fold the days' summaries and the reads' results into the tables and publish;
    /// returns the manifest as JSON.
    fn finish(
        &mut self,
        py: Python<'_>,
        days: Vec<(i64, u64, Vec<u8>)>,
        reads: Vec<Vec<u8>>,
    ) -> PyResult<String> {
        let driver = self
            .driver
            .take()
            .ok_or_else(|| err("this run has finished"))?;
        let job = &self.job;
        let found = &self.found;
        let published = py.allow_threads(move || -> PyResult<Result<String, RunError>> {
            let mut summaries = Vec::with_capacity(days.len());
            for (day, n, bytes) in days {
                let s: DaySummary = bincode::deserialize(&bytes).map_err(err)?;
                summaries.push((day, n, s));
            }
            let mut responses = Vec::new();
            let mut read = Vec::new();
            for bytes in reads {
                let (summary, r): (ReadSummary, Vec<(u64, i64)>) =
                    bincode::deserialize(&bytes).map_err(err)?;
                responses.extend(r);
                read.push(summary);
            }
            let gathered = Gathered {
                days: summaries,
                responses,
                reads: read,
            };
            Ok(match driver.finish(job, found, gathered) {
                Ok(report) => Ok(serde_json::to_string(&report).map_err(err)?),
                Err(e) => Err(e),
            })
        })?;
        published.map_err(|e| run_err(py, e))
    }

    /// Drop the staged snapshot; the published output stays as it was.
    fn abandon(&mut self) {
        if let Some(d) = self.driver.take() {
            d.abandon();
        }
    }
}

/// The schema of `spark_read`'s rows: a post with its deduplication keys, or (kind
/// `read`) one task's rejects, file reports and responses.
fn read_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("kind", DataType::Utf8, false),
        Field::new("platform", DataType::Utf8, true),
        Field::new("post_id", DataType::Utf8, true),
        Field::new("day", DataType::Int64, true),
        Field::new("rank_fields", DataType::Int32, true),
        Field::new("rank_total", DataType::Int64, true),
        Field::new("source_file", DataType::Utf8, true),
        Field::new("source_position", DataType::Int64, true),
        Field::new("blob", DataType::Binary, false),
    ]))
}

/// Executor step 1: read and normalise whole files (start -1) and byte ranges.
#[pyfunction]
fn spark_read(py: Python<'_>, task: &[u8], reads: Vec<(PathBuf, i64, i64)>) -> PyResult<PyObject> {
    let task = Task::decode(task)?;
    let batch = py.allow_threads(|| -> PyResult<RecordBatch> {
        let job = task.job()?;
        let whole: Vec<PathBuf> = reads
            .iter()
            .filter(|r| r.1 < 0)
            .map(|r| r.0.clone())
            .collect();
        let mut part = job.read(whole).map_err(err)?;
        for (path, start, end) in reads.iter().filter(|r| r.1 >= 0) {
            let range = job
                .read_range(path, *start as u64, *end as u64)
                .map_err(err)?;
            part.posts.extend(range.posts);
            part.rejects.extend(range.rejects);
            part.inputs.extend(range.inputs);
            part.responses.extend(range.responses);
        }
        let n = part.posts.len();
        let mut kind = Vec::with_capacity(n + 1);
        let mut platform = Vec::with_capacity(n + 1);
        let mut post_id = Vec::with_capacity(n + 1);
        let mut day = Vec::with_capacity(n + 1);
        let mut fields = Vec::with_capacity(n + 1);
        let mut total = Vec::with_capacity(n + 1);
        let mut file = Vec::with_capacity(n + 1);
        let mut position = Vec::with_capacity(n + 1);
        let mut blob: Vec<Vec<u8>> = Vec::with_capacity(n + 1);
        for p in &part.posts {
            let (f, t) = socialpulse::pipeline::dedup::copy_rank(p);
            kind.push("post");
            platform.push(Some(p.platform.as_str()));
            post_id.push(Some(p.post_id.as_str()));
            day.push(Some(socialpulse::text::utc_day(p.created_at)));
            fields.push(Some(f as i32));
            total.push(Some(t));
            file.push(Some(p.source_file.as_str()));
            position.push(Some(p.source_position as i64));
            blob.push(bincode::serialize(p).map_err(err)?);
        }
        let summary = ReadSummary {
            rejects: part.rejects,
            inputs: part.inputs,
            posts: n as u64,
        };
        kind.push("read");
        platform.push(None);
        post_id.push(None);
        day.push(None);
        fields.push(None);
        total.push(None);
        file.push(None);
        position.push(None);
        blob.push(bincode::serialize(&(&summary, &part.responses)).map_err(err)?);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(kind)),
            Arc::new(StringArray::from(platform)),
            Arc::new(StringArray::from(post_id)),
            Arc::new(Int64Array::from(day)),
            Arc::new(Int32Array::from(fields)),
            Arc::new(Int64Array::from(total)),
            Arc::new(StringArray::from(file)),
            Arc::new(Int64Array::from(position)),
            Arc::new(BinaryArray::from_iter_values(blob.iter())),
        ];
        RecordBatch::try_new(read_schema(), columns).map_err(err)
    })?;
    batch.to_pyarrow(py)
}

/// Executor step 2: the deduplicated posts of whole UTC days (`day`, `blob` columns):
/// per day, ordered as a run orders them, analysed, the day's `posts` partition written,
/// and its summary returned as a row (`day`, `posts`, `summary`).
#[pyfunction]
fn spark_days(
    py: Python<'_>,
    task: &[u8],
    batches: Vec<PyArrowType<RecordBatch>>,
) -> PyResult<PyObject> {
    let task = Task::decode(task)?;
    let batch = py.allow_threads(|| -> PyResult<RecordBatch> {
        let job = task.job()?;
        let mut by_day: BTreeMap<i64, Vec<Post>> = BTreeMap::new();
        for PyArrowType(b) in &batches {
            let days = b
                .column_by_name("day")
                .and_then(|c| c.as_primitive_opt::<arrow::datatypes::Int64Type>())
                .ok_or_else(|| err("spark_days: no int64 `day` column"))?;
            let blobs = b
                .column_by_name("blob")
                .and_then(|c| c.as_binary_opt::<i32>())
                .ok_or_else(|| err("spark_days: no binary `blob` column"))?;
            for i in 0..b.num_rows() {
                let p: Post = bincode::deserialize(blobs.value(i)).map_err(err)?;
                by_day.entry(days.value(i)).or_default().push(p);
            }
        }
        let mut day_col = Vec::new();
        let mut count = Vec::new();
        let mut summary: Vec<Vec<u8>> = Vec::new();
        for (day, posts) in by_day {
            // Already one copy each: the run's deduplication only orders them here.
            let mut posts = socialpulse::pipeline::dedup(posts);
            job.analyse(&mut posts);
            job.write_day(&task.posts_dir, day, &posts).map_err(err)?;
            day_col.push(day);
            count.push(posts.len() as i64);
            summary.push(bincode::serialize(&job.summarise_day(&posts)).map_err(err)?);
        }
        let schema = Schema::new(vec![
            Field::new("day", DataType::Int64, false),
            Field::new("posts", DataType::Int64, false),
            Field::new("summary", DataType::Binary, false),
        ]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(Int64Array::from(day_col)),
                Arc::new(Int64Array::from(count)),
                Arc::new(BinaryArray::from_iter_values(summary.iter())),
            ],
        )
        .map_err(err)
    })?;
    batch.to_pyarrow(py)
}

/// train(name, labels, out, config=None, folds=5, min_precision=0.75, min_recall=None)
/// -> str: `socialpulse train`; writes the model file and returns its training record
/// (threshold, rule, cross-validated figures) as JSON. Unusable labels raise ValueError.
#[pyfunction]
#[pyo3(signature = (name, labels, out, config=None, folds=5, min_precision=0.75, min_recall=None))]
#[allow(clippy::too_many_arguments)]
fn train(
    py: Python<'_>,
    name: String,
    labels: Vec<PathBuf>,
    out: PathBuf,
    config: Option<PathBuf>,
    folds: usize,
    min_precision: f64,
    min_recall: Option<f64>,
) -> PyResult<String> {
    use socialpulse::analysis::classifier::train::{self as t, ThresholdRule, TrainError};
    let opts = t::Options {
        folds,
        rule: match min_recall {
            Some(r) => ThresholdRule::Recall(r),
            None => ThresholdRule::MaxF1 { min_precision },
        },
        ..Default::default()
    };
    let trained = py
        .allow_threads(|| t::train_files(&name, &labels, config.as_deref(), &opts, &out))
        .map_err(|e| match e {
            TrainError::Input(m) => PyValueError::new_err(m),
            TrainError::Failed(m) => PyRuntimeError::new_err(m),
        })?;
    let f = &trained.file;
    serde_json::to_string(&serde_json::json!({
        "name": f.name,
        "threshold": f.threshold,
        "threshold_rule": f.training.threshold_rule,
        "c": f.training.c,
        "folds": f.training.folds,
        "weights": f.weights.len(),
        "cv": f.training.cv,
    }))
    .map_err(err)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(analyse, m)?)?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(metrics, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(spark_read, m)?)?;
    m.add_function(wrap_pyfunction!(spark_days, m)?)?;
    m.add_class::<SparkRun>()?;
    Ok(())
}
