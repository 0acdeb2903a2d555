//! The normalised post model shared by every stage, and the reject record.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The run manifest's file name in a snapshot: a [`RunReport`] as JSON.
pub const MANIFEST: &str = "_run.json";

/// Microseconds since the Unix epoch, UTC. Parquet stores it as `timestamp[us, UTC]`.
pub type Micros = i64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Direction {
    /// Authored by one of the organisation's own accounts.
    Outbound,
    /// Authored by anyone else.
    Inbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Inbound => "inbound",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Original,
    Reply,
    Repost,
    Quote,
    Comment,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Original => "original",
            Kind::Reply => "reply",
            Kind::Repost => "repost",
            Kind::Quote => "quote",
            Kind::Comment => "comment",
        }
    }
}

/// Engagement counters. `None` means the source does not report the counter
/// (never a fake zero).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub likes: Option<i64>,
    pub reposts: Option<i64>,
    pub replies: Option<i64>,
    pub quotes: Option<i64>,
    pub views: Option<i64>,
}

impl Counts {
    /// Sum of the known counters; used by the deduplication rule.
    pub fn known_total(&self) -> i64 {
        [
            self.likes,
            self.reposts,
            self.replies,
            self.quotes,
            self.views,
        ]
        .iter()
        .flatten()
        .fold(0i64, |a, b| a.saturating_add(*b))
    }
    pub fn known_fields(&self) -> usize {
        [
            self.likes,
            self.reposts,
            self.replies,
            self.quotes,
            self.views,
        ]
        .iter()
        .filter(|c| c.is_some())
        .count()
    }
}

/// Per-post sentiment as VADER reports it, rounded like the reference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

/// One normalised post: a row of the `posts` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub platform: String,
    pub post_id: String,
    /// Link to the post; for the public only a form that names no one (see privacy).
    pub url: Option<String>,
    /// The source's own link when `url` was made privacy-safe: the working link the
    /// operational tables (`escalations`, `unanswered`) give staff, sealed with the
    /// pseudonymisation key (`Pseudonymiser::seal`) so the nightly state holds no
    /// raw identity; opened only as those tables are written.
    pub link: Option<String>,
    pub created_at: Micros,
    /// The organisation's account this post belongs to (outbound) or addresses (inbound).
    pub account: Option<String>,
    /// Platform user id (or handle when the source has no id); pseudonymised for the public.
    pub author_id: Option<String>,
    /// Readable handle: kept for own accounts, pseudonymised for the public unless opted in.
    pub author_handle: Option<String>,
    pub direction: Direction,
    pub kind: Kind,
    pub reply_to_id: Option<String>,
    pub conversation_id: Option<String>,
    pub text: String,
    /// The language the source gave (as given).
    pub lang: Option<String>,
    /// The language detected from the text when the source gave none: an ISO 639-1
    /// code, or `und` when the text is too short to judge (see the language guard).
    pub lang_detected: Option<std::borrow::Cow<'static, str>>,
    pub counts: Counts,
    pub hashtags: Vec<String>,
    pub mentions: Vec<String>,
    pub urls: Vec<String>,
    pub source_file: String,
    /// Line number (1-based) for line formats, record index (0-based) for documents.
    pub source_position: u64,
    pub sentiment: Option<Sentiment>,
    /// One of three fixed words: borrowed, so labelling a post allocates nothing.
    pub sentiment_label: Option<std::borrow::Cow<'static, str>>,
    pub sentiment_skipped: Option<String>,
    /// Listening layer (see `analysis`).
    pub listening: Listening,
    /// Who could see the post, as the platform says (`public`, `unlisted`, `private`,
    /// `direct`); none for platforms without the notion.
    pub visibility: Option<String>,
    /// A followers-only or direct message kept out of the public metrics, with its text
    /// not written (`privacy.private_messages = "exclude"`); it still counts in
    /// responsiveness.
    pub withheld: bool,
    /// The post replies to or mentions one of the organisation's own accounts (an
    /// inbound post; false for outbound).
    pub addressed: bool,
}

/// What the listening layer adds to a post.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Listening {
    pub topics: Vec<String>,
    pub url_domains: Vec<String>,
    pub emoji: Vec<String>,
    pub is_question: bool,
    pub is_complaint: bool,
    pub info_request: bool,
    /// Days since the Unix epoch (Parquet `date32`).
    pub info_request_due: Option<i32>,
    pub escalate: bool,
    pub escalation_reasons: Vec<String>,
    /// Most urgent reason's priority (lower is more urgent).
    pub escalation_priority: Option<u8>,
    pub has_pii: bool,
    pub pii_types: Vec<String>,
    /// Calibrated probabilities of the learned flags (inbound posts; `complaint_score`
    /// only where a complaint model is configured).
    pub question_score: Option<f64>,
    pub complaint_score: Option<f64>,
    pub harm_score: Option<f64>,
    /// Labels of the organisation's own classifiers that the post carries.
    pub labels: Vec<String>,
    /// Counted by `responsiveness` under `responsiveness.scope`.
    pub needs_response: bool,
}

impl Post {
    /// The link staff open to answer the post: the source's own when `url` was made
    /// privacy-safe.
    pub fn working_link(&self) -> Option<&str> {
        self.link.as_deref().or(self.url.as_deref())
    }

    /// An empty post with the identity fields set; readers fill the rest.
    pub fn new(platform: &str, post_id: String, created_at: Micros, text: String) -> Post {
        Post {
            platform: platform.to_string(),
            post_id,
            url: None,
            link: None,
            created_at,
            account: None,
            author_id: None,
            author_handle: None,
            direction: Direction::Inbound,
            kind: Kind::Original,
            reply_to_id: None,
            conversation_id: None,
            text,
            lang: None,
            lang_detected: None,
            counts: Counts::default(),
            hashtags: Vec::new(),
            mentions: Vec::new(),
            urls: Vec::new(),
            source_file: String::new(),
            source_position: 0,
            sentiment: None,
            sentiment_label: None,
            sentiment_skipped: None,
            listening: Listening::default(),
            visibility: None,
            withheld: false,
            addressed: false,
        }
    }
}

/// What a reader hands to the pipeline: the post plus hints that only the
/// normalisation step (which knows the config) can turn into direction/account.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub post: Post,
    /// The format guarantees the post was written by the archive's owner
    /// (e.g. `tweets.js` in an account archive).
    pub by_owner: bool,
    /// Handles the post replies to or mentions, in order of relevance.
    pub addressed_to: Vec<String>,
    /// The own page or profile the export names as the post's (a listening tool's page
    /// column): the post's `account`, declared in `[[accounts]]` or not.
    pub named_account: Option<String>,
    /// The direction the export states (a mapped direction column); it wins over the
    /// accounts' rule.
    pub direction: Option<Direction>,
    /// How `post.source_position` counts: lines, or records of a document or workbook.
    pub position_kind: PositionKind,
}

impl Draft {
    pub fn new(post: Post) -> Draft {
        Draft {
            post,
            by_owner: false,
            addressed_to: Vec::new(),
            named_account: None,
            direction: None,
            position_kind: PositionKind::Line,
        }
    }
}

/// How a reject's position is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PositionKind {
    Line,
    Record,
    Byte,
    File,
}

impl PositionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PositionKind::Line => "line",
            PositionKind::Record => "record",
            PositionKind::Byte => "byte",
            PositionKind::File => "file",
        }
    }
}

/// A record (or a whole file) that could not be turned into a post: a row of `rejects`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    pub source_file: String,
    pub position: u64,
    pub position_kind: PositionKind,
    pub format: Option<String>,
    pub reason: String,
    pub raw_excerpt: String,
}

/// Longest raw excerpt kept in `rejects`, in characters.
pub const EXCERPT_CHARS: usize = 200;

/// Build an excerpt from raw bytes: lossy UTF-8, control characters made visible, truncated.
pub fn excerpt(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(&raw[..raw.len().min(EXCERPT_CHARS * 4)]);
    s.chars()
        .filter(|c| *c != '\0')
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

/// What reading one file produced, for the manifest.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub format: String,
    pub compression: String,
    pub bytes: u64,
    pub blake3: String,
    /// Records seen (posts read + records rejected).
    pub records: u64,
    pub posts: u64,
    pub rejects: u64,
    /// Records recognised as holding no post (e.g. stream control messages).
    pub skipped_records: u64,
    /// Set when the file was recognised but holds no posts (e.g. `account.js`).
    pub skipped: Option<String>,
    /// Set when the file could not be read to its end.
    pub error: Option<String>,
    /// What the reader noticed about the file as a whole, such as a mapped column its
    /// header lacks; each becomes a run warning naming the file. (Always written: the
    /// report also travels as bincode between a distributed run's tasks, which has no
    /// notion of a field left out.)
    #[serde(default)]
    pub notes: Vec<String>,
}

impl FileReport {
    /// Fold in the report of another part of the same file (a byte range read
    /// elsewhere): counts add up; the hash (carried by the range at 0) and the first
    /// error are kept.
    pub fn absorb(&mut self, other: FileReport) {
        self.bytes += other.bytes;
        self.records += other.records;
        self.posts += other.posts;
        self.rejects += other.rejects;
        self.skipped_records += other.skipped_records;
        if self.blake3.is_empty() {
            self.blake3 = other.blake3;
        }
        if self.error.is_none() {
            self.error = other.error;
        }
        if self.skipped.is_none() {
            self.skipped = other.skipped;
        }
        for n in other.notes {
            if !self.notes.contains(&n) {
                self.notes.push(n);
            }
        }
    }
}

/// The run manifest written as `OUT/_run.json` (fields documented in docs/data-dictionary.md).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunReport {
    /// The output contract's version (see CHANGELOG.md).
    pub schema_version: u32,
    pub version: String,
    pub run_id: String,
    pub started_at: String,
    pub config_hash: String,
    pub pseudonym_key: String,
    pub inputs: Vec<FileReport>,
    pub posts_read: u64,
    /// Posts read that were copies of posts read in this run or stored before it.
    pub duplicates_removed: u64,
    /// Posts added to the dataset by this run (read, not copies of stored posts).
    pub posts_new: u64,
    /// Posts in the published `posts` table after the run.
    pub posts_written: u64,
    /// Posts read and deduplicated but older than `retention.days`: in the metrics, not
    /// in `posts`.
    pub posts_expired: u64,
    pub rejects: u64,
    pub reject_ratio: f64,
    pub max_reject_ratio: f64,
    pub escalations: u64,
    pub partitions: Vec<String>,
    pub durations_ms: BTreeMap<String, u64>,
    /// Thread time per stage, summed over workers (see README, performance).
    pub stage_cpu_ms: BTreeMap<String, u64>,
    pub output: String,
    /// The snapshot this run published (`OUT/current` points to it).
    pub snapshot: String,
    /// `full` (no state to build on, or `--full`), `incremental`, or `unchanged`
    /// (nothing new was found).
    pub mode: String,
    /// Inputs already ingested and unchanged, so not read.
    pub inputs_unchanged: u64,
    /// Stored posts were analysed again (the analysis config changed).
    pub reanalysed: bool,
    /// UTC days recomputed (new posts, retention, re-analysis).
    pub partitions_rewritten: u64,
    /// What the HTML report compares and shows, so `socialpulse report` rebuilds it.
    pub report: crate::config::ReportSettings,
    /// Inputs that could not be read whole (unreadable, cut short, corrupt): part or all
    /// of each is in no table until a later run reads it whole.
    pub inputs_lost: u64,
    /// Signs the inputs were not read as meant (see docs/data-dictionary.md).
    pub warnings: Vec<String>,
    /// The commonest kinds of reason among this run's rejects (at most three, most
    /// frequent first), so a run over `max_reject_ratio` says why.
    pub top_reject_reasons: Vec<ReasonCount>,
    /// How the CLI exits for this run (`exit::ExitStatus::name`): `success`,
    /// `too_many_rejects` or `inputs_lost`.
    pub status: String,
}

/// A kind of reject reason (its particulars cut off) and how many rejects gave it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub rejects: u64,
}

impl RunReport {
    pub fn too_many_rejects(&self) -> bool {
        self.reject_ratio > self.max_reject_ratio
    }

    /// How a published run exits: inputs lost first (part of an input is in no table
    /// until a later run reads it whole), then rejects over the limit.
    pub fn exit_status(&self) -> crate::exit::ExitStatus {
        use crate::exit::ExitStatus;
        if self.inputs_lost > 0 {
            ExitStatus::InputsLost
        } else if self.too_many_rejects() {
            ExitStatus::TooManyRejects
        } else {
            ExitStatus::Success
        }
    }
}
