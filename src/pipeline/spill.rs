//! The per-day spill: posts bincode-encoded into one file per UTC day during the read,
//! so the second pass holds one day at a time.

use crate::model::Post;
use crate::text::utc_day;
use bincode::Options;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Per-day spill files of bincode-encoded posts.
pub struct Spill {
    pub dir: PathBuf,
    writers: FxHashMap<i64, BufWriter<std::fs::File>>,
    days: FxHashSet<i64>,
    error: Option<String>,
}

/// At most this many spill files open at once (the rest are reopened for append).
const MAX_OPEN_SPILLS: usize = 128;

impl Spill {
    pub fn new(dir: PathBuf) -> Spill {
        Spill {
            dir,
            writers: FxHashMap::default(),
            days: FxHashSet::default(),
            error: None,
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

    pub fn close(&mut self) -> Result<Vec<i64>, String> {
        for (_, mut w) in self.writers.drain() {
            w.flush().map_err(|e| format!("spill flush: {e}"))?;
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut days: Vec<i64> = self.days.iter().copied().collect();
        days.sort_unstable();
        Ok(days)
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
