//! Hootsuite Analytics' Facebook exports (CSV, or XLSX of the same columns):
//!
//! - *Posts*: the page's own posts (`Date (GMT), Facebook Page, Post ID, Post Permalink,
//!   Post Type, Post Message, Tags, Campaign, Reactions, Comments, Shares, Ow.ly
//!   Clicks`), all outbound: the page is the organisation's;
//! - *Inbound messages*: what the public sent the page (`Date (GMT), Facebook Page,
//!   Message Author, Type, Message ID, Message Permalink, Message, Tags, Language, Gender,
//!   Sentiment`). `Type` is `Received Comment`, `Received Post` or `Received Private
//!   Message`; a private message is a direct message (withheld, its text never written).
//!   `Message Author` is a member of the public, pseudonymised like every inbound
//!   author; `Gender` is not read.
//!
//! Times are GMT, `2018-01-01 01:08:33`; ids are Facebook's `<page>_<post>` pairs.

use super::{base, col, none, Preset};
use crate::config::MappingConfig;

pub const POSTS: Preset = Preset {
    name: "hootsuite-posts",
    signature: &[
        "Date (GMT)",
        "Facebook Page",
        "Post ID",
        "Post Permalink",
        "Post Message",
    ],
    mapping: posts,
    derive: none,
};

pub const INBOUND: Preset = Preset {
    name: "hootsuite-inbound",
    signature: &[
        "Date (GMT)",
        "Facebook Page",
        "Message Author",
        "Type",
        "Message ID",
        "Message",
    ],
    mapping: inbound,
    derive: none,
};

const GMT: &str = "%Y-%m-%d %H:%M:%S";

fn posts() -> MappingConfig {
    MappingConfig {
        platform: col("facebook"),
        author: col("Facebook Page"),
        account: col("Facebook Page"),
        own_posts: true,
        url: col("Post Permalink"),
        likes: col("Reactions"),
        replies: col("Comments"),
        reposts: col("Shares"),
        ..base(
            "hootsuite-posts",
            "Post ID",
            "Post Message",
            "Date (GMT)",
            GMT,
        )
    }
}

fn inbound() -> MappingConfig {
    MappingConfig {
        platform: col("facebook"),
        author: col("Message Author"),
        account: col("Facebook Page"),
        kind: col("Type"),
        visibility: col("Type"),
        url: col("Message Permalink"),
        ..base(
            "hootsuite-inbound",
            "Message ID",
            "Message",
            "Date (GMT)",
            GMT,
        )
    }
}
