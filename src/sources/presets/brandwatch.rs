//! Brandwatch Consumer Research mentions, one JSON object per line as its API returns
//! them (`resourceId`, `fullText`, `pageType`, `date`, nested `metrics`).

use super::{base, col, none, Preset};
use crate::config::MappingConfig;

pub const MENTIONS: Preset = Preset {
    name: "brandwatch",
    signature: &["resourceId", "fullText", "pageType", "date"],
    mapping,
    derive: none,
};

fn mapping() -> MappingConfig {
    MappingConfig {
        platform_column: col("pageType"),
        author: col("author"),
        url: col("url"),
        lang: col("language"),
        likes: col("metrics.likes"),
        reposts: col("metrics.shares"),
        views: col("metrics.impressions"),
        ..base("brandwatch", "resourceId", "fullText", "date", "rfc3339")
    }
}
