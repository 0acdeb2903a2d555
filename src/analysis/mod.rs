//! Analysis: pure per-post steps run by rayon over batches of deduplicated posts.

pub mod classifier;
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
use classifier::{Classifier, Features, Hints};
use matcher::{Matcher, Target};
use std::borrow::Cow;
use std::cell::RefCell;

/// Everything the per-post analysis needs, built once per run.
pub struct Analyzer {
    sentiment: SentimentConfig,
    topics: Vec<(String, bool)>,
    rules: Vec<EscalationRule>,
    matcher: Matcher,
    holidays: Vec<NaiveDate>,
    working_days: u32,
    /// `metrics.timezone`: a request is received on its day there (the day the report's
    /// as-of day and its due dates are counted in).
    tz: chrono_tz::Tz,
    redact_pii: bool,
    learned: Learned,
    /// `responsiveness.scope = "addressed"`.
    scope_addressed: bool,
}

/// A model and the threshold its flag uses.
struct Flag {
    model: Cow<'static, Classifier>,
    threshold: f64,
}

impl Flag {
    fn probability(&self, f: &mut Features, text: &str, hints: &Hints) -> f64 {
        if f.indices.is_empty() || self.model.hash_bits != f.bits {
            f.extract(text, hints, self.model.hash_bits);
        }
        self.model.probability(f)
    }
}

/// The learned flags of a run: the built-in or configured models.
#[derive(Default)]
struct Learned {
    question: Option<Flag>,
    complaint: Option<Flag>,
    harm: Option<Flag>,
    /// The organisation's own labels, in config order.
    labels: Vec<(String, Flag)>,
}

impl Learned {
    fn from_config(cfg: &Config) -> Result<Learned, String> {
        let configured = |name: &str| cfg.classifiers.iter().find(|c| c.name == name);
        let flag = |name: &str, builtin: bool| -> Result<Option<Flag>, String> {
            let c = configured(name);
            let model = match c.and_then(|c| c.model.as_deref()) {
                Some(path) => Cow::Owned(Classifier::load(path)?),
                None if builtin => match Classifier::builtin(name) {
                    Some(m) => Cow::Borrowed(m?),
                    None => return Ok(None),
                },
                None => return Ok(None),
            };
            let threshold = c.and_then(|c| c.threshold).unwrap_or(model.threshold);
            Ok(Some(Flag { model, threshold }))
        };
        let mut labels = Vec::new();
        for c in &cfg.classifiers {
            if !matches!(c.name.as_str(), "question" | "complaint" | "harm") {
                if let Some(f) = flag(&c.name, false)? {
                    labels.push((c.name.clone(), f));
                }
            }
        }
        Ok(Learned {
            question: flag("question", true)?,
            complaint: flag("complaint", false)?,
            harm: flag("harm", true)?,
            labels,
        })
    }
}

/// The name of every escalation priority a config's rules give: `report.priority_names`
/// where it names one, else the reasons of that priority, written for people
/// (`self_harm` is "Self-harm", `info_request` "Official information request").
pub fn priority_names(cfg: &Config) -> std::collections::BTreeMap<u8, String> {
    let rules = if cfg.escalation.is_empty() {
        flags::default_escalation_rules()
    } else {
        cfg.escalation.clone()
    };
    let mut reasons: std::collections::BTreeMap<u8, Vec<String>> = Default::default();
    let mut add = |p: u8, r: String| {
        let list = reasons.entry(p).or_default();
        if !list.contains(&r) {
            list.push(r);
        }
    };
    for r in &rules {
        add(r.priority, reason_name(&r.reason));
    }
    add(HARM_PRIORITY, reason_name("harm"));
    add(flags::INFO_REQUEST_PRIORITY, reason_name("info_request"));
    if cfg.topics.iter().any(|t| t.escalate) {
        add(TOPIC_PRIORITY, "Escalated topic".into());
    }
    let mut names: std::collections::BTreeMap<u8, String> = reasons
        .into_iter()
        .map(|(p, r)| (p, r.join(" / ")))
        .collect();
    for (k, v) in &cfg.report.priority_names {
        if let Ok(p) = k.parse::<u8>() {
            names.insert(p, v.clone());
        }
    }
    names
}

/// An escalation reason as a person reads it.
fn reason_name(reason: &str) -> String {
    match reason {
        "self_harm" => "Self-harm".into(),
        "harm" | "safety" => "Safety".into(),
        "info_request" => "Official information request".into(),
        other => {
            let spaced = other.replace('_', " ");
            let mut c = spaced.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// Every model the config names loads and holds numbers a score can be made of: what
/// a run checks before any work, so a bad model is a config error (exit 2) naming its
/// file.
pub fn check_models(cfg: &Config) -> Result<(), String> {
    Learned::from_config(cfg).map(|_| ())
}

/// Digests of the models a config's analysis uses (built-in and configured), so a
/// changed model file changes the analysis fingerprint; an unreadable file gives its
/// error instead (the run then fails on it).
pub fn model_digests(cfg: &Config) -> Vec<String> {
    let mut out: Vec<String> = ["question", "harm"]
        .iter()
        .filter_map(|n| {
            Classifier::builtin(n)?
                .ok()
                .map(|m| format!("{n}:{}", m.digest))
        })
        .collect();
    for c in &cfg.classifiers {
        if let Some(path) = &c.model {
            let d = match crate::config::read_regular(path, "model") {
                Ok(b) => blake3::hash(&b).to_hex()[..16].to_string(),
                Err(e) => format!("unreadable: {e}"),
            };
            out.push(format!("{}:{d}", c.name));
        }
    }
    out
}

/// Priority of the learned harm flag's escalations (as the built-in safety rule's).
pub const HARM_PRIORITY: u8 = 2;

/// Posts per analysis chunk in a run: small enough that a chunk's posts and texts stay
/// in the L2 cache between the sentiment and listening steps (~700 bytes each).
pub const ANALYSIS_CHUNK: usize = 256;

/// Priority of escalations caused by a topic marked `escalate = true`.
pub const TOPIC_PRIORITY: u8 = 5;

thread_local! {
    static FOLDED: RefCell<String> = const { RefCell::new(String::new()) };
    static HITS: RefCell<matcher::Hits> = RefCell::new(matcher::Hits::default());
    static FEATURES: RefCell<Features> = RefCell::new(Features::default());
}

impl Analyzer {
    /// The priority an escalation reason carries (a post's is its most urgent
    /// reason's), for posts read back from a table, which stores only the reasons.
    pub fn priority_of(&self, reason: &str) -> Option<u8> {
        if reason == "info_request" {
            return Some(flags::INFO_REQUEST_PRIORITY);
        }
        if reason == "harm" {
            return Some(HARM_PRIORITY);
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

    /// The analyser of a run: rules, vocabularies and the learned flags' models.
    pub fn new(cfg: &Config) -> Result<Analyzer, String> {
        let mut a = Analyzer::for_training(cfg)?;
        a.learned = Learned::from_config(cfg)?;
        Ok(a)
    }

    /// The analyser without learned models: what training needs to compute a text's
    /// features (sentiment and the rules' hints), whatever models exist.
    pub fn for_training(cfg: &Config) -> Result<Analyzer, String> {
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
        let vocabulary = flags::vocabulary();
        let complaint = vocabulary
            .complaint_terms
            .iter()
            .chain(&cfg.flags.complaint_terms)
            .cloned();
        entries.extend(complaint.map(|w| (w, Target::Complaint, true)));
        entries.extend(
            vocabulary
                .complaint_topic_terms
                .iter()
                .map(|s| (s.clone(), Target::ComplaintTopic, true)),
        );
        let info = vocabulary
            .info_request_terms
            .iter()
            .chain(&cfg.flags.info_request_terms)
            .cloned();
        entries.extend(info.map(|w| (w, Target::InfoRequest, true)));
        let holidays = cfg.flags.holidays.iter().map(|d| d.date()).collect();
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
            tz: cfg.metrics.timezone.tz(),
            redact_pii: cfg.flags.redact_pii,
            learned: Learned::default(),
            scope_addressed: cfg.responsiveness.scope == crate::config::Scope::Addressed,
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
            self.find_hits(text, &mut hits);
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

    /// Every taxonomy and rule term in `text` (folded), in one pass.
    fn find_hits(&self, text: &str, hits: &mut matcher::Hits) {
        FOLDED.with(|f| {
            let mut f = f.borrow_mut();
            fold::fold_into(text, &mut f);
            let len = f.len();
            f.extend(std::iter::repeat_n(' ', matcher::PADDING));
            self.matcher.hits_padded(&f, len, hits)
        });
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
        let learned = &self.learned;
        FEATURES.with(|f| {
            let mut f = f.borrow_mut();
            // Features are extracted once, on first use, for every model of the post.
            f.indices.clear();
            let question_rule = inbound && flags::looks_like_question(text);
            let hints = Hints {
                question_rule,
                complaint_vocabulary: hits.contains(Target::Complaint),
                compound: post.sentiment.map(|s| s.compound),
            };
            for (name, flag) in &learned.labels {
                if flag.probability(&mut f, text, &hints) >= flag.threshold {
                    l.labels.push(name.clone());
                }
            }
            if !inbound {
                return;
            }
            l.is_question = match &learned.question {
                Some(q) => {
                    let p = q.probability(&mut f, text, &hints);
                    l.question_score = Some(classifier::rounded(p));
                    p >= q.threshold
                }
                None => question_rule,
            };
            l.is_complaint = match &learned.complaint {
                Some(c) => {
                    let p = c.probability(&mut f, text, &hints);
                    l.complaint_score = Some(classifier::rounded(p));
                    p >= c.threshold
                }
                None => {
                    let negative = post.sentiment_label.as_deref() == Some("negative");
                    // Asking about a refund or how to complain is a question, not a
                    // complaint.
                    let topic = hits.contains(Target::ComplaintTopic) && !l.is_question;
                    negative || hits.contains(Target::Complaint) || topic
                }
            };
            if let Some(h) = &learned.harm {
                let p = h.probability(&mut f, text, &hints);
                l.harm_score = Some(classifier::rounded(p));
            }
        });
        if inbound {
            // A term names the law; the message must also make a request under it.
            l.info_request = hits.contains(Target::InfoRequest) && flags::makes_a_request(text);
            if l.info_request {
                let received = crate::text::local_day_in(post.created_at, self.tz);
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
            let harm = (learned.harm.as_ref(), l.harm_score);
            if let (Some(h), Some(p)) = harm {
                if p >= h.threshold {
                    reasons.push((HARM_PRIORITY, "harm".into()));
                }
            }
            reasons.sort();
            reasons.dedup();
            l.escalate = !reasons.is_empty();
            l.escalation_priority = reasons.first().map(|r| r.0);
            l.escalation_reasons = reasons.into_iter().map(|r| r.1).collect();
            let flagged = l.is_question || l.is_complaint || l.info_request;
            l.needs_response = flagged || (self.scope_addressed && post.addressed);
        }
    }
}

/// Training and evaluation see a text exactly as a run's inbound post: sentiment first,
/// then the rules' hints.
impl classifier::train::Featurize for Analyzer {
    fn features(&self, text: &str, bits: u32) -> Features {
        let mut post = Post::new("", String::new(), 0, text.to_string());
        self.score_sentiment(&mut post);
        let complaint_vocabulary = HITS.with(|hits| {
            let mut hits = hits.borrow_mut();
            self.find_hits(text, &mut hits);
            hits.contains(Target::Complaint)
        });
        let hints = Hints {
            question_rule: flags::looks_like_question(text),
            complaint_vocabulary,
            compound: post.sentiment.map(|s| s.compound),
        };
        let mut f = Features::default();
        f.extract(text, &hints, bits);
        f
    }
}
