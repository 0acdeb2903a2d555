//! Meta Content Library CSV downloads of Facebook posts: the API's fields flattened
//! into dotted columns (`post_owner.name`, `statistics.like_count`, ...). `id` is the
//! Content Library id, `creation_time` ISO 8601 (read with or without an offset; none
//! means UTC). `mcl_url` opens the post inside the Content Library only, so it is not
//! taken as the post's public link.

use super::{base, col, none, Preset};
use crate::config::MappingConfig;

pub const FACEBOOK: Preset = Preset {
    name: "meta-content-library",
    signature: &[
        "id",
        "creation_time",
        "text",
        "post_owner.id",
        "post_owner.name",
        "statistics.like_count",
    ],
    mapping,
    derive: none,
};

fn mapping() -> MappingConfig {
    MappingConfig {
        platform: col("facebook"),
        author: col("post_owner.name"),
        author_id: col("post_owner.id"),
        lang: col("lang"),
        likes: col("statistics.like_count"),
        replies: col("statistics.comment_count"),
        reposts: col("statistics.share_count"),
        views: col("statistics.views"),
        ..base(
            "meta-content-library",
            "id",
            "text",
            "creation_time",
            "rfc3339",
        )
    }
}
