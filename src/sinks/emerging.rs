//! The `emerging_terms` table (see `analysis::emerging` for the score).

use crate::analysis::emerging::Emerging;
use arrow::array::{ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use std::sync::Arc;

pub fn schema() -> SchemaRef {
    let i = |n: &str| Field::new(n, DataType::Int64, false);
    Arc::new(Schema::new(vec![
        Field::new("date", DataType::Date32, false),
        Field::new("rank", DataType::Int32, false),
        Field::new("term", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        i("count"),
        i("day_posts"),
        i("baseline_count"),
        i("baseline_posts"),
        Field::new("expected", DataType::Float64, false),
        Field::new("score", DataType::Float64, false),
    ]))
}

pub fn batch(rows: &[Emerging]) -> Result<RecordBatch, String> {
    let ints = |f: fn(&Emerging) -> u64| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| Some(f(r) as i64))
                .collect::<Int64Array>(),
        )
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            rows.iter()
                .map(|r| Some(r.day as i32))
                .collect::<Date32Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.rank as i32))
                .collect::<Int32Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.term.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| {
                    Some(if r.term.starts_with('#') {
                        "hashtag"
                    } else {
                        "word"
                    })
                })
                .collect::<StringArray>(),
        ),
        ints(|r| r.count),
        ints(|r| r.day_posts),
        ints(|r| r.baseline_count),
        ints(|r| r.baseline_posts),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.expected))
                .collect::<Float64Array>(),
        ),
        Arc::new(rows.iter().map(|r| Some(r.score)).collect::<Float64Array>()),
    ];
    RecordBatch::try_new(schema(), columns)
        .map_err(|e| format!("building emerging_terms batch: {e}"))
}
