//! Sprout Social's Smart Inbox CSV export: one row per message across networks, the
//! network in `Network`, times in `Timestamp (UTC)` as `MM/DD/YYYY HH:MM`. `Profile` is
//! the own profile the message is in: the post's `account` (and a row whose `From` is
//! that profile is its own, outbound).

use super::{base, col, none, Preset};
use crate::config::MappingConfig;

pub const INBOX: Preset = Preset {
    name: "sprout-social",
    signature: &[
        "Message ID",
        "Network",
        "Timestamp (UTC)",
        "Message",
        "Message Type",
    ],
    mapping,
    derive: none,
};

fn mapping() -> MappingConfig {
    MappingConfig {
        platform_column: col("Network"),
        author: col("From"),
        account: col("Profile"),
        kind: col("Message Type"),
        likes: col("Likes"),
        replies: col("Comments"),
        reposts: col("Shares"),
        views: col("Impressions"),
        lang: col("Language"),
        ..base(
            "sprout-social",
            "Message ID",
            "Message",
            "Timestamp (UTC)",
            "%m/%d/%Y %H:%M",
        )
    }
}
