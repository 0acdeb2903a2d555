//! Atomic publication: a run writes into `OUT/.staging-<run>/` and only then renames
//! each finished table directory into `OUT/`, so a reader never sees half a table (the
//! renames are one per table; the manifest goes last).
//!
//! Staging directories of runs that ended without publishing are removed: by the
//! signal handler of the CLI ([`abandon_all`]) when the run is interrupted, and by the
//! next run into the same output ([`Staging::create`]) when it was killed outright.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Staging directories of the runs in progress in this process.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn active() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    match ACTIVE.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Remove the staging directories of every run in progress (the CLI calls this on
/// SIGINT/SIGTERM before exiting). The published output is untouched.
pub fn abandon_all() {
    let dirs: Vec<PathBuf> = active().drain(..).collect();
    // Workers may still be writing: a second pass removes what they recreated meanwhile.
    for pass in 0..2 {
        for dir in &dirs {
            let _ = std::fs::remove_dir_all(dir);
        }
        if pass == 0 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

pub struct Staging {
    pub out: PathBuf,
    pub dir: PathBuf,
    run_id: String,
}

/// Whether the process that made a staging or replaced directory (named
/// `.<kind>-<run_id>`, the run id ending in `-<pid>`) is gone.
fn owner_is_gone(name: &str) -> bool {
    let Some(pid) = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok()) else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    !Path::new("/proc").join(pid.to_string()).exists()
}

/// Remove what killed runs left in `out`: their staging and replaced directories.
pub fn clean_leftovers(out: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    if !Path::new("/proc/self").exists() {
        return removed; // no way to tell a live run from a dead one
    }
    let Ok(entries) = std::fs::read_dir(out) else {
        return removed;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().to_string();
        let leftover = name.starts_with(".staging-") || name.starts_with(".replaced-");
        if leftover && owner_is_gone(&name) && std::fs::remove_dir_all(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed.sort();
    removed
}

impl Staging {
    pub fn create(out: &Path, run_id: &str) -> Result<Staging, String> {
        clean_leftovers(out);
        let dir = out.join(format!(".staging-{run_id}"));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create staging dir {}: {e}", dir.display()))?;
        active().push(dir.clone());
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            run_id: run_id.to_string(),
        })
    }

    pub fn table_dir(&self, table: &str) -> PathBuf {
        self.dir.join(table)
    }

    /// Swap every staged entry (tables, then the manifest last) into `OUT/`.
    /// Old tables are moved aside first and deleted once the new ones are in place.
    pub fn publish(self, entries: &[&str]) -> Result<(), String> {
        let trash = self.out.join(format!(".replaced-{}", self.run_id));
        for name in entries {
            let staged = self.dir.join(name);
            if !staged.exists() {
                continue;
            }
            let target = self.out.join(name);
            if target.exists() {
                std::fs::create_dir_all(&trash)
                    .map_err(|e| format!("cannot create {}: {e}", trash.display()))?;
                std::fs::rename(&target, trash.join(name))
                    .map_err(|e| format!("cannot move old {} aside: {e}", target.display()))?;
            }
            std::fs::rename(&staged, &target)
                .map_err(|e| format!("cannot publish {}: {e}", target.display()))?;
        }
        let _ = std::fs::remove_dir_all(&trash);
        self.finish();
        Ok(())
    }

    /// Remove everything staged (after a failed run).
    pub fn abandon(self) {
        self.finish();
    }

    fn finish(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        active().retain(|d| d != &self.dir);
    }
}
