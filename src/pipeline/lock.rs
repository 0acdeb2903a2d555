//! One run at a time per output directory.

use super::RunError;

/// Holds `OUT/.socialpulse/run.lock` for the whole run: one run at a time per output.
/// The lock is the kernel's (`flock`), so a killed run cannot leave it stuck.
pub(super) struct OutputLock {
    _file: std::fs::File,
}

/// How many times (10 ms apart) a lock held under this process's own pid is tried again.
const SELF_RETRIES: u32 = 200;

/// The pid the lock's holder wrote into the lock file ("" when unreadable).
fn holder(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .trim()
        .to_string()
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
        // A run that finished in this process may still "hold" the lock for a moment:
        // a child process another thread forked shares its open file until the child
        // execs, and the lock belongs to the open file. So a lock held under our own pid
        // is tried again for a short while; another process's lock is refused at once.
        let mut tries = 0;
        let locked = loop {
            match file.try_lock() {
                Err(std::fs::TryLockError::WouldBlock)
                    if tries < SELF_RETRIES && holder(&path) == std::process::id().to_string() =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                r => break r,
            }
        };
        match locked {
            Ok(()) => {
                use std::io::{Seek, Write};
                let _ = file.set_len(0);
                let _ = file.seek(std::io::SeekFrom::Start(0));
                let _ = write!(file, "{}", std::process::id());
                Ok(OutputLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Locked(format!(
                "another run (pid {}) is writing {}; try again when it has finished",
                holder(&path),
                out.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(RunError::io("lock", &path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finished run's lock file still open elsewhere (as in a child forked before it
    /// execs) delays the next run of this process instead of refusing it.
    #[test]
    fn a_lock_lingering_in_a_copy_of_our_own_file_is_waited_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = OutputLock::acquire(dir.path()).expect("first");
        let copy = first._file.try_clone().expect("clone");
        drop(first);
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            drop(copy);
        });
        let second = OutputLock::acquire(dir.path());
        release.join().expect("release");
        assert!(second.is_ok(), "{:?}", second.err());
    }

    /// Another process's lock is refused at once, naming its pid.
    #[test]
    fn a_lock_held_by_another_pid_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let held = OutputLock::acquire(dir.path()).expect("first");
        std::fs::write(dir.path().join(".socialpulse/run.lock"), "999999").expect("pid");
        let t = std::time::Instant::now();
        let err = OutputLock::acquire(dir.path()).err().map(|e| e.to_string());
        assert!(t.elapsed() < std::time::Duration::from_millis(500));
        assert!(err.is_some_and(|e| e.contains("pid 999999")));
        drop(held);
    }
}
