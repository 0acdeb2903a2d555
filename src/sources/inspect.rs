//! `socialpulse inspect FILE`: what the readers make of one file, and for an export no
//! layout recognises, a `[[mappings]]` entry guessed from its header and first rows,
//! with the first rows read through it. The guess is a starting point the user checks;
//! the readers are the same the pipeline runs.

use super::*;
use crate::model::Post;
use std::sync::Mutex;

/// Rows shown.
const SHOWN: usize = 3;

/// What `inspect` found.
pub struct Inspection {
    /// The recognised format (`FileReport.format`), or none.
    pub format: Option<String>,
    /// Why the readers could not read the file, when they could not.
    pub error: Option<String>,
    /// The columns (CSV header, a workbook sheet's header, the first NDJSON record's
    /// keys) when no layout recognised the file.
    pub header: Vec<String>,
    /// A mapping guessed from the header and the first rows.
    pub suggested: Option<MappingConfig>,
    /// The first posts as read (through the suggested mapping when there is one).
    pub rows: Vec<Post>,
    /// The first rejects of that read.
    pub rejects: Vec<Reject>,
    /// Own accounts the file shows, as `(platform, handle)` with their posts: the pages
    /// or profiles it names (a page column) and the authors of posts it marks as the
    /// organisation's own (a page's post export, a direction column); for `[[accounts]]`.
    pub accounts: Vec<((String, String), u64)>,
}

/// Read `path` as a run would; when no layout recognises it, guess a mapping.
pub fn inspect(path: &Path, cfg: &Config) -> Inspection {
    let (report, rows, rejects, accounts) = first_rows(path, cfg);
    let recognised = report
        .error
        .as_deref()
        .is_none_or(|e| !e.starts_with("unrecognised format"));
    if recognised {
        return Inspection {
            format: Some(report.format).filter(|f| f != "unknown"),
            error: report.error,
            header: Vec::new(),
            suggested: None,
            rows,
            rejects,
            accounts,
        };
    }
    let (header, samples) = sample(path);
    let suggested = guess(&header, &samples);
    let (rows, rejects, accounts) = match &suggested {
        Some(m) => {
            let mut with = cfg.clone();
            with.mappings = vec![m.clone()];
            let (_, rows, rejects, accounts) = first_rows(path, &with);
            (rows, rejects, accounts)
        }
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    Inspection {
        format: None,
        error: report.error,
        header,
        suggested,
        rows,
        rejects,
        accounts,
    }
}

type Accounts = Vec<((String, String), u64)>;

fn first_rows(path: &Path, cfg: &Config) -> (FileReport, Vec<Post>, Vec<Reject>, Accounts) {
    let found: Mutex<(Vec<Post>, Vec<Reject>)> = Mutex::new((Vec::new(), Vec::new()));
    let accounts: Mutex<std::collections::BTreeMap<(String, String), u64>> = Mutex::default();
    let report = read_file(path, cfg, None, &|b: Batch| {
        if let Ok(mut a) = accounts.lock() {
            for d in &b.drafts {
                let own = d.by_owner || d.direction == Some(crate::model::Direction::Outbound);
                let who = d
                    .named_account
                    .clone()
                    .or_else(|| own.then(|| d.post.author_handle.clone()).flatten());
                if let Some(h) = who {
                    *a.entry((d.post.platform.clone(), h)).or_default() += 1;
                }
            }
        }
        if let Ok(mut f) = found.lock() {
            let room = SHOWN.saturating_sub(f.0.len());
            f.0.extend(b.drafts.into_iter().take(room).map(|d| d.post));
            let room = SHOWN.saturating_sub(f.1.len());
            f.1.extend(b.rejects.into_iter().take(room));
        }
    });
    let (mut rows, rejects) = found.into_inner().unwrap_or_default();
    rows.sort_by_key(|p| p.source_position);
    let accounts = accounts
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .collect();
    (report, rows, rejects, accounts)
}

/// The `[[accounts]]` block of the accounts a file shows that `cfg` does not declare.
pub fn accounts_toml(found: &Inspection, cfg: &Config) -> Option<String> {
    let declared = |platform: &str, handle: &str| {
        cfg.accounts.iter().any(|a| {
            (a.platform.is_empty() || a.platform.eq_ignore_ascii_case(platform))
                && a.handle
                    .trim_start_matches('@')
                    .eq_ignore_ascii_case(handle)
        })
    };
    let mut out = String::new();
    for ((platform, handle), n) in &found.accounts {
        if !declared(platform, handle) {
            out.push_str(&format!(
                "[[accounts]]   # {n} post(s)\nplatform = {}\nhandle = {}\n\n",
                toml_str(platform),
                toml_str(handle)
            ));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The header and up to five data rows, as text, of a CSV, NDJSON or workbook file.
fn sample(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let Ok(mut opened) = input::open(path, None) else {
        return (Vec::new(), Vec::new());
    };
    let mut head = Vec::new();
    let _ = (&mut opened.reader).take(1 << 20).read_to_end(&mut head);
    if spreadsheet::is_workbook(&head) {
        let mut rest = head;
        let _ = opened.reader.read_to_end(&mut rest);
        return spreadsheet::sample(rest);
    }
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if head.get(start) == Some(&b'{') {
        let records: Vec<serde_json::Map<String, Value>> = head[start..]
            .split(|b| *b == b'\n')
            .filter_map(|l| serde_json::from_slice::<Value>(l).ok())
            .filter_map(|v| v.as_object().cloned())
            .take(5)
            .collect();
        let header: Vec<String> = records
            .first()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        let rows = records
            .iter()
            .map(|r| {
                header
                    .iter()
                    .map(|k| match r.get(k) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Null) | None => String::new(),
                        Some(v) => v.to_string(),
                    })
                    .collect()
            })
            .collect();
        return (header, rows);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&head[..]);
    let header = rdr
        .headers()
        .map(|h| {
            h.iter()
                .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let rows = rdr
        .records()
        .filter_map(Result::ok)
        .take(5)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Time formats tried on the timestamp column's samples, most specific first.
const TIME_FORMATS: &[&str] = &[
    "rfc3339",
    "twitter",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "unix_ms",
    "unix",
];

/// A mapping from column names that look like id, text, time, author and reply-to,
/// with the first time format that reads every sample (a day-first and a month-first
/// pattern both fitting, the samples cannot tell: the first listed is taken, and the
/// user checks it).
pub fn guess(header: &[String], samples: &[Vec<String>]) -> Option<MappingConfig> {
    let norm = |h: &str| h.to_lowercase().replace(['_', '-', '.'], " ");
    let find = |words: &[&str], avoid: &[&str]| -> Option<String> {
        for w in words {
            let hit = header.iter().find(|h| {
                let n = norm(h);
                let matches = if w.contains(' ') {
                    n.contains(w)
                } else {
                    n.split(' ').any(|t| t == *w)
                };
                matches && !avoid.iter().any(|a| n.contains(a))
            });
            if let Some(h) = hit {
                return Some(h.clone());
            }
        }
        None
    };
    let id = find(
        &[
            "id",
            "message id",
            "post id",
            "tweet id",
            "status id",
            "guid",
        ],
        &[
            "author",
            "user",
            "reply",
            "parent",
            "page",
            "conversation",
            "in response",
        ],
    )?;
    let text = find(
        &[
            "text",
            "message",
            "content",
            "body",
            "full text",
            "caption",
            "post",
        ],
        &["id", "type", "url", "link"],
    )?;
    let timestamp = find(
        &[
            "created at",
            "timestamp",
            "published",
            "date",
            "time",
            "created",
        ],
        &["id"],
    )?;
    let at = header.iter().position(|h| *h == timestamp)?;
    let values: Vec<&str> = samples
        .iter()
        .filter_map(|r| r.get(at).map(String::as_str))
        .filter(|v| !v.trim().is_empty())
        .collect();
    let format = TIME_FORMATS
        .iter()
        .find(|f| {
            !values.is_empty()
                && values
                    .iter()
                    .all(|v| crate::text::parse_with_format(v, f).is_some())
        })
        .copied()
        .unwrap_or("rfc3339");
    Some(MappingConfig {
        name: "inspected".into(),
        platform: Some("other".into()),
        author: find(
            &[
                "author",
                "screen name",
                "username",
                "user",
                "from",
                "handle",
            ],
            &["id"],
        ),
        author_id: find(&["author id", "user id"], &[]),
        reply_to: find(
            &[
                "in reply to",
                "in response to",
                "reply to",
                "parent id",
                "parent",
            ],
            &["url"],
        ),
        url: find(&["url", "permalink", "link"], &["image", "media"]),
        lang: find(&["lang", "language"], &[]),
        // A column saying received or sent: read as the mapping's `direction` key
        // understands it (docs/configuration.md).
        direction: find(
            &[
                "inbound",
                "outbound",
                "direction",
                "is inbound",
                "is outbound",
                "incoming",
                "outgoing",
            ],
            &["id"],
        ),
        ..MappingConfig {
            id,
            text,
            timestamp,
            timestamp_format: format.to_string(),
            ..MappingConfig::default()
        }
    })
}

/// A mapping as the TOML block a pipeline config takes.
pub fn to_toml(m: &MappingConfig) -> String {
    let fields = [
        ("name", Some(&m.name)),
        ("platform", m.platform.as_ref()),
        ("id", Some(&m.id)),
        ("text", Some(&m.text)),
        ("timestamp", Some(&m.timestamp)),
        ("timestamp_format", Some(&m.timestamp_format)),
        ("author", m.author.as_ref()),
        ("author_id", m.author_id.as_ref()),
        ("reply_to", m.reply_to.as_ref()),
        ("url", m.url.as_ref()),
        ("lang", m.lang.as_ref()),
        ("direction", m.direction.as_ref()),
    ];
    let mut out = String::from("[[mappings]]\n");
    for (k, v) in fields {
        if let Some(v) = v {
            out.push_str(&format!("{k} = {}\n", toml_str(v)));
        }
        if k == "platform" {
            out.push_str("# ^ set the platform (twitter, facebook, instagram, ...), or name its column with platform_column\n");
        }
    }
    out
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_is_guessed_from_a_header_and_its_rows() {
        let header: Vec<String> = [
            "tweet_id",
            "author_id",
            "inbound",
            "created_at",
            "text",
            "response_tweet_id",
            "in_response_to_tweet_id",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows = vec![vec![
            "119237".into(),
            "105834".into(),
            "True".into(),
            "Wed Oct 11 06:55:44 +0000 2017".into(),
            "@AppleSupport causing the reply to be disregarded".into(),
            "119236".into(),
            "".into(),
        ]];
        let m = guess(&header, &rows).expect("a guess");
        assert_eq!(
            (m.id.as_str(), m.text.as_str(), m.timestamp.as_str()),
            ("tweet_id", "text", "created_at")
        );
        assert_eq!(m.timestamp_format, "twitter");
        assert_eq!(m.author.as_deref(), None);
        assert_eq!(m.author_id.as_deref(), Some("author_id"));
        assert_eq!(m.reply_to.as_deref(), Some("in_response_to_tweet_id"));
        let toml = to_toml(&m);
        assert!(
            toml.starts_with("[[mappings]]\nname = \"inspected\"\n"),
            "{toml}"
        );
        assert!(toml.contains("timestamp_format = \"twitter\""));
    }
}
