//! Pipeline configuration (TOML). Every field has a default so a config can be
//! as short as `[input] paths = [...]`; unknown keys are errors so typos surface.

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A calendar unit: `output.partition`, `cost.period`, `cost.items[].per`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    #[default]
    /// A calendar day.
    Day,
    /// A calendar month.
    Month,
}

impl Period {
    /// The value as the config spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Month => "month",
        }
    }
}

/// `privacy.private_messages`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrivateMessages {
    /// Followers-only and direct messages stay out of the public metrics, text unwritten.
    #[default]
    Exclude,
    /// They are treated as public posts.
    Include,
}

/// `responsiveness.scope`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every inbound post addressed to an own account needs a response.
    #[default]
    Addressed,
    /// Only questions, complaints and information requests do.
    Flagged,
}
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// A whole pipeline config, as `pipeline.toml` gives it (docs/configuration.md).
pub struct Config {
    /// `[input]`: what to read.
    pub input: InputConfig,
    /// `[output]`: where and how the tables are written.
    pub output: OutputConfig,
    /// `[run]`: how the run behaves.
    pub run: RunConfig,
    /// The organisation's own accounts: posts they author are `outbound`.
    pub accounts: Vec<AccountConfig>,
    /// `[privacy]`: pseudonyms and private messages.
    pub privacy: PrivacyConfig,
    /// `[sentiment]`: VADER thresholds and the language guard.
    pub sentiment: SentimentConfig,
    /// Column mappings for generic CSV / NDJSON exports of listening tools.
    pub mappings: Vec<MappingConfig>,
    /// Topic taxonomy: a post may carry several topics.
    pub topics: Vec<TopicConfig>,
    /// TOML files holding more `[[topics]]` (relative to the config file), appended in order.
    pub topic_files: Vec<PathBuf>,
    /// `[flags]`: the listening flags.
    pub flags: FlagsConfig,
    /// Escalation rules; empty means the built-in set (see README).
    pub escalation: Vec<EscalationRule>,
    /// `[emerging]`: emerging-term detection.
    pub emerging: EmergingConfig,
    /// `[metrics]`: the metric tables' calendar and spikes.
    pub metrics: MetricsConfig,
    /// `[cost]`: the cost–benefit table.
    pub cost: CostConfig,
    /// Follower counts of own accounts, for engagement rate by followers.
    pub followers: Vec<FollowerCount>,
    /// `[retention]`: how long posts and their text are kept.
    pub retention: RetentionConfig,
    /// The HTML report written with every run (`OUT/report.html`).
    pub report: ReportConfig,
    /// Learned classifiers: `question`, `complaint` or `harm` replaces (or re-thresholds)
    /// that built-in flag's model; any other name adds a label (`posts.labels`).
    pub classifiers: Vec<ClassifierConfig>,
    /// What the `responsiveness` and `unanswered` tables count as needing a response.
    pub responsiveness: ResponsivenessConfig,
    /// The config file's directory (absolute), set by [`Config::load`]: relative paths
    /// in the file are resolved against it, and inputs are recorded relative to it.
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
}

/// One `[[classifiers]]` entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassifierConfig {
    /// `question`, `complaint`, `harm`, or a label of the organisation's own.
    pub name: String,
    /// A model file written by `socialpulse train` (relative to the config file);
    /// optional for the built-in `question` and `harm`.
    pub model: Option<PathBuf>,
    /// The probability at or above which the flag or label is set (the model's own
    /// threshold when absent).
    pub threshold: Option<f64>,
}

/// `[responsiveness]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResponsivenessConfig {
    /// `addressed`: every inbound post that replies to or mentions an own account, is a
    /// direct message, or is an information request; `flagged`: inbound questions,
    /// complaints and information requests.
    pub scope: Scope,
}

impl Default for ResponsivenessConfig {
    fn default() -> Self {
        ResponsivenessConfig {
            scope: Scope::Addressed,
        }
    }
}

/// What the HTML report compares and shows; stored in the manifest, so
/// `socialpulse report OUT` rebuilds the same report from the published tables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Days in the report's period (ending on the latest day with data), compared with
    /// the same number of days before it.
    pub period_days: u32,
    /// Days of history the daily charts show.
    pub history_days: u32,
    /// The first-response target, in minutes; the report gives the share answered within it.
    pub response_target_minutes: f64,
    /// Rows of the escalation queue the report lists.
    pub top_escalations: usize,
    /// Open information requests due within this many working days count as due soon.
    pub due_soon_working_days: u32,
    /// How the escalation queue shows the public's text.
    pub public_text: PublicText,
    /// Names of escalation priorities (`"1" = "Self-harm"`), over the defaults made
    /// from the escalation rules' reasons.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub priority_names: BTreeMap<String, String>,
}

/// How the report's escalation queue shows a member of the public's words (the report
/// travels further than the tables: to managers, into slides and e-mail).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicText {
    /// The `escalations.text` with personal data masked (`[EMAIL]`, `[PHONE]`,
    /// `[ADDRESS]`, `[CARD]`) whatever `flags.redact_pii` says.
    #[default]
    Redacted,
    /// No text: reasons, topics and the link only.
    None,
    /// `escalations.text` as the tables publish it.
    AsPublished,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            period_days: 7,
            history_days: 90,
            response_target_minutes: 60.0,
            top_escalations: 20,
            due_soon_working_days: 5,
            public_text: PublicText::Redacted,
            priority_names: BTreeMap::new(),
        }
    }
}

/// How long members of the public's posts and words stay in the published tables. The
/// metric tables are computed before old posts leave, so history keeps its counts.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Posts created more than this many days before the reference date are not
    /// published in `posts` and `escalations`; 0 keeps every post.
    pub days: u32,
    /// Text of posts created more than this many days before the reference date is
    /// written as null; 0 keeps all text.
    pub text_days: u32,
    /// `YYYY-MM-DD` the days count back from; default the run's UTC date.
    pub as_of: Option<String>,
}

/// Followers of one own account from a date on (the latest entry on or before a day applies).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FollowerCount {
    /// Platform of an own account.
    pub platform: String,
    /// The own account.
    pub account: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Followers from that date on (for `engagement_rate_followers`).
    pub count: u64,
}

/// The cost model behind `cost_benefit`; every value is copied into the table.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostConfig {
    /// `month` or `day`.
    pub period: Period,
    /// Currency of every amount (copied into the table).
    pub currency: String,
    /// Staff hours spent on social media per active day.
    pub staff_hours_per_day: f64,
    /// Cost of one staff hour.
    pub hourly_cost: f64,
    /// Value of one answered inquiry (e.g. the cost of a call-centre contact avoided).
    pub value_per_resolved_inquiry: f64,
    /// Tool, advertising and other costs.
    pub items: Vec<CostItem>,
}

impl CostConfig {
    /// Whether any amount is set (a staff cost, a value per inquiry or an item): the
    /// defaults are all zero, and a cost of 0 that nobody configured is no cost.
    pub fn configured(&self) -> bool {
        self.staff_hours_per_day != 0.0
            || self.hourly_cost != 0.0
            || self.value_per_resolved_inquiry != 0.0
            || !self.items.is_empty()
    }
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            period: Period::Month,
            currency: "NZD".into(),
            staff_hours_per_day: 0.0,
            hourly_cost: 0.0,
            value_per_resolved_inquiry: 0.0,
            items: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// One `[[cost.items]]` entry: a cost charged per period.
pub struct CostItem {
    /// A tool, advertising or other cost.
    pub name: String,
    /// Its amount per `per`.
    pub amount: f64,
    /// `month` (prorated by active days) or `day`.
    pub per: Period,
    /// Charge one platform only; empty shares it across all.
    pub platform: String,
}

/// An IANA time zone (`Pacific/Auckland`), checked when the config is read and written
/// back as given, so fingerprints of configs that spell it so stay the same.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    name: String,
    tz: chrono_tz::Tz,
}

impl Zone {
    /// The parsed zone.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.tz
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone {
            name: "UTC".into(),
            tz: chrono_tz::UTC,
        }
    }
}

impl std::str::FromStr for Zone {
    type Err = String;
    fn from_str(s: &str) -> Result<Zone, String> {
        s.parse::<chrono_tz::Tz>()
            .map(|tz| Zone {
                name: s.to_string(),
                tz,
            })
            .map_err(|_| format!("unknown time zone {s:?} (an IANA name such as Pacific/Auckland)"))
    }
}

impl std::ops::Deref for Zone {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Zone, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A calendar date written `YYYY-MM-DD`, checked when the config is read and written
/// back as given.
#[derive(Clone, Debug, PartialEq)]
pub struct Day {
    text: String,
    date: chrono::NaiveDate,
}

impl Day {
    /// The parsed date.
    pub fn date(&self) -> chrono::NaiveDate {
        self.date
    }

    fn is_default_earliest(&self) -> bool {
        self.text == EARLIEST
    }
}

impl std::str::FromStr for Day {
    type Err = String;
    fn from_str(s: &str) -> Result<Day, String> {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|date| Day {
                text: s.to_string(),
                date,
            })
            .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[metrics]`: the calendar of the daily tables and topic spikes.
pub struct MetricsConfig {
    /// IANA time zone whose calendar days the daily metric tables use (e.g. `Pacific/Auckland`).
    pub timezone: Zone,
    /// Days of history for the `topic_daily` spike score.
    pub spike_baseline_days: u32,
    /// A spike needs at least this many posts on the day.
    pub spike_min_count: u64,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            timezone: Zone::default(),
            spike_baseline_days: 28,
            spike_min_count: 5,
        }
    }
}

/// One topic of the taxonomy. Terms are matched case- and accent-insensitively on whole
/// words; a term may be a phrase. A post matching any `exclude` phrase does not get the topic.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TopicConfig {
    /// The topic's name, as `posts.topics` and `topic_daily.topic` give it.
    pub name: String,
    /// Phrases that give a post the topic.
    pub terms: Vec<String>,
    /// Phrases that keep a post out of the topic even when a term matches.
    pub exclude: Vec<String>,
    /// Every post with this topic is escalated (reason `topic:<name>`).
    pub escalate: bool,
}

/// A named escalation reason and the phrases that trigger it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EscalationRule {
    /// The reason, as `escalation_reasons` gives it.
    pub reason: String,
    /// Phrases that escalate a post with this reason.
    pub terms: Vec<String>,
    /// Ignore a match preceded (within three words) by a negation ("not going to sue").
    pub negatable: bool,
    /// Queue order in `escalations`: lower is more urgent.
    pub priority: u8,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[flags]`: extra vocabulary, holidays and text redaction for the listening flags.
pub struct FlagsConfig {
    /// Working days allowed to answer an official information request.
    pub info_request_working_days: u32,
    /// Public holidays (YYYY-MM-DD) that are not working days.
    pub holidays: Vec<Day>,
    /// Extra complaint vocabulary (added to the built-in list).
    pub complaint_terms: Vec<String>,
    /// Extra official-information-request phrases (added to the built-in list).
    pub info_request_terms: Vec<String>,
    /// Replace e-mail addresses, phone numbers, street addresses and card numbers in
    /// the written text with `[EMAIL]`, `[PHONE]`, `[ADDRESS]`, `[CARD]`.
    pub redact_pii: bool,
    /// Write no text at all (retention-limited deployments).
    pub drop_text: bool,
}

impl Default for FlagsConfig {
    fn default() -> Self {
        FlagsConfig {
            info_request_working_days: 20,
            holidays: Vec::new(),
            complaint_terms: Vec::new(),
            info_request_terms: Vec::new(),
            redact_pii: false,
            drop_text: false,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[emerging]`: how emerging terms are found.
pub struct EmergingConfig {
    /// Days of history the baseline averages over.
    pub baseline_days: u32,
    /// A term needs at least this many posts on the day.
    pub min_count: u32,
    /// Terms reported per day.
    pub top: usize,
    /// Minimum score (log2 ratio of observed to expected).
    pub min_score: f64,
}

impl Default for EmergingConfig {
    fn default() -> Self {
        EmergingConfig {
            baseline_days: 28,
            min_count: 3,
            top: 20,
            min_score: 1.0,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[input]`: what to read.
pub struct InputConfig {
    /// Files or directories (walked recursively). Relative paths are relative to the config file.
    pub paths: Vec<PathBuf>,
    /// IANA zone of exports that write local times with an ambiguous zone abbreviation
    /// (CrowdTangle's `CST`, `IST`): the zone the dashboard was set to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<Zone>,
    /// The first UTC day a post may be made on; a post dated before it is a reject (a
    /// date no platform's history holds, such as year 0 or a mistyped century).
    #[serde(skip_serializing_if = "Day::is_default_earliest")]
    pub earliest: Day,
    /// How many days after the run started a post may be dated; a post dated later is a
    /// reject (a clock or a date column gone wrong would otherwise move the report's
    /// period to its date).
    #[serde(skip_serializing_if = "is_default_future_days")]
    pub future_days: u32,
    /// MiB a JSON document or a workbook may take once decompressed: such a file is
    /// read whole, so a larger one is a reject naming this limit (a few kilobytes of
    /// zstd can expand to gigabytes).
    #[serde(skip_serializing_if = "is_default_max_document_mb")]
    pub max_document_mb: u64,
    /// Cells a workbook sheet may span from its first to its last cell: a sheet is laid
    /// out whole, so one whose cells sit far apart (A1 and XFD1048576 span 17 billion) is
    /// a reject naming this limit.
    #[serde(skip_serializing_if = "is_default_max_sheet_cells")]
    pub max_sheet_cells: u64,
}

fn is_default_max_document_mb(v: &u64) -> bool {
    *v == DEFAULT_MAX_DOCUMENT_MB
}

fn is_default_max_sheet_cells(v: &u64) -> bool {
    *v == DEFAULT_MAX_SHEET_CELLS
}

/// `input.max_document_mb`'s default.
const DEFAULT_MAX_DOCUMENT_MB: u64 = 512;
/// `input.max_sheet_cells`'s default: 20 million (a sheet of a million rows and 20
/// columns; laid out, about 600 MB).
const DEFAULT_MAX_SHEET_CELLS: u64 = 20_000_000;
// (Both are left out of the serialised config at their defaults, so the config hash of
// a config that does not set them is what it was before they existed.)

fn is_default_future_days(d: &u32) -> bool {
    *d == DEFAULT_FUTURE_DAYS
}

/// `input.future_days`'s default.
const DEFAULT_FUTURE_DAYS: u32 = 2;

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            paths: Vec::new(),
            timezone: None,
            earliest: Day {
                text: EARLIEST.to_string(),
                date: chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
            },
            future_days: DEFAULT_FUTURE_DAYS,
            max_document_mb: DEFAULT_MAX_DOCUMENT_MB,
            max_sheet_cells: DEFAULT_MAX_SHEET_CELLS,
        }
    }
}

/// The most worker threads a run may be given (`run.threads`, `--threads`): more than
/// any machine's cores, fewer than a thread pool can start without exhausting memory.
pub const MAX_THREADS: usize = 1024;

/// `input.earliest`'s default: before every platform the readers know (the oldest,
/// Facebook, opened in 2004), with room for forum and news archives.
const EARLIEST: &str = "2000-01-01";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[output]`: where and how the tables are written.
pub struct OutputConfig {
    /// Output directory.
    pub dir: PathBuf,
    /// Rows per Parquet row group.
    pub row_group_size: usize,
    /// How `posts` is partitioned: `day` (`date=YYYY-MM-DD`) or `month` (`month=YYYY-MM`).
    pub partition: Period,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            dir: PathBuf::from("out"),
            row_group_size: 64 * 1024,
            partition: Period::Day,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[run]`: how the run behaves (threads, batches, memory, rejects).
pub struct RunConfig {
    /// The run exits non-zero when rejects / (posts read + rejects) exceeds this.
    pub max_reject_ratio: f64,
    /// Worker threads; 0 = all cores (RAYON_NUM_THREADS also applies).
    pub threads: usize,
    /// Records per parallel parse batch for line-oriented formats. Small enough that a
    /// batch's buffers are reused from the allocator's pages (16 Ki lines made every batch
    /// map and zero fresh memory, ~9% slower at 1M posts), large enough to split across
    /// threads and to overlap decompressing the next batch with parsing this one.
    pub batch_size: usize,
    /// Show a progress bar when stderr is a terminal.
    pub progress: bool,
    /// MiB the posts read may take in memory between the two passes: within it, pass 2
    /// takes them from memory; beyond it, every day's posts go to spill files on disk
    /// (as they all do with 0).
    pub memory_budget_mb: u64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            max_reject_ratio: 0.05,
            threads: 0,
            batch_size: 2048,
            progress: true,
            memory_budget_mb: 2048,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// One `[[accounts]]` entry: an account of the organisation.
pub struct AccountConfig {
    /// Platform name as in `posts.platform` (twitter, mastodon, facebook, reddit, bluesky, ...).
    /// Empty matches every platform.
    pub platform: String,
    /// Handle without the leading `@` (matched case-insensitively).
    pub handle: String,
    /// Platform user id, when known (matched exactly).
    pub id: Option<String>,
    /// Inbound posts on this platform that address no own account are attributed here.
    pub default: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[privacy]`: pseudonymisation key, public identities and private messages.
pub struct PrivacyConfig {
    /// Environment variable holding the pseudonymisation key.
    pub key_env: String,
    /// File holding the key (used when the environment variable is unset).
    pub key_file: Option<PathBuf>,
    /// Opt-in: keep raw ids and handles of members of the public.
    pub keep_public_identities: bool,
    /// Followers-only and direct messages: `exclude` keeps them out of the public metrics
    /// and writes no text for them; `include` treats them as public posts.
    pub private_messages: PrivateMessages,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            key_env: "SOCIALPULSE_KEY".to_string(),
            key_file: None,
            keep_public_identities: false,
            private_messages: PrivateMessages::Exclude,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
/// `[sentiment]`: VADER label thresholds and the language guard.
pub struct SentimentConfig {
    /// compound >= this is `positive`.
    pub positive_threshold: f64,
    /// compound <= this is `negative`.
    pub negative_threshold: f64,
    /// Score posts whose language is unknown and not detected as non-English.
    pub enabled: bool,
}

impl Default for SentimentConfig {
    fn default() -> Self {
        SentimentConfig {
            positive_threshold: 0.05,
            negative_threshold: -0.05,
            enabled: true,
        }
    }
}

/// Maps the columns (CSV) or top-level keys (NDJSON) of a tool export onto the post model.
/// A file matches a mapping when its header / first record has the `id`, `text` and
/// `timestamp` columns.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MappingConfig {
    /// Name of a generic CSV/NDJSON mapping (in messages).
    pub name: String,
    /// Fixed platform for every row...
    pub platform: Option<String>,
    /// ...or the column holding it (lower-cased).
    pub platform_column: Option<String>,
    /// Column of the post id (required).
    pub id: String,
    /// Column of the text (required).
    pub text: String,
    /// Column of the creation time (required).
    pub timestamp: String,
    /// `rfc3339`, `unix`, `unix_ms`, `twitter`, or a strftime pattern (UTC unless it has `%z`).
    pub timestamp_format: String,
    /// IANA-free fixed offset for naive timestamps, e.g. `+13:00`; default UTC.
    pub timestamp_offset: Option<String>,
    /// Column of the author handle.
    pub author: Option<String>,
    /// Column of the author id.
    pub author_id: Option<String>,
    /// Column of the post's link.
    pub url: Option<String>,
    /// Column of the language.
    pub lang: Option<String>,
    /// Column of the parent post id.
    pub reply_to: Option<String>,
    /// Column of the thread root id.
    pub conversation: Option<String>,
    /// Column of the post kind.
    pub kind: Option<String>,
    /// Column of the like count (`1,234` and `12.5K` accepted; empty = null).
    pub likes: Option<String>,
    /// Column of the repost count.
    pub reposts: Option<String>,
    /// Column of the reply count.
    pub replies: Option<String>,
    /// Column of the quote count.
    pub quotes: Option<String>,
    /// Column of the view count.
    pub views: Option<String>,
    /// Column of who could see the post: `direct` or `private` (any case, or a value
    /// containing "private message" or "direct message") makes it a private message,
    /// withheld as `privacy.private_messages` says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// Column naming the own account (page, handle) the row was posted by or sent to,
    /// e.g. a listening tool's page column: it decides `account` before mentions do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Every row is one of the organisation's own posts (a page's post export): the
    /// posts are outbound whoever the author column names.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub own_posts: bool,
    /// Column saying whether the row was received (inbound) or sent by the organisation
    /// (outbound): it decides `direction` over `[[accounts]]`. `inbound`/`outbound`,
    /// `in`/`out`, `received`/`sent`, `incoming`/`outgoing` are understood in any case;
    /// yes/no values (`True`/`False`, `1`/`0`, `yes`/`no`) answer the column's name when
    /// it says which it means (`inbound`, `is_outbound`, `sent`, …). Any other value is
    /// read through `inbound_values` and `outbound_values`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Values of the `direction` column that mean inbound (compared trimmed, any case).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inbound_values: Vec<String>,
    /// Values of the `direction` column that mean outbound (compared trimmed, any case).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outbound_values: Vec<String>,
    /// CSV delimiter (default `,`).
    pub delimiter: Option<char>,
}
impl MappingConfig {
    /// Every column the mapping reads, each once, in one fixed order: the one list every
    /// reader path (CSV, NDJSON, JSON documents, workbooks) fetches, so no path can read
    /// fewer of a mapping's keys than another.
    pub fn columns(&self) -> MappingColumns<'_> {
        let all = [
            Some(&self.id),
            Some(&self.text),
            Some(&self.timestamp),
            self.platform_column.as_ref(),
            self.author.as_ref(),
            self.author_id.as_ref(),
            self.url.as_ref(),
            self.lang.as_ref(),
            self.reply_to.as_ref(),
            self.conversation.as_ref(),
            self.kind.as_ref(),
            self.likes.as_ref(),
            self.reposts.as_ref(),
            self.replies.as_ref(),
            self.quotes.as_ref(),
            self.views.as_ref(),
            self.visibility.as_ref(),
            self.account.as_ref(),
            self.direction.as_ref(),
        ];
        // A fixed array, not a Vec: the NDJSON path asks for it on every line.
        let mut out = MappingColumns {
            names: [""; MAPPING_COLUMNS],
            len: 0,
        };
        for c in all.into_iter().flatten() {
            if !out.as_slice().contains(&c.as_str()) {
                out.names[out.len] = c;
                out.len += 1;
            }
        }
        out
    }
}

/// How many column keys a mapping has.
const MAPPING_COLUMNS: usize = 19;

/// The columns of a mapping ([`MappingConfig::columns`]).
pub struct MappingColumns<'a> {
    names: [&'a str; MAPPING_COLUMNS],
    len: usize,
}

impl<'a> MappingColumns<'a> {
    /// The columns, in the mapping's order.
    pub fn as_slice(&self) -> &[&'a str] {
        &self.names[..self.len]
    }
}

// (`visibility`, `account` and `own_posts` are left out of the serialised mapping when
// unset, so the ingest fingerprint of a config that does not use them is what it was
// before they existed: an upgrade does not ask for `--full`.)

impl Config {
    /// Read a config file; relative paths inside it are resolved against its directory.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = String::from_utf8(read_regular(path, "config")?)
            .map_err(|e| format!("config {} is not UTF-8: {e}", path.display()))?;
        let mut cfg: Config = toml::from_str(&text)
            .map_err(|e| format!("invalid config {}: {}", path.display(), one_line(&text, &e)))?;
        // Absolute, so neither how the path was typed nor the working directory changes
        // what the config means (or its hash, or `source_file`).
        let base = path.parent().unwrap_or(Path::new("."));
        let base = match std::env::current_dir() {
            Ok(cwd) if base.is_relative() => clean_path(&cwd.join(base)),
            _ => clean_path(base),
        };
        cfg.resolve_paths(&base);
        cfg.base_dir = Some(base);
        for f in cfg.topic_files.clone() {
            cfg.topics.extend(load_topics(&f)?);
        }
        cfg.validate()
            .map_err(|e| format!("invalid config {}: {e}", path.display()))?;
        Ok(cfg)
    }

    /// Make the mapping's relative paths relative to the config file's folder.
    pub fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = clean_path(&base.join(&*p));
            }
        };
        self.input.paths.iter_mut().for_each(fix);
        self.topic_files.iter_mut().for_each(fix);
        self.classifiers
            .iter_mut()
            .filter_map(|c| c.model.as_mut())
            .for_each(fix);
        fix(&mut self.output.dir);
        if let Some(k) = self.privacy.key_file.as_mut() {
            fix(k);
        }
    }

    /// Check the mapping at load: a name, the required columns and a known time format.
    pub fn validate(&self) -> Result<(), String> {
        for (key, value) in [
            ("run.batch_size", self.run.batch_size),
            ("output.row_group_size", self.output.row_group_size),
            (
                "metrics.spike_baseline_days",
                self.metrics.spike_baseline_days as usize,
            ),
        ] {
            if value == 0 {
                return Err(format!("{key} must be at least 1"));
            }
        }
        self.validate_accounts()?;
        if let Some(k) = self
            .report
            .priority_names
            .keys()
            .find(|k| k.parse::<u8>().is_err())
        {
            return Err(format!(
                "report.priority_names: {k:?} is not a priority (a whole number, 0 to 255)"
            ));
        }
        if self.run.threads > MAX_THREADS {
            return Err(format!(
                "run.threads = {} is more than {MAX_THREADS}: use 0 for one thread per core",
                self.run.threads
            ));
        }
        if !(0.0..=1.0).contains(&self.run.max_reject_ratio) {
            return Err("run.max_reject_ratio must be between 0 and 1".into());
        }
        if self.sentiment.negative_threshold > self.sentiment.positive_threshold {
            return Err("sentiment.negative_threshold must not exceed positive_threshold".into());
        }
        let mut names = std::collections::BTreeSet::new();
        for c in &self.classifiers {
            let valid = !c.name.is_empty()
                && c.name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
            if !valid {
                return Err(format!(
                    "classifiers: name {:?} must be letters, digits, '_' or '-'",
                    c.name
                ));
            }
            if !names.insert(c.name.as_str()) {
                return Err(format!("classifiers: {:?} is named twice", c.name));
            }
            if c.model.is_none() && !matches!(c.name.as_str(), "question" | "harm") {
                return Err(format!(
                    "classifiers: {:?} needs a model (only question and harm are built in)",
                    c.name
                ));
            }
            if c.threshold.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
                return Err(format!(
                    "classifiers: {:?}: threshold must be between 0 and 1",
                    c.name
                ));
            }
        }
        if let Some(f) = self
            .followers
            .iter()
            .find(|f| chrono::NaiveDate::parse_from_str(&f.date, "%Y-%m-%d").is_err())
        {
            return Err(format!("followers: {:?} is not YYYY-MM-DD", f.date));
        }
        if let Some(d) = &self.retention.as_of {
            if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return Err(format!("retention.as_of: {d:?} is not YYYY-MM-DD"));
            }
        }
        for t in &self.topics {
            if t.name.is_empty() || t.terms.is_empty() {
                return Err("every [[topics]] entry needs a name and terms".into());
            }
        }
        for m in &self.mappings {
            if m.id.is_empty() || m.text.is_empty() || m.timestamp.is_empty() {
                return Err(format!(
                    "mapping '{}' needs id, text and timestamp columns",
                    m.name
                ));
            }
            if m.platform.is_none() && m.platform_column.is_none() {
                return Err(format!(
                    "mapping '{}' needs platform or platform_column",
                    m.name
                ));
            }
        }
        Ok(())
    }

    /// Every account names a known platform (or all), a handle or id, and each platform
    /// has one default at most.
    fn validate_accounts(&self) -> Result<(), String> {
        let mapped: Vec<String> = self
            .mappings
            .iter()
            .filter_map(|m| m.platform.as_deref())
            .map(str::to_lowercase)
            .collect();
        let mut defaults: BTreeMap<String, &str> = BTreeMap::new();
        for a in &self.accounts {
            let platform = a.platform.to_lowercase();
            let known = platform.is_empty()
                || PLATFORMS.contains(&platform.as_str())
                || mapped.contains(&platform);
            if !known {
                let near = PLATFORMS
                    .iter()
                    .map(|p| (edits(&platform, p), *p))
                    .min()
                    .filter(|(d, _)| *d <= 2)
                    .map_or(String::new(), |(_, p)| format!(" (did you mean {p:?}?)"));
                return Err(format!("accounts: unknown platform {:?}{near}", a.platform));
            }
            if a.handle.trim_start_matches('@').is_empty()
                && a.id.as_deref().is_none_or(str::is_empty)
            {
                return Err("accounts: an entry needs a handle or an id".into());
            }
            if a.default {
                if let Some(other) = defaults.insert(platform, &a.handle) {
                    return Err(format!(
                        "accounts: two defaults for platform {:?} ({other} and {})",
                        a.platform, a.handle
                    ));
                }
            }
        }
        Ok(())
    }

    /// Stable hash of the effective configuration, recorded in the run manifest. Paths
    /// count relative to the config file, so the hash does not depend on where the file
    /// lives or how its path was typed.
    pub fn hash(&self) -> String {
        let mut canonical = self.clone();
        if let Some(base) = &self.base_dir {
            let rel = |p: &mut PathBuf| *p = PathBuf::from(display_path(Some(base), p));
            canonical.input.paths.iter_mut().for_each(rel);
            canonical.topic_files.iter_mut().for_each(rel);
            canonical
                .classifiers
                .iter_mut()
                .filter_map(|c| c.model.as_mut())
                .for_each(rel);
            rel(&mut canonical.output.dir);
            if let Some(k) = canonical.privacy.key_file.as_mut() {
                rel(k);
            }
        }
        let json = serde_json::to_string(&canonical).unwrap_or_default();
        blake3::hash(json.as_bytes()).to_hex()[..16].to_string()
    }

    /// How a path is recorded (`source_file`, `_run.json` inputs): see [`display_path`].
    pub fn display_path(&self, p: &Path) -> String {
        display_path(self.base_dir.as_deref(), p)
    }
}

/// A TOML error as one line, `line L, column C: message`, for logs that keep one line
/// per event (the parser's own text spans several, with a caret under the place).
fn one_line(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            // The line itself and its table, so the key is named: `[run] batch_size = 0`.
            let source = text.lines().nth(line - 1).unwrap_or("").trim();
            let table = text
                .lines()
                .take(line - 1)
                .filter(|l| l.trim_start().starts_with('['))
                .last()
                .map(str::trim);
            let at = match table {
                Some(t) if !source.starts_with('[') => format!("{t} {source}"),
                _ => source.to_string(),
            };
            let at: String = at.chars().take(120).collect();
            format!("line {line}, column {column} ({at}): {msg}")
        }
        None => msg,
    }
}

/// Platforms an account may name besides those of `[[mappings]]`: the built-in readers'
/// and those the listening-tool layouts carry in a platform column.
pub const PLATFORMS: &[&str] = &[
    "twitter",
    "mastodon",
    "facebook",
    "instagram",
    "reddit",
    "bluesky",
    "youtube",
    "telegram",
    "threads",
    "linkedin",
    "tiktok",
    "pinterest",
    "tumblr",
];

/// Levenshtein distance, for suggesting the platform a typo meant.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A taxonomy file: a TOML document of `[[topics]]` only.
/// The text of a file the config names (a topic file, a model, a key file): only a
/// regular file is read. Reading a FIFO waits for a writer forever, and a device may
/// never end; either is refused by name instead.
pub fn read_regular(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{what} {} is not a regular file (a FIFO, a device or a folder)",
            path.display()
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

fn load_topics(path: &Path) -> Result<Vec<TopicConfig>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct TopicsFile {
        topics: Vec<TopicConfig>,
    }
    let text = String::from_utf8(read_regular(path, "topic file")?)
        .map_err(|e| format!("topic file {} is not UTF-8: {e}", path.display()))?;
    let f: TopicsFile = toml::from_str(&text).map_err(|e| {
        format!(
            "invalid topic file {}: {}",
            path.display(),
            one_line(&text, &e)
        )
    })?;
    Ok(f.topics)
}

/// A path as recorded: made absolute (against the working directory) and cleaned, then
/// relative to `base` (the config file's directory, else the working directory) when the
/// two share more than the root, e.g. `../exports/tweets.js`; otherwise absolute. So
/// `in`, `./in/` and `$PWD/in` are one input, night after night.
pub fn display_path(base: Option<&Path>, p: &Path) -> String {
    use std::path::Component;
    let cwd = std::env::current_dir().ok();
    let p = match &cwd {
        Some(cwd) if p.is_relative() => clean_path(&cwd.join(p)),
        _ => clean_path(p),
    };
    let p = p.as_path();
    let Some(base) = base.or(cwd.as_deref()).filter(|_| p.is_absolute()) else {
        return p.display().to_string();
    };
    let (b, t): (Vec<Component>, Vec<Component>) =
        (base.components().collect(), p.components().collect());
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if common <= 1 {
        return p.display().to_string();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out.display().to_string()
}

/// Lexically remove `.` and `dir/..` so paths in messages and `source_file` read well.
pub fn clean_path(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_recorded_relative_to_the_config() {
        let base = Path::new("/srv/agency/pipelines");
        let at = |p: &str| display_path(Some(base), Path::new(p));
        assert_eq!(
            at("/srv/agency/exports/x/tweets.js"),
            "../exports/x/tweets.js"
        );
        assert_eq!(at("/srv/agency/pipelines/in/a.json"), "in/a.json");
        assert_eq!(at("/srv/agency/pipelines"), ".");
        assert_eq!(at("/srv/data/dump.ndjson"), "../../data/dump.ndjson");
        // Nothing in common but the root: absolute.
        assert_eq!(at("/data/dump.ndjson"), "/data/dump.ndjson");
        // A relative path (the command line's) is resolved against the working directory.
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(
            at("rel/given.csv"),
            display_path(Some(base), &cwd.join("rel/given.csv"))
        );
        assert_eq!(display_path(None, Path::new("/abs/a.js")), "/abs/a.js");
    }

    /// Values that parse but make no sense fail at load (exit 2), each on one line.
    #[test]
    fn senseless_values_are_errors() {
        let cases: &[(&str, &str)] = &[
            ("[run]\nbatch_size = 0\n", "run.batch_size must be at least 1"),
            ("[output]\nrow_group_size = 0\n", "output.row_group_size must be at least 1"),
            (
                "[metrics]\nspike_baseline_days = 0\n",
                "metrics.spike_baseline_days must be at least 1",
            ),
            (
                "[[accounts]]\nplatform = \"twiter\"\nhandle = \"Agency\"\n",
                "accounts: unknown platform \"twiter\" (did you mean \"twitter\"?)",
            ),
            ("[[accounts]]\n", "accounts: an entry needs a handle or an id"),
            (
                "[output]\npartition = \"weekly\"\n",
                "line 2, column 13 ([output] partition = \"weekly\"): unknown variant `weekly`, expected `day` or `month`",
            ),
            (
                "[input]\ntimezone = \"Mars/Olympus\"\n",
                "line 2, column 12 ([input] timezone = \"Mars/Olympus\"): unknown time zone \"Mars/Olympus\" (an IANA name such as Pacific/Auckland)",
            ),
            (
                "[metrics]\ntimezone = \"Pacific/Aukland\"\n",
                "line 2, column 12 ([metrics] timezone = \"Pacific/Aukland\"): unknown time zone \"Pacific/Aukland\" (an IANA name such as Pacific/Auckland)",
            ),
            (
                "[flags]\nholidays = [\"2026-12-25\", \"2026-13-01\"]\n",
                "line 2, column 12 ([flags] holidays = [\"2026-12-25\", \"2026-13-01\"]): \"2026-13-01\" is not a date (YYYY-MM-DD)",
            ),
            (
                "[[accounts]]\nplatform = \"twitter\"\nhandle = \"A\"\ndefault = true\n[[accounts]]\nplatform = \"twitter\"\nhandle = \"B\"\ndefault = true\n",
                "accounts: two defaults for platform \"twitter\" (A and B)",
            ),
        ];
        let dir = std::env::temp_dir().join(format!("sp-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        for (i, (toml, want)) in cases.iter().enumerate() {
            let path = dir.join(format!("c{i}.toml"));
            std::fs::write(&path, toml).expect("write");
            let err = Config::load(&path).expect_err(toml);
            assert!(err.ends_with(want), "{toml}: {err}");
            assert!(!err.contains('\n'), "{err}");
        }
        // A mapped platform is a platform.
        let path = dir.join("mapped.toml");
        std::fs::write(
            &path,
            "[[accounts]]\nplatform = \"intranet\"\nhandle = \"A\"\n[[mappings]]\nname = \"m\"\nplatform = \"intranet\"\nid = \"i\"\ntext = \"t\"\ntimestamp = \"ts\"\n",
        )
        .expect("write");
        Config::load(&path).expect("a mapped platform");
        // Type and unknown-key errors fit on one line, with where.
        for (toml, want) in [
            (
                "[run]\nbatch_size = \"big\"\n",
                "line 2, column 14 ([run] batch_size = \"big\"): invalid type",
            ),
            (
                "[run]\nbatchsize = 3\n",
                "line 2, column 1 ([run] batchsize = 3): unknown field `batchsize`",
            ),
        ] {
            let path = dir.join("typed.toml");
            std::fs::write(&path, toml).expect("write");
            let err = Config::load(&path).expect_err(toml);
            assert!(err.contains(want), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Keys added to a section since outputs were first written are left out of its
    /// serialised form while unset: the ingest fingerprint stored posts were read under
    /// stays the same across the upgrade (no `--full` asked for).
    #[test]
    fn unset_new_keys_leave_the_fingerprinted_form_as_it_was() {
        let m = serde_json::to_string(&MappingConfig::default()).expect("json");
        for key in ["visibility", "account", "own_posts"] {
            assert!(!m.contains(key), "{m}");
        }
        let i = serde_json::to_string(&InputConfig::default()).expect("json");
        assert_eq!(i, r#"{"paths":[]}"#);
        // Closed values serialise as the strings they replaced.
        let p = serde_json::to_string(&PrivacyConfig::default()).expect("json");
        assert!(p.contains(r#""private_messages":"exclude""#), "{p}");
        assert_eq!(
            serde_json::to_string(&Period::Month).expect("json"),
            r#""month""#
        );
    }

    #[test]
    fn paths_are_cleaned() {
        assert_eq!(
            clean_path(Path::new("pipelines/../fixtures")),
            PathBuf::from("fixtures")
        );
        assert_eq!(clean_path(Path::new("./a/./b")), PathBuf::from("a/b"));
        assert_eq!(clean_path(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(clean_path(Path::new("/a/b/../c")), PathBuf::from("/a/c"));
    }
}

/// What the report needs beyond the tables; recorded in the manifest (`report`), so a
/// rebuilt report equals the run's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportSettings {
    /// `report.period_days`: days of the period the headline figures compare.
    pub period_days: u32,
    /// `report.history_days`: days the charts show.
    pub history_days: u32,
    /// `report.response_target_minutes`: the response time the report holds the team to.
    pub response_target_minutes: f64,
    /// `report.top_escalations`: escalations listed at the head of the queue.
    pub top_escalations: usize,
    /// `report.due_soon_working_days`: working days within which an open request is due soon.
    pub due_soon_working_days: u32,
    /// `metrics.timezone`: the calendar the daily tables use.
    pub timezone: Zone,
    /// `flags.holidays`, for counting working days.
    pub holidays: Vec<Day>,
    /// `privacy.private_messages`: with `exclude`, followers-only and direct posts are
    /// left out of the report's figures as they are out of the metric tables.
    pub private_messages: PrivateMessages,
    /// `report.public_text`.
    pub public_text: PublicText,
    /// Whether `[cost]` sets any amount ([`CostConfig::configured`]): without one the
    /// report shows no cost figures.
    pub cost_configured: bool,
    /// The name of each escalation priority the run's rules give (filled by the run from
    /// the rules' reasons and `report.priority_names`).
    pub priority_names: BTreeMap<u8, String>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings::from_config(&Config::default())
    }
}

impl ReportSettings {
    /// The settings a run with `cfg` records in its manifest.
    pub fn from_config(cfg: &Config) -> ReportSettings {
        let r = &cfg.report;
        ReportSettings {
            period_days: r.period_days,
            history_days: r.history_days,
            response_target_minutes: r.response_target_minutes,
            top_escalations: r.top_escalations,
            due_soon_working_days: r.due_soon_working_days,
            timezone: cfg.metrics.timezone.clone(),
            holidays: cfg.flags.holidays.clone(),
            private_messages: cfg.privacy.private_messages,
            public_text: cfg.report.public_text,
            cost_configured: cfg.cost.configured(),
            priority_names: BTreeMap::new(),
        }
    }
}
