//! The per-day spill: the posts read, grouped by UTC day for the second pass. Within
//! `run.memory_budget_mb` they are held in memory; once the estimate passes it, every
//! day held so far and every later batch is bincode-encoded into one file per day, so
//! the second pass holds one day at a time.

use crate::model::Post;
use crate::text::utc_day;
use bincode::Options;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Posts by day: in memory within the budget, then in spill files of bincode-encoded
/// posts.
pub struct Spill {
    pub dir: PathBuf,
    writers: FxHashMap<i64, BufWriter<std::fs::File>>,
    days: FxHashSet<i64>,
    error: Option<String>,
    /// Bytes the posts may take in memory; once `held_bytes` passes it, all go to disk.
    budget: usize,
    held_bytes: usize,
    held: FxHashMap<i64, Held>,
    on_disk: bool,
}

/// A day's posts in memory, as the batches brought them: a batch of one day (the
/// usual case, inputs run in time order) is kept whole instead of being copied post
/// by post into a growing vector.
#[derive(Default)]
struct Held(Vec<Vec<Post>>);

impl Held {
    fn into_posts(self) -> Vec<Post> {
        let mut chunks = self.0;
        if chunks.len() == 1 {
            return chunks.pop().unwrap_or_default();
        }
        let mut out = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for c in chunks {
            out.extend(c);
        }
        out
    }
}

/// About what a post takes in memory: its structure and the bytes of its strings.
fn footprint(p: &Post) -> usize {
    let strs = |v: &[String]| v.iter().map(|s| s.len() + 24).sum::<usize>();
    let opt = |o: &Option<String>| o.as_ref().map_or(0, String::len);
    std::mem::size_of::<Post>()
        + p.platform.len()
        + p.post_id.len()
        + p.text.len()
        + p.source_file.len()
        + opt(&p.url)
        + opt(&p.link)
        + opt(&p.account)
        + opt(&p.author_id)
        + opt(&p.author_handle)
        + opt(&p.reply_to_id)
        + opt(&p.conversation_id)
        + opt(&p.lang)
        + opt(&p.visibility)
        + strs(&p.hashtags)
        + strs(&p.mentions)
        + strs(&p.urls)
}

/// At most this many spill files open at once (the rest are reopened for append).
const MAX_OPEN_SPILLS: usize = 128;

impl Spill {
    /// A spill into `dir` that holds up to `budget` bytes of posts in memory.
    pub fn new(dir: PathBuf, budget: usize) -> Spill {
        Spill {
            dir,
            writers: FxHashMap::default(),
            days: FxHashSet::default(),
            error: None,
            budget,
            held_bytes: 0,
            held: FxHashMap::default(),
            on_disk: budget == 0,
        }
    }

    /// Posts go to disk (encode them with [`encode_by_day`] before [`Spill::append`]).
    pub fn on_disk(&self) -> bool {
        self.on_disk
    }

    /// Keep posts in memory; past the budget, everything held goes to disk.
    pub fn hold(&mut self, posts: Vec<Post>) {
        if self.on_disk {
            for (day, bytes) in encode_by_day(posts) {
                self.append(day, &bytes);
            }
            return;
        }
        self.held_bytes += posts.iter().map(footprint).sum::<usize>();
        match posts.first().map(|p| utc_day(p.created_at)) {
            None => {}
            Some(day) if posts.iter().all(|p| utc_day(p.created_at) == day) => {
                self.held.entry(day).or_default().0.push(posts);
            }
            Some(_) => {
                let mut by_day: BTreeMap<i64, Vec<Post>> = BTreeMap::new();
                for p in posts {
                    by_day.entry(utc_day(p.created_at)).or_default().push(p);
                }
                for (day, posts) in by_day {
                    self.held.entry(day).or_default().0.push(posts);
                }
            }
        }
        if self.held_bytes > self.budget {
            self.on_disk = true;
            let mut held: Vec<(i64, Held)> = std::mem::take(&mut self.held).into_iter().collect();
            held.sort_unstable_by_key(|d| d.0);
            self.held_bytes = 0;
            for (_, posts) in held {
                for (day, bytes) in encode_by_day(posts.into_posts()) {
                    self.append(day, &bytes);
                }
            }
        }
    }

    pub fn path(dir: &Path, day: i64) -> PathBuf {
        dir.join(format!("day-{day}.bin"))
    }

    pub fn append(&mut self, day: i64, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if !self.writers.contains_key(&day) && self.writers.len() >= MAX_OPEN_SPILLS {
            for (_, mut w) in self.writers.drain() {
                if let Err(e) = w.flush() {
                    self.error = Some(format!("spill flush: {e}"));
                }
            }
        }
        let w = match self.writers.entry(day) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let path = Spill::path(&self.dir, day);
                match std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                {
                    Ok(f) => v.insert(BufWriter::with_capacity(256 * 1024, f)),
                    Err(e) => {
                        self.error = Some(format!("cannot write spill {}: {e}", path.display()));
                        return;
                    }
                }
            }
        };
        if let Err(e) = w.write_all(bytes) {
            self.error = Some(format!("spill write: {e}"));
        }
        self.days.insert(day);
    }

    /// The days spilled, and the posts held in memory for pass 2.
    pub fn close(mut self) -> Result<Spilled, String> {
        for (_, mut w) in self.writers.drain() {
            w.flush().map_err(|e| format!("spill flush: {e}"))?;
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut days: Vec<i64> = self.days.iter().copied().collect();
        days.extend(self.held.keys().copied());
        days.sort_unstable();
        Ok(Spilled {
            dir: self.dir,
            days,
            held: std::sync::Mutex::new(self.held),
        })
    }
}

/// What pass 1 read, by day, for pass 2 to take day by day.
pub struct Spilled {
    dir: PathBuf,
    /// Days with posts, in order.
    pub days: Vec<i64>,
    held: std::sync::Mutex<FxHashMap<i64, Held>>,
}

impl Spilled {
    /// The posts read of `day` (each day is taken once): from memory, or decoded from
    /// its spill file, which is then removed.
    pub fn take(&self, day: i64) -> Result<Vec<Post>, String> {
        let held = match self.held.lock() {
            Ok(mut h) => h.remove(&day),
            Err(p) => p.into_inner().remove(&day),
        };
        if let Some(posts) = held {
            return Ok(posts.into_posts());
        }
        let path = Spill::path(&self.dir, day);
        let posts = decode_day(&path)?;
        let _ = std::fs::remove_file(&path);
        Ok(posts)
    }
}

/// The spill's encoding: variable-length integers, so the many short strings, lists and
/// small counters of a post cost a byte of length each instead of eight (about half the
/// bytes written and read back).
fn spill_codec() -> impl bincode::Options + Copy {
    bincode::DefaultOptions::new()
}

/// Encode posts as length-prefixed bincode records, grouped by UTC day. Each post is
/// serialised straight into its day's buffer (the length patched in afterwards), so
/// no buffer per post is allocated and copied.
pub fn encode_by_day(posts: Vec<Post>) -> Vec<(i64, Vec<u8>)> {
    let mut groups: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
    for p in posts {
        let buf = groups.entry(utc_day(p.created_at)).or_default();
        let at = buf.len();
        buf.extend_from_slice(&[0u8; 8]);
        if spill_codec().serialize_into(&mut *buf, &p).is_ok() {
            let len = (buf.len() - at - 8) as u64;
            buf[at..at + 8].copy_from_slice(&len.to_le_bytes());
        } else {
            buf.truncate(at);
        }
    }
    groups.into_iter().collect()
}

/// Decode a day's spill file, read whole: it holds no more than the day's posts,
/// which are decoded into memory anyway.
pub fn decode_day(path: &Path) -> Result<Vec<Post>, String> {
    let err = |e: &dyn std::fmt::Display| format!("spill {}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| err(&e))?;
    let mut out = Vec::new();
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<8>()
            .ok_or_else(|| err(&"truncated record length"))?;
        let len = u64::from_le_bytes(*len) as usize;
        if tail.len() < len {
            return Err(err(&"truncated record"));
        }
        let (record, tail) = tail.split_at(len);
        out.push(spill_codec().deserialize(record).map_err(|e| err(&e))?);
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posts(n: usize) -> Vec<Post> {
        (0..n)
            .map(|i| {
                let day = (i % 3) as i64;
                let mut p = Post::new(
                    "x",
                    format!("{i}"),
                    day * 86_400_000_000 + i as i64,
                    "some words ".repeat(i % 7),
                );
                p.source_position = i as u64;
                p
            })
            .collect()
    }

    /// Held in memory, spilled from the start, or spilled once the budget is passed in
    /// the middle of the read: pass 2 takes the same posts of every day.
    #[test]
    fn every_budget_gives_the_same_days() {
        let take_all = |budget: usize| {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut s = Spill::new(dir.path().to_path_buf(), budget);
            let all = posts(300);
            for chunk in all.chunks(50) {
                s.hold(chunk.to_vec());
            }
            let spilled = s.close().expect("close");
            let days: Vec<(i64, Vec<Post>)> = spilled
                .days
                .iter()
                .map(|&d| (d, spilled.take(d).expect("take")))
                .collect();
            let files = std::fs::read_dir(dir.path()).expect("dir").count();
            (days, files)
        };
        let (memory, files) = take_all(usize::MAX);
        assert_eq!(files, 0, "nothing written within the budget");
        assert_eq!(memory.len(), 3);
        assert_eq!(memory.iter().map(|d| d.1.len()).sum::<usize>(), 300);
        let one = footprint(&posts(1)[0]);
        for budget in [0, 120 * one] {
            let (days, files) = take_all(budget);
            assert_eq!(days, memory, "budget {budget}");
            assert_eq!(files, 0, "spill files removed once taken");
        }
    }
}
