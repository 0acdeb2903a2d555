//! Everything the report shows, computed from a snapshot's published tables (and its
//! manifest) alone, so `socialpulse report OUT` gives the run's report again.

use super::Settings;
use crate::analysis::flags::due_date;
use crate::sinks::read::{scan, scan_partitions};
use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use std::path::Path;

/// A run of calendar days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// A figure for the report's period and the one before it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pair<T> {
    pub cur: T,
    pub prev: T,
}

/// A member of the public's text as `report.public_text` lets the report show it.
fn shown_text(text: &str, how: crate::config::PublicText) -> Option<String> {
    use crate::analysis::pii;
    use crate::config::PublicText;
    match how {
        PublicText::None => None,
        PublicText::AsPublished => Some(text.to_string()),
        PublicText::Redacted => Some(pii::redact(text, &pii::find(text))),
    }
}

/// One row of the escalation queue as the report lists it.
#[derive(Clone, Debug)]
pub struct Escalation {
    pub position: i32,
    pub priority: i32,
    pub reasons: Vec<String>,
    pub due: Option<NaiveDate>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub platform: String,
    /// A link that names no one (`privacy::public_link` of the queue's working link),
    /// or none where the platform has no such link.
    pub url: Option<String>,
    pub topics: Vec<String>,
    pub compound: Option<f64>,
    /// The learned harm flag's probability (null for an output written before it).
    pub harm_score: Option<f64>,
    pub text: Option<String>,
}

/// Per day, inbound posts of every platform: the sums behind mean compound and shares.
#[derive(Clone, Copy, Debug, Default)]
pub struct DaySentiment {
    pub scored: i64,
    pub compound_sum: f64,
    pub positive: f64,
    pub neutral: f64,
    pub negative: f64,
}

/// A spike or emerging term worth listing.
#[derive(Clone, Debug)]
pub struct Emerging {
    pub date: NaiveDate,
    pub term: String,
    pub count: i64,
    pub expected: f64,
    pub score: f64,
}

#[derive(Clone, Debug, Default)]
pub struct Data {
    pub run_id: String,
    pub version: String,
    pub timezone: String,
    pub currency: String,
    /// None when the tables hold no day at all.
    pub period: Option<Pair<Period>>,
    pub history: Option<Period>,
    // Headline figures.
    pub posts_in: Pair<i64>,
    pub posts_out: Pair<i64>,
    pub unique_authors: Pair<i64>,
    pub mean_sentiment: Pair<Option<f64>>,
    /// The latest day with posts, left out because it had not ended when the run
    /// started (the day, and the run's local start time).
    pub partial_day: Option<(NaiveDate, String)>,
    /// Posts needing a response on platforms and accounts whose rate is measured.
    pub needs_response: Pair<i64>,
    /// Posts needing a response on platforms and accounts no own reply links to
    /// (`responsiveness.unmeasured_reason`): no rate can be measured for them.
    pub needing_unmeasured: Pair<i64>,
    pub responded: Pair<i64>,
    pub response_minutes: Pair<Vec<f64>>,
    pub unanswered: Pair<i64>,
    /// Escalated posts made in the period, by priority.
    pub escalations: BTreeMap<i32, Pair<i64>>,
    pub info_as_of: Option<NaiveDate>,
    pub info_due_by: Option<NaiveDate>,
    pub info_due_soon: i64,
    pub info_overdue: i64,
    pub cost_total: Pair<Option<f64>>,
    pub cost_responses: Pair<i64>,
    pub net_benefit: Pair<Option<f64>>,
    // Charts over the history window.
    /// (date, platform, direction) → posts.
    pub volume: BTreeMap<(NaiveDate, String, String), i64>,
    pub sentiment: BTreeMap<NaiveDate, DaySentiment>,
    /// (topic, date) → (volume, spike).
    pub topics: BTreeMap<(String, NaiveDate), (i64, bool)>,
    pub emerging: Vec<Emerging>,
    pub queue: Vec<Escalation>,
    pub queue_total: i64,
    // Data quality.
    pub rejects_by_reason: BTreeMap<String, i64>,
    pub rejects_by_file: BTreeMap<String, i64>,
    pub rejects_total: i64,
    /// (file, why) of inputs recognised as holding no posts, from the manifest.
    pub skipped_files: Vec<(String, String)>,
    pub duplicates_removed: i64,
    pub posts_read: i64,
    /// Posts of the period by why they have no score: `non-English`, `no text`,
    /// `disabled`; `scored` for the rest.
    pub scoring: BTreeMap<String, Pair<i64>>,
}

fn day(days_since_epoch: i32) -> NaiveDate {
    shift(NaiveDate::default(), i64::from(days_since_epoch))
}

fn both<T>(period: &Pair<Period>, d: NaiveDate, pair: &mut Pair<T>, f: impl Fn(&mut T)) {
    if period.cur.contains(d) {
        f(&mut pair.cur);
    } else if period.prev.contains(d) {
        f(&mut pair.prev);
    }
}

/// The last day of the cost period starting on `start`.
fn cost_period_end(start: NaiveDate, grain: &str) -> NaiveDate {
    if grain != "month" {
        return start;
    }
    let (y, m) = if start.month() == 12 {
        (start.year() + 1, 1)
    } else {
        (start.year(), start.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).map_or(start, |d| d.pred_opt().unwrap_or(d))
}

/// What every section reads with: the snapshot, the settings, the reporting calendar.
struct Reader<'a> {
    snapshot: &'a Path,
    s: &'a Settings,
    tz: chrono_tz::Tz,
}

impl Reader<'_> {
    fn table(&self, name: &str) -> std::path::PathBuf {
        self.snapshot.join(name)
    }

    fn local_day(&self, micros: i64) -> Option<NaiveDate> {
        crate::text::local_day_in(micros, self.tz)
    }
}

/// `d` moved by `days`, held at the calendar's ends instead of overflowing (a date
/// arithmetic that panics would fail every later run on the same tables).
fn shift(d: NaiveDate, days: i64) -> NaiveDate {
    let step = chrono::Duration::try_days(days).unwrap_or(chrono::Duration::MAX);
    d.checked_add_signed(step).unwrap_or(if days < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// The periods compared and the charts' window, set by the latest day with posts.
#[derive(Clone, Copy)]
struct Window {
    period: Pair<Period>,
    history: Period,
}

/// The report's figures from a snapshot's tables, one section per table.
///
/// `as_of` is when the run started: the latest day with posts, if it had not ended by
/// then (reporting time zone), holds only part of a day's data and is left out of the
/// periods and charts (`Data::partial_day`), unless it is the only day.
pub fn load(
    snapshot: &Path,
    s: &Settings,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Data, String> {
    let r = Reader {
        snapshot,
        s,
        tz: s.timezone.tz(),
    };
    let mut d = Data {
        timezone: s.timezone.to_string(),
        ..Data::default()
    };
    rejects(&r, &mut d)?;
    runs(&r, &mut d)?;
    let Some(w) = volume(&r, &mut d, as_of)? else {
        return Ok(d);
    };
    // The scan of `posts`, the report's largest read, runs beside the other tables'.
    let (rest, posts) = rayon::join(
        || -> Result<Data, String> {
            sentiment(&r, w, &mut d)?;
            responsiveness(&r, w, &mut d)?;
            escalations(&r, w, &mut d)?;
            information_requests(&r, &mut d)?;
            cost(&r, w, &mut d)?;
            topics(&r, w, &mut d)?;
            emerging(&r, w, &mut d)?;
            Ok(d)
        },
        || posts(&r, w),
    );
    let (mut d, posts) = (rest?, posts?);
    d.scoring = posts
        .scoring
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    d.unique_authors = posts.unique_authors;
    Ok(d)
}

/// Rejects by file and by kind of reason.
fn rejects(r: &Reader, d: &mut Data) -> Result<(), String> {
    scan(&r.table("rejects"), &["source_file", "reason"], |b| {
        let file = b.str("source_file")?;
        let reason = b.str("reason")?;
        for i in 0..b.rows() {
            d.rejects_total += 1;
            *d.rejects_by_file
                .entry(file[i].unwrap_or_default().to_string())
                .or_default() += 1;
            *d.rejects_by_reason
                .entry(reason_kind(reason[i].unwrap_or_default()))
                .or_default() += 1;
        }
        Ok(())
    })?;

    Ok(())
}

/// Every run's reads and duplicates: the dataset's history, not one night's.
fn runs(r: &Reader, d: &mut Data) -> Result<(), String> {
    scan(
        &r.table("run_summary"),
        &["posts_read", "duplicates_removed"],
        |b| {
            for (r, dup) in b
                .i64("posts_read")?
                .into_iter()
                .zip(b.i64("duplicates_removed")?)
            {
                d.posts_read += r.unwrap_or(0);
                d.duplicates_removed += dup.unwrap_or(0);
            }
            Ok(())
        },
    )?;

    Ok(())
}

/// Volume per (day, platform, direction), read once: its latest day ends the period
/// (the latest day any post was made, reporting time zone). `None` without posts.
fn volume(
    r: &Reader,
    d: &mut Data,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Option<Window>, String> {
    let mut volume: BTreeMap<(NaiveDate, String, String), i64> = BTreeMap::new();
    scan(
        &r.table("daily_volume"),
        &["date", "platform", "direction", "posts"],
        |b| {
            let (dates, platforms, dirs, posts) = (
                b.date("date")?,
                b.str("platform")?,
                b.str("direction")?,
                b.i64("posts")?,
            );
            for i in 0..b.rows() {
                let (Some(dt), Some(p)) = (dates[i], posts[i]) else {
                    continue;
                };
                let key = (
                    day(dt),
                    platforms[i].unwrap_or_default().to_string(),
                    dirs[i].unwrap_or_default().to_string(),
                );
                *volume.entry(key).or_default() += p;
            }
            Ok(())
        },
    )?;
    let Some(mut end) = volume.keys().map(|k| k.0).max() else {
        return Ok(None);
    };
    let first = volume.keys().map(|k| k.0).min().unwrap_or(end);
    if let Some(at) = as_of {
        let today = crate::text::local_day_in(at.timestamp_micros(), r.tz).unwrap_or(end);
        if end >= today && first < end {
            d.partial_day = Some((end, at.with_timezone(&r.tz).format("%H:%M").to_string()));
            end = shift(end, -1);
        }
    }
    let n = i64::from(r.s.period_days.max(1));
    let cur = Period {
        start: shift(end, -(n - 1)),
        end,
    };
    let prev = Period {
        start: shift(cur.start, -n),
        end: shift(cur.start, -1),
    };
    let period = Pair { cur, prev };
    let history = Period {
        start: shift(end, -(i64::from(r.s.history_days.max(1)) - 1)),
        end,
    };
    d.period = Some(period);
    d.history = Some(history);
    for ((date, platform, dir), p) in volume {
        if dir == "inbound" {
            both(&period, date, &mut d.posts_in, |v| *v += p);
        } else {
            both(&period, date, &mut d.posts_out, |v| *v += p);
        }
        if history.contains(date) {
            d.volume.insert((date, platform, dir), p);
        }
    }

    Ok(Some(Window { period, history }))
}

/// Inbound sentiment: the periods' means and the history's daily label counts.
fn sentiment(r: &Reader, w: Window, d: &mut Data) -> Result<(), String> {
    let mut sentiment_sum: Pair<(f64, i64)> = Pair::default();
    scan(
        &r.table("daily_sentiment"),
        &[
            "date",
            "direction",
            "scored",
            "mean_compound",
            "positive_share",
            "neutral_share",
            "negative_share",
        ],
        |b| {
            let dates = b.date("date")?;
            let dirs = b.str("direction")?;
            let scored = b.i64("scored")?;
            let mean = b.f64("mean_compound")?;
            let shares = [
                b.f64("positive_share")?,
                b.f64("neutral_share")?,
                b.f64("negative_share")?,
            ];
            for i in 0..b.rows() {
                if dirs[i] != Some("inbound") {
                    continue;
                }
                let (Some(dt), Some(n), Some(m)) = (dates[i], scored[i], mean[i]) else {
                    continue;
                };
                let date = day(dt);
                both(&w.period, date, &mut sentiment_sum, |v| {
                    v.0 += m * n as f64;
                    v.1 += n;
                });
                if w.history.contains(date) {
                    let e = d.sentiment.entry(date).or_default();
                    e.scored += n;
                    e.compound_sum += m * n as f64;
                    // Shares times scored are whole label counts.
                    e.positive += (shares[0][i].unwrap_or(0.0) * n as f64).round();
                    e.neutral += (shares[1][i].unwrap_or(0.0) * n as f64).round();
                    e.negative += (shares[2][i].unwrap_or(0.0) * n as f64).round();
                }
            }
            Ok(())
        },
    )?;
    let mean = |(sum, n): (f64, i64)| (n > 0).then(|| sum / n as f64);
    d.mean_sentiment = Pair {
        cur: mean(sentiment_sum.cur),
        prev: mean(sentiment_sum.prev),
    };

    Ok(())
}

/// Responses needed, given and their times, per period.
fn responsiveness(r: &Reader, w: Window, d: &mut Data) -> Result<(), String> {
    scan(
        &r.table("responsiveness"),
        &[
            "date",
            "needs_response",
            "responded",
            "unanswered",
            "response_minutes",
            "unmeasured_reason",
        ],
        |b| {
            let dates = b.date("date")?;
            let need = b.i64("needs_response")?;
            let done = b.i64("responded")?;
            let open = b.i64("unanswered")?;
            let minutes = b.f64_list("response_minutes")?;
            let unmeasured = b.str("unmeasured_reason")?;
            for (i, m) in minutes.into_iter().enumerate() {
                let Some(dt) = dates[i] else { continue };
                let date = day(dt);
                // A rate nothing links to is not a rate of 0: counted apart.
                let needing = if unmeasured[i].is_some() {
                    &mut d.needing_unmeasured
                } else {
                    &mut d.needs_response
                };
                both(&w.period, date, needing, |v| *v += need[i].unwrap_or(0));
                both(&w.period, date, &mut d.responded, |v| {
                    *v += done[i].unwrap_or(0)
                });
                both(&w.period, date, &mut d.unanswered, |v| {
                    *v += open[i].unwrap_or(0)
                });
                both(&w.period, date, &mut d.response_minutes, |v| {
                    v.extend_from_slice(&m)
                });
            }
            Ok(())
        },
    )?;

    Ok(())
}

/// Escalations per priority and period, and the head of the queue.
fn escalations(r: &Reader, w: Window, d: &mut Data) -> Result<(), String> {
    scan(
        &r.table("escalations"),
        &[
            "queue_position",
            "priority",
            "reasons",
            "info_request_due",
            "created_at",
            "platform",
            "post_id",
            "url",
            "topics",
            "sentiment_compound",
            "harm_score",
            "text",
        ],
        |b| {
            let pos = b.i32("queue_position")?;
            let prio = b.i32("priority")?;
            let reasons = b.str_list("reasons")?;
            let due = b.date("info_request_due")?;
            let created = b.micros("created_at")?;
            let platform = b.str("platform")?;
            let post_id = b.str("post_id")?;
            let url = b.str("url")?;
            let topics = b.str_list("topics")?;
            let compound = b.f64("sentiment_compound")?;
            let harm = if b.has("harm_score") {
                b.f64("harm_score")?
            } else {
                vec![None; compound.len()]
            };
            let text = b.str("text")?;
            for (i, (reasons, topics)) in reasons.into_iter().zip(topics).enumerate() {
                let (Some(p), Some(c)) = (prio[i], created[i]) else {
                    continue;
                };
                d.queue_total += 1;
                if let Some(date) = r.local_day(c) {
                    let e = d.escalations.entry(p).or_default();
                    both(&w.period, date, e, |v| *v += 1);
                }
                let position = pos[i].unwrap_or(0);
                if position >= 1 && (position as usize) <= r.s.top_escalations {
                    d.queue.push(Escalation {
                        position,
                        priority: p,
                        reasons,
                        due: due[i].map(day),
                        created: chrono::DateTime::from_timestamp_micros(c).unwrap_or_default(),
                        platform: platform[i].unwrap_or_default().to_string(),
                        url: crate::privacy::public_link(
                            platform[i].unwrap_or_default(),
                            post_id[i].unwrap_or_default(),
                            url[i],
                            &[],
                        ),
                        topics,
                        compound: compound[i],
                        harm_score: harm[i],
                        text: text[i].and_then(|t| shown_text(t, r.s.public_text)),
                    });
                }
            }
            Ok(())
        },
    )?;
    d.queue.sort_by_key(|e| e.position);

    Ok(())
}

/// Information requests still open: due within the next working days, or overdue.
fn information_requests(r: &Reader, d: &mut Data) -> Result<(), String> {
    let holidays: Vec<NaiveDate> = r.s.holidays.iter().map(|h| h.date()).collect();
    scan(
        &r.table("unanswered"),
        &["reasons", "info_request_due", "as_of"],
        |b| {
            let reasons = b.str_list("reasons")?;
            let due = b.date("info_request_due")?;
            let as_of = b.micros("as_of")?;
            for (i, why) in reasons.iter().enumerate() {
                let Some(today) = as_of[i].and_then(|m| r.local_day(m)) else {
                    continue;
                };
                let by = due_date(today, r.s.due_soon_working_days, &holidays);
                d.info_as_of = Some(today);
                d.info_due_by = Some(by);
                if !why.iter().any(|x| x == "info_request") {
                    continue;
                }
                match due[i].map(|x| due_state(day(x), today, by)) {
                    Some(Some(Due::Overdue)) => d.info_overdue += 1,
                    Some(Some(Due::Soon)) => d.info_due_soon += 1,
                    _ => {}
                }
            }
            Ok(())
        },
    )?;

    Ok(())
}

/// Where an open request's due date stands on the as-of day `today`, with `by` the
/// last day of "due soon" (the Nth working day after `today`, itself included).
#[derive(Debug, PartialEq)]
enum Due {
    Overdue,
    Soon,
}

fn due_state(due: NaiveDate, today: NaiveDate, by: NaiveDate) -> Option<Due> {
    if due < today {
        Some(Due::Overdue)
    } else if due <= by {
        Some(Due::Soon)
    } else {
        None
    }
}

/// Cost and benefit of the periods (a period without a cost row has no cost).
fn cost(r: &Reader, w: Window, d: &mut Data) -> Result<(), String> {
    let mut cost_seen: Pair<bool> = Pair::default();
    scan(
        &r.table("cost_benefit"),
        &[
            "period_start",
            "period",
            "currency",
            "responses",
            "total_cost",
            "net_benefit",
        ],
        |b| {
            let start = b.date("period_start")?;
            let grain = b.str("period")?;
            let currency = b.str("currency")?;
            let responses = b.i64("responses")?;
            let total = b.f64("total_cost")?;
            let net = b.f64("net_benefit")?;
            for i in 0..b.rows() {
                let Some(st) = start[i].map(day) else {
                    continue;
                };
                let en = cost_period_end(st, grain[i].unwrap_or("month"));
                if let Some(c) = currency[i] {
                    d.currency = c.to_string();
                }
                for (p, cost, resp, nb, seen) in [
                    (
                        w.period.cur,
                        &mut d.cost_total.cur,
                        &mut d.cost_responses.cur,
                        &mut d.net_benefit.cur,
                        &mut cost_seen.cur,
                    ),
                    (
                        w.period.prev,
                        &mut d.cost_total.prev,
                        &mut d.cost_responses.prev,
                        &mut d.net_benefit.prev,
                        &mut cost_seen.prev,
                    ),
                ] {
                    if st > p.end || en < p.start {
                        continue;
                    }
                    *seen = true;
                    *resp += responses[i].unwrap_or(0);
                    if let Some(x) = total[i] {
                        *cost = Some(cost.unwrap_or(0.0) + x);
                    }
                    if let Some(x) = net[i] {
                        *nb = Some(nb.unwrap_or(0.0) + x);
                    }
                }
            }
            Ok(())
        },
    )?;

    if !cost_seen.cur {
        d.cost_total.cur = None;
    }
    if !cost_seen.prev {
        d.cost_total.prev = None;
    }

    Ok(())
}

/// Topic volumes and spikes over the history.
fn topics(r: &Reader, w: Window, d: &mut Data) -> Result<(), String> {
    scan(
        &r.table("topic_daily"),
        &["date", "topic", "volume", "spike"],
        |b| {
            let dates = b.date("date")?;
            let topic = b.str("topic")?;
            let volume = b.i64("volume")?;
            let spike = b.bool("spike")?;
            for i in 0..b.rows() {
                let (Some(dt), Some(tp)) = (dates[i], topic[i]) else {
                    continue;
                };
                let date = day(dt);
                if w.history.contains(date) {
                    d.topics.insert(
                        (tp.to_string(), date),
                        (volume[i].unwrap_or(0), spike[i].unwrap_or(false)),
                    );
                }
            }
            Ok(())
        },
    )?;

    Ok(())
}

/// The current period's emerging terms, highest score first.
fn emerging(r: &Reader, w: Window, d: &mut Data) -> Result<(), String> {
    scan(
        &r.table("emerging_terms"),
        &["date", "term", "count", "expected", "score"],
        |b| {
            let dates = b.date("date")?;
            let term = b.str("term")?;
            let count = b.i64("count")?;
            let expected = b.f64("expected")?;
            let score = b.f64("score")?;
            for i in 0..b.rows() {
                let Some(date) = dates[i].map(day) else {
                    continue;
                };
                if w.period.cur.contains(date) {
                    d.emerging.push(Emerging {
                        date,
                        term: term[i].unwrap_or_default().to_string(),
                        count: count[i].unwrap_or(0),
                        expected: expected[i].unwrap_or(0.0),
                        score: score[i].unwrap_or(0.0),
                    });
                }
            }
            Ok(())
        },
    )?;
    // Highest score first; the day and term make the order total.
    d.emerging.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.date.cmp(&a.date))
            .then(a.term.cmp(&b.term))
    });

    Ok(())
}

/// What the report takes from the `posts` table: posts by sentiment scoring and
/// distinct inbound authors, per period.
#[derive(Default)]
struct PostsPart {
    scoring: BTreeMap<&'static str, Pair<i64>>,
    unique_authors: Pair<i64>,
}

/// The posts themselves, one pass: distinct inbound authors and why posts have no score.
fn posts(r: &Reader, w: Window) -> Result<PostsPart, String> {
    let mut part = PostsPart::default();
    // Distinct (platform, author_id) as `daily_volume` counts them, by their 64-bit hash.
    let mut authors: Pair<FxHashSet<u64>> = Pair::default();
    let exclude_private = r.s.private_messages == crate::config::PrivateMessages::Exclude;
    // Only the partitions that can hold the two periods' posts: UTC days (or months)
    // with a day's margin for the reporting zone, not the whole history.
    let (from, to) = (shift(w.period.prev.start, -1), shift(w.period.cur.end, 1));
    let wanted = |parts: &[(&str, &str)]| {
        parts.iter().all(|&(k, v)| match k {
            "date" => {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_or(true, |d| from <= d && d <= to)
            }
            "month" => NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d")
                .map_or(true, |m| m <= to && cost_period_end(m, "month") >= from),
            _ => true,
        })
    };
    scan_partitions(
        &r.table("posts"),
        &[
            "platform",
            "author_id",
            "direction",
            "created_at",
            "sentiment_skipped",
            "visibility",
        ],
        wanted,
        |b| {
            let visibility = b.str("visibility")?;
            let platform = b.str("platform")?;
            let author = b.str("author_id")?;
            let dir = b.str("direction")?;
            let created = b.micros("created_at")?;
            let skipped = b.str("sentiment_skipped")?;
            for i in 0..b.rows() {
                let Some(date) = created[i].and_then(|m| r.local_day(m)) else {
                    continue;
                };
                if !w.period.cur.contains(date) && !w.period.prev.contains(date) {
                    continue;
                }
                if exclude_private && matches!(visibility[i], Some("private" | "direct")) {
                    continue;
                }
                let why = match skipped[i] {
                    None => "scored",
                    Some(s) if s.starts_with("lang:") || s.starts_with("detected:") => {
                        "non-English"
                    }
                    Some("no_text") => "no text",
                    Some(_) => "disabled",
                };
                both(&w.period, date, part.scoring.entry(why).or_default(), |v| {
                    *v += 1
                });
                if dir[i] == Some("inbound") {
                    if let (Some(p), Some(a)) = (platform[i], author[i]) {
                        let key = crate::metrics::daily_volume::author_hash(p, a);
                        if w.period.cur.contains(date) {
                            authors.cur.insert(key);
                        } else {
                            authors.prev.insert(key);
                        }
                    }
                }
            }
            Ok(())
        },
    )?;
    part.unique_authors = Pair {
        cur: authors.cur.len() as i64,
        prev: authors.prev.len() as i64,
    };
    Ok(part)
}

/// A reject's reason without the record's particulars (line and column of a JSON error,
/// the value that failed to parse), so the same failure counts as one reason.
pub fn reason_kind(reason: &str) -> String {
    let cut = [" at line ", ": `", " (`", ": \""]
        .iter()
        .filter_map(|m| reason.find(m))
        .min()
        .unwrap_or(reason.len());
    reason[..cut].trim_end_matches([':', ' ']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_lose_their_particulars() {
        assert_eq!(
            reason_kind("invalid JSON: EOF while parsing a string at line 1 column 127"),
            "invalid JSON: EOF while parsing a string"
        );
        assert_eq!(reason_kind("missing id (@id)"), "missing id (@id)");
        assert_eq!(reason_kind("bad timestamp: `yesterday`"), "bad timestamp");
    }

    /// docs/report.md: due soon runs from the as-of day to the Nth working day after
    /// it, both included; overdue is before the as-of day.
    #[test]
    fn due_soon_includes_the_nth_working_day_and_the_as_of_day() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // As of Monday 7 Dec 2026, 5 working days: up to Monday 14 Dec.
        let today = d(2026, 12, 7);
        let by = due_date(today, 5, &[]);
        assert_eq!(by, d(2026, 12, 14));
        assert_eq!(due_state(d(2026, 12, 4), today, by), Some(Due::Overdue));
        assert_eq!(due_state(today, today, by), Some(Due::Soon));
        assert_eq!(due_state(by, today, by), Some(Due::Soon));
        assert_eq!(due_state(d(2026, 12, 15), today, by), None);
    }

    #[test]
    fn cost_periods_end_on_the_last_day_of_the_month() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(cost_period_end(d(2026, 2, 1), "month"), d(2026, 2, 28));
        assert_eq!(cost_period_end(d(2026, 12, 1), "month"), d(2026, 12, 31));
        assert_eq!(cost_period_end(d(2026, 12, 5), "day"), d(2026, 12, 5));
    }
}
