//! Parquet writer settings for the `posts` table, side by side: the batches of a
//! published `posts` table written again under each setting, alternated (medians of 5),
//! with the bytes each gives.
//!
//!     cargo run --profile ci --example compare_writer -- OUT/current/posts

use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesBuilder};
use parquet::schema::types::ColumnPath;
use std::time::Instant;

fn base() -> WriterPropertiesBuilder {
    let mut b = WriterProperties::builder().set_max_row_group_size(64 * 1024);
    // The published table's settings: no dictionary for its nearly unique columns.
    for c in socialpulse::sinks::parquet::UNIQUE_COLUMNS {
        b = b.set_column_dictionary_enabled(ColumnPath::from(c), false);
    }
    b
}

fn zstd(level: i32) -> Compression {
    Compression::ZSTD(ZstdLevel::try_new(level).unwrap_or_default())
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: compare_writer OUT/current/posts");
        std::process::exit(2);
    };
    let mut files: Vec<std::path::PathBuf> = walk(std::path::Path::new(&dir));
    files.sort();
    let mut days: Vec<Vec<RecordBatch>> = Vec::new();
    for f in &files {
        let Ok(file) = std::fs::File::open(f) else {
            continue;
        };
        let Ok(b) = ParquetRecordBatchReaderBuilder::try_new(file) else {
            continue;
        };
        let Ok(reader) = b.with_batch_size(64 * 1024).build() else {
            continue;
        };
        days.push(reader.filter_map(Result::ok).collect());
    }
    let rows: usize = days.iter().flatten().map(RecordBatch::num_rows).sum();
    let settings: Vec<(&str, WriterProperties)> = vec![
        (
            "zstd(3), page statistics (as published)",
            base().set_compression(zstd(3)).build(),
        ),
        ("zstd(1)", base().set_compression(zstd(1)).build()),
        (
            "zstd(3), chunk statistics",
            base()
                .set_compression(zstd(3))
                .set_statistics_enabled(EnabledStatistics::Chunk)
                .build(),
        ),
        (
            "zstd(1), chunk statistics",
            base()
                .set_compression(zstd(1))
                .set_statistics_enabled(EnabledStatistics::Chunk)
                .build(),
        ),
        (
            "zstd(3), no dictionaries",
            base()
                .set_compression(zstd(3))
                .set_dictionary_enabled(false)
                .build(),
        ),
        (
            "zstd(3), 1 Mi-row groups",
            base()
                .set_compression(zstd(3))
                .set_max_row_group_size(1 << 20)
                .build(),
        ),
    ];
    let mut times = vec![Vec::new(); settings.len()];
    let mut sizes = vec![0usize; settings.len()];
    for _ in 0..5 {
        for (i, (_, props)) in settings.iter().enumerate() {
            let t = Instant::now();
            let mut bytes = 0;
            for day in &days {
                let Some(first) = day.first() else { continue };
                let mut w =
                    match ArrowWriter::try_new(Vec::new(), first.schema(), Some(props.clone())) {
                        Ok(w) => w,
                        Err(e) => panic!("writer: {e}"),
                    };
                for b in day {
                    w.write(b).ok();
                }
                bytes += w.into_inner().map(|v| v.len()).unwrap_or(0);
            }
            times[i].push(t.elapsed().as_secs_f64());
            sizes[i] = bytes;
        }
    }
    println!("{rows} rows in {} partitions, one thread", days.len());
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let base_t = median(&mut times[0].clone());
    for (i, (name, _)) in settings.iter().enumerate() {
        let m = median(&mut times[i]);
        println!(
            "{name:>42}: {:7.1} ms ({:.2}x)  {:6.1} MB ({:.2}x)",
            m * 1e3,
            m / base_t,
            sizes[i] as f64 / 1e6,
            sizes[i] as f64 / sizes[0] as f64
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    out
}
