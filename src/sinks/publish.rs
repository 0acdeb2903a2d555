//! Atomic publication of the whole table set: every run writes a complete snapshot
//! (`OUT/.socialpulse/snapshots/<run_id>/`: the tables, `_run.json` and the nightly
//! state), hard-linking the files it did not change from the previous snapshot, and
//! then switches the symbolic link `OUT/current` to it with one `rename`. A reader
//! that resolves `OUT/current` sees one run's tables, never a mix; a run killed at
//! any instant leaves `current` on the last published snapshot.
//!
//! Snapshots other than the current one are removed: those of runs that ended without
//! publishing by the signal handler of the CLI ([`abandon_all`]) or by the next run
//! ([`Staging::create`]), and the one a publication replaces by the run after it (so
//! that readers still inside it can finish).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The link to the current snapshot, relative to the output directory.
pub const CURRENT: &str = "current";

/// Snapshots of the runs in progress in this process.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn active() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    match ACTIVE.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Set once the process is stopping: no folder is created in a snapshot after it.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether [`abandon_all`] has begun (the process is about to exit).
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// `std::fs::create_dir_all` for everything written into a snapshot, refused once
/// [`abandon_all`] has begun, so workers still running cannot recreate the snapshot
/// it removes.
pub fn create_dir_all(path: &Path) -> std::io::Result<()> {
    if STOPPING.load(Ordering::SeqCst) {
        return Err(std::io::Error::other("the run is stopping"));
    }
    std::fs::create_dir_all(path)
}

/// Remove the unpublished snapshots of every run in progress (the CLI calls this on
/// SIGINT/SIGTERM before exiting). The published output is untouched.
///
/// Workers keep writing meanwhile: each snapshot is first renamed away in one step (so
/// files opened by path after that fail, and [`create_dir_all`] refuses to make it
/// again), then removed; any folder a worker created in between goes on the next pass.
pub fn abandon_all() {
    let dirs: Vec<PathBuf> = {
        let mut running = active();
        STOPPING.store(true, Ordering::SeqCst);
        running.drain(..).collect()
    };
    for dir in &dirs {
        for pass in 0..100 {
            if std::fs::symlink_metadata(dir).is_err() {
                break;
            }
            let mut away = dir.clone().into_os_string();
            away.push(format!(".abandoned-{pass}"));
            let away = PathBuf::from(away);
            let target = if std::fs::rename(dir, &away).is_ok() {
                away
            } else {
                dir.clone()
            };
            let _ = std::fs::remove_dir_all(&target);
            if pass > 0 {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

/// Where the snapshots of an output live.
pub fn snapshots_dir(out: &Path) -> PathBuf {
    out.join(".socialpulse").join("snapshots")
}

/// The published snapshot `OUT/current` points to, if any.
pub fn current(out: &Path) -> Option<PathBuf> {
    let target = std::fs::read_link(out.join(CURRENT)).ok()?;
    let dir = out.join(target);
    dir.is_dir().then_some(dir)
}

/// `OUT/current` is the link a run publishes through, or absent: a folder there (an
/// output copied with `cp -rL`, or synced by a tool that follows links) cannot be
/// replaced in one step, so it is refused before any work.
pub fn check_current(out: &Path) -> Result<(), String> {
    let link = out.join(CURRENT);
    match std::fs::symlink_metadata(&link) {
        Ok(m) if !m.file_type().is_symlink() => Err(format!(
            "{} is a {}, not the link socialpulse publishes through (an output copied with cp -rL, or synced by a tool that follows links?): \
             move it aside and restore the output with its links kept (cp -a, rsync -a), or move it aside and run with --full",
            link.display(),
            if m.is_dir() { "folder" } else { "file" }
        )),
        _ => Ok(()),
    }
}

/// Hard-link `from` to `to` (creating `to`'s folder), copying where links are not
/// possible (another file system).
pub fn link_or_copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

pub struct Staging {
    pub out: PathBuf,
    /// The new snapshot, written in place and published by [`Staging::publish`].
    pub dir: PathBuf,
    /// The snapshot `current` pointed to when the run started.
    pub previous: Option<PathBuf>,
    run_id: String,
}

/// Remove every snapshot but `keep`, and the staging folders of older versions. Only
/// called while holding the output lock, so no other run is writing any of them.
pub fn clean_leftovers(out: &Path, keep: &[&Path]) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    if let Ok(entries) = std::fs::read_dir(snapshots_dir(out)) {
        for e in entries.filter_map(|e| e.ok()) {
            let path = e.path();
            if keep.iter().all(|k| *k != path) && std::fs::remove_dir_all(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().to_string();
            let leftover = name.starts_with(".staging-")
                || name.starts_with(".replaced-")
                || name.starts_with(".current-");
            if !leftover {
                continue;
            }
            let gone = if e.path().is_dir() {
                std::fs::remove_dir_all(e.path())
            } else {
                std::fs::remove_file(e.path())
            };
            if gone.is_ok() {
                removed.push(e.path());
            }
        }
    }
    removed.sort();
    removed
}

impl Staging {
    /// Start a snapshot for `run_id`, after removing what killed runs left.
    pub fn create(out: &Path, run_id: &str) -> Result<Staging, String> {
        let previous = current(out);
        clean_leftovers(
            out,
            &previous.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
        );
        let dir = snapshots_dir(out).join(run_id);
        {
            // Made and registered under the lock `abandon_all` takes: a signal between
            // the two would otherwise find the folder made but not yet registered, and
            // leave it behind.
            let mut running = active();
            if stopping() {
                return Err("the run is stopping".into());
            }
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create snapshot dir {}: {e}", dir.display()))?;
            running.push(dir.clone());
        }
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            previous,
            run_id: run_id.to_string(),
        })
    }

    pub fn table_dir(&self, table: &str) -> PathBuf {
        self.dir.join(table)
    }

    /// Publish the snapshot: point `OUT/current` at it with one atomic rename, then
    /// remove `legacy`, the entries an older version kept at the top of `OUT`.
    pub fn publish(self, legacy: &[&str]) -> Result<(), String> {
        let link = self.out.join(format!(".current-{}", self.run_id));
        let _ = std::fs::remove_file(&link);
        let target = Path::new(".socialpulse")
            .join("snapshots")
            .join(&self.run_id);
        symlink(&target, &link)
            .map_err(|e| format!("cannot create link {}: {e}", link.display()))?;
        {
            // Under the lock [`abandon_all`] takes: a stopping process never publishes a
            // snapshot it is removing, and one published first is no longer abandoned.
            let mut running = active();
            if STOPPING.load(Ordering::SeqCst) {
                let _ = std::fs::remove_file(&link);
                return Err("the run is stopping: nothing was published".into());
            }
            std::fs::rename(&link, self.out.join(CURRENT))
                .map_err(|e| format!("cannot publish {}: {e}", self.out.join(CURRENT).display()))?;
            running.retain(|d| d != &self.dir);
        }
        if let Ok(d) = std::fs::File::open(&self.out) {
            let _ = d.sync_all();
        }
        for name in legacy {
            let p = self.out.join(name);
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(&p);
            } else if p.is_file() {
                let _ = std::fs::remove_file(&p);
            }
        }
        Ok(())
    }

    /// Remove everything staged (after a failed run).
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        active().retain(|d| d != &self.dir);
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}
