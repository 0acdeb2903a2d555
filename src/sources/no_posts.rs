//! Files that tools beside the exports write and that hold no posts: recognised by
//! content, listed in the manifest as skipped with the reason, never read record by
//! record (so they cost no rejects). Add a kind here and a line in the registries.

use super::{Config, Ctx, DocFormat, LineFormat};
use crate::model::{Draft, Reject};
use serde_json::Value;

/// Tweet counts of the API v2 counts endpoints, as `twarc2 counts` saves them (one
/// response per line, or one response as a document):
/// `{"data": [{"start", "end", "tweet_count"}], "meta": {"total_tweet_count"}}`.
pub struct TweetCounts;

const COUNTS: &str = "twitter-v2-counts";
const COUNTS_WHY: &str = "tweet counts (twarc2 counts): holds no posts";

fn is_counts(v: &Value) -> bool {
    v.get("data")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .is_some_and(|b| {
            b.get("tweet_count").is_some() && b.get("start").is_some() && b.get("id").is_none()
        })
}

impl LineFormat for TweetCounts {
    fn name(&self) -> &'static str {
        COUNTS
    }
    fn sniff(&self, first: &Value, _cfg: &Config) -> Option<usize> {
        is_counts(first).then_some(0)
    }
    fn holds_no_posts(&self) -> Option<&'static str> {
        Some(COUNTS_WHY)
    }
    fn parse(
        &self,
        _value: Value,
        _variant: usize,
        _ctx: &Ctx,
        _partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        Ok(Vec::new())
    }
}

impl DocFormat for TweetCounts {
    fn name(&self) -> &'static str {
        COUNTS
    }
    fn sniff(&self, doc: &Value) -> bool {
        is_counts(doc)
    }
    fn holds_no_posts(&self) -> Option<&'static str> {
        Some(COUNTS_WHY)
    }
    fn parse(&self, _doc: Value, _ctx: &Ctx, _out: &mut Vec<Draft>, _rejects: &mut Vec<Reject>) {}
}
