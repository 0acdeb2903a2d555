//! One run at a time per output directory.

use super::RunError;

/// Holds `OUT/.socialpulse/run.lock` for the whole run: one run at a time per output.
/// The lock is the kernel's (`flock`), so a killed run cannot leave it stuck.
pub(super) struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    pub(super) fn acquire(out: &std::path::Path) -> Result<OutputLock, RunError> {
        let state = out.join(".socialpulse");
        std::fs::create_dir_all(&state).map_err(|e| RunError::io("create", &state, e))?;
        let path = state.join("run.lock");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| RunError::io("open lock", &path, e))?;
        match file.try_lock() {
            Ok(()) => {
                use std::io::{Seek, Write};
                let _ = file.set_len(0);
                let _ = file.seek(std::io::SeekFrom::Start(0));
                let _ = write!(file, "{}", std::process::id());
                Ok(OutputLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                Err(RunError::Locked(format!(
                    "another run (pid {}) is writing {}; try again when it has finished",
                    holder.trim(),
                    out.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(RunError::io("lock", &path, e)),
        }
    }
}
