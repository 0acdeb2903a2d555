//! Analysis: pure per-post steps run by rayon over batches of deduplicated posts.

pub mod emerging;
pub mod entities;
pub mod flags;
pub mod fold;
pub mod lang;
pub mod matcher;
pub mod pii;
pub mod vader;

use crate::config::{Config, EscalationRule, SentimentConfig};
use crate::model::{Direction, Post, Sentiment};
use chrono::NaiveDate;
use matcher::{Matcher, Target};
use std::cell::RefCell;

/// Everything the per-post analysis needs, built once per run.
pub struct Analyzer {
    sentiment: SentimentConfig,
    topics: Vec<(String, bool)>,
    rules: Vec<EscalationRule>,
    matcher: Matcher,
    holidays: Vec<NaiveDate>,
    working_days: u32,
    redact_pii: bool,
}

/// Posts per analysis chunk in a run: small enough that a chunk's posts and texts stay
/// in the L2 cache between the sentiment and listening steps (~700 bytes each).
pub const ANALYSIS_CHUNK: usize = 256;

/// Priority of escalations caused by a topic marked `escalate = true`.
pub const TOPIC_PRIORITY: u8 = 5;

thread_local! {
    static FOLDED: RefCell<String> = const { RefCell::new(String::new()) };
    static HITS: RefCell<matcher::Hits> = RefCell::new(matcher::Hits::default());
}

impl Analyzer {
    /// The priority an escalation reason carries (a post's is its most urgent
    /// reason's), for posts read back from a table, which stores only the reasons.
    pub fn priority_of(&self, reason: &str) -> Option<u8> {
        if reason == "info_request" {
            return Some(flags::INFO_REQUEST_PRIORITY);
        }
        if let Some(topic) = reason.strip_prefix("topic:") {
            return self
                .topics
                .iter()
                .any(|(name, escalate)| *escalate && name == topic)
                .then_some(TOPIC_PRIORITY);
        }
        self.rules
            .iter()
            .filter(|r| r.reason == reason)
            .map(|r| r.priority)
            .min()
    }

    pub fn new(cfg: &Config) -> Result<Analyzer, String> {
        let rules = if cfg.escalation.is_empty() {
            flags::default_escalation_rules()
        } else {
            cfg.escalation.clone()
        };
        let mut entries: Vec<(String, Target, bool)> = Vec::new();
        for (i, t) in cfg.topics.iter().enumerate() {
            entries.extend(t.terms.iter().map(|w| (w.clone(), Target::Topic(i), false)));
            entries.extend(
                t.exclude
                    .iter()
                    .map(|w| (w.clone(), Target::TopicExclude(i), false)),
            );
        }
        for (i, r) in rules.iter().enumerate() {
            entries.extend(
                r.terms
                    .iter()
                    .map(|w| (w.clone(), Target::Escalation(i), r.negatable)),
            );
        }
        let complaint = flags::COMPLAINT_TERMS
            .iter()
            .map(|s| s.to_string())
            .chain(cfg.flags.complaint_terms.iter().cloned());
        entries.extend(complaint.map(|w| (w, Target::Complaint, true)));
        entries.extend(
            flags::COMPLAINT_TOPIC_TERMS
                .iter()
                .map(|s| (s.to_string(), Target::ComplaintTopic, true)),
        );
        let info = flags::INFO_REQUEST_TERMS
            .iter()
            .map(|s| s.to_string())
            .chain(cfg.flags.info_request_terms.iter().cloned());
        entries.extend(info.map(|w| (w, Target::InfoRequest, true)));
        let holidays = cfg
            .flags
            .holidays
            .iter()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect();
        Ok(Analyzer {
            sentiment: cfg.sentiment.clone(),
            topics: cfg
                .topics
                .iter()
                .map(|t| (t.name.clone(), t.escalate))
                .collect(),
            rules,
            matcher: Matcher::new(&entries)?,
            holidays,
            working_days: cfg.flags.info_request_working_days,
            redact_pii: cfg.flags.redact_pii,
        })
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
        self.score_sentiment(post);
        self.listen(post);
    }

    /// Sentiment step (language gate + VADER); `analyse` runs it before `listen`.
    pub fn score_sentiment(&self, post: &mut Post) {
        post.sentiment = None;
        post.sentiment_label = None;
        post.sentiment_skipped = None;
        post.lang_detected = None;
        if !self.sentiment.enabled {
            post.sentiment_skipped = Some("disabled".into());
            return;
        }
        if post.text.trim().is_empty() {
            post.sentiment_skipped = Some("no_text".into());
            return;
        }
        let vader = vader::vader();
        let s = match lang::source_gate(post.lang.as_deref()) {
            lang::SourceGate::Score => vader.polarity_scores(&post.text),
            lang::SourceGate::Skip(reason) => {
                post.sentiment_skipped = Some(reason);
                return;
            }
            lang::SourceGate::Detect => {
                // For ASCII text the stop-word vote rides on VADER's tokeniser (one pass);
                // other text is judged first, so non-Latin scripts are never scored.
                let (s, verdict) = if post.text.is_ascii() {
                    let mut votes = lang::Votes::default();
                    let s = vader
                        .polarity_scores_with(&post.text, |raw, letters| votes.token(raw, letters));
                    (Some(s), lang::judge(&post.text, &votes))
                } else {
                    (None, lang::guard(&post.text))
                };
                post.lang_detected = Some(std::borrow::Cow::Borrowed(verdict.code()));
                if let lang::Verdict::Other(l) = verdict {
                    post.sentiment_skipped = Some(lang::detected(l));
                    return;
                }
                s.unwrap_or_else(|| vader.polarity_scores(&post.text))
            }
        };
        post.sentiment = Some(Sentiment {
            neg: s.neg,
            neu: s.neu,
            pos: s.pos,
            compound: s.compound,
        });
        post.sentiment_label = Some(self.label(s.compound).into());
    }
}

impl Analyzer {
    /// Topics, entities, flags, escalation and personal data (see README for each rule).
    pub fn listen(&self, post: &mut Post) {
        let mut l = crate::model::Listening::default();
        let text = &post.text;
        if post.hashtags.is_empty() {
            post.hashtags = entities::hashtags(text);
        }
        if post.urls.is_empty() {
            post.urls = entities::urls(text);
        }
        for u in &post.urls {
            if let Some(d) = entities::domain(u) {
                if !l.url_domains.contains(&d) {
                    l.url_domains.push(d);
                }
            }
        }
        l.emoji = entities::emoji(text);
        HITS.with(|hits| {
            let mut hits = hits.borrow_mut();
            FOLDED.with(|f| {
                let mut f = f.borrow_mut();
                fold::fold_into(text, &mut f);
                let len = f.len();
                f.extend(std::iter::repeat_n(' ', matcher::PADDING));
                self.matcher.hits_padded(&f, len, &mut hits)
            });
            self.use_hits(post, &hits, &mut l);
        });
        let spans = pii::find(text);
        l.has_pii = !spans.is_empty();
        let mut kinds: Vec<&str> = spans.iter().map(|s| s.2.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        l.pii_types = kinds.into_iter().map(str::to_string).collect();
        if self.redact_pii && l.has_pii {
            post.text = pii::redact(&post.text, &spans);
        }
        post.listening = l;
    }

    /// Topics, flags and escalation reasons from the matcher's hits.
    fn use_hits(&self, post: &Post, hits: &matcher::Hits, l: &mut crate::model::Listening) {
        let text = &post.text;
        for (i, (name, _)) in self.topics.iter().enumerate() {
            if hits.contains(Target::Topic(i)) && !hits.contains(Target::TopicExclude(i)) {
                l.topics.push(name.clone());
            }
        }
        let inbound = post.direction == Direction::Inbound;
        if inbound {
            l.is_question = flags::looks_like_question(text);
            // A term names the law; the message must also make a request under it.
            l.info_request = hits.contains(Target::InfoRequest) && flags::makes_a_request(text);
            let negative = post.sentiment_label.as_deref() == Some("negative");
            // Asking about a refund or how to complain is a question, not a complaint.
            let topic = hits.contains(Target::ComplaintTopic) && !l.is_question;
            l.is_complaint = negative || hits.contains(Target::Complaint) || topic;
            if l.info_request {
                let received =
                    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(post.created_at)
                        .map(|d| d.date_naive());
                if let Some(r) = received {
                    let due = flags::due_date(r, self.working_days, &self.holidays);
                    l.info_request_due = Some((due - NaiveDate::default()).num_days() as i32);
                }
            }
            // Reasons with their priority; sorted so the most urgent comes first.
            let mut reasons: Vec<(u8, String)> = Vec::new();
            for (i, r) in self.rules.iter().enumerate() {
                if hits.contains(Target::Escalation(i)) {
                    reasons.push((r.priority, r.reason.clone()));
                }
            }
            if l.info_request {
                reasons.push((flags::INFO_REQUEST_PRIORITY, "info_request".into()));
            }
            for (name, escalate) in &self.topics {
                if *escalate && l.topics.contains(name) {
                    reasons.push((TOPIC_PRIORITY, format!("topic:{name}")));
                }
            }
            reasons.sort();
            reasons.dedup();
            l.escalate = !reasons.is_empty();
            l.escalation_priority = reasons.first().map(|r| r.0);
            l.escalation_reasons = reasons.into_iter().map(|r| r.1).collect();
        }
    }
}
