//! Analysis: pure per-post steps run by rayon over batches of deduplicated posts.

pub mod lang;
pub mod vader;

use crate::config::SentimentConfig;
use crate::model::{Post, Sentiment};

/// Everything the per-post analysis needs, built once per run.
pub struct Analyzer {
    sentiment: SentimentConfig,
}

impl Analyzer {
    pub fn new(sentiment: &SentimentConfig) -> Analyzer {
        Analyzer {
            sentiment: sentiment.clone(),
        }
    }

    /// Label of a compound score with the configured thresholds.
    pub fn label(&self, compound: f64) -> &'static str {
        if compound >= self.sentiment.positive_threshold {
            "positive"
        } else if compound <= self.sentiment.negative_threshold {
            "negative"
        } else {
            "neutral"
        }
    }

    /// Enrich one post in place (pure: depends only on the post and the config).
    pub fn analyse(&self, post: &mut Post) {
        post.sentiment = None;
        post.sentiment_label = None;
        post.sentiment_skipped = None;
        if !self.sentiment.enabled {
            post.sentiment_skipped = Some("disabled".into());
            return;
        }
        if post.text.trim().is_empty() {
            post.sentiment_skipped = Some("no_text".into());
            return;
        }
        if let Some(reason) = lang::skip_reason(post.lang.as_deref(), &post.text) {
            post.sentiment_skipped = Some(reason);
            return;
        }
        let s = vader::vader().polarity_scores(&post.text);
        post.sentiment = Some(Sentiment {
            neg: s.neg,
            neu: s.neu,
            pos: s.pos,
            compound: s.compound,
        });
        post.sentiment_label = Some(self.label(s.compound).to_string());
    }
}
