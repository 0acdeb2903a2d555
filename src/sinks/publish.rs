//! Atomic publication: a run writes into `OUT/.staging-<run>/` and only then renames
//! each finished table directory into `OUT/`, so a reader never sees half a run.

use std::path::{Path, PathBuf};

pub struct Staging {
    pub out: PathBuf,
    pub dir: PathBuf,
    run_id: String,
}

impl Staging {
    pub fn create(out: &Path, run_id: &str) -> Result<Staging, String> {
        let dir = out.join(format!(".staging-{run_id}"));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create staging dir {}: {e}", dir.display()))?;
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
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }

    /// Remove everything staged (after a failed run).
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
