//! Deterministic synthetic corpora for benchmarks, demos and format tests.
//!
//! `socialpulse generate --posts N --format F --out DIR` writes N posts of a transit
//! agency's social traffic (three own accounts, members of the public writing to them,
//! the agency answering) in one archive format, plus a `pipeline.toml` that reads them.
//! The same seed gives byte-identical files. The mix is meant to look like the real
//! thing to every stage of the pipeline: short and long posts, emoji, hashtags, URLs,
//! mentions, questions, complaints, praise, official-information requests, personal
//! data, a little Spanish and Māori, replies threading to earlier posts, re-exported
//! duplicates with updated counters, and a few malformed records.

mod formats;
mod text;

pub use formats::{Format, FORMATS};

use std::io::Write;
use std::path::{Path, PathBuf};

/// Knobs of one corpus.
#[derive(Clone, Debug)]
pub struct Spec {
    pub posts: u64,
    pub format: Format,
    pub seed: u64,
    /// Compress line-oriented files (`none`, `gzip`, `zstd`).
    pub compression: Compression,
    /// Posts per file (the corpus is split into files in time order).
    pub posts_per_file: u64,
    /// Days the corpus spans; 0 picks one from the size (about 25,000 posts a day,
    /// between 7 and 365 days).
    pub days: u32,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            posts: 10_000,
            format: Format::Ndjson,
            seed: 42,
            compression: Compression::Gzip,
            posts_per_file: 100_000,
            days: 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl std::str::FromStr for Compression {
    type Err = String;
    fn from_str(s: &str) -> Result<Compression, String> {
        match s {
            "none" => Ok(Compression::None),
            "gzip" | "gz" => Ok(Compression::Gzip),
            "zstd" | "zst" => Ok(Compression::Zstd),
            _ => Err(format!("unknown compression {s:?} (none, gzip, zstd)")),
        }
    }
}

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: Vec<PathBuf>,
    pub config: PathBuf,
    /// Records written, including duplicates and malformed ones.
    pub records: u64,
    pub unique_posts: u64,
    pub duplicates: u64,
    pub malformed: u64,
    pub bytes: u64,
}

/// SplitMix64: tiny, fast and fully specified, so corpora are stable across versions
/// of any random-number crate.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    pub fn word(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// The organisation's own accounts: (handle, display name).
pub const ACCOUNTS: &[(&str, &str)] = &[
    ("NorthlineTransit", "Northline Transit"),
    ("NorthlineHelp", "Northline Help"),
    ("HarbourFerries", "Harbour Ferries"),
];

/// Platforms of the NDJSON and CSV exports (a listening tool covers them all).
pub const PLATFORMS: &[&str] = &["twitter", "facebook", "instagram", "mastodon", "bluesky"];

/// One generated post, before it is dressed in an archive format.
#[derive(Clone, Debug)]
pub struct Record {
    /// Unique number of the post (ids are derived from it per format).
    pub n: u64,
    pub platform: &'static str,
    /// Index into [`ACCOUNTS`].
    pub account: usize,
    pub inbound: bool,
    /// Public user number (inbound) — outbound posts are by the account.
    pub user: u64,
    pub created_at: i64,
    pub text: String,
    pub lang: &'static str,
    /// The post this one replies to, and the thread root.
    pub reply_to: Option<(u64, u64)>,
    pub likes: i64,
    pub reposts: i64,
    pub replies: i64,
    pub views: i64,
    pub hashtags: Vec<String>,
    pub urls: Vec<String>,
}

/// An item of the generated stream.
#[derive(Clone, Debug)]
pub enum Item {
    Post(Record),
    /// A record the reader must reject; the payload says how to break it.
    Malformed(Record, u8),
}

/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600_000_000;
const DAY: i64 = 86_400_000_000;

/// Generates the stream of posts (deterministic for a seed).
pub struct Generator {
    rng: Rng,
    spec: Spec,
    i: u64,
    next_n: u64,
    span: i64,
    /// Recent inbound posts that want an answer: (n, thread root, platform, account, user).
    open: Vec<(u64, u64, &'static str, usize, u64)>,
    /// Recent posts that may be re-exported.
    recent: Vec<Record>,
    platforms: &'static [&'static str],
}

impl Generator {
    pub fn new(spec: &Spec) -> Generator {
        let days = if spec.days > 0 {
            spec.days
        } else {
            (spec.posts / 25_000).clamp(7, 365) as u32
        };
        Generator {
            rng: Rng::new(spec.seed),
            spec: spec.clone(),
            i: 0,
            next_n: 1,
            span: i64::from(days) * DAY,
            open: Vec::new(),
            recent: Vec::new(),
            platforms: spec.format.platforms(),
        }
    }

    fn timestamp(&mut self) -> i64 {
        // Evenly spread with jitter of up to a minute, never going backwards much.
        let base = START
            + (i128::from(self.span) * i128::from(self.i) / i128::from(self.spec.posts.max(1)))
                as i64;
        base + self.rng.below(60_000_000) as i64
    }

    fn fresh(&mut self) -> Record {
        let n = self.next_n;
        self.next_n += 1;
        let created_at = self.timestamp();
        let platform = *self.rng.pick(self.platforms);
        let account = if self.spec.format.single_account() {
            0
        } else {
            self.rng.below(ACCOUNTS.len() as u64) as usize
        };
        let inbound = self.rng.chance(0.7);
        let user = 1 + self.rng.below(self.spec.posts / 4 + 50);
        let mut r = Record {
            n,
            platform,
            account,
            inbound,
            user,
            created_at,
            text: String::new(),
            lang: "en",
            reply_to: None,
            likes: self.rng.below(20) as i64,
            reposts: self.rng.below(5) as i64,
            replies: self.rng.below(4) as i64,
            views: 20 + self.rng.below(5_000) as i64,
            hashtags: Vec::new(),
            urls: Vec::new(),
        };
        if inbound && platform == "facebook" {
            // Comments on a Facebook page address the page, not a handle in the text,
            // so they belong to the page's default (first) account.
            r.account = 0;
        }
        if inbound {
            let to = formats::mention(platform, ACCOUNTS[r.account].0);
            let t = text::inbound(&mut self.rng, &to);
            r.text = t.text;
            r.lang = t.lang;
            r.hashtags = t.hashtags;
            r.urls = t.urls;
            if t.wants_answer {
                self.open.push((n, n, platform, r.account, user));
                if self.open.len() > 256 {
                    let k = self.rng.below(self.open.len() as u64) as usize;
                    self.open.swap_remove(k);
                }
            }
        } else if !self.open.is_empty() && self.rng.chance(0.6) {
            // Answer a recent inbound post on its platform, as the account addressed.
            let k = self.rng.below(self.open.len() as u64) as usize;
            let (parent, root, p, a, u) = self.open.swap_remove(k);
            r.platform = p;
            r.account = a;
            r.reply_to = Some((parent, root));
            r.text = text::answer(&mut self.rng, &text::user_handle(p, u));
            r.likes = self.rng.below(5) as i64;
            r.reposts = 0;
        } else {
            let t = text::announcement(&mut self.rng);
            r.text = t.text;
            r.hashtags = t.hashtags;
            r.urls = t.urls;
            r.likes = self.rng.below(300) as i64;
            r.reposts = self.rng.below(60) as i64;
            r.views = 1_000 + self.rng.below(50_000) as i64;
        }
        r
    }
}

impl Iterator for Generator {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        if self.i >= self.spec.posts {
            return None;
        }
        self.i += 1;
        // About 1% are re-exports of a recent post with higher counters, 0.2% malformed.
        if !self.recent.is_empty() && self.rng.chance(0.01) {
            let k = self.rng.below(self.recent.len() as u64) as usize;
            let mut r = self.recent[k].clone();
            r.likes += 1 + self.rng.below(10) as i64;
            r.views += 100;
            return Some(Item::Post(r));
        }
        let r = self.fresh();
        if self.rng.chance(0.002) {
            let how = self.rng.below(3) as u8;
            return Some(Item::Malformed(r, how));
        }
        if self.recent.len() < 512 {
            self.recent.push(r.clone());
        } else {
            let k = self.rng.below(512) as usize;
            self.recent[k] = r.clone();
        }
        Some(Item::Post(r))
    }
}

/// Write a corpus under `dir` (`dir/data/...` and `dir/pipeline.toml`).
pub fn generate(spec: &Spec, dir: &Path) -> Result<Summary, String> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let mut summary = Summary::default();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut chunk: Vec<Item> = Vec::new();
    let mut file_no = 0u32;
    let per_file = spec.posts_per_file.max(1);
    let flush = |chunk: &mut Vec<Item>, file_no: &mut u32, summary: &mut Summary| {
        if chunk.is_empty() {
            return Ok(());
        }
        *file_no += 1;
        let written = formats::write_chunk(spec, &data, *file_no, chunk)?;
        for p in written {
            summary.bytes += std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            summary.files.push(p);
        }
        chunk.clear();
        Ok::<(), String>(())
    };
    for item in Generator::new(spec) {
        summary.records += 1;
        match &item {
            Item::Post(r) => {
                if seen.insert(r.n) {
                    summary.unique_posts += 1;
                } else {
                    summary.duplicates += 1;
                }
            }
            Item::Malformed(..) => summary.malformed += 1,
        }
        chunk.push(item);
        if chunk.len() as u64 >= per_file {
            flush(&mut chunk, &mut file_no, &mut summary)?;
        }
    }
    flush(&mut chunk, &mut file_no, &mut summary)?;
    formats::write_extras(spec, &data, &mut summary.files)?;
    summary.config = dir.join("pipeline.toml");
    write_config(spec, dir, &summary.config)?;
    Ok(summary)
}

fn write_config(spec: &Spec, dir: &Path, path: &Path) -> Result<(), String> {
    let taxonomy = dir.join("taxonomy.toml");
    std::fs::write(
        &taxonomy,
        include_str!("../../pipelines/taxonomies/transit.toml"),
    )
    .map_err(|e| format!("cannot write {}: {e}", taxonomy.display()))?;
    let mut s = String::new();
    s.push_str(&format!(
        "# Generated by `socialpulse generate --posts {} --format {} --seed {}`.\n\n",
        spec.posts,
        spec.format.name(),
        spec.seed
    ));
    s.push_str("topic_files = [\"taxonomy.toml\"]\n\n[input]\npaths = [\"data\"]\n\n[output]\ndir = \"out\"\n\n[run]\nmax_reject_ratio = 0.05\n\n");
    for platform in spec.format.platforms() {
        for (i, (handle, _)) in ACCOUNTS.iter().enumerate() {
            let own = formats::own_handle(platform, handle);
            s.push_str(&format!(
                "[[accounts]]\nplatform = \"{platform}\"\nhandle = \"{own}\"\n"
            ));
            // The generator credits posts that address no account to the first.
            if i == 0 {
                s.push_str("default = true\n");
            }
            if *platform == "bluesky" {
                s.push_str(&format!("id = \"{}\"\n", formats::did(handle)));
            }
            s.push('\n');
        }
    }
    s.push_str(formats::MAPPING);
    let mut f =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    f.write_all(s.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_stable() {
        let mut r = Rng::new(1);
        let a: Vec<u64> = (0..3).map(|_| r.below(1000)).collect();
        let mut r = Rng::new(1);
        let b: Vec<u64> = (0..3).map(|_| r.below(1000)).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn stream_is_deterministic_and_sized() {
        let spec = Spec {
            posts: 2_000,
            ..Spec::default()
        };
        let a: Vec<String> = Generator::new(&spec).map(|i| format!("{i:?}")).collect();
        let b: Vec<String> = Generator::new(&spec).map(|i| format!("{i:?}")).collect();
        assert_eq!(a.len(), 2_000);
        assert_eq!(a, b);
    }
}
